; Protected-mode transitions: real -> 32-bit protected mode by a far jump, 32-bit addressing and
; instructions (SIB forms, BT with offsets of +-1 MiB, string ops over the 1 MiB line, system
; instructions SGDT SIDT SMSW STR LAR LSL VERR VERW ARPL, an LDT), 16-bit protected mode, back to real
; mode with 4 GiB limits still cached (big/unreal real mode: 32-bit addressing above 1 MiB, a
; segment base that survives the switch until the register is reloaded), and protected-mode
; faults with error codes: #GP on bad selectors, #NP (segment and gate), #SS, #UD, INT3 (a
; trap), #NM for x87 under CR0.EM / CR0.TS, and a #GP whose gate is not present escalating to
; #DF. CPUID RDTSC INVD WBINVD run but their results are not compared.
%include "lib.inc"

HI equ 0x200000             ; 2 MiB: a RAM address above 1 MiB with the A20 bit clear
LAR_MASK equ 0xFFF0FFFF

main:
        smsw ax
        movzx eax, ax
        DUMP "real smsw"
        PM_ENTER32 pm32
        bits 32
pm32:   PM32_INIT
        mov eax, cr0
        mov ebx, cs
        mov ecx, ds
        mov edx, ss
        DUMP "pm32 entered"
        ; 32-bit addressing forms
        mov dword [HI], 0x11223344
        mov dword [HI + 4], 0x55667788
        mov dword [HI + 0x100000], 0x99AABBCC
        mov ebx, HI
        mov ecx, 1
        mov eax, [ebx + ecx*4]
        mov edx, [ebx + ecx*8 - 8]
        mov esi, [ecx*4 + HI]
        lea edi, [ebx + ecx*2 + 0x12345678]
        mov ebp, esp
        push dword [ebx]
        pop dword [ebp - 0x100]
        mov ebp, [ebp - 0x100]
        DUMP "pm32 sib"
        ; BT on memory with offsets of +1 MiB and -1 MiB (in bytes)
        mov ebx, HI + 0x80000
        mov eax, 0x80000 * 8 + 0x1F    ; -> HI + 0x100000, bit 31
        bts [ebx], eax
        mov ecx, [HI + 0x100000]
        mov eax, -0x80000 * 8 + 2      ; -> HI, bit 2
        btc [ebx], eax
        mov edx, [HI]
        DUMP "pm32 bt far", FL_OF|FL_SF|FL_AF|FL_PF    ; BT*: OF SF AF PF undefined
        ; REP MOVSD across the 1 MiB line and back down (DF=1)
        mov esi, 0x0FFFF8
        mov edi, HI + 0x1000
        mov ecx, 4
        mov dword [0x0FFFF8], 0xA1A2A3A4       ; 0xFFFF8 is ROM: the write is ignored
        rep movsd
        mov eax, [HI + 0x1000]
        mov ebx, [HI + 0x100C]
        DUMP "pm32 movsd 1M"
        std
        mov esi, HI + 4
        mov edi, HI + 0x2004
        mov ecx, 2
        rep movsd
        cld
        mov eax, [HI + 0x2000]
        mov ebx, [HI + 0x2004]
        DUMP "pm32 std movsd"
        ; system instructions
        sgdt [0x600]
        sidt [0x608]
        movzx eax, word [0x600]
        mov ebx, [0x602]
        movzx ecx, word [0x608]
        mov edx, [0x60A]
        smsw esi
        and esi, 0xFFFF            ; SMSW r32 (SDM): "the upper 16 bits of the register are
                                   ; undefined"
        str di
        DUMP "sgdt sidt smsw str"
        mov ax, SEL_TSS
        ltr ax
        str di
        ; LAR r32 (SDM): the second descriptor doubleword "masked by 00FxFF00H", the x (limit
        ; bits 19:16) being undefined: LAR_MASK clears them.
        mov ebx, SEL_CODE32
        lar eax, ebx
        and eax, LAR_MASK
        lsl ecx, ebx
        mov ebx, SEL_DATA16
        lar edx, ebx
        and edx, LAR_MASK
        lsl esi, ebx
        DUMP "ltr lar lsl"
        mov ebx, SEL_TSS
        lar eax, ebx               ; TSS is valid for LAR (busy now)
        and eax, LAR_MASK
        mov ecx, 0x230
        lsl ecx, ecx               ; beyond the GDT limit: ZF=0, ECX unchanged
        DUMP "lar tss lsl bad"
        mov ax, SEL_CODE32
        verr ax
        setz bl
        verw ax
        setz bh
        mov ax, SEL_DATA32U
        verw ax
        setz cl
        mov ax, SEL_TSS
        verr ax                    ; a system segment: ZF=0
        setz ch
        DUMP "verr verw"
        mov ax, 0x0013
        mov bx, 0x0010
        arpl ax, bx                ; RPL 3 >= 0: ZF=0, unchanged
        setz cl
        mov bx, 0x0020
        arpl bx, ax                ; RPL 0 < 3: BX.RPL=3, ZF=1
        setz ch
        DUMP "arpl"
        ; faults with selector error codes
        EXPECT_FAULT .f1
        mov ax, 0x230
        mov ds, ax                 ; beyond the GDT limit: #GP(0x230)
.f1:    EXPECT_FAULT .f2
        mov ax, SEL_CODE32
        mov ss, ax                 ; code into SS: #GP(0x08)
