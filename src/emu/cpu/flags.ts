// Lazy arithmetic flags. An ALU instruction records its operation kind, operands, result and
// operand mask; CF/PF/AF/ZF/SF/OF are computed only when something reads them (Jcc, PUSHF, ...).
// `cpu.flags` always holds the non-arithmetic EFLAGS bits; its arithmetic bits are valid only
// while `cpu.lzOp === LZ_NONE`. Operands and results are kept as int32 (a 32-bit value with bit 31
// set is negative) so they stay small integers in V8 and never allocate; unsigned comparisons
// convert with >>> 0 into locals. lzMask is 0xff, 0xffff or -1; lzSign is the operand's sign bit.

import type { Cpu } from "./cpu.ts";
import { FLAG_AF, FLAG_CF, FLAG_OF, FLAG_PF, FLAG_SF, FLAG_ZF, FLAGS_ARITH } from "./state.ts";

/** Arithmetic flags live in cpu.flags. */
export const LZ_NONE = 0;
/** ADD/ADC: res = a + b + lzC. */
export const LZ_ADD = 1;
/** SUB/SBB/CMP/NEG: res = a - b - lzC. */
export const LZ_SUB = 2;
/** AND/OR/XOR/TEST: CF = OF = AF = 0. */
export const LZ_LOGIC = 3;
/** INC: res = a + 1, lzC holds the preserved CF. */
export const LZ_INC = 4;
/** DEC: res = a - 1, lzC holds the preserved CF. */
export const LZ_DEC = 5;
/** CF/AF/OF given explicitly in lzC (as EFLAGS bits); ZF/SF/PF from the result. */
export const LZ_EXPL = 6;

/** PARITY[b] = FLAG_PF when byte b has an even number of set bits. */
export const PARITY = new Uint8Array(256);
for (let i = 0; i < 256; i++) {
  let n = 0;
  for (let b = i; b !== 0; b >>= 1) n += b & 1;
  PARITY[i] = (n & 1) === 0 ? FLAG_PF : 0;
}

/** Sign bit for an operand mask as int32 (0xff -> 0x80, 0xffff -> 0x8000, 0xffffffff -> 1 << 31). */
export function signOf(mask: number): number {
  return ((mask >>> 1) + 1) | 0;
}

/** CF as 0 or 1. */
export function getCF(c: Cpu): number {
  switch (c.lzOp) {
    case LZ_NONE:
      return c.flags & FLAG_CF;
    case LZ_ADD:
      return (c.lzA >>> 0) + (c.lzB >>> 0) + c.lzC > c.lzMask >>> 0 ? 1 : 0;
    case LZ_SUB:
      return c.lzA >>> 0 < (c.lzB >>> 0) + c.lzC ? 1 : 0;
    case LZ_LOGIC:
      return 0;
    default:
      return c.lzC & FLAG_CF;
  }
}

/** ZF as FLAG_ZF or 0. */
export function getZF(c: Cpu): number {
  if (c.lzOp === LZ_NONE) return c.flags & FLAG_ZF;
  return c.lzRes === 0 ? FLAG_ZF : 0;
}

/** SF as FLAG_SF or 0. */
export function getSF(c: Cpu): number {
  if (c.lzOp === LZ_NONE) return c.flags & FLAG_SF;
  return (c.lzRes & c.lzSign) !== 0 ? FLAG_SF : 0;
}

/** PF as FLAG_PF or 0 (parity of the low result byte). */
export function getPF(c: Cpu): number {
  if (c.lzOp === LZ_NONE) return c.flags & FLAG_PF;
  return PARITY[c.lzRes & 0xff];
}

/** AF as FLAG_AF or 0. */
export function getAF(c: Cpu): number {
  switch (c.lzOp) {
    case LZ_NONE:
      return c.flags & FLAG_AF;
    case LZ_LOGIC:
      return 0;
    case LZ_EXPL:
      return c.lzC & FLAG_AF;
    default:
      return (c.lzA ^ c.lzB ^ c.lzRes) & FLAG_AF;
  }
}

