; SYSENTER and SYSEXIT under a model with SEP: #GP(0) while IA32_SYSENTER_CS is 0; SYSENTER from
; ring 0 and from ring 3 to flat ring-0 CS:EIP and SS:ESP from the MSRs with IF cleared; SYSEXIT to
; flat ring-3 CS = SYSENTER_CS + 16, SS = + 24 at EDX with ESP = ECX; SYSEXIT at CPL 3 is #GP(0).
; test/emu/cpu/system/sysenter.test.ts runs it under QEMU 7.2 and pcscope --cpu pentium2; the logs
; must be identical. Assembled by the test (not committed).
%include "lib.inc"

ROM_BASE equ 0xF0000            ; SYSENTER/SYSEXIT load flat segments: EIPs are linear addresses
KSTACK   equ STACK0 - 0x400

; The instructions as bytes (nasm's default CPU level does not take the mnemonics).
%define SYSENTER db 0x0f, 0x34
%define SYSEXIT db 0x0f, 0x35

; WRMSR_ index, value
%macro WRMSR_ 2
        mov ecx, %1
        mov eax, %2
        xor edx, edx
        wrmsr
%endmacro

main:
        PM_ENTER32 pm32
        bits 32
pm32:   PM32_INIT
        mov ax, SEL_TSS
        ltr ax
        EXPECT_FAULT no_cs
        SYSENTER
no_cs:  DUMP "sysenter with SYSENTER_CS 0"
        ; SYSENTER_CS = 0x18: ring-0 SS 0x20, ring-3 CS 0x2b and SS 0x33 (the GDT's user segments).
        WRMSR_ 0x174, 0x18
        WRMSR_ 0x175, KSTACK
        WRMSR_ 0x176, ROM_BASE + ring0_first
        mov ebx, 0x1234
        sti
        SYSENTER

ring0_first:     mov eax, cs
        mov ebx, ss
        mov ecx, esp
        pushfd
        pop edx
        mov esi, [esp]                  ; the stack works through the new SS
        DUMP "k1: cs/ss/esp/flags"
        WRMSR_ 0x176, ROM_BASE + ring0_again
        mov ecx, STACK3
        mov edx, ROM_BASE + u1
        mov eax, 0x5555
        SYSEXIT

u1:     mov eax, cs
        mov ebx, ss
        mov ecx, esp
        pushfd
        pop edx
        push dword 0x77
        pop esi
        DUMP "u1: cs/ss/esp/flags/pushed"
        EXPECT_FAULT u2                 ; resumes through IRET: CS from the GDT (base 0xF0000)
        SYSEXIT
u2:     mov eax, cs
        mov ebx, ss
        DUMP "u2 after sysexit at cpl 3"
        SYSENTER

ring0_again:     mov eax, cs
        mov ebx, ss
        mov ecx, esp
        pushfd
        pop edx
        DUMP "k2: from ring 3"
        EXIT
        bits 16

ROM_END
