; pcscope's demo ROM: a 64 KiB BIOS image for `pcscope run` (and `npm start`).
; Build: nasm -f bin -o hello.bin hello.asm   (the built hello.bin is committed next to this file)
;
; From the reset vector it prints a banner on the debug console (port 0x402, SeaBIOS's), enters
; 32-bit protected mode, computes the CRC-32 of its own image as seen at the top of 4 GiB, checks
; that the isa-bios alias below 1 MiB shows the same bytes, prints both results, returns to real
; mode and halts with interrupts disabled (CLI; HLT), which ends `pcscope run`.
; Runs the same under `qemu-system-i386 -nodefaults -M pc -bios hello.bin
; -debugcon file:out.log -global isa-debugcon.iobase=0x402`.

        cpu     386
        bits    16
        org     0                       ; offsets in segment F000; the image shows at linear 0xF0000

ROMBASE  equ    0xF0000                 ; where the isa-bios alias shows a 64 KiB image
ROMTOP   equ    0xFFFF0000              ; where the image itself sits, below 4 GiB
ROMSIZE  equ    0x10000
DEBUGCON equ    0x402
CODE32   equ    0x08
DATA32   equ    0x10
CODE16   equ    0x18
DATA16   equ    0x20
STACKTOP equ    0x7000

; ---- real mode ---------------------------------------------------------------------------------
start:
        cli
        cld
        xor     ax, ax
        mov     ss, ax
        mov     sp, STACKTOP
        mov     ax, cs
        mov     ds, ax
        mov     si, msg_banner
        call    print16

        o32 lgdt [gdt_desc]
        mov     eax, cr0
        or      al, 1                   ; CR0.PE
        mov     cr0, eax
        jmp     dword CODE32:(ROMBASE + pm32)

; print16: writes the NUL-terminated string at DS:SI to the debug console.
print16:
        push    ax
        push    dx
        mov     dx, DEBUGCON
.next:  lodsb
        test    al, al
        jz      .done
        out     dx, al
        jmp     .next
.done:  pop     dx
        pop     ax
        ret

; ---- 32-bit protected mode -----------------------------------------------------------------------
        bits    32
pm32:
        mov     ax, DATA32
        mov     ds, ax
        mov     es, ax
        mov     ss, ax
        mov     esp, STACKTOP
        mov     esi, ROMBASE + msg_pm
        call    print32

        mov     esi, ROMTOP
        mov     ecx, ROMSIZE
        call    crc32
        mov     ebx, eax
        mov     esi, ROMBASE + msg_crc
        call    print32
        mov     eax, ebx
        call    hex32

        mov     esi, ROMBASE
        mov     ecx, ROMSIZE
        call    crc32
        mov     esi, ROMBASE + msg_alias_ok
        cmp     eax, ebx
        je      .same
        mov     esi, ROMBASE + msg_alias_bad
.same:  call    print32

        jmp     CODE16:pm16             ; 16-bit code segment based at 0xF0000

; print32: writes the NUL-terminated string at DS:ESI to the debug console.
print32:
        push    eax
        push    edx
        mov     dx, DEBUGCON
.next:  lodsb
        test    al, al
        jz      .done
        out     dx, al
        jmp     .next
.done:  pop     edx
        pop     eax
        ret

; hex32: writes EAX as 8 lowercase hex digits and a newline.
hex32:
        push    eax
        push    ecx
        push    edx
        mov     dx, DEBUGCON
        mov     ecx, 8
.digit: rol     eax, 4
        push    eax
        and     al, 0x0f
        add     al, '0'
        cmp     al, '9'
        jbe     .out
        add     al, 'a' - '0' - 10
.out:   out     dx, al
        pop     eax
        loop    .digit
        mov     al, 10
        out     dx, al
        pop     edx
        pop     ecx
        pop     eax
        ret

; crc32: EAX = CRC-32 (IEEE 802.3, as zlib) of ECX bytes at DS:ESI.
crc32:
        push    ecx
        push    edx
        push    esi
        mov     eax, 0xFFFFFFFF
.byte:  xor     al, [esi]
        inc     esi
        mov     edx, 8
.bit:   shr     eax, 1
        jnc     .skip
        xor     eax, 0xEDB88320
.skip:  dec     edx
        jnz     .bit
        loop    .byte
        not     eax
        pop     esi
        pop     edx
        pop     ecx
        ret

; ---- back to real mode ---------------------------------------------------------------------------
        bits    16
pm16:
        mov     ax, DATA16              ; 64 KiB limits before leaving protected mode
        mov     ds, ax
        mov     es, ax
        mov     ss, ax
        mov     eax, cr0
        and     al, 0xFE
        mov     cr0, eax
        jmp     0xF000:real16
real16:
        xor     ax, ax
        mov     ss, ax
        mov     es, ax
        mov     ax, cs
        mov     ds, ax
        mov     si, msg_real
        call    print16
        cli
.halt:  hlt
        jmp     .halt

; ---- data ----------------------------------------------------------------------------------------
msg_banner:     db "pcscope demo ROM: hello from real mode at F000:FFF0", 10, 0
msg_pm:         db "entered 32-bit protected mode", 10, 0
msg_crc:        db "crc32 of the 64 KiB ROM at 0xffff0000: ", 0
msg_alias_ok:   db "the isa-bios alias at 0xf0000 shows the same bytes", 10, 0
msg_alias_bad:  db "the isa-bios alias at 0xf0000 DIFFERS", 10, 0
msg_real:       db "back in real mode; halting with interrupts disabled", 10, 0

        align   8
gdt:    dq      0
        ; CODE32: base 0, limit 4 GiB, 32-bit, execute/read, accessed (no write-back to ROM)
        dw      0xFFFF, 0x0000
        db      0x00, 0x9B, 0xCF, 0x00
        ; DATA32: base 0, limit 4 GiB, read/write, accessed
        dw      0xFFFF, 0x0000
        db      0x00, 0x93, 0xCF, 0x00
        ; CODE16: base 0xF0000, limit 64 KiB, 16-bit, execute/read, accessed
        dw      0xFFFF, 0x0000
        db      0x0F, 0x9B, 0x00, 0x00
        ; DATA16: base 0, limit 64 KiB, read/write, accessed
        dw      0xFFFF, 0x0000
        db      0x00, 0x93, 0x00, 0x00
gdt_end:
gdt_desc:
        dw      gdt_end - gdt - 1
        dd      ROMBASE + gdt

; ---- reset vector at 0xFFFFFFF0 (F000:FFF0) --------------------------------------------------------
        times   0xFFF0 - ($ - $$) db 0xFF
reset:  jmp     0xF000:start
        times   ROMSIZE - ($ - $$) db 0xFF
