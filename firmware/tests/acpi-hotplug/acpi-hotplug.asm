; QEMU's paravirtual ACPI blocks on the PIIX4 PM function, as the DSDT's AML and Linux reach them:
; the PCI hot-plug block at 0xae00 (PCIU, PCID, B0EJ, PCRM, BNUM, PIDX), the CPU hot-plug block at
; 0xaf00 (the legacy present-CPU bitmap, then, after the Store(Zero, CSEL) of \_SB.PCI0.PRES._INI,
; the modern CSEL/flags/CCMD/CDAT interface) and GPE0 at 0xafe0. Every port of each block (and a
; few past its end) is read as bytes, words and dwords, then the registers are written as the AML
; does and read back. test/emu/devices/acpi-hotplug.test.ts runs it under QEMU 7.2 and pcscope with
; 1, 2 and 8 vCPUs (and 2 of 4 possible); the logs must be identical. Assembled by the test.
; Then it resets the machine (0xcf9) and reads the blocks again: the CPU block stays modern, BNUM
; keeps its value, GPE0 returns to 0 (a CMOS byte, which a reset keeps, tells the two boots apart).
%include "lib.inc"

PCIHP   equ 0xae00
CPUHP   equ 0xaf00
GPE0    equ 0xafe0
BOOTED  equ 0x7d                                ; CMOS byte: 0x5a once the first boot has run
RESETCTL equ 0xcf9                              ; PIIX3 reset control: 6 = hard reset

; READS first, count, width : reads `count` ports of `width` bytes from `first` up, printing each
; (EDX the port, EAX the value).
%macro READS 3
        mov dx, %1
        mov cx, %2
%%next: xor eax, eax
  %if %3 == 1
        in al, dx
        DUMP "inb"
  %elif %3 == 2
        in ax, dx
        DUMP "inw"
  %else
        in eax, dx
        DUMP "ind"
  %endif
        add dx, %3
        loop %%next
%endmacro

; SCAN first, bytes : every byte, aligned word and aligned dword of [first, first + bytes).
%macro SCAN 2
        READS %1, %2, 1
        READS %1, %2 / 2, 2
        READS %1, %2 / 4, 4
%endmacro

; OUTB/OUTW/OUTD port, value : one write of that width.
%macro OUTB 2
        mov dx, %1
        mov al, %2
        out dx, al
%endmacro
%macro OUTW 2
        mov dx, %1
        mov ax, %2
        out dx, ax
%endmacro
%macro OUTD 2
        mov dx, %1
        mov eax, %2
        out dx, eax
%endmacro

