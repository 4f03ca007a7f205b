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
  FLAG_DIVIDE_BY_ZERO,
  FLAG_INEXACT,
  FLAG_INVALID,
  type Float80,
  type FloatContext,
  INTEGER_BIT,
  type Parts,
  PC_DOUBLE,
  PC_SINGLE,
  pa,
  packNaN,
  packResult,
  packSpecial,
  pb,
  pickNaN,
  RC_DOWN,
  RC_NEAREST,
  RC_UP,
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

// Scratch for divideSignificands: 16-bit limbs, least significant first.
const dividend = new Int32Array(11);
const divisor = new Int32Array(4);
const quotient = new Int32Array(7);

/**
 * Sets a's working significand to the 96-bit quotient of the normalized 64-bit significands a / b
 * (integer bit at w0's bit 31), its last bit jammed with any remainder: Q = A * 2^96 / B by
 * Knuth's long division in base 2^16 (every intermediate exact in a double), halved (the halved
 * bit jammed) when A >= B. The caller has adjusted the exponent for A < B.
 */
function divideSignificands(a: Parts, b: Parts): void {
  const halve = a.w0 > b.w0 || (a.w0 === b.w0 && a.w1 >= b.w1);
  dividend.fill(0);
  dividend[6] = a.w1 & 0xffff;
  dividend[7] = a.w1 >>> 16;
  dividend[8] = a.w0 & 0xffff;
  dividend[9] = a.w0 >>> 16;
  divisor[0] = b.w1 & 0xffff;
  divisor[1] = b.w1 >>> 16;
  divisor[2] = b.w0 & 0xffff;
  divisor[3] = b.w0 >>> 16;
  const v3 = divisor[3]!;
  const v2 = divisor[2]!;
  for (let j = 6; j >= 0; j--) {
    const num = dividend[j + 4]! * 0x10000 + dividend[j + 3]!;
    let qhat = Math.floor(num / v3);
    let rhat = num - qhat * v3;
    while (qhat >= 0x10000 || qhat * v2 > rhat * 0x10000 + dividend[j + 2]!) {
      qhat--;
      rhat += v3;
      if (rhat >= 0x10000) break;
    }
    // dividend[j..j+4] -= qhat * divisor
    let carry = 0;
    let borrow = 0;
    for (let i = 0; i < 4; i++) {
      const product = qhat * divisor[i]! + carry;
      const low = product & 0xffff; // exact: ToInt32 keeps the low bits of an integer below 2^53
      carry = (product - low) / 0x10000;
      let t = dividend[i + j]! - low - borrow;
      borrow = t < 0 ? 1 : 0;
      if (t < 0) t += 0x10000;
      dividend[i + j] = t;
    }
    const top = dividend[j + 4]! - carry - borrow;
    if (top < 0) {
      // qhat was one too large: add the divisor back.
      qhat--;
      let c = 0;
      for (let i = 0; i < 4; i++) {
        const sum = dividend[i + j]! + divisor[i]! + c;
        dividend[i + j] = sum & 0xffff;
        c = sum >>> 16;
      }
      dividend[j + 4] = (top + 0x10000 + c) & 0xffff;
    } else dividend[j + 4] = top;
    quotient[j] = qhat;
  }
  const sticky = (dividend[0]! | dividend[1]! | dividend[2]! | dividend[3]!) !== 0 ? 1 : 0;
  const q0 = ((quotient[5]! << 16) | quotient[4]!) >>> 0;
  const q1 = ((quotient[3]! << 16) | quotient[2]!) >>> 0;
  const q2 = ((quotient[1]! << 16) | quotient[0]!) >>> 0;
  if (halve) {
    a.w0 = ((quotient[6]! << 31) | (q0 >>> 1)) >>> 0;
    a.w1 = ((q0 << 31) | (q1 >>> 1)) >>> 0;
    a.w2 = ((q1 << 31) | (q2 >>> 1) | (q2 & 1) | sticky) >>> 0;
  } else {
    a.w0 = q0;
    a.w1 = q1;
    a.w2 = (q2 | sticky) >>> 0;
  }
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
    a.exp -= b.exp;
    if (a.w0 < b.w0 || (a.w0 === b.w0 && a.w1 < b.w1)) a.exp--;
    divideSignificands(a, b);
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

// Scratch for squareRootSignificand: 16-bit limbs, least significant first.
const radicand = new Int32Array(12);
const rootRem = new Int32Array(10);
const root = new Int32Array(10);
const trial = new Int32Array(10);

/** trial = (2 * root * 2^16 + d) * d: what taking root digit d subtracts from the remainder. */
function rootTrial(d: number): void {
  let carry = d * d;
  trial[0] = carry & 0xffff;
  carry = (carry - trial[0]!) / 0x10000;
  let twice = 0;
  for (let i = 0; i < 9; i++) {
    let limb = root[i]! * 2 + twice;
    twice = limb >>> 16;
    limb &= 0xffff;
    const product = limb * d + carry;
    const low = product & 0xffff; // exact: ToInt32 keeps the low bits of an integer below 2^53
    trial[i + 1] = low;
    carry = (product - low) / 0x10000;
  }
}

/** Compares trial with the remainder: above 0 when trial is larger. */
function trialAboveRemainder(): boolean {
  for (let i = 9; i >= 0; i--) if (trial[i] !== rootRem[i]) return trial[i]! > rootRem[i]!;
  return false;
}

/**
 * Sets p's working significand to the 96-bit square root of X = m * 2^(127 + odd), m p's 64-bit
 * significand (integer bit at w0's bit 31), the last bit jammed with a non-zero remainder: digit by
 * digit in base 2^16, each digit estimated in doubles and corrected against the exact remainder.
 */
function squareRootSignificand(p: Parts, odd: number): void {
  radicand.fill(0);
  rootRem.fill(0);
  root.fill(0);
  // X's top 64 bits (limbs 8-11), and for an even exponent m's last bit at bit 127 (limb 7).
  const hi = odd === 1 ? p.w0 : p.w0 >>> 1;
  const lo = odd === 1 ? p.w1 : ((p.w0 << 31) | (p.w1 >>> 1)) >>> 0;
  radicand[11] = hi >>> 16;
  radicand[10] = hi & 0xffff;
  radicand[9] = lo >>> 16;
  radicand[8] = lo & 0xffff;
  radicand[7] = odd === 1 ? 0 : (p.w1 & 1) << 15;
  for (let k = 0; k < 6; k++) {
    // remainder = remainder * 2^32 + the next two limbs of X
    for (let i = 9; i >= 2; i--) rootRem[i] = rootRem[i - 2]!;
    rootRem[1] = radicand[11 - 2 * k]!;
    rootRem[0] = radicand[10 - 2 * k]!;
    let remainder = 0;
    for (let i = 9; i >= 0; i--) remainder = remainder * 0x10000 + rootRem[i]!;
    let rootValue = 0;
    for (let i = 9; i >= 0; i--) rootValue = rootValue * 0x10000 + root[i]!;
    let d = k === 0 ? Math.floor(Math.sqrt(remainder)) : Math.floor(remainder / (rootValue * 2 * 0x10000));
    if (d > 0xffff) d = 0xffff;
    rootTrial(d);
    while (trialAboveRemainder()) rootTrial(--d);
    while (d < 0xffff) {
      rootTrial(d + 1);
      if (trialAboveRemainder()) break;
      d++;
    }
    rootTrial(d);
    // remainder -= trial; root = root * 2^16 + d
    let borrow = 0;
    for (let i = 0; i < 10; i++) {
      let t = rootRem[i]! - trial[i]! - borrow;
      borrow = t < 0 ? 1 : 0;
      if (t < 0) t += 0x10000;
      rootRem[i] = t;
    }
    for (let i = 9; i >= 1; i--) root[i] = root[i - 1]!;
    root[0] = d;
  }
  let rest = 0;
  for (let i = 0; i < 10; i++) rest |= rootRem[i]!;
  p.w0 = ((root[5]! << 16) | root[4]!) >>> 0;
  p.w1 = ((root[3]! << 16) | root[2]!) >>> 0;
  p.w2 = ((root[1]! << 16) | root[0]! | (rest !== 0 ? 1 : 0)) >>> 0;
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
  const odd = a.exp & 1;
  a.exp = (a.exp - odd) / 2;
  squareRootSignificand(a, odd);
  roundPack(a, ctx, out);
}

/**
 * Exponents from which QEMU 7.2's floatx80_round_to_int takes a value as integral already, by the
 * precision control: the fraction size of the format the precision names (23, 52, 63 bits).
 */
function integralExponent(precision: number): number {
  if (precision === PC_SINGLE) return 23;
  return precision === PC_DOUBLE ? 52 : 63;
}

/**
 * out = a rounded to an integer in the context's rounding mode (FRNDINT); inexact when that
 * changed it. The integer is then rounded to the context's precision, as QEMU packs it; under a
 * reduced precision a value with an exponent of 23 (single) or 52 (double) or more counts as
 * integral and is only rounded to that precision, as QEMU does.
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
  if (a.exp >= integralExponent(ctx.precision)) {
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
