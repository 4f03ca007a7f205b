// The instructions jit/emit-extra.ts translates, against the interpreter: loops over RDTSC, the
// flag-bit instructions, BT/BTS/BTR/BTC, BSF/BSR, SHLD/SHRD, XADD, CMPXCHG, CMPXCHG8B, BSWAP,
// PUSH/CALL/JMP Ev, PUSH Sreg, PUSHF, LEAVE, RET imm16, far CALL/JMP/RET, INT n, IRET and the
// string instructions without REP (DF both ways, segment overrides, 16- and 32-bit addresses), on
// registers and memory, with the flags they set read after them, run translating and interpreting
// in the same slices (lockstep.ts); one loop ends in a fault inside a translated block.

import { expect, test } from "vitest";
import { flat32, HANDLER_BASE, type Machine, realMode } from "../helpers.ts";
import { describeBothTiers, lockstep, tier, translatingPair } from "./lockstep.ts";

/**
 * nasm source (bits 16, org 0x1000; real mode, data at 0x2000), 300 passes then a fault:
 *   mov bp, 300 / mov bx, 0x2000 / mov word [0x60*4], int_h / mov word [0x60*4+2], 0
 *   top: rdtsc / xor [bx+0x300], ax / mov ax, [bx+si] / mov dx, [bx+di+4]
 *   clc / adc ax, dx / stc / adc ax, 1 / cmc / sbb dx, ax / rdtsc / xor [bx+0x34c], ax / lahf
 *   mov [bx+0x304], ah / sahf
 *   mov cx, bp / bt ax, cx / adc di, 0 / bts dx, cx / btr eax, 5 / btc edx, ecx / sub cx, 150
 *   bt [bx+0x200], cx / adc si, 0 / btc dword [bx+0x200], ecx / bts word [bx+0x210], 3
 *   btr dword [bx+0x210], 40 / bsf cx, ax / bsr ecx, [bx+0x20] / setz byte [bx+0x308]
 *   mov cx, bp / shld ax, dx, 7 / shrd [bx+0x30c], ax, cl / shld edx, eax, cl
 *   shrd dword [bx+0x310], edx, 3 / xadd ax, dx / xadd [bx+0x314], cx / cmpxchg [bx+0x31c], dx
 *   xor [bx+0x348], ax / cmpxchg cl, dh / cmpxchg8b [bx+0x328] / cmpxchg8b [bx+0x328] / bswap eax
 *   and si, 0x1e / and di, 0x1e / push word [bx+si] / push ds / push es / push ss / push cs
 *   pushf / o32 pushf / pop ecx / and cx, 0x8d5 / xor [bx+0x340], cx / pop cx (x6)
 *   push bp / mov bp, sp / sub sp, 6 / leave / push ebp / mov ebp, esp / sub esp, 8 / o32 leave
 *   push si / push di / lea si, [bx+0x40] / lea di, [bx+0x80] / test bp, 1 / jz fwd / std
 *   fwd: movsw / movsb / lodsw / stosw / cmpsb / scasw / cld / movsd / lodsd / stosb / cmpsw
 *   jne x / inc word [bx+0x330]
 *   x: a32 lodsb / cs scasb / es movsb / pop di / pop si / push ax / call f_ret2
 *   o32 push eax / o32 push eax / call dword f_ret8 / add si, 2 / call 0:far16 / push ax
 *   call 0:far16b / int 0x60 / jmp 0:j16
 *   j16: mov ax, f_near / call ax / mov word [bx+0x350], f_near / call word [bx+0x350]
 *   mov word [bx+0x352], jt16 / jmp word [bx+0x352]
 *   jt16: mov ax, jr16 / jmp ax
 *   jr16: dec bp / jnz top
 *   mov si, 0xff01
 *   flt: lodsw / add dx, ax / jmp flt        ; #GP(0) when SI reaches 0xffff (0x114f)
 *   f_ret2: ret 2      f_ret8: o32 ret 8      far16: rol ax, 3 / retf
 *   far16b: xor dx, ax / retf 2      int_h: xchg ax, dx / iret      f_near: inc word [bx+0x354] / ret
 */
