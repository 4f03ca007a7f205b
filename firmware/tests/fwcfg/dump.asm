; Dumps what the machine's fw_cfg device (QEMU docs/specs/fw_cfg.rst, I/O ports 0x510/0x511) offers
; the firmware, on the debug console, for test/helpers/fw-cfg.ts to parse and compare between
; QEMU 7.2 and pcscope. Real mode, port I/O only (no DMA). Output lines:
;   legacy KKKK LLLLLLLL      a legacy item (key, length read), then its bytes in hex lines
;   files NNNNNNNN            the file directory's entry count (key 0x19)
;   file KKKK SSSSSSSS NAME   one directory entry: select key, size, name
;   data KKKK SSSSSSSS        a file's contents follow in hex lines (all files, directory order)
;   done
; Hex lines hold up to 32 bytes (64 lowercase digits). Legacy items have no length of their own:
; the fixed ones use the length QEMU gives them, FW_CFG_NUMA and FW_CFG_E820_TABLE are sized from
; their leading counts. Assembled by the test (not committed).
%include "lib.inc"

FW_CFG_SEL      equ 0x510
FW_CFG_DATA     equ 0x511
FW_CFG_MAX_CPUS equ 0x0f
FW_CFG_NUMA     equ 0x0d
FW_CFG_E820     equ 0x8003
FW_CFG_FILE_DIR equ 0x19
DIR_SEG         equ 0x2000      ; the directory is copied to 0x20000 (64-byte entries)
DIR_MAX         equ 1023        ; entries that fit in the 64 KiB segment
LEN_NUMA        equ 0xffff      ; pseudo lengths in legacy_table
LEN_E820        equ 0xfffe

; PRINT_KEY "text", key16, len32 : prints `text KKKK LLLLLLLL` and a newline. Keeps registers.
%macro PRINT_KEY 3
        pushad
        push %3
        push %2
        call puts_inline
        db %1, 0
        pop ax
        call phex16
        mov al, ' '
        out DBG_PORT, al
        pop eax
        call phex32_16
        call newline
        popad
%endmacro

main:
        mov si, legacy_table
.legacy:
        mov bx, [cs:si]                 ; key
        mov cx, [cs:si+2]               ; length
        add si, 4
        cmp bx, 0xffff
        je .dir
        call legacy_length
        mov ax, bx
        call select
        PRINT_KEY "legacy ", bx, ecx
        call hexdump
        jmp .legacy

.dir:   mov ax, FW_CFG_FILE_DIR
        call select
        call read_be32
        mov ebp, eax                    ; entry count
        call puts_inline
        db "files ", 0
        call phex32_16
        call newline
        cmp ebp, DIR_MAX
        jbe .copy
        mov ebp, DIR_MAX
.copy:  ; copy the entries to DIR_SEG:0 and list them
        push es
        mov ax, DIR_SEG
        mov es, ax
        xor di, di
        mov cx, bp
        jcxz .copied
.entry: push cx
        mov cx, 64
.byte:  call read8
        stosb
        loop .byte
        pop cx
        sub di, 64
        call print_entry_hdr            ; "file KKKK SSSSSSSS "
        lea bx, [di+8]
.name:  mov al, [es:bx]
        test al, al
        jz .named
        out DBG_PORT, al
        inc bx
        jmp .name
.named: call newline
        add di, 64
        loop .entry
.copied:
        ; dump every file's contents
        xor di, di
        mov cx, bp
        jcxz .end
.file:  push cx
        call print_data_hdr             ; "data KKKK SSSSSSSS", selects the file, ECX = size
        call hexdump
        pop cx
        add di, 64
        loop .file
.end:   pop es
        EXIT

