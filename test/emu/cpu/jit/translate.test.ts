// The translator against the interpreter: the same programs run on two CPUs, one with translation
// and one without, in the same slices; registers, EFLAGS, EIP, instruction counts, memory and stop
// events must be identical after every slice. Plus self-modifying code (a store into the running
// block, into the very next instruction, a debugger write), a precise fault in the middle of a
// block, a breakpoint and a watchpoint in a hot translated loop, and interrupts at slice edges.

import { describe, expect, test } from "vitest";
import type { PhysicalMemory } from "../../../../src/emu/cpu/state.ts";
import { flat32, HANDLER_BASE, type Machine, realMode, TestMemory } from "../helpers.ts";
import { describeBothTiers, lockstep, state, tier, translatingPair } from "./lockstep.ts";

/**
 * nasm source (bits 16, org 0x1000), a loop of 300 passes over ALU, memory, stack, call/ret,
 * shifts, conditional branches and instructions the generator leaves to the interpreter:
 *   mov cx, 300 / xor si, si / mov bx, 0x2000
 *   top: mov ax, [bx+si] / add ax, cx / adc dx, ax / sbb di, 3 / xor ax, 0x55aa / and ax, 0x7fff
 *   or [bx+si+2], ax / sub word [bx+4], 1 / cmp ax, dx / jb l1 / inc bp
 *   l1: shl ax, 3 / sar dx, 1 / rol word [bx+6], 5 / test ax, 0x100 / jnz l2 / dec word [bx+8]
 *   l2: push ax / push cx / call sub1 / pop cx / pop ax / lea si, [si+2] / and si, 0x1e
 *   mov [bx+si+0x20], al / movzx eax, byte [bx+si] / imul ax, cx, 3 / add al, 0x80 / adc ah, bl
 *   cmp byte [bx+12], 0x40 / jnz l3 / inc byte [bx+13]
 *   l3: pushf / pop word [bx+14] / loop top / hlt
 *   sub1: mov al, [bx+10] / add al, 7 / mov [bx+10], al / ret
 */
const LOOP16 =
  "b92c0131f6bb00208b0001c811c283df0335aa5525ff7f094002836f040139d0720145c1e003d1fac1470605a900017503ff4f085051e8260059588d740283e61e884020660fb6006bc103048010dc807f0c407503fe470d9c8f470ee2aaf48a470a040788470ac3";

/**
 * nasm source (bits 32, org 0x1000), the same kind of loop with 32-bit operands, SIB addressing,
 * moffs, 16-bit operands (0x66), NEG and XCHG:
 *   mov ecx, 300 / xor esi, esi / mov ebx, 0x2000
 *   top: mov eax, [ebx+esi*4] / add eax, ecx / adc edx, eax / sbb edi, 0x12345
 *   xor eax, 0x55aa55aa / and eax, 0x7fffffff / or [ebx+esi*4+0x40], eax / sub dword [ebx+4], 1
 *   add [ebx+0x100], cx / cmp eax, edx / jl l1 / inc ebp
 *   l1: shl eax, 3 / sar edx, 1 / shr dword [ebx+8], 1 / rol dword [ebx+12], 5 / test eax, 0x100
 *   jnz l2 / dec dword [ebx+16]
 *   l2: push eax / push ecx / call sub1 / pop ecx / pop eax / lea esi, [esi+1] / and esi, 0x7
 *   mov [ebx+esi+0x80], al / mov [0x2200], eax / mov eax, [0x2204] / movzx eax, byte [ebx+esi]
 *   imul eax, ecx, 3 / test byte [ebx+20], 1 / jz l3 / neg dword [ebx+24]
 *   l3: mov dword [ebx+28], 0x11223344 / mov byte [ebx+32], 0x55 / mov word [ebx+34], 0x6677
 *   xchg eax, edx / dec ecx / jnz top / hlt
 *   sub1: mov al, [ebx+10] / add al, 7 / mov [ebx+10], al / ret
 */
