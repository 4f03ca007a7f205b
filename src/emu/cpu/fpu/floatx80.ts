// 80-bit extended-precision arithmetic as QEMU 7.2's softfloat computes it for the x87: every
// result correctly rounded under the control word's rounding (RC) and precision (PC) fields, with
// the x87's NaN propagation, default NaN, tininess detected after rounding, and invalid encodings
// (unnormals, pseudo-NaNs, pseudo-infinities) answered with the default NaN and #IA.
//
// A value is `se` (bit 15 the sign, bits 14-0 the biased exponent) and a 64-bit significand in two
// unsigned 32-bit halves, `hi` (bit 31 the explicit integer bit) and `lo`. Internally an operand is
// unpacked into a Parts record with a 96-bit working significand (w0:w1:w2, integer bit at w0's
// bit 31): 32 bits below the significand plus a sticky bit are enough to round add, subtract,
// multiply, divide and square root exactly as an infinitely precise result would round. Nothing
// here allocates: operations read numbers and write a caller's Float80.
//
// Where QEMU differs from a real x87 we follow QEMU, so a differential run against TCG compares
// byte for byte: the denormal-operand flag (DE) is never raised (QEMU 7.2 raises it only when it
// flushes inputs to zero, which the x87 never asks for), and masked-underflow results are not
// bias-adjusted.

/** FCW.RC: round to nearest (even). */
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
const CLS_ZERO = 0;
const CLS_NORMAL = 1;
const CLS_INF = 2;
const CLS_QNAN = 3;
const CLS_SNAN = 4;

/** An unpacked operand: class, sign, unbiased exponent and a 96-bit significand. */
class Parts {
  cls = CLS_ZERO;
  sign = 0;
  exp = 0;
  w0 = 0;
  w1 = 0;
  w2 = 0;
}

const pa = new Parts();
const pb = new Parts();

// Per precision (index 0 single, 1 double, 2 extended): the working significand's bits below the
// kept ones (MASK), the highest of them (HALF), and the lowest kept bit (LSB), word by word.
const MASK0 = [0xff, 0, 0];
const MASK1 = [0xffffffff, 0x7ff, 0];
const MASK2 = [0xffffffff, 0xffffffff, 0xffffffff];
const HALF0 = [0x80, 0, 0];
const HALF1 = [0, 0x400, 0];
const HALF2 = [0, 0, 0x80000000];
const LSB0 = [0x100, 0, 0];
const LSB1 = [0, 0x800, 1];
const LSB2 = [0, 0, 0];

/** Maps FCW.PC to an index of the tables above. */
function precisionIndex(precision: number): number {
  if (precision === PC_SINGLE) return 0;
  return precision === PC_DOUBLE ? 1 : 2;
}

/**
 * Unpacks (se, hi, lo) into `p`. Returns false for an invalid encoding (an unnormal: exponent
 * non-zero with the integer bit clear, pseudo-NaNs and pseudo-infinities included). A denormal or
 * pseudo-denormal is normalized, its exponent taken as 1 as the x87 does.
 */
