; The 16550 UART at 0x3f8 (-serial null) read with every width at every offset where QEMU 7.2
; answers: its serial_io_ops accept unaligned accesses, done a byte at a time (QEMU aborts on a
; byte past the eighth port, so no access here runs past 0x3ff). The reset values of MCR (OUT2 set),
; LSR and MSR show too. test/emu/io/port-widths.test.ts runs it under QEMU 7.2 and pcscope with one
; serial port each and requires identical logs. Assembled by the test (not committed).
%include "lib.inc"
%include "ports.inc"

main:
        WR b, 0x3f9, 0x05                       ; IER
        WR b, 0x3ff, 0x77                       ; scratch
        RD_ALL 0x3f9
        RD_ALL 0x3fa
        RD b, 0x3fb
        RD w, 0x3fb
        RD_ALL 0x3fc
        RD w, 0x3fd
        RD w, 0x3fe
        RD b, 0x3ff
        WR w, 0x3fe, 0x3300                     ; MSR (read-only) and the scratch register
        RD b, 0x3ff
        WR d, 0x3fb, 0x11000003                 ; LCR 8N1, MCR 0, LSR, MSR
        RD b, 0x3fb
        RD b, 0x3fc
        RD b, 0x3ff
        EXIT

ROM_END
