// Dead flag records (src/emu/cpu/jit/flag-liveness.ts): random loops of register-only flag producers
// and readers (ALU, ADC/SBB, INC/DEC, shifts and rotates by constants, NEG/NOT, TEST, SETcc,
// CMOVcc, short Jcc) with stores, memory ADC and PUSHF between them, translated (first and second
// translations) and interpreted in lockstep: every flag a later instruction, a PUSHF or a block exit
// can see must be the interpreter's.

import { describe, expect, test } from "vitest";
import { flat32 } from "../helpers.ts";
import { lockstep, translatingPair } from "./lockstep.ts";

/** A small deterministic generator (mulberry32). */
function random(seed: number): (n: number) => number {
  let a = seed >>> 0;
  return (n) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) % n) | 0;
  };
}

/** Registers an instruction may write (ECX counts the loop, EBX points at data, ESP is the stack). */
const DST32 = [0, 2, 5, 6, 7];
/** Byte registers it may write: AL, DL, AH, DH. */
const DST8 = [0, 2, 4, 6];
const SHIFT_COUNTS = [0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 31];

/** One random instruction's bytes (ModRM register forms unless said). */
function instruction(r: (n: number) => number): number[] {
  const size = [1, 2, 4][r(3)]!;
  const pre = size === 2 ? [0x66] : [];
  const w = size === 1 ? 0 : 1;
  const dst = size === 1 ? DST8[r(4)]! : DST32[r(5)]!;
  const pick = r(8);
  const src = pick === 4 ? 0 : pick;
  const imm8 = r(256);
  switch (r(13)) {
    case 0:
    case 1:
      return [...pre, (r(8) << 3) | w, 0xc0 | (src << 3) | dst];
    case 2:
      return size === 1
        ? [0x80, 0xc0 | (r(8) << 3) | dst, imm8]
        : [...pre, 0x83, 0xc0 | (r(8) << 3) | dst, imm8];
    case 3:
      return size === 1 ? [0xfe, 0xc0 | (r(2) << 3) | dst] : [...pre, 0x40 + r(2) * 8 + dst];
    case 4:
    case 5: {
      const kind = r(8);
      const n = SHIFT_COUNTS[r(SHIFT_COUNTS.length)]!;
      if (n === 1 && r(2) === 0) return [...pre, 0xd0 | w, 0xc0 | (kind << 3) | dst];
      return [...pre, 0xc0 | w, 0xc0 | (kind << 3) | dst, n];
    }
    case 6:
      return [...pre, 0xf6 | w, 0xc0 | ((2 + r(2)) << 3) | dst];
    case 7:
      return [...pre, 0x84 | w, 0xc0 | (src << 3) | dst];
    case 8:
      return [0x0f, 0x90 + r(16), 0xc0 | DST8[r(4)]!];
    case 9:
      return [0x0f, 0x40 + r(16), 0xc0 | (DST32[r(5)]! << 3) | src];
    case 10:
      return [0x8d, 0x40 | (DST32[r(5)]! << 3) | src, imm8];
    case 11:
      // A store, a memory ADC (reads CF, may fault) or PUSHF into memory: all flags observed here.
      return [
        [0x89, 0x43, 0x40],
        [0x11, 0x53, 0x48],
        [0x9c, 0x8f, 0x43, 0x44],
      ][r(3)]!;
    default: {
      // A short Jcc over the next instruction: a conditional exit from the block.
      const next = instruction(r);
      return [0x70 + r(16), next.length, ...next];
    }
  }
}

/** mov ecx, passes / mov ebx, 0x2000 / top: (body) / dec ecx / jnz top / hlt */
function program(seed: number, length: number, passes: number): number[] {
  const r = random(seed);
  const body: number[] = [];
  for (let i = 0; i < length; i++) body.push(...instruction(r));
  const back = -(body.length + 1 + 6);
  const rel = [back & 0xff, (back >> 8) & 0xff, (back >> 16) & 0xff, (back >> 24) & 0xff];
  return [0xb9, passes, 0, 0, 0, 0xbb, 0x00, 0x20, 0x00, 0x00, ...body, 0x49, 0x0f, 0x85, ...rel, 0xf4];
}

/** Runs program `seed` translated (inline from `tier2Runs` runs; null: as configured) and interpreted. */
function check(seed: number, tier2Runs: number | null): void {
  const code = program(seed, 48, 120);
  const [on, off] = translatingPair(() => {
    const m = flat32(code);
    for (let i = 0; i < 8; i++)
      m.cpu.regs[i] = i === 1 || i === 3 || i === 4 ? m.cpu.regs[i]! : Math.imul(seed + i, 0x9e3779b1);
    return m;
  }, tier2Runs);
  lockstep(on, off, [5000, 3, 97, 1, 61]);
  expect(on.cpu.eip).toBe(0x1000 + code.length);
  expect(on.cpu.jit.hits + on.cpu.jit.chained).toBeGreaterThan(0);
}

describe("flag records the translator drops are never observed", () => {
  test("40 random register-only flag sequences, first and second translations", () => {
    for (let seed = 1; seed <= 40; seed++) check(seed, null);
  });
  test("the same sequences, inline translations from the first run", () => {
    for (let seed = 1; seed <= 40; seed++) check(seed, 1);
  });
});
