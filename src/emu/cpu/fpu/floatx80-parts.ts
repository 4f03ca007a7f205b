// The machinery under the floatx80 operations (floatx80.ts, floatx80-convert.ts,
// floatx80-remainder.ts): the public value and context types, and the unpacked form they compute on.
// A value is `se` (bit 15 the sign, bits 14-0 the biased exponent) and a 64-bit significand in two
// unsigned 32-bit halves, `hi` (bit 31 the explicit integer bit) and `lo`. An operand is unpacked
// into a Parts record with a 96-bit working significand (w0:w1:w2, integer bit at w0's bit 31): 32
// bits below the significand plus a sticky bit are enough to round add, subtract, multiply, divide
// and square root exactly as an infinitely precise result would round. Rounding follows QEMU 7.2's
// softfloat for the x87: the control word's rounding (RC) and precision (PC), tininess after
// rounding, underflow only when tiny and inexact. Nothing here allocates.

export const RC_NEAREST = 0;
/** FCW.RC: round down, toward -infinity. */
export const RC_DOWN = 1;
/** FCW.RC: round up, toward +infinity. */
export const RC_UP = 2;
/** FCW.RC: round toward zero (truncate). */
export const RC_ZERO = 3;

/** FCW.PC: 24-bit significands (single). */
export const PC_SINGLE = 0;
/** FCW.PC: 53-bit significands (double). */
export const PC_DOUBLE = 2;
/** FCW.PC: 64-bit significands (extended), the reset value. */
export const PC_EXTENDED = 3;

/** Exception flags, numbered as the FSW's bits 0-5. */
export const FLAG_INVALID = 0x01;
export const FLAG_DENORMAL = 0x02;
export const FLAG_DIVIDE_BY_ZERO = 0x04;
export const FLAG_OVERFLOW = 0x08;
export const FLAG_UNDERFLOW = 0x10;
export const FLAG_INEXACT = 0x20;

/** The biased exponent of 1.0 and the all-ones exponent of infinities and NaNs. */
export const EXP_BIAS = 16383;
export const EXP_MAX = 0x7fff;
/** The explicit integer bit, in `hi`. */
export const INTEGER_BIT = 0x80000000;
/** The quiet bit of a NaN's significand, in `hi`. */
export const QUIET_BIT = 0x40000000;

/** The default NaN x86 produces for invalid operations: negative, quiet, fraction 0. */
export const DEFAULT_NAN_SE = 0xffff;
export const DEFAULT_NAN_HI = 0xc0000000;

/** A result: the sign and biased exponent in `se`, the significand's halves in `hi` and `lo`. */
export class Float80 {
  se = 0;
  hi = 0;
  lo = 0;
}

/** What one operation needs from the control word and what it reports back. */
export class FloatContext {
  /** RC_NEAREST, RC_DOWN, RC_UP or RC_ZERO. */
  rounding = RC_NEAREST;
  /** PC_SINGLE, PC_DOUBLE or PC_EXTENDED (PC value 1 is reserved and rounds as extended). */
  precision = PC_EXTENDED;
  /** FLAG_* bits raised so far; operations only ever set bits. */
  flags = 0;
}

/** Order of two values, as the comparisons report it. */
export const CMP_LESS = -1;
export const CMP_EQUAL = 0;
export const CMP_GREATER = 1;
export const CMP_UNORDERED = 2;

// Operand classes.
export const CLS_ZERO = 0;
export const CLS_NORMAL = 1;
export const CLS_INF = 2;
export const CLS_QNAN = 3;
export const CLS_SNAN = 4;

/** An unpacked operand: class, sign, unbiased exponent and a 96-bit significand. */
export class Parts {
  cls = CLS_ZERO;
  sign = 0;
  exp = 0;
  w0 = 0;
  w1 = 0;
  w2 = 0;
}

export const pa = new Parts();
export const pb = new Parts();

