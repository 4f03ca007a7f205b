; Real-mode string instructions, prefixes and control transfer: MOVS STOS LODS SCAS CMPS OUTS in
; both directions, REP/REPE/REPNE (including CX=0, and ECX with an address-size prefix), segment
; overrides, 64 KiB offset wraparound, operand/address-size prefixes, LOOP/LOOPE/LOOPNE/JCXZ/
; JECXZ, ENTER/LEAVE, XLAT, PUSH/POP forms, near/far CALL/RET/JMP, INT/INT3/INTO/IRET, BOUND,
; LDS/LES/LFS/LGS/LSS, LEA.
%include "lib.inc"

SEG2 equ 0x2000             ; ES for destinations (0x20000)
SEG3 equ 0x3000             ; a second segment (0x30000)

; SHOW "name", addr : dumps the 16 bytes at addr (with its segment) as EAX EBX ECX EDX; keeps
; every register and EFLAGS.
%macro SHOW 2
        pushfd
        pushad
        mov eax, [%2]
        mov ebx, [%2 + 4]
        mov ecx, [%2 + 8]
        mov edx, [%2 + 12]
        DUMP {%1}
        popad
        popfd
%endmacro

; SETUP flags : DS=0, ES=SEG2, SI=DATA, DI=0x100, CX=4, EAX=0x44332211, flags as given, and
; fresh source (DATA: 01 12 23 ...) and destination (ES:0x100: 0xEE x 64) buffers.
%macro SETUP 1
        call setup
        push dword %1
        popfd
%endmacro

