; ide-guest: a boot sector that drives the primary IDE disk directly, as a guest driver would
; (ATA/ATAPI-7; PIIX3 bus-master IDE, Intel 82371SB datasheet). SeaBIOS loads it at 0000:7c00.
;   1. IDENTIFY DEVICE (0xec) by PIO, prints the model string
;   2. WRITE SECTORS (0x30): LBA 100, one sector of 0xa5
;   3. WRITE DMA (0xca) through the bus master: LBA 200, 8 sectors of 0x5a from 0x10000,
;      one PRD entry with the end-of-table bit
;   4. FLUSH CACHE (0xe7)
; Progress goes to the debug console (0x402); the end writes 0 to isa-debug-exit (0xf4), so the
; emulator exits with status 1 on success, 3 ((1<<1)|1) if a step failed.
; Build: nasm -f bin ide-guest.asm -o ide-guest.bin
bits 16
org 0x7c00

DEBUGCON  equ 0x402
DEBUGEXIT equ 0xf4
ATA_DATA  equ 0x1f0
ATA_COUNT equ 0x1f2
ATA_LBA0  equ 0x1f3
ATA_LBA1  equ 0x1f4
ATA_LBA2  equ 0x1f5
ATA_DEV   equ 0x1f6
ATA_CMD   equ 0x1f7
ATA_CTL   equ 0x3f6
ST_BSY    equ 0x80
ST_DRQ    equ 0x08
ST_ERR    equ 0x01
BM_CMD    equ 0
BM_STATUS equ 2
BM_PRD    equ 4
PRD_TABLE equ 0x9000
DMA_BUF   equ 0x10000
IDE_BDF   equ 0x80000900         ; bus 0, device 1, function 1

start:
        cli
        xor ax, ax
        mov ds, ax
        mov es, ax
        mov ss, ax
        mov sp, 0x7c00
        mov si, msg_start
        call puts
        mov dx, ATA_CTL
        xor al, al               ; interrupts on (nIEN clear): BMDMA's INTR bit follows INTRQ
        out dx, al

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
        mov dword [PRD_TABLE + 4], 0x80000000 | 4096
        ; BAR4 of 00:01.1 (programmed by the firmware), and bus mastering on
        mov eax, IDE_BDF | 0x20
        mov dx, 0xcf8
        out dx, eax
        mov dx, 0xcfc
        in eax, dx
        and ax, 0xfffc
        mov [bm_base], ax
        mov eax, IDE_BDF | 0x04
        mov dx, 0xcf8
        out dx, eax
        mov dx, 0xcfc
        in ax, dx
        or ax, 0x0005            ; I/O space, bus master
        out dx, ax
        mov dx, [bm_base]
        add dx, BM_CMD
        xor al, al               ; stop, direction memory -> device
        out dx, al
        mov dx, [bm_base]
        add dx, BM_PRD
        mov eax, PRD_TABLE
        out dx, eax
        mov dx, [bm_base]
        add dx, BM_STATUS
        mov al, 0x06             ; clear interrupt and error
        out dx, al
        mov bl, 200
        mov al, 8
        call set_lba
        mov dx, ATA_CMD
        mov al, 0xca
        out dx, al
        mov dx, [bm_base]
        add dx, BM_CMD
        mov al, 0x01             ; start
        out dx, al
        mov dx, [bm_base]
        add dx, BM_STATUS
.dma:   in al, dx
        test al, 0x04            ; interrupt: the drive finished
        jz .dma
        test al, 0x02
        jnz fail
        mov dx, [bm_base]
        add dx, BM_CMD
        xor al, al
        out dx, al
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
        mov si, msg_done
        call puts
        mov dx, DEBUGEXIT
        xor al, al
        out dx, al
        hlt

fail:   mov si, msg_fail
        call puts
        mov dx, DEBUGEXIT
        mov al, 1
        out dx, al
        hlt

; set_lba: LBA (bl, < 256) and sector count (al) on the primary master, LBA mode
set_lba:
        mov dx, ATA_COUNT
        out dx, al
        mov dx, ATA_LBA0
        mov al, bl
        out dx, al
        xor al, al
        mov dx, ATA_LBA1
        out dx, al
        mov dx, ATA_LBA2
        out dx, al
        mov dx, ATA_DEV
        mov al, 0xe0
        out dx, al
        ret

; wait_drq: BSY clear and DRQ set, or fail on ERR
wait_drq:
        mov dx, ATA_CMD
.w:     in al, dx
        test al, ST_BSY
        jnz .w
        test al, ST_ERR
        jnz fail
        test al, ST_DRQ
        jz .w
        ret

; wait_ready: BSY and DRQ clear, or fail on ERR
wait_ready:
        mov dx, ATA_CMD
.w:     in al, dx
        test al, ST_BSY
        jnz .w
        test al, ST_ERR
        jnz fail
        test al, ST_DRQ
        jnz .w
        ret

puts:   lodsb
        test al, al
        jz .e
        call putc
        jmp puts
.e:     ret

putc:   push dx
        mov dx, DEBUGCON
        out dx, al
        pop dx
        ret

bm_base:      dw 0
msg_start:    db "ide-guest", 10, 0
msg_identify: db "IDENTIFY: ", 0
msg_pio:      db "PIO ok", 10, 0
msg_dma:      db "DMA ok", 10, 0
msg_flush:    db "FLUSH ok", 10, 0
msg_done:     db "done", 10, 0
msg_fail:     db "FAILED", 10, 0

times 510-($-$$) db 0
dw 0xaa55
