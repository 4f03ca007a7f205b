/* pcscope demo guest: the second stage's entry and its BIOS-call and far-memory helpers, for
 * real-mode C compiled with gcc -m16 (32-bit stack slots: calll/retl, arguments at 4(%esp)). */
        .code16
        .section .text.start, "ax"
        .globl stage2_start
stage2_start:
        cli
        xorw %ax, %ax
        movw %ax, %ds
        movw %ax, %es
        movw %ax, %ss
        movl $0x7c00, %esp
        cld
        movw $__bss_start, %di      /* zero .bss */
        movw $__bss_end, %cx
        subw %di, %cx
        rep stosb
        sti
        movzbl %dl, %eax
        pushl %eax
        calll demo_main
        .globl demo_halt
demo_halt:
        cli
        hlt
        jmp demo_halt

/* BIOSCALL name, vector: void name(struct bios_regs *r) loads EAX..EDI, ES and DS from *r, runs
 * INT vector, and stores the registers and FLAGS back into *r. */
.macro BIOSCALL name, vector
        .globl \name
\name:
        pushl %ebp
        pushl %ebx
        pushl %esi
        pushl %edi
        pushw %ds
        pushw %es
        movl 24(%esp), %ebp         /* r (SS-relative, SS = 0) */
        movw 24(%ebp), %es
        movl 0(%ebp), %eax
        movl 4(%ebp), %ebx
        movl 8(%ebp), %ecx
        movl 12(%ebp), %edx
        movl 16(%ebp), %esi
        movl 20(%ebp), %edi
        pushl %ebp
        movw 26(%ebp), %ds
        int $\vector
        popl %ebp
        movl %eax, 0(%ebp)
        movl %ebx, 4(%ebp)
        movl %ecx, 8(%ebp)
        movl %edx, 12(%ebp)
        movl %esi, 16(%ebp)
        movl %edi, 20(%ebp)
        movw %es, 24(%ebp)
        movw %ds, 26(%ebp)
        pushfw
        popw %ax
        movw %ax, 28(%ebp)
        popw %es
        popw %ds
        popl %edi
        popl %esi
        popl %ebx
        popl %ebp
        retl
.endm

        BIOSCALL bios_int10, 0x10
        BIOSCALL bios_int12, 0x12
        BIOSCALL bios_int13, 0x13
        BIOSCALL bios_int15, 0x15
        BIOSCALL bios_int16, 0x16
        BIOSCALL bios_int1a, 0x1a

/* void far_fill(u16 seg, u8 value, u16 len): fills seg:0000..len-1 with value. */
        .globl far_fill
far_fill:
        pushl %edi
        pushw %es
        movw 10(%esp), %es
        movb 14(%esp), %al
        movzwl 18(%esp), %ecx
        xorl %edi, %edi
        rep stosb
        popw %es
        popl %edi
        retl

/* u32 far_mismatches(u16 seg, u8 value, u16 len): how many bytes of seg:0000..len-1 differ
 * from value. */
        .globl far_mismatches
far_mismatches:
        pushl %esi
        pushw %ds
        movb 14(%esp), %dl
        movzwl 18(%esp), %ecx
        movw 10(%esp), %ds
        xorl %esi, %esi
        xorl %eax, %eax
1:      testw %cx, %cx
        jz 3f
        cmpb %dl, (%si)
        je 2f
        incl %eax
2:      incw %si
        decw %cx
        jmp 1b
3:      popw %ds
        popl %esi
        retl
        .section .note.GNU-stack, "", @progbits
