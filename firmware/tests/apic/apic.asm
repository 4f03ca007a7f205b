; The local APIC and the I/O APIC as Linux drives them, in 32-bit protected mode: reset values; the
; timer (one-shot and periodic, divide configurations, the current count running down); TPR and
; PPR masking and the priority order of pending vectors; self and logical/physical IPIs; the 8259
; through LINT0 (ExtINT), and LINT0 masked; the PIT through I/O APIC pin 2 (edge) and the RTC
; through pin 8 (level, Remote IRR, re-delivery after an EOI while the line stays high).
; Every result is independent of timing: the ROM waits with sti/hlt for what it expects and prints
; the order vectors arrived in and the registers read. test/emu/devices/lapic.test.ts runs it under
; QEMU 7.2 and pcscope; the logs must be identical. Assembled by the test (not committed).
%include "lib.inc"

%include "irq.inc"

main:
        ; Mask both 8259s before anything can interrupt (they come out of reset unmasked).
        PM32_PICS_MASKED
        SET_GATE 0x20, isr_0x20, 0x8E
        SET_GATE 0x30, isr_0x30, 0x8E
        SET_GATE 0x38, isr_0x38, 0x8E
        SET_GATE 0x40, isr_0x40, 0x8E
        SET_GATE 0x41, isr_0x41, 0x8E
        SET_GATE 0x42, isr_0x42, 0x8E
        SET_GATE 0x50, isr_0x50, 0x8E
        SET_GATE 0x61, isr_0x61, 0x8E
        SET_GATE 0x9f, isr_0x9f, 0x8E
        call clearlog

        ; Reset values.
        APIC_R A_ID
        mov ebx, eax
        APIC_R A_VER
        mov ecx, eax
        APIC_R A_SVR
        mov edx, eax
        APIC_R A_LINT0
        mov esi, eax
        APIC_R A_LINT1
        mov edi, eax
        APIC_R A_DFR
        mov ebp, eax
        APIC_R A_LVTT
        DUMP "reset lvtt/id/ver/svr/lint0/lint1/dfr"
        APIC_R A_TPR
        mov ebx, eax
        APIC_R A_PPR
        mov ecx, eax
        APIC_R A_TDCR
        mov edx, eax
        APIC_R A_TICR
        mov esi, eax
        APIC_R A_TCCR
        mov edi, eax
        APIC_R A_LDR
        xor ebp, ebp
        DUMP "reset ldr/tpr/ppr/tdcr/ticr/tccr"
        IOAPIC_R 0
        mov ebx, eax
        IOAPIC_R 1
        mov ecx, eax
        IOAPIC_R 0x10
        mov edx, eax
        IOAPIC_R 0x11
        mov esi, eax
        IOAPIC_R 0x3f
        mov edi, eax
        xor eax, eax
        DUMP "ioapic id/ver/redir0/redir23hi"

        APIC_W A_SVR, 0x19f             ; software enable, spurious vector 0x9f

        ; One-shot timer, divide by 1: fires once; the count reads 0 after it.
        APIC_W A_TDCR, 0xb
        APIC_W A_LVTT, 0x40
        APIC_W A_TICR, 5000
        WAIT 1
        APIC_R A_TCCR
        mov edx, eax
        APIC_R A_ISR + 0x20
        mov esi, eax
        APIC_R A_PPR
        mov edi, eax
        SHOWLOG "oneshot log/count/isr2/ppr", 1

        ; The count runs down at each divide setting (read twice, some work between).
        mov ebx, 0
