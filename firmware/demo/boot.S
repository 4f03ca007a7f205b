/* pcscope demo guest: the boot sector. INT 19h loads it at 0000:7C00 with DL = boot drive; it
 * loads the second stage (right behind it on the disk) to 0000:7E00 with INT 13h AH=02h (CHS)
 * and jumps there. Byte 0x1b0 is demo_reset_mode, the warm-reset test switch (see stage2.c). */
        .code16
        .section .boot, "ax"
        .globl boot_start
boot_start:
        ljmp $0, $boot_main         /* normalise CS:IP to 0000:7Cxx */
boot_main:
        cli
        xorw %ax, %ax
        movw %ax, %ds
        movw %ax, %es
        movw %ax, %ss
        movl $0x7c00, %esp
        sti
        pushw %dx                   /* the boot drive; the sector itself stays unmodified */
        movw $msg_boot, %si
        call boot_puts
        popw %dx
        pushw %dx
        movb $0x02, %ah             /* read sectors (CHS) */
        movb $stage2_sectors, %al
        movw $0x0002, %cx           /* cylinder 0, sector 2 */
        xorb %dh, %dh               /* head 0 */
        movw $0x7e00, %bx           /* ES:BX = 0000:7E00 */
        int $0x13
        jc boot_fail
        popw %dx
        ljmp $0, $stage2_start

boot_fail:
        movw $msg_fail, %si
        call boot_puts
1:      cli
        hlt
        jmp 1b

/* boot_puts: prints the NUL-terminated string at DS:SI with INT 10h teletype. */
boot_puts:
        lodsb
        testb %al, %al
        jz 1f
        movb $0x0e, %ah
        movw $0x0007, %bx
        int $0x10
        jmp boot_puts
1:      ret

msg_boot:
        .asciz "demo boot sector: loaded at 0000:7c00, loading stage 2 with INT 13h AH=02h\r\n"
msg_fail:
        .asciz "demo boot sector: INT 13h failed to read stage 2; halting\r\n"
        .org 0x1b0
/* 0: no reset; 1: reset through port 0xcf9; 2: through the i8042 (0xfe to port 0x64).
 * Stage 2 sets bit 7 (on disk) before it resets, so the reset happens once. */
        .globl demo_reset_mode
demo_reset_mode:
        .byte 0
        .org 0x1fe
        .byte 0x55, 0xaa
        .section .note.GNU-stack, "", @progbits
