; Reverse execution and guest output: prints "0123456789" and a newline on the debug console, one
; `out` per character, then exits. test/emu/history/history.test.ts goes back over part of the
; output and runs forward again: the console must hold each character once. Assembled by the test.
%include "lib.inc"

main:
        mov bl, '0'
.next:  mov al, bl
        out DBG_PORT, al
        inc bl
        cmp bl, '9' + 1
        jne .next
        mov al, 10
        out DBG_PORT, al
        EXIT
        ROM_END
