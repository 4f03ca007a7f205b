; Leaves known x87 and SSE state for the FPU/SSE pane's test (test/tui/panes/fpu): every tag kind,
; TOP at 1, an empty register that still holds bits, a pseudo-denormal, an unnormal, the real
; indefinite, -inf, a denormal and pi; exception flags and condition codes from a compare with
; a NaN; FCW with double precision, round toward zero and some exceptions unmasked; a memory
; operand for FDP; XMM registers with float and double lanes (NaNs, infinities, denormals) and
; a decoded MXCSR. Then it halts with interrupts off at F000:0200 (linear 0xF0200), where a
; debugger reads it. nasm -f bin; a 64 KiB ROM (reset at F000:FFF0).
        bits 16
        org 0

CR0_EM     equ 1 << 2
CR0_MP     equ 1 << 1
CR4_OSFXSR equ 1 << 9
CR4_OSXMMEXCPT equ 1 << 10

start:
        cli
        mov eax, cr0
        and eax, ~CR0_EM
        or eax, CR0_MP
        mov cr0, eax
        mov eax, cr4
        or eax, CR4_OSFXSR | CR4_OSXMMEXCPT
        mov cr4, eax
        fninit
        fld1
        fldz
        fdivp st1, st0                  ; 1/0: +inf and ZE (masked)
        fstp st0
        mov si, x87_values
        mov cx, 8
.load:  fld tword [cs:si]               ; R7 first: pi, -inf, ..., a QNaN in R0
        add si, 10
        loop .load
        fcom st1                        ; QNaN against SNaN: IE, C3 C2 C0 = 1 1 1
        fstp st0                        ; pop the QNaN (R0 empty, its bits kept)
        fstp st0                        ; pop the SNaN (R1)
        fld dword [cs:minus_zero]       ; R1 = -0, FDP = its offset
        fldcw [cs:control]
        movups xmm0, [cs:xmm_values + 0 * 16]
        movups xmm1, [cs:xmm_values + 1 * 16]
        movups xmm2, [cs:xmm_values + 2 * 16]
        movups xmm3, [cs:xmm_values + 3 * 16]
        movups xmm4, [cs:xmm_values + 4 * 16]
        movups xmm5, [cs:xmm_values + 5 * 16]
        movups xmm6, [cs:xmm_values + 6 * 16]
        movups xmm7, [cs:xmm_values + 7 * 16]
        ldmxcsr [cs:mxcsr]
        jmp done

; 80-bit reals as significand (8 bytes) then sign and exponent (2 bytes), loaded in this order.
x87_values:
        dq 0xc90fdaa22168c235
        dw 0x4000                       ; pi
        dq 0x8000000000000000
        dw 0xffff                       ; -inf
        dq 0x0000000000000123
        dw 0x0000                       ; a denormal
        dq 0xc000000000000000
        dw 0x0000                       ; a pseudo-denormal
        dq 0x4000000000000000
        dw 0x4000                       ; an unnormal
        dq 0xc000000000000000
        dw 0xffff                       ; the real indefinite
        dq 0x8000000000000001
        dw 0x7fff                       ; an SNaN
        dq 0xc000000000000001
        dw 0x7fff                       ; a QNaN
minus_zero:
        dd 0x80000000
control:
        dw 0x0e72                       ; RC toward zero, PC double, IM ZM OM unmasked
mxcsr:
        dd 0xdbe1                       ; FZ, RC up, OM unmasked, DAZ, PE and IE set
xmm_values:
        dd 0x3fc00000, 0xbdcccccd, 0x7f800000, 0x7fc00000   ; 1.5, -0.1, inf, nan
        dq 0x3ff199999999999a, 0x800000000000b5e6           ; 1.1, a negative denormal
        db 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f
        dd 0x00000001, 0x80000000, 0x7f7fffff, 0xff800001   ; denormal, -0, FLT_MAX, -nan(0x1)
        dq 0xfff8000000000001, 0x7ff0000000000000           ; -nan(0x8000000000001), inf
        dq 0x400921fb54442d18, 0xc1d2a05f1fffffff           ; pi, a large negative double
        dd 0x00800000, 0x3eaaaaab, 0x4b189680, 0xc2f6e979   ; FLT_MIN, 1/3, 1e7, -123.456
        dq 0x0010000000000000, 0x7fefffffffffffff           ; DBL_MIN, DBL_MAX

        times 0x200 - ($ - $$) db 0xcc
done:   hlt                             ; F000:0200
        jmp done

        times 0xfff0 - ($ - $$) db 0xcc
        jmp 0xf000:start                ; reset vector
        times 0x10000 - ($ - $$) db 0xcc
