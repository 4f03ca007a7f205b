; A hot loop for gdb against translated code (test/gdbstub/jit-gdb.test.ts): real mode, each pass
; counts in EAX and stores it at 0x600, for about two billion passes. The test runs it long enough to
; be translated before gdb attaches. Assembled by the test; a 64 KiB ROM at 0xF0000.
COUNTER equ 0x600

        bits 16
        org 0
start:  xor ax, ax
        mov ds, ax
        xor eax, eax
        mov ecx, 0x7fffffff
pass:   inc eax                         ; 0xf000d: the loop's first instruction (2 bytes)
        mov [COUNTER], eax              ; 0xf000f: the watched store (4 bytes)
        dec ecx                         ; 0xf0013
        jnz pass
        hlt

        times 0xfff0 - ($ - $$) db 0xf4
        jmp 0xf000:start                ; the reset vector
        times 0x10000 - ($ - $$) db 0xf4
