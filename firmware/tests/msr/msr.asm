; The stored MSRs under a P6 --cpu model (MTRRs, PAT, SYSENTER, machine check): their power-on
; values, then patterns written and read back, including the values QEMU refuses (a machine-check
; CTL takes only 0 or all ones). One DUMP line per RDMSR (EDX:EAX, ECX the MSR).
; test/emu/cpu/system/msr-store.test.ts runs it under QEMU 7.2 and pcscope; the logs must be
; identical. Absent MSRs are not read here: QEMU's TCG answers them with 0 where pcscope raises
; #GP as the SDM says (the unit tests cover that side). Assembled by the test (not committed).
%include "lib.inc"

; READ msr : RDMSR and a DUMP line.
%macro READ 1
        mov ecx, %1
        rdmsr
        DUMP "rdmsr", 0
%endmacro

; WRITE msr, hi, lo : WRMSR of hi:lo, then READ it back.
%macro WRITE 3
        mov ecx, %1
        mov edx, %2
        mov eax, %3
        wrmsr
        READ %1
%endmacro

main:
        ; Power-on values.
        READ 0x8b                       ; BIOS_SIGN_ID (microcode revision)
        READ 0xfe                       ; MTRRcap
        READ 0x200                      ; PHYSBASE0
        READ 0x20f                      ; PHYSMASK7
        READ 0x250                      ; FIX64K_00000
        READ 0x258
        READ 0x259
        READ 0x268
        READ 0x26f
        READ 0x2ff                      ; MTRRdefType
        READ 0x277                      ; PAT
        READ 0x174                      ; SYSENTER_CS
        READ 0x175
        READ 0x176
        READ 0x179                      ; MCG_CAP
        READ 0x17a                      ; MCG_STATUS
        READ 0x17b                      ; MCG_CTL
        READ 0x400                      ; MC0_CTL
        READ 0x401                      ; MC0_STATUS
        READ 0x424                      ; MC9_CTL
        READ 0x427                      ; MC9_MISC
        ; Written patterns, as SeaBIOS's mtrr_setup and Linux write them, and odd ones.
        WRITE 0x200, 0x0000000f, 0xfee00006
        WRITE 0x201, 0x0000000f, 0xff000800
        WRITE 0x20e, 0x12345678, 0x9abcdef0
        WRITE 0x250, 0x06060606, 0x06060606
        WRITE 0x259, 0x01020304, 0x05060708
        WRITE 0x26e, 0x05050505, 0x05050505
        WRITE 0x2ff, 0x00000000, 0x00000c06
        WRITE 0x277, 0x00070106, 0x00070406
        WRITE 0x174, 0x00000001, 0x00012360      ; SYSENTER_CS keeps 16 bits
        WRITE 0x175, 0x00000002, 0xc1234560      ; ESP and EIP keep 32 (qemu-system-i386)
        WRITE 0x176, 0x00000003, 0xc0101234
        WRITE 0x17a, 0x00000000, 0x00000005      ; MCG_STATUS
        WRITE 0x17b, 0x00000000, 0x00000000      ; MCG_CTL: 0 kept
        WRITE 0x17b, 0x00000000, 0x00001234      ; other values ignored
        WRITE 0x17b, 0xffffffff, 0xffffffff
        WRITE 0x404, 0x00000000, 0x00000000      ; MC1_CTL
        WRITE 0x408, 0x00000000, 0x00000077      ; MC2_CTL: ignored
        WRITE 0x405, 0x80000000, 0x00000011      ; MC1_STATUS
        WRITE 0x406, 0x00000001, 0x00000002      ; MC1_ADDR
        WRITE 0x427, 0x00000003, 0x00000004      ; MC9_MISC
        WRITE 0x8b, 0x00000000, 0x00000000       ; as Linux does before CPUID: ignored
        EXIT
        ROM_END
