; PAE paging (CR4.PAE) under a model with PAE: a 4-entry PDPT, 8-byte directory and table entries,
; 4 KiB and 2 MiB pages; accessed and dirty bits written back into the 64-bit entries; #PF for a
; not-present PDPT entry, directory entry and table entry, a read-only page with CR0.WP, reserved
; bits (bit 40 and bit 52 of a table entry, bit 63 without NX, bit 13 of a 2 MiB page, bit 55 of a
; PDPT entry: RSVD in the error code, CR2). test/emu/cpu/mmu-pae.test.ts runs it under QEMU 7.2
; and pcscope --cpu pentium2; the logs must be identical. Assembled by the test (not committed).
%include "lib.inc"
%include "paging.inc"

PDPT equ 0x10000            ; 32-byte aligned: 4 entries
PD0  equ 0x11000            ; linear 0-1 GiB
PT0  equ 0x12000            ; 0-2 MiB, 4 KiB pages
PT1  equ 0x13000            ; 0x40000000+: test pages

main:
        PM_ENTER32 pm32
        bits 32
pm32:   PM32_INIT
        mov dword [0x200100], 0x20010000   ; found through the 2 MiB page at 0x40200000
        mov dword [0x300200], 0x30020000   ; found through a 4 KiB page at 0x40001000
        mov edi, PDPT
        xor eax, eax
        mov ecx, 4 * 1024
        rep stosd
        ENTRY PDPT, 0, PD0 | PG_P, 0
        ENTRY PDPT, 1, 0x14000 | PG_P, 0           ; linear 1-2 GiB: the directory at 0x14000
        ENTRY PD0, 0, PT0 | PG_P | PG_RW | PG_US, 0
        mov edi, PT0
        mov eax, PG_P | PG_RW | PG_US
.pt0:   mov [edi], eax
        mov dword [edi + 4], 0
        add edi, 8
        add eax, 0x1000
        cmp edi, PT0 + 4096
        jb .pt0
        ; linear 0x40000000-0x401FFFFF: table PT1; 0x40200000: a 2 MiB page at physical 0x200000
        mov edi, 0x14000
        xor eax, eax
        mov ecx, 1024
        rep stosd
        ENTRY 0x14000, 0, PT1 | PG_P | PG_RW, 0
        ENTRY 0x14000, 1, 0x200000 | PG_P | PG_RW | PG_PS, 0
        mov edi, PT1
        xor eax, eax
        mov ecx, 1024
        rep stosd
        ENTRY PT1, 1, 0x300000 | PG_P | PG_RW, 0      ; 0x40001000 -> 0x300000
        ENTRY PT1, 2, 0x301000 | PG_P, 0              ; 0x40002000 read-only
        ENTRY PT1, 3, 0x302000 | PG_P | PG_RW, 0x100  ; bit 40 set: reserved
        ENTRY PT1, 4, 0x303000 | PG_P | PG_RW, 0x80000000 ; bit 63 (XD) without NX: reserved
        ENTRY PT1, 5, 0x304000 | PG_P | PG_RW, 0x00100000 ; bit 52: reserved outside IA-32e paging
        mov eax, PDPT
        mov cr3, eax
        mov eax, cr4
        or eax, 0x20
        mov cr4, eax
        mov eax, cr0
        or eax, 0x80010000                  ; PG, WP
        mov cr0, eax
        jmp .on
.on:    mov eax, cr0
        mov ebx, cr3
        mov ecx, cr4
        DUMP "pae on"

        mov eax, [0x40001200]
        mov ebx, [0x40200100]
        DUMP "reads through 4k and 2m pages"
        EXPECT_FAULT .f0
        mov ecx, [0x40005000]               ; bit 52: reserved
.f0:    mov dword [0x40001204], 0x5a5a5a5a
        mov dword [0x40200104], 0xa5a5a5a5
        mov eax, [PT1 + 1 * 8]
        mov ebx, [PT1 + 1 * 8 + 4]
        mov ecx, [0x14000 + 1 * 8]
        mov edx, [0x14000]
        mov esi, [PT1 + 5 * 8]
        mov edi, [0x40001204]
        DUMP "a/d bits: pte1/pte1hi/pde 2m/pde0/pte5/written"

        EXPECT_FAULT .f1
        mov dword [0x40002000], 1           ; read-only with WP: err 3
.f1:    EXPECT_FAULT .f2
        mov eax, [0x40003000]               ; bit 40: err 9
.f2:    EXPECT_FAULT .f3
        mov dword [0x40004000], 1           ; bit 63 without NX: err 11
.f3:    EXPECT_FAULT .f4
        mov eax, [0x40006000]               ; not-present PTE: err 0
.f4:    EXPECT_FAULT .f5
        mov eax, [0x40400000]               ; not-present PDE: err 0
.f5:    EXPECT_FAULT .f6
        mov eax, [0x80000000]               ; not-present PDPT entry: err 0
.f6:    ENTRY 0x14000, 3, 0x600000 | PG_P | PG_RW | PG_PS | 0x2000, 0   ; 2 MiB page, bit 13 set
        EXPECT_FAULT .f7
        mov eax, [0x40600000]               ; reserved bit in a 2 MiB PDE: err 9
.f7:    ENTRY PDPT, 2, 0x14000 | PG_P, 0x00800000                     ; PDPT entry bit 55
        mov eax, cr3
        mov cr3, eax
        EXPECT_FAULT .f8
        mov eax, [0x80000000]               ; reserved PDPT bit: err 9
.f8:    mov eax, [PT1 + 2 * 8]
        mov ebx, [PT1 + 3 * 8]
        DUMP "entries after the faults"
        ; paging and PAE off again
        mov eax, cr0
        and eax, 0x7fffffff
        mov cr0, eax
        mov eax, cr4
        and eax, ~0x20
        mov cr4, eax
        mov eax, [0x300204]
        DUMP "off"
        EXIT
        bits 16

ROM_END
