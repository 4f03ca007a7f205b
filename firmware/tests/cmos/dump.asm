; Prints the CMOS bytes the machine's firmware configuration put in the MC146818's NVRAM (QEMU's
; pc_cmos_init: memory sizes, CPU count, boot order, disks, checksum) on the debug console, one
; line `II VV` (index, value) per byte from 0x0e to 0x7f (0x00-0x0d are the clock and status registers),
; then `done`, for test/emu/machine/pc-cmos.test.ts to compare between QEMU 7.2 and pcscope.
; Assembled by the test (not committed).
%include "lib.inc"

CMOS_INDEX      equ 0x70
CMOS_DATA       equ 0x71
FIRST           equ 0x0e
LAST            equ 0x7f

main:
        mov bl, FIRST
.next:  mov al, bl
        call phex8
        mov al, ' '
        out DBG_PORT, al
        mov al, bl
        or al, 0x80                     ; keep NMIs masked
        out CMOS_INDEX, al
        in al, CMOS_DATA
        call phex8
        mov al, 10
        out DBG_PORT, al
        inc bl
        cmp bl, LAST + 1
        jne .next
        EXIT

; phex8: prints AL as 2 lowercase hex digits. Keeps registers.
phex8:
        push ax
        shr al, 4
        call .digit
        pop ax
        push ax
        and al, 0x0f
        call .digit
        pop ax
        ret
.digit: add al, '0'
        cmp al, '9'
        jbe .o
        add al, 'a' - '0' - 10
.o:     out DBG_PORT, al
        ret

        ROM_END