main:
        mov al, BOOTED
        out 0x70, al
        in al, 0x71
        cmp al, 0x5a
        je after_reset
        mov al, BOOTED
        out 0x70, al
        mov al, 0x5a
        out 0x71, al
        PRINT "pcihp"
        SCAN PCIHP, 0x20
        PRINT "cpuhp legacy"
        SCAN CPUHP, 0x24
        PRINT "gpe0"
        SCAN GPE0, 8

        PRINT "gpe0 writes"
        OUTB GPE0 + 2, 0xa5
        READS GPE0, 4, 1
        OUTW GPE0 + 2, 0x1234
        READS GPE0, 1, 4
        OUTD GPE0, 0xffffffff
        READS GPE0, 1, 4
        OUTB GPE0 + 3, 0x0f
        OUTB GPE0 + 1, 0xff
        READS GPE0, 2, 2
        OUTW GPE0 + 1, 0x5555                   ; unaligned: ignored
        READS GPE0, 4, 1

        PRINT "pcihp writes"
        OUTD PCIHP + 0x10, 1                    ; BNUM: a bus that does not exist
        READS PCIHP, 6, 4
        OUTD PCIHP + 0x10, 0x100                ; past the buses QEMU tracks
        READS PCIHP, 6, 4
        OUTD PCIHP + 0x10, 0xffffffff
        READS PCIHP, 6, 4
        OUTB PCIHP + 0x10, 0                    ; not a dword: ignored
        OUTW PCIHP + 0x10, 0
        READS PCIHP + 0x10, 1, 4
        OUTD PCIHP + 0x10, 0
        READS PCIHP, 6, 4
        OUTD PCIHP + 0x14, 1 << 1               ; PIDX of slot 1 (the PIIX3), as AIDX does
        READS PCIHP + 0x14, 2, 4
        OUTD PCIHP + 0x14, 1 << 9               ; an empty slot
        READS PCIHP + 0x14, 1, 4
        OUTD PCIHP + 0x08, 1 << 1               ; B0EJ of a chipset slot, and of an empty one
        OUTD PCIHP + 0x08, 1 << 7
        OUTD PCIHP + 0x00, 0xffffffff           ; PCIU, PCID, PCRM are read-only
        OUTD PCIHP + 0x04, 0xffffffff
        OUTD PCIHP + 0x0c, 0
        SCAN PCIHP, 0x18

        PRINT "legacy unaligned"
        READS CPUHP + 1, 1, 2
        READS CPUHP + 3, 1, 4
        PRINT "cpuhp legacy writes"
        OUTB CPUHP, 1                           ; only a 0 in the first byte switches
        OUTB CPUHP + 1, 0
        OUTW CPUHP + 2, 0
        OUTD CPUHP + 4, 0
        READS CPUHP, 8, 1
        OUTD CPUHP, 0                           ; \_SB.PCI0.PRES._INI: Store(Zero, CSEL)
        PRINT "cpuhp modern"
        SCAN CPUHP, 0x24
        PRINT "unaligned"                       ; QEMU refuses them: reads give 0, writes nothing
        READS CPUHP + 3, 1, 2
        READS CPUHP + 1, 1, 4
        READS CPUHP + 2, 1, 4
        READS CPUHP + 6, 1, 4
        READS CPUHP + 7, 1, 2
        READS PCIHP + 0x0e, 1, 4
        READS PCIHP + 0x0a, 1, 4
        READS GPE0 + 1, 1, 2
        OUTD CPUHP, 1
        OUTB CPUHP + 5, 0
        OUTW CPUHP + 5, 0x0001                  ; split, its first byte would be CCMD 1 (CDAT 0)
        READS CPUHP + 8, 1, 4
        OUTD CPUHP, 0

        xor bx, bx                              ; every selector up to two past 8 CPUs
.sel:   movzx eax, bx
        mov dx, CPUHP
        out dx, eax
        READS CPUHP + 4, 1, 1                   ; flags: enabled, inserting, removing, fw-remove
        OUTB CPUHP + 5, 3                       ; CCMD: get the CPU (APIC) ID
        READS CPUHP + 8, 1, 4
        READS CPUHP, 1, 4                       ; command data 2: its high half
        OUTB CPUHP + 5, 1                       ; _OST event: CDAT reads 0
        READS CPUHP + 8, 1, 4
        OUTB CPUHP + 5, 7                       ; no such command: the last stays
        READS CPUHP + 8, 1, 4
        OUTB CPUHP + 5, 0                       ; next CPU with an event: none, CDAT = CSEL
        READS CPUHP + 8, 1, 4
        READS CPUHP + 4, 2, 2
        READS CPUHP + 4, 2, 4
        inc bx
        cmp bx, 10
        jb .sel

        PRINT "cpuhp events"
        OUTD CPUHP, 2                           ; firmware-remove CPU 2 (where it exists)
        OUTB CPUHP + 4, 0x10
        READS CPUHP + 4, 1, 1
        OUTD CPUHP, 0
        OUTB CPUHP + 4, 0x10                    ; not the BSP
        READS CPUHP + 4, 1, 1
        OUTW CPUHP + 4, 0x0306                  ; clear-event bits; a word at 4 writes no command
        OUTB CPUHP + 5, 0                       ; from CPU 0: the next CPU with an event
        READS CPUHP + 8, 1, 4
        READS CPUHP + 4, 1, 1
        OUTD CPUHP + 8, 0x55                    ; _OST data
        OUTD CPUHP, 0xff                        ; out of range: everything reads 0, writes ignored
        READS CPUHP, 3, 4
        OUTB CPUHP + 5, 3
        OUTD CPUHP, 1
        READS CPUHP + 8, 1, 4
        READS CPUHP + 4, 1, 1
        OUTD PCIHP + 0x10, 1                    ; BNUM 1 across the reset
        OUTB GPE0 + 2, 0x81
        PRINT "reset"
        mov dx, RESETCTL
        mov al, 6
        out dx, al
        jmp $

after_reset:
        PRINT "after reset"
        SCAN CPUHP, 0x10
        SCAN GPE0, 4
        READS PCIHP, 6, 4
        EXIT

ROM_END
