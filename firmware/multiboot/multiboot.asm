; pcscope's Multiboot option ROM: what QEMU's multiboot_dma.bin does for `-kernel`, written anew.
; SeaBIOS finds it as fw_cfg file genroms/multiboot_dma.bin, runs its init entry (a plain far
; return) and, because `bootorder` names it first, calls its PnP bootstrap entry vector (BEV).
; The BEV, in real mode:
;   1. reads the Multiboot info structure (fw_cfg INITRD_DATA) to INITRD_ADDR by fw_cfg DMA;
;   2. mem_lower = INT 12h (conventional memory below the EBDA, in KiB);
;   3. fills the memory map at mmap_addr from INT 15h E820 (each entry preceded by its size) and
;      stores mmap_length as it goes;
;   4. mem_upper = KiB of RAM contiguous from 1 MiB, found in that map;
;   5. reads the kernel image (KERNEL_DATA, already laid out with its command line and the boot
;      loader name) to KERNEL_ADDR by DMA;
;   6. enters 32-bit protected mode (flat code 0x08, flat data 0x10) and jumps to KERNEL_ENTRY with
;      EAX = 0x2BADB002 and EBX = the info structure.
; Build: firmware/multiboot/build.sh (nasm, then the checksum byte is set; reproducible).

bits 16
org 0

%include "optionrom.inc"

ROM_BLOCKS          equ 2               ; size in 512-byte blocks (1 KiB, as QEMU's)
FW_CFG_KERNEL_ADDR  equ 0x07
FW_CFG_KERNEL_SIZE  equ 0x08
FW_CFG_INITRD_ADDR  equ 0x0a
FW_CFG_INITRD_SIZE  equ 0x0b
FW_CFG_KERNEL_ENTRY equ 0x10
FW_CFG_KERNEL_DATA  equ 0x11
FW_CFG_INITRD_DATA  equ 0x12
MULTIBOOT_MAGIC     equ 0x2BADB002
SMAP                equ 0x534D4150
E820_ENTRY          equ 20
E820_RAM            equ 1
MBI_MEM_LOWER       equ 4
MBI_MEM_UPPER       equ 8
MBI_MMAP_LENGTH     equ 44
MBI_MMAP_ADDR       equ 48
ONE_MIB             equ 0x100000
SEL_CODE32          equ 0x08
SEL_DATA32          equ 0x10
CR0_PE              equ 1

; Scratch space on the caller's stack (the ROM itself is read-only once SeaBIOS has run it).
S_DMA               equ 0               ; 16-byte fw_cfg DMA descriptor (big-endian fields)
S_GDTR              equ 16              ; limit(2) base(4)
S_JUMP              equ 24              ; offset(4) selector(2) of the jump into 32-bit code
S_ENTRY             equ 32              ; kernel entry point
S_MBI               equ 36              ; Multiboot info address
S_SIZE              equ 48

        OPTION_ROM_HEADER

bev:
        cli
        cld
        sub sp, S_SIZE
        mov bp, sp                      ; SS:BP = scratch

        ; 1. the info structure
        mov ax, FW_CFG_INITRD_ADDR
        call fw_read32
        mov [bp + S_MBI], eax
        mov edi, eax
        mov ax, FW_CFG_INITRD_SIZE
        call fw_read32
        mov ecx, eax
        mov ax, FW_CFG_INITRD_DATA
        call fw_dma_read
        mov eax, [bp + S_MBI]
        shr eax, 4
        mov fs, ax                      ; FS:0 = the info structure

        ; 2. mem_lower
        int 0x12
        movsx eax, ax
        mov [fs:MBI_MEM_LOWER], eax

        ; 3. the memory map
        mov eax, [fs:MBI_MMAP_ADDR]
        shr eax, 4
        mov es, ax                      ; ES:0 = the map
        xor ebx, ebx
        xor edi, edi
.e820:  add di, 4                       ; room for the entry's size field
        mov ecx, E820_ENTRY
        mov eax, 0xe820
        mov edx, SMAP
        int 0x15
        jc .e820_done
        mov [es:di - 4], ecx
        add edi, ecx
        mov [fs:MBI_MMAP_LENGTH], di
        test ebx, ebx
        jnz .e820
.e820_done:

        ; 4. mem_upper: extend [1 MiB, EDX) by any RAM entry below 4 GiB that contains EDX,
        ;    rescanning from the start after each extension (the map need not be sorted).
        mov edx, ONE_MIB
.scan:  xor si, si
.entry: cmp si, [fs:MBI_MMAP_LENGTH]
        jae .upper_done
        cmp dword [es:si + 4 + 16], E820_RAM
        jne .next
        cmp dword [es:si + 4 + 4], 0    ; base above 4 GiB
        jne .next
        mov eax, [es:si + 4]
        cmp edx, eax
        jb .next
        add eax, [es:si + 4 + 8]
        cmp edx, eax
        jae .next
        mov edx, eax
        jmp .scan
.next:  mov eax, [es:si]
        lea si, [si + 4]
        add si, ax
        jmp .entry
.upper_done:
        sub edx, ONE_MIB
        shr edx, 10
        mov [fs:MBI_MEM_UPPER], edx

        ; 5. the kernel (with its command line and boot loader name)
        mov ax, FW_CFG_KERNEL_ADDR
        call fw_read32
        mov edi, eax
        mov ax, FW_CFG_KERNEL_SIZE
        call fw_read32
        mov ecx, eax
        mov ax, FW_CFG_KERNEL_DATA
        call fw_dma_read
        mov ax, FW_CFG_KERNEL_ENTRY
        call fw_read32
        mov [bp + S_ENTRY], eax

        ; 6. protected mode: the GDT and the jump target are linear addresses in this ROM copy
        xor ebx, ebx
        mov bx, cs
        shl ebx, 4
        mov word [bp + S_GDTR], gdt_end - gdt - 1
        lea eax, [ebx + gdt]
        mov [bp + S_GDTR + 2], eax
        lea eax, [ebx + pmode]
        mov [bp + S_JUMP], eax
        mov word [bp + S_JUMP + 4], SEL_CODE32
        mov ecx, [bp + S_ENTRY]
        mov ebx, [bp + S_MBI]
        o32 lgdt [bp + S_GDTR]
        mov eax, CR0_PE
        mov cr0, eax
        jmp dword far [bp + S_JUMP]

bits 32
pmode:
        mov eax, SEL_DATA32
        mov ss, eax
        mov ds, eax
        mov es, eax
        mov fs, eax
        mov gs, eax
        mov eax, MULTIBOOT_MAGIC
        jmp ecx
bits 16

FW_CFG_ROUTINES

        align 8, db 0
gdt:    dq 0
        dq 0x00cf9a000000ffff           ; 0x08: 32-bit code, base 0, limit 4 GiB
        dq 0x00cf92000000ffff           ; 0x10: 32-bit data, base 0, limit 4 GiB
        dq 0x00009e000000ffff           ; 0x18: 16-bit code, base 0, limit 64 KiB
        dq 0x000092000000ffff           ; 0x20: 16-bit data, base 0, limit 64 KiB
gdt_end:

manufacturer:   db "pcscope", 0
product:        db "multiboot loader", 0

        times ROM_BLOCKS * 512 - 1 - ($ - $$) db 0
checksum:
        db 0                            ; set by build.sh so that all bytes sum to 0
