; Conditions read right after the instruction that set the flags, as the translator fuses them
; (src/emu/cpu/jit/translate.ts fusedCond): for ADD SUB CMP AND OR XOR TEST ADC SBB INC DEC NEG,
; NOT after CMP, SHL SHR SAR by 1 and by more, register, immediate and memory forms, 8/16/32-bit,
; each of the 16 conditions is taken by SETcc and Jcc after a flag-preserving MOV, and EFLAGS are
; pushed where both paths meet. Operands: every pair of `pairs` under 16 variants (swapped, equal,
; complemented, negated), so each loop runs 288 times and is translated, then translated again.
; One line per instruction and size: EAX = a hash of the conditions, results and flags.
;
; Undefined flags (SDM Vol. 2), left out of the pushed flags and of the conditions:
;  AND/OR/XOR/TEST: "The state of the AF flag is undefined."
;  SHL/SHR/SAR: "The AF flag is undefined"; "The OF flag is affected only on 1-bit shifts.
;    For left shifts, the OF flag is set to 0 ... otherwise, it is undefined" (counts above 1:
;    the conditions reading OF are left out).
%include "lib.inc"

A_VAL    equ DATA
B_VAL    equ DATA + 4
MEM_OP   equ DATA + 8

; ONECC {insn}, cc, undef : loads the operands (load_ops), runs insn, copies EAX by MOV (flags
; kept), then SETcc CL and Jcc; the path not taken adds 2 to ECX by LEA (flags kept). Where they
; meet, EFLAGS without the undefined bits, EDI, CL and the memory operand go into the hash (mix).
%macro ONECC 3
        call load_ops
        %1
        mov edi, eax
        set%2 cl
        j%2 %%taken
        lea ecx, [ecx + 2]
%%taken:
        mov word [UNDEF], (%3)
        call mix
%endmacro

; CMPNOT32 / CMPNOT8: NOT leaves the flags CMP set.
%macro CMPNOT32 0
        cmp eax, ebx
        not eax
%endmacro
%macro CMPNOT8 0
        cmp al, bl
        not al
%endmacro

; JCCLOOP "name", {insn}, undef, all : every pair and variant; all = 1 for the 16 conditions,
; 0 for the ten that do not read OF.
%macro JCCLOOP 4
        xor edx, edx
        xor bp, bp
%%var:  xor si, si
%%pair: mov eax, [cs:pairs + si]
        mov ebx, [cs:pairs + si + 4]
        test bp, 1
        jz %%v2
        xchg eax, ebx
%%v2:   test bp, 2
        jz %%v4
        mov ebx, eax
%%v4:   test bp, 4
        jz %%v8
        not ebx
%%v8:   test bp, 8
        jz %%v16
        neg eax
%%v16:  mov [A_VAL], eax
        mov [B_VAL], ebx
  %if %4
        ONECC {%2}, o, %3
        ONECC {%2}, no, %3
  %endif
        ONECC {%2}, b, %3
        ONECC {%2}, nb, %3
        ONECC {%2}, z, %3
        ONECC {%2}, nz, %3
        ONECC {%2}, be, %3
        ONECC {%2}, a, %3
        ONECC {%2}, s, %3
        ONECC {%2}, ns, %3
        ONECC {%2}, p, %3
        ONECC {%2}, np, %3
  %if %4
        ONECC {%2}, l, %3
        ONECC {%2}, ge, %3
        ONECC {%2}, le, %3
        ONECC {%2}, g, %3
  %endif
        add si, 8
        cmp si, pairs_end - pairs
        jb %%pair
        inc bp
        cmp bp, 16
        jb %%var
        mov eax, edx
        DUMPA {%1}, FL_ARITH
%endmacro

; SIZES op, undef : JCCLOOP for op on al,bl / ax,bx / eax,ebx (all conditions).
%macro SIZES 1-2 0
  %defstr %%n %1
        JCCLOOP {%%n, " 8"}, {%1 al, bl}, %2, 1
        JCCLOOP {%%n, " 16"}, {%1 ax, bx}, %2, 1
        JCCLOOP {%%n, " 32"}, {%1 eax, ebx}, %2, 1
%endmacro

; UNARY op : the same for a one-operand instruction.
%macro UNARY 1
  %defstr %%n %1
        JCCLOOP {%%n, " 8"}, {%1 al}, 0, 1
        JCCLOOP {%%n, " 16"}, {%1 ax}, 0, 1
        JCCLOOP {%%n, " 32"}, {%1 eax}, 0, 1
%endmacro

