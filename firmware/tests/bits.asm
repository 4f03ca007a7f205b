; Real-mode bit instructions and small groups: BT BTS BTR BTC (register, immediate, and memory
; with large positive and negative bit offsets), BSF BSR, SETcc and Jcc (short and near) over
; every combination of CF PF ZF SF OF, CMPXCHG XADD BSWAP CMPXCHG8B, CBW CWDE CWD CDQ,
; LAHF SAHF CLC STC CMC, PUSHF/POPF(D) with IOPL/NT/AC/ID.
;
; Undefined flags and values (SDM Vol. 2):
;  BT/BTS/BTR/BTC: "The CF flag contains the value of the selected bit. The ZF flag is
;    unaffected. The OF, SF, AF, and PF flags are undefined."
;  BSF/BSR: "The ZF flag is set to 1 if the source operand is 0; otherwise, the ZF flag is
;    cleared. The CF, OF, SF, AF, and PF flags are undefined." and "If the content of the
;    source operand is 0, the content of the destination operand is undefined" (the ROM
;    overwrites the destination with 0xDEAD when ZF=1).
%include "lib.inc"

BT_UNDEF equ FL_OF|FL_SF|FL_AF|FL_PF
BS_UNDEF equ FL_CF|FL_OF|FL_SF|FL_AF|FL_PF
BITSEG   equ 0x2000         ; ES for the memory bit tests: 64 KiB of pattern at 0x20000

; BTMEM "name", {insn on [es:bx] with eax}, shift : for every offset in `bitoffs`, EAX=offset,
; BX=0x8000, runs insn; then EDX = the dword at the address the offset selects
; (BX + (offset SAR shift) * (1 << (shift-3)), the offset sign-extended from the operand
; size), computed independently.
%macro BTMEM 3
        xor esi, esi
%%o:    mov eax, [cs:bitoffs + si]
        mov bx, 0x8000
        push dword 0x8D7
        popfd
        %2
  %if %3 == 4
        movsx edi, ax
  %else
        mov edi, eax
  %endif
        sar edi, %3
        shl edi, %3 - 3
        add di, bx
        mov edx, [es:di]
        DUMP {%1}, BT_UNDEF
        add si, 4
        cmp si, bitoffs_end - bitoffs
        jb %%o
%endmacro

; BSLOOP "name", {insn ecx <- ebx} : for every value in `bsvals`.
%macro BSLOOP 2
        xor esi, esi
%%v:    mov ebx, [cs:bsvals + si]
        mov ecx, 0x12345678
        push dword 0x8D7
        popfd
        %2
        jnz %%nz
        mov ecx, 0xDEAD        ; destination undefined for a zero source
%%nz:   DUMP {%1}, BS_UNDEF
        add si, 4
        cmp si, bsvals_end - bsvals
        jb %%v
%endmacro

; CCLOOP kind(short|near) : for every combination of CF PF ZF SF OF, stores SETcc (cc = 0..15)
; at DATA+cc and the Jcc outcome at DATA+16+cc; dumps them as EAX EBX ECX EDX (setcc) and
; ESI EDI EBP (jcc 0-11) with the combination in the name line.
%macro JCC1 3   ; cc, index, short|near
        mov byte [DATA + 16 + %2], 0
        j%1 %3 %%t
        jmp %%n
%%t:    mov byte [DATA + 16 + %2], 1
%%n:
%endmacro
%macro CCLOOP 1
        xor ecx, ecx
%%c:    mov [SCRATCH], ecx
        ; spread the 5 bits of CX to CF(0) PF(2) ZF(6) SF(7) OF(11)
        xor eax, eax
        test cl, 1
        jz %%b1
        or ax, FL_CF
%%b1:   test cl, 2
        jz %%b2
        or ax, FL_PF
%%b2:   test cl, 4
        jz %%b3
        or ax, FL_ZF
%%b3:   test cl, 8
        jz %%b4
        or ax, FL_SF
%%b4:   test cl, 16
        jz %%b5
        or ax, FL_OF
