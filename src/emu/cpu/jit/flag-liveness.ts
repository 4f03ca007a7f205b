// Dead flag records. Most flag results are overwritten before anything reads them (`add eax, ebx;
// xor ebx, edx; sub esi, eax`: only SUB's flags can ever be seen), so the translator generates
// each register-only flag producer twice, with and without its flag record, and this pass keeps
// the record only where the architectural flags it writes may be observed: read by a later
// instruction of the block, or still live where the block may leave or fault. Every instruction
// that touches memory, calls the interpreter or ends the block is such a point (a fault pushes
// EFLAGS, an exit hands them to the next block), so a record is dropped only when a later
// register-only instruction of the same straight-line code overwrites all it wrote.

import type { DecodedInsn } from "../decoder.ts";
import { OP_0F } from "../decoder.ts";
import { FLAG_CF, FLAG_OF, FLAGS_ARITH } from "../state.ts";

/** How one generated instruction uses the six arithmetic flags (EFLAGS bit masks). */
export interface FlagUse {
  /** Flags it reads. */
  read: number;
  /** Flags it may write (its record is dead when none of them is live after it). */
  writes: number;
  /** Flags it always overwrites (they are dead before it unless it reads them). */
  kill: number;
}

/** One piece of a block's code: an instruction's code, or code the block needs around it. */
export interface Slot {
  /** The code with the instruction's flag record. */
  code: string;
  /** The same instruction without its flag record, or null when it has no such variant. */
  dead: string | null;
  /** Its flag use; null for a point where every flag is live (memory, interpreter, exit). */
  use: FlagUse | null;
}

/** The use of an instruction with no flag effect. */
const NONE: FlagUse = { read: 0, writes: 0, kill: 0 };
/** A full producer (ADD/SUB/logic/TEST, SHL/SHR/SAR by a constant, NEG). */
const ALL: FlagUse = { read: 0, writes: FLAGS_ARITH, kill: FLAGS_ARITH };
/** ADC/SBB: reads CF, writes all. */
const CARRY_IN: FlagUse = { read: FLAG_CF, writes: FLAGS_ARITH, kill: FLAGS_ARITH };
/** INC/DEC: all but CF. */
const INC_DEC: FlagUse = { read: 0, writes: FLAGS_ARITH & ~FLAG_CF, kill: FLAGS_ARITH & ~FLAG_CF };
/** ROL/ROR by a nonzero constant: CF and OF. */
const ROTATE: FlagUse = { read: 0, writes: FLAG_CF | FLAG_OF, kill: FLAG_CF | FLAG_OF };
/** RCL/RCR by a nonzero constant: read CF, write CF and OF. */
const ROTATE_CARRY: FlagUse = { read: FLAG_CF, writes: FLAG_CF | FLAG_OF, kill: FLAG_CF | FLAG_OF };
/** A conditional writer (a shift by CL may change nothing; IMUL): writes, kills nothing. */
const MAYBE: FlagUse = { read: 0, writes: FLAGS_ARITH, kill: 0 };
/** A condition reader (SETcc, CMOVcc). */
const READS: FlagUse = { read: FLAGS_ARITH, writes: 0, kill: 0 };
/** CLC/STC: CF only. */
const SET_CARRY: FlagUse = { read: 0, writes: FLAG_CF, kill: FLAG_CF };
/** CMC: reads and writes CF. */
const FLIP_CARRY: FlagUse = { read: FLAG_CF, writes: FLAG_CF, kill: FLAG_CF };

/**
 * The flag use of `d`, an instruction the translator generated without a memory access, an exit or
 * a call into the interpreter; null when it is not listed here (it is then treated as a point where
 * every flag is live).
 */
export function flagUse(d: DecodedInsn): FlagUse | null {
  const op = d.op;
  if (op < 0x40 && (op & 7) < 6) return op >> 3 === 2 || op >> 3 === 3 ? CARRY_IN : ALL;
  if (op >= 0x80 && op <= 0x83) return d.reg === 2 || d.reg === 3 ? CARRY_IN : ALL;
  if (op >= 0x40 && op <= 0x4f) return INC_DEC;
  if ((op === 0xfe || op === 0xff) && d.reg < 2) return INC_DEC;
  if (op === 0x84 || op === 0x85 || op === 0xa8 || op === 0xa9) return ALL;
  if (op === 0xf6 || op === 0xf7) return d.reg < 2 || d.reg === 3 ? ALL : d.reg === 2 ? NONE : null;
  if (op === 0xc0 || op === 0xc1 || op === 0xd0 || op === 0xd1) {
    const n = (op <= 0xc1 ? d.imm : 1) & 0x1f;
    if (n === 0) return NONE;
    return d.reg < 2 ? ROTATE : d.reg < 4 ? ROTATE_CARRY : ALL;
  }
  if (op === 0xd2 || op === 0xd3 || op === 0x69 || op === 0x6b || op === OP_0F + 0xaf) return MAYBE;
  if ((op >= OP_0F + 0x90 && op <= OP_0F + 0x9f) || (op >= OP_0F + 0x40 && op <= OP_0F + 0x4f)) return READS;
  if (op === 0xf8 || op === 0xf9) return SET_CARRY;
  if (op === 0xf5) return FLIP_CARRY;
  if (
    (op >= 0x86 && op <= 0x8b) ||
    op === 0x8d ||
    (op >= 0x90 && op <= 0x99) ||
    (op >= 0xb0 && op <= 0xbf) ||
    op === 0xc6 ||
    op === 0xc7 ||
    op === OP_0F + 0xb6 ||
    op === OP_0F + 0xb7 ||
    op === OP_0F + 0xbe ||
    op === OP_0F + 0xbf ||
    op === 0xfc ||
    op === 0xfd ||
    (op >= OP_0F + 0xc8 && op <= OP_0F + 0xcf)
  )
    return NONE;
  return null;
}

/**
 * The block's code from its slots: from the last to the first, every flag live where the block may
 * leave or fault, a slot's flag-free variant chosen when none of the flags it writes is live after it.
 */
export function withLiveFlags(slots: Slot[]): string[] {
  const out = new Array<string>(slots.length);
  let live = FLAGS_ARITH;
  for (let i = slots.length - 1; i >= 0; i--) {
    const s = slots[i]!;
    const use = s.use;
    if (use === null) {
      out[i] = s.code;
      live = FLAGS_ARITH;
      continue;
    }
    out[i] = s.dead !== null && (use.writes & live) === 0 ? s.dead : s.code;
    live = (live & ~use.kill) | use.read;
  }
  return out;
}
