; Virtual-8086 mode: entered by IRETD with EFLAGS.VM from ring 0 (TSS with ESP0 and an I/O
; bitmap), real-mode style segment arithmetic in v86, and the monitor side:
;  IOPL 0: INT n, CLI, PUSHF, POPF, IRET, HLT and a port outside the bitmap raise #GP(0);
;    the ring-0 handler reports the pushed frame (EIP CS EFLAGS ESP SS ES DS FS GS) and resumes;
;    INT3 is not IOPL-sensitive (SDM Vol. 3 "Sensitive Instructions"): it goes through the IDT,
;    where the DPL-0 gate gives #GP(3*8+2);
;    an allowed port (0xE9) works; #UD in v86 goes straight to its IDT handler.
;  IOPL 3: PUSHFD/POPFD/CLI run in v86 (the pushed image has VM clear); INT n goes through a
;    DPL-3 interrupt gate to ring 0 with the v86 segment registers on the ring-0 stack and
;    DS ES FS GS null, and IRETD returns to v86; INT to a DPL-0 gate is #GP(vector*8+2).
; CR4.VME stays 0.
%include "lib.inc"

FL_VM equ 0x20000
IOPL3 equ 0x3000

; V86_IRET eflags, eip : IRETD to v86 at F000:eip with SS:SP 0000:7000, DS 2000, ES 3000,
; FS 4000, GS 5000.
%macro V86_IRET 2
        push dword 0x5000          ; GS
        push dword 0x4000          ; FS
        push dword 0x2000          ; DS
        push dword 0x3000          ; ES
        push dword 0x0000          ; SS
        push dword 0x7000          ; ESP
        push dword %1              ; EFLAGS
        push dword 0xF000          ; CS
        push dword %2              ; EIP
        iretd
%endmacro

main:
        PM_ENTER32 pm32
        bits 32
pm32:   PM32_INIT
        mov ax, SEL_TSS
        ltr ax
        SET_GATE 6, v86_ud_handler, 0x8E
        SET_GATE 0x80, int80_handler, 0xEE      ; DPL 3
        SET_GATE 0x82, int82_handler, 0xEE      ; DPL 3
        mov dword [0x20010], 0x20010
        mov dword [0x30010], 0x30010
        mov dword [0x40010], 0x40010
        mov dword [0x50010], 0x50010
        DUMP "ring0 before v86"
        V86_IRET FL_VM | 0x002, v86a

        bits 16
; Phase A: IOPL 0. No PUSHF here: every sensitive instruction is #GP(0) to the monitor.
v86a:   mov eax, [0x10]            ; DS=0x2000: physical 0x20010
        mov ebx, [es:0x10]
        mov ecx, [fs:0x10]
        mov edx, [gs:0x10]
        mov si, cs
        mov di, ss
        mov ebp, esp
        add dword [0x10], 0x100
        mov dword [ss:RESUME], .a1
        int 0x21
.a1:    mov dword [ss:RESUME], .a2
        int3
.a2:    mov dword [ss:RESUME], .a3
        cli
.a3:    mov dword [ss:RESUME], .a4
        pushf
.a4:    mov dword [ss:RESUME], .a5
        popf
.a5:    mov dword [ss:RESUME], .a6
        iret
.a6:    mov dword [ss:RESUME], .a7
        hlt
.a7:    mov dword [ss:RESUME], .a8
        out 0x80, al
.a8:    mov al, 'v'
        out DBG_PORT, al           ; allowed by the I/O bitmap
        mov al, 10
        out DBG_PORT, al
        mov ax, 0x1234
        mov ds, ax                 ; plain real-mode segment load
        ud2                        ; #UD: straight to IDT vector 6 (v86_ud_handler)

; Phase B: IOPL 3.
v86b:   DUMP "v86 iopl3"
        pushfd
        pop eax
        cli
        pushf
        pop bx
        DUMP "v86 pushf"
        mov eax, 0x80
        int 0x80
        DUMP "v86 after int 80"
        mov dword [ss:RESUME], .b1
        int 0x81                   ; DPL-0 gate: #GP(0x81 * 8 + 2)
.b1:    mov eax, [0x10]            ; DS=0x2000 again after the IRET from the handlers
        DUMP "v86 after #gp"
        int 0x82
        bits 32

; v86_ud_handler: #UD from v86 (IOPL 0): prints the v86 frame and continues with phase B.
v86_ud_handler:
        mov ebp, esp
        mov eax, [ebp]             ; EIP
        mov ebx, [ebp + 4]         ; CS
        mov ecx, [ebp + 8]         ; EFLAGS
        mov edx, [ebp + 12]        ; ESP
        mov esi, [ebp + 16]        ; SS
        mov edi, [ebp + 24]        ; DS (0x1234 loaded in v86)
        DUMP "v86 #ud frame"
        mov eax, ds
        mov ebx, es
        mov ecx, fs
        mov edx, gs
        DUMP "ring0 data selectors"
        PM32_INIT
        V86_IRET FL_VM | IOPL3 | 0x002, v86b

; int80_handler: INT 0x80 from v86 with IOPL 3: the frame holds the v86 segment registers.
int80_handler:
        pushad
        mov ebp, esp
        mov eax, [ebp + 32]        ; EIP
        mov ebx, [ebp + 36]        ; CS
        mov ecx, [ebp + 40]        ; EFLAGS
        mov edx, [ebp + 44]        ; ESP
        mov esi, [ebp + 48]        ; SS
        mov edi, [ebp + 52]        ; ES
        DUMP "int80 frame 1"
        mov eax, [ebp + 56]        ; DS
        mov ebx, [ebp + 60]        ; FS
        mov ecx, [ebp + 64]        ; GS
        mov edx, ds
        mov esi, es
        mov edi, ss
        DUMP "int80 frame 2"
        popad
        iretd

int82_handler:
        mov eax, [esp]
        mov ebx, [esp + 8]
        DUMP "left v86"
        EXIT
        bits 16

        ROM_END
