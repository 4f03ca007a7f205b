; Paging-heavy CPU benchmark guest (see workload.inc): 32-bit flat protected mode with paging on
; (4 KiB pages, an identity map of 0-32 MiB), a loop that sweeps 4096 pages (16 MiB, more than
; QEMU's default 256-entry TLB or a real CPU's second-level TLB holds), reading and writing each
; page in a body of 32 instructions, so a page not seen since the last TLB flush comes
; every 32 instructions; before each sweep CR3 is reloaded (a full TLB flush, as a kernel's context
; switch does). No loop depends on data, so the instruction count is exact by construction.
;
; Counting rule: every executed instruction counts once.
;
;   reset jump + real-mode setup + far jump ............................ 8
;   segments and stack ................................................. 5
;   page tables: 3 + 8192 iterations of 4 .............................. 32771
;   page directory: 3 + 8 iterations of 4 .............................. 35
;   CR3, CR0.PG, loop state ............................................ 7
;   sweeps: ITERATIONS of (4 + 4096*32 + 2) ............................ 131078*ITERATIONS
;   results: EBX and one dword, each 1 + PRINT_EAX 77 .................. 156
;   exit: mov al, 0 / out 0xF4, al ..................................... 2
;   TOTAL = 32984 + 131078*ITERATIONS; with the default 400: 52,464,184 instructions.

%include "workload.inc"

%ifndef ITERATIONS
%define ITERATIONS 400
%endif

PD         equ 0x10000          ; the page directory
PT         equ 0x11000          ; PT_COUNT page tables, one after another
PT_COUNT   equ 8                ; 8 x 4 MiB = 32 MiB identity-mapped
PTE_P_RW   equ 3                ; present, writable (supervisor)
CR0_PG     equ 0x80000000
SWEEP_BASE equ 0x800000         ; the swept pages: 8 MiB to 24 MiB
SWEEP_PAGES equ 4096
PAGE_SIZE  equ 4096
STACK      equ 0x90000

        FLAT32_ENTRY

        bits 32
pm:     mov ax, 0x10
        mov ds, ax
        mov es, ax
        mov ss, ax
        mov esp, STACK

        ; page tables: identity map of 0-32 MiB
        mov edi, PT
        mov eax, PTE_P_RW
        mov ecx, PT_COUNT * 1024
.pte:   stosd
        add eax, PAGE_SIZE
        dec ecx
        jnz .pte
        ; page directory: one entry per page table
        mov edi, PD
        mov eax, PT | PTE_P_RW
        mov ecx, PT_COUNT
.pde:   stosd
        add eax, PAGE_SIZE
        dec ecx
        jnz .pde
        mov eax, PD
        mov cr3, eax
        mov eax, cr0
        or eax, CR0_PG
        mov cr0, eax
        mov ebp, [ROM_LOW + ITERATIONS_AT]      ; sweeps
        xor ebx, ebx                            ; a running hash

.sweep: mov eax, cr3                            ; 1
        mov cr3, eax                            ; 2: the TLB flush of a context switch
        mov esi, SWEEP_BASE                     ; 3
        mov ecx, SWEEP_PAGES                    ; 4
.page:  mov eax, [esi]                          ; 1: the page's first access since the flush
        mov edx, [esi + 4]                      ; 2
        add eax, edx                            ; 3
        xor eax, ebx                            ; 4
        imul eax, eax, 0x01000193               ; 5
        add ebx, eax                            ; 6
        rol ebx, 5                              ; 7
        mov [esi + 8], ebx                      ; 8
        mov edx, [esi + 12]                     ; 9
        sub edx, eax                            ; 10
        mov [esi + 12], edx                     ; 11
        lea edi, [eax + edx*2]                  ; 12
        shr edi, 3                              ; 13
        xor ebx, edi                            ; 14
        mov edx, [esi + 2048]                   ; 15
        add edx, ebx                            ; 16
        mov [esi + 2048], edx                   ; 17
        mov edi, [esi + 4092]                   ; 18
        xor edi, eax                            ; 19
        ror edi, 11                             ; 20
        mov [esi + 4092], edi                   ; 21
        add eax, edi                            ; 22
        sub ebx, edx                            ; 23
        and edx, 0xFFFF                         ; 24
        shl edx, 3                              ; 25
        or ebx, edx                             ; 26
        adc eax, ebx                            ; 27
        xor ebx, eax                            ; 28
        add ebx, ecx                            ; 29
        add esi, PAGE_SIZE                      ; 30
        dec ecx                                 ; 31
        jnz .page                               ; 32
        dec ebp                                 ; 5
        jnz .sweep                              ; 6

        mov eax, ebx
        PRINT_EAX
        mov eax, [SWEEP_BASE + 2048]
        PRINT_EAX

        EXIT

        ROM_END ITERATIONS
