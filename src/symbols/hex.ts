// 64-bit addresses at the public API: bigint <-> two unsigned 32-bit halves (hi, lo), user-typed
// hex addresses, hex formatting. Nothing here ever holds a 64-bit value in a float.

const MASK_32 = 0xffff_ffffn;
const MASK_64 = 0xffff_ffff_ffff_ffffn;

/** Splits a bigint (taken modulo 2^64) into [hi, lo] unsigned 32-bit halves. */
export function splitBig(value: bigint): [number, number] {
  const v = BigInt.asUintN(64, value);
  return [Number(v >> 32n), Number(v & MASK_32)];
}

/** Joins unsigned 32-bit halves into a bigint in [0, 2^64). */
export function joinBig(hi: number, lo: number): bigint {
  return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
}

/**
 * Parses a user-typed address: `0x`-prefixed or bare hex (as nm and addr2line print them), an
 * optional leading `-` meaning 2^64 minus the value. Returns null when it is not a hex number that
 * fits in 64 bits.
 */
export function parseAddress(text: string): bigint | null {
  let s = text.trim();
  let negative = false;
  if (s.startsWith("-")) {
    negative = true;
    s = s.slice(1);
  }
  if (s.startsWith("0x") || s.startsWith("0X")) s = s.slice(2);
  if (!/^[0-9a-fA-F]{1,}$/.test(s)) return null;
  const value = BigInt(`0x${s}`);
  if (value > MASK_64) return null;
  return negative ? BigInt.asUintN(64, -value) : value;
}

/** Formats a 64-bit value as lower-case hex, zero-padded to `width` digits. */
export function formatHex(value: bigint, width = 0): string {
  return value.toString(16).padStart(width, "0");
}
