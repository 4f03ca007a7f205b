; x87 arithmetic on pseudo-random operands: a xorshift generator builds pairs of extended reals
; (exponents clustered near 1.0, near the denormal range, near the overflow range and anywhere;
; random significands, the integer bit mostly set) and each pair goes through FADD, FSUB, FMUL,
; FDIV, FSQRT, FPREM1, FRNDINT, FST m32/m64 and FIST m32 (or with TRANSCENDENTAL: FPATAN, FYL2X,
; FYL2XP1, F2XM1, FSCALE, FXTRACT, FBSTP, FPREM) under eight control words (rounding modes at 64-,
; 53- and 24-bit precision). One line per pair and control word:
;   N CW: sw st0(fadd) sw st0(fsub) ... (status word and result of each operation)
; test/emu/cpu/exec-x87.test.ts runs it under QEMU 7.2 and pcscope; the logs must be identical.
; Assembled by the test (not committed).
%include "lib.inc"
%include "x87/common.inc"

; PAIRS, SEED and TRANSCENDENTAL (the second set of operations) may be defined by an including
; file (test/emu/cpu/exec-x87.stress.test.ts).
%ifndef PAIRS
  %define PAIRS 250
%endif
%ifndef SEED
  %define SEED 0x12345678
%endif
OPA     equ DATA + 0x100        ; operand a (10 bytes)
OPB     equ DATA + 0x110        ; operand b (10 bytes)
SEEDVAR equ DATA + 0x120

; OP {insn...} : ST(0) = a, ST(1) = b under [CW]; runs the instruction and prints " sw st0"
; (and the 8-byte store when the instruction wrote one).
%macro OP 1
        fninit
        fldcw [CW]
        fld tword [OPB]
        fld tword [OPA]
        mov dword [STORE], 0
        mov dword [STORE + 4], 0
        %1
        call show
%endmacro

main:
        mov dword [SEEDVAR], SEED
        xor bx, bx
.pair:  mov si, OPA
        call random_value
        mov si, OPB
        call random_value
        xor di, di
.cw:    mov ax, [cs:cwr + di]
        mov [CW], ax
        mov ax, bx
        call hex16
        mov al, ' '
        out DBG_PORT, al
        mov ax, [CW]
        call hex16
        mov al, ':'
        out DBG_PORT, al
%ifdef TRANSCENDENTAL
        OP {fpatan}
        OP {fyl2x}
        OP {fyl2xp1}
        OP {f2xm1}
        OP {fscale}
        OP {fxtract}
        OP {fbstp [STORE]}
        OP {fprem}
%else
        OP {fadd st0, st1}
        OP {fsub st0, st1}
        OP {fmul st0, st1}
        OP {fdiv st0, st1}
        OP {fsqrt}
        OP {fprem1}
        OP {frndint}
        OP {fst dword [STORE]}
        OP {fst qword [STORE]}
        OP {fist dword [STORE]}
%endif
        mov al, 10
        out DBG_PORT, al
        add di, 2
        cmp di, cwr_end - cwr
        jb .cw
        inc bx
        cmp bx, PAIRS
        jb .pair
        EXIT

; show: " sw st0 store" from FNSTSW and FSTP to memory (ST(0)'s 10 bytes).
show:
        fnstsw ax
        push ax
        mov al, ' '
        out DBG_PORT, al
        pop ax
        call hex16
        fstp tword [DATA + 0x130]
        mov si, DATA + 0x130
        mov cx, 10
        call hexfield
        mov si, STORE
        mov cx, 8
        call hexfield
        ret

; xorshift32: EAX = the next value of [SEEDVAR].
xorshift32:
        mov eax, [SEEDVAR]
        mov edx, eax
        shl edx, 13
        xor eax, edx
        mov edx, eax
        shr edx, 17
        xor eax, edx
        mov edx, eax
        shl edx, 5
        xor eax, edx
        mov [SEEDVAR], eax
        ret

; random_value: a random extended real at DS:SI.
random_value:
        call xorshift32
        mov [si], eax
        call xorshift32
        mov [si + 4], eax
        test al, 0x70                   ; 1 in 8: integer bit as random (unnormals, denormals)
        jz .exp
        or byte [si + 7], 0x80
.exp:   call xorshift32
        mov dx, ax
        shr eax, 16
        and eax, 3
        jz .near1
        dec eax
        jz .neartiny
        dec eax
        jz .nearhuge
        and dx, 0x7fff                  ; anywhere
        jmp .sign
.near1: and dx, 0x7f
        add dx, 0x3fff - 0x40
        jmp .sign
.neartiny:
        and dx, 0x7f                    ; 0..0x7f: denormals (0) and the smallest normals
        jmp .sign
.nearhuge:
        and dx, 0x7f
        add dx, 0x7fff - 0x7f           ; up to 0x7fff: infinities and NaNs too
.sign:  test byte [SEEDVAR + 3], 0x80
        jz .pos
        or dx, 0x8000
.pos:   mov [si + 8], dx
        ret

        ROM_END
