; x87 two-operand transcendental and scaling instructions (FPATAN, FYL2X, FYL2XP1, FSCALE) over
; every pair of the operand table (common.inc) under the four rounding modes and three precisions.
; test/emu/cpu/exec-x87.test.ts runs it under QEMU 7.2 and pcscope; the logs must be identical.
; Assembled by the test (not committed).
%include "lib.inc"
%include "common.inc"

main:
        CASE "fscale", {fscale}, cws
        CASE "fpatan", {fpatan}, cws
        CASE "fyl2x", {fyl2x}, cws
        CASE "fyl2xp1", {fyl2xp1}, cws
        EXIT

        ROM_END