; SHIFTS op : by 1 (all conditions), by 7 and 31 (the conditions without OF), each size.
%macro SHIFTS 1
  %defstr %%n %1
        JCCLOOP {%%n, " 8 by 1"}, {%1 al, 1}, FL_AF, 1
        JCCLOOP {%%n, " 16 by 1"}, {%1 ax, 1}, FL_AF, 1
        JCCLOOP {%%n, " 32 by 1"}, {%1 eax, 1}, FL_AF, 1
        JCCLOOP {%%n, " 8 by 7"}, {%1 al, 7}, FL_AF | FL_OF, 0
        JCCLOOP {%%n, " 16 by 7"}, {%1 ax, 7}, FL_AF | FL_OF, 0
        JCCLOOP {%%n, " 32 by 7"}, {%1 eax, 7}, FL_AF | FL_OF, 0
        JCCLOOP {%%n, " 32 by 31"}, {%1 eax, 31}, FL_AF | FL_OF, 0
%endmacro

main:
        SIZES add
        SIZES sub
        SIZES cmp
        SIZES and, FL_AF
        SIZES or, FL_AF
        SIZES xor, FL_AF
        SIZES test, FL_AF
        SIZES adc
        SIZES sbb
        UNARY inc
        UNARY dec
        UNARY neg
        JCCLOOP "not after cmp 32", {CMPNOT32}, 0, 1
        JCCLOOP "not after cmp 8", {CMPNOT8}, 0, 1
        SHIFTS shl
        SHIFTS shr
        SHIFTS sar
        ; Immediates (the generator folds them in as constants), then memory operands.
        JCCLOOP "cmp eax, 0xffffffff", {cmp eax, 0xFFFFFFFF}, 0, 1
        JCCLOOP "cmp eax, 0x80000000", {cmp eax, 0x80000000}, 0, 1
        JCCLOOP "sub eax, 0x7fffffff", {sub eax, 0x7FFFFFFF}, 0, 1
        JCCLOOP "add eax, -1", {add eax, -1}, 0, 1
        JCCLOOP "cmp ax, 0x8000", {cmp ax, 0x8000}, 0, 1
        JCCLOOP "cmp al, 0x80", {cmp al, 0x80}, 0, 1
        JCCLOOP "and eax, 0x80000001", {and eax, 0x80000001}, FL_AF, 1
        JCCLOOP "test eax, 0x80000000", {test eax, 0x80000000}, FL_AF, 1
        JCCLOOP "test al, 0x81", {test al, 0x81}, FL_AF, 1
        JCCLOOP "cmp [mem], ebx", {cmp dword [MEM_OP], ebx}, 0, 1
        JCCLOOP "cmp ebx, [mem]", {cmp ebx, [MEM_OP]}, 0, 1
        JCCLOOP "sub [mem], ebx", {sub [MEM_OP], ebx}, 0, 1
        JCCLOOP "add [mem], bl", {add [MEM_OP], bl}, 0, 1
        JCCLOOP "sub [mem] 16, imm", {sub word [MEM_OP], 0x8001}, 0, 1
        JCCLOOP "and [mem], ebx", {and [MEM_OP], ebx}, FL_AF, 1
        JCCLOOP "adc [mem], ebx", {adc [MEM_OP], ebx}, 0, 1
        JCCLOOP "test [mem], ebx", {test [MEM_OP], ebx}, FL_AF, 1
        JCCLOOP "inc dword [mem]", {inc dword [MEM_OP]}, 0, 1
        JCCLOOP "dec byte [mem]", {dec byte [MEM_OP]}, 0, 1
        JCCLOOP "shl dword [mem], 1", {shl dword [MEM_OP], 1}, FL_AF, 1
        JCCLOOP "sar dword [mem], 5", {sar dword [MEM_OP], 5}, FL_AF | FL_OF, 0
        EXIT

; EAX, EBX = the pair's operands, the memory operand = EAX, CF = bit 3 of SI (alternating).
load_ops:
        mov eax, [A_VAL]
        mov ebx, [B_VAL]
        mov [MEM_OP], eax
        bt si, 3
        ret

; Mixes EFLAGS (without the bits in the word at UNDEF), CL, EDI and the memory operand into EDX.
mix:
        pushfd
        pop ebx
        and ebx, FL_ARITH
        movzx eax, word [UNDEF]
        not eax
        and ebx, eax
        rol edx, 3
        xor dl, cl
        add edx, edi
        add edx, ebx
        add edx, [MEM_OP]
        ret

%include "pairs.inc"

        ROM_END