// Per precision (index 0 single, 1 double, 2 extended): the working significand's bits below the
// kept ones (MASK), the highest of them (HALF), and the lowest kept bit (LSB), word by word.
export const MASK0 = [0xff, 0, 0];
export const MASK1 = [0xffffffff, 0x7ff, 0];
export const MASK2 = [0xffffffff, 0xffffffff, 0xffffffff];
export const HALF0 = [0x80, 0, 0];
export const HALF1 = [0, 0x400, 0];
export const HALF2 = [0, 0, 0x80000000];
export const LSB0 = [0x100, 0, 0];
export const LSB1 = [0, 0x800, 1];
export const LSB2 = [0, 0, 0];

/** Maps FCW.PC to an index of the tables above. */
export function precisionIndex(precision: number): number {
  if (precision === PC_SINGLE) return 0;
  return precision === PC_DOUBLE ? 1 : 2;
}

/**
 * Unpacks (se, hi, lo) into `p`. Returns false for an invalid encoding (an unnormal: exponent
 * non-zero with the integer bit clear, pseudo-NaNs and pseudo-infinities included). A denormal or
 * pseudo-denormal is normalized, its exponent taken as 1 as the x87 does.
 */
export function unpack(p: Parts, se: number, hi: number, lo: number): boolean {
  const e = se & EXP_MAX;
  p.sign = (se >>> 15) & 1;
  hi >>>= 0;
  lo >>>= 0;
  p.w2 = 0;
  if (e !== 0 && hi < INTEGER_BIT) return false;
  if (e === EXP_MAX) {
    p.w0 = hi & 0x7fffffff;
    p.w1 = lo;
    if (p.w0 === 0 && lo === 0) p.cls = CLS_INF;
    else p.cls = (hi & QUIET_BIT) !== 0 ? CLS_QNAN : CLS_SNAN;
    return true;
  }
  if (e === 0) {
    if (hi === 0 && lo === 0) {
      p.cls = CLS_ZERO;
      p.w0 = 0;
      p.w1 = 0;
      return true;
    }
    const shift = hi !== 0 ? Math.clz32(hi) : 32 + Math.clz32(lo);
    p.cls = CLS_NORMAL;
    p.exp = 1 - EXP_BIAS - shift;
    if (shift === 0) {
      p.w0 = hi;
      p.w1 = lo;
    } else if (shift < 32) {
      p.w0 = ((hi << shift) | (lo >>> (32 - shift))) >>> 0;
      p.w1 = (lo << shift) >>> 0;
    } else {
      p.w0 = (lo << (shift - 32)) >>> 0;
      p.w1 = 0;
    }
    return true;
  }
  p.cls = CLS_NORMAL;
  p.exp = e - EXP_BIAS;
  p.w0 = hi;
  p.w1 = lo;
  return true;
}

/** Writes the default NaN to `out` and raises invalid. */
export function defaultNaN(ctx: FloatContext, out: Float80): void {
  ctx.flags |= FLAG_INVALID;
  out.se = DEFAULT_NAN_SE;
  out.hi = DEFAULT_NAN_HI;
  out.lo = 0;
}

/** Writes NaN `p` to `out`, silenced, with its integer bit set. */
export function packNaN(p: Parts, out: Float80): void {
  out.se = (p.sign << 15) | EXP_MAX;
  out.hi = (p.w0 | INTEGER_BIT | (p.cls === CLS_SNAN ? QUIET_BIT : 0)) >>> 0;
  out.lo = p.w1;
}

/**
 * Propagates a NaN from a two-operand operation by the x87 rules (QEMU's pickNaN): an SNaN raises
 * invalid; a QNaN beats an SNaN; of two NaNs of one kind the larger significand wins, then the
 * positive one; a NaN beats a number. The result is silenced.
 */
export function pickNaN(a: Parts, b: Parts, ctx: FloatContext, out: Float80): void {
  if (a.cls === CLS_SNAN || b.cls === CLS_SNAN) ctx.flags |= FLAG_INVALID;
  const aNaN = a.cls === CLS_QNAN || a.cls === CLS_SNAN;
  const bNaN = b.cls === CLS_QNAN || b.cls === CLS_SNAN;
  let chosen: Parts;
  if (!aNaN) chosen = b;
  else if (!bNaN) chosen = a;
  else if (a.cls !== b.cls) chosen = a.cls === CLS_QNAN ? a : b;
  else {
    let cmp = a.w0 !== b.w0 ? (a.w0 > b.w0 ? 1 : -1) : a.w1 !== b.w1 ? (a.w1 > b.w1 ? 1 : -1) : 0;
    if (cmp === 0) cmp = a.sign < b.sign ? 1 : 0;
    chosen = cmp > 0 ? a : b;
  }
  packNaN(chosen, out);
}