%%b5:   push eax
        popfd
        seto [DATA + 0]
        setno [DATA + 1]
        setb [DATA + 2]
        setae [DATA + 3]
        setz [DATA + 4]
        setnz [DATA + 5]
        setbe [DATA + 6]
        seta [DATA + 7]
        sets [DATA + 8]
        setns [DATA + 9]
        setp [DATA + 10]
        setnp [DATA + 11]
        setl [DATA + 12]
        setge [DATA + 13]
        setle [DATA + 14]
        setg [DATA + 15]
        JCC1 o, 0, %1
        JCC1 no, 1, %1
        JCC1 b, 2, %1
        JCC1 ae, 3, %1
        JCC1 z, 4, %1
        JCC1 nz, 5, %1
        JCC1 be, 6, %1
        JCC1 a, 7, %1
        JCC1 s, 8, %1
        JCC1 ns, 9, %1
        JCC1 p, 10, %1
        JCC1 np, 11, %1
        JCC1 l, 12, %1
        JCC1 ge, 13, %1
        JCC1 le, 14, %1
        JCC1 g, 15, %1
        mov eax, [DATA]
        mov ebx, [DATA + 4]
        mov ecx, [DATA + 8]
        mov edx, [DATA + 12]
        mov esi, [DATA + 16]
        mov edi, [DATA + 20]
        mov ebp, [DATA + 24]
        DUMP "setcc/jcc"
        mov eax, [DATA + 28]
        DUMPA "jcc 12-15"
        mov ecx, [SCRATCH]
        inc cx
        cmp cx, 32
        jb %%c
%endmacro

; FB flags-in ... FE "name"[, undef] : FORM with several instructions in between.
%macro FB 1
        mov eax, 0x80FF7F01
        mov ebx, 0x7F01FF80
        mov ecx, 0x00000021
        mov dword [DATA], 0xC3A5817F
        mov dword [DATA + 4], 0x12345678
        push dword %1
        popfd
%endmacro
%macro FE 1-2 0
        mov edx, [DATA]
        DUMP {%1}, %2
%endmacro

; FORM "name", {insn}, flags-in, undef : fixed operands; EDX = [DATA] afterwards.
%macro FORM 3-4 0
        mov eax, 0x80FF7F01
        mov ebx, 0x7F01FF80
        mov ecx, 0x00000021
        mov dword [DATA], 0xC3A5817F
        mov dword [DATA + 4], 0x12345678
        push dword %3
        popfd
        %2
        mov edx, [DATA]
        DUMP {%1}, %4
%endmacro

main:
        ; a pattern in the 64 KiB at 0x20000: byte i = i*7 + 3 (low 8 bits)
        mov ax, BITSEG
        mov es, ax
        xor di, di
        mov al, 3