.div:   mov eax, ebx
        and eax, 3
        mov ecx, ebx
        shl ecx, 1
        and ecx, 8
        or eax, ecx
        mov [APIC + A_TDCR], eax
        APIC_W A_LVTT, 0x10040          ; masked: no interrupt
        APIC_W A_TICR, 0x7fffffff
        APIC_R A_TCCR
        mov esi, eax
        mov ecx, 2000
        loop $
        APIC_R A_TCCR
        cmp eax, esi
        setb dl
        cmp esi, 0x7fffffff
        setbe dh
        movzx edx, dx
        xor ecx, ecx                    ; flags independent of the counts
        mov eax, [APIC + A_TDCR]
        DUMPA "divide: down<<8|started"
        mov eax, edx
        DUMPA "  flags"
        inc ebx
        cmp ebx, 8
        jb .div
        APIC_W A_TICR, 0

        ; Periodic timer: three interrupts, then the handler masks it. The period (20000 at divide
        ; 128: 2.56 ms of QEMU's real-time clock) leaves QEMU's handler time to mask it under load.
        APIC_W A_TDCR, 0xa
        mov dword [STOPAT], 3
        mov dword [HOOK], stop_periodic
        APIC_W A_LVTT, 0x20040
        APIC_W A_TICR, 20000
        WAIT 3
        mov dword [HOOK], 0
        APIC_R A_LVTT
        mov edx, eax
        xor esi, esi
        xor edi, edi
        SHOWLOG "periodic log/lvtt", 1
        APIC_W A_TICR, 0

        ; TPR: a self-IPI of class 5 waits in the IRR while TPR is 0x60, and arrives when TPR drops.
        APIC_W A_TPR, 0x60
        APIC_W A_ICRLO, 0x40050         ; self, fixed, vector 0x50
        sti
        nop
        nop
        cli
        APIC_R A_IRR + 0x20
        mov edx, eax
        APIC_R A_PPR
        mov esi, eax
        SHOWLOG "tpr held log/irr2/ppr", 1
        APIC_W A_TPR, 0
        WAIT 1
        SHOWLOG "tpr released log"

        ; Priority: 0x41 and 0x61 pending together; 0x61 first; 0x41 only after its EOI.
        cli
        APIC_W A_ICRLO, 0x40041
        APIC_W A_ICRLO, 0x40061
        APIC_R A_IRR + 0x20
        mov edx, eax
        APIC_R A_IRR + 0x30
        mov esi, eax
        WAIT 2
        SHOWLOG "priority log/irr2/irr3", 1

        ; In-service: while 0x61 is in service (no EOI), 0x41 waits; the ISR and PPR show it.
        mov dword [NOEOI], 1
        APIC_W A_ICRLO, 0x40061
        WAIT 1
        APIC_W A_ICRLO, 0x40041
        sti
        nop
        cli
        APIC_R A_ISR + 0x30
        mov edx, eax
        APIC_R A_PPR
        mov esi, eax
        APIC_R A_IRR + 0x20
        mov edi, eax
        mov dword [NOEOI], 0
        SHOWLOG "in service log/isr3/ppr/irr2", 1
        APIC_W A_EOI, 0
        WAIT 1
        SHOWLOG "after eoi log"

        ; Physical and logical destinations.
        APIC_W A_ICRHI, 0               ; physical ID 0
        APIC_W A_ICRLO, 0x00042
        WAIT 1
        APIC_W A_ICRHI, 0x05000000      ; physical ID 5: nobody
        APIC_W A_ICRLO, 0x00042
        sti
        nop
        nop
        cli
        APIC_W A_LDR, 0x01000000
        APIC_W A_ICRHI, 0x01000000      ; logical flat, bit 0
        APIC_W A_ICRLO, 0x00842
        WAIT 2
        APIC_W A_ICRHI, 0x02000000      ; logical flat, bit 1: nobody
        APIC_W A_ICRLO, 0x00842
        sti
        nop
        nop
        cli
        APIC_W A_ICRLO, 0x80042         ; all including self
        WAIT 3
        APIC_R A_ICRLO
        mov edx, eax
        SHOWLOG "destinations log/icr", 1

        ; The 8259 through LINT0 (ExtINT): PIT channel 0 one-shot on IRQ0, master at vector 0x20.
        ; LINT0 comes out of reset masked under QEMU 7.2; firmware sets it to ExtINT, as here.
        call pic_init
        APIC_W A_LINT0, 0x700
        mov dword [HOOK], pic_eoi
        call pit_oneshot
        mov al, 0xfe
        out 0x21, al
        WAIT 1
        SHOWLOG "extint log"
        ; LINT0 masked: the 8259's request waits; unmasked, it arrives.
        APIC_W A_LINT0, 0x10700
        call pit_oneshot
        mov ecx, 200000
.spin:  sti
        nop
        cli
        dec ecx
        jnz .spin
        mov eax, [LOGN]
        mov [SAVE1], eax
        APIC_W A_LINT0, 0x700
        WAIT 1
        mov edx, [SAVE1]
        SHOWLOG "lint0 masked log/before-unmask", 1
        mov al, 0xff
        out 0x21, al
        mov dword [HOOK], 0

        ; The PIT through I/O APIC pin 2, edge, physical destination 0.
        IOAPIC_W 0x15, 0
        IOAPIC_W 0x14, 0x30
        call pit_oneshot
        WAIT 1
        IOAPIC_R 0x14
        mov edx, eax
        SHOWLOG "ioapic pit log/redir2", 1
        IOAPIC_W 0x14, 0x10030

        ; The RTC periodic interrupt through pin 8, level: Remote IRR while in service; an EOI with the
        ; line still high delivers again; reading register C lowers the line.
        mov dword [HOOK], rtc_hook
        IOAPIC_W 0x21, 0
        IOAPIC_W 0x20, 0x8038
        mov al, 0x0a
        out 0x70, al
        mov al, 0x26
        out 0x71, al
        mov al, 0x0b
        out 0x70, al
        mov al, 0x42                    ; PIE, 24-hour
        out 0x71, al
        WAIT 2
        mov al, 0x0b
        out 0x70, al
        mov al, 0x02
        out 0x71, al
        mov al, 0x0c
        out 0x70, al
        in al, 0x71
        IOAPIC_R 0x20
        mov edx, eax
        mov esi, [SAVE1]
        mov edi, [SAVE2]
        mov dword [HOOK], 0
        SHOWLOG "ioapic rtc log/redir8/first/second", 1
        IOAPIC_W 0x20, 0x10038

        ; Spurious: the SVR disabled stops delivery from the APIC.
        APIC_W A_SVR, 0x9f
        APIC_W A_ICRLO, 0x40042
        sti
        nop
        nop
        cli
        APIC_R A_IRR + 0x20
        mov edx, eax
        SHOWLOG "svr disabled log/irr2", 1
        EXIT

; The handlers: log the vector, call [HOOK], send an EOI unless [NOEOI].
HANDLER 0x20
HANDLER 0x30
HANDLER 0x38
HANDLER 0x40
HANDLER 0x41
HANDLER 0x42
HANDLER 0x50
HANDLER 0x61
HANDLER 0x9f
IRQ_ROUTINES

; Masks the periodic timer once [STOPAT] interrupts arrived.
stop_periodic:
        push eax
        mov eax, [LOGN]
        cmp eax, [STOPAT]
        jb .no
        mov dword [APIC + A_LVTT], 0x30040
.no:    pop eax
        ret

; 8259 EOI for vector 0x20.
pic_eoi:
        cmp al, 0x20
        jne .no
        push eax
        mov al, 0x20
        out 0x20, al
        pop eax
.no:    ret

; RTC (vector 0x38): first time, keep the line high (no register C read) and note Remote IRR;
; second time, note it again and read register C.
rtc_hook:
        cmp al, 0x38
        jne .no
        push eax
        mov dword [IOAPIC], 0x20
        mov eax, [IOAPIC + 0x10]
        cmp dword [LOGN], 1
        ja .second
        mov [SAVE1], eax
        pop eax
        ret
.second:
        mov [SAVE2], eax
        mov al, 0x0c
        out 0x70, al
        in al, 0x71
        pop eax
.no:    ret

; The master 8259 at vectors 0x20-0x27, the slave at 0x28-0x2f, all masked.
pic_init:
        mov al, 0x11
        out 0x20, al
        out 0xa0, al
        mov al, 0x20
        out 0x21, al
        mov al, 0x28
        out 0xa1, al
        mov al, 4
        out 0x21, al
        mov al, 2
        out 0xa1, al
        mov al, 1
        out 0x21, al
        out 0xa1, al
        mov al, 0xff
        out 0x21, al
        out 0xa1, al
        ret

; PIT channel 0, mode 0 (interrupt on terminal count), count 2000.
pit_oneshot:
        mov al, 0x30
        out 0x43, al
        mov al, 2000 & 0xff
        out 0x40, al
        mov al, 2000 >> 8
        out 0x40, al
        ret

        bits 16

ROM_END
