; Port accesses of every width at every offset of side-effect-free registers, unaligned accesses and
; accesses running past the end of a device's ports into a hole or the next device, as QEMU 7.2's
; memory API does them (the whole access goes to the region holding its first byte; an unaligned
; access a region does not accept reads 0 and writes nothing; a region's implemented sizes split or
; widen it). Reads print `inW PORT eax=...` (EAX preloaded with 0x5a5a5a5a so the bytes an IN keeps
; show); writes are read back. test/emu/io/port-widths.test.ts runs it under QEMU 7.2 and pcscope
; (-M pc, -m 32) and requires identical logs. Assembled by the test (not committed).
%include "lib.inc"
%include "ports.inc"

PM_DEV  equ 0x80000000 | (1 << 11) | (3 << 8)   ; PIIX4 PM, bus 0 device 1 function 3
ISA_DEV equ 0x80000000 | (1 << 11)              ; PIIX3 ISA bridge, function 0
PMBASE  equ 0x600

main:
        PRINT "pic"
        WR b, 0x21, 0xb8                        ; OCW1: master IMR
        WR b, 0xa1, 0x5c                        ; slave IMR
        WR b, 0x20, 0x0b                        ; OCW3: reads give the ISR (0: nothing in service)
        WR b, 0xa0, 0x0b
        RD_ALL 0x20
        RD_ALL 0x21
        RD_ALL 0xa0
        RD_ALL 0xa1
        RD d, 0x22
        RD w, 0x1f
        RD d, 0x1e
        RD d, 0x1c
        WR w, 0x20, 0x9a0b                      ; OCW3 then IMR
        RD b, 0x21
        WR w, 0x21, 0x1234                      ; unaligned word
        RD b, 0x21
        WR d, 0x20, 0x4433220b                  ; bytes 1..3 all reach the IMR
        RD b, 0x21
        WR d, 0x1e, 0x11111111
        RD b, 0x21
        WR w, 0xa0, 0x770b
        RD b, 0xa1

        PRINT "holes"
        RD_ALL 0x24
        RD_ALL 0x25
        RD_ALL 0x26
        RD_ALL 0x27
        RD_ALL 0xfffc
        RD_ALL 0xfffd
        RD_ALL 0xfffe
        RD_ALL 0xffff

        PRINT "debugcon"
        RD_ALL 0xe8
        RD_ALL 0xe9
        RD_ALL 0xea
        RD w, 0xe7
        WR w, 0xe9, 0x4241                      ; one byte printed
        WR d, 0xe9, 0x45444443
        WR w, 0xe8, 0x4746                      ; a hole's word: nothing
        WR d, 0xe8, 0x4b4a4948
        WR w, 0xe7, 0x4d4c
        WR b, 0xe9, 10

        PRINT "port92"
        RD_ALL 0x90
        RD_ALL 0x91
        RD_ALL 0x92
        RD_ALL 0x93
        WR w, 0x92, 0x0202                      ; A20 stays on, no reset
        RD_ALL 0x92
        WR w, 0x91, 0x0000                      ; unaligned in a hole: A20 stays on
        RD b, 0x92

        PRINT "cmos"
        WR b, 0x70, 0x15                        ; base memory, low byte
        RD_ALL 0x70
        RD_ALL 0x71
        RD b, 0x72
        WR w, 0x70, 0xa550                      ; index 0x50 then its data
        WR b, 0x70, 0x50
        RD b, 0x71
        WR w, 0x71, 0x3c51                      ; unaligned: nothing written
        WR b, 0x70, 0x50
        RD b, 0x71
        WR d, 0x70, 0x77515e50                  ; index 0x50, data 0x5e, index 0x51, data 0x77
        WR b, 0x70, 0x50
        RD b, 0x71
        WR b, 0x70, 0x51
        RD b, 0x71

        PRINT "elcr"
        RD_ALL 0x4d0
        RD_ALL 0x4d1
        RD w, 0x4cf
        WR w, 0x4d0, 0x2060                     ; the master's ELCR twice
        RD b, 0x4d0
        RD b, 0x4d1
        WR w, 0x4d1, 0x0a02                     ; the slave's twice
        RD_ALL 0x4d0
        RD_ALL 0x4d1
        WR b, 0x4d0, 0
        WR b, 0x4d1, 0

        PRINT "pci"
        WR d, 0xcf8, 0x80000000
        RD_ALL 0xcf8
        RD_ALL 0xcf9
        RD_ALL 0xcfa
        RD_ALL 0xcfb
        RD_ALL 0xcfc
        RD_ALL 0xcfd
        RD_ALL 0xcfe
        RD_ALL 0xcff
        RD_ALL 0xcf6
        RD_ALL 0xcf7
        WR d, 0xcf8, 0x80000002                 ; a register number not dword aligned
        RD_ALL 0xcfc
        RD_ALL 0xcfd
        RD_ALL 0xcfe
        WR d, 0xcf8, 0x0000000c                 ; configuration cycles disabled
        RD_ALL 0xcfc
        RD w, 0xcfe
        WR d, 0xcf8, 0x8000f800                 ; no device 31
        RD_ALL 0xcfc
        WR d, 0xcf8, 0x8000f8fe                 ; CONFADD reads back whole whatever the width
        RD_ALL 0xcf8
        RD_ALL 0xcfa
        RD b, 0xcfb
        WR d, 0xcf8, 0x8000f800
        WR w, 0xcf8, 0x1234                     ; CONFADD takes only dwords
        WR b, 0xcf8, 0x56
        WR w, 0xcfa, 0x789a
        RD d, 0xcf8
        WR b, 0xcf9, 0x02                       ; reset control: SRST kept, no reset
        RD_ALL 0xcf9
        RD d, 0xcf8
        WR b, 0xcf9, 0x00
        WR d, 0xcf8, ISA_DEV | 0x60             ; PIRQ route registers
        RD d, 0xcfc
        WR w, 0xcfe, 0x0b0a
        WR b, 0xcfd, 0x09
        WR w, 0xcfd, 0x0505                     ; unaligned: nothing
        WR d, 0xcfd, 0x06060606                 ; unaligned: nothing
        RD d, 0xcfc
        WR d, 0xcfc, 0x80808080
        RD d, 0xcfc
        WR d, 0xcf8, 0x80000002                 ; a write through an unaligned CONFADD
        RD d, 0xcfc

        PRINT "fw_cfg"
        WR w, 0x510, 0                          ; the signature
        RD b, 0x511
        RD b, 0x510
        RD w, 0x510
        RD w, 0x511
        RD d, 0x510
        RD b, 0x511
        WR w, 0x511, 1                          ; not a select
        WR d, 0x510, 1                          ; not a select
        WR b, 0x510, 1                          ; a data write (ignored)
        RD b, 0x511
        WR w, 0x510, 1                          ; the ID
        RD b, 0x511
        RD b, 0x511
        RD_ALL 0x512
        RD_ALL 0x513
        RD_ALL 0x514
        RD_ALL 0x515
        RD_ALL 0x516
        RD_ALL 0x517
        RD_ALL 0x518
        RD_ALL 0x519
        RD_ALL 0x51a
        RD_ALL 0x51b
        RD_ALL 0x51c

        PRINT "pm"
        mov eax, PM_DEV | 0x40
        mov dx, 0xcf8
        out dx, eax
        mov eax, PMBASE | 1
        mov dx, 0xcfc
        out dx, eax
        mov eax, PM_DEV | 0x80
        mov dx, 0xcf8
        out dx, eax
        mov eax, 1
        mov dx, 0xcfc
        out dx, eax
        RD_ALL PMBASE
        RD_ALL PMBASE + 1
        RD_ALL PMBASE + 2
        RD_ALL PMBASE + 3
        RD_ALL PMBASE + 4
        RD_ALL PMBASE + 5
        RD_ALL PMBASE + 6
        RD_ALL PMBASE + 7
        RD d, PMBASE + 10                       ; unaligned in the timer
        RD w, PMBASE + 9
        RD_ALL PMBASE + 12
        RD_ALL PMBASE + 0x3f
        WR w, PMBASE + 2, 0x0120
        RD w, PMBASE + 2
        WR b, PMBASE + 2, 0x21
        RD w, PMBASE + 2
        WR b, PMBASE + 3, 0x01
        RD w, PMBASE + 2
        WR d, PMBASE, 0x01000000
        RD w, PMBASE + 2
        WR w, PMBASE + 2, 0
        WR b, PMBASE + 5, 0x00
        RD w, PMBASE + 4
        WR w, PMBASE + 4, 0x0001
        RD w, PMBASE + 4
        WR w, PMBASE + 4, 0x0000

        PRINT "apm"
        WR w, 0xb2, 0x3344
        RD_ALL 0xb2
        RD_ALL 0xb3
        RD w, 0xb1
        RD d, 0xb0

        PRINT "acpi hotplug"
        RD_ALL 0xafe0
        RD_ALL 0xafe1
        RD_ALL 0xafe2
        RD_ALL 0xafe3
        RD_ALL 0xafe4
        RD_ALL 0xae00
        RD_ALL 0xae0c
        RD_ALL 0xae0e
        RD_ALL 0xae10
        RD_ALL 0xae14
        RD_ALL 0xae16
        RD_ALL 0xae18
        RD_ALL 0xaf00
        RD_ALL 0xaf01
        RD_ALL 0xaf1f
        RD_ALL 0xaf20

        PRINT "misc"
        RD_ALL 0x80

        RD_ALL 0xf0
        RD w, 0x43
        RD d, 0x43
        RD w, 0x1f7                             ; IDE status and a hole: a portio word of bytes
        RD d, 0x1f1
        RD w, 0x1f1
        RD w, 0x3f6
        RD d, 0x3f6
        EXIT

ROM_END
