; Paging: two-level 4 KiB tables (CR3, PDEs/PTEs), page faults on not-present PDEs and PTEs
; reported by the handler (CR2, error code, EIP), fixed by mapping the page and retried by IRET;
; writes to read-only pages with CR0.WP clear (allowed) and set (#PF, err 3); accessed/dirty
; bits; 4 MiB pages with CR4.PSE (a dirty 4 MiB PDE, a not-present one fixed on fault); INVLPG
; and CR3 reloads after changing a mapping; instruction fetches from a not-present page and
; across into one, data reads and writes across a page boundary, CMPXCHG's write-back on a
; read-only page, a read-only PDE over a writable PTE; user-mode (ring 3) faults on a supervisor
; page, a read-only user page and a supervisor PDE (err 5, 7, 5); paging turned off again.
%include "lib.inc"
%include "paging.inc"

PD   equ 0x10000            ; page directory
PT0  equ 0x11000            ; identity map of 0-4 MiB
PT1  equ 0x12000            ; 4-8 MiB, filled by the fault fixups
PT2  equ 0x13000            ; 16 MiB and 20 MiB (PDE-level permission tests)
SUPV equ 0x5000             ; the only supervisor page of 0-4 MiB
ROPG equ 0x6000             ; a read-only user page

main:
        PM_ENTER32 pm32
        bits 32
pm32:   PM32_INIT
        mov ax, SEL_TSS
        ltr ax
        SET_GATE 0x82, int82_handler, 0xEE
        ; physical values to find through the mappings
        mov dword [0x600120], 0x60012000
        mov dword [0x600124], 0x60012400
        mov dword [0x602120], 0x60212000
        mov dword [0x400010], 0x40001000
        mov dword [0x400020], 0x40002000
        ; code for the instruction-fetch faults: at physical 0x700000 `mov eax, 0x600DC0DE / ret`;
        ; at 0x704FFD a `mov eax, 0x12345678` that crosses into the next page, then `ret`
        mov dword [0x700000], 0x0DC0DEB8
        mov word [0x700004], 0xC360
        mov dword [0x704FFD], 0x345678B8
        mov word [0x705001], 0xC312
        mov dword [0x705FFE], 0xA1B2C3D4    ; a dword across 0x705FFE-0x706001
        mov dword [0x708000], 0x0BADF00D
        ; page tables
        mov edi, PD
        xor eax, eax
        mov ecx, 5 * 1024
        rep stosd
        mov dword [PD], PT0 | PG_P | PG_RW | PG_US
        mov edi, PT0
        mov eax, PG_P | PG_RW | PG_US
.pt0:   stosd
        add eax, 0x1000
        cmp edi, PT0 + 4096
        jb .pt0
        mov dword [PT0 + (SUPV >> 12) * 4], SUPV | PG_P | PG_RW
        mov dword [PT0 + (ROPG >> 12) * 4], ROPG | PG_P | PG_US
        mov eax, PD
        mov cr3, eax
        mov eax, cr0
        or eax, 0x80000000
        mov cr0, eax
        jmp .on
.on:    mov eax, cr0
        mov ebx, cr3
        DUMP "paging on"

        ; 1: read through a not-present PDE: #PF err 0, CR2 = the address; fixed and retried
        mov dword [ss:FIXUP], fix_pde1
        mov eax, [0x400124]
        DUMP "read 0x400124"
        ; 2: write through a not-present PTE: #PF err 2; mapped read-only, the retry writes
        ;    (CR0.WP=0 lets ring 0 write read-only pages)
        mov dword [ss:FIXUP], fix_pte1_ro
        mov dword [0x401010], 0xABCD1010
        mov eax, [0x401010]
        DUMP "write ro page wp=0"
        ; 3: with CR0.WP=1 the same write faults with err 3; the fixup makes it writable
        mov eax, cr0
        or eax, 0x10000
        mov cr0, eax
        mov dword [ss:FIXUP], fix_pte1_rw
        mov dword [0x401014], 0xABCD1014
        mov eax, [0x401014]
        DUMP "write ro page wp=1"
        ; 4: accessed and dirty bits set by the walks above
        mov eax, [PD + 4]
        mov ebx, [PT1]
        mov ecx, [PT1 + 4]
        mov edx, [PD]
        mov esi, [PT0 + (0x4000 >> 12) * 4]
        DUMP "a/d bits"
        ; 5: a 4 MiB page (CR4.PSE): linear 8 MiB -> physical 4 MiB; a write sets its D bit
        mov eax, cr4
        or eax, 0x10
        mov cr4, eax
        mov dword [PD + 2 * 4], 0x400000 | PG_PS | PG_P | PG_RW
        mov eax, [0x800010]
        mov dword [0x800030], 0x12345678
        mov ebx, [PD + 2 * 4]
        mov ecx, [0x800030]
        DUMP "4M page"
        ; 6: a not-present 4 MiB PDE: #PF, the fixup maps it (to physical 0) and the read retries
        mov dword [ss:FIXUP], fix_pde3
        mov eax, [0xC00000 + IDT_BASE + 0x80 * 8]
        mov ebx, [PD + 3 * 4]
        DUMP "4M page fault"
        ; 7: change a mapping, INVLPG, read the new page; change back, reload CR3
        mov dword [PT1], 0x602000 | PG_P | PG_RW
        invlpg [0x400000]
        mov eax, [0x400120]
        mov dword [PT1], 0x600000 | PG_P | PG_RW
        mov ebx, cr3
        mov cr3, ebx
        mov ebx, [0x400120]
        DUMP "invlpg cr3 reload"
        ; 7b: instruction fetch from a not-present page (err 0, CR2 = EIP = the target); an
        ;     instruction that crosses into a not-present page (CR2 = the second page, EIP =
        ;     the instruction's start); a data read and a write across a page boundary
        mov dword [ss:FIXUP], fix_code1
        call 0x403000 - 0xF0000
        DUMP "fetch fault"
        mov dword [PT1 + 4 * 4], 0x704000 | PG_P | PG_RW
        mov dword [ss:FIXUP], fix_code2
        call 0x404FFD - 0xF0000
        DUMP "fetch fault across pages"
        mov dword [ss:FIXUP], fix_data6
        mov eax, [0x405FFE]
        DUMP "read across pages"
        mov dword [PT1 + 7 * 4], 0x707000 | PG_P        ; read-only
        mov dword [ss:FIXUP], fix_data7
        mov dword [0x406FFE], 0x11223344                ; the second page is read-only (WP=1)
        mov eax, [0x406FFE]
        DUMP "write across pages"
        ; CMPXCHG writes the destination back even when the comparison fails (SDM CMPXCHG:
        ; "the destination operand is written back if the comparison fails"): a read-only page
        ; faults with a write error code
        mov dword [PT1 + 8 * 4], 0x708000 | PG_P        ; read-only
        mov dword [ss:FIXUP], fix_data8
        xor eax, eax
        mov ebx, 0x55
        cmpxchg [0x408000], ebx
        DUMP "cmpxchg ro page"
        ; a read-only PDE over a writable PTE: writes fault (WP=1), err 3
        mov dword [PD + 4 * 4], PT2 | PG_P | PG_US
        mov dword [PT2], 0x708000 | PG_P | PG_RW | PG_US
        mov dword [ss:FIXUP], fix_pde4
        mov dword [0x1000004], 0x77
        mov eax, [0x1000000]
        mov ebx, [0x1000004]
        DUMP "ro pde"
        ; 8: ring 3: a supervisor page (err 5), a read-only user page (err 7), a supervisor PDE
        ;    over a user PTE (err 5)
        mov dword [PD + 5 * 4], PT2 | PG_P | PG_RW      ; US=0
        invlpg [0x1400000]
        push dword SEL_DATA32U | 3
        push dword STACK3
        push dword 0x002
        push dword SEL_CODE32U | 3
        push dword ring3
        iretd
ring3:  mov ax, SEL_DATA32U | 3
        mov ds, ax
        mov es, ax
        mov dword [ss:RESUME], .r1
        mov eax, [SUPV]
.r1:    mov dword [ss:RESUME], .r2
        mov dword [ROPG], 1
.r2:    mov eax, [ROPG]            ; reading is fine
        DUMP "ring3 read ro page"
        mov dword [ss:RESUME], .r3
        mov eax, [0x1400000]
.r3:
        int 0x82
        ; 9: paging off: linear = physical again
after3: PM32_INIT
        mov eax, cr0
        and eax, 0x7FFFFFFF
        mov cr0, eax
        jmp .off
.off:   mov eax, [0x400030]        ; written through the 4 MiB page
        mov ebx, [0x601010]        ; written through PT1[1]
        mov ecx, [0x601014]
        mov edx, cr0
        mov esi, [0x400120]        ; physical, never written: 0
        DUMP "paging off"
        EXIT

; Fault fixups (called by exc32_common; the faulting instruction is retried).
fix_pde1:
        mov dword [PD + 1 * 4], PT1 | PG_P | PG_RW
        mov dword [PT1], 0x600000 | PG_P | PG_RW
        ret
fix_pte1_ro:
        mov dword [PT1 + 4], 0x601000 | PG_P
        ret
fix_pte1_rw:
        or dword [PT1 + 4], PG_RW
        invlpg [0x401000]
        ret
fix_code1:
        mov dword [PT1 + 3 * 4], 0x700000 | PG_P | PG_RW
        ret
fix_code2:
        mov dword [PT1 + 5 * 4], 0x705000 | PG_P | PG_RW
        ret
fix_data6:
        mov dword [PT1 + 6 * 4], 0x706000 | PG_P | PG_RW
        ret
fix_data7:
        or dword [PT1 + 7 * 4], PG_RW
        invlpg [0x407000]
        ret
fix_data8:
        or dword [PT1 + 8 * 4], PG_RW
        invlpg [0x408000]
        ret
fix_pde4:
        or dword [PD + 4 * 4], PG_RW
        invlpg [0x1000000]
        ret
fix_pde3:
        mov dword [PD + 3 * 4], 0 | PG_PS | PG_P | PG_RW
        ret

int82_handler:
        DUMP "int82 from ring3"
        jmp after3
        bits 16

        ROM_END