const LOOP32 =
  "b92c01000031f6bb002000008b04b301c811c281df4523010035aa55aa5525ffffff7f0944b340836b040166018b0001000039d07c0145c1e003d1fad16b08c1430c05a9000100007503ff4b105051e84300000059588d760183e60788843380000000a300220000a1042200000fb604336bc103f64314017403f75b18c7431c44332211c643205566c74322776692490f8576fffffff48a430a040788430ac3";

function bytes(hex: string): number[] {
  return [...Buffer.from(hex, "hex")];
}

/** Two machines from `make`, the first translating, the second interpreting. */
function pair(make: () => Machine): [Machine, Machine] {
  return translatingPair(make, tier.runs);
}

function fillData(m: Machine): void {
  for (let i = 0; i < 0x400; i++) m.mem.buffer[0x2000 + i] = (i * 37 + 11) & 0xff;
}

/**
 * nasm source (bits 32, org 0x1000), a loop over the instructions generated for the Linux boot's
 * most frequent interpreter fallbacks: MOVZX/MOVSX, IMUL (three forms), XCHG, CBW/CWDE/CWD/CDQ,
 * shifts and rotates by CL (counts 0 and past the width included), NOT/NEG/MUL/IMUL/DIV/IDIV,
 * SETcc, CMOVcc, PAUSE and PUSH imm, on registers and memory:
 *   mov ecx, 400 / mov ebx, 0x2000 / xor esi, esi
 *   top: mov eax, [ebx+esi*4] / movzx edx, byte [ebx+esi] / movzx edi, word [ebx+esi*2+8]
 *   movsx ebp, byte [ebx+esi+3] / movsx eax, word [ebx+esi+5] / movzx dx, al / movsx di, ah
 *   movzx ebp, dx / movsx edx, cx / imul eax, ecx / imul edx, [ebx+12] / imul ebp, eax, 7
 *   imul di, [ebx+16], -300 / imul dx, cx, 5 / xchg eax, edx / xchg [ebx+20], ebp
 *   xchg cl, ch / xchg cl, ch / xchg esi, eax / xchg esi, eax / cbw / cwde / cwd / cdq
 *   push ecx / mov cl, [ebx+esi+24] / shl eax, cl / sar edx, cl / rcl ebp, cl / ror di, cl
 *   rcr dl, cl / shr dword [ebx+28], cl / rol word [ebx+32], cl / sar byte [ebx+34], cl / pop ecx
 *   not eax / not byte [ebx+36] / neg dx / neg dword [ebx+40] / mul ecx / imul dword [ebx+44]
 *   mov edi, ecx / or edi, 1 / xor edx, edx / div edi / and eax, 0x7fff / div byte [ebx+48]
 *   cwd / idiv di / cmp eax, ebp / setl dl / setnz byte [ebx+esi+52] / seta dh / cmovg eax, ebp
 *   cmovbe edx, [ebx+56] / cmovs di, si / pause / push dword 0x12345678 / push byte -5
 *   pop edx / add [ebx+60], edx / pop edx / add [ebx+64], edx / mov [ebx+esi*4+0x80], eax
 *   mov [ebx+esi*4+0x100], edi / inc esi / and esi, 15 / dec ecx / jnz top / hlt
 */
const MORE32 =
  "b990010000bb0020000031f68b04b30fb614330fb77c73080fbe6c33030fbf443305660fb6d0660fbefc0fb7ea0fbfd1" +
  "0fafc10faf530c6be80766697b10d4fe666bd10592876b1486cd86cd9696669898669999518a4c3318d3e0d3fad3d566" +
  "d3cfd2dad36b1c66d34320d27b2259f7d0f6532466f7daf75b28f7e1f76b2c89cf83cf0131d2f7f725ff7f0000f67330" +
  "669966f7ff39e80f9cc20f954433340f97c60f4fc50f465338660f48fef39068785634126afb5a01533c5a0153408984" +
  "b38000000089bcb3000100004683e60f490f8535fffffff4";

