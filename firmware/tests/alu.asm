; Real-mode ALU groups: ADD OR ADC SBB AND SUB XOR CMP TEST INC DEC NEG NOT in 8/16/32-bit
; register forms over a table of edge-value pairs, each with all arithmetic flags clear and set
; on entry; then every encoding form (AL/eAX,imm; 80/81/83 groups; r/m,r; r,r/m; memory) and LOCK.
%include "lib.inc"

; Undefined flags: AND, OR, XOR, TEST (SDM Vol. 2): "The state of the AF flag is undefined."
LOGIC_UNDEF equ FL_AF

; BINLOOP "name", {insn on eax/ebx (or al/bl, ax/bx)}, undef : runs insn for every (a, b) in
; `pairs` with EFLAGS=0x002 and then 0x8D7 (CF PF AF ZF SF OF set) on entry; dumps each.
%macro BINLOOP 2-3 0
        xor esi, esi
%%pair: mov edi, 0x002
%%fl:   mov eax, [cs:pairs + si]
        mov ebx, [cs:pairs + si + 4]
        push edi
        popfd
        %2
        DUMP {%1}, %3
        cmp edi, 0x002
        mov edi, 0x8D7
        je %%fl
        add si, 8
        cmp si, pairs_end - pairs
        jb %%pair
%endmacro

; BINSIZES op, undef : BINLOOP for the 8-, 16- and 32-bit register forms of op.
%macro BINSIZES 1-2 0
  %defstr %%n %1
        BINLOOP {%%n, "8"}, {%1 al, bl}, %2
        BINLOOP {%%n, "16"}, {%1 ax, bx}, %2
        BINLOOP {%%n, "32"}, {%1 eax, ebx}, %2
%endmacro

; UNSIZES op : the same for a one-operand instruction on al/ax/eax.
%macro UNSIZES 1
  %defstr %%n %1
        BINLOOP {%%n, "8"}, {%1 al}
        BINLOOP {%%n, "16"}, {%1 ax}
        BINLOOP {%%n, "32"}, {%1 eax}
%endmacro

; FORM "name", {insn}, flags-in, undef : one encoding form with fixed operands; EDX = [DATA].
%macro FORM 3-4 0
        mov eax, 0x80FF7F01
        mov ebx, 0x7F01FF80
        mov dword [DATA], 0xC3A5817F
        push dword %3
        popfd
        %2
        mov edx, [DATA]
        DUMP {%1}, %4
%endmacro

; FORMS op, undef : every encoding of a two-operand ALU op, once with CF clear, once with CF set.
%macro FORMS 1-2 0
  %defstr %%n %1
  %assign %%f 0x002
  %rep 2
        FORM {%%n, " al,i8"}, {%1 al, 0x81}, %%f, %2
        FORM {%%n, " ax,i16"}, {%1 ax, 0x8001}, %%f, %2
        FORM {%%n, " eax,i32"}, {%1 eax, 0x7F00FF01}, %%f, %2
        FORM {%%n, " bl,i8"}, {%1 bl, 0x80}, %%f, %2
        FORM {%%n, " bx,i16"}, {%1 bx, strict word 0x0080}, %%f, %2
        FORM {%%n, " ebx,i32"}, {%1 ebx, strict dword 0x80000080}, %%f, %2
        FORM {%%n, " bx,si8"}, {%1 bx, byte -128}, %%f, %2
        FORM {%%n, " ebx,si8"}, {%1 ebx, byte 0x7F}, %%f, %2
        FORM {%%n, " m8,bl"}, {%1 [DATA], bl}, %%f, %2
        FORM {%%n, " bl,m8"}, {%1 bl, [DATA + 1]}, %%f, %2
        FORM {%%n, " m16,bx"}, {%1 [DATA + 1], bx}, %%f, %2
        FORM {%%n, " bx,m16"}, {%1 bx, [DATA + 2]}, %%f, %2
        FORM {%%n, " m32,ebx"}, {%1 [DATA], ebx}, %%f, %2
        FORM {%%n, " ebx,m32"}, {%1 ebx, [DATA]}, %%f, %2
        FORM {%%n, " m8,i8"}, {%1 byte [DATA + 3], 0xC3}, %%f, %2
        FORM {%%n, " m16,si8"}, {%1 word [DATA], byte -2}, %%f, %2
        FORM {%%n, " m32,i32"}, {%1 dword [DATA], 0x3C5A7E81}, %%f, %2
        FORM {%%n, " ah,ch"}, {%1 ah, bh}, %%f, %2
    %assign %%f 0x8D7
  %endrep
