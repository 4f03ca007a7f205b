/* pcscope BIOS: the 16-bit entry points. The reset vector, the switch to 32-bit flat protected
 * mode and back (call32, like SeaBIOS's transition32/transition16), and the interrupt stubs that
 * save the caller's registers as a struct bregs and run a C handler in 32-bit mode.
 * All of this runs with CS = F000 (the F segment of the ROM or of its shadow in RAM). */

#define BIOS_STACK_SEG 0x9e00        /* the 32-bit C stack: 0x9e000..0xa0000 */
#define BIOS_STACK_TOP 0x2000
#define POST_STACK_TOP 0x7000        /* real-mode stack during POST (SS = 0) */
#define DEBUG_PORT 0x402
#define SEG_CODE32 0x08
#define SEG_DATA32 0x10
#define SEG_CODE16 0x18
#define SEG_DATA16 0x20
#define CR0_PE 1

/* The offset of a label in the F segment (this section is linked at 0xf0000). */
#define OFF(sym) ((sym) - fseg_start)

        .section .text16, "ax"
        .code16
fseg_start:

/* puts16: writes the NUL-terminated string at CS:SI to the debug console. Clobbers AL, DX, SI. */
puts16:
        movw $DEBUG_PORT, %dx
1:      movb %cs:(%si), %al
        incw %si
        testb %al, %al
        jz 2f
        outb %al, %dx
        jmp 1b
2:      ret

/* reset_vector jumps here (F000:entry_post) after a power-on or a reset. */
        .globl entry_post
entry_post:
        cli
        cld
        xorw %ax, %ax
        movw %ax, %ss
        movl $POST_STACK_TOP, %esp
        movw $OFF(msg_reset), %si
        call puts16
        movw $OFF(msg_t32), %si
        call puts16
        xorl %eax, %eax
        movl $post_main, %ebx
        call call32
        movw $OFF(msg_t16), %si
        call puts16
        int $0x19
        /* int19_entry never returns; if it did, say so and stop. */
        movw $OFF(msg_int19_ret), %si
        call puts16
3:      cli
        hlt
        jmp 3b

/* call32_regs: for interrupt stubs. The bregs frame sits just above our return address on the
 * caller's stack; EBX = the C handler. Runs handler(&frame) in 32-bit mode and returns. */
call32_regs:
        cli
        xorl %eax, %eax
        movw %ss, %ax
        shll $4, %eax
        movzwl %sp, %ecx
        addl %ecx, %eax
        addl $2, %eax               /* skip our own return address */
        /* fall through */

/* call32: EBX = a 32-bit C function, EAX = its one argument. Switches to the BIOS stack,
 * enters 32-bit flat protected mode (transition32), calls EBX(EAX), comes back to real mode
 * (transition16) and to the caller's SS:ESP. Interrupts stay off throughout. Clobbers EAX,
 * ECX, EDX, ESI and the segment registers other than CS and SS. */
        .globl call32
call32:
        cli
        movw %ss, %cx
        movl %esp, %edx
        movw $BIOS_STACK_SEG, %si
        movw %si, %ss
        movl $BIOS_STACK_TOP, %esp
        pushl %edx
        pushw %cx
        /* transition32 */
        lgdtl %cs:OFF(gdt_desc)
        movl %cr0, %ecx
        orl $CR0_PE, %ecx
        movl %ecx, %cr0
        ljmpl $SEG_CODE32, $transition32_flat

        .code32
transition32_flat:
        movw $SEG_DATA32, %cx
        movw %cx, %ds
        movw %cx, %es
        movw %cx, %fs
        movw %cx, %gs
        movw %cx, %ss
        movzwl %sp, %esp
        addl $(BIOS_STACK_SEG << 4), %esp
        cld
        pushl %eax
        call *%ebx
        addl $4, %esp
        /* transition16: to a 16-bit protected-mode segment, then clear PE. */
        ljmpl $SEG_CODE16, $OFF(transition16_pm)

        .code16
transition16_pm:
        movw $SEG_DATA16, %cx
        movw %cx, %ds
        movw %cx, %es
        movw %cx, %fs
        movw %cx, %gs
        movw %cx, %ss
        movl %cr0, %ecx
        andl $~CR0_PE, %ecx
        movl %ecx, %cr0
        ljmp $0xf000, $OFF(transition16_rm)
