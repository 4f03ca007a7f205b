; x87 multiplication and division in the register forms over every pair of the operand table
; (common.inc), under the four rounding modes at 64-bit precision and several at 24 and 53 bits.
; test/emu/cpu/exec-x87.test.ts runs it under QEMU 7.2 and pcscope; the logs must be identical.
; Assembled by the test (not committed).
%include "lib.inc"
%include "common.inc"

main:
        CASE "fmul", {fmul st0, st1}, cwr
        CASE "fdiv", {fdiv st0, st1}, cwr
        CASE "fdivr", {fdivr st0, st1}, cwr
        CASE "fmul2", {fmul st1, st0}, cwd
        CASE "fdivrp", {fdivrp st1, st0}, cwd
        EXIT

        ROM_END
