; Real-mode BCD adjustments: DAA DAS AAA AAS over every AL value with each CF/AF combination on
; entry, AAM/AAD with bases 10, 16, 7 over a sweep of AX values, and AAM 0 (#DE).
;
; Undefined flags (SDM Vol. 2):
;  DAA, DAS: "The CF and AF flags are set if the adjustment ... The SF, ZF, and PF flags are set
;    according to the result. The OF flag is undefined."
;  AAA, AAS: "The AF and CF flags are set to 1 if the adjustment results in a decimal carry
;    [borrow]; otherwise they are set to 0. The OF, SF, ZF, and PF flags are undefined."
;  AAM, AAD: "The SF, ZF, and PF flags are set according to the resulting binary value in the AL
;    register. The OF, AF, and CF flags are undefined."
%include "lib.inc"

; ADJLOOP "name", {insn}, undef : AX = (~AL << 8) | AL for AL = 0..255, with flags 0x002,
; CF, AF, CF|AF (plus SF ZF PF OF set in the last two) on entry.
%macro ADJLOOP 3
        xor esi, esi
%%al:   xor edi, edi
%%fl:   mov eax, esi
        mov ah, al
        not ah
        push dword [cs:adjflags + di]
        popfd
        %2
        DUMPA {%1}, %3
        add di, 4
        cmp di, 16
        jb %%fl
        inc si
        cmp si, 256
        jb %%al
%endmacro

; AXLOOP "name", {insn}, undef : AX = 0x0000, 0x0103, ..., stepping 0x0103 (256 values).
%macro AXLOOP 3
        xor esi, esi
%%ax:   mov eax, esi
        imul eax, eax, 0x0103
        push dword 0x8D7
        popfd
        %2
        DUMPA {%1}, %3
        inc si
        cmp si, 256
        jb %%ax
%endmacro

main:
        ADJLOOP "daa", {daa}, FL_OF
        ADJLOOP "das", {das}, FL_OF
        ADJLOOP "aaa", {aaa}, FL_OF|FL_SF|FL_ZF|FL_PF
        ADJLOOP "aas", {aas}, FL_OF|FL_SF|FL_ZF|FL_PF
        AXLOOP "aam10", {aam}, FL_OF|FL_AF|FL_CF
        AXLOOP "aam16", {aam 16}, FL_OF|FL_AF|FL_CF
        AXLOOP "aam7", {aam 7}, FL_OF|FL_AF|FL_CF
        AXLOOP "aad10", {aad}, FL_OF|FL_AF|FL_CF
        AXLOOP "aad16", {aad 16}, FL_OF|FL_AF|FL_CF
        AXLOOP "aad7", {aad 7}, FL_OF|FL_AF|FL_CF
        ; AAM with an immediate of 0 raises #DE (SDM AAM: "#DE If an immediate value of 0 is
        ; used"); the fault line shows IP at the AAM and AX unchanged.
        mov ax, 0x1234
        EXPECT_FAULT .r
        aam 0
.r:     DUMP "after aam 0"
        EXIT

adjflags:
        dd 0x002, 0x003, 0x8D6, 0x8D7

        ROM_END