function unpack(p: Parts, se: number, hi: number, lo: number): boolean {
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
function defaultNaN(ctx: FloatContext, out: Float80): void {
  ctx.flags |= FLAG_INVALID;
  out.se = DEFAULT_NAN_SE;
  out.hi = DEFAULT_NAN_HI;
  out.lo = 0;
}

/** Writes NaN `p` to `out`, silenced, with its integer bit set. */
function packNaN(p: Parts, out: Float80): void {
  out.se = (p.sign << 15) | EXP_MAX;
  out.hi = (p.w0 | INTEGER_BIT | (p.cls === CLS_SNAN ? QUIET_BIT : 0)) >>> 0;
  out.lo = p.w1;
}

/**
 * Propagates a NaN from a two-operand operation by the x87 rules (QEMU's pickNaN): an SNaN raises
 * invalid; a QNaN beats an SNaN; of two NaNs of one kind the larger significand wins, then the
 * positive one; a NaN beats a number. The result is silenced.
 */
function pickNaN(a: Parts, b: Parts, ctx: FloatContext, out: Float80): void {
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
function packSpecial(cls: number, sign: number, out: Float80): void {
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
function inexactAt(p: Parts, k: number): boolean {
  return ((p.w0 & MASK0[k]!) | (p.w1 & MASK1[k]!) | (p.w2 & MASK2[k]!)) !== 0;
}

/** Decides whether rounding `p` (inexact at precision `k`) adds one unit in the kept lsb. */
function roundsUp(p: Parts, k: number, rounding: number): boolean {
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
function addLsb(p: Parts, k: number): number {
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
function truncateTo(p: Parts, k: number): void {
  p.w0 = (p.w0 & ~MASK0[k]!) >>> 0;
  p.w1 = (p.w1 & ~MASK1[k]!) >>> 0;
  p.w2 = (p.w2 & ~MASK2[k]!) >>> 0;
}

/** True when every kept bit of precision `k` is one. */
function keptAllOnes(p: Parts, k: number): boolean {
  return (
    (p.w0 | MASK0[k]!) >>> 0 === 0xffffffff &&
    (p.w1 | MASK1[k]!) >>> 0 === 0xffffffff &&
    (p.w2 | MASK2[k]!) >>> 0 === 0xffffffff
  );
}

/** Shifts the working significand right by `n` bits, ORing every bit shifted out into bit 0. */
function shiftRightJam(p: Parts, n: number): void {
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
function normalize(p: Parts): void {
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
function overflowsToMax(rounding: number, sign: number): boolean {
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
function roundParts(p: Parts, k: number, bias: number, expMax: number, ctx: FloatContext): void {
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
function roundPack(p: Parts, ctx: FloatContext, out: Float80): void {
  roundParts(p, precisionIndex(ctx.precision), EXP_BIAS, EXP_MAX, ctx);
  out.se = (p.sign << 15) | p.exp;
  out.hi = p.w0;
  out.lo = p.w1;
}

/** Writes `p` (any class) to `out`, rounding a normal value to the context's precision. */
function packResult(p: Parts, ctx: FloatContext, out: Float80): void {
  if (p.cls === CLS_NORMAL) roundPack(p, ctx, out);
  else if (p.cls === CLS_ZERO || p.cls === CLS_INF) packSpecial(p.cls, p.sign, out);
  else packNaN(p, out);
}

/** Adds the magnitudes of normal `a` and `b` into `a` (the sign is a's). */
function addMagnitudes(a: Parts, b: Parts): void {
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
function compareMagnitudes(a: Parts, b: Parts): number {
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
function subtractMagnitudes(a: Parts, b: Parts): boolean {
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

/**
 * out = a + b, or a - b when `subtract` is 1, rounded by `ctx` (FADD/FSUB and their reversed and
 * popping forms).
 */
export function add80(
  aSe: number,
  aHi: number,
  aLo: number,
  bSe: number,
  bHi: number,
  bLo: number,
  subtract: number,
  ctx: FloatContext,
  out: Float80,
): void {
  if (!unpack(pa, aSe, aHi, aLo) || !unpack(pb, bSe, bHi, bLo)) {
    defaultNaN(ctx, out);
    return;
  }
  const a = pa;
  const b = pb;
  const bSign = b.sign ^ subtract;
  const aNaN = a.cls >= CLS_QNAN;
  const bNaN = b.cls >= CLS_QNAN;
  if (aNaN || bNaN) {
    pickNaN(a, b, ctx, out);
    return;
  }
  if (a.sign === bSign) {
    if (a.cls === CLS_NORMAL && b.cls === CLS_NORMAL) {
      addMagnitudes(a, b);
      roundPack(a, ctx, out);
      return;
    }
    if (a.cls === CLS_INF || b.cls === CLS_INF) {
      packSpecial(CLS_INF, a.sign, out);
      return;
    }
  } else {
    if (a.cls === CLS_NORMAL && b.cls === CLS_NORMAL) {
      b.sign = bSign;
      if (subtractMagnitudes(a, b)) {
        roundPack(a, ctx, out);
        return;
      }
      packSpecial(CLS_ZERO, ctx.rounding === RC_DOWN ? 1 : 0, out);
      return;
    }
    if (a.cls === CLS_ZERO && b.cls === CLS_ZERO) {
      packSpecial(CLS_ZERO, ctx.rounding === RC_DOWN ? 1 : 0, out);
      return;
    }
    if (a.cls === CLS_INF && b.cls === CLS_INF) {
      defaultNaN(ctx, out);
      return;
    }
    if (a.cls === CLS_INF) {
      packSpecial(CLS_INF, a.sign, out);
      return;
    }
    if (b.cls === CLS_INF) {
      packSpecial(CLS_INF, bSign, out);
      return;
    }
  }
  // One operand is zero (both zero with equal signs lands here too, giving a).
  if (b.cls === CLS_ZERO) {
    packResult(a, ctx, out);
    return;
  }
  b.sign = bSign;
  packResult(b, ctx, out);
}

// 32 x 32 -> 64-bit multiply: mulHi:mulLo.
let mulHi = 0;
let mulLo = 0;

/** Sets mulHi:mulLo to the 64-bit product of the unsigned 32-bit `x` and `y`. */
function mul32(x: number, y: number): void {
  const xl = x & 0xffff;
  const xh = x >>> 16;
  const yl = y & 0xffff;
  const yh = y >>> 16;
  const ll = xl * yl;
  const lh = xl * yh;
  const hl = xh * yl;
  const mid = (ll >>> 16) + (lh & 0xffff) + (hl & 0xffff);
  mulLo = (((mid & 0xffff) << 16) | (ll & 0xffff)) >>> 0;
  mulHi = xh * yh + (lh >>> 16) + (hl >>> 16) + (mid >>> 16);
}

/** out = a * b, rounded by `ctx` (FMUL and its forms). */
export function mul80(
  aSe: number,
  aHi: number,
  aLo: number,
  bSe: number,
  bHi: number,
  bLo: number,
  ctx: FloatContext,
  out: Float80,
): void {
  if (!unpack(pa, aSe, aHi, aLo) || !unpack(pb, bSe, bHi, bLo)) {
    defaultNaN(ctx, out);
    return;
  }
  const a = pa;
  const b = pb;
  const sign = a.sign ^ b.sign;
  if (a.cls === CLS_NORMAL && b.cls === CLS_NORMAL) {
    // The 128-bit product r0:r1:r2:r3 of a.w0:a.w1 and b.w0:b.w1.
    mul32(a.w1, b.w1);
    const r3 = mulLo;
    let r2 = mulHi;
    mul32(a.w0, b.w1);
    let t = r2 + mulLo;
    r2 = t >>> 0;
    let r1 = mulHi + (t > 0xffffffff ? 1 : 0);
    mul32(a.w1, b.w0);
    t = r2 + mulLo;
    r2 = t >>> 0;
    t = r1 + mulHi + (t > 0xffffffff ? 1 : 0);
    r1 = t >>> 0;
    let r0 = t > 0xffffffff ? 1 : 0;
    mul32(a.w0, b.w0);
    t = r1 + mulLo;
    r1 = t >>> 0;
    r0 = r0 + mulHi + (t > 0xffffffff ? 1 : 0);
    a.sign = sign;
    a.exp = a.exp + b.exp + 1;
    let low = r3;
    if (r0 < INTEGER_BIT) {
      // Product in [1, 2): shift its next bit up from below.
      r0 = ((r0 << 1) | (r1 >>> 31)) >>> 0;
      r1 = ((r1 << 1) | (r2 >>> 31)) >>> 0;
      r2 = ((r2 << 1) | (low >>> 31)) >>> 0;
      low = (low << 1) >>> 0;
      a.exp--;
    }
    a.w0 = r0 >>> 0;
    a.w1 = r1;
    a.w2 = (r2 | (low !== 0 ? 1 : 0)) >>> 0;
    roundPack(a, ctx, out);
    return;
  }
  if ((a.cls === CLS_INF && b.cls === CLS_ZERO) || (a.cls === CLS_ZERO && b.cls === CLS_INF)) {
    defaultNaN(ctx, out);
    return;
  }
  if (a.cls >= CLS_QNAN || b.cls >= CLS_QNAN) {
    pickNaN(a, b, ctx, out);
    return;
  }
  packSpecial(a.cls === CLS_INF || b.cls === CLS_INF ? CLS_INF : CLS_ZERO, sign, out);
}

// Scratch for division and square root: multi-word integers, most significant word first.
const rem = new Uint32Array(4);
const div = new Uint32Array(4);

/** rem <<= 1 over four words. */
function remShiftLeft1(): void {
  rem[0] = (rem[0]! << 1) | (rem[1]! >>> 31);
  rem[1] = (rem[1]! << 1) | (rem[2]! >>> 31);
  rem[2] = (rem[2]! << 1) | (rem[3]! >>> 31);
  rem[3] = rem[3]! << 1;
}

/** If rem >= div (four words): rem -= div and returns 1; else returns 0. */
function remSubtractIfGreater(): number {
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

/** Shifts `bit` (0 or 1) into the 96-bit quotient a.w0:a.w1:a.w2 from the right. */
function shiftInBit(a: Parts, bit: number): void {
  a.w0 = ((a.w0 << 1) | (a.w1 >>> 31)) >>> 0;
  a.w1 = ((a.w1 << 1) | (a.w2 >>> 31)) >>> 0;
  a.w2 = ((a.w2 << 1) | bit) >>> 0;
}

/** out = a / b, rounded by `ctx` (FDIV and its forms); x / 0 raises divide-by-zero. */
export function div80(
  aSe: number,
  aHi: number,
  aLo: number,
  bSe: number,
  bHi: number,
  bLo: number,
  ctx: FloatContext,
  out: Float80,
): void {
  if (!unpack(pa, aSe, aHi, aLo) || !unpack(pb, bSe, bHi, bLo)) {
    defaultNaN(ctx, out);
    return;
  }
  const a = pa;
  const b = pb;
  const sign = a.sign ^ b.sign;
  if (a.cls === CLS_NORMAL && b.cls === CLS_NORMAL) {
    // Long division of the 64-bit significands, one quotient bit at a time: 96 bits, then a sticky
    // bit for a non-zero remainder. The dividend is pre-shifted when smaller so the first bit is 1.
    rem[0] = 0;
    rem[1] = a.w0;
    rem[2] = a.w1;
    rem[3] = 0;
    div[0] = 0;
    div[1] = b.w0;
    div[2] = b.w1;
    div[3] = 0;
    a.exp -= b.exp;
    if (a.w0 < b.w0 || (a.w0 === b.w0 && a.w1 < b.w1)) {
      remShiftLeft1();
      a.exp--;
    }
    a.w0 = 0;
    a.w1 = 0;
    a.w2 = 0;
    for (let i = 0; i < 96; i++) {
      shiftInBit(a, remSubtractIfGreater());
      remShiftLeft1();
    }
    if ((rem[0]! | rem[1]! | rem[2]! | rem[3]!) !== 0) a.w2 = (a.w2 | 1) >>> 0;
    a.sign = sign;
    roundPack(a, ctx, out);
    return;
  }
  if ((a.cls === CLS_ZERO && b.cls === CLS_ZERO) || (a.cls === CLS_INF && b.cls === CLS_INF)) {
    defaultNaN(ctx, out);
    return;
  }
  if (a.cls >= CLS_QNAN || b.cls >= CLS_QNAN) {
    pickNaN(a, b, ctx, out);
    return;
  }
  if (a.cls === CLS_INF || a.cls === CLS_ZERO) {
    packSpecial(a.cls, sign, out);
    return;
  }
  if (b.cls === CLS_INF) {
    packSpecial(CLS_ZERO, sign, out);
    return;
  }
  ctx.flags |= FLAG_DIVIDE_BY_ZERO;
  packSpecial(CLS_INF, sign, out);
}

/** out = the square root of a, rounded by `ctx` (FSQRT); a negative non-zero a is invalid. */
export function sqrt80(aSe: number, aHi: number, aLo: number, ctx: FloatContext, out: Float80): void {
  if (!unpack(pa, aSe, aHi, aLo)) {
    defaultNaN(ctx, out);
    return;
  }
  const a = pa;
  if (a.cls >= CLS_QNAN) {
    if (a.cls === CLS_SNAN) ctx.flags |= FLAG_INVALID;
    packNaN(a, out);
    return;
  }
  if (a.cls === CLS_ZERO) {
    packSpecial(CLS_ZERO, a.sign, out);
    return;
  }
  if (a.sign !== 0) {
    defaultNaN(ctx, out);
    return;
  }
  if (a.cls === CLS_INF) {
    packSpecial(CLS_INF, 0, out);
    return;
  }
  // Digit-by-digit root of X = m * 2^(127 + odd), m the 64-bit significand: the 96-bit root has
  // its integer bit at bit 95. Two bits of X enter the remainder per step; X's bits after m's 64
  // (or 65, shifted) are zeros.
  const odd = a.exp & 1;
  const m0 = a.w0;
  const m1 = a.w1;
  a.exp = (a.exp - odd) / 2;
  rem[0] = 0;
  rem[1] = 0;
  rem[2] = 0;
  rem[3] = 0;
  let r0 = 0;
  let r1 = 0;
  let r2 = 0;
  // X's top bit pairs: m shifted so its 64 (odd: 65, with a leading 0) bits pair up from the top.
  // Even exponent: X = m << 127, 191 bits: pairs start with one leading zero. Odd: X = m << 128.
  const leadingZero = odd === 0 ? 1 : 0;
  for (let step = 0; step < 96; step++) {
    // The two bits of X entering now: positions (2*step, 2*step+1) of X's top, read from m.
    const bitA = xBit(m0, m1, 2 * step - leadingZero);
    const bitB = xBit(m0, m1, 2 * step + 1 - leadingZero);
    // rem = rem * 4 + bits
    remShiftLeft1();
    remShiftLeft1();
    rem[3] = (rem[3]! | (bitA << 1) | bitB) >>> 0;
    // trial = root * 4 + 1 (root has up to 96 bits; trial up to 98)
    div[0] = r0 >>> 30;
    div[1] = ((r0 << 2) | (r1 >>> 30)) >>> 0;
    div[2] = ((r1 << 2) | (r2 >>> 30)) >>> 0;
    div[3] = ((r2 << 2) | 1) >>> 0;
    const bit = remSubtractIfGreater();
    r0 = ((r0 << 1) | (r1 >>> 31)) >>> 0;
    r1 = ((r1 << 1) | (r2 >>> 31)) >>> 0;
    r2 = ((r2 << 1) | bit) >>> 0;
  }
  a.w0 = r0;
  a.w1 = r1;
  a.w2 = (r2 | ((rem[0]! | rem[1]! | rem[2]! | rem[3]!) !== 0 ? 1 : 0)) >>> 0;
  roundPack(a, ctx, out);
}

/** Bit `i` (0 = most significant) of the 64-bit m0:m1; 0 outside it. */
function xBit(m0: number, m1: number, i: number): number {
  if (i < 0 || i >= 64) return 0;
  return i < 32 ? (m0 >>> (31 - i)) & 1 : (m1 >>> (63 - i)) & 1;
}

/**
 * out = a rounded to an integer in the context's rounding mode (FRNDINT); inexact when that
 * changed it. The integer is then rounded to the context's precision, as QEMU packs it.
 */
export function roundToInt80(aSe: number, aHi: number, aLo: number, ctx: FloatContext, out: Float80): void {
  if (!unpack(pa, aSe, aHi, aLo)) {
    defaultNaN(ctx, out);
    return;
  }
  const a = pa;
  if (a.cls !== CLS_NORMAL) {
    if (a.cls === CLS_SNAN) ctx.flags |= FLAG_INVALID;
    packResult(a, ctx, out);
    return;
  }
  if (a.exp >= 63) {
    roundPack(a, ctx, out);
    return;
  }
  if (a.exp < 0) {
    // |a| < 1: the result is 0 or 1 with a's sign.
    ctx.flags |= FLAG_INEXACT;
    let one: boolean;
    if (ctx.rounding === RC_NEAREST) one = a.exp === -1 && (a.w0 !== INTEGER_BIT || a.w1 !== 0);
    else if (ctx.rounding === RC_UP) one = a.sign === 0;
    else if (ctx.rounding === RC_DOWN) one = a.sign === 1;
    else one = false;
    if (!one) {
      packSpecial(CLS_ZERO, a.sign, out);
      return;
    }
    a.exp = 0;
    a.w0 = INTEGER_BIT;
    a.w1 = 0;
    roundPack(a, ctx, out);
    return;
  }
  // The integer part is the top (exp + 1) bits of w0:w1: the fraction's mask, the integer's lsb
  // and the fraction's top bit (half), word by word.
  const intBits = a.exp + 1;
  let fracHi: number;
  let fracLo: number;
  let lsbHi: number;
  let lsbLo: number;
  let halfHi: number;
  let halfLo: number;
  if (intBits < 32) {
    fracHi = 0xffffffff >>> intBits;
    fracLo = 0xffffffff;
    lsbHi = (1 << (32 - intBits)) >>> 0;
    lsbLo = 0;
    halfHi = lsbHi >>> 1;
    halfLo = 0;
  } else if (intBits === 32) {
    fracHi = 0;
    fracLo = 0xffffffff;
    lsbHi = 1;
    lsbLo = 0;
    halfHi = 0;
    halfLo = 0x80000000;
  } else {
    fracHi = 0;
    fracLo = 0xffffffff >>> (intBits - 32);
    lsbHi = 0;
    lsbLo = (1 << (64 - intBits)) >>> 0;
    halfHi = 0;
    halfLo = lsbLo >>> 1;
  }
  const f0 = (a.w0 & fracHi) >>> 0;
  const f1 = (a.w1 & fracLo) >>> 0;
  if ((f0 | f1) === 0) {
    roundPack(a, ctx, out);
    return;
  }
  ctx.flags |= FLAG_INEXACT;
  let up: boolean;
  if (ctx.rounding === RC_NEAREST) {
    if (f0 !== halfHi) up = f0 > halfHi;
    else if (f1 !== halfLo) up = f1 > halfLo;
    else up = ((a.w0 & lsbHi) | (a.w1 & lsbLo)) !== 0;
  } else if (ctx.rounding === RC_UP) up = a.sign === 0;
  else if (ctx.rounding === RC_DOWN) up = a.sign === 1;
  else up = false;
  a.w0 = (a.w0 & ~fracHi) >>> 0;
  a.w1 = (a.w1 & ~fracLo) >>> 0;
  if (up) {
    const s1 = a.w1 + lsbLo;
    const s0 = a.w0 + lsbHi + (s1 > 0xffffffff ? 1 : 0);
    a.w1 = s1 >>> 0;
    if (s0 > 0xffffffff) {
      a.w0 = INTEGER_BIT;
      a.exp++;
    } else a.w0 = s0 >>> 0;
  }
  a.w2 = 0;
  roundPack(a, ctx, out);
}

/**
 * Compares a with b (FCOM/FUCOM/FCOMI/FUCOMI/FTST): CMP_LESS, CMP_EQUAL, CMP_GREATER or
 * CMP_UNORDERED. `quiet` (the FUCOM forms) raises invalid only for signalling NaNs; otherwise any
 * NaN raises it. Invalid encodings are unordered and invalid.
 */
export function compare80(
  aSe: number,
  aHi: number,
  aLo: number,
  bSe: number,
  bHi: number,
  bLo: number,
  quiet: boolean,
  ctx: FloatContext,
): number {
  if (!unpack(pa, aSe, aHi, aLo) || !unpack(pb, bSe, bHi, bLo)) {
    ctx.flags |= FLAG_INVALID;
    return CMP_UNORDERED;
  }
  const a = pa;
  const b = pb;
  if (a.cls >= CLS_QNAN || b.cls >= CLS_QNAN) {
    if (!quiet || a.cls === CLS_SNAN || b.cls === CLS_SNAN) ctx.flags |= FLAG_INVALID;
    return CMP_UNORDERED;
  }
  if (a.cls === CLS_ZERO && b.cls === CLS_ZERO) return CMP_EQUAL;
  if (a.sign !== b.sign) return a.sign === 1 ? CMP_LESS : CMP_GREATER;
  // Same sign: order the magnitudes (zero < normal < infinity), then flip for negatives.
  let order: number;
  if (a.cls !== b.cls) order = rankOf(a.cls) > rankOf(b.cls) ? 1 : -1;
  else if (a.cls === CLS_NORMAL) order = compareMagnitudes(a, b);
  else order = 0;
  if (order === 0) return CMP_EQUAL;
  return order > 0 !== (a.sign === 1) ? CMP_GREATER : CMP_LESS;
}

/** Orders magnitude classes: zero, then normal, then infinity. */
function rankOf(cls: number): number {
  return cls === CLS_ZERO ? 0 : cls === CLS_NORMAL ? 1 : 2;
}

/** A 64-bit integer or IEEE double as two unsigned 32-bit halves. */
export class Word64 {
  hi = 0;
  lo = 0;
}

/**
 * out = the signed 64-bit integer hi:lo (two's complement), rounded to the context's precision as
 * QEMU's int64_to_floatx80 packs it (FILD maximises the precision first, so it is exact there).
 */
export function fromInt64(hi: number, lo: number, ctx: FloatContext, out: Float80): void {
  const p = pa;
  hi >>>= 0;
  lo >>>= 0;
  if (hi === 0 && lo === 0) {
    packSpecial(CLS_ZERO, 0, out);
    return;
  }
  p.cls = CLS_NORMAL;
  p.sign = hi >>> 31;
  if (p.sign === 1) {
    // two's complement negation of hi:lo
    lo = (~lo + 1) >>> 0;
    hi = (~hi + (lo === 0 ? 1 : 0)) >>> 0;
  }
  p.exp = 63;
  p.w0 = hi;
  p.w1 = lo;
  p.w2 = 0;
  normalize(p);
  roundPack(p, ctx, out);
}

/** Unpacks an IEEE binary32 or binary64 NaN or infinity's class into `p` (exponent all ones). */
function classifyIeeeSpecial(p: Parts, fracIsZero: boolean): void {
  if (fracIsZero) p.cls = CLS_INF;
  else p.cls = (p.w0 & QUIET_BIT) !== 0 ? CLS_QNAN : CLS_SNAN;
}

/**
 * out = the binary32 `bits` as floatx80 (FLD m32), rounded to the context's precision as QEMU
 * packs it; a signalling NaN raises invalid and is silenced.
 */
export function fromFloat32(bits: number, ctx: FloatContext, out: Float80): void {
  const p = pa;
  const e = (bits >>> 23) & 0xff;
  const f = bits & 0x7fffff;
  p.sign = bits >>> 31;
  p.w0 = (f << 8) >>> 0;
  p.w1 = 0;
  p.w2 = 0;
  if (e === 0xff) {
    classifyIeeeSpecial(p, f === 0);
    if (p.cls === CLS_SNAN) ctx.flags |= FLAG_INVALID;
    packResult(p, ctx, out);
    return;
  }
  if (e === 0) {
    if (f === 0) {
      packSpecial(CLS_ZERO, p.sign, out);
      return;
    }
    // 0.f times 2^-126: with the fraction at w0's bits 30-8, w0's bit 31 stands for 2^-126.
    p.cls = CLS_NORMAL;
    p.exp = -126;
    normalize(p);
    roundPack(p, ctx, out);
    return;
  }
  p.cls = CLS_NORMAL;
  p.exp = e - 127;
  p.w0 = (p.w0 | INTEGER_BIT) >>> 0;
  roundPack(p, ctx, out);
}

/**
 * out = the binary64 hi:lo as floatx80 (FLD m64), rounded to the context's precision as QEMU packs
 * it; a signalling NaN raises invalid and is silenced.
 */
export function fromFloat64(hi: number, lo: number, ctx: FloatContext, out: Float80): void {
  const p = pa;
  hi >>>= 0;
  lo >>>= 0;
  const e = (hi >>> 20) & 0x7ff;
  const fHi = hi & 0xfffff;
  p.sign = hi >>> 31;
  p.w0 = ((fHi << 11) | (lo >>> 21)) >>> 0;
  p.w1 = (lo << 11) >>> 0;
  p.w2 = 0;
  if (e === 0x7ff) {
    classifyIeeeSpecial(p, fHi === 0 && lo === 0);
    if (p.cls === CLS_SNAN) ctx.flags |= FLAG_INVALID;
    packResult(p, ctx, out);
    return;
  }
  if (e === 0) {
    if (fHi === 0 && lo === 0) {
      packSpecial(CLS_ZERO, p.sign, out);
      return;
    }
    p.cls = CLS_NORMAL;
    p.exp = -1022;
    normalize(p);
    roundPack(p, ctx, out);
    return;
  }
  p.cls = CLS_NORMAL;
  p.exp = e - 1023;
  p.w0 = (p.w0 | INTEGER_BIT) >>> 0;
  roundPack(p, ctx, out);
}

/** The default binary32 NaN on x86 (negative, quiet). */
const FLOAT32_DEFAULT_NAN = 0xffc00000;

/**
 * Returns a as binary32 (FST m32), rounded in the context's rounding mode with binary32's range:
 * overflow, underflow and denormals as IEEE 754 says; NaNs keep their top fraction bits, silenced.
 */
export function toFloat32(aSe: number, aHi: number, aLo: number, ctx: FloatContext): number {
  const p = pa;
  if (!unpack(p, aSe, aHi, aLo)) {
    ctx.flags |= FLAG_INVALID;
    return FLOAT32_DEFAULT_NAN;
  }
  const sign = (p.sign << 31) >>> 0;
  switch (p.cls) {
    case CLS_ZERO:
      return sign;
    case CLS_INF:
      return (sign | 0x7f800000) >>> 0;
    case CLS_QNAN:
    case CLS_SNAN:
      if (p.cls === CLS_SNAN) ctx.flags |= FLAG_INVALID;
      return (sign | 0x7fc00000 | ((p.w0 >>> 8) & 0x3fffff)) >>> 0;
    default:
      roundParts(p, 0, 127, 0xff, ctx);
      if (p.cls === CLS_INF) return (sign | 0x7f800000) >>> 0;
      return (sign | (p.exp << 23) | ((p.w0 >>> 8) & 0x7fffff)) >>> 0;
  }
}

/**
 * Writes a as binary64 (FST m64) to out.hi:out.lo, rounded in the context's rounding mode with
 * binary64's range; NaNs keep their top fraction bits, silenced.
 */
export function toFloat64(aSe: number, aHi: number, aLo: number, ctx: FloatContext, out: Word64): void {
  const p = pa;
  if (!unpack(p, aSe, aHi, aLo)) {
    ctx.flags |= FLAG_INVALID;
    out.hi = 0xfff80000;
    out.lo = 0;
    return;
  }
  const sign = (p.sign << 31) >>> 0;
  switch (p.cls) {
    case CLS_ZERO:
      out.hi = sign;
      out.lo = 0;
      return;
    case CLS_INF:
      out.hi = (sign | 0x7ff00000) >>> 0;
      out.lo = 0;
      return;
    case CLS_QNAN:
    case CLS_SNAN:
      if (p.cls === CLS_SNAN) ctx.flags |= FLAG_INVALID;
      out.hi = (sign | 0x7ff80000 | ((p.w0 >>> 11) & 0x7ffff)) >>> 0;
      out.lo = ((p.w0 << 21) | (p.w1 >>> 11)) >>> 0;
      return;
    default:
      roundParts(p, 1, 1023, 0x7ff, ctx);
      if (p.cls === CLS_INF) {
        out.hi = (sign | 0x7ff00000) >>> 0;
        out.lo = 0;
        return;
      }
      out.hi = (sign | (p.exp << 20) | ((p.w0 >>> 11) & 0xfffff)) >>> 0;
      out.lo = ((p.w0 << 21) | (p.w1 >>> 11)) >>> 0;
  }
}

/**
 * Writes a converted to a signed integer of `bits` (32 or 64) to out.hi:out.lo (two's complement),
 * rounded in `rounding` (the FIST forms pass the context's mode, FISTTP RC_ZERO). Inexact when
 * rounding changed it; a NaN, an infinity, an invalid encoding or a value out of range raises
 * invalid only and gives the integer indefinite (0x80000000 or 0x8000000000000000), as x86 stores.
 */
export function toInteger(
  aSe: number,
  aHi: number,
  aLo: number,
  bits: number,
  rounding: number,
  ctx: FloatContext,
  out: Word64,
): void {
  const p = pa;
  if (!unpack(p, aSe, aHi, aLo)) {
    integerIndefinite(bits, ctx, out);
    return;
  }
  if (p.cls === CLS_ZERO) {
    out.hi = 0;
    out.lo = 0;
    return;
  }
  if (p.cls !== CLS_NORMAL) {
    integerIndefinite(bits, ctx, out);
    return;
  }
  // The magnitude rounded to an integer, as mag0:mag1 (or out of range when >= 2^64).
  let mag0: number;
  let mag1: number;
  let inexact = false;
  if (p.exp >= 64) {
    integerIndefinite(bits, ctx, out);
    return;
  }
  if (p.exp < 0) {
    inexact = true;
    let one: boolean;
    if (rounding === RC_NEAREST) one = p.exp === -1 && (p.w0 !== INTEGER_BIT || p.w1 !== 0);
    else if (rounding === RC_UP) one = p.sign === 0;
    else if (rounding === RC_DOWN) one = p.sign === 1;
    else one = false;
    mag0 = 0;
    mag1 = one ? 1 : 0;
  } else {
    // Shift the significand right so the integer part sits in mag0:mag1 and the fraction in p.w2
    // (with sticky): a 96-bit right shift by 63 - exp.
    p.w2 = 0;
    shiftRightJam(p, 63 - p.exp);
    mag0 = p.w0;
    mag1 = p.w1;
    const fraction = p.w2;
    if (fraction !== 0) {
      inexact = true;
      let up: boolean;
      if (rounding === RC_NEAREST)
        up = fraction > 0x80000000 || (fraction === 0x80000000 && (mag1 & 1) === 1);
      else if (rounding === RC_UP) up = p.sign === 0;
      else if (rounding === RC_DOWN) up = p.sign === 1;
      else up = false;
      if (up) {
        mag1 = (mag1 + 1) >>> 0;
        if (mag1 === 0) {
          mag0 = (mag0 + 1) >>> 0;
          if (mag0 === 0) {
            integerIndefinite(bits, ctx, out);
            return;
          }
        }
      }
    }
  }
  // Range: positive up to 2^(bits-1) - 1, negative down to -2^(bits-1).
  const limitHi = bits === 64 ? 0x80000000 : 0;
  const limitLo = bits === 64 ? 0 : 0x80000000;
  const aboveLimit = mag0 > limitHi || (mag0 === limitHi && mag1 > limitLo);
  const atLimit = mag0 === limitHi && mag1 === limitLo;
  if (aboveLimit || (atLimit && p.sign === 0)) {
    integerIndefinite(bits, ctx, out);
    return;
  }
  if (inexact) ctx.flags |= FLAG_INEXACT;
  if (p.sign === 1) {
    mag1 = (~mag1 + 1) >>> 0;
    mag0 = (~mag0 + (mag1 === 0 ? 1 : 0)) >>> 0;
  }
  if (bits === 32) {
    out.hi = (mag1 & 0x80000000) !== 0 ? 0xffffffff : 0;
    out.lo = mag1;
  } else {
    out.hi = mag0;
    out.lo = mag1;
  }
}

/** Writes the integer indefinite of `bits` (32 or 64) to `out` and raises invalid. */
function integerIndefinite(bits: number, ctx: FloatContext, out: Word64): void {
  ctx.flags |= FLAG_INVALID;
  if (bits === 64) {
    out.hi = 0x80000000;
    out.lo = 0;
  } else {
    out.hi = 0xffffffff;
    out.lo = 0x80000000;
  }
}

/**
 * out = a * 2^n, rounded by `ctx` (QEMU's floatx80_scalbn, which FSCALE runs with the precision
 * maximised): NaNs propagate (an SNaN raises invalid), zeros and infinities pass unchanged; n is
 * clamped to +-0x10000, far enough for any overflow or underflow.
 */
export function scale80(
  aSe: number,
  aHi: number,
  aLo: number,
  n: number,
  ctx: FloatContext,
  out: Float80,
): void {
  if (!unpack(pa, aSe, aHi, aLo)) {
    defaultNaN(ctx, out);
    return;
  }
  const a = pa;
  if (a.cls !== CLS_NORMAL) {
    if (a.cls === CLS_SNAN) ctx.flags |= FLAG_INVALID;
    packResult(a, ctx, out);
    return;
  }
  a.exp += Math.max(-0x10000, Math.min(0x10000, n));
  roundPack(a, ctx, out);
}

/**
 * The low bits of the quotient the last truncating modRem80 computed (FPREM reports three); 0
 * after a round-to-nearest one, which QEMU 7.2 computes without a quotient (FPREM1 under TCG
 * leaves C0, C3, C1 clear, where the SDM has them report the quotient too).
 */
export let remainderQuotient = 0;

/**
 * out = the remainder of a / b (QEMU 7.2's floatx80_modrem, on FloatParts, as FPREM and FPREM1
 * use it): `truncating` (FPREM) takes the quotient rounded toward zero, else (FPREM1) to nearest
 * even; the remainder has a's sign unless FPREM1's rounding flipped it. The exact remainder (or a
 * itself, when |a| is far below |b|) is then rounded to the context's precision, as QEMU packs it.
 * Needs exponent(a) - exponent(b) <= 63, which FPREM's partial-remainder step guarantees (larger
 * differences are reduced by scaling b first).
 */
export function modRem80(
  aSe: number,
  aHi: number,
  aLo: number,
  bSe: number,
  bHi: number,
  bLo: number,
  truncating: boolean,
  ctx: FloatContext,
  out: Float80,
): void {
  remainderQuotient = 0;
  if (!unpack(pa, aSe, aHi, aLo) || !unpack(pb, bSe, bHi, bLo)) {
    defaultNaN(ctx, out);
    return;
  }
  const a = pa;
  const b = pb;
  if (a.cls >= CLS_QNAN || b.cls >= CLS_QNAN) {
    pickNaN(a, b, ctx, out);
    return;
  }
  if (a.cls === CLS_INF || b.cls === CLS_ZERO) {
    defaultNaN(ctx, out);
    return;
  }
  const expDiff = a.exp - b.exp;
  if (b.cls === CLS_INF || a.cls === CLS_ZERO || expDiff < -1 || (expDiff === -1 && truncating)) {
    packResult(a, ctx, out);
    return;
  }
  // Restoring division at b's scale, with 32 fraction bits in rem[3] for the expDiff = -1 case.
  rem[0] = 0;
  rem[1] = a.w0;
  rem[2] = a.w1;
  rem[3] = 0;
  div[0] = 0;
  div[1] = b.w0;
  div[2] = b.w1;
  div[3] = 0;
  let sign = a.sign;
  let q = 0;
  if (expDiff < 0) {
    rem[3] = rem[2]! << 31;
    rem[2] = (rem[2]! >>> 1) | (rem[1]! << 31);
    rem[1] = rem[1]! >>> 1;
  } else {
    q = remSubtractIfGreater();
    for (let i = 0; i < expDiff; i++) {
      remShiftLeft1();
      q = ((q << 1) | remSubtractIfGreater()) & 0xff;
    }
  }
  if (!truncating) {
    // Round the quotient to nearest even: take b - r when that is smaller (or equal and q odd).
    remShiftLeft1();
    let order = 0;
    for (let i = 0; i < 4 && order === 0; i++) {
      if (rem[i] !== div[i]) order = rem[i]! > div[i]! ? 1 : -1;
    }
    // undo the doubling
    rem[3] = (rem[3]! >>> 1) | (rem[2]! << 31);
    rem[2] = (rem[2]! >>> 1) | (rem[1]! << 31);
    rem[1] = (rem[1]! >>> 1) | (rem[0]! << 31);
    rem[0] = rem[0]! >>> 1;
    if (order > 0 || (order === 0 && (q & 1) === 1)) {
      let borrow = 0;
      for (let i = 3; i >= 0; i--) {
        const d = div[i]! - rem[i]! - borrow;
        borrow = d < 0 ? 1 : 0;
        rem[i] = d;
      }
      sign ^= 1;
      q = (q + 1) & 0xff;
    }
  }
  if (truncating) remainderQuotient = q;
  a.sign = sign;
  a.exp = b.exp;
  a.w0 = rem[1]!;
  a.w1 = rem[2]!;
  a.w2 = rem[3]!;
  if ((a.w0 | a.w1 | a.w2) === 0) {
    packSpecial(CLS_ZERO, sign, out);
    return;
  }
  normalize(a);
  roundPack(a, ctx, out);
}
