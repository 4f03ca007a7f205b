; ide-code: code brought in by IDE DMA and jumped to (issue #13's self-modifying-code cases). A boot
; sector (SeaBIOS loads it at 0000:7c00) whose next two sectors hold two versions of a routine for
; 2000:0000 (`mov al, 'A'; retf` and `mov al, 'B'; retf`): READ DMA (0xc8) brings the first in, a
; loop far-calls it 2000 times (hot: translated) and prints AL; READ DMA brings the second over it,
; and the same loop must print 'B'. Output on the debug console (0x402): "ide-code", "AB", "done";
; then isa-debug-exit (0xf4). Compared with QEMU TCG and with pcscope's interpreter
; (test/emu/cpu/jit/ide-dma-code.test.ts). Assembled by the test: nasm -f bin -I firmware/tests/.
bits 16
org 0x7c00

CODE_SEG  equ 0x2000             ; the routine runs at 2000:0000 (linear 0x20000)
HOT_CALLS equ 2000
READ_DMA  equ 0xc8

start:
        cli
        xor ax, ax
        mov ds, ax
        mov es, ax
        mov ss, ax
        mov sp, 0x7c00
        call ata_init
        call bm_setup
        mov dword [PRD_TABLE], CODE_SEG << 4
        mov dword [PRD_TABLE + 4], PRD_EOT | 512
        mov bl, 1                ; 'A'
        call load_and_run
        mov bl, 2                ; 'B', over it
        call load_and_run
        jmp finish

; load_and_run: READ DMA of LBA BL to CODE_SEG:0, then HOT_CALLS far calls of it; prints AL
load_and_run:
        mov al, 1
        mov cl, READ_DMA
        mov ch, BM_TO_MEMORY
        call dma_cmd
        call wait_ready
        mov cx, HOT_CALLS
.call:  call CODE_SEG:0
        loop .call
        call putc
        ret

%include "ata.inc"

msg_start:    db "ide-code", 10, 0
msg_done:     db 10, "done", 10, 0
msg_fail:     db "FAILED", 10, 0

times 510-($-$$) db 0
dw 0xaa55

; LBA 1 and LBA 2: the two versions of the routine
        mov al, 'A'
        retf
times 1024-($-$$) db 0
        mov al, 'B'
        retf
times 1536-($-$$) db 0
