; A main loop with a timer interrupt every pass, for the gdb stub's single-step tests
; (test/gdbstub/sstep.test.ts): each pass arms PIT channel 0 in mode 0 (interrupt on terminal count,
; IRQ0 through the 8259 to vector 8) and spins with interrupts off longer than the count, so the
; interrupt is pending when `sti` ends the spin; its shadow keeps it pending at `pass_done` (the
; test's breakpoint, the instruction after STI), which counts the pass; the handler counts the
; interrupts. Real mode. (A timer fires at its own deadline, so with IF set the interrupt would be
; taken in the spin, before the breakpoint.) The loop and the handler run from RAM at
; 0000:1000 so that EIP is the linear address under QEMU's stub too: pass_done is at 0x1080, the
; handler at 0x1090. Assembled by the test (not committed); a 64 KiB ROM at 0xF0000, reset at
; F000:FFF0 (QEMU -bios, pcscope's PC --bios).

PASSES  equ 0x500               ; word: passes counted at pass_done
TICKS   equ 0x502               ; word: timer interrupts handled
COUNT   equ 1                   ; PIT input clocks (1.193182 MHz) to the interrupt: under 2 us
SPIN    equ 200                 ; LOOP iterations per pass: longer than COUNT (pcscope: 2 us)
RAM_CODE equ 0x1000
APIC_LVT_LINT0 equ 0xfee00350
LVT_EXTINT equ 0x700            ; delivery mode ExtINT, not masked
CR0_PE  equ 1
SEL_FLAT equ 0x08
SEL_REAL equ 0x10

        bits 16
        section rom start=0
start:
        cli
        xor ax, ax
        mov es, ax
        mov ss, ax
        mov sp, 0x7c00
        mov ax, cs
        mov ds, ax
        mov si, section.ram.start
        mov di, RAM_CODE
        mov cx, ram_end - RAM_CODE
        cld
        rep movsb
        xor ax, ax
        mov ds, ax
        mov word [PASSES], 0
        mov word [TICKS], 0
        mov word [8 * 4], irq0
        mov word [8 * 4 + 2], 0
        ; The local APIC's LINT0 to ExtINT, unmasked, as firmware does: the 8259's INTR then reaches
        ; the CPU (at reset LINT0 is masked). The LVT is above 1 MiB: a moment of protected mode with
        ; a flat DS, then a 64 KiB one for real mode again.
        lgdt [cs:gdt_desc]
        mov eax, cr0
        or al, CR0_PE
        mov cr0, eax
        mov ax, SEL_FLAT
        mov ds, ax
        mov dword [dword APIC_LVT_LINT0], LVT_EXTINT
        mov ax, SEL_REAL
        mov ds, ax
        mov eax, cr0
        and al, ~CR0_PE
        mov cr0, eax
        xor ax, ax
        mov ds, ax
        ; 8259 master: ICW1 (edge, ICW4 follows), ICW2 vector base 8, ICW3 slave on IR2, ICW4 8086
        ; mode; then only IRQ0 unmasked.
        mov al, 0x11
        out 0x20, al
        mov al, 0x08
        out 0x21, al
        mov al, 0x04
        out 0x21, al
        mov al, 0x01
        out 0x21, al
        mov al, 0xfe
        out 0x21, al
        mov al, 0xff
        out 0xa1, al
        sti
        jmp 0:main_loop

gdt:    dq 0
        dq 0x00cf92000000ffff           ; SEL_FLAT: data, base 0, 4 GiB
        dq 0x000092000000ffff           ; SEL_REAL: data, base 0, 64 KiB
gdt_desc:
        dw gdt_desc - gdt - 1
        dd 0xf0000 + gdt

        section ram follows=rom vstart=RAM_CODE
main_loop:
        ; Channel 0, low then high byte, mode 0: OUT rises (IRQ0) COUNT clocks after the high byte.
        mov al, 0x30
        out 0x43, al
        mov al, COUNT & 0xff
        out 0x40, al
        mov al, COUNT >> 8
        out 0x40, al
        cli
        mov cx, SPIN
.spin:  loop .spin
        jmp spin_done

        times 0x7f - ($ - $$) db 0xff
spin_done:
        sti                             ; 0x107f: IRQ0 is pending; the shadow holds it one instruction
pass_done:                              ; 0x1080, the test's breakpoint
        inc word [PASSES]
        jmp main_loop

        times 0x90 - ($ - $$) db 0xff
irq0:                                   ; 0x1090
        inc word [TICKS]
        push ax
        mov al, 0x20                    ; non-specific EOI
        out 0x20, al
        pop ax
        iret
ram_end:

        section reset start=0xfff0
        jmp 0xf000:start
        times 16 - ($ - $$) db 0xff