.f2:    EXPECT_FAULT .f3
        mov ax, SEL_TSS
        mov es, ax                 ; system descriptor: #GP(0x38)
.f3:    EXPECT_FAULT .f4
        mov ax, SEL_NP
        mov fs, ax                 ; not present: #NP(0x50)
.f4:    EXPECT_FAULT .f5
        jmp SEL_DATA32:0           ; data segment as code: #GP(0x10)
.f5:    EXPECT_FAULT .f6
        mov ax, SEL_DATA32U | 3
        mov ss, ax                 ; SS DPL 3 at CPL 0: #GP(0x30)
.f6:    EXPECT_FAULT .f7
        ud2
.f7:    EXPECT_FAULT .f8
        mov ax, SEL_NP
        mov ss, ax                 ; not-present stack segment: #SS(0x50)
.f8:    EXPECT_FAULT .f9
        int3                       ; a trap: the reported EIP is after the INT3
.f9:    ; an LDT: descriptor 1 is data at 2 MiB, selector 0x0C (index 1, TI=1)
        mov dword [LDT_BASE + 8], 0x0000FFFF
        mov dword [LDT_BASE + 12], 0x00409320
        mov ax, SEL_LDT
        lldt ax
        sldt bx
        mov ax, 0x0C
        mov es, ax
        mov eax, [es:0]
        mov ecx, es
        lsl edx, ecx
        DUMP "ldt"
        xor ax, ax
        lldt ax                    ; a null LDT: loading an LDT selector now faults
        EXPECT_FAULT .f10
        mov ax, 0x0C
        mov fs, ax                 ; #GP(0x0C)
.f10:   ; INT n through a not-present gate: #NP(n*8+2)
        mov byte [IDT_BASE + 0x40 * 8 + 5], 0x0E
        EXPECT_FAULT .f11
        int 0x40
.f11:   ; x87 with CR0.EM=1, and with CR0.TS=1 (and MP for WAIT): #NM, a fault at the instruction
        mov eax, cr0
        or eax, 0x4                ; EM
        mov cr0, eax
        EXPECT_FAULT .f12
        fninit
.f12:   mov eax, cr0
        and eax, ~0x4
        or eax, 0x8 | 0x2          ; TS, MP
        mov cr0, eax
        EXPECT_FAULT .f13
        fwait
.f13:   EXPECT_FAULT .f14
        fnstsw ax
.f14:   clts
        mov ebx, cr0
        DUMP "clts"
        ; instructions whose results are machine-specific: run, results not compared
        cpuid
        rdtsc
        invd
        wbinvd
        xor eax, eax
        xor ebx, ebx
        xor ecx, ecx
        xor edx, edx
        mov ax, SEL_DATA32
        mov ds, ax
        mov es, ax
        mov fs, ax
        ; #GP whose IDT gate is not present: the #NP raised while delivering it turns into #DF
        SET_GATE 8, df_handler, 0x8E
        mov byte [IDT_BASE + 13 * 8 + 5], 0x0E     ; gate 13: P=0
        mov ax, 0x230
        mov gs, ax
        PRINT "not reached"
        ; 16-bit protected mode
after_df:
        PM32_INIT
        SET_GATE 13, exc32_13, 0x8E
        jmp SEL_CODE16:pm16
        bits 16
pm16:   mov ax, SEL_DATA16
        mov ss, ax
        mov esp, 0x7000
        mov eax, 0x12345678
        push ax
        push eax
        pop ebx
        pop cx
        mov edx, cs
        DUMP "pm16"
        mov esi, HI
        a32 mov eax, [esi]         ; DS is still the 4 GiB data segment
        DUMP "pm16 a32"
        ; back to real mode with 4 GiB limits in DS ES GS and a 2 MiB base in FS
        mov ax, SEL_DATA32
        mov ds, ax
        mov es, ax
        mov gs, ax
        mov ax, SEL_DATAHI
        mov fs, ax
        mov ax, SEL_DATA16
        mov ss, ax
        mov eax, cr0
        and al, ~1
        mov cr0, eax
        jmp 0xF000:real2
real2:  xor ax, ax
        mov ss, ax
        mov esp, STACK16
        mov eax, cr0
        mov ebx, ds                ; the selector stays 0x10
        mov cx, fs
        DUMP "real again"
        mov esi, HI
        a32 mov eax, [esi]
        a32 mov dword [esi + 8], 0xFEEDFACE
        a32 mov ebx, [esi + 8]
        mov ecx, [fs:0]            ; FS base 0x200000 survives the switch
        DUMP "unreal"
        mov ax, 0x1000
        mov ds, ax                 ; base 0x10000; the 4 GiB limit stays
        mov esi, HI - 0x10000
        a32 mov edi, [esi]
        xor ax, ax
        mov fs, ax                 ; reload: base 0
        mov ecx, [fs:0x80 * 4]
        mov ds, ax
        DUMP "unreal reload"
        EXIT

        bits 32
; df_handler: #DF (error code 0). The saved CS:EIP of an abort is undefined (SDM "Interrupt
; 8—Double Fault Exception (#DF)": "the contents of the CS and EIP registers are undefined"), so
; only the error code is printed; continues at after_df with a fresh stack.
df_handler:
        mov eax, [esp]
        DUMPA "double fault err"
        jmp after_df
        bits 16

        ROM_END