/** Writes a zero or an infinity of sign `sign` to `out`. */
export function packSpecial(cls: number, sign: number, out: Float80): void {
  if (cls === CLS_ZERO) {
    out.se = sign << 15;
    out.hi = 0;
    out.lo = 0;
  } else {
    out.se = (sign << 15) | EXP_MAX;
    out.hi = INTEGER_BIT;
    out.lo = 0;
  }
}

/** True when any working-significand bit below the kept precision `k` is set. */
export function inexactAt(p: Parts, k: number): boolean {
  return ((p.w0 & MASK0[k]!) | (p.w1 & MASK1[k]!) | (p.w2 & MASK2[k]!)) !== 0;
}

/** Decides whether rounding `p` (inexact at precision `k`) adds one unit in the kept lsb. */
export function roundsUp(p: Parts, k: number, rounding: number): boolean {
  switch (rounding) {
    case RC_NEAREST: {
      const r0 = (p.w0 & MASK0[k]!) >>> 0;
      const r1 = (p.w1 & MASK1[k]!) >>> 0;
      const r2 = (p.w2 & MASK2[k]!) >>> 0;
      const h0 = HALF0[k]!;
      const h1 = HALF1[k]!;
      const h2 = HALF2[k]!;
      if (r0 !== h0) return r0 > h0;
      if (r1 !== h1) return r1 > h1;
      if (r2 !== h2) return r2 > h2;
      return ((p.w0 & LSB0[k]!) | (p.w1 & LSB1[k]!) | (p.w2 & LSB2[k]!)) !== 0;
    }
    case RC_UP:
      return p.sign === 0;
    case RC_DOWN:
      return p.sign === 1;
    default:
      return false;
  }
}

/** Adds one unit in the kept lsb of precision `k`; returns the carry out of the significand. */
export function addLsb(p: Parts, k: number): number {
  const s2 = p.w2 + LSB2[k]!;
  let carry = s2 > 0xffffffff ? 1 : 0;
  p.w2 = s2 >>> 0;
  const s1 = p.w1 + LSB1[k]! + carry;
  carry = s1 > 0xffffffff ? 1 : 0;
  p.w1 = s1 >>> 0;
  const s0 = p.w0 + LSB0[k]! + carry;
  carry = s0 > 0xffffffff ? 1 : 0;
  p.w0 = s0 >>> 0;
  return carry;
}

/** Clears the bits below precision `k`. */
export function truncateTo(p: Parts, k: number): void {
  p.w0 = (p.w0 & ~MASK0[k]!) >>> 0;
  p.w1 = (p.w1 & ~MASK1[k]!) >>> 0;
  p.w2 = (p.w2 & ~MASK2[k]!) >>> 0;
}

/** True when every kept bit of precision `k` is one. */
export function keptAllOnes(p: Parts, k: number): boolean {
  return (
    (p.w0 | MASK0[k]!) >>> 0 === 0xffffffff &&
    (p.w1 | MASK1[k]!) >>> 0 === 0xffffffff &&
    (p.w2 | MASK2[k]!) >>> 0 === 0xffffffff
  );
}

/** Shifts the working significand right by `n` bits, ORing every bit shifted out into bit 0. */
export function shiftRightJam(p: Parts, n: number): void {
  if (n <= 0) return;
  if (n >= 96) {
    const sticky = (p.w0 | p.w1 | p.w2) !== 0 ? 1 : 0;
    p.w0 = 0;
    p.w1 = 0;
    p.w2 = sticky;
    return;
  }
  let sticky = 0;
  while (n >= 32) {
    sticky |= p.w2;
    p.w2 = p.w1;
    p.w1 = p.w0;
    p.w0 = 0;
    n -= 32;
  }
  if (n > 0) {
    sticky |= (p.w2 << (32 - n)) >>> 0;
    p.w2 = ((p.w2 >>> n) | (p.w1 << (32 - n))) >>> 0;
    p.w1 = ((p.w1 >>> n) | (p.w0 << (32 - n))) >>> 0;
    p.w0 = p.w0 >>> n;
  }
  if (sticky !== 0) p.w2 = (p.w2 | 1) >>> 0;
}

