; SSE benchmark guest (nasm -f bin, 64 KiB ROM at 0xF0000 / top of 4 GiB, reset F000:FFF0): in
; real mode with CR4.OSFXSR set, N iterations of a 12-instruction loop of MMX and SSE2 integer
; work (aligned loads and stores, adds, multiplies, shuffles, unpacks, logic), then
; `out 0xF4, al` (isa-debug-exit) ends the run. Needs a CPU model with SSE2 (-cpu qemu32).
; The benchmark counts the instructions pcscope retires (the loop dominates: 12*N of them).

%ifndef N
%define N 1000000
%endif

BUF equ 0x4000              ; 32 bytes of data, 16-byte aligned

        bits 16
        org 0
start:
        cli
        xor ax, ax
        mov ds, ax
        mov eax, cr4
        or eax, 0x200       ; CR4.OSFXSR
        mov cr4, eax
        mov si, BUF
        pxor xmm1, xmm1
        pcmpeqd xmm2, xmm2
        movdqa [si], xmm2
        mov ecx, N
.l:     movdqa xmm0, [si]
        paddd xmm0, xmm1
        pmullw xmm0, xmm2
        pshufd xmm3, xmm0, 0x1b
        pxor xmm1, xmm3
        punpcklbw xmm4, xmm0
        psrlq xmm4, 3
        movdqa [si + 16], xmm3
        paddq mm0, mm1
        pmaddwd mm1, mm0
        dec ecx
        jnz .l
        mov al, 0
        out 0xf4, al
        hlt

        times 0xfff0 - ($ - $$) db 0
        jmp 0xf000:start
        times 0x10000 - ($ - $$) db 0
