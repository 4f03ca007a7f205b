; Real-mode shifts and rotates: SHL SHR SAR ROL ROR RCL RCR (by CL) and SHLD SHRD in 8/16/32-bit
; over edge values and the counts 0, 1, n, width-1, width, width+1, 31, 32, 33 (masked to 5 bits),
; each with flags all clear and all set on entry; then the D0/D1 (by 1), C0/C1 (imm8) and memory
; forms.
;
; Undefined flags, computed per count into [UNDEF] by SET_UNDEF (SDM Vol. 2):
;  SAL/SAR/SHL/SHR: "If the count is 0, the flags are not affected" (nothing masked);
;    "For a non-zero count, the AF flag is undefined"; "The OF flag is affected only for 1-bit
;    shifts ...; otherwise, it is undefined"; CF "is undefined for SHL and SHR instructions where
;    the count is greater than or equal to the size (in bits) of the destination operand".
;  ROL/ROR/RCL/RCR: "The OF flag is defined only for the 1-bit rotates; it is undefined in all
;    other cases (except RCL and RCR instructions only: a zero-bit rotate does nothing, that is
;    affects no flags)"; SF ZF AF PF are not affected (compared as they were).
;  SHLD/SHRD: "If the count is 1 or greater, ... The OF flag is set if a sign change occurred
;    (1-bit shift); otherwise, it is cleared [undefined for counts > 1]. For shifts greater than
;    1 bit, the OF flag is undefined"; "the AF flag is undefined" for a non-zero count; "If the
;    count operand is 0, flags are not affected"; "If the count is greater than the operand size,
;    the result is undefined" - so 16-bit SHLD/SHRD use counts <= 16 only.
%include "lib.inc"

K_SHIFT  equ 0          ; SHL/SHR: AF, OF (count>1), CF (count>=width) undefined
K_SAR    equ 1          ; SAR: AF, OF (count>1) undefined
K_ROT    equ 2          ; rotates: OF (count>1) undefined
K_DOUBLE equ 3          ; SHLD/SHRD: AF, OF (count>1) undefined

; SET_UNDEF kind, width : [UNDEF] = flags undefined for count CL (see above). Clobbers DL.
%macro SET_UNDEF 2
        mov dword [UNDEF], 0
        mov dl, cl
        and dl, 31
        jz %%done
  %if %1 != K_ROT
        or dword [UNDEF], FL_AF
  %endif
        cmp dl, 1
        je %%one
        or dword [UNDEF], FL_OF
%%one:
  %if %1 == K_SHIFT
        cmp dl, %2
        jb %%done
        or dword [UNDEF], FL_CF
  %endif
%%done:
%endmacro

; SHLOOP "name", {insn using eax/ebx and cl}, kind, width, counts, counts_end
%macro SHLOOP 6
        xor esi, esi
%%val:  xor edi, edi
%%cnt:  mov ebp, 0x002
%%fl:   mov eax, [cs:values + si]
        mov ebx, 0xC3A5965A
        movzx ecx, byte [cs:%5 + di]
        SET_UNDEF %3, %4
        push ebp
        popfd
        %2
        DUMP {%1}, [UNDEF]
        cmp ebp, 0x002
        mov ebp, 0x8D7
        je %%fl
        inc di
        cmp di, %6 - %5
        jb %%cnt
        add si, 4
        cmp si, values_end - values
        jb %%val
%endmacro

%macro SH3 2   ; op, kind
  %defstr %%n %1
        SHLOOP {%%n, "8"}, {%1 al, cl}, %2, 8, counts, counts_end
        SHLOOP {%%n, "16"}, {%1 ax, cl}, %2, 16, counts, counts_end
        SHLOOP {%%n, "32"}, {%1 eax, cl}, %2, 32, counts, counts_end
%endmacro

