; Real-mode CPU benchmark guest (see workload.inc): a loop of the real-mode code a BIOS or DOS
; program runs: 16-bit ALU on registers and memory operands with DS, ES, CS and FS segments and SS
; through BP, a data-dependent branch, a LOOP-counted inner loop, a near CALL with a BP frame and
; RET 4, a far CALL/RETF, INT to a handler in the IVT and IRET, REP MOVSW, LODSW/STOSW, and a
; 32-bit counter kept in memory and decremented with SUB/SBB. Interrupts stay off (INT n works
; with IF=0). Every branch that depends on data runs the same number of instructions either way,
; so the count is exact by construction.
;
; Counting rule: every executed instruction counts once, a REP-prefixed one once per iteration.
;
;   reset jump + setup (segments, IVT entry, counter) .................. 15
;   source pattern: 3 + 128 iterations of 5 ............................. 643
;   loop registers ...................................................... 5
;   loop: ITERATIONS iterations of 62 ................................... 62*ITERATIONS
;   results: DX:AX (3 + PRINT_EAX 77), window checksum (3 + 136*5 + 1 + 77)  841
;   exit: mov al, 0 / out 0xF4, al ...................................... 2
;   TOTAL = 1506 + 62*ITERATIONS; with the default 700,000: 43,401,506 instructions.

%include "workload.inc"

%ifndef ITERATIONS
%define ITERATIONS 700000
%endif

VARS     equ 0x0500             ; FS:VARS (FS = 0): the loop counter (dword), then a word counter
SRC_SEG  equ 0x1000             ; DS: the source window, 0x10000-0x1010F
DST_SEG  equ 0x2000             ; ES: the destination window, 0x20000-0x2010F
INT_VEC  equ 0x60               ; the software interrupt the loop raises
WINDOW_WORDS equ 136            ; words each window spans (offsets 0-0xFE plus 18 bytes of string ops)

        bits 16
        org 0
start:  cli                                     ; 2 (1 is the reset jump)
        cld                                     ; 3
        xor ax, ax                              ; 4
        mov ss, ax                              ; 5
        mov sp, 0x7C00                          ; 6
        mov fs, ax                              ; 7
        mov word [fs:INT_VEC*4], int_handler    ; 8
        mov word [fs:INT_VEC*4+2], 0xF000       ; 9
        mov eax, [cs:ITERATIONS_AT]             ; 10
        mov [fs:VARS], eax                      ; 11
        mov ax, SRC_SEG                         ; 12
        mov ds, ax                              ; 13
        mov ax, DST_SEG                         ; 14
        mov es, ax                              ; 15

        ; a pattern in the source window (RAM starts zeroed)
        xor si, si
        mov ax, 0x1234
        mov cx, 128
.fill:  mov [si], ax
        add si, 2
        rol ax, 3
        add ax, 0x9E37
        loop .fill

        xor si, si
        xor di, di
        xor bx, bx
        xor dx, dx
        mov ax, 1

.loop:  ; 16-bit ALU on memory operands: DS (default), ES, CS and FS overrides
        add ax, [si]                            ; 1
        adc dx, [es:di]                         ; 2
        xor [bx], dx                            ; 3
        sub ax, [cs:mix_const]                  ; 4
        mov cx, ax                              ; 5
        shr cx, 3                               ; 6
        xor dx, cx                              ; 7
        mov [es:di+2], ax                       ; 8
        inc word [fs:VARS+4]                    ; 9
        ; a branch on data: 3 instructions from the JZ either way
        test dl, 1                              ; 10
        jz .even                                ; 11
        add bx, 6                               ; 12
        jmp .join                               ; 13
.even:  sub bx, 2                               ; (12)
        xor bx, ax                              ; (13)
.join:  and bx, 0xFE                            ; 14
        ; an inner loop counted by LOOP
        mov cx, 3                               ; 15
.inner: add dx, cx                              ; 16-24: 3 iterations of 3
        rol ax, 1
        loop .inner
        ; a near call with two stack arguments and a BP frame (the callee pops them)
        push ax                                 ; 25
        push dx                                 ; 26
        call near_sum                           ; 27, near_sum 28-33
        ; a far call
        call 0xF000:far_mix                     ; 34, far_mix 35-37
        ; a software interrupt through the IVT
        int INT_VEC                             ; 38, int_handler 39-41
        ; string instructions: 8 words DS:SI -> ES:DI, then one word through AX
        mov cx, 8                               ; 42
        rep movsw                               ; 43-50
        lodsw                                   ; 51
        add ax, dx                              ; 52
        stosw                                   ; 53
        ; the windows move on by one word (SI and DI advanced by 18)
        sub si, 16                              ; 54
        and si, 0xFE                            ; 55
        sub di, 16                              ; 56
        and di, 0xFE                            ; 57
        ; the 32-bit counter, decremented with 16-bit arithmetic
        sub word [fs:VARS], 1                   ; 58
        sbb word [fs:VARS+2], 0                 ; 59
        mov cx, [fs:VARS]                       ; 60
        or cx, [fs:VARS+2]                      ; 61
        jnz .loop                               ; 62

        ; results: DX:AX, then a checksum of both windows
        shl edx, 16
        mov dx, ax
        mov eax, edx
        PRINT_EAX
        xor di, di
        xor bx, bx
        mov cx, WINDOW_WORDS
.sum:   add bx, [es:di]
        xor bx, [di]
        rol bx, 1
        add di, 2
        loop .sum
        movzx eax, bx
        PRINT_EAX

        EXIT

; AX = the sum of the two word arguments; preserves BP; pops its arguments.
near_sum:
        push bp
        mov bp, sp
        mov ax, [bp+4]
        add ax, [bp+6]
        pop bp
        ret 4

; Mixes AX into DX (far procedure).
far_mix:
        rol ax, 5
        xor dx, ax
        retf

; INT INT_VEC: exchanges AX and DX and adds a constant to AX.
int_handler:
        xchg ax, dx
        add ax, 0x3333
        iret

mix_const:
        dw 0x5A5A

        ROM_END ITERATIONS