transition16_rm:
        movw $BIOS_STACK_SEG, %cx
        movw %cx, %ss
        subl $(BIOS_STACK_SEG << 4), %esp
        xorw %cx, %cx
        movw %cx, %ds
        movw %cx, %es
        popw %cx
        popl %edx
        movw %cx, %ss
        movl %edx, %esp
        ret

/* An interrupt stub: saves the caller's registers as a struct bregs, runs the C handler in
 * 32-bit mode, restores the (possibly changed) registers and returns with IRET. */
.macro INT_STUB name, handler
        .globl \name
\name:
        pushal
        pushw %es
        pushw %ds
        movl $\handler, %ebx
        call call32_regs
        popw %ds
        popw %es
        popal
        iret
.endm

        INT_STUB int10_entry, int10_handler
        INT_STUB int11_entry, int11_handler
        INT_STUB int12_entry, int12_handler
        INT_STUB int13_entry, int13_handler
        INT_STUB int15_entry, int15_handler
        INT_STUB int16_entry, int16_handler
        INT_STUB int18_entry, int18_handler
        INT_STUB int1a_entry, int1a_handler

/* INT 19h: int19_handler loads the boot sector to 0000:7C00 (or reports why not and halts);
 * then jump to it with DL = 0x80 as a BIOS does. */
        .globl int19_entry
int19_entry:
        pushal
        pushw %es
        pushw %ds
        movl $int19_handler, %ebx
        call call32_regs
        cli
        xorw %ax, %ax
        movw %ax, %ds
        movw %ax, %es
        movw %ax, %ss
        movl $0x7c00, %esp
        movl $0x80, %edx
        sti
        ljmp $0, $0x7c00

/* IRQ0 (INT 08h): the 18.2 Hz PIT tick. Counts ticks in the BDA (0040:006C), wraps at midnight
 * (0x1800B0 ticks, setting 0040:0070), calls the user hook INT 1Ch, acknowledges the PIC. */
        .globl irq0_entry
irq0_entry:
        pushl %eax
        pushw %ds
        xorw %ax, %ax
        movw %ax, %ds
        incl 0x46c
        cmpl $0x1800b0, 0x46c
        jb 1f
        movl $0, 0x46c
        movb $1, 0x470
1:      int $0x1c
        movb $0x20, %al
        outb %al, $0x20
        popw %ds
        popl %eax
        iret

/* A spurious or unexpected IRQ on the master PIC: acknowledge it. */
        .globl irq_master_entry
irq_master_entry:
        pushw %ax
        movb $0x20, %al
        outb %al, $0x20
        popw %ax
        iret

/* An unexpected IRQ on the slave PIC: acknowledge both PICs. */
        .globl irq_slave_entry
irq_slave_entry:
        pushw %ax
        movb $0x20, %al
        outb %al, $0xa0
        outb %al, $0x20
        popw %ax
        iret

/* Any other vector: return at once. */
        .globl iret_entry
iret_entry:
        iret

msg_reset:
        .asciz "reset_vector: F000:FFF0 -> entry_post (16-bit real mode)\n"
msg_t32:
        .asciz "call32: transition32 to 32-bit flat protected mode for post_main\n"
msg_t16:
        .asciz "call32: transition16 back to 16-bit real mode; INT 19h\n"
msg_int19_ret:
        .asciz "entry_post: INT 19h returned; halting\n"

/* The GDT: flat 32-bit code and data, and 16-bit code (base F0000) and data segments with
 * 64 KiB limits for the way back to real mode. */
        .balign 8
gdt:
        .quad 0
        .quad 0x00cf9b000000ffff    /* 0x08: 32-bit code, base 0, limit 4 GiB */
        .quad 0x00cf93000000ffff    /* 0x10: 32-bit data, base 0, limit 4 GiB */
        .quad 0x00009b0f0000ffff    /* 0x18: 16-bit code, base 0xf0000, limit 64 KiB */
        .quad 0x000093000000ffff    /* 0x20: 16-bit data, base 0, limit 64 KiB */
gdt_end:
gdt_desc:
        .word gdt_end - gdt - 1
        .long gdt

/* The reset vector at F000:FFF0, then the ROM date and the PC model byte. */
        .org 0xfff0
        .globl reset_vector
reset_vector:
        ljmp $0xf000, $OFF(entry_post)
        .ascii "01/01/26"
        .byte 0
        .byte 0xfc
        .byte 0
        .section .note.GNU-stack, "", @progbits
