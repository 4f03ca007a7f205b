; x87 compares (FCOM, FUCOMP, FCOMPP, FUCOMPP, FCOMI, FUCOMIP), FCMOVcc after FUCOMI, FXCH,
; FPREM and FPREM1 over every pair of the operand table (common.inc).
; test/emu/cpu/exec-x87.test.ts runs it under QEMU 7.2 and pcscope; the logs must be identical.
; Assembled by the test (not committed).
%include "lib.inc"
%include "common.inc"

main:
        CASE "fcom", {fcom st1}, cwd
        CASE "fucomp", {fucomp st1}, cwd
        CASE "fcompp", {fcompp}, cwd
        CASE "fucompp", {fucompp}, cwd
        CASE "fcomi", {fcomi st0, st1}, cwd
        CASE "fucomip", {fucomip st0, st1}, cwd
        CASE "fcmovb", {call fcmovb_after_fucomi}, cwd
        CASE "fcmovnbe", {call fcmovnbe_after_fucomi}, cwd
        CASE "fcmovu", {call fcmovu_after_fucomi}, cwd
        CASE "fcmovne", {call fcmovne_after_fucomi}, cwd
        CASE "fxch", {fxch st1}, cwd
        CASE "fprem", {fprem}, cwd
        CASE "fprem1", {fprem1}, cwd
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
