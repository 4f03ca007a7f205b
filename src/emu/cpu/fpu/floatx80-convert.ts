// floatx80 conversions as QEMU 7.2's softfloat does them for the x87 (FILD, FLD m32/m64, FST
// m32/m64, FIST/FISTTP): integers and IEEE binary32/binary64 to and from 80-bit values, rounded in
// the context's mode with the target format's range.

import {
  CLS_INF,
  CLS_NORMAL,
  CLS_QNAN,
  CLS_SNAN,
  CLS_ZERO,
  FLAG_INEXACT,
  FLAG_INVALID,
  type Float80,
  type FloatContext,
  INTEGER_BIT,
  normalize,
  type Parts,
  pa,
  packResult,
  packSpecial,
  QUIET_BIT,
  RC_DOWN,
  RC_NEAREST,
  RC_UP,
  roundPack,
  roundParts,
  shiftRightJam,
  unpack,
} from "./floatx80-parts.ts";

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
