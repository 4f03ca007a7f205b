; Real-mode MUL, IMUL (one-, two- and three-operand forms) and DIV, IDIV in 8/16/32-bit,
; including #DE (divide by zero, quotient overflow, the -128/-32768 quotient edges) reported by
; the real-mode IVT handler in lib.inc, which resumes after the instruction.
;
; Undefined flags (SDM Vol. 2):
;  MUL: "The OF and CF flags are set to 0 if the upper half of the result is 0; otherwise, they
;    are set to 1. The SF, ZF, AF, and PF flags are undefined."
;  IMUL: "The SF, ZF, AF, and PF flags are undefined."
;  DIV/IDIV: "The CF, OF, SF, ZF, AF, and PF flags are undefined."
;  On #DE the pushed FLAGS are those before the instruction (a fault), compared in full.
%include "lib.inc"

MUL_UNDEF equ FL_SF|FL_ZF|FL_AF|FL_PF
DIV_UNDEF equ FL_ARITH

; MULLOOP "name", {insn} : for every (a, b) in `pairs`, EAX=a, EBX=b, EDX=0xDEADBEEF, flags
; clear and then set on entry.
%macro MULLOOP 2
        xor esi, esi
%%pair: mov edi, 0x002
%%fl:   mov eax, [cs:pairs + si]
        mov ebx, [cs:pairs + si + 4]
        mov edx, 0xDEADBEEF
        mov dword [DATA], ebx
        push edi
        popfd
        %2
        DUMP {%1}, MUL_UNDEF
        cmp edi, 0x002
        mov edi, 0x8D7
        je %%fl
        add si, 8
        cmp si, pairs_end - pairs
        jb %%pair
%endmacro

; DIVLOOP "name", {insn} : for every (a, d, b) in `triples`, EAX=a EDX=d EBX=b; a #DE prints
; the fault line and resumes at the DUMP.
%macro DIVLOOP 2
        xor esi, esi
%%tri:  mov eax, [cs:triples + si]
        mov edx, [cs:triples + si + 4]
        mov ebx, [cs:triples + si + 8]
        mov dword [DATA], ebx
        mov dword [RESUME], %%after
        push dword 0x8D7
        popfd
        %2
%%after:
        mov dword [RESUME], 0
        DUMP {%1}, DIV_UNDEF
        add si, 12
        cmp si, triples_end - triples
        jb %%tri
%endmacro

main:
        MULLOOP "mul8", {mul bl}
        MULLOOP "mul16", {mul bx}
        MULLOOP "mul32", {mul ebx}
        MULLOOP "mul m32", {mul dword [DATA]}
        MULLOOP "imul8", {imul bl}
        MULLOOP "imul16", {imul bx}
        MULLOOP "imul32", {imul ebx}
        MULLOOP "imul m8", {imul byte [DATA]}
        MULLOOP "imul ax,bx", {imul ax, bx}
        MULLOOP "imul eax,ebx", {imul eax, ebx}
        MULLOOP "imul eax,m32", {imul eax, [DATA]}
        MULLOOP "imul cx,bx,-3", {imul cx, bx, byte -3}
        MULLOOP "imul ecx,ebx,i32", {imul ecx, ebx, 0x10001}
        MULLOOP "imul ax,m16,i16", {imul ax, [DATA], strict word 0x7FFF}

        DIVLOOP "div8", {div bl}
        DIVLOOP "div16", {div bx}
        DIVLOOP "div32", {div ebx}
        DIVLOOP "div m16", {div word [DATA]}
        DIVLOOP "idiv8", {idiv bl}
        DIVLOOP "idiv16", {idiv bx}
        DIVLOOP "idiv32", {idiv ebx}
        DIVLOOP "idiv m32", {idiv dword [DATA]}
        EXIT

pairs:
        dd 0x00000000, 0x00000000
        dd 0x00000001, 0x00000001
        dd 0x0000007F, 0x00000002
        dd 0x00000080, 0x00000080
        dd 0x000000FF, 0x000000FF
        dd 0x00007FFF, 0x00000002
        dd 0x00008000, 0x00008000
        dd 0x0000FFFF, 0x0000FFFF
        dd 0x7FFFFFFF, 0x00000002
        dd 0x80000000, 0x80000000
        dd 0xFFFFFFFF, 0xFFFFFFFF
        dd 0x12345678, 0x9ABCDEF0
        dd 0xFFFFFF81, 0x0000007F
        dd 0x80000000, 0xFFFFFFFF
        dd 0x00000010, 0x00000008
        dd 0x00010001, 0x0000FFFF
pairs_end:

triples:        ; eax, edx, ebx
        dd 100, 0, 7
        dd 0x0000FFFF, 0x00000000, 0x000000FF
        dd 0x12345678, 0x00000001, 0x00010000
        dd 0x00000000, 0x00000000, 0x00000000
        dd 0x80000000, 0xFFFFFFFF, 0xFFFFFFFF
        dd 0xFFFFFF80, 0xFFFFFFFF, 0x00000001
        dd 0x00000080, 0x00000000, 0xFFFFFFFF
        dd 0xFFFFFF7F, 0xFFFFFFFF, 0x00000001
        dd 0x0000FF00, 0x00000000, 0x00000101
        dd 0xFFFFFFF9, 0xFFFFFFFF, 0x00000002
        dd 0x00000007, 0x00000000, 0xFFFFFFFE
        dd 0x9ABCDEF0, 0x12345678, 0x87654321
        dd 0xFFFF8000, 0xFFFFFFFF, 0xFFFFFFFF
        dd 0x00008000, 0x00000000, 0xFFFFFFFF
triples_end:

        ROM_END
