; PAM remapping the shadowed BIOS under running (and translated) code, on the PC (i440fx): a hot
; loop calls `routine` (mov al, 'A'; ret) 2000 times and prints AL. First from ROM ('A'). Then, as
; SeaBIOS shadows itself, a trampoline in low RAM turns PAM0 (config 0x59: 0xF0000-0xFFFFF) to DRAM
; read/write, copies the ROM (saved at 0x20000 beforehand) onto it and patches the copy's routine to
; load 'B': the loop must print 'B'. PAM0 back to the PCI side (the ROM): 'A'. DRAM read-only: 'B'.
; DRAM read/write: 'B'. Expected output: "ABABB".
; Then PAM's write-only mode (2): one byte read and written through it, then read back in DRAM mode,
; printed as a second line. There pcscope follows the 82441FX datasheet (reads from the PCI side: the
; ROM's 'A'; the write goes to DRAM: 'C'), "AC"; QEMU 7.2 maps mode 2 as plain DRAM and reads the
; copy's 'B': "BC" (src/emu/devices/pam.ts).
; Compared with QEMU TCG and with pcscope's interpreter (test/emu/cpu/jit/pam-remap.test.ts).
%include "lib.inc"

PCI_ADDR    equ 0xcf8
PCI_DATA    equ 0xcfc
PAM0_DWORD  equ 0x80000058          ; bus 0, device 0 (i440fx), the dword holding register 0x59
PAM0_PORT   equ PCI_DATA + 1        ; register 0x59's byte in that dword
PAM_HI_RE   equ 0x10                ; reads from DRAM (else from the PCI side)
PAM_HI_WE   equ 0x20                ; writes to DRAM
HOT_CALLS   equ 2000
SAVED_ROM   equ 0x2000              ; segment of the ROM's copy in low RAM (0x20000)
TRAMPOLINE  equ 0x0600              ; where the trampoline runs (0000:0600)

main:
        call run_hot                    ; from ROM: 'A'
        ; save the ROM at 0x20000 and the trampoline at 0000:0600
        push ds
        push es
        mov ax, 0xf000
        mov ds, ax
        mov ax, SAVED_ROM
        mov es, ax
        xor si, si
        xor di, di
        mov cx, 0x8000
        rep movsw
        xor ax, ax
        mov es, ax
        mov si, trampoline
        mov di, TRAMPOLINE
        mov cx, trampoline_end - trampoline
        rep movsb
        pop es
        pop ds
        call 0x0000:TRAMPOLINE          ; PAM0 -> DRAM, the copy patched to 'B'
        call run_hot                    ; 'B'
        xor bl, bl                      ; the PCI side: ROM (the same bytes but the routine's)
        call set_pam0
        call run_hot                    ; 'A'
        mov bl, PAM_HI_RE               ; DRAM, read-only
        call set_pam0
        call run_hot                    ; 'B'
        mov bl, PAM_HI_RE | PAM_HI_WE
        call set_pam0
        call run_hot                    ; 'B'
        mov al, 10
        out DBG_PORT, al
        ; write-only mode, from the F segment (ROM and DRAM hold the same code there)
        mov bl, PAM_HI_WE
        call set_pam0
        push es
        mov ax, 0xf000
        mov es, ax
        mov ch, [es:routine + 1]        ; the ROM's 'A' (QEMU: the copy's 'B'); set_pam0 keeps CX
        mov byte [es:routine + 1], 'C'  ; to DRAM
        mov bl, PAM_HI_RE | PAM_HI_WE
        call set_pam0
        mov al, ch
        out DBG_PORT, al
        mov al, [es:routine + 1]        ; 'C'
        out DBG_PORT, al
        pop es
        mov al, 10
        out DBG_PORT, al
        EXIT

; run_hot: calls routine HOT_CALLS times (hot enough to be translated), prints AL
run_hot:
        mov cx, HOT_CALLS
.call:  call routine
        loop .call
        out DBG_PORT, al
        ret

routine:
        mov al, 'A'                     ; the byte after the opcode is patched in the copy
        ret

; set_pam0: BL -> i440fx PAM0
set_pam0:
        mov eax, PAM0_DWORD
        mov dx, PCI_ADDR
        out dx, eax
        mov dx, PAM0_PORT
        mov al, bl
        out dx, al
        ret

; The trampoline, copied to 0000:0600 and called far: while the F segment shows DRAM it runs from
; low RAM; PAM0 -> DRAM read/write, the saved ROM copied in, the routine patched. Position
; independent (no near jumps or calls out of it).
trampoline:
        push ds
        push es
        mov eax, PAM0_DWORD
        mov dx, PCI_ADDR
        out dx, eax
        mov dx, PAM0_PORT
        mov al, PAM_HI_RE | PAM_HI_WE
        out dx, al
        mov ax, SAVED_ROM
        mov ds, ax
        mov ax, 0xf000
        mov es, ax
        xor si, si
        xor di, di
        mov cx, 0x8000
        rep movsw
        mov byte [es:routine + 1], 'B'
        pop es
        pop ds
        retf
trampoline_end:

        ROM_END
