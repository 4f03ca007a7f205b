// Where the current function returns to, as far as bytes can tell: where the return address lies on
// the stack (at a function's entry, after `push bp`, or through a `push bp; mov bp, sp` frame), and
// the check that a call instruction really ends where a candidate return address points. Pure: the
// caller reads the bytes.
import { type CodePlace, disassemble } from "./disasm.ts";
import type { SymbolResolver } from "./symbol-resolver.ts";

/** A call the UI stepped into: where it returns to, and the linear stack address of its return slot. */
export interface Frame {
  readonly returnTo: bigint;
  /** The stack pointer at the callee's entry: the frame is left once SP is above this. */
  readonly slot: bigint;
}

// Prologue bytes.
const OPERAND_SIZE_PREFIX = 0x66;
const PUSH_BP = 0x55;
const REX_W = 0x48;
/** `mov bp, sp` is 89 e5 or 8b ec (with 66 or REX.W for the wider registers). */
const MOV_BP_SP: readonly (readonly number[])[] = [
  [0x89, 0xe5],
  [0x8b, 0xec],
];

/** Reads a little-endian unsigned number of `size` bytes at `offset`. */
export function readWord(bytes: Uint8Array, offset: number, size: number): bigint {
  let v = 0n;
  for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[offset + i] ?? 0);
  return v;
}

/** Where the return address of the function at `funcBytes` lies, given how far into it the PC is. */
export type ReturnSlot = "sp" | "sp+word" | "bp+word" | null;

/**
 * Where the return address is while the PC is `offset` bytes into a function whose first bytes are
 * `funcBytes`: at [SP] on entry, at [SP+word] after `push bp`, at [BP+word] once `mov bp, sp` ran;
 * null when the function has no such prologue and the PC is not at its entry.
 */
export function returnSlot(funcBytes: Uint8Array, offset: number): ReturnSlot {
  if (offset === 0) return "sp";
  let i = funcBytes[0] === OPERAND_SIZE_PREFIX ? 1 : 0;
  if (funcBytes[i] !== PUSH_BP) return null;
  i++;
  if (offset === i) return "sp+word";
  const movAt = i;
  if (funcBytes[i] === OPERAND_SIZE_PREFIX || funcBytes[i] === REX_W) i++;
  const mov = MOV_BP_SP.some((m) => funcBytes[i] === m[0] && funcBytes[i + 1] === m[1]);
  if (!mov) return null;
  const end = i + 2;
  if (offset < end) return offset === movAt ? "sp+word" : null;
  return "bp+word";
}

/**
 * Bytes read before a candidate return address to find the call that pushed it: the longest call
 * checked (a prefix or two and ff /2 with SIB and disp32).
 */
export const CALL_WINDOW = 9;

/**
 * True when some call instruction ends exactly at the end of `before` (the CALL_WINDOW bytes that
 * precede a candidate return address at offset `ip` in a CS placed by `place`).
 */
export function callEndsAt(
  before: Uint8Array,
  ip: bigint,
  place: CodePlace,
  symbols: SymbolResolver,
): boolean {
  for (let n = 2; n <= before.length && BigInt(n) <= ip; n++) {
    const [line] = disassemble(before.subarray(before.length - n), ip - BigInt(n), place, 1, symbols);
    if (line !== undefined && line.klass === "call" && line.length === n) return true;
  }
  return false;
}