%endmacro

main:
        BINSIZES add
        BINSIZES or, LOGIC_UNDEF
        BINSIZES adc
        BINSIZES sbb
        BINSIZES and, LOGIC_UNDEF
        BINSIZES sub
        BINSIZES xor, LOGIC_UNDEF
        BINSIZES cmp
        BINSIZES test, LOGIC_UNDEF
        UNSIZES inc
        UNSIZES dec
        UNSIZES neg
        UNSIZES not

        FORMS add
        FORMS or, LOGIC_UNDEF
        FORMS adc
        FORMS sbb
        FORMS and, LOGIC_UNDEF
        FORMS sub
        FORMS xor, LOGIC_UNDEF
        FORMS cmp

        ; TEST's encodings: A8/A9 (AL/eAX,imm), F6/F7 /0 (r/m,imm), 84/85 (r/m,r)
        FORM "test al,i8", {test al, 0x81}, 0x8D7, LOGIC_UNDEF
        FORM "test eax,i32", {test eax, 0x80000000}, 0x002, LOGIC_UNDEF
        FORM "test m8,i8", {test byte [DATA], 0x80}, 0x8D7, LOGIC_UNDEF
        FORM "test m16,i16", {test word [DATA + 1], 0x7E5A}, 0x002, LOGIC_UNDEF
        FORM "test m32,r32", {test [DATA], ebx}, 0x002, LOGIC_UNDEF
        ; INC/DEC/NEG/NOT on memory and the one-byte 40-4F register forms
        FORM "inc m8", {inc byte [DATA]}, 0x8D7
        FORM "dec m16", {dec word [DATA + 1]}, 0x002
        FORM "inc m32", {inc dword [DATA]}, 0x002
        FORM "neg m8", {neg byte [DATA + 3]}, 0x002
        FORM "not m32", {not dword [DATA]}, 0x8D7
        FORM "inc bx", {inc bx}, 0x002
        FORM "dec ebx", {dec ebx}, 0x8D7
        FORM "inc bh", {inc bh}, 0x8D7
        FORM "dec ah", {dec ah}, 0x002
        ; LOCK with a memory destination
        FORM "lock add m32,ebx", {lock add [DATA], ebx}, 0x002
        FORM "lock inc m16", {lock inc word [DATA]}, 0x002
        FORM "lock xchg m32,eax", {lock xchg [DATA], eax}, 0x002
        FORM "xchg eax,ebx", {xchg eax, ebx}, 0x002
        FORM "xchg bl,m8", {xchg bl, [DATA + 2]}, 0x002
        ; MOVZX/MOVSX
        FORM "movzx ecx,m8", {movzx ecx, byte [DATA]}, 0x002
        FORM "movsx ecx,m8", {movsx ecx, byte [DATA]}, 0x002
        FORM "movsx ecx,m16", {movsx ecx, word [DATA + 2]}, 0x002
        FORM "movsx cx,bl", {movsx cx, bl}, 0x002
        FORM "movzx ecx,bx", {movzx ecx, bx}, 0x002
        ; LOCK on a register destination raises #UD (SDM LOCK: "#UD ... if the destination
        ; operand is not a memory operand"); the fault line shows IP at the LOCK prefix.
        EXPECT_FAULT .ud1
        db 0xF0                    ; LOCK (nasm refuses it here)
        add ax, bx
.ud1:
        EXPECT_FAULT .ud2
        db 0xF0                    ; LOCK
        inc ecx
.ud2:
        EXIT

%include "pairs.inc"

        ROM_END
