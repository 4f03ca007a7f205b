; A tiny Multiboot (0.6.96) kernel for pcscope's `--kernel` test. It prints what the boot loader
; handed over to the debug console (port 0x402), one "mb: NAME=VALUE" line per field, then exits
; through isa-debug-exit (port 0xf4, value 0 => exit status 1). Run the same ELF under QEMU's
; `-kernel` and under `pcscope run --kernel` and compare the lines.
; Build: firmware/tests/multiboot/build.sh (nasm -f elf32 + ld -m elf_i386, reproducible).

bits 32

DEBUGCON    equ 0x402
DEBUG_EXIT  equ 0xf4
MB_MAGIC    equ 0x1BADB002
MB_FLAGS    equ 0x00000003          ; bit 0: page-align modules, bit 1: want the memory map
EFLAGS_IF   equ 1 << 9
EFLAGS_VM   equ 1 << 17
CR0_PE      equ 1 << 0
CR0_PG      equ 1 << 31

section .multiboot
align 4
        dd MB_MAGIC
        dd MB_FLAGS
        dd -(MB_MAGIC + MB_FLAGS)

section .bss
align 16
stack:  resb 4096
stack_top:
saved_eax: resd 1
saved_ebx: resd 1

section .text
global _start
_start:
        mov [saved_eax], eax
        mov [saved_ebx], ebx
        ; Machine state the spec promises, captured before anything else changes it.
        pushfd
        pop edx
        and edx, EFLAGS_IF | EFLAGS_VM
        mov ecx, cr0
        and ecx, CR0_PE | CR0_PG
        mov esp, stack_top
        push ecx
        push edx

        mov esi, s_eax
        mov eax, [saved_eax]
        call field
        mov esi, s_ebx
        mov eax, [saved_ebx]
        call field
        pop eax
        mov esi, s_eflags
        call field
        pop eax
        mov esi, s_cr0
        call field
        mov esi, s_cs
        xor eax, eax
        mov ax, cs
        call field
        mov esi, s_ds
        mov ax, ds
        call field
        mov esi, s_ss
        mov ax, ss
        call field

        mov ebp, [saved_ebx]
        mov esi, s_flags
        mov eax, [ebp + 0]
        call field
        mov esi, s_mem_lower
        mov eax, [ebp + 4]
        call field
        mov esi, s_mem_upper
        mov eax, [ebp + 8]
        call field
        mov esi, s_boot_device
        mov eax, [ebp + 12]
        call field
        mov esi, s_cmdline_addr
        mov eax, [ebp + 16]
        call field
        mov esi, s_cmdline
        mov edi, [ebp + 16]
        call string_field
        mov esi, s_mods_count
        mov eax, [ebp + 20]
        call field
        mov esi, s_mods_addr
        mov eax, [ebp + 24]
        call field
        mov esi, s_mmap_length
        mov eax, [ebp + 44]
        call field
        mov esi, s_mmap_addr
        mov eax, [ebp + 48]
        call field
        mov esi, s_loader_addr
        mov eax, [ebp + 64]
        call field
        mov esi, s_loader
        mov edi, [ebp + 64]
        call string_field

        ; The memory map: entries of (size, base, length, type), size not counting itself.
        mov ebx, [ebp + 48]
        mov ecx, ebx
        add ecx, [ebp + 44]
.mmap:
        cmp ebx, ecx
        jae .mmap_done
        push ecx
        mov esi, s_mmap
        call puts
        mov eax, [ebx + 0]
        call hex
        mov al, ' '
        call putc
        mov eax, [ebx + 8]
        call hex
        mov eax, [ebx + 4]
        call hex
        mov al, ' '
        call putc
        mov eax, [ebx + 16]
        call hex
        mov eax, [ebx + 12]
        call hex
        mov al, ' '
        call putc
        mov eax, [ebx + 20]
        call hex
        mov al, 10
        call putc
        pop ecx
        mov eax, [ebx]
        lea ebx, [ebx + eax + 4]
        jmp .mmap
.mmap_done:
        mov esi, s_done
        call puts
        mov dx, DEBUG_EXIT
        xor eax, eax
        out dx, al
        cli
.hang:  hlt
        jmp .hang

; field: prints "mb: " + the string at ESI + "=" + EAX in hex + newline.
field:
        push eax
        call puts_name
        pop eax
        call hex
        mov al, 10
        jmp putc

; string_field: prints "mb: " + the string at ESI + "=" + the string at EDI (at most 200 bytes).
string_field:
        call puts_name
        mov esi, edi
        mov ecx, 200
.next:  lodsb
        test al, al
        jz .end
        call putc
        loop .next
.end:   mov al, 10
        jmp putc

puts_name:
        push esi
        mov esi, s_prefix
        call puts
        pop esi
        call puts
        mov al, '='
        jmp putc

; puts: prints the NUL-terminated string at ESI.
puts:
        lodsb
        test al, al
        jz .ret
        call putc
        jmp puts
.ret:   ret

; hex: prints EAX as 8 hex digits.
hex:
        push ecx
        mov ecx, 8
.digit: rol eax, 4
        push eax
        and al, 0xf
        add al, '0'
        cmp al, '9'
        jbe .out
        add al, 'a' - '9' - 1
.out:   call putc
        pop eax
        loop .digit
        pop ecx
        ret

; putc: writes AL to the debug console.
putc:
        push edx
        mov dx, DEBUGCON
        out dx, al
        pop edx
        ret

section .rodata
s_prefix:       db "mb: ", 0
s_eax:          db "eax", 0
s_ebx:          db "ebx", 0
s_eflags:       db "eflags.if_vm", 0
s_cr0:          db "cr0.pe_pg", 0
s_cs:           db "cs", 0
s_ds:           db "ds", 0
s_ss:           db "ss", 0
s_flags:        db "flags", 0
s_mem_lower:    db "mem_lower", 0
s_mem_upper:    db "mem_upper", 0
s_boot_device:  db "boot_device", 0
s_cmdline_addr: db "cmdline_addr", 0
s_cmdline:      db "cmdline", 0
s_mods_count:   db "mods_count", 0
s_mods_addr:    db "mods_addr", 0
s_mmap_length:  db "mmap_length", 0
s_mmap_addr:    db "mmap_addr", 0
s_loader_addr:  db "boot_loader_name_addr", 0
s_loader:       db "boot_loader_name", 0
s_mmap:         db "mb: mmap=", 0
s_done:         db "mb: done", 10, 0
