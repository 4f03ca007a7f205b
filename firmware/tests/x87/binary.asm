; x87 two-operand instructions over every pair of the operand table (common.inc): arithmetic in
; the register forms under four rounding modes and three precisions, compares (FCOM, FUCOM,
; FCOMI, FUCOMIP...), FPREM, FPREM1, FSCALE, FPATAN, FYL2X, FYL2XP1, FXCH and FCMOVcc.
; test/emu/cpu/exec-x87.test.ts runs it under QEMU 7.2 and pcscope; the logs must be identical.
; Assembled by the test (not committed).
%include "lib.inc"
%include "common.inc"

main:
        CASE "fadd", {fadd st0, st1}, cws
        CASE "fsub", {fsub st0, st1}, cws
        CASE "fsubr", {fsubr st0, st1}, cws
        CASE "fmul", {fmul st0, st1}, cws
        CASE "fdiv", {fdiv st0, st1}, cws
        CASE "fdivr", {fdivr st0, st1}, cws
        CASE "faddp", {faddp st1, st0}, cwd
        CASE "fsubp", {fsubp st1, st0}, cwd
        CASE "fdivrp", {fdivrp st1, st0}, cwd
        CASE "fmul2", {fmul st1, st0}, cwd
        CASE "fcom", {fcom st1}, cwd
        CASE "fucomp", {fucomp st1}, cwd
        CASE "fcompp", {fcompp}, cwd
        CASE "fucompp", {fucompp}, cwd
        CASE "fcomi", {fcomi st0, st1}, cwd
        CASE "fucomip", {fucomip st0, st1}, cwd
        CASE "fprem", {fprem}, cwd
        CASE "fprem1", {fprem1}, cwd
        CASE "fscale", {fscale}, cws
        CASE "fpatan", {fpatan}, cws
        CASE "fyl2x", {fyl2x}, cws
        CASE "fyl2xp1", {fyl2xp1}, cws
        CASE "fxch", {fxch st1}, cwd
        CASE "fcmovb", {call fcmovb_after_fucomi}, cwd
        CASE "fcmovnbe", {call fcmovnbe_after_fucomi}, cwd
        CASE "fcmovu", {call fcmovu_after_fucomi}, cwd
        CASE "fcmovne", {call fcmovne_after_fucomi}, cwd
        EXIT

; FCMOVcc with the flags of FUCOMI ST(0), ST(1).
fcmovb_after_fucomi:
        fucomi st0, st1
        fcmovb st0, st1
        ret
fcmovnbe_after_fucomi:
        fucomi st0, st1
        fcmovnbe st0, st1
        ret
fcmovu_after_fucomi:
        fucomi st0, st1
        fcmovu st0, st1
        ret
fcmovne_after_fucomi:
        fucomi st0, st1
        fcmovne st0, st1
        ret

        ROM_END
