; ide-guest: a boot sector that drives the primary IDE disk directly, as a guest driver would
; (ATA/ATAPI-7; PIIX3 bus-master IDE, Intel 82371SB datasheet). SeaBIOS loads it at 0000:7c00.
;   1. IDENTIFY DEVICE (0xec) by PIO, prints the model string
;   2. WRITE SECTORS (0x30): LBA 100, one sector of 0xa5
;   3. WRITE DMA (0xca) through the bus master: LBA 200, 8 sectors of 0x5a from 0x10000,
;      one PRD entry with the end-of-table bit
;   4. FLUSH CACHE (0xe7)
; Progress goes to the debug console (0x402); the end writes 0 to isa-debug-exit (0xf4), so the
; emulator exits with status 1 on success, 3 ((1<<1)|1) if a step failed.
; Build: nasm -f bin -I firmware/tests/ ide-guest.asm -o ide-guest.bin (ata.inc: the ports and routines)
bits 16
org 0x7c00

DMA_BUF   equ 0x10000

start:
        cli
        xor ax, ax
        mov ds, ax
        mov es, ax
        mov ss, ax
        mov sp, 0x7c00
        call ata_init

; --- 1. IDENTIFY DEVICE ---
        mov dx, ATA_DEV
        mov al, 0xa0
        out dx, al
        mov dx, ATA_CMD
        mov al, 0xec
        out dx, al
        call wait_drq
        mov di, 0x8000
        mov cx, 256
        mov dx, ATA_DATA
        rep insw
        mov si, msg_identify
        call puts
        mov si, 0x8000 + 54      ; words 27-46: model, byte-swapped pairs
        mov cx, 20
.model: lodsw
        xchg al, ah
        call putc
        mov al, ah
        call putc
        loop .model
        mov al, 10
        call putc

; --- 2. WRITE SECTORS: LBA 100 <- 0xa5 ---
        mov di, 0x8000
        mov cx, 512
        mov al, 0xa5
        rep stosb
        mov bl, 100
        mov al, 1
        call set_lba
        mov dx, ATA_CMD
        mov al, 0x30
        out dx, al
        call wait_drq
        mov si, 0x8000
        mov cx, 256
        mov dx, ATA_DATA
        rep outsw
        call wait_ready
        mov si, msg_pio
        call puts

; --- 3. WRITE DMA: LBA 200, 8 sectors <- 0x5a at 0x10000 ---
        push es
        mov ax, DMA_BUF >> 4
        mov es, ax
        xor di, di
        mov cx, 4096
        mov al, 0x5a
        rep stosb
        pop es
        mov dword [PRD_TABLE], DMA_BUF
        mov dword [PRD_TABLE + 4], PRD_EOT | 4096
        call bm_setup
        mov bl, 200
        mov al, 8
        mov cl, 0xca
        xor ch, ch               ; memory -> device
        call dma_cmd
        call wait_ready
        mov si, msg_dma
        call puts

; --- 4. FLUSH CACHE ---
        mov dx, ATA_CMD
        mov al, 0xe7
        out dx, al
        call wait_ready
        mov si, msg_flush
        call puts
        jmp finish

%include "ata.inc"

msg_start:    db "ide-guest", 10, 0
msg_identify: db "IDENTIFY: ", 0
msg_pio:      db "PIO ok", 10, 0
msg_dma:      db "DMA ok", 10, 0
msg_flush:    db "FLUSH ok", 10, 0
msg_done:     db "done", 10, 0
msg_fail:     db "FAILED", 10, 0

times 510-($-$$) db 0
dw 0xaa55
