; Self-modifying code, for the translator (pcscope's JIT must give QEMU's results): a loop copied
; to RAM and run hot enough to be translated, whose stores rewrite (1) the immediate of an
; instruction later in its own basic block and (2) the very next instruction, each pass; then the
; code of that hot loop rewritten from outside it (ADD becomes SUB) and run again. A store into the
; next instruction is seen by it (SDM Vol. 3A 11.6 "Self-Modifying Code": a write to a code byte
; in the prefetch range is detected, as QEMU's TCG does precisely).
%include "lib.inc"

TSEG equ 0x2000                 ; the copy runs at 2000:0000 (physical 0x20000, scratch RAM)

main:
        ; copy the template to TSEG:0
        push ds
        push cs
        pop ds
        mov ax, TSEG
        mov es, ax
        mov si, tmpl
        xor di, di
        mov cx, tmpl_end - tmpl
        cld
        rep movsb
        pop ds

        xor eax, eax
        xor edx, edx
        xor esi, esi
        call TSEG:0
        DUMP "smc same block and next insn"

        ; from outside the (now translated) loop: ADD DX,imm8 (83 C2) becomes SUB DX,imm8 (83 EA)
        mov ax, TSEG
        mov es, ax
        mov byte [es:t_add + 1 - tmpl], 0xEA
        xor eax, eax
        call TSEG:0
        DUMP "smc patched from outside"
        EXIT

; The template (position-independent: its own addresses are offsets from tmpl, CS = TSEG).
tmpl:
        mov cx, 300
t_top:  inc byte [cs:t_add + 2 - tmpl]          ; the imm8 of the ADD below, in this block
t_add:  add dx, byte 0
        mov byte [cs:t_nx - tmpl], 0x40         ; the very next instruction becomes INC AX
t_nx:   nop
        mov byte [cs:t_nx - tmpl], 0x90         ; and back to NOP
        add si, dx
        loop t_top
        retf
tmpl_end:

        ROM_END
