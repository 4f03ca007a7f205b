; x87 addition and subtraction in the register forms over every pair of the operand table
; (common.inc), under the four rounding modes at 64-bit precision and several at 24 and 53 bits.
; test/emu/cpu/exec-x87.test.ts runs it under QEMU 7.2 and pcscope; the logs must be identical.
; Assembled by the test (not committed).
%include "lib.inc"
%include "common.inc"

main:
        CASE "fadd", {fadd st0, st1}, cwr
        CASE "fsub", {fsub st0, st1}, cwr
        CASE "fsubr", {fsubr st0, st1}, cwr
        CASE "faddp", {faddp st1, st0}, cwd
        CASE "fsubp", {fsubp st1, st0}, cwd
        EXIT

        ROM_END
