; The PIIX4 PM function's ACPI mode switch as Linux's ACPI core drives it: PM I/O mapped at 0x600
; (PMBA, PMREGMISC), PM1_CNT read before and after the FADT's ACPI_ENABLE (0xf1) and ACPI_DISABLE
; (0xf0) are written to the APM control port 0xb2, the APM ports read back, the status scratch byte
; 0xb3 written and read; then S5 through PM1_CNT. test/emu/devices/piix4-pm.test.ts runs it under QEMU 7.2 and pcscope; the
; logs must be identical. Assembled by the test (not committed).
%include "lib.inc"

PM_DEV  equ 0x80000000 | (1 << 11) | (3 << 8)   ; bus 0, device 1, function 3
PMBASE  equ 0x600

; PCI_W32 reg, value : writes a dword of the PM function's configuration space.
%macro PCI_W32 2
        mov eax, PM_DEV | %1
        mov dx, 0xcf8
        out dx, eax
        mov eax, %2
        mov dx, 0xcfc
        out dx, eax
%endmacro

main:
        PCI_W32 0x40, PMBASE | 1
        PCI_W32 0x80, 1
        mov dx, PMBASE + 4
        in ax, dx
        movzx eax, ax
        DUMPA "pm1_cnt at reset"
        mov al, 0xf1
        out 0xb2, al
        mov dx, PMBASE + 4
        in ax, dx
        movzx eax, ax
        DUMPA "pm1_cnt after acpi_enable"
        in al, 0xb2
        movzx eax, al
        DUMPA "apm control"
        mov al, 0xf0
        out 0xb2, al
        mov dx, PMBASE + 4
        in ax, dx
        movzx eax, ax
        DUMPA "pm1_cnt after acpi_disable"
        mov al, 0x5a
        out 0xb3, al
        in al, 0xb3
        movzx eax, al
        DUMPA "apm status"
        ; S5: SLP_TYP 0 (the _S5 package QEMU's DSDT gives) with SLP_EN powers the machine off.
        PRINT "done"
        mov dx, PMBASE + 4
        mov ax, 0x2000
        out dx, ax
        cli
        hlt

ROM_END
