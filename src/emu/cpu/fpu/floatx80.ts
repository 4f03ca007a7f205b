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

import {
  addMagnitudes,
  CLS_INF,
  CLS_NORMAL,
  CLS_QNAN,
  CLS_SNAN,
  CLS_ZERO,
  CMP_EQUAL,
  CMP_GREATER,
  CMP_LESS,
  CMP_UNORDERED,
  compareMagnitudes,
  defaultNaN,
  div,
  FLAG_DIVIDE_BY_ZERO,
  FLAG_INEXACT,
  FLAG_INVALID,
  type Float80,
  type FloatContext,
  INTEGER_BIT,
  type Parts,
  pa,
  packNaN,
  packResult,
  packSpecial,
  pb,
  pickNaN,
  RC_DOWN,
  RC_NEAREST,
  RC_UP,
  rem,
  remShiftLeft1,
  remSubtractIfGreater,
  roundPack,
  subtractMagnitudes,
  unpack,
} from "./floatx80-parts.ts";

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
