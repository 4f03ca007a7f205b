// The interpreter against the decoder's opcode table: for every opcode of the one-byte, 0F, 0F 38
// and 0F 3A maps, under several prefixes and operand bytes, in 16-bit real mode and flat 32-bit
// protected mode, one step either raises an exception into the guest, stops as `unimplemented`
// naming the instruction, or retires it having consumed exactly the bytes decodeInsn() says it
// has (for instructions that do not branch). So the two agree on every instruction's length, and
// no instruction crashes the emulator.

import { describe, expect, test } from "vitest";
import { loadCpu, saveCpu } from "../../../src/emu/cpu/cpu-snapshot.ts";
import { DecodedInsn, decodeInsn, lockable, OP_0F, OP_0F3A, OP_0F38 } from "../../../src/emu/cpu/decoder.ts";
import { CR0_PG } from "../../../src/emu/cpu/state.ts";
import { flat32, HANDLER_BASE, type Machine, realMode } from "./helpers.ts";

const CODE = 0x1000;
/** General registers before each step: memory operands land in RAM below 1 MiB whatever the mode. */
const REGS = [0x2100, 0x3000, 0x0200, 0x4000, 0x8000, 0x5000, 0x6000, 0x7000];

/** Deterministic operand bytes: xorshift32. */
function rng(seed: number): () => number {
  let s = seed | 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return s & 0xff;
  };
}

/** ModRM bytes that cover the register form and each memory form (SIB, disp8, disp32/16). */
const MODRMS = [0xc1, 0xd8, 0x07, 0x44, 0x84, 0x0c, 0x96, 0x05];

interface Outcome {
  retired: number;
  exceptions: number;
  unimplemented: number;
  failures: string[];
}

/**
 * A machine in `bits`-bit mode and a way to put it back before each step: its CPU state and the
 * RAM below CODE + 4 KiB (other RAM keeps what earlier steps stored: only data, read by later ones).
 */
function sandbox(bits: 16 | 32): { m: Machine; reset(code: number[]): void } {
  const m = bits === 16 ? realMode([], CODE) : flat32([], CODE);
  for (let r = 0; r < 8; r++) m.cpu.regs[r] = REGS[r]!;
  const cpuState = saveCpu(m.cpu);
  // The IVT, GDT, IDT, exception handlers and the code: what a stray store could break.
  const low = m.mem.buffer.slice(0, CODE + 0x1000);
  return {
    m,
    reset(code) {
      m.mem.buffer.set(low);
      m.mem.load(CODE, code);
      loadCpu(m.cpu, cpuState);
    },
  };
}

/** Runs `bytes` (prefixes, opcode, operand bytes) once in the sandbox and checks the step's outcome. */
function check(box: ReturnType<typeof sandbox>, bits: 16 | 32, bytes: number[], out: Outcome): void {
  box.reset(bytes);
  const { cpu } = box.m;
  const d = new DecodedInsn();
  decodeInsn(d, new Uint8Array(bytes), 0, bytes.length, bits === 32 ? 1 : 0);
  const hex = Buffer.from(bytes.slice(0, Math.min(d.len, 15))).toString("hex");
  let ev: { kind: string; what?: string };
  try {
    ev = cpu.step();
  } catch (e) {
    out.failures.push(`${bits}-bit ${hex}: threw ${String(e)}`);
    return;
  }
  if (ev.kind === "unimplemented") {
    if (typeof ev.what !== "string" || ev.what.length === 0) out.failures.push(`${bits}-bit ${hex}: unnamed`);
    out.unimplemented++;
    return;
  }
  // An exception was delivered: the handler of vector v is at HANDLER_BASE + v.
  if (cpu.eip >= HANDLER_BASE && cpu.eip < HANDLER_BASE + 32) {
    out.exceptions++;
    return;
  }
  if (d.endsBlock) return;
  out.retired++;
  if (cpu.eip !== CODE + d.len)
    out.failures.push(`${bits}-bit ${hex}: EIP +${cpu.eip - CODE}, decoder length ${d.len}`);
}

