; Calls for gdb's reverse-finish and reverse-nexti (test/gdbstub/reverse.test.ts): 32-bit protected
; mode with flat segments (base 0, so EIP is the linear address, as in the kernels gdb debugs), a
; loop calling `outer`, which calls `inner`; both set up EBP frames and count in RAM. Assembled by the
; test twice from this one source: `-f bin` gives the 64 KiB ROM at 0xF0000 (reset at F000:FFF0),
; `-f elf32` linked at 0xF0000 gives gdb the same bytes with the functions' symbols (the test checks
; that both are the same bytes).
%ifidn __OUTPUT_FORMAT__, bin
        org 0xf0000
%else
        section .text
        global start, pm32, outer, inner
%endif
COUNT_OUTER equ 0x510
COUNT_INNER equ 0x514
PASSES      equ 3
DEBUG_EXIT  equ 0xf4
SEL_CODE    equ 0x08
SEL_DATA    equ 0x10
CR0_PE      equ 1

        bits 16
start:  cli
        xor ax, ax
        mov ds, ax
        o32 lgdt [cs:gdt_desc - $$]
        mov eax, cr0
        or al, CR0_PE
        mov cr0, eax
        jmp dword SEL_CODE:pm32

        bits 32
pm32:   mov ax, SEL_DATA
        mov ds, ax
        mov es, ax
        mov ss, ax
        mov esp, 0x9f000
        xor ebp, ebp
        mov ecx, PASSES
.again: push ecx
        call outer
        pop ecx
        loop .again
        xor eax, eax
        out DEBUG_EXIT, al
        hlt

        align 16
outer:  push ebp                        ; no labels inside the functions: gdb would take them
        mov ebp, esp                    ; for functions of their own
        call inner                      ; outer + 3
        add dword [COUNT_OUTER], 1      ; outer + 8: inner's return address
        pop ebp
        ret

        align 16
inner:  push ebp
        mov ebp, esp
        add dword [COUNT_INNER], 1
        add dword [COUNT_INNER], 1
        pop ebp
        ret

        align 8
gdt:    dq 0
        dq 0x00cf9a000000ffff           ; 0x08 flat 32-bit code
        dq 0x00cf92000000ffff           ; 0x10 flat data
gdt_desc:
        dw gdt_desc - gdt - 1
        dd gdt

        times 0xfff0 - ($ - $$) db 0xff
        bits 16
        jmp 0xf000:(start - $$)        ; the reset vector
        times 0x10000 - ($ - $$) db 0xff
