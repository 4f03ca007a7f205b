; Faulting instructions have no effect. With paging on and CR0.WP=1, ring-3 code runs
; instructions that write to a read-only user page (0x5000) and take #PF (err 7) on the ring-0
; stack. The fault line shows the registers and EFLAGS at the fault, which must be those from
; before the instruction; the handler then resumes after it. Covered: read-modify-write ALU ops
; (with and without LOCK), shifts, BTS, XADD/XCHG/CMPXCHG/CMPXCHG8B (registers not updated),
; MOVSD (ESI/EDI unchanged), REP STOSD (stops with ECX/EDI counting the completed iterations),
; stack writes (PUSH, CALL, ENTER: ESP/EBP unchanged) and POP to a read-only destination (ESP
; unchanged). PUSHAD is left out: the order of its eight writes, and so CR2, is not specified.
%include "lib.inc"

PD   equ 0x10000
PT0  equ 0x11000
RO   equ 0x5000             ; the read-only page
SAVED_ESP equ SCRATCH

; T "name", {insn}[, {pre}] : known registers and EFLAGS (all arithmetic flags set), `pre`
; (which must not change EFLAGS), the instruction (expected to fault and be skipped), then a
; dump on a good stack and the ESP left by the fault.
%macro T 2-3
        mov eax, 0x11111111
        mov ebx, 0x22222222
        mov ecx, 0x00000004
        mov edx, 0x44444444
        mov esi, DATA
        mov edi, RO
        mov ebp, 0x66666666
        mov dword [ss:RESUME], %%next
        push dword 0x8D7
        popfd
        %3
        %2
%%next: mov [ss:SAVED_ESP], esp
        mov esp, STACK3
        DUMP {%1}
        push eax
        mov eax, [ss:SAVED_ESP]
        DUMPA "  esp"
        pop eax
%endmacro

main:
        PM_ENTER32 pm32
        bits 32
pm32:   PM32_INIT
        mov ax, SEL_TSS
        ltr ax
        SET_GATE 0x82, int82_handler, 0xEE
        mov dword [RO], 0xC0FFEE00
        mov dword [RO + 4], 0x12345678
        mov dword [DATA], 0xABCDEF01
        mov edi, PT0
        mov eax, 0x007                                 ; present, writable, user
.pt:    stosd
        add eax, 0x1000
        cmp edi, PT0 + 4096
        jb .pt
        mov dword [PT0 + (RO >> 12) * 4], RO | 5       ; present, read-only, user
        mov dword [PD], PT0 | 7
        mov eax, PD
        mov cr3, eax
        mov eax, cr0
        or eax, 0x80010000                             ; PG, WP
        mov cr0, eax
        push dword SEL_DATA32U | 3
        push dword STACK3
        push dword 0x002
        push dword SEL_CODE32U | 3
        push dword ring3
        iretd

ring3:  mov ax, SEL_DATA32U | 3
        mov ds, ax
        mov es, ax
        T "add m32,eax", {add [RO], eax}
        T "lock add m32,eax", {lock add [RO], eax}
        T "inc m32", {inc dword [RO]}
        T "neg m32", {neg dword [RO]}
        T "shl m32,1", {shl dword [RO], 1}
        T "rol m32,cl", {rol dword [RO], cl}
        T "shld m32,ebx,4", {shld [RO], ebx, 4}
        T "bts m32,ecx", {bts [RO], ecx}
        T "xadd m32,ebx", {xadd [RO], ebx}
        T "xchg m32,eax", {xchg [RO], eax}
        T "cmpxchg m32 eq", {cmpxchg [RO], ebx}, {mov eax, [RO]}
        T "cmpxchg m32 ne", {cmpxchg [RO], ebx}
        T "cmpxchg8b ne", {cmpxchg8b [RO]}
        T "movsd", {movsd}
        T "rep stosd", {rep stosd}, {lea edi, [edi - 8]}
        T "push", {push eax}, {mov esp, RO + 0x1000}
        T "call", {call near $}, {mov esp, RO + 0x1000}
        T "enter", {enter 16, 0}, {mov esp, RO + 0x1000}
        T "pop m32", {pop dword [RO]}, {push dword 0x99}
        mov eax, [RO]
        mov ebx, [RO + 4]
        mov ecx, [RO - 8]
        mov edx, [RO - 4]
        DUMP "memory after"
        int 0x82

int82_handler:
        EXIT
        bits 16

        ROM_END
