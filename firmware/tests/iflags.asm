; EFLAGS.IF and IOPL handling: STI/CLI/POPF in real mode, INT clearing IF and IRET restoring
; it, interrupt gates clearing IF and trap gates keeping it, POPF(D) at CPL 0 changing IOPL,
; at CPL 3 with IOPL 0 silently keeping IF and IOPL (CLI/STI are #GP), at CPL 3 with IOPL 3
; changing IF but not IOPL (CLI/STI allowed).
; The ROM masks both 8259 PICs first (OCW1, IMR=0xFF), so that no device interrupt (QEMU's PIT
; runs from reset) is delivered while IF=1; a machine without PICs ignores those writes.
%include "lib.inc"

FL_IF equ 0x200

main:
        mov al, 0xFF
        out 0x21, al
        out 0xA1, al
        mov word [0x80 * 4], int80_16
        mov word [0x80 * 4 + 2], cs
        sti
        pushf
        pop ax
        int 0x80                   ; the handler sees IF=0 (in BX), IRET restores IF=1
        pushf
        pop cx
        cli
        pushf
        pop dx
        push word 0x3202           ; IOPL 3, IF
        popf
        pushf
        pop si
        push word 0x0002
        popf
        DUMP "real if"
        PM_ENTER32 pm32
        bits 32
pm32:   PM32_INIT
        mov ax, SEL_TSS
        ltr ax
        SET_GATE 0x80, int80_32, 0xEE       ; interrupt gate, DPL 3
        SET_GATE 0x81, int80_32, 0xEF       ; trap gate, DPL 3
        SET_GATE 0x82, int82_32, 0xEE
        sti
        int 0x80
        mov esi, eax                ; EFLAGS inside the interrupt gate handler
        int 0x81
        mov edi, eax                ; EFLAGS inside the trap gate handler
        pushfd
        pop ebx
        push dword 0x3202           ; CPL 0 may change IOPL
        popfd
        pushfd
        pop ecx
        push dword 0x0202
        popfd
        DUMP "pm0 gates"
        ; ring 3 with IOPL 0 and IF 1
        push dword SEL_DATA32U | 3
        push dword STACK3
        push dword 0x0202
        push dword SEL_CODE32U | 3
        push dword ring3a
        iretd
ring3a: push dword 0x3002           ; try IF=0 and IOPL=3: both silently kept
        popfd
        pushfd
        pop eax
        mov dword [ss:RESUME], .a1
        cli                         ; #GP(0)
.a1:    mov dword [ss:RESUME], .a2
        sti                         ; #GP(0)
.a2:    DUMP "ring3 iopl0"
        int 0x82                    ; to ring 0, then ring 3 again with IOPL 3
ring3b: cli
        pushfd
        pop eax
        sti
        pushfd
        pop ebx
        push dword 0x0002           ; IF=0 is taken, IOPL=0 is ignored at CPL 3
        popfd
        pushfd
        pop ecx
        push dword 0x0202
        popfd
        pushfd
        pop edx
        DUMP "ring3 iopl3"
        PRINT "done"
        mov al, 0
        out EXIT_PORT, al           ; allowed by the I/O bitmap
        jmp $

; int80_32: returns the handler's EFLAGS in EAX.
int80_32:
        pushfd
        pop eax
        iretd

; int82_32: from ring 3 (IOPL 0): back to ring 3 with IOPL 3.
int82_32:
        mov eax, [esp + 8]          ; the caller's EFLAGS
        DUMP "int82 frame eflags"
        PM32_INIT
        push dword SEL_DATA32U | 3
        push dword STACK3
        push dword 0x3202
        push dword SEL_CODE32U | 3
        push dword ring3b
        iretd
        bits 16

; int80_16: real mode: returns FLAGS inside the handler in BX.
int80_16:
        pushf
        pop bx
        iret

        ROM_END
