; MMX, SSE and SSE2/SSE3 integer, logic, shuffle and move instructions in real mode, each form
; (register and memory) from three machine states, with the state each leaves (registers, EFLAGS,
; FSW/FTW, MXCSR, x87/MMX registers, XMM registers, the memory operand); mandatory-prefix
; combinations; and the faults (#UD without CR4.OSFXSR or with CR0.EM, #NM with CR0.TS, #GP on
; a misaligned 16-byte operand, LDMXCSR's reserved bits).
; test/emu/cpu/sse/simd.test.ts runs it under QEMU 7.2 and pcscope with the same --cpu; the logs
; must be identical. Assembled by the test (not committed).
%include "lib.inc"
%include "simd-lib.inc"

PD      equ 0x10000             ; page directory and page table (32-bit part)
PT      equ 0x11000

; MMXOP insn : TEST of `insn mm1, mm2` and `insn mm1, [MEM]`.
%macro MMXOP 1
  %defstr NAME_S %1
        TEST NAME_S, {%1 mm1, mm2}
        TEST NAME_S, {%1 mm1, [MEM]}
%endmacro

; XMMOP insn : TEST of `insn xmm1, xmm2` and `insn xmm1, [MEM]`.
%macro XMMOP 1
  %defstr NAME_S %1
        TEST NAME_S, {%1 xmm1, xmm2}
        TEST NAME_S, {%1 xmm1, [MEM]}
%endmacro

; BOTH insn : MMXOP and XMMOP.
%macro BOTH 1
        MMXOP %1
        XMMOP %1
%endmacro

main:
        call make_states
        SSE_ON
        mov eax, cr4
        DUMP "cr4"

        ; packed integer, MMX and SSE2 forms
        BOTH punpcklbw
        BOTH punpcklwd
        BOTH punpckldq
        BOTH packsswb
        BOTH pcmpgtb
        BOTH pcmpgtw
        BOTH pcmpgtd
        BOTH packuswb
        BOTH punpckhbw
        BOTH punpckhwd
        BOTH punpckhdq
        BOTH packssdw
        XMMOP punpcklqdq
        XMMOP punpckhqdq
        BOTH pcmpeqb
        BOTH pcmpeqw
        BOTH pcmpeqd
        BOTH psrlw
        BOTH psrld
        BOTH psrlq
        BOTH paddq
        BOTH pmullw
        BOTH psubusb
        BOTH psubusw
        BOTH pminub
        BOTH pand
        BOTH paddusb
        BOTH paddusw
        BOTH pmaxub
        BOTH pandn
        BOTH pavgb
        BOTH psraw
        BOTH psrad
        BOTH pavgw
        BOTH pmulhuw
        BOTH pmulhw
        BOTH psubsb
        BOTH psubsw
        BOTH pminsw
        BOTH por
        BOTH paddsb
        BOTH paddsw
        BOTH pmaxsw
        BOTH pxor
        BOTH psllw
        BOTH pslld
        BOTH psllq
        BOTH pmuludq
        BOTH pmaddwd
        BOTH psadbw
        BOTH psubb
        BOTH psubw
        BOTH psubd
        BOTH psubq
        BOTH paddb
        BOTH paddw
        BOTH paddd

        ; arithmetic edge values
        TEST "pmaddwd 8000*8000 twice", {mov eax, 0x80008000}, {movd mm1, eax}, {movd mm2, eax}, {pmaddwd mm1, mm2}, {movd xmm1, eax}, {pshufd xmm1, xmm1, 0}, {movdqa xmm2, xmm1}, {pmaddwd xmm1, xmm2}
        TEST "pmuludq all ones", {pcmpeqd xmm1, xmm1}, {pcmpeqd xmm2, xmm2}, {pmuludq xmm1, xmm2}, {pcmpeqd mm1, mm1}, {pmuludq mm1, mm1}
        TEST "paddq/psubq carries", {pcmpeqd xmm1, xmm1}, {mov eax, 1}, {movd xmm2, eax}, {paddq xmm1, xmm2}, {pxor xmm3, xmm3}, {psubq xmm3, xmm2}, {pcmpeqd mm1, mm1}, {movd mm2, eax}, {paddq mm1, mm2}, {pxor mm3, mm3}, {psubq mm3, mm2}
        TEST "pmulhuw/pmulhw/pavg extremes", {pcmpeqd xmm1, xmm1}, {pcmpeqd xmm2, xmm2}, {pmulhuw xmm1, xmm2}, {pcmpeqd xmm3, xmm3}, {pavgb xmm3, xmm2}, {pcmpeqd xmm4, xmm4}, {pavgw xmm4, xmm2}, {mov eax, 0x80008000}, {movd xmm5, eax}, {movd xmm6, eax}, {pmulhw xmm5, xmm6}
        TEST "psadbw 00/ff", {pxor xmm1, xmm1}, {pcmpeqd xmm2, xmm2}, {psadbw xmm1, xmm2}, {pxor mm1, mm1}, {pcmpeqd mm2, mm2}, {psadbw mm2, mm1}
        TEST "pack saturation", {mov eax, 0x80007fff}, {movd xmm1, eax}, {mov eax, 0x0100ff7f}, {movd xmm2, eax}, {pshufd xmm2, xmm2, 0}, {movdqa xmm3, xmm1}, {packsswb xmm1, xmm2}, {packuswb xmm3, xmm2}, {movdqa xmm4, xmm2}, {packssdw xmm4, xmm2}

        ; shifts by small counts in a register and by immediates
%macro SHIFTS 1
        TEST "shifts by register", {mov eax, 3}, {movd %{1}2, eax}, {psrlw %{1}1, %{1}2}, {psraw %{1}3, %{1}2}, {psllq %{1}4, %{1}2}
        TEST "shifts by 15/16", {mov eax, 15}, {movd %{1}2, eax}, {psraw %{1}1, %{1}2}, {psrlw %{1}3, %{1}2}, {mov eax, 16}, {movd %{1}2, eax}, {psraw %{1}4, %{1}2}, {psllw %{1}5, %{1}2}
        TEST "shifts by 31/32/63", {mov eax, 31}, {movd %{1}2, eax}, {psrad %{1}1, %{1}2}, {pslld %{1}3, %{1}2}, {mov eax, 32}, {movd %{1}2, eax}, {psrlq %{1}4, %{1}2}, {psrad %{1}5, %{1}2}, {mov eax, 63}, {movd %{1}2, eax}, {psllq %{1}6, %{1}2}
        TEST "shift imm w", {psrlw %{1}1, 3}, {psraw %{1}2, 9}, {psllw %{1}3, 15}, {psrlw %{1}4, 16}, {psraw %{1}5, 200}
        TEST "shift imm d", {psrld %{1}1, 7}, {psrad %{1}2, 31}, {pslld %{1}3, 33}, {psrad %{1}4, 32}
        TEST "shift imm q", {psrlq %{1}1, 1}, {psllq %{1}2, 40}, {psrlq %{1}3, 63}, {psllq %{1}4, 64}
%endmacro
        SHIFTS mm
        SHIFTS xmm
        TEST "pslldq/psrldq", {pslldq xmm1, 3}, {psrldq xmm2, 5}, {pslldq xmm3, 16}, {psrldq xmm4, 15}, {psrldq xmm5, 0}

        ; moves
        TEST "movd mm,r32", {movd mm1, eax}, {movd mm2, [MEM + 4]}
        TEST "movd r32,mm", {movd eax, mm1}, {movd [MEM + 4], mm2}
        TEST "movd xmm,r32", {movd xmm1, eax}, {movd xmm2, [MEM + 4]}
        TEST "movd r32,xmm", {movd eax, xmm1}, {movd [MEM + 4], xmm2}
        TEST "movq mm", {movq mm1, mm2}, {movq mm3, [MEM + 1]}, {movq [MEM + 9], mm4}
        TEST "movq xmm", {movq xmm1, xmm2}, {movq xmm3, [MEM + 1]}, {movq [MEM + 9], xmm4}, {db 0x66, 0x0f, 0xd6, 0xee}
        TEST "movq2dq/movdq2q", {movq2dq xmm1, mm2}, {movdq2q mm3, xmm4}
        TEST "movdqa", {movdqa xmm1, xmm2}, {movdqa xmm3, [MEM]}, {movdqa [MEM + 16], xmm4}
        TEST "movdqu", {movdqu xmm1, xmm2}, {movdqu xmm3, [MEM + 3]}, {movdqu [MEM + 17], xmm4}
        TEST "lddqu", {lddqu xmm3, [MEM + 5]}
        TEST "movaps/movapd", {movaps xmm1, xmm2}, {movaps xmm3, [MEM]}, {movapd [MEM + 16], xmm4}, {movapd xmm5, xmm6}
        TEST "movups/movupd", {movups xmm1, xmm2}, {movups xmm3, [MEM + 3]}, {movupd [MEM + 17], xmm4}, {movupd xmm5, [MEM + 33]}
        TEST "movss", {movss xmm1, xmm2}, {movss xmm3, [MEM + 1]}, {movss [MEM + 9], xmm4}
        TEST "movsd", {movsd xmm1, xmm2}, {movsd xmm3, [MEM + 1]}, {movsd [MEM + 9], xmm4}
        TEST "movlps/movhps", {movlps xmm1, [MEM + 1]}, {movhps xmm2, [MEM + 3]}, {movlps [MEM + 16], xmm3}, {movhps [MEM + 24], xmm4}
        TEST "movlpd/movhpd", {movlpd xmm1, [MEM + 1]}, {movhpd xmm2, [MEM + 3]}, {movlpd [MEM + 16], xmm3}, {movhpd [MEM + 24], xmm4}
        TEST "movhlps/movlhps", {movhlps xmm1, xmm2}, {movlhps xmm3, xmm4}
        TEST "movddup", {movddup xmm1, xmm2}, {movddup xmm3, [MEM + 8]}
        TEST "movsldup", {movsldup xmm1, xmm2}, {movsldup xmm3, [MEM]}
        TEST "movshdup", {movshdup xmm1, xmm2}, {movshdup xmm3, [MEM]}
        TEST "movnt", {movntps [MEM], xmm1}, {movntpd [MEM + 16], xmm2}, {movntdq [MEM + 32], xmm3}, {movntq [MEM + 48], mm4}, {movnti [MEM + 60], eax}
        TEST "maskmovq", {mov di, MEM + 3}, {maskmovq mm1, mm2}
        TEST "maskmovdqu", {mov di, MEM + 5}, {maskmovdqu xmm1, xmm2}
        TEST "maskmovq es", {mov di, MEM + 3}, {es maskmovq mm3, mm4}

        ; shuffles, unpacks, logic, masks
        TEST "pshufw", {pshufw mm1, mm2, 0x1b}, {pshufw mm3, [MEM], 0xe4}, {pshufw mm4, mm4, 0x55}
        TEST "pshufd", {pshufd xmm1, xmm2, 0x1b}, {pshufd xmm3, [MEM], 0xc6}
        TEST "pshufhw", {pshufhw xmm1, xmm2, 0x1b}, {pshufhw xmm3, [MEM], 0xc6}
        TEST "pshuflw", {pshuflw xmm1, xmm2, 0x1b}, {pshuflw xmm3, [MEM], 0xc6}
        TEST "shufps", {shufps xmm1, xmm2, 0x1b}, {shufps xmm3, [MEM], 0xc6}
        TEST "shufpd", {shufpd xmm1, xmm2, 1}, {shufpd xmm3, [MEM], 2}
        XMMOP unpcklps
        XMMOP unpckhps
        XMMOP unpcklpd
        XMMOP unpckhpd
        XMMOP andps
        XMMOP andnps
        XMMOP orps
        XMMOP xorps
        XMMOP andpd
        XMMOP andnpd
        XMMOP orpd
        XMMOP xorpd
        TEST "movmskps/pd", {movmskps eax, xmm1}, {movmskpd ecx, xmm2}, {movmskps edx, xmm3}
        TEST "pmovmskb", {pmovmskb eax, mm1}, {pmovmskb ecx, xmm2}
        TEST "pextrw", {pextrw eax, mm1, 2}, {pextrw ecx, mm2, 7}, {pextrw edx, xmm3, 5}, {pextrw esi, xmm4, 9}
        TEST "pinsrw", {pinsrw mm1, eax, 2}, {pinsrw mm2, [MEM + 1], 7}, {pinsrw xmm3, ecx, 5}, {pinsrw xmm4, [MEM + 3], 9}
        TEST "emms", {movq mm1, mm2}, {emms}
        TEST "mxcsr", {mov dword [MEM], 0x7f80 | 0x8000 | 0x40}, {ldmxcsr [MEM]}, {stmxcsr [MEM + 8]}
        TEST "fences", {sfence}, {lfence}, {mfence}, {prefetchnta [MEM]}, {prefetcht0 [MEM]}

        ; mandatory-prefix combinations (raw bytes)
        TEST "f3 66 0f 6f = movdqu", {db 0xf3, 0x66, 0x0f, 0x6f, 0xca}
        TEST "66 f2 0f 70 = pshuflw", {db 0x66, 0xf2, 0x0f, 0x70, 0xca, 0x1b}
        TEST "f2 f3 0f 10 = movss", {db 0xf2, 0xf3, 0x0f, 0x10, 0xca}
        TEST "f3 f2 0f 10 = movsd", {db 0xf3, 0xf2, 0x0f, 0x10, 0xca}
        TEST "66 66 0f 60", {db 0x66, 0x66, 0x0f, 0x60, 0xca}

        ; the store encodings' register forms (rm is the destination)
        TEST "f3 0f 11 / f2 0f 11 reg", {db 0xf3, 0x0f, 0x11, 0xca}, {db 0xf2, 0x0f, 0x11, 0xdc}
        TEST "0f 11 / 66 0f 11 / 0f 29 / 66 0f 29 reg", {db 0x0f, 0x11, 0xca}, {db 0x66, 0x0f, 0x11, 0xdc}, {db 0x0f, 0x29, 0xee}, {db 0x66, 0x0f, 0x29, 0xf8}
        TEST "0f 7f / 66 0f 7f / f3 0f 7f reg", {db 0x0f, 0x7f, 0xca}, {db 0x66, 0x0f, 0x7f, 0xdc}, {db 0xf3, 0x0f, 0x7f, 0xee}
        TEST "0f 7e / 66 0f 7e reg", {db 0x0f, 0x7e, 0xca}, {db 0x66, 0x0f, 0x7e, 0xdc}

        ; register forms of memory-only encodings, as QEMU runs them
        TEST "66 0f 12 reg", {db 0x66, 0x0f, 0x12, 0xca}
        TEST "66 0f 16 reg", {db 0x66, 0x0f, 0x16, 0xca}
        TEST "0f 13 reg", {db 0x0f, 0x13, 0xca}
        TEST "66 0f 17 reg", {db 0x66, 0x0f, 0x17, 0xca}
        TEST "0f 2b reg", {db 0x0f, 0x2b, 0xca}
        TEST "66 0f e7 reg", {db 0x66, 0x0f, 0xe7, 0xca}
        TEST "0f e7 reg", {db 0x0f, 0xe7, 0xca}
        TEST "0f c3 reg", {db 0x0f, 0xc3, 0xca}
        TEST "ldmxcsr reserved", {mov dword [MEM], 0x11f80}, {ldmxcsr [MEM]}, {stmxcsr [MEM + 4]}

        ; faults
        mov word [CUR], 0
        call load_state16
        FAULT "f3 0f 60", {db 0xf3, 0x0f, 0x60, 0xca}
        FAULT "f2 0f 6f", {db 0xf2, 0x0f, 0x6f, 0xca}
        FAULT "0f 6c (no mmx form)", {db 0x0f, 0x6c, 0xca}
        FAULT "pextrw mem", {db 0x0f, 0xc5, 0x06, MEM & 0xff, MEM >> 8, 1}
        FAULT "lddqu reg", {db 0xf2, 0x0f, 0xf0, 0xca}
        FAULT "psrlw mem imm", {db 0x0f, 0x71, 0x16, MEM & 0xff, MEM >> 8, 1}
        FAULT "psrldq mmx", {db 0x0f, 0x73, 0xda, 1}
        FAULT "0f 71 /3", {db 0x0f, 0x71, 0xda, 1}
        FAULT "movaps misaligned", {movaps xmm1, [MEM + 8]}
        FAULT "movaps store misaligned", {movaps [MEM + 4], xmm1}
        FAULT "paddb misaligned", {paddb xmm1, [MEM + 1]}
        FAULT "pshufd misaligned", {pshufd xmm1, [MEM + 1], 0}
        FAULT "movdqa misaligned", {movdqa xmm1, [MEM + 8]}
        FAULT "movntps misaligned", {movntps [MEM + 8], xmm1}
        FAULT "movsldup misaligned", {movsldup xmm1, [MEM + 8]}
        FAULT "unpcklps misaligned", {unpcklps xmm1, [MEM + 8]}
        FAULT "andps misaligned", {andps xmm1, [MEM + 8]}
        FAULT "shufps misaligned", {shufps xmm1, [MEM + 8], 0}
%macro MISALIGNED 1+
  %defstr NAME_S %1
        FAULT NAME_S, {%1}, {ud2}
%endmacro
        MISALIGNED punpcklbw xmm1, [MEM + 4]
        MISALIGNED packsswb xmm1, [MEM + 4]
        MISALIGNED pcmpeqb xmm1, [MEM + 4]
        MISALIGNED psrlw xmm1, [MEM + 4]
        MISALIGNED pmullw xmm1, [MEM + 4]
        MISALIGNED pand xmm1, [MEM + 4]
        MISALIGNED pavgb xmm1, [MEM + 4]
        MISALIGNED psadbw xmm1, [MEM + 4]
        MISALIGNED paddd xmm1, [MEM + 4]
        MISALIGNED punpcklqdq xmm1, [MEM + 4]
        MISALIGNED pxor xmm1, [MEM + 4]
        MISALIGNED unpckhpd xmm1, [MEM + 4]
        MISALIGNED xorpd xmm1, [MEM + 4]
        MISALIGNED shufpd xmm1, [MEM + 4], 1
        MISALIGNED movshdup xmm1, [MEM + 4]
        MISALIGNED movntdq [MEM + 4], xmm1
        MISALIGNED movdqa [MEM + 4], xmm1
        MISALIGNED movapd xmm1, [MEM + 4]
        MISALIGNED pshufhw xmm1, [MEM + 4], 1
        MISALIGNED addps xmm1, [MEM + 4]
        MISALIGNED addsubpd xmm1, [MEM + 4]
        MISALIGNED haddps xmm1, [MEM + 4]
        MISALIGNED cmpps xmm1, [MEM + 4], 1
        MISALIGNED cvtdq2ps xmm1, [MEM + 4]
        MISALIGNED cvttpd2dq xmm1, [MEM + 4]
        MISALIGNED sqrtps xmm1, [MEM + 4]
        MISALIGNED subps xmm1, [MEM + 4]
        MISALIGNED mulpd xmm1, [MEM + 4]
        MISALIGNED divps xmm1, [MEM + 4]
        MISALIGNED minpd xmm1, [MEM + 4]
        MISALIGNED maxps xmm1, [MEM + 4]
        MISALIGNED rsqrtps xmm1, [MEM + 4]
        MISALIGNED rcpps xmm1, [MEM + 4]
        MISALIGNED cvtps2dq xmm1, [MEM + 4]
        MISALIGNED cvttps2dq xmm1, [MEM + 4]
        MISALIGNED cvtpd2ps xmm1, [MEM + 4]
        MISALIGNED cvtpd2dq xmm1, [MEM + 4]
        MISALIGNED sqrtpd xmm1, [MEM + 4]
        MISALIGNED cmppd xmm1, [MEM + 4], 1
        MISALIGNED hsubpd xmm1, [MEM + 4]
        MISALIGNED addsubps xmm1, [MEM + 4]
        MISALIGNED cvtpd2pi mm1, [MEM + 4]
        MISALIGNED cvttpd2pi mm1, [MEM + 4]
        FAULT "paddb mm unaligned ok", {paddb mm1, [MEM + 1]}, {ud2}
        FAULT "ldmxcsr daz", {mov dword [MEM], 0x1fc0}, {ldmxcsr [MEM]}, {stmxcsr [MEM + 4]}, {mov eax, [MEM + 4]}, {DUMP "daz"}, {ud2}
        FAULT "clflush", {clflush [MEM]}
        FAULT "0f ae /4", {db 0x0f, 0xae, 0x26, MEM & 0xff, MEM >> 8}
        FAULT "0f ae /5 reg lfence 66", {db 0x66, 0x0f, 0xae, 0xe8}, {ud2}
        FAULT "f3 0f 6e", {db 0xf3, 0x0f, 0x6e, 0xca}, {ud2}
        FAULT "f2 0f 7e", {db 0xf2, 0x0f, 0x7e, 0xca}, {ud2}
        FAULT "f2 0f 71 /2", {db 0xf2, 0x0f, 0x71, 0xd2, 1}, {ud2}
        FAULT "f3 0f 73 /3", {db 0xf3, 0x0f, 0x73, 0xda, 1}, {ud2}
        FAULT "f3 0f d7", {db 0xf3, 0x0f, 0xd7, 0xca}, {ud2}
        FAULT "f2 0f c5", {db 0xf2, 0x0f, 0xc5, 0xca, 1}, {ud2}
        FAULT "f3 0f c4", {db 0xf3, 0x0f, 0xc4, 0xca, 1}, {ud2}
        FAULT "f2 0f e7 mem", {db 0xf2, 0x0f, 0xe7, 0x0e, MEM & 0xff, MEM >> 8}, {ud2}
        FAULT "f3 0f f7", {db 0xf3, 0x0f, 0xf7, 0xca}, {ud2}
        FAULT "66 0f 77", {db 0x66, 0x0f, 0x77}, {ud2}
        FAULT "f3 0f 77", {db 0xf3, 0x0f, 0x77}, {ud2}
        FAULT "f2 0f 14", {db 0xf2, 0x0f, 0x14, 0xca}, {ud2}
        FAULT "f3 0f 28", {db 0xf3, 0x0f, 0x28, 0xca}, {ud2}
        FAULT "f2 0f 29 mem", {db 0xf2, 0x0f, 0x29, 0x0e, MEM & 0xff, MEM >> 8}, {ud2}
        FAULT "f2 0f 50", {db 0xf2, 0x0f, 0x50, 0xca}, {ud2}
        FAULT "f3 0f 57", {db 0xf3, 0x0f, 0x57, 0xca}, {ud2}
        FAULT "f3 0f c6", {db 0xf3, 0x0f, 0xc6, 0xca, 1}, {ud2}
        FAULT "f3 0f 13 mem", {db 0xf3, 0x0f, 0x13, 0x0e, MEM & 0xff, MEM >> 8}, {ud2}
        FAULT "f2 0f 16", {db 0xf2, 0x0f, 0x16, 0xca}, {ud2}
        FAULT "f3 0f 17 mem", {db 0xf3, 0x0f, 0x17, 0x0e, MEM & 0xff, MEM >> 8}, {ud2}
        FAULT "f3 0f 2b mem", {db 0xf3, 0x0f, 0x2b, 0x0e, MEM & 0xff, MEM >> 8}, {ud2}
        FAULT "66 0f c3 mem", {db 0x66, 0x0f, 0xc3, 0x0e, MEM & 0xff, MEM >> 8}, {ud2}
        FAULT "f3 0f c3 mem", {db 0xf3, 0x0f, 0xc3, 0x0e, MEM & 0xff, MEM >> 8}, {ud2}
        FAULT "66 0f f0 mem", {db 0x66, 0x0f, 0xf0, 0x0e, MEM & 0xff, MEM >> 8}, {ud2}
        FAULT "0f d6", {db 0x0f, 0xd6, 0xca}, {ud2}
        FAULT "f2 0f 6f", {db 0xf2, 0x0f, 0x7f, 0xca}, {ud2}
        FAULT "f3 0f 6c", {db 0xf3, 0x0f, 0x6c, 0xca}, {ud2}
        FAULT "66 0f 70 mmx-only imm", {db 0x66, 0x0f, 0x70, 0xca, 0x1b}, {ud2}
        FAULT "66 0f ae /7 sfence", {db 0x66, 0x0f, 0xae, 0xf8}, {ud2}
        FAULT "f3 0f ae /6 reg", {db 0xf3, 0x0f, 0xae, 0xf0}, {ud2}
        FAULT "f3 0f ae /2 mem ldmxcsr", {db 0xf3, 0x0f, 0xae, 0x16, MEM & 0xff, MEM >> 8}, {ud2}
        FAULT "0f ae /2 reg", {db 0x0f, 0xae, 0xd0}, {ud2}
        FAULT "66 f3 0f fc", {db 0x66, 0xf3, 0x0f, 0xfc, 0xca}, {ud2}
        FAULT "f2 66 0f 6f", {db 0xf2, 0x66, 0x0f, 0x6f, 0xca}, {ud2}
        FAULT "lock 66 0f e7 mem", {db 0xf0, 0x66, 0x0f, 0xe7, 0x0e, MEM & 0xff, MEM >> 8}, {ud2}
        FAULT "lock 0f ae /3 mem", {db 0xf0, 0x0f, 0xae, 0x1e, MEM & 0xff, MEM >> 8}, {ud2}
        FAULT "66 0f ae /3 mem", {db 0x66, 0x0f, 0xae, 0x1e, MEM & 0xff, MEM >> 8}, {ud2}
        FAULT "f2 0f ae /2 mem", {db 0xf2, 0x0f, 0xae, 0x16, MEM & 0xff, MEM >> 8}, {ud2}
        FAULT "f3 0f ae /5 reg", {db 0xf3, 0x0f, 0xae, 0xe8}, {ud2}
        FAULT "f2 0f ae /6 reg", {db 0xf2, 0x0f, 0xae, 0xf0}, {ud2}
        FAULT "66 0f ae /6 reg", {db 0x66, 0x0f, 0xae, 0xf0}, {ud2}
        FAULT "f3 0f ae /7 reg", {db 0xf3, 0x0f, 0xae, 0xf8}, {ud2}
        FAULT "0f ae /5 mem", {db 0x0f, 0xae, 0x2e, MEM & 0xff, MEM >> 8}, {ud2}
        FAULT "0f ae /6 mem", {db 0x0f, 0xae, 0x36, MEM & 0xff, MEM >> 8}, {ud2}
        FAULT "66 0f ae /6 mem", {db 0x66, 0x0f, 0xae, 0x36, MEM & 0xff, MEM >> 8}, {ud2}
        FAULT "f3 0f 18 /0", {db 0xf3, 0x0f, 0x18, 0x06, MEM & 0xff, MEM >> 8}, {ud2}
        FAULT "0f 0d /1", {db 0x0f, 0x0d, 0x0e, MEM & 0xff, MEM >> 8}, {ud2}
        FAULT "0f 24", {db 0x0f, 0x24, 0xc0}, {ud2}
        FAULT "0f 7a", {db 0x0f, 0x7a, 0xc0}, {ud2}
        FAULT "0f 78", {db 0x0f, 0x78, 0xc0}, {ud2}
        FAULT "66 0f 78 /0", {db 0x66, 0x0f, 0x78, 0xc0, 1, 2}, {ud2}
        FAULT "0f 38 00 pshufb", {db 0x0f, 0x38, 0x00, 0xca}, {ud2}
        FAULT "0f 3a 0f palignr", {db 0x0f, 0x3a, 0x0f, 0xca, 1}, {ud2}
        FAULT "f3 0f b8 popcnt", {db 0xf3, 0x0f, 0xb8, 0xca}, {ud2}
        FAULT "f3 0f bc tzcnt", {db 0xf3, 0x0f, 0xbc, 0xca}, {ud2}
        FAULT "0f 0d /0 mem", {db 0x0f, 0x0d, 0x06, MEM & 0xff, MEM >> 8}, {ud2}
        FAULT "0f 0d /7 mem", {db 0x0f, 0x0d, 0x3e, MEM & 0xff, MEM >> 8}, {ud2}
        FAULT "0f 0d reg", {db 0x0f, 0x0d, 0xc8}, {ud2}
        FAULT "lock 0f ae /2 mem", {db 0xf0, 0x0f, 0xae, 0x16, MEM & 0xff, MEM >> 8}, {ud2}
        FAULT "lock 0f ae /0 fxsave", {db 0xf0, 0x0f, 0xae, 0x06, SAVEAREA & 0xff, SAVEAREA >> 8}, {ud2}
        FAULT "lock 0f ae /1 fxrstor", {db 0xf0, 0x0f, 0xae, 0x0e, SAVEAREA & 0xff, SAVEAREA >> 8}, {ud2}
        FAULT "lock 0f ae /7 clflush", {db 0xf0, 0x0f, 0xae, 0x3e, MEM & 0xff, MEM >> 8}, {ud2}
        FAULT "lock 0f ae /5 reg", {db 0xf0, 0x0f, 0xae, 0xe8}, {ud2}
        FAULT "lock 0f 18 /0", {db 0xf0, 0x0f, 0x18, 0x06, MEM & 0xff, MEM >> 8}, {ud2}
        FAULT "lock 0f 7f mem", {db 0xf0, 0x0f, 0x7f, 0x0e, MEM & 0xff, MEM >> 8}, {ud2}
        FAULT "lock 0f c3 movnti", {db 0xf0, 0x0f, 0xc3, 0x0e, MEM & 0xff, MEM >> 8}, {ud2}
        FAULT "ud0 0f ff", {db 0x0f, 0xff, 0xca}
        FAULT "lock paddb", {db 0xf0, 0x0f, 0xfc, 0x0e, MEM & 0xff, MEM >> 8}

        ; CR0.TS: #NM for MMX, SSE, EMMS, LDMXCSR
        mov eax, cr0
        or eax, 8
        mov cr0, eax
        FAULT "ts paddb mm", {paddb mm1, mm2}
        FAULT "ts paddb xmm", {paddb xmm1, xmm2}
        FAULT "ts movaps", {movaps xmm1, xmm2}
        FAULT "ts emms", {emms}
        FAULT "ts ldmxcsr", {ldmxcsr [MEM]}
        FAULT "ts stmxcsr", {stmxcsr [MEM]}
        FAULT "ts movnti", {movnti [MEM], eax}, {ud2}
        FAULT "ts sfence", {sfence}, {ud2}
        FAULT "ts movq2dq", {movq2dq xmm1, mm2}
        FAULT "ts pshufw", {pshufw mm1, mm2, 0}
        clts

        ; CR0.EM: #UD for MMX and SSE
        mov eax, cr0
        or eax, 4
        mov cr0, eax
        FAULT "em paddb mm", {paddb mm1, mm2}
        FAULT "em paddb xmm", {paddb xmm1, xmm2}
        FAULT "em emms", {emms}
        FAULT "em ldmxcsr", {ldmxcsr [MEM]}
        FAULT "em movdq2q", {movdq2q mm1, xmm2}
        FAULT "em movd", {movd mm1, eax}
        mov eax, cr0
        or eax, 8
        mov cr0, eax
        FAULT "em+ts paddb mm", {paddb mm1, mm2}
        FAULT "em+ts paddb xmm", {paddb xmm1, xmm2}
        mov eax, cr0
        and eax, ~12
        mov cr0, eax

        ; CR4.OSFXSR clear: #UD for SSE, MMX runs
        SSE_OFF
        FAULT "no osfxsr paddb mm", {paddb mm1, mm2}, {ud2}
        FAULT "no osfxsr paddb xmm", {paddb xmm1, xmm2}
        FAULT "no osfxsr movq2dq", {movq2dq xmm1, mm2}
        FAULT "no osfxsr pshufw", {pshufw mm1, mm2, 0}, {ud2}
        FAULT "no osfxsr ldmxcsr", {ldmxcsr [MEM]}
        FAULT "no osfxsr sfence", {sfence}, {ud2}
        mov eax, cr0
        or eax, 8
        mov cr0, eax
        FAULT "no osfxsr ts paddb xmm", {paddb xmm1, xmm2}
        FAULT "no osfxsr ts movaps", {movaps xmm1, xmm2}
        clts

        ; 32-bit protected mode: 32-bit addressing, 66 as the SSE2 prefix of 32-bit code
        SSE_ON
        PM_ENTER32 pm32
        bits 32
pm32:   PM32_INIT
        BOTH paddw
        TEST "pm32 pshufw", {pshufw mm1, mm2, 0x1b}, {pshufw mm3, [MEM], 0x4e}
        TEST "pm32 pshufd", {pshufd xmm1, xmm2, 0x1b}, {pshufd xmm3, [MEM], 0x4e}
        TEST "pm32 addressing", {mov ebx, MEM - 0x100}, {mov ecx, 0x40}, {paddd xmm1, [ebx + ecx * 4]}, {movdqu xmm2, [ebx + 0x103]}, {movq mm3, [ebx + ecx * 4 + 4]}, {movd [ebx + 0x130], mm3}
        TEST "pm32 movd/pextrw/pmovmskb", {movd eax, xmm1}, {pextrw ecx, mm2, 1}, {pmovmskb edx, xmm3}, {movd xmm4, esi}, {pinsrw xmm5, edi, 3}
        TEST "pm32 maskmovdqu", {mov edi, MEM + 7}, {maskmovdqu xmm1, xmm2}
        TEST "pm32 66 67 prefixes", {db 0x66, 0x67, 0x0f, 0xfc, 0x0e, MEM & 0xff, MEM >> 8}
        FAULT "pm32 movdqa misaligned", {movdqa xmm1, [MEM + 8]}
        FAULT "pm32 0f 12 /r ud", {db 0x66, 0x0f, 0x13, 0xca}

        ; paging: 16- and 8-byte accesses that cross into a read-only (0x6000) or a not-present
        ; (0x7000) page; what a faulting store leaves in the page before
        mov edi, PT
        mov eax, 3                      ; present, writable
        mov ecx, 1024
.pt:    stosd
        add eax, 0x1000
        loop .pt
        mov dword [PT + 6 * 4], 0x6000 | 1
        mov dword [PT + 7 * 4], 0x7000
        mov dword [PD], PT | 3
        mov eax, PD
        mov cr3, eax
        mov eax, cr0
        or eax, 0x80010000              ; PG, WP
        mov cr0, eax
        TEST "pf movdqu store across into read-only", {movdqu [0x5ff8], xmm1}
        TEST "pf: the page before", {movq mm7, [0x5ff0]}, {movq mm6, [0x5ff8]}
        TEST "pf movq store across into read-only", {movq [0x5ffc], mm1}
        TEST "pf: the page before", {movq mm7, [0x5ff8]}
        TEST "pf maskmovq across", {mov edi, 0x5ffc}, {pcmpeqb mm2, mm2}, {maskmovq mm1, mm2}
        TEST "pf: the page before", {movq mm7, [0x5ff8]}
        TEST "pf movdqu load across into not-present", {movdqu xmm1, [0x6ff8]}
        TEST "pf paddb mm load across", {paddb mm1, [0x6ffc]}
        TEST "pf movd store into read-only", {movd [0x6000], mm1}
        EXIT
        bits 16

        ROM_END