const EXTRA16 =
  "bd2c01bb0020c70680016411c706820100000f31318700038b008b5104f811d0f983d001f519c20f3131874c039f88a704" +
  "039e89e90fa3c883d7000fabca660fbaf005660fbbca81e996000fa38f000283d600660fbb8f00020fbaaf100203660fba" +
  "b71002280fbcc8660fbd4f200f9487080389e90fa4d0070fad870c03660fa5c2660fac971003030fc1d00fc18f14030fb1" +
  "971c03318748030fb0f10fc78f28030fc78f2803660fc883e61e83e71eff301e06160e9c669c665981e1d508318f400359" +
  "59595959595589e583ec06c966556689e56683ec0866c956578d77408dbf8000f7c501007401fda5a4adaba6affc66a566" +
  "adaaa77504ff87300367ac2eae26a45f5e50e84a006650665066e84300000083c6029a5b110000509a5f110000cd60ea29" +
  "110000b86611ffd0c78750036611ff975003c78752034211ffa75203b84711ffe04d0f85c6febe01ffad01c2ebfbc20200" +
  "66c20800c1c003cb31c2ca020092cfff875403c3";
/** The EIP of the faulting LODSW in EXTRA16. */
const EXTRA16_FAULT = 0x114f;

/**
 * nasm source (bits 32, org 0x1000; flat, data at 0x2000), 300 passes:
 *   mov ebp, 300 / mov ebx, 0x2000 / mov dword [0x800+0x1f*8], 0x80000 + int_h
 *   mov dword [0x800+0x1f*8+4], 0x8e00          ; IDT vector 0x1f: a 32-bit interrupt gate
 *   top: rdtsc / xor [ebx+0x300], eax / mov eax, [ebx+ebp*4] / mov edx, [ebx+ebp*2+4]
 *   clc / adc eax, edx / stc / adc eax, 1 / cmc / sbb edx, eax / rdtsc / xor [ebx+0x34c], eax
 *   lahf / mov [ebx+0x304], ah
 *   mov ah, dl / sahf / setc byte [ebx+0x305] / seto byte [ebx+0x306]
 *   mov ecx, ebp / bt eax, ecx / adc edi, 0 / bts edx, ecx / btr eax, 5 / btc dx, cx / bt ax, 17
 *   setc byte [ebx+0x307] / mov ecx, ebp / sub ecx, 150 / bt [ebx+0x200], ecx / adc esi, 0
 *   bts dword [ebx+0x200], ecx / btr word [ebx+0x200], cx / btc dword [ebx+0x200], 33
 *   bts word [ebx+0x210], 3 / adc esi, 0 / bsf ecx, eax / bsr edi, [ebx+ebp+0x20] / bsf cx, dx
 *   setz byte [ebx+0x308] / bsr di, word [ebx+0x30a] / jnz nz / inc dword [ebx+0x33c]
 *   nz: and word [ebx+0x30a], 0xf0f0 / mov ecx, ebp / shld eax, edx, 7 / shrd [ebx+0x30c], eax, cl
 *   shld dx, ax, cl / shrd word [ebx+0x310], dx, 20 / shrd eax, edx, 0 / adc esi, 0
 *   xadd eax, edx / xadd [ebx+0x314], ecx / xadd byte [ebx+0x318], dl / xadd ax, ax / jc c1 / inc edi
 *   c1: cmpxchg [ebx+0x31c], edx / xor [ebx+0x348], eax / cmpxchg ecx, edx / cmpxchg byte [ebx+0x320], cl
 *   mov eax, [ebx+0x324] / cmpxchg [ebx+0x324], esi / jnz c2 / inc dword [ebx+0x334]
 *   c2: cmpxchg8b [ebx+0x328] / adc esi, 0 / cmpxchg8b [ebx+0x328] / setz byte [ebx+0x338]
 *   bswap eax / bswap edi / push dword [ebx+ebp] / push ds / push fs / push cs / pushf / pop edx
 *   and edx, 0x8d5 / pop ecx (x4) / xor [ebx+0x340], ecx
 *   push ebp / mov ebp, esp / sub esp, 12 / mov [ebp-4], eax / leave
 *   lea esi, [ebx+0x40] / lea edi, [ebx+0x80] / test ebp, 1 / jz fwd / std
 *   fwd: movsd / movsb / lodsw / stosd / cmpsb / scasw / cld / movsw / lodsd / stosb / cmpsd
 *   scasb / std / fs lodsd / cmpsw / jne x / inc dword [ebx+0x330]
 *   x: scasd / ja y / inc dword [ebx+0x344]
 *   y: cld / push eax / push eax / call f_ret8 / call 0x08:far32 / push eax / call 0x08:far32b
 *   int 0x1f / jmp 0x08:j32
 *   j32: mov eax, f_near / call eax / mov dword [ebx+0x350], f_near / call [ebx+0x350]
 *   mov dword [ebx+0x358], jt32 / jmp [ebx+0x358]
 *   jt32: mov eax, jr32 / jmp eax
 *   jr32: dec ebp / jnz top / hlt      f_ret8: ret 8      far32: rol eax, 3 / retf
 *   far32b: xor edx, eax / retf 4      int_h: xchg eax, edx / iretd
 *   f_near: inc dword [ebx+0x354] / ret
 */
