; A boot sector that prints the ACPI tables the firmware installed, as they are in guest memory, on
; the debug console (port 0x402), then exits through isa-debug-exit (0xf4). It switches to 32-bit
; protected mode with flat segments, finds the RSDP on a 16-byte boundary in 0xE0000-0xFFFFF and
; prints the RSDP, the RSDT, every table the RSDT lists and, from the FADT, the FACS and the DSDT;
; then the SMBIOS entry point ("_SM_" on a 16-byte boundary in 0xF0000-0xFFFFF) and its structure
; table. Each as `table ADDRESS LENGTH` (8 hex digits each) and hex lines of up to 32 bytes;
; `done` at the end. test/emu/acpi/acpi-memory.test.ts boots it under SeaBIOS in QEMU and pcscope.
        bits 16
        org 0x7c00

DBG_PORT  equ 0x402
EXIT_PORT equ 0xf4
FADT_FACS equ 36
FADT_DSDT equ 40
HEADER    equ 36
SM_EP_LEN equ 5                 ; the entry point's length byte
SM_TABLE_LEN equ 0x16           ; the structure table's length (word) and address (dword)
SM_TABLE  equ 0x18

start:
        cli
        xor ax, ax
        mov ds, ax
        lgdt [gdt_desc]
        mov eax, cr0
        or al, 1
        mov cr0, eax
        jmp 0x08:pm32

        bits 32
pm32:
        mov ax, 0x10
        mov ds, ax
        mov es, ax
        mov ss, ax
        mov esp, 0x7c00
        mov esi, 0xe0000
.find:  cmp dword [esi], 'RSD '
        jne .next
        cmp dword [esi+4], 'PTR '
        je .found
.next:  add esi, 16
        cmp esi, 0x100000
        jb .find
        jmp finish
.found: mov ecx, 20
        call dump
        mov ebx, [esi+16]               ; RSDT
        mov esi, ebx
        call dump_table
        mov ecx, [ebx+4]
        sub ecx, HEADER
        shr ecx, 2
        lea edi, [ebx+HEADER]
.entry: mov esi, [edi]
        call dump_table
        cmp dword [esi], 'FACP'
        jne .skip
        push esi
        mov esi, [esi+FADT_FACS]
        push ecx
        mov ecx, [esi+4]
        call dump
        pop ecx
        pop esi
        mov esi, [esi+FADT_DSDT]
        call dump_table
.skip:  add edi, 4
        loop .entry
finish: mov esi, 0xf0000
.sm:    cmp dword [esi], '_SM_'
        je .smok
        add esi, 16
        cmp esi, 0x100000
        jb .sm
        jmp .end
.smok:  movzx ecx, byte [esi+SM_EP_LEN]
        call dump
        movzx ecx, word [esi+SM_TABLE_LEN]
        mov esi, [esi+SM_TABLE]
        call dump
.end:   mov esi, done_msg
        call puts
        mov dx, EXIT_PORT
        xor al, al
        out dx, al
        hlt

; dump_table: ESI = a table; dumps its header's length of bytes. Keeps registers.
dump_table:
        push ecx
        mov ecx, [esi+4]
        call dump
        pop ecx
        ret

; dump: prints `table ESI ECX` then ECX bytes at ESI as hex lines of 32. Keeps registers.
dump:
        pushad
        push esi
        mov esi, table_msg
        call puts
        pop esi
        mov eax, esi
        call hex32
        mov al, ' '
        call putc
        mov eax, ecx
        call hex32
        mov al, 10
        call putc
        xor edx, edx
.byte:  jecxz .done
        lodsb
        call hex8
        dec ecx
        inc edx
        test dl, 31
        jnz .byte
        mov al, 10
        call putc
        jmp .byte
.done:  test dl, 31
        jz .r
        mov al, 10
        call putc
.r:     popad
        ret

; hex32: EAX as 8 hex digits; hex8: AL as 2. Keep other registers.
hex32:
        rol eax, 8
        call hex8
        rol eax, 8
        call hex8
        rol eax, 8
        call hex8
        rol eax, 8
hex8:
        push eax
        shr al, 4
        call .digit
        pop eax
        push eax
        and al, 15
        call .digit
        pop eax
        ret
.digit: add al, '0'
        cmp al, '9'
        jbe putc
        add al, 'a' - '0' - 10
putc:
        push edx
        mov dx, DBG_PORT
        out dx, al
        pop edx
        ret

; puts: prints the NUL-terminated string at ESI. Keeps registers.
puts:
        push esi
        push eax
.l:     lodsb
        test al, al
        jz .e
        call putc
        jmp .l
.e:     pop eax
        pop esi
        ret

table_msg: db "table ", 0
done_msg:  db "done", 10, 0

        align 8
gdt:    dq 0
        dq 0x00cf9a000000ffff           ; 0x08 code, flat, 32-bit
        dq 0x00cf92000000ffff           ; 0x10 data, flat
gdt_desc:
        dw gdt_desc - gdt - 1
        dd gdt

        times 510 - ($ - $$) db 0
        dw 0xaa55
