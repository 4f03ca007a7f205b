; Privilege levels: a TSS with ESP0/SS0 and an I/O bitmap, IRET from ring 0 to ring 3 (data
; segment registers with DPL < CPL become null), INT from ring 3 through a DPL-3 interrupt gate
; and a trap gate to ring 0 and IRET back, a call gate with two dword parameters and RETF n, a
; far call to a conforming code segment (CPL stays 3),
; faults raised in ring 3 and reported by the ring-0 handler with their error codes (INT through
; a DPL-0 gate, CLI/HLT/MOV CR0 at CPL 3, a port outside the I/O bitmap, a DPL-0 data selector),
; POPFD at CPL 3 not changing IOPL/IF, and task switches through a second TSS (JMP and CALL to
; a TSS selector, IRET with NT back to the caller).
%include "lib.inc"

; RESUME3 label : from ring 3, the next fault resumes at label (still in ring 3).
%macro RESUME3 1
        mov dword [ss:RESUME], %1
%endmacro

main:
        PM_ENTER32 pm32
        bits 32
pm32:   PM32_INIT
        mov ax, SEL_TSS
        ltr ax
        SET_GATE 0x80, int80_handler, 0xEE     ; interrupt gate, DPL 3
        SET_GATE 0x81, int81_handler, 0xEF     ; trap gate, DPL 3
        SET_GATE 0x82, int82_handler, 0xEE     ; interrupt gate, DPL 3: leave ring 3
        ; GDT 0x40: 386 call gate, DPL 3, 2 dword parameters -> SEL_CODE32:cgate_target
        mov dword [GDT_BASE + SEL_CGATE], (SEL_CODE32 << 16) + cgate_target
        mov dword [GDT_BASE + SEL_CGATE + 4], 0x0000EC02
        mov eax, 0x1111
        mov ebx, 0x2222
        DUMP "ring0 before iret"
        push dword SEL_DATA32U | 3
        push dword STACK3
        push dword 0x002
        push dword SEL_CODE32U | 3
        push dword ring3
        iretd

ring3:  mov eax, cs
        mov ebx, ss
        mov ecx, ds                ; DPL 0 data in DS ES FS GS: nulled by the IRET
        mov edx, es
        mov esi, fs
        mov edi, gs
        DUMP "ring3 entered"
        mov ax, SEL_DATA32U | 3
        mov ds, ax
        mov es, ax
        mov eax, 0x80
        mov ebx, 0xB0B0
        int 0x80
        DUMP "ring3 after int 80"
        mov eax, 0x81
        int 0x81
        DUMP "ring3 after int 81"
        push dword 0xAAAA0001
        push dword 0xBBBB0002
        mov eax, 0x40
        call SEL_CGATE | 3 : 0
        DUMP "ring3 after call gate"
        ; a conforming DPL-0 code segment runs at CPL 3 (CS.RPL stays 3)
        call SEL_CONF | 3 : conf_target
        DUMP "ring3 after conforming call"
        ; faults at CPL 3
        RESUME3 .f1
        int 0x31                   ; DPL-0 gate: #GP(0x31 * 8 + 2)
.f1:    RESUME3 .f2
        cli                        ; IOPL 0 < CPL 3: #GP(0)
.f2:    RESUME3 .f3
        hlt                        ; #GP(0)
.f3:    RESUME3 .f4
        mov eax, cr0               ; #GP(0)
.f4:    RESUME3 .f5
        mov al, 0x41
        out 0x80, al               ; port 0x80 is not allowed by the I/O bitmap: #GP(0)
.f5:    RESUME3 .f6
        mov ax, SEL_DATA32
        mov ds, ax                 ; DPL 0 < CPL 3: #GP(0x10)
.f6:    RESUME3 .f7
        mov ax, SEL_DATA32U | 3
        mov ds, ax
        mov ax, SEL_DATA32U
        mov ss, ax                 ; RPL 0 != CPL 3: #GP(0x30)
.f7:    RESUME3 .f8
        jmp SEL_CODE32:0           ; non-conforming DPL 0 code: #GP(0x08)
.f8:    mov ax, SEL_DATA32U | 3
        mov ds, ax
        ; POPFD at CPL 3 with IOPL 0: IOPL and IF are silently kept
        push dword 0x3202 | FL_CF
        popfd
        pushfd
        pop eax
        DUMP "ring3 popfd"
        mov al, 'x'
        out DBG_PORT, al           ; allowed by the I/O bitmap
        mov al, 10
        out DBG_PORT, al
        int 0x82                   ; back to ring 0 for good

