; MMX on every --cpu model, whatever CPUID.MMX says (QEMU 7.2 runs MMX without checking it), and
; SSE there: #UD since CR4.OSFXSR cannot be set without CPUID.SSE. The x87 view of the MMX
; registers (FNSAVE: TOP, tags, the registers' bytes) after MMX instructions and after EMMS; the
; prefetch hints (0F 0D, 0F 18).
; test/emu/cpu/sse/simd.test.ts runs it under QEMU 7.2 and pcscope with the same --cpu (486,
; pentium, pentium2); the logs must be identical. Assembled by the test (not committed).
%include "lib.inc"

SAVED   equ DATA                ; FNSAVE image (94 bytes, 16-bit format)

main:
        mov eax, 1
        cpuid
        DUMP "cpuid.1"
        fninit
        fld1
        fldpi
        mov eax, 0x80ff017f
        mov ebx, 0x01020304
        movd mm0, eax
        movd mm1, ebx
        paddusb mm0, mm1
        punpcklbw mm1, mm0
        psllq mm1, 4
        movd ecx, mm0
        movd edx, mm1
        DUMP "mmx"
        fnsave [SAVED]
        mov si, SAVED
        mov cx, 94
        call hexbytes
        frstor [SAVED]
        emms
        fnsave [SAVED]
        mov si, SAVED
        mov cx, 94
        call hexbytes
        mov eax, cr4
        or eax, 0x200
        mov cr4, eax
        mov eax, cr4
        DUMP "cr4"
        EXPECT_FAULT .sse
        paddb xmm0, xmm1
.sse:   EXPECT_FAULT .sse2
        pshufw mm0, mm1, 0x1b
        DUMP "pshufw"
.sse2:  EXPECT_FAULT .prefetch
        prefetchw [SAVED]               ; 0F 0D /1: a hint on every model under QEMU 7.2
        prefetchnta [SAVED]
        ud2
.prefetch:
        EXIT

; hexbytes: prints CX bytes at DS:SI as hex, 16 to a line.
hexbytes:
.line:  mov dx, 16
.b:     lodsb
        push ax
        shr al, 4
        call .digit
        pop ax
        and al, 15
        call .digit
        dec cx
        jz .end
        dec dx
        jnz .b
        mov al, 10
        out DBG_PORT, al
        jmp .line
.end:   mov al, 10
        out DBG_PORT, al
        ret
.digit: add al, '0'
        cmp al, '9'
        jbe .out
        add al, 'a' - '0' - 10
.out:   out DBG_PORT, al
        ret

        ROM_END
