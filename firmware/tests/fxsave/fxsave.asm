; FXSAVE and FXRSTOR in real mode under a P6 --cpu model: the 512-byte image over a 0xAA-filled
; buffer (what is written and what is left) with CR4.OSFXSR clear and set; an image edited
; (control word, tags, ST(0), MXCSR, XMM bytes) and loaded back with FXRSTOR, seen through FNSAVE
; and a second FXSAVE; and the faults: a misaligned operand (#GP) and CR0.TS (#NM).
; test/emu/cpu/exec-fxsave.test.ts runs it under QEMU 7.2 and pcscope; the logs must be identical.
; Assembled by the test (not committed).
%include "lib.inc"

IMAGE   equ DATA                ; 512-byte FXSAVE image (16-byte aligned)
SAVED   equ DATA + 0x200        ; FNSAVE image (94 bytes, 16-bit format)

; FILL : IMAGE = 512 bytes of 0xAA.
%macro FILL 0
        mov di, IMAGE
        mov cx, 512
        mov al, 0xaa
        rep stosb
%endmacro

; SHOW "name", addr, bytes : prints the name, then `bytes` bytes at addr, 16 to a line.
%macro SHOW 3
        PRINT %1
        mov si, %2
        mov cx, %3
        call hexlines
%endmacro

main:
        ; An x87 state with every kind of tag, a non-default control word and flags set.
        fninit
        mov word [SCRATCH], 0x0e7f      ; round up, 53-bit precision, all masked
        fldcw [SCRATCH]
        fld1
        fldz
        fdivp st1, st0                  ; +inf, ZE
        fldpi
        fldz
        fld1
        fchs
        FILL
        fxsave [IMAGE]
        SHOW "fxsave osfxsr=0", IMAGE, 512
        mov eax, cr4
        or eax, 0x200                   ; CR4.OSFXSR (QEMU drops it without SSE)
        mov cr4, eax
        mov eax, cr4
        DUMP "cr4", 0
        FILL
        fxsave [IMAGE]
        SHOW "fxsave osfxsr=1", IMAGE, 512

        ; Edit the image and load it back.
        mov word [IMAGE + 0], 0x037f    ; FCW
        mov word [IMAGE + 2], 0x3800    ; FSW: TOP = 7
        mov byte [IMAGE + 4], 0x81      ; tags: physical 0 and 7 in use
        mov dword [IMAGE + 24], 0x1f80 | 0x8000 | 0x3f   ; MXCSR: FZ and all flags
        mov dword [IMAGE + 32], 0x89abcdef               ; ST(0) = physical 7
        mov dword [IMAGE + 36], 0xc1234567
        mov word [IMAGE + 40], 0x4005
        mov di, IMAGE + 160             ; XMM0-7: bytes 0..127
        xor al, al
.x:     stosb
        inc al
        cmp al, 128
        jb .x
        fxrstor [IMAGE]
        fnsave [SAVED]
        SHOW "fnsave after fxrstor", SAVED, 94
        frstor [SAVED]
        FILL
        fxsave [IMAGE]
        SHOW "fxsave after fxrstor", IMAGE, 512

        ; Faults.
        EXPECT_FAULT .misaligned
        fxsave [IMAGE + 8]
.misaligned:
        EXPECT_FAULT .misaligned2
        fxrstor [IMAGE + 4]
.misaligned2:
        mov eax, cr0
        or eax, 8                       ; CR0.TS
        mov cr0, eax
        EXPECT_FAULT .nm
        fxsave [IMAGE]
.nm:    clts
        EXIT

; hexlines: prints CX bytes at DS:SI as hex, 16 bytes to a line.
hexlines:
.line:  mov dx, 16
.b:     lodsb
        call hex8
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

; hex8: prints AL as 2 hex digits.
hex8:
        push ax
        shr al, 4
        call .digit
        pop ax
        and al, 15
.digit: add al, '0'
        cmp al, '9'
        jbe .out
        add al, 'a' - '0' - 10
.out:   out DBG_PORT, al
        ret

        ROM_END