main:
        ; ---- MOVS/STOS/LODS forward and backward
        SETUP 0x002
        movsb
        movsw
        movsd
        DUMP "movs fwd"
        SHOW "movs fwd mem", es:0x100
        SETUP 0x402
        add si, 8
        add di, 8
        movsb
        movsw
        movsd
        DUMP "movs back"
        SHOW "movs back mem", es:0x100
        SETUP 0x002
        rep movsb
        DUMP "rep movsb"
        SHOW "rep movsb mem", es:0x100
        SETUP 0x402
        add si, 12
        add di, 12
        rep movsd
        DUMP "std rep movsd"
        SHOW "std rep movsd mem", es:0x100
        SETUP 0x8D7
        xor cx, cx
        rep movsb
        DUMP "rep movsb cx=0"
        SHOW "rep movsb cx=0 mem", es:0x100
        SETUP 0x402
        add di, 14
        rep stosw
        DUMP "std rep stosw"
        SHOW "std rep stosw mem", es:0x100
        SETUP 0x002
        stosd
        stosb
        DUMP "stosd stosb"
        SHOW "stosd stosb mem", es:0x100
        SETUP 0x402
        add si, 7
        lodsb
        mov bl, al
        lodsw
        mov bx, ax
        lodsd
        DUMP "std lods"
        ; ---- SCAS/CMPS: the flags are those of the last comparison
        SETUP 0x002
        mov di, DATA
        push ds
        pop es
        mov al, 0x45
        mov cx, 10
        repne scasb
        DUMP "repne scasb found"
        SETUP 0x002
        mov di, DATA
        push ds
        pop es
        mov al, 0x46
        mov cx, 10
        repne scasb
        DUMP "repne scasb not found"
        SETUP 0x002
        mov di, DATA
        push ds
        pop es
        mov byte [DATA + 5], 0x99
        mov si, DATA + 0x20
        mov cx, 8
        call copy_src
        repe cmpsb
        DUMP "repe cmpsb"
        SETUP 0x402
        push ds
        pop es
        mov byte [DATA + 2], 0x99
        mov si, DATA + 0x20
        call copy_src
        mov si, DATA + 0x20 + 6
        mov di, DATA + 6
        mov cx, 4
        repe cmpsw
        DUMP "std repe cmpsw"
        SETUP 0x8D7
        xor cx, cx
        repe cmpsd
        DUMP "repe cmpsd cx=0"
        SETUP 0x002
        cmpsd
        DUMP "cmpsd"
        SETUP 0x402
        scasw
        DUMP "std scasw"
        ; REPNE with CMPS stops at the first equal element
        SETUP 0x002
        push ds
        pop es
        mov si, DATA
        mov di, DATA + 0x40
        mov dword [DATA + 0x40], 0x01020304
        mov cx, 4
        repne cmpsb
        DUMP "repne cmpsb"
        ; ---- OUTS to the debug port, backwards: prints "olleh"
        PRINT "outsb:"
        SETUP 0x402
        mov si, hello + 4
        mov cx, 5
        mov dx, DBG_PORT
        cs rep outsb
        DUMP "std rep outsb"
        ; ---- segment overrides
        SETUP 0x002
        mov ax, SEG3
        mov fs, ax
        mov dword [fs:0x10], 0xF5F5F5F5
        mov si, 0x10
        fs movsd
        mov ax, SEG2
        mov gs, ax
        mov ebx, [gs:0x100]
        DUMP "fs movsd gs load"
        mov dword [es:0x10], 0xE5E5E5E5
        mov si, 0x10
        es lodsd
        DUMP "es lodsd"
        mov ax, SEG3
        mov ss, ax
        mov bp, 0x10
        mov si, 0
        mov eax, [bp+si]           ; SS default with BP
        mov ebx, [ds:bp+si]
        mov ecx, [bp]
        mov edx, [si+0x10]         ; DS default
        xor ax, ax
        mov ss, ax
        DUMP "bp default ss"
        ; ---- 64 KiB wraparound of 16-bit offsets
        mov ax, SEG3
        mov ds, ax
        mov byte [0xFFFF], 0xA1
        mov byte [0x0000], 0xB2
        mov byte [0x0010], 0xC3
        mov si, 0xFFFF
        mov eax, 0
        lodsb                      ; SI wraps to 0
        mov ebx, 0xFFF0
        mov si, 0x20
        mov cl, [bx+si]            ; 0xFFF0 + 0x20 wraps to 0x0010
        mov bp, 0xFFFF
        mov dl, [ds:bp+0x11]       ; wraps to 0x0010
        DUMP "wrap offsets"
        mov esi, 0x1234FFFE        ; a16: only SI counts, the upper half is kept
        mov di, 0x200
        mov ecx, 0x56780004        ; a16: only CX counts
        push SEG2
        pop es
        cld
        rep movsb                  ; copies 3000:FFFE FFFF 0000 0001
        DUMP "wrap rep movsb"
        SHOW "wrap rep movsb mem", es:0x200
        xor ax, ax
        mov ds, ax
        mov ax, SEG3
        mov ss, ax
        mov sp, 0
        mov eax, 0xCAFE
        push ax                    ; SP wraps to 0xFFFE
        mov bx, sp
        mov cx, [ss:0xFFFE]
        pop dx                     ; SP back to 0
        mov si, sp
        xor ax, ax
        mov ss, ax
        mov sp, STACK16
        DUMP "wrap push"
        ; ---- address-size prefix: ESI/EDI/ECX
        SETUP 0x002
        mov esi, DATA
        mov edi, 0x100
        mov ecx, 3
        a32 rep movsb
        DUMP "a32 rep movsb"
        mov ebx, DATA
        mov ecx, 2
        mov eax, [ebx+ecx*4+1]
        mov edx, [ecx*8+DATA]
        lea si, [ebx+ecx*8+0x10]
        lea edi, [bx+si+0x1234]
        DUMP "a32 modrm, lea"
        ; ---- XLAT
        mov bx, xtab
        mov al, 5
        cs xlatb
        mov cl, al
        mov ebx, DATA
        mov al, 3
        a32 xlatb
        DUMP "xlat"
        ; ---- LOOP family and JCXZ/JECXZ
        xor eax, eax
        mov cx, 3
.l1:    inc eax
        loop .l1
        DUMP "loop 3"
        xor eax, eax
        mov ecx, 0x12340000        ; CX=0: 65536 iterations, ECX upper half kept
