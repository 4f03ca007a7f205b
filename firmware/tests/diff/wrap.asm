; pcscope diff's divergence ROM: a word read at offset 0xFFFF of a real-mode segment (DS = 0, limit
; 0xFFFF). pcscope raises #GP there as a 386 does (src/emu/cpu/access.ts, rdM16); QEMU TCG does not
; check real-mode limits and reads the bytes at linear 0xFFFF and 0x10000. `pcscope diff --against
; qemu` names that instruction and exits 1 (test/cli/diff.test.ts). Assembled by the test.
%include "lib.inc"

main:
        mov byte [0xFFFF], 0x5A         ; the low byte of the word read below
        mov bx, 0x1234
        push bx
        mov ax, [0xFFFF]                ; pcscope: #GP(0), EIP to exc16_13; QEMU: AX = word at 0xFFFF
wrapped:
        pop bx
        DUMP "wrapped"
        EXIT
        ROM_END
