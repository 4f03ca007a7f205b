; Real-mode x87 arithmetic, compares and conversions over a table of operands (signed zeros,
; ones, ordinary and long significands, a denormal, a pseudo-denormal, the largest and smallest
; normals, infinities, quiet and signalling NaNs, an unnormal) under the four rounding modes at
; 64-bit precision and round-to-nearest at 24 and 53 bits. After each case it prints the FNSAVE
; image's control, status and tag words and ST(0), ST(1) (what the case changed) as hex:
;   NAME a b cw: cwcwswswtwtw st0-10-bytes st1-10-bytes
; Stores print the memory they wrote instead of ST(1). Run under QEMU and pcscope; the logs must be
; identical (pcscope computes floatx80 as QEMU 7.2's softfloat does).
%include "lib.inc"

IMAGE   equ DATA            ; FNSAVE image (94 bytes, 16-bit format)
STORE   equ DATA + 0x80     ; memory operand written by stores
CW      equ DATA + 0x90     ; the control word of the case

; CASE "name", {insn...} : for every pair (a, b) of `values` and every control word, FNINIT,
; FLDCW, FLD b, FLD a, then the instructions, then the report.
%macro CASE 2
        xor bx, bx                      ; index of a
%%a:    xor bp, bp                      ; index of b
%%b:    xor di, di                      ; index of the control word
%%cw:   fninit
        mov ax, [cs:cws + di]
        mov [CW], ax
        fldcw [CW]
        mov si, bp
        call value_si
        fld tword [cs:si]
        mov si, bx
        call value_si
        fld tword [cs:si]
        mov dword [STORE], 0xdeadbeef
        mov dword [STORE + 4], 0xdeadbeef
        mov word [STORE + 8], 0xdead
        %2
        PRINT_CASE %1
        add di, 2
        cmp di, cws_end - cws
        jb %%cw
        inc bp
        cmp bp, VALUES
        jb %%b
        inc bx
        cmp bx, VALUES
        jb %%a
%endmacro

; UCASE "name", {insn...} : like CASE for one operand (ST(0) = a, ST(1) = 1).
%macro UCASE 2
        xor bx, bx
%%a:    xor di, di
%%cw:   fninit
        mov ax, [cs:cws + di]
        mov [CW], ax
        fldcw [CW]
        fld1
        mov si, bx
        call value_si
        fld tword [cs:si]
        mov dword [STORE], 0xdeadbeef
        mov dword [STORE + 4], 0xdeadbeef
        mov word [STORE + 8], 0xdead
        %2
        xor bp, bp
        PRINT_CASE %1
        add di, 2
        cmp di, cws_end - cws
        jb %%cw
        inc bx
        cmp bx, VALUES
        jb %%a
%endmacro

; PRINT_CASE "name" : FNSAVE and print the line for the case (a = BX, b = BP, cw = DI).
%macro PRINT_CASE 1
        fnsave [IMAGE]
        PRINT16 %1
        call report
%endmacro

; PRINT16 "text" : prints text without a newline.
%macro PRINT16 1
        call puts_inline
        db %1, 0
%endmacro

main:
        CASE "fadd", {fadd st0, st1}
        CASE "fsub", {fsub st0, st1}
        CASE "fsubr", {fsubr st0, st1}
        CASE "fmul", {fmul st0, st1}
        CASE "fdiv", {fdiv st0, st1}
        CASE "fdivr", {fdivr st0, st1}
        CASE "fsubp", {fsubp st1, st0}
        CASE "fdivrp", {fdivrp st1, st0}
        CASE "fcom", {fcom st1}
        CASE "fucom", {fucom st1}
        CASE "fcompp", {fcompp}
        CASE "fprem", {fprem}
        CASE "fprem1", {fprem1}
        UCASE "fsqrt", {fsqrt}
        UCASE "frndint", {frndint}
        UCASE "fchs", {fchs}
        UCASE "fabs", {fabs}
        UCASE "fxam", {fxam}
        UCASE "ftst", {ftst}
        UCASE "fst32", {fst dword [STORE]}
        UCASE "fst64", {fst qword [STORE]}
        UCASE "fist16", {fist word [STORE]}
        UCASE "fist32", {fist dword [STORE]}
        UCASE "fistp64", {fistp qword [STORE]}
        UCASE "fisttp32", {fisttp dword [STORE]}
        UCASE "fadd32", {fadd dword [cs:single_third]}
        UCASE "fmul64", {fmul qword [cs:double_tenth]}
        UCASE "fiadd16", {fiadd word [cs:int16_value]}
        UCASE "fild_fdiv", {fidiv dword [cs:int32_value]}
        EXIT

; value_si: SI = index -> SI = offset of that value (10 bytes each).
value_si:
        push ax
        mov ax, si
        shl si, 3
        shl ax, 1
        add si, ax
        add si, values
        pop ax
        ret

; puts_inline: prints the NUL-terminated string after the call (no newline). Keeps registers.
puts_inline:
        push bp
        push si
        mov bp, sp
        mov si, [bp + 4]
        call puts16
        mov [bp + 4], si
        pop si
        pop bp
        ret

; report: " A B CW: " then the image's words 0-2, ST(0) and ST(1) (or the store) in hex, newline.
report:
        pushad
        mov al, ' '
        out DBG_PORT, al
        mov al, bl
        call hex8
        mov al, ' '
        out DBG_PORT, al
        mov ax, bp
        call hex8
        mov al, ' '
        out DBG_PORT, al
        mov ax, [CW]
        call hex16
        mov al, ':'
        out DBG_PORT, al
        mov al, ' '
        out DBG_PORT, al
        mov si, IMAGE
        mov cx, 6                       ; control, status, tag words
        call hexbytes
        mov al, ' '
        out DBG_PORT, al
        mov si, IMAGE + 14
        mov cx, 10                      ; ST(0)
        call hexbytes
        mov al, ' '
        out DBG_PORT, al
        mov si, IMAGE + 24
        mov cx, 10                      ; ST(1)
        call hexbytes
        mov al, ' '
        out DBG_PORT, al
        mov si, STORE
        mov cx, 10                      ; the store operand
        call hexbytes
        mov al, 10
        out DBG_PORT, al
        popad
        ret

; hexbytes: prints CX bytes at DS:SI as hex, in memory order.
hexbytes:
.l:     lodsb
        call hex8
        loop .l
        ret

; hex16: prints AX as 4 hex digits.
hex16:
        push ax
        mov al, ah
        call hex8
        pop ax
        ; fall through
; hex8: prints AL as 2 hex digits.
hex8:
        push ax
        shr al, 4
        call hex4
        pop ax
        push ax
        and al, 0x0f
        call hex4
        pop ax
        ret
hex4:
        add al, '0'
        cmp al, '9'
        jbe .o
        add al, 'a' - '0' - 10
.o:     out DBG_PORT, al
        ret

cws:    dw 0x037f, 0x077f, 0x0b7f, 0x0f7f, 0x007f, 0x027f
cws_end:

single_third:   dd 0x3eaaaaab
double_tenth:   dq 0x3fb999999999999a
int16_value:    dw -7
int32_value:    dd 3

; The operands: 10-byte extended reals (significand, then sign and exponent).
values:
        dq 0x0000000000000000
        dw 0x0000                       ; +0
        dq 0x0000000000000000
        dw 0x8000                       ; -0
        dq 0x8000000000000000
        dw 0x3fff                       ; 1
        dq 0xc000000000000000
        dw 0xbfff                       ; -1.5
        dq 0xc90fdaa22168c235
        dw 0x4000                       ; pi
        dq 0xaaaaaaaaaaaaaaab
        dw 0x3ffd                       ; 1/3
        dq 0xffffffffffffffff
        dw 0x3fff                       ; just below 2
        dq 0x8000000000000001
        dw 0x403e                       ; 2^63 + 1
        dq 0x0000000000000001
        dw 0x0000                       ; smallest denormal
        dq 0x8000000000000000
        dw 0x0000                       ; pseudo-denormal
        dq 0x8000000000000000
        dw 0x0001                       ; smallest normal
        dq 0xffffffffffffffff
        dw 0x7ffe                       ; largest normal
        dq 0x8000000000000000
        dw 0x7fff                       ; +inf
        dq 0x8000000000000000
        dw 0xffff                       ; -inf
        dq 0xc000000000000001
        dw 0x7fff                       ; QNaN
        dq 0x8000000000000005
        dw 0xffff                       ; -SNaN
        dq 0x4000000000000000
        dw 0x4000                       ; unnormal
        dq 0x8000000000000000
        dw 0x4045                       ; 2^70
VALUES  equ ($ - values) / 10

        ROM_END
