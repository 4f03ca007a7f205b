; FCMOVcc and FCOMI/FUCOMI(P), which came with CMOV on the P6: each runs, or raises #UD on a CPU
; model without CPUID.CMOV (QEMU 7.2 checks the feature). test/emu/cpu/exec-x87.test.ts runs it
; under -cpu pentium and pentium2 and pcscope --cpu the same; the logs must be identical.
; Assembled by the test (not committed).
%include "lib.inc"

; TRY "name", {insn} : ST(0) = 1, ST(1) = 2, ZF and CF set; the instruction, then the status
; word and ST(0) in EAX (its top half), or the #UD line.
%macro TRY 2
        fninit
        fld1
        fld1
        fadd st0, st0
        fxch st1
        EXPECT_FAULT %%ud
        mov ah, 0x41                    ; ZF, CF
        sahf
        %2
        fnstsw ax
        fst dword [SCRATCH]
        shl eax, 16
        mov ax, [SCRATCH + 2]
        DUMPA %1
%%ud:
%endmacro

main:
        TRY "fcmovb", {fcmovb st0, st1}
        TRY "fcmove", {fcmove st0, st1}
        TRY "fcmovbe", {fcmovbe st0, st1}
        TRY "fcmovu", {fcmovu st0, st1}
        TRY "fcmovnb", {fcmovnb st0, st1}
        TRY "fcmovne", {fcmovne st0, st1}
        TRY "fcmovnbe", {fcmovnbe st0, st1}
        TRY "fcmovnu", {fcmovnu st0, st1}
        TRY "fcomi", {fcomi st0, st1}
        TRY "fucomi", {fucomi st0, st1}
        TRY "fcomip", {fcomip st0, st1}
        TRY "fucomip", {fucomip st0, st1}
        EXIT

        ROM_END
