; A loop that waits for the timer, in 32-bit protected mode: the PIT's channel 0 at a high rate
; through the 8259 (IRQ0 as vector 0x20) and the local APIC's LINT0 in ExtINT mode, a main loop
; that runs with interrupts on (spinning a while), waits with hlt, counts in RAM and writes the count to the POST port, and an interrupt
; handler that counts too. test/emu/history/history.test.ts steps through it forwards and
; backwards: every few steps an interrupt is delivered or idle time passes. Assembled by the test
; (not committed).
%include "lib.inc"

APIC      equ 0xfee00000
A_SVR     equ 0xf0
A_LINT0   equ 0x350
TICKS     equ SCRATCH             ; dword: interrupts taken
PASSES    equ SCRATCH + 4         ; dword: main-loop passes
PIT_COUNT equ 2                 ; ~1.7 us (168 instructions of virtual time)
SPIN      equ 120               ; a pass spins about as long: interrupts come while it runs and in HLT

main:
        PM32_PICS_MASKED
        SET_GATE 0x20, irq0, 0x8E
        mov dword [TICKS], 0
        mov dword [PASSES], 0
        ; The local APIC passes the 8259's INTR on: software-enabled, LINT0 in ExtINT mode.
        mov dword [APIC + A_SVR], 0x1ff
        mov dword [APIC + A_LINT0], 0x700
        ; 8259: edge-triggered, vectors 0x20-0x27, cascade on IRQ2; only IRQ0 unmasked.
        mov al, 0x11
        out 0x20, al
        mov al, 0x20
        out 0x21, al
        mov al, 0x04
        out 0x21, al
        mov al, 0x01
        out 0x21, al
        mov al, 0xfe
        out 0x21, al
        ; PIT channel 0, rate generator.
        mov al, 0x34
        out 0x43, al
        mov al, PIT_COUNT
        out 0x40, al
        xor al, al
        out 0x40, al
        ; The counting runs with interrupts on, so an interrupt can come between any two of its
        ; instructions, not only at the HLT.
        sti
.wait:  inc dword [PASSES]
        mov ecx, SPIN
.spin:  loop .spin
        mov eax, [TICKS]
        out 0x80, al
        hlt
        cmp eax, 200
        jb .wait
        cli
        PRINT "done"
        EXIT

irq0:   push eax
        inc dword [TICKS]
        mov al, 0x20
        out 0x20, al
        pop eax
        iretd

ROM_END