/** Every opcode of the four maps with each prefix set and ModRM form; returns the outcome counts. */
function sweep(bits: 16 | 32): Outcome {
  const out: Outcome = { retired: 0, exceptions: 0, unimplemented: 0, failures: [] };
  const box = sandbox(bits);
  const next = rng(bits);
  const PREFIX_SETS = [[], [0x66], [0x67], [0xf3], [0xf2]];
  const maps: [number[], number][] = [
    [[], 0],
    [[0x0f], OP_0F],
    [[0x0f, 0x38], OP_0F38],
    [[0x0f, 0x3a], OP_0F3A],
  ];
  const prefixBytes = new Set([0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65, 0x66, 0x67, 0xf0, 0xf2, 0xf3, 0x0f]);
  for (const [lead, map] of maps) {
    for (let op = 0; op < 256; op++) {
      if (map === 0 && prefixBytes.has(op)) continue;
      for (const pre of PREFIX_SETS) {
        for (const modrm of MODRMS) {
          const bytes = [...pre, ...lead, op, modrm];
          while (bytes.length < 20) bytes.push(next());
          check(box, bits, bytes, out);
        }
      }
    }
  }
  return out;
}

describe("interpreter and decoder agree on every opcode", () => {
  for (const bits of [16, 32] as const) {
    test(`${bits}-bit code: each instruction retires with the decoder's length, faults, or stops as unimplemented`, () => {
      const out = sweep(bits);
      expect(out.failures.slice(0, 20)).toEqual([]);
      // Most of the maps is implemented: the sweep must really have run instructions.
      expect(out.retired).toBeGreaterThan(10000);
      expect(out.exceptions).toBeGreaterThan(1000);
    });
  }
});

/**
 * The one-byte opcodes' undefined forms, by opcode: ModRM (mod, reg) pairs that raise #UD, as
 * `mod * 10 + reg` for mod 0 (memory) and 3 (register); every other one-byte instruction must not.
 * LES/LDS/BOUND/LEA and far CALL/JMP with a register operand; MOV Sreg with no such segment
 * register (or CS as a destination); POP/MOV-immediate group members other than /0; x87 reserved
 * encodings; INC/DEC/CALL/JMP/PUSH group members with no instruction; ARPL in real mode.
 */
const UNDEFINED: Record<number, number[]> = {
  98: [30, 31, 32, 33, 34, 35, 36, 37],
  140: [6, 36, 7, 37],
  141: [30, 31, 32, 33, 34, 35, 36, 37],
  142: [1, 31, 6, 36, 7, 37],
  143: [1, 31, 2, 32, 3, 33, 4, 34, 5, 35, 6, 36, 7, 37],
  196: [30, 31, 32, 33, 34, 35, 36, 37],
  197: [30, 31, 32, 33, 34, 35, 36, 37],
  198: [1, 31, 2, 32, 3, 33, 4, 34, 5, 35, 6, 36, 7, 37],
  199: [1, 31, 2, 32, 3, 33, 4, 34, 5, 35, 6, 36, 7, 37],
  217: [1, 32],
  218: [34, 36, 37],
  219: [4, 6, 37],
  221: [5, 36, 37],
  223: [34, 37],
  254: [2, 32, 3, 33, 4, 34, 5, 35, 6, 36, 7, 37],
  255: [33, 35, 7, 37],
};
const UNDEFINED_REAL_MODE: Record<number, number[]> = {
  99: [0, 1, 2, 3, 4, 5, 6, 7, 30, 31, 32, 33, 34, 35, 36, 37],
};

describe("every one-byte opcode reaches its handler", () => {
  // runInstructions dispatches the common opcodes and dispatchRare the others: an opcode dropped
  // from either switch would run as #UD, which the length sweep above accepts as an outcome.
  for (const bits of [16, 32] as const) {
    test(`${bits}-bit code: #UD exactly for the undefined ModRM forms`, () => {
      const box = sandbox(bits);
      const prefixBytes = new Set([0x0f, 0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65, 0x66, 0x67, 0xf0, 0xf2, 0xf3]);
      const failures: string[] = [];
      for (let op = 0; op < 256; op++) {
        if (prefixBytes.has(op)) continue;
        const undefinedForms = (bits === 16 ? UNDEFINED_REAL_MODE[op] : undefined) ?? UNDEFINED[op] ?? [];
        for (const mod of [0, 3]) {
          for (let reg = 0; reg < 8; reg++) {
            box.reset([op, (mod << 6) | (reg << 3) | 1, 0, 0, 0, 0, 0, 0]);
            box.m.cpu.step();
            const ud = box.m.cpu.eip === HANDLER_BASE + 6;
            if (ud !== undefinedForms.includes(mod * 10 + reg))
              failures.push(`${op.toString(16)} mod ${mod} reg ${reg}: ${ud ? "#UD" : "no #UD"}`);
          }
        }
      }
      expect(failures).toEqual([]);
    });
  }
});

