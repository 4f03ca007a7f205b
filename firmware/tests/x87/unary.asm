; x87 one-operand instructions over the operand table (common.inc) under four rounding modes and
; three precisions: FSQRT, FRNDINT, F2XM1, FSIN, FCOS, FSINCOS, FPTAN, FXTRACT, FCHS, FABS, FXAM,
; FTST, the stores (m32, m64, m80, m16/m32/m64 integers, packed BCD), the constants, the stack
; instructions (FINCSTP, FDECSTP, FFREE, FFREEP); then the memory forms of the arithmetic (m32,
; m64, m16int, m32int operands), FLD/FILD/FBLD of memory, and unmasked exceptions with CR0.NE
; (#MF at the next FWAIT). test/emu/cpu/exec-x87.test.ts runs it under QEMU 7.2 and pcscope; the
; logs must be identical. Assembled by the test (not committed).
%include "lib.inc"
%include "common.inc"

main:
        UCASE "fsqrt", {fsqrt}, cws
        UCASE "frndint", {frndint}, cws
        UCASE "f2xm1", {f2xm1}, cws
        UCASE "fsin", {fsin}, cws
        UCASE "fcos", {fcos}, cws
        UCASE "fsincos", {fsincos}, cws
        UCASE "fptan", {fptan}, cws
        UCASE "fxtract", {fxtract}, cws
        UCASE "fchs", {fchs}, cwd
        UCASE "fabs", {fabs}, cwd
        UCASE "fxam", {fxam}, cwd
        UCASE "ftst", {ftst}, cwd
        UCASE "fst32", {fst dword [STORE]}, cws
        UCASE "fstp64", {fstp qword [STORE]}, cws
        UCASE "fstp80", {fstp tword [STORE]}, cwd
        UCASE "fist16", {fist word [STORE]}, cws
        UCASE "fistp32", {fistp dword [STORE]}, cws
        UCASE "fistp64", {fistp qword [STORE]}, cws
        UCASE "fbstp", {fbstp [STORE]}, cws
        UCASE "fld1", {fld1}, cws
        UCASE "fldl2t", {fldl2t}, cws
        UCASE "fldl2e", {fldl2e}, cws
        UCASE "fldpi", {fldpi}, cws
        UCASE "fldlg2", {fldlg2}, cws
        UCASE "fldln2", {fldln2}, cws
        UCASE "fldz", {fldz}, cwd
        UCASE "fincstp", {fincstp}, cwd
        UCASE "fdecstp", {fdecstp}, cwd
        UCASE "ffree", {ffree st1}, cwd
        UCASE "ffreep", {ffreep st0}, cwd
        UCASE "fxch4", {call fxch_empty}, cwd
        UCASE "fst_empty", {call fst_empty}, cwd

        MCASE "fadd32", {fadd dword [STORE]}, m32, 4, cws
        MCASE "fsubr32", {fsubr dword [STORE]}, m32, 4, cws
        MCASE "fdiv32", {fdiv dword [STORE]}, m32, 4, cws
        MCASE "fcomp32", {fcomp dword [STORE]}, m32, 4, cwd
        MCASE "fld32", {fld dword [STORE]}, m32, 4, cws
        MCASE "fmul64", {fmul qword [STORE]}, m64, 8, cws
        MCASE "fsub64", {fsub qword [STORE]}, m64, 8, cws
        MCASE "fdivr64", {fdivr qword [STORE]}, m64, 8, cws
        MCASE "fcom64", {fcom qword [STORE]}, m64, 8, cwd
        MCASE "fld64", {fld qword [STORE]}, m64, 8, cws
        MCASE "fiadd16", {fiadd word [STORE]}, m16, 2, cws
        MCASE "fidivr16", {fidivr word [STORE]}, m16, 2, cws
        MCASE "ficom16", {ficom word [STORE]}, m16, 2, cwd
        MCASE "fild16", {fild word [STORE]}, m16, 2, cws
        MCASE "fimul32", {fimul dword [STORE]}, m32i, 4, cws
        MCASE "fisub32", {fisub dword [STORE]}, m32i, 4, cws
        MCASE "ficomp32", {ficomp dword [STORE]}, m32i, 4, cwd
        MCASE "fild32", {fild dword [STORE]}, m32i, 4, cws
        MCASE "fild64", {fild qword [STORE]}, m64i, 8, cws
        MCASE "fld80", {fld tword [STORE]}, m80, 10, cwd
        MCASE "fbld", {fbld [STORE]}, bcd, 10, cws

        call unmasked
        EXIT

; FXCH with an empty ST(1), and FST into an empty ST(2) (tags stay as they were under QEMU).
fxch_empty:
        ffree st1
        fxch st1
        ret
fst_empty:
        ffree st2
        fst st2
        ret

; unmasked: unmasked exceptions with CR0.NE set: the flags and ES/B at once, #MF (vector 16) at
; the next FWAIT, none at FNSTSW or FNCLEX; with CR0.NE clear, FWAIT does not fault (and IF is 0,
; so no FERR# interrupt arrives).
unmasked:
        mov eax, cr0
        or eax, 0x20                    ; CR0.NE
        mov cr0, eax
        xor bx, bx
        xor bp, bp
        ; divide by zero, ZE unmasked
        fninit
        mov word [CW], 0x037b
        fldcw [CW]
        fld1
        fldz
        fdivp st1, st0
        fnstsw ax
        DUMPA "zdiv fnstsw"
        EXPECT_FAULT .r1
        fwait
        PRINT "no fault at fwait"
.r1:    fnsave [IMAGE]
        call puts_inline
        db "zdiv", 0
        call report
        ; invalid (SNaN), IE unmasked; then a waiting arithmetic instruction
        fninit
        mov word [CW], 0x037e
        fldcw [CW]
        fld tword [cs:values + 0x11 * 10]
        fld1
        fadd st0, st1
        fnstsw ax
        DUMPA "snan fnstsw"
        EXPECT_FAULT .r2
        fld1
        PRINT "no fault at fld1"
        EXPECT_FAULT .r2
        fwait
        PRINT "no fault at fwait"
.r2:    fnsave [IMAGE]
        call puts_inline
        db "snan", 0
        call report
        ; overflow and precision unmasked, then FNCLEX before FWAIT
        fninit
        mov word [CW], 0x0357
        fldcw [CW]
        fld tword [cs:values + 0x0d * 10]
        fmul st0, st0
        fnclex
        EXPECT_FAULT .r3
        fwait
        PRINT "no fault after fnclex"
.r3:    fnsave [IMAGE]
        call puts_inline
        db "ovf", 0
        call report
        ; underflow unmasked, pending across FLDCW that masks it again
        fninit
        mov word [CW], 0x036f
        fldcw [CW]
        fld tword [cs:values + 0x0c * 10]
        fmul st0, st0
        mov word [CW], 0x037f
        fldcw [CW]
        EXPECT_FAULT .r4
        fwait
        PRINT "no fault at fwait"
.r4:    fnsave [IMAGE]
        call puts_inline
        db "unf", 0
        call report
        ; CR0.NE clear: FWAIT with a pending exception does not fault
        mov eax, cr0
        and eax, ~0x20
        mov cr0, eax
        fninit
        mov word [CW], 0x037b
        fldcw [CW]
        fld1
        fldz
        fdivp st1, st0
        mov dword [RESUME], 0
        fwait
        PRINT "ne=0: no fault at fwait"
        fnsave [IMAGE]
        call puts_inline
        db "zdiv ne=0", 0
        call report
        ret

m32:    dd 0x3eaaaaab, 0x00000001, 0x7f7fffff, 0xff800000, 0x7fc00001, 0xff800005, 0x501502f9, 0xc0200000
m32_end:
m64:    dq 0x3fb999999999999a, 0x0000000000000001, 0x7fefffffffffffff, 0x7ff0000000000000
        dq 0xfff8000000000123, 0x7ff0000000000005, 0xc09c4a0000000000, 0x000fffffffffffff
m64_end:
m16:    dw -7, 0, 32767, -32768
m16_end:
m32i:   dd 3, -1, 0x7fffffff, 0x80000000
m32i_end:
m64i:   dq 0x7fffffffffffffff, 0x8000000000000000, -12345, 0x0020000000000001
m64i_end:
m80:    dq 0x8000000000000000
        dw 0x3fff                       ; 1
        dq 0x4000000000000001
        dw 0x7fff                       ; pseudo-NaN
        dq 0xc000000000000000
        dw 0x0000                       ; pseudo-denormal
m80_end:
bcd:    db 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x00                              ; 0
        db 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x80                              ; -0
        db 0x99, 0x99, 0x99, 0x99, 0x99, 0x99, 0x99, 0x99, 0x99, 0x00   ; 10^18 - 1
        db 0x89, 0x67, 0x45, 0x23, 0x01, 0, 0, 0, 0, 0x80               ; -123456789
        db 0xfa, 0xfb, 0xfc, 0xfd, 0xfe, 0xff, 0x00, 0x12, 0x34, 0x7f   ; not BCD
        db 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xc0, 0xff, 0xff   ; the indefinite
bcd_end:

        ROM_END
