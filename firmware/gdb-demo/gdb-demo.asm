; gdb-demo: a 64 KiB BIOS image for the gdb stub's tests. It resets in real mode like SeaBIOS
; (F000:FFF0 jumps to F000:E05B), counts a word variable in RAM (watchpoint target), runs two
; adjacent one-byte instructions (the swbreak case), prints "hello from gdb-demo" to the debug port
; 0x402, switches to 32-bit protected mode and spins incrementing a dword (interrupt target).
; Build: firmware/gdb-demo/build.sh (nasm -f elf32, ld -Ttext=0xf0000, objcopy -O binary, nm).
; Labels are linked at their linear addresses (0xfXXXX), so the nm listing matches gdb's $pc;
; `label - $$` is a label's offset in segment F000 (the section starts at 0xf0000).

        bits 16
        section .text

DEBUG_PORT      equ 0x402
LOOPS           equ 1000

        global counter, counter32, start, count_loop, after_loop, adj1, adj2, print_loop
        global to_protected, pm32, spin, gdt, msg
counter         equ 0x500               ; word, real-mode loop counter
counter32       equ 0x504               ; dword, protected-mode spin counter

        times 0xe05b - ($ - $$) db 0xff

start:                                  ; F000:E05B, linear 0xfe05b
        cli
        xor ax, ax
        mov ds, ax
        mov ss, ax
        mov sp, 0x7000
        mov word [counter], 0
count_loop:
        inc word [counter]              ; write (and read) of the variable
        mov ax, [counter]               ; read of the variable
        cmp ax, LOOPS
        jb count_loop
after_loop:
        xor bx, bx
adj1:   nop                             ; two adjacent one-byte instructions
adj2:   inc bx
        mov dx, DEBUG_PORT
        mov si, msg - $$
print_loop:
        cs lodsb
        test al, al
        jz to_protected
        out dx, al
        jmp print_loop
to_protected:
        o32 lgdt [cs:gdt_desc - $$]
        mov eax, cr0
        or al, 1
        mov cr0, eax
        jmp dword 0x08:pm32

        bits 32
pm32:
        mov ax, 0x10
        mov ds, ax
        mov es, ax
        mov ss, ax
        mov esp, 0x8000
        mov dword [counter32], 0
spin:
        inc dword [counter32]
        jmp spin

        align 8
gdt:    dq 0
        dq 0x00cf9a000000ffff           ; 0x08: flat 32-bit code
        dq 0x00cf92000000ffff           ; 0x10: flat 32-bit data
gdt_desc:
        dw 3 * 8 - 1
        dd gdt
msg:    db "hello from gdb-demo", 10, 0

        bits 16
        times 0xfff0 - ($ - $$) db 0xff
reset_vector:                           ; F000:FFF0
        jmp 0xf000:start - $$
        times 0x10000 - ($ - $$) db 0xff