; FORM "name", {insn}, flags-in, undef : fixed operands; EDX = [DATA] afterwards.
%macro FORM 3-4 0
        mov eax, 0x80FF7F01
        mov ebx, 0x7F01FF80
        mov ecx, 0x00000003
        mov dword [DATA], 0xC3A5817F
        push dword %3
        popfd
        %2
        mov edx, [DATA]
        DUMP {%1}, %4
%endmacro

main:
        SH3 shl, K_SHIFT
        SH3 shr, K_SHIFT
        SH3 sar, K_SAR
        SH3 rol, K_ROT
        SH3 ror, K_ROT
        SH3 rcl, K_ROT
        SH3 rcr, K_ROT
        SHLOOP "shld16", {shld ax, bx, cl}, K_DOUBLE, 16, counts16, counts16_end
        SHLOOP "shrd16", {shrd ax, bx, cl}, K_DOUBLE, 16, counts16, counts16_end
        SHLOOP "shld32", {shld eax, ebx, cl}, K_DOUBLE, 32, counts, counts_end
        SHLOOP "shrd32", {shrd eax, ebx, cl}, K_DOUBLE, 32, counts, counts_end

        ; by-1 forms (D0/D1): all flags but AF defined for shifts; OF defined for rotates by 1
        FORM "shl al,1", {shl al, 1}, 0x002, FL_AF      ; SHL: AF undefined for non-zero count
        FORM "shr ax,1", {shr ax, 1}, 0x8D7, FL_AF      ; SHR: AF undefined for non-zero count
        FORM "sar eax,1", {sar eax, 1}, 0x002, FL_AF    ; SAR: AF undefined for non-zero count
        FORM "rol bl,1", {rol bl, 1}, 0x8D7
        FORM "ror bx,1", {ror bx, 1}, 0x002
        FORM "rcl ebx,1", {rcl ebx, 1}, 0x8D7
        FORM "rcr ah,1", {rcr ah, 1}, 0x8D7
        FORM "shl m8,1", {shl byte [DATA], 1}, 0x002, FL_AF      ; AF undefined (SHL)
        FORM "sar m32,1", {sar dword [DATA], 1}, 0x002, FL_AF    ; AF undefined (SAR)
        FORM "rcl m16,1", {rcl word [DATA + 1], 1}, 0x8D7
        ; imm8 forms (C0/C1): counts > 1 leave OF undefined (all), AF undefined (shifts)
        FORM "shl al,5", {shl al, 5}, 0x002, FL_AF|FL_OF
        FORM "shr eax,31", {shr eax, 31}, 0x002, FL_AF|FL_OF
        FORM "sar bx,15", {sar bx, 15}, 0x8D7, FL_AF|FL_OF
        FORM "rol eax,12", {rol eax, 12}, 0x8D7, FL_OF
        FORM "ror m8,3", {ror byte [DATA], 3}, 0x002, FL_OF
        FORM "rcr m32,4", {rcr dword [DATA], 4}, 0x8D7, FL_OF
        FORM "shl m16,cl", {shl word [DATA + 2], cl}, 0x002, FL_AF|FL_OF
        FORM "rol eax,32", {rol eax, 32}, 0x8D7         ; masked count 0: no flag changes
        FORM "shld m32,ebx,7", {shld [DATA], ebx, 7}, 0x002, FL_AF|FL_OF
        FORM "shrd m16,bx,cl", {shrd [DATA], bx, cl}, 0x8D7, FL_AF|FL_OF
        FORM "shld eax,ebx,1", {shld eax, ebx, 1}, 0x002, FL_AF
        FORM "shrd eax,ebx,1", {shrd eax, ebx, 1}, 0x8D7, FL_AF
        EXIT

values:
        dd 0x00000000
        dd 0x00000001
        dd 0x80008081
        dd 0x4000407F
        dd 0x7FFF8000
        dd 0xFFFFFFFF
values_end:
counts:
        db 0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33
counts_end:
counts16:
        db 0, 1, 2, 7, 8, 15, 16, 32, 33
counts16_end:

        ROM_END
