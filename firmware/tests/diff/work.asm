; pcscope diff's agreement ROM: a few thousand instructions that pcscope and QEMU TCG execute
; alike (lib.inc's reset code, loops, calls, pushes and pops, string stores, memory read-modify-
; writes, x87 loads and stores, the switch to 32-bit protected mode and SIB addressing there),
; printed on the debug console. `pcscope diff --against qemu` exits 0 on it (test/cli/diff.test.ts). Assembled
; by the test.
%include "lib.inc"

COUNT equ 150

main:
        ; a table of COUNT words, each computed by a call
        mov di, DATA
        mov cx, COUNT
.fill:  mov ax, cx
        imul ax, ax, 7
        call mix
        stosw
        push ax
        push cx
        pop dx
        pop si
        loop .fill
        ; sum it back, and add each word into a running total in memory
        mov si, DATA
        mov cx, COUNT
        xor ebx, ebx
        mov word [SCRATCH], 0
.sum:   lodsw
        add bx, ax
        add [SCRATCH], ax
        adc ebx, 0
        loop .sum
        mov ax, [SCRATCH]
        DUMP "real sum"
        ; the x87 stack (QEMU's stub sends it in physical order: the diff compares ST(i))
        fninit
        fld1
        fldpi
        fadd st0, st1
        fstp dword [SCRATCH + 4]
        fistp word [SCRATCH + 8]
        mov eax, [SCRATCH + 4]
        mov bx, [SCRATCH + 8]
        DUMP "x87"
        ; the same walk in 32-bit protected mode
        PM_ENTER32 pm32
        bits 32
pm32:   PM32_INIT
        mov esi, DATA
        mov ecx, COUNT
        xor eax, eax
        xor edx, edx
.sum32: movzx ebx, word [esi + ecx*2 - 2]
        add eax, ebx
        rol edx, 1
        xor edx, eax
        mov [DATA + 0x1000 + ecx*4], edx
        loop .sum32
        DUMP "pm32 sum"
        EXIT
        bits 16

; mix: AX = a scrambled AX (keeps the other registers).
mix:    xor ax, 0x5A5A
        rol ax, 3
        add ax, cx
        ret

        ROM_END
