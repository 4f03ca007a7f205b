; The SSE/SSE2/SSE3 float instructions in their forms, in real mode: packed and scalar arithmetic
; with register and memory operands (the scalar forms keep the destination's other lanes), CMPcc
; with every predicate and immediates above 7, SSE3's horizontal and ADDSUB forms, every
; conversion (the MMX ones with the x87 tag word after them), COMIS/UCOMIS flags, MXCSR rounding,
; DAZ/FTZ and unmasked exceptions, the forms that are #UD, 16-byte alignment #GP, and the
; CR4.OSFXSR/CR0.TS checks. test/emu/cpu/sse/exec-sse-float.test.ts runs it under QEMU 7.2
; (-cpu qemu32) and pcscope; the logs must be identical. Assembled by the test (not committed).
%include "lib.inc"

OBUF     equ DATA                ; 16 bytes of XMM0 (or MM0), MXCSR, then an FNSTENV image
V0      equ DATA + 0x100        ; singles: 1.5, -0, QNaN with payload, a denormal
V1      equ DATA + 0x110        ; singles: 2.0, 3.0, 1.0, -inf
D0      equ DATA + 0x120        ; doubles: 1.5, SNaN
D1      equ DATA + 0x130        ; doubles: 2.0, -1.0
I0      equ DATA + 0x140        ; int32: 7, -3, 0x7fffffff, 0x80000000
F2      equ DATA + 0x150        ; singles: 2.5, -2.5, 3e9, QNaN
D2      equ DATA + 0x160        ; doubles: 2.5, -1e10
Z0      equ DATA + 0x170        ; zeros, then denormal singles
DEN     equ DATA + 0x180        ; singles: 0x00400000, 0x80000010, 0x3f800000, 0x00000001

; SHOW "name": prints the name, then XMM0 as four dwords and MXCSR; clears MXCSR's flags.
%macro SHOW 1
        PRINT %1
        movups [OBUF], xmm0
        call showx
%endmacro

; SHOWMM "name": prints the name, FTW and FSW (FNSTENV), then MM0 as two dwords.
%macro SHOWMM 1
        PRINT %1
        fnstenv [OBUF + 32]
        movq [OBUF], mm0
        call showmm
%endmacro

; BIN op, a, b: `op xmm0, xmm1` with XMM0 = [a], XMM1 = [b], then `op xmm0, [b]`.
%macro BIN 3
  %defstr %%name %1
        movaps xmm0, [%2]
        movaps xmm1, [%3]
        %1 xmm0, xmm1
        SHOW %%name
        movaps xmm0, [%2]
        %1 xmm0, [%3]
        SHOW %%name
%endmacro

; CMPI op, a, b, imm: CMPcc with an immediate, register then memory.
%macro CMPI 4
  %defstr %%name %1 %4
        movaps xmm0, [%2]
        movaps xmm1, [%3]
        %1 xmm0, xmm1, %4
        SHOW %%name
        movaps xmm0, [%2]
        %1 xmm0, [%3], %4
        SHOW %%name
%endmacro

; UD bytes...: the encoding must raise #UD (the handler prints it and resumes).
%macro UD 1+
        EXPECT_FAULT %%after
        db %1
%%after:
%endmacro

; TRY insn: prints the instruction, runs it, and prints "ran" unless it faults (the handler
; prints the fault and resumes after it).
%macro TRY 1+
  %defstr %%name %1
        PRINT %%name
        EXPECT_FAULT %%after
        %1
        PRINT "ran"
%%after:
        mov dword [RESUME], 0
%endmacro

; TOINT insn: a conversion to EAX, printed with EAX and MXCSR.
%macro TOINT 1+
  %defstr %%name %1
        mov eax, 0x11111111
        %1
        PRINT %%name
        stmxcsr [OBUF + 16]
        call pfield16
        db "eax=", 0
        mov eax, [OBUF + 16]
        call pfield16
        db " mxcsr=", 0
        call newline
        and dword [OBUF + 16], ~0x3f
        ldmxcsr [OBUF + 16]
%endmacro

; COMI insn: the EFLAGS a comparison leaves (all arithmetic flags set before) and MXCSR.
%macro COMI 1+
  %defstr %%name %1
        push dword 0x8d5
        popfd
        %1
        pushfd
        pop eax
        PRINT %%name
        stmxcsr [OBUF + 16]
        call pfield16
        db "fl=", 0
        mov eax, [OBUF + 16]
        call pfield16
        db " mxcsr=", 0
        call newline
        and dword [OBUF + 16], ~0x3f
        ldmxcsr [OBUF + 16]
%endmacro

main:
        mov si, data_rom
        mov di, V0
        mov cx, data_rom_end - data_rom
        cs rep movsb
        mov eax, cr0
        and eax, ~0x4                   ; CR0.EM off
        or eax, 0x2                     ; CR0.MP on
        mov cr0, eax
        mov eax, cr4
        or eax, 0x600                   ; CR4.OSFXSR | CR4.OSXMMEXCPT
        mov cr4, eax

        ; Packed and scalar arithmetic.
        BIN addps, V0, V1
        BIN subps, V0, V1
        BIN mulps, V0, V1
        BIN divps, V1, V0
        BIN minps, V0, V1
        BIN maxps, V0, V1
        BIN sqrtps, V0, V1
        BIN rcpps, V0, V1
        BIN rsqrtps, V0, V1
        BIN addpd, D0, D1
        BIN subpd, D0, D1
        BIN mulpd, D0, D1
        BIN divpd, D1, D0
        BIN minpd, D1, D0
        BIN maxpd, D1, D0
        BIN sqrtpd, D0, D1
        BIN addss, V0, V1
        BIN subss, V1, V0
        BIN mulss, V1, V0
        BIN divss, V1, V0
        BIN minss, V1, V0
        BIN maxss, V1, V0
        BIN sqrtss, V0, V1
        BIN rcpss, V0, V1
        BIN rsqrtss, V0, V1
        BIN addsd, D0, D1
        BIN subsd, D1, D0
        BIN mulsd, D1, D0
        BIN divsd, D0, D1
        BIN minsd, D0, D1
        BIN maxsd, D1, D0
        BIN sqrtsd, D1, D0
        ; Scalar memory operands are 4 or 8 bytes: the bytes after them are never read.
        movaps xmm0, [V1]
        addss xmm0, [V1 + 12]
        SHOW "addss m32 at +12"
        movaps xmm0, [D1]
        mulsd xmm0, [D1 + 8]
        SHOW "mulsd m64 at +8"

        ; CMPcc: every predicate, and immediates above 7 (only bits 0-2 count).
%assign p 0
%rep 8
        CMPI cmpps, V0, V1, p
        CMPI cmppd, D0, D1, p
        CMPI cmpss, V1, V0, p
        CMPI cmpsd, D1, D0, p
  %assign p p + 1
%endrep
        CMPI cmpps, V0, V1, 8
        CMPI cmpps, V0, V1, 0x1d
        CMPI cmpsd, D0, D1, 0xff

        ; SSE3.
        BIN haddps, V0, V1
        BIN hsubps, V1, V0
        BIN addsubps, V0, V1
        BIN haddpd, D0, D1
        BIN hsubpd, D1, D0
        BIN addsubpd, D1, D0

        ; Conversions between floats and with int32 vectors.
        BIN cvtps2pd, V0, F2
        BIN cvtpd2ps, V0, D2
        BIN cvtss2sd, V1, F2
        BIN cvtsd2ss, V1, D2
        BIN cvtdq2ps, V0, I0
        BIN cvtps2dq, V0, F2
        BIN cvttps2dq, V0, F2
        BIN cvtdq2pd, V0, I0
        BIN cvtpd2dq, V0, D2
        BIN cvttpd2dq, V0, D2
        movaps xmm0, [V0]
        mov eax, -3
        cvtsi2ss xmm0, eax
        SHOW "cvtsi2ss eax"
        cvtsi2ss xmm0, dword [I0 + 8]
        SHOW "cvtsi2ss m32"
        movaps xmm0, [V0]
        cvtsi2sd xmm0, dword [I0 + 12]
        SHOW "cvtsi2sd m32"
        movaps xmm1, [F2]
        movaps xmm2, [D2]
        TOINT cvtss2si eax, xmm1
        TOINT cvtss2si eax, [F2 + 4]
        TOINT cvtss2si eax, [F2 + 8]
        TOINT cvttss2si eax, [F2 + 4]
        TOINT cvttss2si eax, [F2 + 12]
        TOINT cvtsd2si eax, xmm2
        TOINT cvtsd2si eax, [D2 + 8]
        TOINT cvttsd2si eax, [D2]
        ; RC = up, then down, then toward zero.
        mov dword [OBUF + 16], 0x5f80
        ldmxcsr [OBUF + 16]
        BIN cvtps2dq, V0, F2
        BIN addps, V0, V1
        TOINT cvtsd2si eax, [D2]
        mov dword [OBUF + 16], 0x3f80
        ldmxcsr [OBUF + 16]
        BIN cvtps2dq, V0, F2
        BIN cvtpd2ps, V0, D2
        mov dword [OBUF + 16], 0x7f80
        ldmxcsr [OBUF + 16]
        BIN cvtps2dq, V0, F2
        BIN divps, V1, V0
        ; DAZ and FTZ.
        mov dword [OBUF + 16], 0x9fc0
        ldmxcsr [OBUF + 16]
        BIN mulps, DEN, V1
        BIN minps, DEN, Z0
        BIN addps, DEN, DEN
        COMI comiss xmm0, [DEN + 12]
        ; Unmasked exceptions: QEMU raises no #XM, it writes the result and sets the flag.
        mov dword [OBUF + 16], 0x0000
        ldmxcsr [OBUF + 16]
        BIN divps, V1, Z0
        BIN addss, V0, V1
        mov dword [OBUF + 16], 0x1f80
        ldmxcsr [OBUF + 16]

        ; The MMX conversions: each puts the x87 unit in MMX mode, a memory operand included.
        fninit
        movaps xmm0, [V0]
        cvtpi2ps xmm0, [I0]
        SHOW "cvtpi2ps m64"
        SHOWMM "tags after cvtpi2ps m64"
        fninit
        cvtpi2pd xmm0, [I0 + 8]
        SHOW "cvtpi2pd m64"
        SHOWMM "tags after cvtpi2pd m64"
        movq mm3, [I0 + 4]
        movaps xmm0, [V1]
        cvtpi2ps xmm0, mm3
        SHOW "cvtpi2ps mm3"
        cvtpi2pd xmm0, mm3
        SHOW "cvtpi2pd mm3"
        fninit
        cvtps2pi mm0, [F2]
        SHOWMM "cvtps2pi m64"
        fninit
        cvttps2pi mm0, [F2 + 8]
        SHOWMM "cvttps2pi m64"
        movaps xmm1, [F2]
        cvtps2pi mm0, xmm1
        SHOWMM "cvtps2pi xmm1"
        cvtpd2pi mm0, [D2]
        SHOWMM "cvtpd2pi m128"
        movaps xmm2, [D2]
        cvttpd2pi mm0, xmm2
        SHOWMM "cvttpd2pi xmm2"
        emms

        ; COMIS/UCOMIS: less, greater, equal, unordered (quiet and signalling NaNs).
        movaps xmm0, [V0]
        movaps xmm1, [V1]
        COMI comiss xmm0, xmm1
        COMI ucomiss xmm1, xmm0
        COMI comiss xmm0, [V0]
        COMI ucomiss xmm0, [V0 + 8]
        COMI comiss xmm0, [V0 + 8]
        movaps xmm0, [D0]
        COMI comisd xmm0, [D1]
        COMI ucomisd xmm0, [D0 + 8]
        COMI comisd xmm0, [D0 + 8]
        movsd xmm0, [D0 + 8]
        COMI ucomisd xmm0, xmm0

        ; Forms that do not exist.
        UD 0x66, 0x0f, 0x52, 0xc1       ; rsqrtpd
        UD 0xf2, 0x0f, 0x53, 0xc1       ; rcpsd
        UD 0xf2, 0x0f, 0x5b, 0xc1
        UD 0x0f, 0xe6, 0xc1
        UD 0x0f, 0x7c, 0xc1
        UD 0xf3, 0x0f, 0x7d, 0xc1
        UD 0x0f, 0xd0, 0xc1
        UD 0xf3, 0x0f, 0x2e, 0xc1
        UD 0xf2, 0x0f, 0x2f, 0xc1

        ; Alignment: QEMU checks it for 0F 51-53, 58-5F and C2, not for the conversions or SSE3.
        fninit
        TRY addps xmm0, [V0 + 4]
        TRY sqrtpd xmm0, [D0 + 4]
        TRY cmpps xmm0, [V0 + 4], 1
        TRY cvtpd2ps xmm0, [D0 + 4]
        TRY cvttps2dq xmm0, [V0 + 8]
        TRY cvtpd2dq xmm0, [D0 + 4]
        TRY haddps xmm0, [V0 + 4]
        TRY addsubpd xmm0, [D0 + 4]
        TRY cvtpd2pi mm0, [D0 + 4]
        SHOW "after the unaligned forms"
        movaps xmm0, [V1]
        addss xmm0, [V0 + 1]
        SHOW "addss unaligned m32"
        cvtdq2pd xmm0, [I0 + 4]
        SHOW "cvtdq2pd unaligned m64"
        cvtps2pi mm0, [F2 + 2]
        SHOWMM "cvtps2pi unaligned m64"
        emms

        ; Without CR4.OSFXSR, with CR0.EM, with CR0.TS: #UD, #UD, #NM, except for the MMX
        ; conversions, which QEMU runs without any of these checks.
        mov eax, cr4
        and eax, ~0x200
        mov cr4, eax
        call gated
        mov eax, cr4
        or eax, 0x200
        mov cr4, eax
        mov eax, cr0
        or eax, 0x4
        mov cr0, eax
        call gated
        mov eax, cr0
        and eax, ~0x4
        or eax, 0x8
        mov cr0, eax
        call gated
        clts
        emms
        EXIT

; gated: the instructions whose CR0/CR4 checks differ, each printed with its fault or "ran".
gated:
        TRY addps xmm0, xmm1
        TRY cvtsi2sd xmm0, eax
        TRY comiss xmm0, xmm1
        TRY cvtpi2ps xmm0, mm1
        TRY cvtpi2pd xmm0, [I0]
        TRY cvtps2pi mm0, xmm1
        TRY cvttpd2pi mm0, [D2]
        ret

; showx: prints the four dwords at OBUF and MXCSR, then clears MXCSR's flags.
showx:
        stmxcsr [OBUF + 16]
        mov eax, [OBUF]
        call pfield16
        db "xmm0=", 0
        mov eax, [OBUF + 4]
        call pfield16
        db " ", 0
        mov eax, [OBUF + 8]
        call pfield16
        db " ", 0
        mov eax, [OBUF + 12]
        call pfield16
        db " ", 0
        mov eax, [OBUF + 16]
        call pfield16
        db " mxcsr=", 0
        call newline
        and dword [OBUF + 16], ~0x3f
        ldmxcsr [OBUF + 16]
        ret

; showmm: prints FTW and FSW from the FNSTENV image at OBUF + 32, then the two dwords at OBUF.
showmm:
        movzx eax, word [OBUF + 32 + 4]
        call pfield16
        db "ftw=", 0
        movzx eax, word [OBUF + 32 + 2]
        call pfield16
        db " fsw=", 0
        mov eax, [OBUF]
        call pfield16
        db " mm0=", 0
        mov eax, [OBUF + 4]
        call pfield16
        db " ", 0
        call newline
        ret

; newline: ends the output line.
newline:
        push ax
        mov al, 10
        out DBG_PORT, al
        pop ax
        ret

data_rom:
        dd 0x3fc00000, 0x80000000, 0x7fc12345, 0x00000010      ; V0
        dd 0x40000000, 0x40400000, 0x3f800000, 0xff800000      ; V1
        dq 0x3ff8000000000000, 0x7ff0000000000001              ; D0
        dq 0x4000000000000000, 0xbff0000000000000              ; D1
        dd 7, -3, 0x7fffffff, 0x80000000                       ; I0
        dd 0x40200000, 0xc0200000, 0x4f32d05e, 0x7fc00000      ; F2
        dq 0x4004000000000000, 0xc202a05f20000000              ; D2
        dd 0, 0x80000000, 0, 0                                 ; Z0
        dd 0x00400000, 0x80000010, 0x3f800000, 0x00000001      ; DEN
data_rom_end:

ROM_END