describe("LOCK", () => {
  for (const bits of [16, 32] as const) {
    test(`${bits}-bit code: #UD where the decoder's lockable() says no, the unprefixed outcome where it says yes`, () => {
      const box = sandbox(bits);
      const next = rng(bits + 1);
      const failures: string[] = [];
      let allowed = 0;
      for (const lead of [[], [0x0f]]) {
        for (let op = 0; op < 256; op++) {
          for (const modrm of MODRMS) {
            const bytes = [0xf0, ...lead, op, modrm];
            while (bytes.length < 20) bytes.push(next());
            const d = new DecodedInsn();
            decodeInsn(d, new Uint8Array(bytes), 0, bytes.length, bits === 32 ? 1 : 0);
            box.reset(bytes);
            box.m.cpu.step();
            const locked = box.m.cpu.eip;
            const hex = Buffer.from(bytes.slice(0, 4)).toString("hex");
            if (!lockable(d)) {
              if (locked !== HANDLER_BASE + 6) failures.push(`${hex}: not #UD`);
              continue;
            }
            // Allowed: the same outcome as without the prefix (one byte longer).
            allowed++;
            box.reset(bytes.slice(1));
            box.m.cpu.step();
            const plain = box.m.cpu.eip;
            if (locked !== (plain === CODE + d.len - 1 ? plain + 1 : plain))
              failures.push(`${hex}: EIP 0x${locked.toString(16)}, without LOCK 0x${plain.toString(16)}`);
          }
        }
      }
      expect(failures.slice(0, 20)).toEqual([]);
      expect(allowed).toBeGreaterThan(150);
    });
  }
});

describe("LOCK validation fetches like the instruction", () => {
  /** Flat 32-bit paging: linear 0x400000 -> physical 0x20000 (present), 0x401000 not present; `code` ends at 0x401000. */
  function endOfPage(code: number[]): Machine {
    const m = flat32([]);
    const { cpu, mem } = m;
    for (let i = 0; i < 512; i++) mem.write32(0x11000 + i * 4, (i << 12) | 7);
    mem.write32(0x10000, 0x11000 | 7);
    mem.write32(0x10004, 0x12000 | 7);
    mem.write32(0x12000, 0x20000 | 3);
    mem.load(0x21000 - code.length, code);
    cpu.cr3 = 0x10000;
    cpu.cr0 |= CR0_PG;
    cpu.eip = 0x401000 - code.length;
    cpu.updateModes();
    return m;
  }

  test("a ModRM byte on a not-present page: #PF there, as without LOCK", () => {
    for (const code of [[0xf0, 0x01], [0x01]]) {
      const m = endOfPage(code);
      m.cpu.step();
      expect(m.cpu.eip).toBe(HANDLER_BASE + 14);
      expect(m.cpu.cr2).toBe(0x401000);
      expect(m.mem.read32((m.cpu.regs[4] >>> 0) + 4)).toBe(0x401000 - code.length);
    }
  });

  test("an instruction that LOCK may not prefix, its displacement on a not-present page: #PF first (fetch faults precede #UD)", () => {
    // lock mov [disp32], eax with the disp32 on the next page: SDM Vol. 3 Table 6-2 ranks faults
    // fetching the instruction above decoding faults (#UD).
    const m = endOfPage([0xf0, 0x89, 0x05, 0x00]);
    m.cpu.step();
    expect(m.cpu.eip).toBe(HANDLER_BASE + 14);
    expect(m.cpu.cr2).toBe(0x401000);
  });

  test("LOCK on an instruction longer than 15 bytes: #GP(0)", () => {
    const m = flat32([...new Array(14).fill(0xf0), 0x01, 0x07]); // 14 x lock, add [edi], eax
    m.cpu.step();
    expect(m.cpu.eip).toBe(HANDLER_BASE + 13);
  });
});
