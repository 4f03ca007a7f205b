; pcscope's Linux boot option ROM: what QEMU's linuxboot_dma.bin does for `-kernel bzImage`, written
; anew. SeaBIOS finds it as fw_cfg file genroms/linuxboot_dma.bin, runs its init entry (a plain far
; return) and, because `bootorder` names it first, calls its PnP bootstrap entry vector (BEV).
; The BEV, in real mode, reads by fw_cfg DMA:
;   1. the real-mode setup (SETUP_DATA, its header already patched by the machine) to SETUP_ADDR;
;      a boot protocol below 2.03 gets initrd_addr_max = 0x37ffffff;
;   2. the initrd to INITRD_ADDR, or, when the initrd would not end at the page initrd_addr_max
;      allows, to the top of the RAM INT 15h E801 reports, page-aligned (header field 0x218 updated);
;   3. the protected-mode kernel to KERNEL_ADDR and the command line to CMDLINE_ADDR;
; then enters the setup code at (SETUP_ADDR/16 + 0x20):0 with DS=ES=FS=GS=SS = SETUP_ADDR/16,
; ESP = CMDLINE_ADDR - SETUP_ADDR - 16 and EBX, ECX, EDX, EDI, EBP zero (Documentation/x86/boot.rst).
; Build: firmware/linuxboot/build.sh (reproducible).

bits 16
org 0

%include "optionrom.inc"

ROM_BLOCKS          equ 2               ; size in 512-byte blocks (1 KiB)
FW_CFG_KERNEL_ADDR  equ 0x07
FW_CFG_KERNEL_SIZE  equ 0x08
FW_CFG_INITRD_ADDR  equ 0x0a
FW_CFG_INITRD_SIZE  equ 0x0b
FW_CFG_KERNEL_DATA  equ 0x11
FW_CFG_INITRD_DATA  equ 0x12
FW_CFG_CMDLINE_ADDR equ 0x13
FW_CFG_CMDLINE_SIZE equ 0x14
FW_CFG_CMDLINE_DATA equ 0x15
FW_CFG_SETUP_ADDR   equ 0x16
FW_CFG_SETUP_SIZE   equ 0x17
FW_CFG_SETUP_DATA   equ 0x18
HDR_VERSION         equ 0x206           ; boot protocol version (setup header)
HDR_RAMDISK_IMAGE   equ 0x218           ; initrd load address
HDR_INITRD_ADDR_MAX equ 0x22c           ; highest address the initrd may occupy
OLD_INITRD_ADDR_MAX equ 0x37ffffff      ; what protocols before 2.03 allow
PAGE_MASK           equ 0xfffff000
SETUP_ENTRY_PARAS   equ 0x20            ; the setup code starts 0x200 bytes into its segment
E801_MEMSIZE        equ 0xe801

; Scratch space on the caller's stack.
S_DMA               equ 0               ; 16-byte fw_cfg DMA descriptor (optionrom.inc)
S_SETUP             equ 16              ; setup address
S_INITRD            equ 20              ; initrd address
S_INITRD_SIZE       equ 24              ; initrd size
S_CMDLINE           equ 28              ; command line address
S_SIZE              equ 32

        OPTION_ROM_HEADER

bev:
        cli
        cld
        sub sp, S_SIZE
        mov bp, sp                      ; SS:BP = scratch

        ; 1. the setup, and ES = its segment
        mov ax, FW_CFG_SETUP_ADDR
        call fw_read32
        mov [bp + S_SETUP], eax
        mov edi, eax
        mov ax, FW_CFG_SETUP_SIZE
        call fw_read32
        mov ecx, eax
        mov ax, FW_CFG_SETUP_DATA
        call fw_dma_read
        mov eax, [bp + S_SETUP]
        shr eax, 4
        mov es, ax
        cmp word [es:HDR_VERSION], 0x203
        jae .protocol_ok
        mov dword [es:HDR_INITRD_ADDR_MAX], OLD_INITRD_ADDR_MAX
.protocol_ok:

        ; 2. the initrd
        mov ax, FW_CFG_INITRD_ADDR
        call fw_read32
        mov [bp + S_INITRD], eax
        mov ax, FW_CFG_INITRD_SIZE
        call fw_read32
        mov [bp + S_INITRD_SIZE], eax
        add eax, [bp + S_INITRD]
        and eax, PAGE_MASK              ; the initrd's end page
        jz .initrd_load
        mov edx, [es:HDR_INITRD_ADDR_MAX]
        and edx, PAGE_MASK              ; the highest page allowed
        jz .initrd_load
        cmp eax, edx
        je .initrd_load
        call e801_top
        sub eax, [bp + S_INITRD_SIZE]
        and eax, PAGE_MASK
        mov [bp + S_INITRD], eax
        mov [es:HDR_RAMDISK_IMAGE], eax
.initrd_load:
        mov edi, [bp + S_INITRD]
        mov ecx, [bp + S_INITRD_SIZE]
        mov ax, FW_CFG_INITRD_DATA
        call fw_dma_read

        ; 3. the kernel and the command line
        mov ax, FW_CFG_KERNEL_ADDR
        call fw_read32
        mov edi, eax
        mov ax, FW_CFG_KERNEL_SIZE
        call fw_read32
        mov ecx, eax
        mov ax, FW_CFG_KERNEL_DATA
        call fw_dma_read
        mov ax, FW_CFG_CMDLINE_ADDR
        call fw_read32
        mov [bp + S_CMDLINE], eax
        mov edi, eax
        mov ax, FW_CFG_CMDLINE_SIZE
        call fw_read32
        mov ecx, eax
        mov ax, FW_CFG_CMDLINE_DATA
        call fw_dma_read

        ; 4. into the setup code
        mov ebx, [bp + S_CMDLINE]
        sub ebx, [bp + S_SETUP]
        sub ebx, 16                     ; the stack ends below the command line
        mov eax, [bp + S_SETUP]
        shr eax, 4
        mov ds, ax
        mov es, ax
        mov fs, ax
        mov gs, ax
        mov ss, ax
        mov esp, ebx
        add ax, SETUP_ENTRY_PARAS
        push ax                         ; CS
        push word 0                     ; IP
        xor ebx, ebx
        xor ecx, ecx
        xor edx, edx
        xor edi, edi
        xor ebp, ebp
        retf

; e801_top: returns in EAX the end of RAM as INT 15h E801 reports it: 16 MiB plus DX (or BX) 64 KiB
; blocks, else 1 MiB plus CX (or AX) KiB. Clobbers EBX, ECX, EDX.
e801_top:
        mov eax, E801_MEMSIZE
        xor ebx, ebx
        xor ecx, ecx
        xor edx, edx
        int 0x15
        test cx, cx
        jnz .have
        test dx, dx
        jnz .have
        mov cx, ax                      ; a BIOS may answer in AX/BX only
        mov dx, bx
.have:  test dx, dx
        jz .below_16m
        movzx eax, dx
        add eax, 256                    ; 16 MiB in 64 KiB blocks
        shl eax, 16
        ret
.below_16m:
        movzx eax, cx
        add eax, 1024                   ; 1 MiB in KiB
        shl eax, 10
        ret

FW_CFG_ROUTINES

manufacturer:   db "pcscope", 0
product:        db "Linux loader", 0

        times ROM_BLOCKS * 512 - 1 - ($ - $$) db 0
checksum:
        db 0                            ; set by build.sh so that all bytes sum to 0
