; CPU benchmark guest (nasm -f bin, 64 KiB ROM at 0xF0000 / top of 4 GiB, reset F000:FFF0).
; Four CPU-bound phases in 32-bit protected mode, then `out 0xF4, al` (isa-debug-exit) ends
; the run. No loop depends on data, so the instruction count is exact by construction.
;
; Counting rule: every executed instruction counts once, and a REP-prefixed string instruction
; counts once per iteration (as QEMU's `-singlestep -d exec,nochain` log does).
;
;   reset jump + real-mode setup + far jump + PM segment setup ........ 17
;   phase 1, ALU loop: 5 setup + N1 iterations of 10 .................. 5 + 10*N1
;   phase 2, REP MOVSD of 64 KiB: 1 setup + N2 iterations of
;            (5 instructions + 16384 MOVSD iterations) ................ 1 + 16389*N2
;   phase 3, CALL/RET chain 3 deep: 1 setup + N3 iterations of
;            3 (loop) + 3 (f1) + 3 (f2) + 2 (f3) ...................... 1 + 11*N3
;   phase 4, paging on: 3 + 1024 iterations of 4 (build the page table)
;            + 7 (PDE, CR3, CR0.PG, counter) + N4 iterations of 8 ..... 4106 + 8*N4
;   exit: mov al, 0 / out 0xF4, al .................................... 2
;   TOTAL = 4132 + 10*N1 + 16389*N2 + 11*N3 + 8*N4
; With the defaults below: 4132 + 50,000,000 + 16,389,000 + 22,000,000 + 16,000,000
;                        = 104,393,132 instructions.
; (Checked with small N under `qemu-system-i386 -singlestep -d exec,nochain`: build with
;  -DN1=100 -DN2=2 -DN3=100 -DN4=100, expected 4132 + 1000 + 32778 + 1100 + 800 = 39810.)
;
; Layout: the real-mode entry and the GDT are in page 0xF0000; all protected-mode code is in
; page 0xF1000 below 0xF1800. Bytes 0xF1800-0xF1FFF (the same page as the loops) and the pages
; 0xF2000-0xFEFFF are never executed: the benchmark sets its breakpoints there.

%ifndef N1
%define N1 5000000
%endif
%ifndef N2
%define N2 1000
%endif
%ifndef N3
%define N3 2000000
%endif
%ifndef N4
%define N4 2000000
%endif

PT  equ 0x10000             ; page table: identity map of 0-4 MiB
PD  equ 0x11000             ; page directory (RAM starts zeroed: only PDE 0 is written)
SRC equ 0x200000
DST equ 0x300000

        bits 16
        org 0
start:  cli                             ; 2 (1 is the reset jump)
        cld                             ; 3
        xor ax, ax                      ; 4
        mov ds, ax                      ; 5
        mov ss, ax                      ; 6
        mov sp, 0x7C00                  ; 7
        o32 lgdt [cs:gdt_desc]          ; 8
        mov eax, cr0                    ; 9
        or al, 1                        ; 10
        mov cr0, eax                    ; 11
        jmp dword 0x08:pm               ; 12

        align 8
gdt:    dq 0
        ; 0x08: code, base 0xF0000, 4 GiB, 32-bit (accessed bit preset: no descriptor writes)
        dw 0xFFFF, 0x0000
        db 0x0F, 0x9B, 0xCF, 0x00
        ; 0x10: data, base 0, 4 GiB
        dw 0xFFFF, 0x0000
        db 0x00, 0x93, 0xCF, 0x00
gdt_end:
gdt_desc:
        dw gdt_end - gdt - 1
        dd 0xF0000 + gdt

        times 0x1000 - ($ - $$) db 0
        bits 32
pm:     mov ax, 0x10                    ; 13
        mov ds, ax                      ; 14
        mov es, ax                      ; 15
        mov ss, ax                      ; 16
        mov esp, 0x90000                ; 17

        ; phase 1: ALU loop
        mov ecx, N1
        mov eax, 1
        mov ebx, 2
        mov edx, 3
        mov esi, 4
.alu:   add eax, ebx
        xor ebx, edx
        rol edx, 3
        sub esi, eax
        adc edx, esi
        or eax, 1
        lea ebx, [ebx + eax*2]
        and esi, 0x7FFFFFFF
        dec ecx
        jnz .alu

        ; phase 2: REP MOVSD, 64 KiB at a time
        mov ebp, N2
.mov:   mov esi, SRC
        mov edi, DST
        mov ecx, 16384
        rep movsd
        dec ebp
        jnz .mov

        ; phase 3: CALL/RET chain
        mov ecx, N3
.call:  call f1
        dec ecx
        jnz .call

        ; phase 4: paging on, read-modify-write over 256 pages
        mov edi, PT
        mov eax, 3                      ; present, writable
        mov ecx, 1024
.fill:  stosd
        add eax, 4096
        dec ecx
        jnz .fill
        mov dword [PD], PT | 3
        mov eax, PD
        mov cr3, eax
        mov eax, cr0
        or eax, 0x80000000
        mov cr0, eax
        mov ecx, N4
.pg:    mov esi, ecx
        shl esi, 12
        and esi, 0xFF000
        add [esi + 0x100000], eax
        mov ebx, [esi + 0x100008]
        add eax, ebx
        dec ecx
        jnz .pg

        mov al, 0
        out 0xF4, al                    ; isa-debug-exit: the run ends here
        cli
        hlt

f1:     call f2
        add eax, 1
        ret
f2:     call f3
        add eax, 2
        ret
f3:     add eax, 3
        ret

        ; never executed: breakpoints go here (same page as the loops)
        times 0x1800 - ($ - $$) db 0
        times 0x2000 - ($ - $$) db 0x90

        times 0xFFF0 - ($ - $$) db 0
        bits 16
        jmp 0xF000:start                ; 1
        times 0x10000 - ($ - $$) db 0