const EXTRA32 =
  "bd2c010000bb00200000c705f808000014120800c705fc080000008e00000f313183000300008b04ab8b546b04f811d0f9" +
  "83d001f519c20f3131834c0300009f88a30403000088d49e0f9283050300000f90830603000089e90fa3c883d7000fabca" +
  "0fbaf005660fbbca660fbae0110f92830703000089e981e9960000000fa38b0002000083d6000fab8b00020000660fb38b" +
  "000200000fbabb0002000021660fbaab100200000383d6000fbcc80fbd7c2b20660fbcca0f948308030000660fbdbb0a03" +
  "00007506ff833c0300006681a30a030000f0f089e90fa4d0070fad830c030000660fa5c2660fac9310030000140facd000" +
  "83d6000fc1d00fc18b140300000fc09318030000660fc1c07201470fb1931c0300003183480300000fb1d10fb08b200300" +
  "008b83240300000fb1b3240300007506ff83340300000fc78b2803000083d6000fc78b280300000f9483380300000fc80f" +
  "cfff342b1e0fa00e9c5a81e2d508000059595959318b400300005589e583ec0c8945fcc98d73408dbb80000000f7c50100" +
  "00007401fda5a466adaba666affc66a5adaaa7aefd64ad66a77506ff8330030000af7706ff8344030000fc5050e84e0000" +
  "009a0b1200000800509a0f1200000800cd1fead21100000800b816120000ffd0c7835003000016120000ff9350030000c7" +
  "8358030000f9110000ffa358030000b800120000ffe04d0f8517fefffff4c20800c1c003cb31c2ca040092cfff83540300" +
  "00c3";

/** The EIP after EXTRA32's HLT. */
const EXTRA32_END = 0x1208;

function bytes(hex: string): number[] {
  return [...Buffer.from(hex, "hex")];
}

function fillData(m: Machine): void {
  for (let i = 0; i < 0x400; i++) m.mem.buffer[0x2000 + i] = (i * 37 + 11) & 0xff;
}

/** The tests, run by describeBothTiers at the end. */
function suites(): void {
  test("16-bit real mode: same state and counts after every slice, and the fault at the same LODSW", () => {
    const [on, off] = translatingPair(() => {
      const m = realMode(bytes(EXTRA16));
      fillData(m);
      return m;
    }, tier.runs);
    lockstep(on, off, [5000, 3, 97, 1]);
    expect(on.cpu.eip).toBe(HANDLER_BASE + 13 + 1);
    // The IP pushed for #GP is the LODSW's, reached after 300 passes.
    expect(on.mem.buffer[0x7ffa] | (on.mem.buffer[0x7ffb] << 8)).toBe(EXTRA16_FAULT);
    expect(on.cpu.regs[5] & 0xffff).toBe(0);
    expect(on.cpu.jit.hits + on.cpu.jit.chained).toBeGreaterThan(100);
    // Nothing in the loops runs in the interpreter but the handler's HLT.
    expect(on.cpu.jit.fallbacks).toBeLessThanOrEqual(1);
  });

  test("32-bit flat: same state and counts after every slice", () => {
    const [on, off] = translatingPair(() => {
      const m = flat32(bytes(EXTRA32));
      fillData(m);
      return m;
    }, tier.runs);
    lockstep(on, off, [5000, 3, 97, 1]);
    // The loop ran to its end (no fault sent it to a handler's HLT).
    expect(on.cpu.eip).toBe(EXTRA32_END);
    expect(on.cpu.jit.hits + on.cpu.jit.chained).toBeGreaterThan(100);
    // Only the HLT after the loop (in every block reaching the loop's end) is left to the interpreter.
    expect(on.cpu.jit.fallbacks).toBeLessThanOrEqual(on.cpu.jit.translated);
  });
}

describeBothTiers(suites);
