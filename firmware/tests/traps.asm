; Single-step traps (EFLAGS.TF): the #DB trap is taken after each instruction that started with
; TF set, with the saved IP/EIP at the next instruction (the branch target for taken jumps and
; LOOP, the same REP instruction between iterations); the POPF that clears TF is still followed
; by a trap; the handler runs with TF clear (the INT/interrupt gate clears it) and IRET restores
; it. In real mode through the IVT, then in 32-bit protected mode through an interrupt gate.
%include "lib.inc"

STEPS equ SCRATCH           ; trap counter

; TRACED : the instruction sequence run with TF set (the same bytes in 16- and 32-bit code).
%macro TRACED 0
        pushf
        or word [esp], 0x100       ; (16-bit: [esp] with a 32-bit address, SP < 64 KiB)
        popf                       ; TF=1 from here; no trap after this POPF itself
        nop
        inc eax
        add eax, 5
        jmp short %%t
        nop
%%t:    mov ecx, 3
        mov esi, DATA
        mov edi, DATA + 0x40
        rep movsb                  ; a trap after every iteration
        mov ecx, 2
%%l:    dec ebx
        loop %%l
        pushf
        and word [esp], ~0x100
        popf                       ; clears TF; a trap still follows it
        nop                        ; not traced
%endmacro

main:
        mov word [1 * 4], db16
        mov word [1 * 4 + 2], cs
        xor eax, eax
        xor ebx, ebx
        mov dword [STEPS], 0
        TRACED
        mov edx, [STEPS]
        DUMP "real mode traced"
        PM_ENTER32 pm32
        bits 32
pm32:   PM32_INIT
        SET_GATE 1, db32, 0x8E
        xor eax, eax
        xor ebx, ebx
        mov dword [STEPS], 0
        TRACED
        mov edx, [STEPS]
        DUMP "pm traced"
        EXIT

; db32: #DB (trap) in protected mode: prints the saved EIP and EFLAGS and the registers.
db32:
        inc dword [ss:STEPS]
        push eax
        push ecx
        mov eax, [esp + 8]         ; EIP
        mov ecx, [esp + 16]        ; EFLAGS (TF set)
        DUMP "db32"
        pop ecx
        pop eax
        iretd
        bits 16

; db16: #DB in real mode.
db16:
        inc dword [ss:STEPS]
        push bp
        push eax
        push ecx
        mov bp, sp
        movzx eax, word [bp + 10]  ; IP
        movzx ecx, word [bp + 14]  ; FLAGS (TF set)
        DUMP "db16"
        pop ecx
        pop eax
        pop bp
        iret

        ROM_END