/** Shifts the working significand left until its integer bit is set; adjusts the exponent. */
export function normalize(p: Parts): void {
  let shift: number;
  if (p.w0 !== 0) shift = Math.clz32(p.w0);
  else if (p.w1 !== 0) shift = 32 + Math.clz32(p.w1);
  else shift = 64 + Math.clz32(p.w2);
  if (shift === 0) return;
  p.exp -= shift;
  while (shift >= 32) {
    p.w0 = p.w1;
    p.w1 = p.w2;
    p.w2 = 0;
    shift -= 32;
  }
  if (shift > 0) {
    p.w0 = ((p.w0 << shift) | (p.w1 >>> (32 - shift))) >>> 0;
    p.w1 = ((p.w1 << shift) | (p.w2 >>> (32 - shift))) >>> 0;
    p.w2 = (p.w2 << shift) >>> 0;
  }
}

/** True when overflow in this rounding direction gives the largest finite value, not infinity. */
export function overflowsToMax(rounding: number, sign: number): boolean {
  if (rounding === RC_ZERO) return true;
  if (rounding === RC_UP) return sign === 1;
  if (rounding === RC_DOWN) return sign === 0;
  return false;
}

/**
 * Rounds the normal, normalized `p` to kept precision `k` in a format with exponent bias `bias` and
 * all-ones exponent `expMax`, raising inexact, overflow and underflow into `ctx` as QEMU does
 * (tininess after rounding; underflow only when the tiny result is also inexact). Leaves in `p` the
 * biased exponent (0 for a denormal or zero; expMax with cls CLS_INF for an overflow to infinity)
 * and the kept significand bits in w0:w1, integer bit included.
 */
export function roundParts(p: Parts, k: number, bias: number, expMax: number, ctx: FloatContext): void {
  const rounding = ctx.rounding;
  let exp = p.exp + bias;
  let flags = 0;
  if (exp > 0) {
    if (inexactAt(p, k)) {
      flags |= FLAG_INEXACT;
      if (roundsUp(p, k, rounding) && addLsb(p, k) !== 0) {
        p.w0 = INTEGER_BIT;
        exp++;
      }
      truncateTo(p, k);
    }
    if (exp >= expMax) {
      flags |= FLAG_OVERFLOW | FLAG_INEXACT;
      if (overflowsToMax(rounding, p.sign)) {
        exp = expMax - 1;
        p.w0 = ~MASK0[k]! >>> 0;
        p.w1 = ~MASK1[k]! >>> 0;
      } else {
        exp = expMax;
        p.cls = CLS_INF;
        p.w0 = INTEGER_BIT;
        p.w1 = 0;
      }
    }
  } else {
    let tiny = exp < 0;
    if (!tiny) tiny = !(inexactAt(p, k) && roundsUp(p, k, rounding) && keptAllOnes(p, k));
    shiftRightJam(p, 1 - exp);
    if (inexactAt(p, k)) {
      flags |= FLAG_INEXACT;
      if (roundsUp(p, k, rounding)) addLsb(p, k);
      truncateTo(p, k);
    }
    if (tiny && flags !== 0) flags |= FLAG_UNDERFLOW;
    exp = p.w0 >>> 31;
    if (exp === 0 && p.w0 === 0 && p.w1 === 0) p.cls = CLS_ZERO;
  }
  p.exp = exp;
  ctx.flags |= flags;
}

/** Rounds the normal `p` to the context's precision and writes it to `out` as floatx80. */
export function roundPack(p: Parts, ctx: FloatContext, out: Float80): void {
  roundParts(p, precisionIndex(ctx.precision), EXP_BIAS, EXP_MAX, ctx);
  out.se = (p.sign << 15) | p.exp;
  out.hi = p.w0;
  out.lo = p.w1;
}

