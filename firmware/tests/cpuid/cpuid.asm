; CPUID under each --cpu model: every basic leaf up to 5 (leaf 4 with subleaves 0-4), the
; hypervisor leaves, the extended leaves up to 0x80000008 and some beyond every maximum, one DUMP
; line each (EAX-EDX). test/emu/cpu/cpuid-models.test.ts runs it under QEMU 7.2 (-cpu NAME) and
; under pcscope (--cpu NAME); the logs must be identical. Assembled by the test (not committed).
%include "lib.inc"

; LEAF leaf, subleaf : CPUID and its four registers.
%macro LEAF 2
        mov eax, %1
        mov ecx, %2
        cpuid
        DUMP "cpuid", 0
%endmacro

main:
        LEAF 0, 0
        LEAF 1, 0
        LEAF 2, 0
        LEAF 3, 0
        LEAF 4, 0
        LEAF 4, 1
        LEAF 4, 2
        LEAF 4, 3
        LEAF 4, 4
        LEAF 5, 0
        LEAF 0x40000000, 0
        LEAF 0x40000001, 0
        LEAF 0x80000000, 0
        LEAF 0x80000001, 0
        LEAF 0x80000002, 0
        LEAF 0x80000003, 0
        LEAF 0x80000004, 0
        LEAF 0x80000005, 0
        LEAF 0x80000008, 0
        LEAF 0x7fffffff, 2
        LEAF 0xc0000000, 0
        LEAF 0xffffffff, 1
        EXIT
        ROM_END