/** OF as FLAG_OF or 0. */
export function getOF(c: Cpu): number {
  const s = c.lzSign;
  switch (c.lzOp) {
    case LZ_NONE:
      return c.flags & FLAG_OF;
    case LZ_ADD:
    case LZ_INC:
      return ((c.lzA ^ c.lzRes) & (c.lzB ^ c.lzRes) & s) !== 0 ? FLAG_OF : 0;
    case LZ_SUB:
    case LZ_DEC:
      return ((c.lzA ^ c.lzB) & (c.lzA ^ c.lzRes) & s) !== 0 ? FLAG_OF : 0;
    case LZ_LOGIC:
      return 0;
    default:
      return c.lzC & FLAG_OF;
  }
}

/** All six arithmetic flags as EFLAGS bits. */
export function arithFlags(c: Cpu): number {
  const op = c.lzOp;
  if (op === LZ_NONE) return c.flags & FLAGS_ARITH;
  const res = c.lzRes;
  const f = PARITY[res & 0xff] | (res === 0 ? FLAG_ZF : 0) | ((res & c.lzSign) !== 0 ? FLAG_SF : 0);
  if (op === LZ_LOGIC) return f;
  if (op === LZ_EXPL) return f | c.lzC;
  return f | getCF(c) | ((c.lzA ^ c.lzB ^ res) & FLAG_AF) | getOF(c);
}

/** Folds the lazy flags into cpu.flags so single bits can be edited; returns the full EFLAGS. */
export function materialize(c: Cpu): number {
  if (c.lzOp !== LZ_NONE) {
    c.flags = (c.flags & ~FLAGS_ARITH) | arithFlags(c);
    c.lzOp = LZ_NONE;
  }
  return c.flags;
}

/** Sets CF to `cf` (0/1) leaving the other flags as they are. */
export function setCF(c: Cpu, cf: number): void {
  materialize(c);
  c.flags = (c.flags & ~FLAG_CF) | (cf & 1);
}

/** Sets ZF from a boolean leaving the other flags as they are. */
export function setZF(c: Cpu, zf: boolean): void {
  materialize(c);
  c.flags = zf ? c.flags | FLAG_ZF : c.flags & ~FLAG_ZF;
}

/**
 * Records an instruction's flags for lazy evaluation: the kind (LZ_*), the operands and carry in
 * (or explicit EFLAGS bits for LZ_EXPL), the result and the operand mask (0xff, 0xffff or -1).
 * Operands and result are already masked.
 */
export function recordFlags(
  c: Cpu,
  kind: number,
  a: number,
  b: number,
  carry: number,
  res: number,
  mask: number,
): void {
  c.lzOp = kind;
  c.lzA = a;
  c.lzB = b;
  c.lzC = carry;
  c.lzRes = res;
  c.lzMask = mask | 0;
  c.lzSign = signOf(mask);
}

/** Records a result whose ZF/SF/PF come from `res` and CF/AF/OF from `explicit` (EFLAGS bits). */
export function setResultFlags(c: Cpu, res: number, mask: number, explicit: number): void {
  recordFlags(c, LZ_EXPL, 0, 0, explicit & (FLAG_CF | FLAG_AF | FLAG_OF), res & mask, mask);
}

/** Evaluates condition code cc (0-15, the low nibble of Jcc/SETcc). */
export function cond(c: Cpu, cc: number): boolean {
  let r: boolean;
  switch (cc >> 1) {
    case 0:
      r = getOF(c) !== 0;
      break;
    case 1:
      r = getCF(c) !== 0;
      break;
    case 2:
      r = getZF(c) !== 0;
      break;
    case 3:
      r = getCF(c) !== 0 || getZF(c) !== 0;
      break;
    case 4:
      r = getSF(c) !== 0;
      break;
    case 5:
      r = getPF(c) !== 0;
      break;
    case 6:
      r = (getSF(c) !== 0) !== (getOF(c) !== 0);
      break;
    default:
      r = getZF(c) !== 0 || (getSF(c) !== 0) !== (getOF(c) !== 0);
      break;
  }
  return (cc & 1) === 0 ? r : !r;
}
