; pcscope diff's configuration ROM: reads RAM at 48 MiB from 32-bit protected mode. With --mem 32M
; nothing is there (the bare machine reads all ones); with --mem 64M it is RAM (zeros), so `pcscope
; diff --mem 32M --against '--mem 64M'` names the load (test/cli/diff.test.ts). Assembled by the test.
%include "lib.inc"

PROBE equ 0x3000000             ; 48 MiB

main:
        PM_ENTER32 pm32
        bits 32
pm32:   PM32_INIT
        mov eax, [PROBE]                ; --mem 32M: 0xffffffff; --mem 64M: 0
        DUMP "probe"
        EXIT
        bits 16

        ROM_END
