; x87 state images and faults in 32-bit protected mode with paging: FNSAVE's 108-byte image of a
; mixed state; FRSTOR and FLDENV of crafted images (status with ES and TOP, tag words that disagree
; with the contents, unnormal, denormal and NaN registers) seen through FNSAVE and FNSTENV; a full
; stack pushed again and an empty one read (QEMU has no stack fault); and stores to a
; not-present page (#PF): which flags, TOP and pointers each store leaves behind.
; test/emu/cpu/exec-x87.test.ts runs it under QEMU 7.2 and pcscope; the logs must be identical.
; Assembled by the test (not committed).
%include "lib.inc"

SAVE    equ DATA                ; FNSAVE image, 108 bytes
CRAFT   equ DATA + 0x100        ; crafted images
PD      equ 0x10000             ; page directory: 4 MiB pages, 0-4 MiB present, 4-8 MiB not
HOLE    equ 0x400000            ; a linear address in the not-present page

; SHOW "name", bytes : prints the name and `bytes` bytes of SAVE, 36 to a line.
%macro SHOW 2
        PRINT %1
        mov esi, SAVE
        mov ecx, %2
        call hexlines
%endmacro

; FAULTING "name", {insn} : ST(0) = value [VAL], runs the store into HOLE (expecting #PF), then
; FNSAVE and the image.
%macro FAULTING 2
        fninit
        fld1
        fld tword [VAL]
        EXPECT_FAULT %%after
        %2
%%after:
        fnsave [SAVE]
        SHOW %1, 108
%endmacro

VAL     equ DATA + 0x300

        bits 16
main:
        PM_ENTER32 pm32
        bits 32
pm32:   PM32_INIT
        ; identity-map 0-4 MiB with one 4 MiB page; 4-8 MiB not present
        mov edi, PD
        mov ecx, 1024
        xor eax, eax
        rep stosd
        mov dword [PD], 0x83
        mov eax, cr4
        or eax, 0x10                    ; PSE
        mov cr4, eax
        mov eax, PD
        mov cr3, eax
        mov eax, cr0
        or eax, 0x80000020              ; PG, NE
        mov cr0, eax

        ; A mixed state: six values, a divide by zero, an underflow, TOP = 2.
        fninit
        fld tword [cs:values32]
        fld tword [cs:values32 + 10]
        fld tword [cs:values32 + 20]
        fldz
        fdivr st0, st1                  ; ZE
        fld tword [cs:values32 + 30]
        fmul st0, st0                   ; UE, PE
        fld tword [cs:values32 + 40]
        fstp st3
        fnsave [SAVE]
        SHOW "fnsave", 108
        frstor [SAVE]
        fnsave [SAVE]
        SHOW "frstor+fnsave", 108

        ; FRSTOR of a crafted image.
        mov esi, crafted
        mov edi, SAVE
        mov ecx, 108
        cs rep movsb
        frstor [SAVE]
        fnsave [SAVE]
        SHOW "crafted frstor", 108
        ; FLDENV (16-bit layout) of a crafted environment, then FNSTENV (32-bit).
        mov esi, crafted16
        mov edi, CRAFT
        mov ecx, 14
        cs rep movsb
        fninit
        fld1
        fldz
        fld tword [cs:values32 + 30]
        o16 fldenv [CRAFT]
        fnstenv [SAVE]
        SHOW "fldenv16+fnstenv32", 28
        fnsave [SAVE]
        SHOW "fnsave after fldenv", 108

        ; Stack overflow and underflow.
        fninit
%rep 9
        fld1
%endrep
        fnsave [SAVE]
        SHOW "nine pushes", 108
        fninit
        fadd st0, st1
        fld st5
        fnsave [SAVE]
        SHOW "empty operands", 108

        ; A flag raised while masked, then unmasked by FLDCW: ES and B follow at the next
        ; instruction that merges exception flags (even one raising none), not at the others.
%macro LATENT 2
        fninit
        fld1
        fld tword [cs:values32 + 60]
        fdiv st0, st1                   ; exact: 1/3 / 1
        fsqrt                           ; PE
        mov word [CRAFT], 0x035f        ; PE unmasked
        fldcw [CRAFT]
        %2
        fnstsw ax
        movzx eax, ax
        DUMPA %1
%endmacro
        LATENT "latent fld1", {fld1}
        LATENT "latent fxch", {fxch st1}
        LATENT "latent fchs", {fchs}
        LATENT "latent fild", {fild dword [CRAFT]}
        LATENT "latent fadd", {fadd st0, st1}
        LATENT "latent fcom", {fcom st1}
        LATENT "latent ftst", {ftst}
        LATENT "latent fst m32", {fst dword [CRAFT + 4]}
        LATENT "latent fld m32", {fld dword [CRAFT + 4]}
        LATENT "latent fsin", {fsin}
        LATENT "latent fxam", {fxam}
        LATENT "latent fbstp", {fbstp [CRAFT + 4]}
        LATENT "latent fbld", {fbld [CRAFT + 4]}
        LATENT "latent frndint", {frndint}

        ; Stores into a not-present page.
        mov esi, values32 + 50          ; an SNaN
        mov edi, VAL
        mov ecx, 10
        cs rep movsb
        FAULTING "fst m32 snan", {fst dword [HOLE]}
        FAULTING "fstp m64 snan", {fstp qword [HOLE]}
        FAULTING "fistp m32 snan", {fistp dword [HOLE]}
        FAULTING "fist m16 snan", {fist word [HOLE]}
        FAULTING "fistp m64 snan", {fistp qword [HOLE]}
        FAULTING "fbstp snan", {fbstp [HOLE]}
        FAULTING "fstp m80 snan", {fstp tword [HOLE]}
        FAULTING "fnsave", {fnsave [HOLE]}
        FAULTING "fnstenv", {fnstenv [HOLE]}
        FAULTING "fnstsw", {fnstsw [HOLE]}
        FAULTING "fnstcw", {fnstcw [HOLE]}
        mov esi, values32 + 60          ; 1/3
        mov edi, VAL
        mov ecx, 10
        cs rep movsb
        FAULTING "fst m32 third", {fst dword [HOLE]}
        FAULTING "fistp m32 third", {fistp dword [HOLE]}
        FAULTING "fld m32 hole", {fld dword [HOLE]}
        FAULTING "fadd m64 hole", {fadd qword [HOLE]}
        FAULTING "frstor hole", {frstor [HOLE]}
        EXIT

; hexlines: ECX bytes at DS:ESI as hex, 36 to a line.
hexlines:
        xor edx, edx
.l:     lodsb
        call hex8_32
        inc edx
        cmp edx, 36
        jne .n
        xor edx, edx
        mov al, 10
        out DBG_PORT, al
.n:     loop .l
        test edx, edx
        jz .e
        mov al, 10
        out DBG_PORT, al
.e:     ret

hex8_32:
        push eax
        shr al, 4
        call hex4_32
        pop eax
        push eax
        and al, 0x0f
        call hex4_32
        pop eax
        ret
hex4_32:
        add al, '0'
        cmp al, '9'
        jbe .o
        add al, 'a' - '0' - 10
.o:     out DBG_PORT, al
        ret

values32:
        dq 0xc90fdaa22168c235
        dw 0x4000                       ; pi
        dq 0x0000000000000001
        dw 0x0000                       ; smallest denormal
        dq 0x4000000000000000
        dw 0x4000                       ; unnormal
        dq 0x8000000000000000
        dw 0x0001                       ; smallest normal
        dq 0xc000000000000001
        dw 0x7fff                       ; QNaN
        dq 0x8000000000000005
        dw 0xffff                       ; -SNaN
        dq 0xaaaaaaaaaaaaaaab
        dw 0x3ffd                       ; 1/3

; A 108-byte FRSTOR image: FCW (IM, ZM clear), FSW (TOP 5, ES, IE, PE, C1, C3), a tag word that
; calls a zero valid, a normal zero, a NaN empty..., FIP/FCS/FDP/FDS, then ST(0)-ST(7).
crafted:
        dd 0x00000b72, 0x000068a1 | 0x4200, 0x0000a5d2, 0x12345678, 0x0567001b, 0x9abcdef0, 0x00000023
        dq 0x0000000000000000
        dw 0x0000                       ; ST(0): zero
        dq 0x8000000000000000
        dw 0x3fff                       ; ST(1): 1
        dq 0x0000000000000001
        dw 0x8000                       ; ST(2): -denormal
        dq 0xc000000000000000
        dw 0x7fff                       ; ST(3): default-NaN pattern
        dq 0x4000000000000000
        dw 0x4001                       ; ST(4): unnormal
        dq 0x8000000000000000
        dw 0x7fff                       ; ST(5): +inf
        dq 0x0000000000000000
        dw 0x7fff                       ; ST(6): pseudo-inf
        dq 0x8000000000000000
        dw 0x0000                       ; ST(7): pseudo-denormal
; A 14-byte FLDENV image (16-bit): FCW, FSW (TOP 3, C2, ES clear but PE), FTW, FIP, FCS, FDP, FDS.
crafted16:
        dw 0x027f, 0x1c20, 0x3f0c, 0x1111, 0x2222, 0x3333, 0x4444

        ROM_END
