; RAM above 2 GiB, up to its last byte, on a machine with 3583 MiB (the most QEMU's pc machine keeps
; below 4 GiB): dwords across the 2 GiB boundary and at the top of RAM, REP MOVSD/STOSD into the
; last page, code run (often enough to be translated) and rewritten at 3 GiB, 4 MiB pages (CR4.PSE)
; with the page directory at 0xDF000000, and PAE with its PDPT, directories and a page table in the
; last MiBs (2 MiB and 4 KiB pages onto the last page of RAM), accessed/dirty bits included.
; test/emu/memory/high-ram.test.ts runs it under QEMU 7.2 (-m 3583) and pcscope (--mem 3583M) with
; -cpu pentium2; the logs must be identical. Assembled by the test (not committed).
%include "lib.inc"
%include "paging.inc"
%include "high-code.inc"

RAM_TOP  equ 0xDFF00000     ; 3583 MiB
EDGE     equ 0x80000000     ; 2 GiB: buffer offsets past int32
CODE_HI  equ 0xC0000000     ; where the routine is copied
PSE_PD   equ 0xDF000000     ; the 4 MiB-page directory
PAE_PDPT equ 0xDF100000
PAE_PD   equ 0xDF101000     ; four directories, 0xDF101000-0xDF104FFF
PAE_PT   equ 0xDF105000
CALLS    equ 300

main:
        PM_ENTER32 pm32
        bits 32
pm32:   PM32_INIT
        ; a dword straddling 2 GiB, bytes on each side
        mov dword [EDGE - 2], 0x11223344
        mov eax, [EDGE - 2]
        movzx ebx, byte [EDGE - 1]
        movzx ecx, byte [EDGE]
        mov dword [EDGE], 0x55667788
        mov edx, [EDGE]
        mov word [EDGE + 0xffe], 0xbeef          ; the last word of the page after 2 GiB
        movzx esi, word [EDGE + 0xffe]
        DUMP "across 2 GiB"

        ; the last dword, word and byte of RAM
        mov dword [RAM_TOP - 4], 0xa1b2c3d4
        mov eax, [RAM_TOP - 4]
        mov byte [RAM_TOP - 1], 0x5e
        mov ebx, [RAM_TOP - 4]
        inc word [RAM_TOP - 2]
        mov ecx, [RAM_TOP - 4]
        DUMP "top of RAM"

        ; 64 dwords from just below 2 GiB copied into the last 256 bytes; then a STOSD fill
        mov edi, EDGE - 0x80
        mov eax, 0x01010101
        mov ecx, 64
.fill:  stosd
        add eax, 0x01010101
        loop .fill
        mov esi, EDGE - 0x80
        mov edi, RAM_TOP - 0x100
        mov ecx, 64
        cld
        rep movsd
        mov eax, esi
        mov ebx, edi
        mov esi, RAM_TOP - 0x100
        xor edx, edx
        mov ecx, 64
.sum:   add edx, [esi]
        rol edx, 3
        add esi, 4
        loop .sum
        DUMP "movsd into the top"
        mov edi, RAM_TOP - 0x2000
        mov eax, 0x7e7e7e7e
        mov ecx, 0x800
        rep stosd
        mov eax, [RAM_TOP - 0x2000]
        mov ebx, [RAM_TOP - 4]
        mov ecx, [RAM_TOP - 0x1004]
        DUMP "stosd to the top"

        ; code at 3 GiB: add eax, imm32 / ret, called CALLS times, then its immediate rewritten
        HIGH_CODE CODE_HI, CALLS
        DUMP "code at 3 GiB, rewritten"

        ; 4 MiB pages: the directory near the top; linear 4 MiB -> 0xDF800000
        mov edi, PSE_PD
        mov eax, PG_P | PG_RW | PG_PS
        mov ecx, 1024
.pd:    stosd
        add eax, 0x400000
        loop .pd
        mov dword [PSE_PD + 4], 0xDF800000 | PG_P | PG_RW | PG_PS
        mov eax, cr4
        or eax, 0x10                             ; PSE
        mov cr4, eax
        mov eax, PSE_PD
        mov cr3, eax
        mov eax, cr0
        or eax, 0x80000000
        mov cr0, eax
        jmp .pse
.pse:   mov dword [0x400010], 0xcafef00d
        mov eax, [0x400010]
        mov ebx, [0xDF800010]                    ; through its identity mapping
        mov edx, cr0
        and edx, 0x7fffffff
        mov cr0, edx
        mov ecx, [0xDF800010]
        mov edx, [PSE_PD + 4]                    ; accessed and dirty set
        mov esi, [PSE_PD + (0xDF800000 >> 22) * 4] ; the identity entry, accessed
        DUMP "4 MiB pages, directory at 0xDF000000"
        mov eax, cr4
        and eax, ~0x10
        mov cr4, eax

        ; PAE: identity 2 MiB pages over 4 GiB; linear 2 MiB -> 0xDFC00000 (2 MiB page), linear
        ; 4 MiB -> a 4 KiB table whose entry 0 maps the last page of RAM
        mov edi, PAE_PDPT
        mov eax, PAE_PD | PG_P
        mov ecx, 4
.pdpt:  mov [edi], eax
        mov dword [edi + 4], 0
        add edi, 8
        add eax, 0x1000
        loop .pdpt
        mov edi, PAE_PD
        mov eax, PG_P | PG_RW | PG_PS
        mov ecx, 2048
.pae:   mov [edi], eax
        mov dword [edi + 4], 0
        add edi, 8
        add eax, 0x200000
        loop .pae
        mov dword [PAE_PD + 1 * 8], 0xDFC00000 | PG_P | PG_RW | PG_PS
        mov dword [PAE_PD + 2 * 8], PAE_PT | PG_P | PG_RW
        mov edi, PAE_PT
        xor eax, eax
        mov ecx, 1024
        rep stosd
        mov dword [PAE_PT], (RAM_TOP - 0x1000) | PG_P | PG_RW
        mov eax, cr4
        or eax, 0x20                             ; PAE
        mov cr4, eax
        mov eax, PAE_PDPT
        mov cr3, eax
        mov eax, cr0
        or eax, 0x80000000
        mov cr0, eax
        jmp .paeon
.paeon: mov dword [0x200020], 0x600df00d
        mov dword [0x400ffc], 0x0badcafe         ; the last dword of RAM
        mov eax, [0x200020]
        mov ebx, [0x400ffc]
        mov ecx, [0xDFC00020]
        mov edx, cr0
        and edx, 0x7fffffff
        mov cr0, edx
        mov edx, [RAM_TOP - 4]
        mov esi, [PAE_PD + 1 * 8]                ; accessed and dirty set
        mov edi, [PAE_PT]
        mov ebp, [PAE_PD + 2 * 8]
        DUMP "PAE, tables in the last MiBs"
        EXIT
        bits 16

ROM_END