; int80_handler: ring 0 via a DPL-3 interrupt gate: prints the frame pushed on the ring-0 stack
; (EIP CS EFLAGS ESP SS), the current SS:ESP and that IF is clear; IRET back to ring 3.
int80_handler:
        pushad
        mov ebp, esp
        mov eax, [ebp + 32]        ; EIP
        mov ebx, [ebp + 36]        ; CS
        mov ecx, [ebp + 40]        ; EFLAGS
        mov edx, [ebp + 44]        ; ESP
        mov esi, [ebp + 48]        ; SS
        mov edi, ss
        DUMP "int80 frame"
        popad
        add eax, 0x100
        iretd

; int81_handler: the same through a trap gate.
int81_handler:
        pushad
        mov ebp, esp
        mov eax, [ebp + 32]
        mov ebx, [ebp + 36]
        mov ecx, [ebp + 40]
        mov edx, [ebp + 44]
        mov esi, [ebp + 48]
        mov edi, ss
        DUMP "int81 frame"
        popad
        iretd

; cgate_target: ring 0 through the call gate: the ring-0 stack holds EIP CS, the two copied
; parameters, then the caller's ESP and SS. Returns with RETF 8.
cgate_target:
        pushad
        mov ebp, esp
        mov eax, [ebp + 32]        ; EIP
        mov ebx, [ebp + 36]        ; CS
        mov ecx, [ebp + 40]        ; parameter pushed last
        mov edx, [ebp + 44]        ; parameter pushed first
        mov esi, [ebp + 48]        ; caller ESP
        mov edi, [ebp + 52]        ; caller SS
        DUMP "call gate frame"
        popad
        retf 8

; conf_target: reached by a far call to the conforming segment from ring 3.
conf_target:
        mov eax, cs
        mov ebx, ss
        mov ecx, [esp + 4]         ; the caller's CS
        DUMP "conforming code"
        retf

; int82_handler: leaves ring 3 for good; continues in ring 0 with the task-switch tests.
int82_handler:
        mov eax, [esp + 4]
        mov ebx, ss
        mov ecx, ds
        DUMP "ring0 again"
        PM32_INIT
        ; TSS2: a task at task2 with its own stack and registers
        mov edi, TSS2_BASE
        xor eax, eax
        mov ecx, 0x68 / 4
        rep stosd
        mov dword [TSS2_BASE + 0x1C], 0                ; CR3
        mov dword [TSS2_BASE + 0x20], task2            ; EIP
        mov dword [TSS2_BASE + 0x24], 0x002            ; EFLAGS
        mov dword [TSS2_BASE + 0x28], 0x2A2A2A2A       ; EAX
        mov dword [TSS2_BASE + 0x2C], 0x2C2C2C2C       ; ECX
        mov dword [TSS2_BASE + 0x38], 0x7000           ; ESP
        mov dword [TSS2_BASE + 0x48], SEL_DATA32       ; ES
        mov dword [TSS2_BASE + 0x4C], SEL_CODE32       ; CS
        mov dword [TSS2_BASE + 0x50], SEL_DATA32       ; SS
        mov dword [TSS2_BASE + 0x54], SEL_DATA32       ; DS
        mov dword [TSS2_BASE + 0x58], SEL_DATA32       ; FS
        mov dword [TSS2_BASE + 0x5C], SEL_DATA32       ; GS
        mov word [TSS2_BASE + 0x66], 0x68              ; no I/O bitmap
        mov eax, 0x1A1A1A1A
        mov ebx, 0x1B1B1B1B
        jmp SEL_TSS2:0
task1_back:
        str cx
        mov edx, [TSS_BASE + 0x20]                     ; EIP saved in TSS1 at the switch
        DUMP "task1 after jmp back"
        mov eax, [GDT_BASE + SEL_TSS2 + 4]
        mov ebx, [GDT_BASE + SEL_TSS + 4]
        DUMP "tss descriptors (busy bits)"
        ; CALL to the (now available) TSS2 again: it resumes after its JMP, sees NT and a back
        ; link, and IRETs back here
        call SEL_TSS2:0
        pushfd
        pop esi
        str cx
        mov edx, [TSS2_BASE + 0x20]                    ; EIP saved in TSS2 by the IRET
        DUMP "task1 after call/iret"
        EXIT

task2:  str dx
        mov esi, [TSS_BASE + 0x20]                     ; task1's saved EIP
        pushfd
        pop edi
        DUMP "task2 via jmp"
        jmp SEL_TSS:0
        ; resumed here by the CALL
        pushfd
        pop edi
        str dx
        movzx esi, word [TSS2_BASE + 0]                ; back link
        DUMP "task2 via call"
        iretd
        bits 16

        ROM_END