.l2:    inc eax
        loop .l2
        DUMP "loop cx=0"
        xor eax, eax
        mov ecx, 0x00010002        ; a32: ECX counts
.l3:    inc eax
        a32 loop .l3
        DUMP "a32 loop"
        mov cx, 5
        mov bx, 0
.l4:    inc bx
        cmp bx, 2
        loope .l4
        DUMP "loope"
        mov cx, 5
        mov bx, 0
.l5:    inc bx
        cmp bx, 3
        loopne .l5
        DUMP "loopne"
        mov ecx, 0x10000
        xor eax, eax
        jcxz .z1
        mov al, 1
.z1:    a32 jecxz .z2
        mov ah, 1
.z2:    DUMP "jcxz jecxz"
        ; ---- PUSH/POP forms
        mov eax, 0x11112222
        mov ebx, 0x33334444
        push eax
        push bx
        push word 0x1234
        push dword -2
        push cs
        push ds
        o32 push es
        pop edi                    ; ES with a 32-bit push: low word = selector
        and edi, 0xFFFF            ; PUSH Sreg with 32-bit operand size (SDM PUSH): "either a
                                   ; zero-extended value is pushed on the stack or the segment
                                   ; selector is written on the stack using a 16-bit move"
        pop si
        pop cx
        pop ebp
        pop dx
        pop ax
        pop ebx
        DUMP "push pop"
        mov eax, 0xA0A0A0A0
        mov ecx, 0xC1C1C1C1
        mov ebp, 0xB5B5B5B5
        pusha
        mov bp, sp
        mov ebx, [bp+8]            ; pushed SP and BX
        popa
        DUMP "pusha popa"
        pushad
        popad
        DUMP "pushad popad"
        ; PUSH SP pushes the value before the push (286+); POP [ESP+n] computes the address after
        ; ESP is incremented (SDM POP: "If the ESP register is used as a base register for
        ; addressing a destination operand in memory, the POP instruction computes the effective
        ; address of the operand after it increments the ESP register")
        mov cx, sp
        push sp
        pop ax
        push dword 0x13572468
        push dword 0xAABBCCDD
        pop dword [esp]            ; overwrites the 0x13572468 slot
        pop ebx
        mov esi, esp
        push esp
        pop edi
        DUMP "push sp, pop [esp]"
        ; ---- CALL/RET near and far, RET imm, JMP indirect
        mov ax, 0x100
        push word 0x5555
        push word 0x6666
        call near sub_ret4
        DUMP "call ret 4"
        call far [cs:farptr]
        DUMP "call far indirect"
        call 0xF000:sub_retf
        DUMP "call far"
        call dword sub_o32         ; 66 E8 rel32: pushes a 32-bit return offset
        DUMP "o32 call ret"
        push word 0x7777
        push word 0x8888
        call 0xF000:sub_retf4
        DUMP "retf 4"
        pushfd
        push dword 0xF000
        push dword .iretd_to
        mov eax, 0x1234
        iretd                      ; o32 IRET in real mode pops EIP, CS, EFLAGS (32 bits each)
        PRINT "not reached"
.iretd_to:
        DUMP "iretd"
        mov bx, .j1
        jmp bx
        PRINT "not reached"
.j1:    jmp far [cs:farjmp]
        PRINT "not reached"
.j2:    DUMP "jmp far indirect"
        ; ---- INT/IRET, INT3, INTO, BOUND
        mov word [0x80 * 4], int80
        mov word [0x80 * 4 + 2], cs
        push dword 0x8D7
        popfd
        mov eax, 0x80
        int 0x80
        DUMP "int 80 back"
        EXPECT_FAULT .i3
        int3
.i3:    push dword FL_OF | 0x002
        popfd
        EXPECT_FAULT .i4
        into
.i4:    push dword 0x002
        popfd
        into                       ; OF=0: no trap
        mov dword [DATA], 0x00200010
        mov ax, 0x20
        bound ax, [DATA]
        DUMP "bound in range"
        mov ax, 0x21
        EXPECT_FAULT .b1
        bound ax, [DATA]
.b1:    ; ---- LDS/LES/LFS/LGS/LSS
        mov dword [DATA], 0x30000010
        mov dword [DATA + 4], 0x20000008
        mov word [DATA + 8], 0x1234
        lds si, [DATA]             ; DS=0x3000 SI=0x10
        mov eax, [si]              ; 0x30010
        les di, [cs:farptr]
        mov bx, es
        xor cx, cx
        mov ds, cx
        lfs cx, [DATA + 4]
        lgs edx, [DATA + 4]
        mov bp, fs
        DUMP "lds les lfs lgs"
        mov ebp, gs
        xor ax, ax
        mov es, ax
        lss sp, [DATA]             ; SS=0x3000 SP=0x10
        mov bx, ss
        mov cx, sp
        xor ax, ax
        mov ss, ax
        mov sp, STACK16
        DUMP "lss"
        ; ---- ENTER/LEAVE
        mov ebp, 0x7000
        mov word [0x7000], 0x6FF0
        mov word [0x6FFE], 0xAAAA
        mov word [0x6FFC], 0xBBBB
        enter 8, 0
        mov eax, esp
        mov ebx, ebp
        leave
        DUMP "enter 8,0 leave"
        mov ebp, 0x7000
        enter 4, 1
        mov eax, esp
        mov ebx, ebp
        mov cx, [bp-2]             ; the frame pointer copied by level 1
        leave
        DUMP "enter 4,1"
        mov ebp, 0x7000
        enter 2, 3
        mov eax, esp
        mov ebx, ebp
        mov cx, [bp-2]
        mov dx, [bp-4]
        mov si, [bp-6]
        mov di, [bp-8]
        leave
        DUMP "enter 2,3"
        mov ebp, 0x7000
        o32 enter 4, 2
        mov eax, esp
        mov ebx, ebp
        mov ecx, [bp-4]
        mov edx, [bp-8]
        mov esi, [bp-12]
        o32 leave
        DUMP "o32 enter 4,2"
        EXIT

; setup: see SETUP. Clobbers nothing else but EBX, EDX, EBP.
setup:
        xor ax, ax
        mov ds, ax
        mov ax, SEG2
        mov es, ax
        mov di, DATA
        mov al, 1
.s:     mov [di], al
        add al, 0x11
        inc di
        cmp di, DATA + 0x60
        jb .s
        mov di, 0x100
        mov cx, 64
        mov al, 0xEE
        cld
        rep stosb
        mov esi, DATA
        mov edi, 0x100
        mov ecx, 4
        mov eax, 0x44332211
        xor ebx, ebx
        xor edx, edx
        xor ebp, ebp
        ret

; copy_src: copies 16 bytes from DS:DATA to DS:SI (SI kept).
copy_src:
        pusha
        mov di, si
        mov si, DATA
        mov cx, 16
        cld
.c:     mov al, [si]
        mov [di], al
        inc si
        inc di
        loop .c
        popa
        ret

sub_ret4:
        mov bp, sp
        mov bx, [bp+2]
        mov cx, [bp+4]
        ret 4
sub_retf:
        mov bp, sp
        mov dx, [bp+2]             ; the pushed CS
        retf
sub_retf4:
        mov bp, sp
        mov bx, [bp+4]
        mov cx, [bp+6]
        retf 4
sub_o32:
        mov bp, sp
        mov esi, [bp]              ; a 32-bit return offset
        o32 ret
int80:
        mov bp, sp
        mov bx, [bp]               ; IP
        mov cx, [bp+2]             ; CS
        mov dx, [bp+4]             ; FLAGS
        pushf
        pop si                     ; IF/TF cleared by the INT
        iret

farptr: dw sub_retf, 0xF000
farjmp: dw main.j2, 0xF000
hello:  db "hello"
xtab:   db 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17

        ROM_END
