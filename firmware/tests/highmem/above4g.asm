; RAM above 4 GiB on the PC with 5 GiB (-m 5G: RAM below 4 GiB ends at 3 GiB, the other 2 GiB sit at
; 4 GiB to 6 GiB), reached through PAE's 36-bit entries: dwords at 4 GiB, across 5 GiB (a page pair
; the other side of which is pcscope's 1 GiB storage boundary) and at the last page of RAM; a dword
; across a low and a high page; REP STOSD and REP MOVSD into, within and out of high pages; code
; copied to a high page, run often and rewritten; a 2 MiB page above 4 GiB; a page directory and a
; page table above 4 GiB (accessed and dirty bits written back there); reads and writes past RAM's
; end and at the top of the 36-bit space (QEMU's unassigned memory: zeros there); then without PAE, PSE-36 4 MiB pages (directory-entry bits
; 13-20 giving address bits 32-39) onto the same RAM, and bit 21 reserved.
; test/emu/memory/high-ram.test.ts runs it under QEMU 7.2 (-m 5G) and pcscope (--machine pc
; --mem 5G), -cpu pentium2; the logs must be identical to qemu-system-x86_64's. qemu-system-i386
; 7.2 truncates the addresses of PAE directories and tables to 32 bits (its target_ulong pde_addr):
; its log differs on the "tables above 4 GiB" line only, which pcscope prints as the architecture
; (and qemu-system-x86_64, the seeds' QEMU) has it. Assembled by the test (not committed).
%include "lib.inc"
%include "paging.inc"
%include "high-code.inc"

PDPT  equ 0x10000           ; 4 entries
PD0   equ 0x11000           ; linear 0-1 GiB: PT0 (identity, first 2 MiB)
PT0   equ 0x12000
PD1   equ 0x13000           ; linear 1-2 GiB: PT1 and a 2 MiB page
PT1   equ 0x14000           ; the test pages, linear 0x40000000 on
PSE_PD equ 0x15000          ; the 4 MiB-page directory (no PAE)
LOW   equ 0x300000          ; a low page

; physical pages above 4 GiB (high dword 1 in the entries)
HI_PD2 equ 0x00010000       ; 4 GiB + 64 KiB: linear 2-3 GiB's directory
HI_PT2 equ 0x00011000       ; its table

; linear test pages (PT1 index = (addr - 0x40000000) >> 12)
L_4G    equ 0x40000000      ; -> 4 GiB
L_5GM   equ 0x40001000      ; -> 5 GiB - 4 KiB
L_5G    equ 0x40002000      ; -> 5 GiB
L_LAST  equ 0x40003000      ; -> 6 GiB - 4 KiB, RAM's last page
L_PAST  equ 0x40004000      ; -> 6 GiB: nothing
L_TOP   equ 0x40005000      ; -> 64 GiB - 4 KiB: the top of 36 bits, nothing
L_LOW   equ 0x40006000      ; -> LOW
L_HIGH  equ 0x40007000      ; -> 4 GiB + 4 KiB (after L_LOW: a dword across them)
L_CODE  equ 0x40008000      ; -> 4 GiB + 8 KiB: code
L_FILL  equ 0x40009000      ; -> 4 GiB + 12 KiB, two pages
L_PD2   equ 0x40010000      ; -> HI_PD2
L_PT2   equ 0x40011000      ; -> HI_PT2
L_2M    equ 0x40200000      ; a 2 MiB page -> 4 GiB
L_VIA   equ 0x80000000      ; through HI_PD2 and HI_PT2 -> 4 GiB + 20 KiB
CALLS   equ 300

main:
        PM_ENTER32 pm32
        bits 32
pm32:   PM32_INIT
        mov edi, PDPT
        xor eax, eax
        mov ecx, 5 * 1024
        rep stosd
        ENTRY PDPT, 0, PD0 | PG_P, 0
        ENTRY PDPT, 1, PD1 | PG_P, 0
        ENTRY PD0, 0, PT0 | PG_P | PG_RW, 0
        mov edi, PT0
        mov eax, PG_P | PG_RW
.pt0:   mov [edi], eax
        mov dword [edi + 4], 0
        add edi, 8
        add eax, 0x1000
        cmp edi, PT0 + 4096
        jb .pt0
        ENTRY PD1, 0, PT1 | PG_P | PG_RW, 0
        ENTRY PD1, 1, 0x00000000 | PG_P | PG_RW | PG_PS, 1
        ENTRY PT1, 0, 0x00000000 | PG_P | PG_RW, 1
        ENTRY PT1, 1, 0x3ffff000 | PG_P | PG_RW, 1
        ENTRY PT1, 2, 0x40000000 | PG_P | PG_RW, 1
        ENTRY PT1, 3, 0x7ffff000 | PG_P | PG_RW, 1
        ENTRY PT1, 4, 0x80000000 | PG_P | PG_RW, 1
        ENTRY PT1, 5, 0xfffff000 | PG_P | PG_RW, 0xf
        ENTRY PT1, 6, LOW | PG_P | PG_RW, 0
        ENTRY PT1, 7, 0x00001000 | PG_P | PG_RW, 1
        ENTRY PT1, 8, 0x00002000 | PG_P | PG_RW, 1
        ENTRY PT1, 9, 0x00003000 | PG_P | PG_RW, 1
        ENTRY PT1, 10, 0x00004000 | PG_P | PG_RW, 1
        ENTRY PT1, 16, HI_PD2 | PG_P | PG_RW, 1
        ENTRY PT1, 17, HI_PT2 | PG_P | PG_RW, 1
        mov eax, PDPT
        mov cr3, eax
        mov eax, cr4
        or eax, 0x20                             ; PAE
        mov cr4, eax
        mov eax, cr0
        or eax, 0x80000000
        mov cr0, eax
        jmp .on
.on:
        ; dwords at 4 GiB, the last of the page before 5 GiB, across 5 GiB, at RAM's end
        mov dword [L_4G], 0x11223344
        mov dword [L_4G + 0xffc], 0x55667788
        mov dword [L_5GM + 0xffc], 0x99aabbcc
        mov dword [L_5G], 0xddeeff00
        mov eax, [L_4G]
        mov ebx, [L_4G + 0xffc]
        mov ecx, [L_5GM + 0xffc]
        mov edx, [L_5G]
        mov dword [L_5GM + 0xffe], 0x0badf00d    ; across 5 GiB
        mov esi, [L_5GM + 0xffe]
        movzx edi, word [L_5G]
        DUMP "dwords at 4 GiB and across 5 GiB"
        mov dword [L_LAST + 0xffc], 0xa1b2c3d4
        mov byte [L_LAST + 0xfff], 0x5e
        inc word [L_LAST + 0xffc]
        mov eax, [L_LAST + 0xffc]
        mov ebx, [L_LAST]
        DUMP "the last dword of RAM"

        ; past RAM's end and at the top of 36 bits: zeros, writes ignored
        mov dword [L_PAST], 0x12345678
        mov eax, [L_PAST]
        mov ebx, [L_PAST + 0xffc]
        mov dword [L_TOP + 0xffc], 0x12345678
        mov ecx, [L_TOP + 0xffc]
        movzx edx, byte [L_PAST + 7]
        DUMP "past RAM's end"

        ; a dword across a low page and a high one
        mov dword [L_LOW + 0xffe], 0x44332211
        mov eax, [L_LOW + 0xffe]
        movzx ebx, word [L_LOW + 0xffe]
        movzx ecx, word [L_HIGH]
        mov edx, [L_LOW + 0xffc]
        DUMP "a dword across a low and a high page"

        ; REP STOSD over two high pages; REP MOVSD low -> high across pages, high -> high across 5 GiB
        mov edi, L_FILL
        mov eax, 0x7e7e7e7e
        mov ecx, 0x800
        rep stosd
        mov edi, L_LOW + 0xf00
        mov eax, 0x01020304
        mov ecx, 0x40
.fill:  stosd
        add eax, 0x04040404
        loop .fill                               ; 0x100 bytes to the end of LOW
        mov ecx, 0x40
.fill2: stosd
        add eax, 0x04040404
        loop .fill2                              ; and 0x100 bytes into L_HIGH
        cld
        mov esi, L_LOW + 0xf00
        mov edi, L_FILL + 0xf80
        mov ecx, 0x80
        rep movsd
        mov eax, esi
        mov ebx, edi
        mov esi, L_FILL + 0xf80
        xor edx, edx
        mov ecx, 0x80
.sum:   add edx, [esi]
        rol edx, 3
        add esi, 4
        loop .sum
        mov ecx, [L_FILL]
        mov esi, [L_FILL + 0x1ffc]
        DUMP "stosd and movsd into high pages"
        mov esi, L_FILL + 0xf80
        mov edi, L_5GM + 0xf80
        mov ecx, 0x80
        rep movsd                                ; across 5 GiB
        mov esi, L_5GM + 0xf80
        mov edi, L_LAST + 0xf00
        mov ecx, 0x40
        rep movsd                                ; to RAM's last byte
        mov eax, [L_5G + 0x1fc]
        mov ebx, [L_LAST + 0xffc]
        mov ecx, [L_LAST + 0xf00]
        mov edx, [L_5GM + 0xf80]
        DUMP "movsd across 5 GiB to the last page"

        ; code in a high page: add eax, imm32 / ret, called CALLS times, then its immediate rewritten
        HIGH_CODE L_CODE, CALLS
        DUMP "code in a high page, rewritten"

        ; a 2 MiB page at 4 GiB: its first bytes are L_4G's page
        mov eax, [L_2M]
        mov dword [L_2M + 0x1000 + 8], 0xfeedface
        mov ebx, [L_HIGH + 8]
        mov ecx, [PD1 + 8]                       ; accessed and dirty
        mov edx, [PD1 + 12]
        DUMP "a 2 MiB page at 4 GiB"

        ; a directory and a table above 4 GiB for linear 2-3 GiB
        mov edi, L_PD2
        xor eax, eax
        mov ecx, 0x800
        rep stosd                                ; both pages
        ENTRY L_PD2, 0, HI_PT2 | PG_P | PG_RW, 1
        ENTRY L_PT2, 0, 0x00005000 | PG_P | PG_RW, 1
        ENTRY PDPT, 2, HI_PD2 | PG_P, 1
        mov eax, cr3
        mov cr3, eax                             ; the PDPT entry is read at every walk anyway
        mov dword [L_VIA + 0x10], 0x600df00d
        mov eax, [L_VIA + 0x10]
        mov ebx, [L_PD2]                         ; accessed
        mov ecx, [L_PT2]                         ; accessed and dirty
        mov edx, [L_PT2 + 4]
        DUMP "tables above 4 GiB"
        xor ebx, ebx
        xor ecx, ecx

        ; no PAE: 4 MiB pages, PSE-36 (linear 4 MiB -> 4 GiB, 8 MiB -> 6 GiB - 4 MiB)
        mov eax, cr0
        and eax, 0x7fffffff
        mov cr0, eax
        mov eax, cr4
        and eax, ~0x20
        or eax, 0x10                             ; PSE
        mov cr4, eax
        mov edi, PSE_PD
        xor eax, eax
        mov ecx, 1024
        rep stosd
        mov dword [PSE_PD], PG_P | PG_RW | PG_PS
        mov dword [PSE_PD + 4], (1 << 13) | PG_P | PG_RW | PG_PS
        mov dword [PSE_PD + 8], 0x7fc00000 | (1 << 13) | PG_P | PG_RW | PG_PS
        mov dword [PSE_PD + 12], 0x00400000 | (1 << 21) | PG_P | PG_RW | PG_PS
        mov dword [PSE_PD + 16], 0x00800000 | (0xff << 13) | PG_P | PG_RW | PG_PS
        mov eax, PSE_PD
        mov cr3, eax
        mov eax, cr0
        or eax, 0x80000000
        mov cr0, eax
        jmp .pse
.pse:   mov eax, [0x400000]                      ; L_4G's dword
        mov ebx, [0x400000 + 0x1008]             ; written through the 2 MiB page
        mov dword [0x800000 + 0x3ffffc], 0x31415926
        mov ecx, [0x800000 + 0x3ffffc]           ; RAM's last dword
        mov edx, [PSE_PD + 8]                    ; accessed and dirty
        mov esi, [0x1000000]                     ; address bits 32-39 all set: nothing
        DUMP "PSE-36 4 MiB pages"
        EXPECT_FAULT .rsvd
        mov eax, [0xc00000]                      ; bit 21 set: reserved
.rsvd:  mov eax, cr0
        and eax, 0x7fffffff
        mov cr0, eax
        mov eax, [PSE_PD + 12]
        DUMP "off"
        EXIT
        bits 16

ROM_END
