; Waits for the MC146818's first update after power-on, idling (sti; hlt) between its 1024 Hz
; periodic interrupts (IRQ8 through the 8259s, the local APIC's LINT0 in ExtINT mode), and counts
; them, so the count and the instructions retired follow where in its second the clock started;
; then prints `rtc eax=CCYYMMDD ebx=00HHMMSS ... esi=N` (BCD century, year, month, day; hours,
; minutes, seconds; N periodic interrupts before the update) and exits. For
; test/emu/devices/mc146818.test.ts: two runs with the default (fixed) RTC base print the same
; and retire the same instructions; --rtc base=utc reads the host's clock. Assembled by the test.
%include "lib.inc"
%include "apic/irq.inc"

CMOS_INDEX equ 0x70
CMOS_DATA  equ 0x71
REG_B_PIE  equ 0x40
REG_B_UIE  equ 0x10
REG_B_24H  equ 0x02
REG_C_PF   equ 0x40
REG_C_UF   equ 0x10
VECTOR     equ 0x28                     ; the slave 8259's base: IRQ8
SVR_ENABLE equ 0x100
LVT_EXTINT equ 0x700
PERIODIC   equ SCRATCH + 24             ; periodic interrupts seen
UPDATED    equ SCRATCH + 28             ; the update-ended interrupt came

; RD reg : AL = the RTC register `reg` (NMIs kept masked).
%macro RD 1
        mov al, %1 | 0x80
        out CMOS_INDEX, al
        in al, CMOS_DATA
%endmacro

main:
        ; 8259s: vectors 0x20 and 0x28, slave on IRQ2; only IRQ2 and IRQ8 unmasked
        mov al, 0x11
        out 0x20, al
        out 0xa0, al
        mov al, 0x20
        out 0x21, al
        mov al, VECTOR
        out 0xa1, al
        mov al, 0x04
        out 0x21, al
        mov al, 0x02
        out 0xa1, al
        mov al, 0x01
        out 0x21, al
        out 0xa1, al
        mov al, 0xfb
        out 0x21, al
        mov al, 0xfe
        out 0xa1, al
        PM_ENTER32 start32

        bits 32
start32:
        PM32_INIT
        SET_GATE VECTOR, isr, 0x8E
        APIC_W A_SVR, SVR_ENABLE | 0xff
        APIC_W A_LINT0, LVT_EXTINT
        mov dword [PERIODIC], 0
        mov dword [UPDATED], 0
        mov al, 0x0b | 0x80                     ; register B: periodic and update-ended interrupts
        out CMOS_INDEX, al
        mov al, REG_B_PIE | REG_B_UIE | REG_B_24H
        out CMOS_DATA, al
.wait:  sti
        hlt
        cli
        cmp dword [UPDATED], 0
        je .wait
        mov al, 0x0b | 0x80
        out CMOS_INDEX, al
        mov al, REG_B_24H
        out CMOS_DATA, al
        RD 0x32                         ; century
        mov ah, al
        RD 0x09                         ; year
        shl eax, 16
        RD 0x08                         ; month
        mov ah, al
        RD 0x07                         ; day of the month
        mov edx, eax
        xor eax, eax
        RD 0x04                         ; hours
        shl eax, 8
        RD 0x02                         ; minutes
        shl eax, 8
        RD 0x00                         ; seconds
        mov ebx, eax
        mov eax, edx
        mov esi, [PERIODIC]
        xor ecx, ecx
        xor edx, edx
        xor edi, edi
        xor ebp, ebp
        DUMP "rtc"
        EXIT

; IRQ8: register C says which interrupts came (and reading it acknowledges them).
isr:
        push eax
        RD 0x0c
        test al, REG_C_PF
        jz .nop
        inc dword [PERIODIC]
.nop:   test al, REG_C_UF
        jz .eoi
        mov dword [UPDATED], 1
.eoi:   mov al, 0x20
        out 0xa0, al
        out 0x20, al
        pop eax
        iretd

        ROM_END
