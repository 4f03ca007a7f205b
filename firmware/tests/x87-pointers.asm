; x87 pointer registers: after each sequence, FNSTENV in the 16-bit and the 32-bit layout prints
; FCW, FSW, FTW, FIP, FCS, FDP, FDS. Which instructions record their CS:EIP and their memory
; operand's selector:offset, and which leave them (FNINIT, FNCLEX, FNOP, FLDCW, FNSTCW, FNSTENV...),
; is compared with QEMU 7.2 line for line (QEMU records FNSTSW AX but not FNOP).
%include "lib.inc"

; ENV "name", {insn}... : FNINIT, the instructions, FNSTENV (16-bit) and its words; again with o32.
%macro ENV 2-4
        fninit
        mov dword [DATA+0x100], 0x11223344
        %2
        %3
        %4
        fnstenv [DATA]
        PRINT %1
        mov si, DATA
        mov cx, 7
%%l:    mov ax, [si]
        movzx eax, ax
        DUMPA "w"
        add si, 2
        loop %%l
        fninit
        %2
        %3
        %4
        o32 fnstenv [DATA]
        mov si, DATA
        mov cx, 7
%%m:    mov eax, [si]
        DUMPA "d"
        add si, 4
        loop %%m
%endmacro
main:
        ENV "fld1", {fld1}
        ENV "fld m32 cs:", {fld dword [cs:val]}
        ENV "fadd m32 ds:", {fld1}, {fadd dword [DATA+0x100]}
        ENV "fnstsw ax", {fld1}, {fnstsw ax}
        ENV "fnclex", {fld dword [cs:val]}, {fnclex}
        ENV "fldcw", {fld dword [cs:val]}, {fldcw [cs:cw]}
        ENV "fnstcw", {fld dword [cs:val]}, {fnstcw [DATA+0x100]}
        ENV "fnop", {fld dword [cs:val]}, {fnop}
        ENV "fwait", {fld dword [cs:val]}, {fwait}
        ENV "es override", {fld dword [es:DATA+0x100]}
        ENV "fxch", {fld1}, {fldz}, {fxch st1}
        ENV "ffree", {fld dword [cs:val]}, {ffree st1}
        ENV "fstp m64", {fld1}, {fstp qword [DATA+0x200]}
        EXIT
val: dd 1.5
cw: dw 0x27f
        ROM_END