.fill:  stosb
        add al, 7
        test di, di
        jnz .fill

        BTMEM "bt m16,ax", {bt [es:bx], ax}, 4
        BTMEM "bts m16,ax", {bts [es:bx], ax}, 4
        BTMEM "bt m32,eax", {bt [es:bx], eax}, 5
        BTMEM "bts m32,eax", {bts [es:bx], eax}, 5
        BTMEM "btr m32,eax", {btr [es:bx], eax}, 5
        BTMEM "btc m32,eax", {btc [es:bx], eax}, 5
        BTMEM "btc m16,ax", {btc [es:bx], ax}, 4
        ; immediate offsets are taken modulo the operand size (no address adjustment)
        FORM "bt m16,17", {bt word [DATA], 17}, 0x002, BT_UNDEF
        FORM "bts m32,39", {bts dword [DATA], 39}, 0x002, BT_UNDEF
        FORM "btr m32,7", {btr dword [DATA], 7}, 0x8D7, BT_UNDEF
        FORM "btc m16,15", {btc word [DATA], 15}, 0x002, BT_UNDEF
        FORM "bt eax,ecx(33)", {bt eax, ecx}, 0x002, BT_UNDEF
        FORM "bts ax,cx(33)", {bts ax, cx}, 0x8D7, BT_UNDEF
        FORM "btr ebx,31", {btr ebx, 31}, 0x002, BT_UNDEF
        FORM "btc eax,ecx", {btc eax, ecx}, 0x8D7, BT_UNDEF
        FORM "bt m32,ecx(33)", {bt [DATA], ecx}, 0x002, BT_UNDEF

        BSLOOP "bsf32", {bsf ecx, ebx}
        BSLOOP "bsr32", {bsr ecx, ebx}
        BSLOOP "bsf16", {bsf cx, bx}
        BSLOOP "bsr16", {bsr cx, bx}
        FORM "bsf m32", {bsf ecx, [DATA]}, 0x002, BS_UNDEF
        FORM "bsr m16", {bsr cx, [DATA + 2]}, 0x002, BS_UNDEF

        CCLOOP short
        CCLOOP near

        ; CMPXCHG: equal (stores the source, ZF=1) and unequal (loads the accumulator, ZF=0)
        FORM "cmpxchg bl,bh ne", {cmpxchg bl, bh}, 0x002
        FORM "cmpxchg ecx,ebx ne", {cmpxchg ecx, ebx}, 0x8D7
        FB 0x002
        mov eax, [DATA]
        cmpxchg [DATA], ebx
        FE "cmpxchg m32 eq"
        FORM "cmpxchg m16 ne", {cmpxchg [DATA], bx}, 0x002
        FB 0x002
        mov ax, bx
        cmpxchg ax, bx
        FE "cmpxchg ax,bx eq"
        FB 0x8D7
        mov al, 0x7F
        cmpxchg [DATA], bh
        FE "cmpxchg m8 eq"
        ; XADD: destination = sum (flags as ADD), source = old destination
        FORM "xadd ebx,eax", {xadd ebx, eax}, 0x002
        FORM "xadd m8,bl", {xadd [DATA], bl}, 0x8D7
        FORM "xadd m16,bx", {xadd [DATA + 1], bx}, 0x002
        FORM "lock xadd m32,eax", {lock xadd [DATA], eax}, 0x002
        ; BSWAP (32-bit operands; a 16-bit operand is undefined and not tested)
        FORM "bswap eax", {bswap eax}, 0x002
        FORM "bswap ebx", {bswap ebx}, 0x8D7
        FB 0x002
        mov ebp, 0x01020304
        bswap ebp
        FE "bswap ebp"
        ; CMPXCHG8B: EDX:EAX == m64 stores ECX:EBX and sets ZF; otherwise loads EDX:EAX, ZF=0;
        ; "The CF, PF, AF, SF, and OF flags are unaffected."
        FB 0x8D7
        mov edx, 0x11111111
        cmpxchg8b [DATA]
        mov esi, [DATA + 4]
        mov ebp, edx
        FE "cmpxchg8b ne"
        FB 0x002
        mov eax, [DATA]
        mov edx, [DATA + 4]
        cmpxchg8b [DATA]
        mov esi, [DATA + 4]
        mov ebp, edx
        FE "cmpxchg8b eq"
        FB 0x8D7
        mov eax, [DATA]
        mov edx, [DATA + 4]
        lock cmpxchg8b [DATA]
        mov esi, [DATA + 4]
        FE "lock cmpxchg8b eq"
        ; sign extensions
        FB 0x002
        mov al, 0x80
        cbw
        FE "cbw"
        FB 0x002
        mov al, 0x7F
        cbw
        FE "cbw pos"
        FORM "cwde", {cwde}, 0x002
        FB 0x002
        mov ax, 0x8000
        cwd
        mov ecx, edx
        FE "cwd"
        FB 0x002
        mov edx, 0xFFFFFFFF
        cwd
        mov ecx, edx
        FE "cwd pos"
        FB 0x002
        cdq
        mov ecx, edx
        FE "cdq"
        FB 0x002
        mov eax, 0x7FFFFFFF
        cdq
        mov ecx, edx
        FE "cdq pos"
        ; flag instructions
        FORM "lahf", {lahf}, 0x8D7
        FORM "lahf 0", {lahf}, 0x002
        FB 0x002
        mov ah, 0xFF
        sahf
        FE "sahf ff"
        FB 0x8D7
        mov ah, 0x00
        sahf
        FE "sahf 00"
        FORM "clc", {clc}, 0x8D7
        FORM "stc", {stc}, 0x002
        FORM "cmc", {cmc}, 0x8D7
        FB 0x002
        std
        pushfd
        pop ecx
        cld
        FE "std cld"
        ; POPF in real mode: IOPL and NT are writable; bits 1 (=1), 3, 5, 15 fixed (TF and IF are
        ; left clear: no trap, and the reset-state PIC/PIT must not interrupt).
        FB 0x002
        push word 0x7CD7
        popf
        pushf
        pop cx
        FE "popf"
        ; POPFD in real mode: AC and ID writable; VM, VIF, VIP and RF unaffected/cleared.
        FB 0x002
        push dword 0x003F7CD7
        popfd
        pushfd
        pop ecx
        push dword 0x002
        popfd
        FE "popfd"
        EXIT

bitoffs:
        dd 0x00000000, 0x0000000F, 0x00000010, 0x0000001F, 0x00000020, 0x00007FFF
        dd 0xFFFF8000, 0xFFFFFFFF, 0xFFFFFFE0, 0x0003FFDF, 0xFFFC0000, 0xFFFC0021
bitoffs_end:
bsvals:
        dd 0x00000000, 0x00000001, 0x80000000, 0x00010000, 0x00018000, 0x7FFFFFFE, 0xFFFFFFFF
        dd 0x00000100
bsvals_end:

        ROM_END
