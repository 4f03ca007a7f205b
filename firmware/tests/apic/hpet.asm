; The HPET of QEMU's pc machine, as Linux drives it, in 32-bit protected mode: the reset values of
; its registers; the main counter halted (written, read back) and running; legacy replacement
; (timer 0 periodic on IRQ0 -> I/O APIC pin 2, timer 1 one-shot and level-triggered on IRQ8 -> pin 8
; with its status bit cleared by a write, the PIT's output cut off); a 32-bit one-shot timer routed
; to IRQ2; the comparator of a periodic timer advancing by whole periods. Results independent of
; timing. test/emu/devices/hpet.test.ts runs it under QEMU 7.2 and pcscope; the logs must be
; identical. Assembled by the test (not committed).
%include "lib.inc"
%include "irq.inc"

HPET    equ 0xfed00000
H_ID    equ 0x000
H_PER   equ 0x004
H_CFG   equ 0x010
H_ISR   equ 0x020
H_CNT   equ 0x0f0
T0      equ 0x100
T1      equ 0x120
T2      equ 0x140
T_CFG   equ 0x00
T_CAP   equ 0x04
T_CMP   equ 0x08
T_CMPHI equ 0x0c
HC_EN   equ 1
HC_LEG  equ 2
TC_LEVEL equ 0x002
TC_EN   equ 0x004
TC_PER  equ 0x008
TC_SETVAL equ 0x040
TC_32   equ 0x100

STOPAT  equ SCRATCH + 12
SAVE1   equ SCRATCH + 16
SAVE2   equ SCRATCH + 20
FIRST   equ SCRATCH + 24

%macro HPET_R 1
        mov eax, [HPET + %1]
%endmacro
%macro HPET_W 2
        mov dword [HPET + %1], %2
%endmacro

main:
        PM32_PICS_MASKED
        SET_GATE 0x30, isr_0x30, 0x8E
        SET_GATE 0x38, isr_0x38, 0x8E
        SET_GATE 0x9f, isr_0x9f, 0x8E
        call clearlog

        ; Reset values.
        HPET_R H_ID
        mov ebx, eax
        HPET_R H_PER
        mov ecx, eax
        HPET_R H_CFG
        mov edx, eax
        HPET_R H_ISR
        mov esi, eax
        HPET_R H_CNT
        mov edi, eax
        HPET_R H_CNT + 4
        mov ebp, eax
        xor eax, eax
        DUMP "reset id/per/cfg/isr/cnt/cnthi"
        mov ebx, T0
.timers:
        mov eax, [HPET + ebx + T_CFG]
        mov ecx, [HPET + ebx + T_CAP]
        mov edx, [HPET + ebx + T_CMP]
        mov esi, [HPET + ebx + T_CMPHI]
        xor edi, edi
        xor ebp, ebp
        DUMP "timer cfg/reg/cap/cmp/cmphi"
        add ebx, 0x20
        cmp ebx, T2 + 0x20
        jb .timers

        ; The counter: written while halted, read back; running; halted again (frozen).
        HPET_W H_CNT, 0x12345678
        HPET_W H_CNT + 4, 0x9
        HPET_R H_CNT
        mov ebx, eax
        HPET_R H_CNT + 4
        mov [SAVE1], eax
        HPET_W H_CNT, 0
        HPET_W H_CNT + 4, 0
        HPET_W H_CFG, HC_EN
        HPET_R H_CNT
        mov esi, eax
        mov ecx, 1000
        loop $
        HPET_R H_CNT
        cmp eax, esi
        seta dl
        HPET_W H_CFG, 0
        HPET_R H_CNT
        mov esi, eax
        mov ecx, 1000
        loop $
        HPET_R H_CNT
        cmp eax, esi
        sete dh
        movzx edx, dx
        HPET_R H_CFG
        xor ecx, ecx
        mov esi, [SAVE1]
        xor edi, edi
        xor ebp, ebp
        DUMP "counter cfg/written lo/-/ran<<0|frozen<<8/written hi"

        ; Local APIC on, the 8259 kept away (LINT0 stays masked); pins 2 and 8 routed.
        APIC_W A_SVR, 0x19f
        IOAPIC_W 0x15, 0
        IOAPIC_W 0x14, 0x30
        IOAPIC_W 0x21, 0
        IOAPIC_W 0x20, 0x8038

        ; Legacy replacement, timer 0 periodic: three interrupts on pin 2, then the hook stops it.
        HPET_W H_CNT, 0
        HPET_W H_CNT + 4, 0
        HPET_W H_CFG, HC_EN | HC_LEG
        mov dword [STOPAT], 3
        mov dword [HOOK], stop_timer0
        ; Linux's sequence: 32-bit periodic with SETVAL, the first expiry, then the period.
        HPET_W T0 + T_CFG, TC_EN | TC_PER | TC_SETVAL | TC_32
        HPET_R H_CNT
        add eax, 200000                     ; 2 ms periods: QEMU's handler masks it in time under load
        mov [FIRST], eax
        mov [HPET + T0 + T_CMP], eax
        HPET_W T0 + T_CMP, 200000
        WAIT 3
        mov dword [HOOK], 0
        HPET_R T0 + T_CMP
        sub eax, [FIRST]
        xor edx, edx
        mov ecx, 200000
        div ecx
        HPET_R T0 + T_CFG
        mov esi, eax
        xor edi, edi
        SHOWLOG "legacy timer0 log/(cmp-first)%period/cfg", 1

        ; Timer 1, one-shot, level: pin 8 holds Remote IRR and the status bit until the hook clears it.
        mov dword [HOOK], ack_timer1
        HPET_W T1 + T_CFG, TC_EN | TC_LEVEL
        HPET_R H_CNT
        add eax, 3000
        mov [HPET + T1 + T_CMP], eax
        HPET_W T1 + T_CMPHI, 0
        WAIT 1
        mov dword [HOOK], 0
        HPET_R H_ISR
        mov edx, eax
        mov esi, [SAVE1]
        mov edi, [SAVE2]
        SHOWLOG "legacy timer1 log/isr after/isr in handler/redir8 in handler", 1
        IOAPIC_R 0x20
        DUMPA "redir8 after"
        HPET_W T1 + T_CFG, 0

        ; The PIT is cut off in legacy mode: its interrupt never reaches pin 2.
        mov al, 0x30
        out 0x43, al
        mov al, 0xd0
        out 0x40, al
        mov al, 0x07
        out 0x40, al
        mov ecx, 2000000
.spin:  sti
        nop
        cli
        dec ecx
        jnz .spin
        SHOWLOG "pit in legacy mode log"

        ; Out of legacy mode with pin 2 masked: the PIT's output (high since its terminal count) comes
        ; back to IRQ0 as an edge the masked pin ignores.
        IOAPIC_W 0x14, 0x10030
        HPET_W H_CFG, HC_EN
        IOAPIC_W 0x14, 0x30

        ; Timer 2, 32-bit one-shot, routed to IRQ2 (pin 2). The comparator is written before the
        ; timer is enabled: enabled with its reset comparator, which lies more than 2^31 ticks
        ; "behind" the counter in QEMU's signed arithmetic, QEMU fires it at once, and whether its
        ; timer thread or the comparator write comes first is a race (a second interrupt, at times).
        HPET_W T2 + T_CFG, TC_32 | (2 << 9)
        HPET_R H_CNT
        add eax, 4000
        mov [HPET + T2 + T_CMP], eax
        HPET_W T2 + T_CFG, TC_EN | TC_32 | (2 << 9)
        WAIT 1
        HPET_R T2 + T_CFG
        mov edx, eax
        HPET_R T2 + T_CMPHI
        mov esi, eax
        xor edi, edi
        SHOWLOG "timer2 log/cfg/cmphi", 1
        HPET_W T2 + T_CFG, 0
        HPET_W H_CFG, 0
        HPET_R H_ISR
        DUMPA "isr at end"
        EXIT

HANDLER 0x30
HANDLER 0x38
HANDLER 0x9f
IRQ_ROUTINES

; Disables timer 0 once [STOPAT] interrupts arrived.
stop_timer0:
        push eax
        mov eax, [LOGN]
        cmp eax, [STOPAT]
        jb .no
        mov dword [HPET + T0 + T_CFG], TC_PER
.no:    pop eax
        ret

; Timer 1's interrupt: notes the status register and pin 8's entry, then clears the status bit.
ack_timer1:
        push eax
        mov eax, [HPET + H_ISR]
        mov [SAVE1], eax
        mov dword [IOAPIC], 0x20
        mov eax, [IOAPIC + 0x10]
        mov [SAVE2], eax
        mov dword [HPET + H_ISR], 2
        pop eax
        ret
        bits 16

ROM_END
