// The decoder's state for the instruction being decoded: where it started, the fetch window over
// its bytes, its prefixes (operand/address size, segment override, REP, LOCK) and its memory
// operand. prefixes.ts fills the prefix fields, decode.ts the window and the memory operand.
// This is what a decoded-instruction record (length, opcode, prefixes, operand size, ModRM/SIB
// operands, immediates, handler) shared by an interpreter and a translator grows from.
//
// Like the mode cache, a layer of Cpu's class chain rather than an object Cpu points to: the
// handlers read these fields for every instruction, and reaching them through `cpu.dec` measured
// 3% slower in `npm run bench cpu`.

import { ModeCache } from "./mode.ts";
import { UNSIGNED_FIELD } from "./state.ts";

export abstract class DecoderState extends ModeCache {
  /** EIP of the instruction being executed (faults rewind to it). */
  startEip = 0;
  /** Fetch window in buf: next byte, first byte of the instruction, end of the window. */
  fp = 0;
  fpStart = 0;
  fpEnd = 0;

  /**
   * Decoded prefixes of the current instruction. The operand and address sizes are 1 (32-bit) or
   * 0 (16-bit) rather than booleans: V8 tests a small integer field in one instruction, a boolean
   * field in several, and every instruction reads them.
   */
  o32 = 0;
  a32 = 0;
  /** Segment override (-1 = none). */
  segOvr = -1;
  /** 0, 0xf2 (REPNE) or 0xf3 (REP/REPE). */
  rep = 0;
  lock = false;
  /** The last instruction had prefixes: reset the fields above before the next one. */
  prefixed = false;
  /** Segment and offset of the last decoded memory operand (for read-modify-write). */
  eaSeg = 3;
  eaOff = UNSIGNED_FIELD;
}
