; x87 benchmark guest (nasm -f bin, 64 KiB ROM at 0xF0000 / top of 4 GiB, reset F000:FFF0): a
; real-mode loop of x87 arithmetic as floating-point code compiles it (loads, multiplies, adds, a
; square root, a division, integer conversions both ways, a compare read through FNSTSW, stores),
; then `out 0xF4, al` (isa-debug-exit) ends the run. No branch depends on data, so the instruction
; count is exact by construction.
;
;   reset jump + setup (segments, FNINIT, FLDCW, the data) ........... 12
;   loop: N iterations of 22 ......................................... 22*N
;   exit: mov al, 0 / out 0xF4, al ................................... 2
;   TOTAL = 14 + 22*N; with the default N = 1,500,000: 33,000,014 instructions.

%ifndef N
%define N 1500000
%endif

X       equ 0x4000              ; float32 operands and results (real mode, DS = 0)
ACC     equ 0x4010              ; float64 accumulator
K       equ 0x4018              ; float64 scale
I       equ 0x4020              ; int32 counter
J       equ 0x4024              ; int32 result
CW      equ 0x4028

        bits 16
        org 0

start:
        xor ax, ax                              ; 1
        mov ds, ax                              ; 2
        fninit                                  ; 3
        mov word [CW], 0x027f                   ; 4: 53-bit precision, as C compilers set it
        fldcw [CW]                              ; 5
        mov dword [X], 0x3fc00000               ; 6: 1.5
        mov dword [X + 4], 0x3f19999a           ; 7: 0.6
        mov dword [ACC], 0                      ; 8
        mov dword [ACC + 4], 0                  ; 9: 0.0
        mov dword [K + 4], 0x3fb99999           ; 10: about 0.1 (low word 0)
        mov ecx, N                              ; 11
.loop:
        fld dword [X]                           ; 1
        fmul st0, st0                           ; 2
        fld dword [X + 4]                       ; 3
        fmul st0, st0                           ; 4
        faddp st1, st0                          ; 5
        fsqrt                                   ; 6
        fld qword [ACC]                         ; 7
        fadd st0, st1                           ; 8
        fdiv dword [X]                          ; 9
        fstp qword [ACC]                        ; 10
        fild dword [I]                          ; 11
        fmul qword [K]                          ; 12
        fistp dword [J]                         ; 13
        fcom dword [X + 4]                      ; 14
        fnstsw ax                               ; 15
        fxch st0                                ; 16
        fstp dword [X + 8]                      ; 17
        fldz                                    ; 18
        fstp st0                                ; 19
        inc dword [I]                           ; 20
        dec ecx                                 ; 21
        jnz .loop                               ; 22
        mov al, 0
        out 0xf4, al
        hlt

        times 0xfff0 - ($ - $$) db 0
        jmp 0xf000:start                        ; the reset jump: 12th of the setup
        times 0x10000 - ($ - $$) db 0