/**
 * nasm source (bits 32, org 0x1000): CALLs in a trace whose RETs return where the trace predicts
 * (f1, f5, f4: two deep), one past it (f2 adds 1 to its return address) and one through a 16-bit
 * RET popping the same EIP from 2 bytes (f3):
 *   mov ecx, 300 / mov ebx, 0x2000
 *   top: call f1 / inc dword [ebx] / call f2 / inc eax / inc esi / call f3 / mov esp, ebp
 *   call f4 / dec ecx / jnz top / hlt
 *   f1: call f5 / add eax, 1 / ret      f5: add eax, 5 / ret      f2: add dword [esp], 1 / ret
 *   f3: mov ebp, esp / add ebp, 4 / mov word [esp+2], 0 / o16 ret      f4: push ecx / pop edx / ret
 */
const RETURNS =
  "b92c010000bb00200000e819000000ff03e81f0000004046e81d00000089ece8240000004975e3f4e80400000083c001c3" +
  "83c005c383042401c389e583c50466c7442402000066c3515ac3";

/** Every test below, run by the two describes at the end. */
function suites(): void {
  describe("translated code matches the interpreter", () => {
    test("a 16-bit real-mode loop: same state and counts after every slice, code translated", () => {
      const [on, off] = pair(() => {
        const m = realMode(bytes(LOOP16));
        fillData(m);
        return m;
      });
      lockstep(on, off, [1000, 7, 1, 333, 64, 2]);
      expect(on.cpu.jit.translated).toBeGreaterThan(0);
      // Blocks translated first with helper calls are translated again inline; inline at once, never.
      if (tier.runs === 1) expect(on.cpu.jit.promoted).toBe(0);
      else expect(on.cpu.jit.promoted).toBeGreaterThan(0);
      expect(on.cpu.jit.hits + on.cpu.jit.chained).toBeGreaterThan(100);
      expect(off.cpu.jit.hits).toBe(0);
    });

    test("a 32-bit flat protected-mode loop: same state and counts after every slice", () => {
      const [on, off] = pair(() => {
        const m = flat32(bytes(LOOP32));
        fillData(m);
        return m;
      });
      lockstep(on, off, [5000, 3, 97, 1]);
      expect(on.cpu.jit.hits + on.cpu.jit.chained).toBeGreaterThan(100);
    });

    test("the generated fallback-heavy instructions (MOVZX, IMUL, SETcc, CMOVcc, shifts by CL...) match", () => {
      const [on, off] = pair(() => {
        const m = flat32(bytes(MORE32));
        fillData(m);
        m.mem.buffer[0x2030] = 0xff; // the DIV byte divisor: the quotient of AX & 0x7fff fits
        return m;
      });
      lockstep(on, off, [5000, 3, 97, 1, 61]);
      // The loop's block ran in most slices (it loops inside itself: one entry per slice).
      expect(on.cpu.jit.hits).toBeGreaterThan(5);
      // The loop ran to its end (no #DE or other fault sent it to a handler's HLT).
      expect(on.cpu.eip).toBe(0x1000 + MORE32.length / 2);
      // Only the HLT after the loop (in every block reaching the loop's end) is left to the interpreter.
      expect(on.cpu.jit.fallbacks).toBeLessThanOrEqual(on.cpu.jit.translated);
    });
  });

  test("code past 2 GiB of host buffer: a JMP out of its page leaves the block (no trace into other bytes)", () => {
    // Physical page 5 lives at buffer page 0x80005 (index past int32); the JMP's target, page 3, at
    // buffer page 3. A trace would wrongly continue at buffer 0x80003000 (zeros), as it did when the
    // translator computed the page's base as `start & ~0xfff` (a negative int32 there).
    const [on, off] = pair(() => {
      const mem = new TestMemory(0x80006000);
      mem.readPage[5] = ~0x80005;
      mem.writePage[5] = ~0x80005;
      const m = flat32([], 0x5000, mem);
      // 0x5000: mov ecx, 100 / jmp 0x3000; 0x3000: inc eax / dec ecx / jnz 0x5005 / hlt
      mem.buffer.set([0xb9, 0x64, 0, 0, 0, 0xe9, 0xf6, 0xdf, 0xff, 0xff], 0x80005000);
      mem.load(0x3000, [0x40, 0x49, 0x0f, 0x85, 0xfd, 0x1f, 0, 0, 0xf4]);
      return m;
    });
    lockstep(on, off, [10_000]);
    expect(on.cpu.regs[0]).toBe(100);
    expect(on.cpu.jit.translated).toBeGreaterThan(0);
  });

  test("a segment override on a moffs operand (Linux's fs: per-CPU variables) is honoured", () => {
    // 1000 b9 00 01 00 00      mov ecx, 0x100
    // 1005 64 a1 00 20 00 00   mov eax, fs:[0x2000]
    // 100b 64 a3 04 20 00 00   mov fs:[0x2004], eax
    // 1011 40                  inc eax
    // 1012 49                  dec ecx
    // 1013 75 f0               jnz 1005
    // 1015 f4                  hlt
    const code = "b900010000" + "64a100200000" + "64a304200000" + "40" + "49" + "75f0" + "f4";
    const [on, off] = pair(() => {
      const m = flat32(bytes(code));
      m.cpu.segBase[4] = 0x3000;
      m.mem.write32(0x5000, 0x12345678);
      return m;
    });
    lockstep(on, off, [100_000]);
    expect(on.cpu.jit.hits).toBeGreaterThan(0);
    expect(on.cpu.regs[0]).toBe(0x12345679);
    expect(on.mem.read32(0x5004)).toBe(0x12345678);
  });

  describe("self-modifying code", () => {
    test("stores beside code in its page (data after the loop) keep the loop translated", () => {
      // mov cx, 300 / top: mov [data], cl / add [data+1], cl / inc ax / dec cx / jnz top / hlt
      // data: db 0, 0 (the bytes right after the HLT, in the loop's page)
      const [on, off] = pair(() => realMode(bytes("b92c01880e1010000e1110404975f4f40000")));
      lockstep(on, off, [10_000, 3, 1, 7]);
      expect(on.mem.buffer[0x1010]).toBe(1);
      expect(on.cpu.jit.hits).toBeGreaterThan(0);
      // Only bytes of translated code drop translations (QEMU's rule), not their page.
      expect(on.cpu.jit.invalidations).toBe(0);
    });

    test("a store into the running block and into the very next instruction is seen", () => {
      // 1000 b9 c8 00        mov cx, 200
      // 1003 fe 06 0a 10     inc byte [0x100a]     ; the imm8 of the ADD at 1008 (same block)
      // 1007 90              nop
      // 1008 83 c2 00        add dx, 0             ; imm8 counts up: 1, 2, 3...
      // 100b c6 06 10 10 40  mov byte [0x1010], 0x40 ; the very next instruction: 40 = inc ax
      // 1010 90              nop                   ; becomes INC AX after the first pass
      // 1011 c6 06 10 10 90  mov byte [0x1010], 0x90 ; and back
      // 1016 e2 eb           loop 1003
      // 1018 f4              hlt
      const code = "b9c800fe060a109083c200c606101040" + "90" + "c606101090e2ebf4";
      const [on, off] = pair(() => {
        const m = realMode(bytes(code));
        m.cpu.regs[2] = 0;
        return m;
      });
      lockstep(on, off, [10_000]);
      // dx = 1 + 2 + ... + 200 (mod 256 per imm8): sum of (i & 0xff) for i = 1..200
      let dx = 0;
      for (let i = 1; i <= 200; i++) dx += (i << 24) >> 24;
      expect(on.cpu.regs[2] & 0xffff).toBe(dx & 0xffff);
      expect(on.cpu.regs[0] & 0xffff).toBe(200); // INC AX ran once per pass
      expect(on.cpu.jit.invalidations).toBeGreaterThan(0);
    });

    test("a debugger write into a hot translated loop takes effect on the next pass", () => {
      // 1000 b9 00 10   mov cx, 0x1000
      // 1003 40         inc ax           ; patched to 48 (dec ax) by the debugger
      // 1004 e2 fd      loop 1003
      // 1006 f4         hlt
      const code = "b90010" + "40" + "e2fd" + "f4";
      const [on, off] = pair(() => realMode(bytes(code)));
      for (const m of [on, off]) {
        expect(m.cpu.run(2001)).toEqual({ kind: "budget" });
        expect(m.cpu.writeLinearDebug(0x1003, new Uint8Array([0x48]))).toBe(true);
      }
      expect(on.cpu.jit.hits).toBeGreaterThan(0);
      lockstep(on, off, [10_000]);
      // 1000 passes of INC, then 0x1000 - 1000 passes of DEC
      expect(on.cpu.regs[0] & 0xffff).toBe((1000 - (0x1000 - 1000)) & 0xffff);
    });

    test("bytes written through the memory layer (DMA) drop the translation", () => {
      const code = "b90010" + "40" + "e2fd" + "f4";
      const m = realMode(bytes(code));
      m.cpu.jit.enabled = true;
      m.cpu.run(2001);
      expect(m.cpu.jit.hits).toBeGreaterThan(0);
      const before = m.cpu.jit.invalidations;
      m.mem.buffer[0x1003] = 0x48;
      (m.mem as PhysicalMemory).onBufferWrite?.(0x1003, 1);
      expect(m.cpu.jit.invalidations).toBe(before + 1);
      m.cpu.run(100_000);
      expect(m.cpu.regs[0] & 0xffff).toBe((1000 - (0x1000 - 1000)) & 0xffff);
    });
  });

  describe("debugging precision inside translated code", () => {
    test("a fault in the middle of a hot block is delivered at the faulting instruction", () => {
      // 1000 bb 00 f0    mov bx, 0xf000
      // 1003 b9 00 01    mov cx, 0x100
      // 1006 40          inc ax
      // 1007 8b 17       mov dx, [bx]      ; #GP(0) once bx = 0xffff (a word past the limit)
      // 1009 43          inc bx
      // 100a 41          inc cx            ; cx stays ahead: the loop ends only by the fault
      // 100b e2 f9       loop 1006
      // 100d f4          hlt
      const code = "bb00f0b90001408b174341e2f9f4";
      const [on, off] = pair(() => realMode(bytes(code)));
      // Thousands of passes through the translated block before the fault.
      lockstep(on, off, [1000, 7]);
      expect(on.cpu.eip).toBe(HANDLER_BASE + 13 + 1);
      // The IP pushed for #GP is the MOV's.
      expect(on.mem.buffer[0x7ffa] | (on.mem.buffer[0x7ffb] << 8)).toBe(0x1007);
    });

    test("a breakpoint set in a hot translated loop is hit on the next pass; stepping moves one instruction", () => {
      const code = "b90010" + "40" + "43" + "e2fc" + "f4"; // mov cx,0x1000 / inc ax / inc bx / loop / hlt
      const [on, off] = pair(() => realMode(bytes(code)));
      for (const m of [on, off])
        expect(m.cpu.run(m.cpu.jit.hotThreshold * 3 * 4)).toEqual({ kind: "budget" });
      expect(on.cpu.jit.hits).toBeGreaterThan(0);
      for (const m of [on, off]) m.cpu.addBreakpoint(0x1004);
      const a = on.cpu.run(100_000);
      const b = off.cpu.run(100_000);
      expect(a).toEqual({ kind: "breakpoint", addr: 0x1004 });
      expect(a).toEqual(b);
      expect(state(on)).toEqual(state(off));
      for (let i = 0; i < 5; i++) {
        expect(on.cpu.step()).toEqual(off.cpu.step());
        expect(state(on)).toEqual(state(off));
      }
      expect(on.cpu.instructions - off.cpu.instructions).toBe(0);
    });

    test("a watchpoint in a hot translated loop stops right after the writing instruction", () => {
      // 1000 b9 00 10        mov cx, 0x1000
      // 1003 40              inc ax
      // 1004 a3 00 30        mov [0x3000], ax
      // 1007 43              inc bx
      // 1008 e2 f9           loop 1003
      // 100a f4              hlt
      const code = "b90010" + "40" + "a30030" + "43" + "e2f9" + "f4";
      const [on, off] = pair(() => realMode(bytes(code)));
      for (const m of [on, off]) m.cpu.run(1500);
      expect(on.cpu.jit.hits).toBeGreaterThan(0);
      for (const m of [on, off]) m.cpu.addWatchpoint("write", 0x3000, 2);
      const a = on.cpu.run(100_000);
      expect(a).toEqual(off.cpu.run(100_000));
      expect(a.kind).toBe("watch");
      expect(on.cpu.eip).toBe(0x1007);
      expect(state(on)).toEqual(state(off));
    });

    test("interrupts raised between slices are delivered at the same instruction", () => {
      const make = () => {
        const m = realMode(bytes(LOOP16));
        fillData(m);
        // IRQ vector 0x20 -> a handler that counts in DI and returns: 0x700: inc di / iret
        m.mem.write32(0x20 * 4, 0x700);
        m.mem.load(0x700, [0x47, 0xcf]);
        m.cpu.intc = { acknowledge: () => 0x20 };
        m.cpu.flags |= 1 << 9;
        return m;
      };
      const [on, off] = pair(make);
      for (let i = 0; i < 400; i++) {
        const raise = i % 3 === 0;
        on.cpu.intrLine = raise;
        off.cpu.intrLine = raise;
        const a = on.cpu.run(37);
        expect(a).toEqual(off.cpu.run(37));
        expect(state(on)).toEqual(state(off));
        if (a.kind === "halted") break;
      }
      expect(on.cpu.jit.hits).toBeGreaterThan(0);
    });
  });

  describe("chained blocks", () => {
    /**
     * nasm source (bits 16, org 0x1000): blocks on two pages, A (0x1000) and B (0x2000); each pass
     * 64th pass stores CL into the imm8 of B's ADD, so B's translation is dropped while the link to
     * it from A's last block remains:
     *   mov cx, 500
     *   a: inc ax / test cl, 63 / jnz skip / mov [0x2004], cl
     *   skip: cmp ax, 0x7fff / jz done / jmp 0x2000
     *   done: hlt
     *   (0x2000) b: add bx, ax / add dx, 0 / dec cx / jnz a / hlt
     */
    const PAGE_A = "b9f40140f6c13f7504880e04203dff7f7403e9eb0ff4";
    const PAGE_B = "01c383c200490f85f9eff4";
    const twoPages = () => [
      ...bytes(PAGE_A),
      ...new Array(0x1000 - PAGE_A.length / 2).fill(0x90),
      ...bytes(PAGE_B),
    ];

    /**
     * nasm source (bits 16, org 0x1000): a loop of blocks linked by fall-throughs and taken branches,
     * none looping on itself:
     *   mov cx, 3000
     *   top: add ax, cx / test cl, 1 / jz even / add bx, 3 / jmp join
     *   even: sub bx, 1
     *   join: xor dx, ax / cmp dx, bx / jb skip / inc si
     *   skip: dec cx / jnz top / hlt
     */
    const BRANCHY = "b9b80b01c8f6c101740583c303eb0383eb0131c239da7201464975e7f4";

    test("a link to a block a store dropped is never followed: the new code runs", () => {
      const [on, off] = pair(() => {
        const m = realMode(twoPages());
        m.cpu.regs[2] = 0;
        return m;
      });
      lockstep(on, off, [10_000, 7, 1, 333]);
      // dx sums the imm8 each pass: CL's value at the last store (sign-extended).
      let dx = 0;
      let imm = 0;
      for (let i = 500; i >= 1; i--) {
        if ((i & 63) === 0) imm = ((i & 0xff) << 24) >> 24;
        dx += imm;
      }
      expect(on.cpu.regs[2] & 0xffff).toBe(dx & 0xffff);
      expect(on.cpu.jit.chained).toBeGreaterThan(0);
    });

    test("a link to a block rewritten by DMA between runs is not followed", () => {
      const [on, off] = pair(() => {
        const m = realMode(twoPages());
        // No store into page B: the ADD's imm8 stays as DMA leaves it (mov [0x2004], cl -> NOPs).
        m.mem.buffer.set([0x90, 0x90, 0x90, 0x90], 0x1009);
        return m;
      });
      for (const m of [on, off]) expect(m.cpu.run(2500)).toEqual({ kind: "budget" });
      expect(on.cpu.jit.chained).toBeGreaterThan(0);
      for (const m of [on, off]) {
        m.mem.buffer[0x2004] = 5;
        (m.mem as PhysicalMemory).onBufferWrite?.(0x2004, 1);
      }
      lockstep(on, off, [100_000]);
      expect(state(on)).toEqual(state(off));
    });

    test("a RET's link is followed only to the block it last returned to", () => {
      // mov cx, 2000 / top: call f / inc ax / call f / add bx, dx / loop top / hlt / (to 0x2000)
      // f: add dx, ax / ret (in the next page: the CALLs leave their blocks, the RET is not predicted)
      const code = bytes("b9d007e8fa0f40e8f60f01d3e2f5f4");
      const [on, off] = pair(() =>
        realMode([...code, ...new Array(0x1000 - code.length).fill(0), ...bytes("01c2c3")]),
      );
      lockstep(on, off, [10_000, 13, 1]);
      expect(on.cpu.jit.chained).toBeGreaterThan(1000);
    });

    /**
     * nasm source (bits 16, org 0x1000): a trace through a CALL to code before the block's start and a
     * JMP over a HLT:
     *   mov cx, 1000 / jmp start
     *   sub: add dx, ax / ret                 ; 0x1005
     *   start: inc ax / call sub / add bx, dx / jmp fwd / hlt
     *   fwd: dec cx / jnz start / hlt
     */
    const TRACE = "b9e803eb0301c2c340e8f9ff01d3eb01f44975f4f4";

    test("a trace through a CALL and a JMP in its page matches the interpreter", () => {
      const [on, off] = pair(() => realMode(bytes(TRACE)));
      lockstep(on, off, [10_000, 3, 1, 7]);
      expect(on.cpu.regs[0] & 0xffff).toBe(1000);
      // The loop is one block (the CALL, its RET and the JMP followed) looping on itself; only
      // the HLT after it is left to the interpreter.
      expect(on.cpu.jit.hits).toBeGreaterThan(0);
      expect(on.cpu.jit.fallbacks).toBe(1);
    });

    test("a CALL followed by a trace pushing into its own page leaves at the callee, precisely", () => {
      const [on, off] = pair(() => {
        // The CALL pushes its return address (0c 10) over the block's last bytes, the HLT at
        // 0x1014 (and a byte after it): every pass drops the running block. After the loop,
        // `or al, 0x10` there, then a HLT.
        const m = realMode([...bytes(TRACE), 0x00, 0xf4]);
        m.cpu.regs[4] = 0x1016;
        return m;
      });
      lockstep(on, off, [10_000, 3, 1, 7]);
      expect(on.cpu.jit.invalidations).toBeGreaterThan(0);
    });

    test("a breakpoint before a trace's first instruction (its CALL's target) is hit", () => {
      const [on, off] = pair(() => realMode(bytes(TRACE)));
      for (const m of [on, off])
        expect(m.cpu.run(m.cpu.jit.hotThreshold * 10 * 4)).toEqual({ kind: "budget" });
      expect(on.cpu.jit.hits).toBeGreaterThan(0);
      for (const m of [on, off]) m.cpu.addBreakpoint(0x1005);
      const a = on.cpu.run(100_000);
      expect(a).toEqual({ kind: "breakpoint", addr: 0x1005 });
      expect(a).toEqual(off.cpu.run(100_000));
      expect(state(on)).toEqual(state(off));
    });

    test("a breakpoint elsewhere in the page keeps blocks chained; one in a chained block is hit", () => {
      const [on, off] = pair(() => realMode(bytes(BRANCHY)));
      for (const m of [on, off]) {
        m.cpu.addBreakpoint(0x1800);
        expect(m.cpu.run(3000)).toEqual({ kind: "budget" });
      }
      expect(state(on)).toEqual(state(off));
      const chained = on.cpu.jit.chained;
      for (const m of [on, off]) expect(m.cpu.run(3000)).toEqual({ kind: "budget" });
      expect(on.cpu.jit.chained - chained).toBeGreaterThan(100);
      for (const m of [on, off]) m.cpu.addBreakpoint(0x100f); // even: sub bx, 1
      const a = on.cpu.run(100_000);
      expect(a).toEqual({ kind: "breakpoint", addr: 0x100f });
      expect(a).toEqual(off.cpu.run(100_000));
      expect(state(on)).toEqual(state(off));
    });

    test("a RET in a trace goes on where its CALL returns only when it pops that address", () => {
      const [on, off] = pair(() => flat32(bytes(RETURNS)));
      lockstep(on, off, [10_000, 1, 3, 7, 11, 401]);
      expect(on.cpu.regs[0]).toBe(300 * 6);
      expect(on.cpu.regs[6]).toBe(300);
      expect(on.cpu.jit.hits + on.cpu.jit.chained).toBeGreaterThan(10);
    });

    test("a budget ending anywhere in a chain leaves the interpreter's state and count", () => {
      const [on, off] = pair(() => realMode(bytes(BRANCHY)));
      lockstep(on, off, [1, 2, 3, 5, 7, 11, 13, 17, 19, 23, 401]);
      expect(on.cpu.jit.chained).toBeGreaterThan(1000);
    });

    test("an interrupt a device raises in the store ending a block is delivered before its successor", () => {
      // nasm source (bits 16, org 0x1000):
      //   mov cx, 3000 / mov bx, 0x3000 / jmp near blk / (NOPs up to 0x1ff0)
      //   blk: inc ax / add dx, ax / mov al, cl / and al, 3 / xor bp, dx / nop x5
      //   mov [bx], al       ; 0x1ffe, the page's last instruction: a device register
      //   inc si / dec cx / jnz blk / hlt   ; 0x2000, the next page: the block linked after it
      const head = bytes("b9b80bbb0030e9e70f");
      const tail = bytes("4001c288c8240331d590909090908807464975ecf4");
      const make = () => {
        const m = realMode([...head, ...new Array(0xff0 - head.length).fill(0x90), ...tail]);
        const { cpu, mem } = m;
        // Page 0x3000 is a device: writing 0 raises INTR; the acknowledge lowers it.
        mem.writePage[3] = 0;
        mem.generation++;
        mem.writeSlow = (_addr, _size, value) => {
          if (value === 0) cpu.intrLine = true;
        };
        cpu.intc = {
          acknowledge: () => {
            cpu.intrLine = false;
            return 0x20;
          },
        };
        // IRQ vector 0x20 -> inc di / iret
        mem.write32(0x20 * 4, 0x700);
        mem.load(0x700, [0x47, 0xcf]);
        cpu.flags |= 1 << 9;
        return m;
      };
      const [on, off] = pair(make);
      lockstep(on, off, [100_000, 7, 3001]);
      expect(on.cpu.regs[7] & 0xffff).toBe(750);
      expect(on.cpu.jit.chained).toBeGreaterThan(0);
    });
  });
}

describeBothTiers(suites);