; legacy_length: BX = key, CX = length from legacy_table; returns ECX = the bytes to dump (the
; NUMA and E820 sizes computed from the items' leading counts). Keeps other registers.
legacy_length:
        push eax
        push edx
        movzx ecx, cx
        cmp cx, LEN_NUMA
        jne .e820
        ; 8 (node count) + 8 per possible CPU + 8 per node
        mov ax, FW_CFG_MAX_CPUS
        call select
        call read8
        movzx ecx, al
        call read8
        mov ch, al
        mov ax, FW_CFG_NUMA
        call select
        call read_le32
        add ecx, eax
        shl ecx, 3
        add ecx, 8
        jmp .done
.e820:  cmp cx, LEN_E820
        jne .done
        ; 4 (entry count) + 20 per entry
        mov ax, FW_CFG_E820
        call select
        call read_le32
        imul ecx, eax, 20
        add ecx, 4
.done:  pop edx
        pop eax
        ret

; print_entry_hdr: ES:DI = a directory entry (BE size, BE select, reserved, name); prints
; `file KKKK SSSSSSSS `. Keeps registers.
print_entry_hdr:
        pushad
        call puts_inline
        db "file ", 0
        call entry_fields
        mov al, ' '
        out DBG_PORT, al
        popad
        ret

; print_data_hdr: ES:DI = a directory entry; prints `data KKKK SSSSSSSS`, selects the file and
; returns ECX = its size. Keeps other registers.
print_data_hdr:
        push eax
        call puts_inline
        db "data ", 0
        call entry_fields
        call newline
        mov ax, [es:di+4]
        xchg al, ah
        call select
        mov ecx, [es:di]
        bswap ecx
        pop eax
        ret

; entry_fields: ES:DI = a directory entry; prints `KKKK SSSSSSSS`. Keeps registers.
entry_fields:
        pushad
        mov ax, [es:di+4]
        xchg al, ah
        call phex16
        mov al, ' '
        out DBG_PORT, al
        mov eax, [es:di]
        bswap eax
        call phex32_16
        popad
        ret

; hexdump: prints ECX bytes of the selected item as hex lines of up to 32 bytes. Keeps registers.
hexdump:
        pushad
        xor edx, edx                    ; bytes on the current line
.l:     jecxz .e
        call read8
        call phex8
        inc edx
        dec ecx
        cmp edx, 32
        jne .l
        call newline
        xor edx, edx
        jmp .l
.e:     test edx, edx
        jz .r
        call newline
.r:     popad
        ret

; select: AX = key; selects it. Keeps registers.
select:
        push dx
        mov dx, FW_CFG_SEL
        out dx, ax
        pop dx
        ret

; read8: returns AL = the next data byte of the selected item. Keeps other registers.
read8:
        push dx
        mov dx, FW_CFG_DATA
        in al, dx
        pop dx
        ret

; read_be32 / read_le32: return EAX = the next four data bytes, big- or little-endian.
read_be32:
        call read_le32
        bswap eax
        ret
read_le32:
        call read8
        ror eax, 8
        call read8
        ror eax, 8
        call read8
        ror eax, 8
        call read8
        ror eax, 8
        ret

; phex8 / phex16: print AL / AX as 2 / 4 lowercase hex digits. Keep registers.
phex16:
        xchg al, ah
        call phex8
        xchg al, ah
phex8:
        push ax
        shr al, 4
        call .digit
        pop ax
        push ax
        and al, 0x0f
        call .digit
        pop ax
        ret
.digit: add al, '0'
        cmp al, '9'
        jbe .o
        add al, 'a' - '0' - 10
.o:     out DBG_PORT, al
        ret

; newline: prints a line feed. Keeps registers.
newline:
        push ax
        mov al, 10
        out DBG_PORT, al
        pop ax
        ret

; puts_inline: prints the NUL-terminated string after the call and returns past it. Keeps registers.
puts_inline:
        push bp
        push si
        mov bp, sp
        mov si, [bp+4]
        call puts16
        mov [bp+4], si
        pop si
        pop bp
        ret

; The legacy items (key, length), as QEMU 7.2's pc machine sets them (hw/nvram/fw_cfg.c,
; hw/i386/fw_cfg.c, hw/i386/x86.c); a key it leaves unset reads as zeros on both sides.
legacy_table:
        dw 0x0000, 4                    ; SIGNATURE
        dw 0x0001, 4                    ; ID
        dw 0x0002, 16                   ; UUID
        dw 0x0003, 8                    ; RAM_SIZE
        dw 0x0004, 2                    ; NOGRAPHIC
        dw 0x0005, 2                    ; NB_CPUS
        dw 0x0006, 4                    ; MACHINE_ID
        dw 0x0007, 4                    ; KERNEL_ADDR
        dw 0x0008, 4                    ; KERNEL_SIZE
        dw 0x0009, 4                    ; KERNEL_CMDLINE
        dw 0x000a, 4                    ; INITRD_ADDR
        dw 0x000b, 4                    ; INITRD_SIZE
        dw 0x000c, 2                    ; BOOT_DEVICE
        dw 0x000d, LEN_NUMA             ; NUMA
        dw 0x000e, 2                    ; BOOT_MENU
        dw 0x000f, 2                    ; MAX_CPUS
        dw 0x0010, 4                    ; KERNEL_ENTRY
        dw 0x0013, 4                    ; CMDLINE_ADDR
        dw 0x0014, 4                    ; CMDLINE_SIZE
        dw 0x0016, 4                    ; SETUP_ADDR
        dw 0x0017, 4                    ; SETUP_SIZE
        dw 0x8000, 2                    ; ACPI_TABLES (count of -acpitable blobs)
        dw 0x8001, 2                    ; SMBIOS_ENTRIES (legacy SMBIOS only)
        dw 0x8002, 4                    ; IRQ0_OVERRIDE
        dw 0x8003, LEN_E820             ; E820_TABLE
        dw 0x8004, 121                  ; HPET (count + 8 packed 15-byte blocks)
        dw 0xffff, 0

        ROM_END