/** Writes `p` (any class) to `out`, rounding a normal value to the context's precision. */
export function packResult(p: Parts, ctx: FloatContext, out: Float80): void {
  if (p.cls === CLS_NORMAL) roundPack(p, ctx, out);
  else if (p.cls === CLS_ZERO || p.cls === CLS_INF) packSpecial(p.cls, p.sign, out);
  else packNaN(p, out);
}

/** Adds the magnitudes of normal `a` and `b` into `a` (the sign is a's). */
export function addMagnitudes(a: Parts, b: Parts): void {
  if (a.exp < b.exp) {
    const d = b.exp - a.exp;
    a.exp = b.exp;
    shiftRightJam(a, d);
  } else {
    shiftRightJam(b, a.exp - b.exp);
  }
  const s2 = a.w2 + b.w2;
  let carry = s2 > 0xffffffff ? 1 : 0;
  const s1 = a.w1 + b.w1 + carry;
  carry = s1 > 0xffffffff ? 1 : 0;
  const s0 = a.w0 + b.w0 + carry;
  a.w2 = s2 >>> 0;
  a.w1 = s1 >>> 0;
  a.w0 = s0 >>> 0;
  if (s0 > 0xffffffff) {
    shiftRightJam(a, 1);
    a.w0 = (a.w0 | INTEGER_BIT) >>> 0;
    a.exp++;
  }
}

/** Compares the magnitudes (exponent, then significand) of normal `a` and `b`. */
export function compareMagnitudes(a: Parts, b: Parts): number {
  if (a.exp !== b.exp) return a.exp > b.exp ? 1 : -1;
  if (a.w0 !== b.w0) return a.w0 > b.w0 ? 1 : -1;
  if (a.w1 !== b.w1) return a.w1 > b.w1 ? 1 : -1;
  if (a.w2 !== b.w2) return a.w2 > b.w2 ? 1 : -1;
  return 0;
}

/**
 * Subtracts the smaller magnitude of normal `a` and `b` from the larger into `a`, with the larger's
 * sign. Returns false when they are equal (an exact zero; `a` is then left for the caller).
 */
export function subtractMagnitudes(a: Parts, b: Parts): boolean {
  const order = compareMagnitudes(a, b);
  if (order === 0) return false;
  let big = a;
  let small = b;
  if (order < 0) {
    big = b;
    small = a;
  }
  shiftRightJam(small, big.exp - small.exp);
  const d2 = big.w2 - small.w2;
  let borrow = d2 < 0 ? 1 : 0;
  const d1 = big.w1 - small.w1 - borrow;
  borrow = d1 < 0 ? 1 : 0;
  const d0 = big.w0 - small.w0 - borrow;
  a.sign = big.sign;
  a.exp = big.exp;
  a.w2 = d2 >>> 0;
  a.w1 = d1 >>> 0;
  a.w0 = d0 >>> 0;
  normalize(a);
  return true;
}

// Scratch for division and square root: multi-word integers, most significant word first.
export const rem = new Uint32Array(4);
export const div = new Uint32Array(4);

/** rem <<= 1 over four words. */
export function remShiftLeft1(): void {
  rem[0] = (rem[0]! << 1) | (rem[1]! >>> 31);
  rem[1] = (rem[1]! << 1) | (rem[2]! >>> 31);
  rem[2] = (rem[2]! << 1) | (rem[3]! >>> 31);
  rem[3] = rem[3]! << 1;
}

/** If rem >= div (four words): rem -= div and returns 1; else returns 0. */
export function remSubtractIfGreater(): number {
  for (let i = 0; i < 4; i++) {
    if (rem[i] !== div[i]) {
      if (rem[i]! < div[i]!) return 0;
      break;
    }
  }
  let borrow = 0;
  for (let i = 3; i >= 0; i--) {
    const d = rem[i]! - div[i]! - borrow;
    borrow = d < 0 ? 1 : 0;
    rem[i] = d;
  }
  return 1;
}
