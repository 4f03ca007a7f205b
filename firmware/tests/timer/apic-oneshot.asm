; Arms the local APIC timer as a one-shot (divide by 1, COUNT bus clocks) in 32-bit protected mode
; with the 8259 masked, then counts passes of a two-instruction loop in ECX until the timer's
; interrupt; the handler prints the registers (`timer ... ecx=..`) and exits. The count tells at
; which instruction the interrupt came, for test/emu/machine/timer-deadline.test.ts: a timer armed
; in the middle of the machine's run slice must fire at its own deadline, not at the slice's end.
; Assembled by the test (not committed).
%include "lib.inc"
%include "apic/irq.inc"

COUNT   equ 500000                      ; APIC bus clocks (1 GHz, divided by 1): 500 us
VECTOR  equ 0x40
SVR_ENABLE equ 0x100
TDCR_DIV1 equ 0x0b

main:
        PM32_PICS_MASKED
        SET_GATE VECTOR, isr, 0x8E
        APIC_W A_SVR, SVR_ENABLE | 0xff
        APIC_W A_TDCR, TDCR_DIV1
        APIC_W A_LVTT, VECTOR           ; one-shot, unmasked
        xor ecx, ecx
        APIC_W A_TICR, COUNT            ; armed: the interrupt comes COUNT clocks from now
        sti
.spin:  inc ecx
        jmp .spin

isr:
        DUMP "timer"
        EXIT

        ROM_END
