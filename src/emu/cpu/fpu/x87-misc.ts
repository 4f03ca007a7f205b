// The rarer x87 instructions as QEMU 7.2's TCG executes them (target/i386/tcg/fpu_helper.c):
// FXTRACT, FSCALE, FBLD, FBSTP, and FSIN, FCOS, FSINCOS, FPTAN, which QEMU computes in the host's
// binary64 with libm (here libm.ts, see below). Each works on the x87 unit's stack (x87.ts) and
// leaves exception flags in FSW the way QEMU merges them.
//
// QEMU's libm-based instructions convert ST(0) to binary64 in the control word's rounding mode,
// and the result back at its precision; the flags those conversions raise are never merged into
// FSW (QEMU does not bracket them with save/merge), so FSIN and friends leave the exception flags
// alone and only write C2 (set, with ST(0) unchanged, when |x| > 2^63 after conversion).
// The binary64 sin, cos and tan are correctly rounded (libm.ts); glibc's, which QEMU calls, are too
// except on about 0.1% of arguments, where they are 1 ulp of binary64 off (libm.test.ts).

import { div80 } from "./floatx80.ts";
import { fromFloat64, fromInt64, toFloat64, toInteger, Word64 } from "./floatx80-convert.ts";
import {
  DEFAULT_NAN_HI,
  DEFAULT_NAN_SE,
  EXP_BIAS,
  EXP_MAX,
  FLAG_INVALID,
  Float80,
  INTEGER_BIT,
  PC_EXTENDED,
  QUIET_BIT,
  RC_ZERO,
} from "./floatx80-parts.ts";
import { scale80 } from "./floatx80-remainder.ts";
import { cosRounded, sinRounded, tanRounded } from "./libm.ts";
import { FSW_C2, type X87 } from "./x87.ts";

/** 2^63: FSIN, FCOS, FSINCOS and FPTAN leave arguments beyond it alone and set C2 (QEMU's MAXTAN). */
const MAX_TRIG_ARGUMENT = 2 ** 63;
/** QEMU's input-denormal flag, which FXTRACT raises for a denormal operand (FSW.DE). */
const FLAG_DENORMAL_INPUT = 0x02;

const a = new Float80();
const b = new Float80();
const word = new Word64();
const bits = new DataView(new ArrayBuffer(8));

/** True for an unnormal, pseudo-NaN or pseudo-infinity (exponent non-zero, integer bit clear). */
export function invalidEncoding(se: number, hi: number): boolean {
  return (se & EXP_MAX) !== 0 && hi >>> 0 < INTEGER_BIT;
}

/** True for a NaN as QEMU's floatx80_is_any_nan sees it (the integer bit ignored). */
export function isAnyNaN(se: number, hi: number, lo: number): boolean {
  return (se & EXP_MAX) === EXP_MAX && ((hi & 0x7fffffff) !== 0 || lo !== 0);
}

/** True for a signalling NaN as QEMU's floatx80_is_signaling_nan sees it (the integer bit ignored). */
export function isSignalingNaN(se: number, hi: number, lo: number): boolean {
  return (se & EXP_MAX) === EXP_MAX && (hi & QUIET_BIT) === 0 && ((hi & 0x3fffffff) !== 0 || lo !== 0);
}

/** True for +-0. */
export function isZero80(se: number, hi: number, lo: number): boolean {
  return (se & EXP_MAX) === 0 && hi === 0 && lo === 0;
}

/** True for +-infinity (integer bit set, fraction clear). */
export function isInfinity80(se: number, hi: number, lo: number): boolean {
  return (se & EXP_MAX) === EXP_MAX && hi >>> 0 === INTEGER_BIT && lo === 0;
}

/** Reads ST(i) into `into`. */
function load(x: X87, i: number, into: Float80): void {
  x.read(i, into);
  into.hi >>>= 0;
  into.lo >>>= 0;
}

/**
 * FXTRACT: ST(0) = the significand (exponent biased to 0), pushed above the unbiased exponent. A
 * zero gives -inf (ZE) under it; a NaN or an invalid encoding gives that NaN (or the default NaN)
 * twice; an infinity gives itself over +inf; a denormal raises DE.
 */
export function extract(x: X87): void {
  load(x, 0, a);
  const ctx = x.ctx;
  if (isZero80(a.se, a.hi, a.lo)) {
    div80(0xbfff, INTEGER_BIT, 0, 0, 0, 0, ctx, b);
    x.writeST(0, b.se, b.hi, b.lo);
    x.pushValue(a.se, a.hi, a.lo);
  } else if (invalidEncoding(a.se, a.hi)) {
    ctx.flags |= FLAG_INVALID;
    x.writeST(0, DEFAULT_NAN_SE, DEFAULT_NAN_HI, 0);
    x.pushValue(DEFAULT_NAN_SE, DEFAULT_NAN_HI, 0);
  } else if (isAnyNaN(a.se, a.hi, a.lo)) {
    if (isSignalingNaN(a.se, a.hi, a.lo)) {
      ctx.flags |= FLAG_INVALID;
      a.hi = (a.hi | INTEGER_BIT | QUIET_BIT) >>> 0;
      x.writeST(0, a.se, a.hi, a.lo);
    }
    x.pushValue(a.se, a.hi, a.lo);
  } else if (isInfinity80(a.se, a.hi, a.lo)) {
    x.pushValue(a.se, a.hi, a.lo);
    x.writeST(1, EXP_MAX, INTEGER_BIT, 0);
  } else {
    let exponent = (a.se & EXP_MAX) - EXP_BIAS;
    if ((a.se & EXP_MAX) === 0) {
      const shift = a.hi !== 0 ? Math.clz32(a.hi) : 32 + Math.clz32(a.lo);
      if (shift >= 32) {
        a.hi = (a.lo << (shift - 32)) >>> 0;
        a.lo = 0;
      } else if (shift > 0) {
        a.hi = ((a.hi << shift) | (a.lo >>> (32 - shift))) >>> 0;
        a.lo = (a.lo << shift) >>> 0;
      }
      exponent = 1 - EXP_BIAS - shift;
      ctx.flags |= FLAG_DENORMAL_INPUT;
    }
    fromInt64(exponent >> 31, exponent, ctx, b);
    x.writeST(0, b.se, b.hi, b.lo);
    x.pushValue((a.se & 0x8000) | EXP_BIAS, a.hi, a.lo);
  }
  x.mergeFlags();
}

/**
 * FSCALE: ST(0) = ST(0) * 2^trunc(ST(1)), rounded at full precision. NaNs propagate (ST(1)'s
 * first); an infinite ST(1) gives a signed zero or infinity, or the default NaN for 0 * inf and
 * inf * 0 forms.
 */
export function scale(x: X87): void {
  load(x, 0, a);
  load(x, 1, b);
  const ctx = x.ctx;
  if (invalidEncoding(b.se, b.hi) || invalidEncoding(a.se, a.hi)) {
    ctx.flags |= FLAG_INVALID;
    x.writeST(0, DEFAULT_NAN_SE, DEFAULT_NAN_HI, 0);
  } else if (isAnyNaN(b.se, b.hi, b.lo)) {
    if (isSignalingNaN(a.se, a.hi, a.lo) || isSignalingNaN(b.se, b.hi, b.lo)) ctx.flags |= FLAG_INVALID;
    if (isSignalingNaN(b.se, b.hi, b.lo)) b.hi = (b.hi | INTEGER_BIT | QUIET_BIT) >>> 0;
    x.writeST(0, b.se, b.hi, b.lo);
  } else if (isInfinity80(b.se, b.hi, b.lo) && !isAnyNaN(a.se, a.hi, a.lo)) {
    const sign = a.se & 0x8000;
    if ((b.se & 0x8000) !== 0) {
      if (isInfinity80(a.se, a.hi, a.lo)) {
        ctx.flags |= FLAG_INVALID;
        x.writeST(0, DEFAULT_NAN_SE, DEFAULT_NAN_HI, 0);
      } else x.writeST(0, sign, 0, 0);
    } else if (isZero80(a.se, a.hi, a.lo)) {
      ctx.flags |= FLAG_INVALID;
      x.writeST(0, DEFAULT_NAN_SE, DEFAULT_NAN_HI, 0);
    } else x.writeST(0, sign | EXP_MAX, INTEGER_BIT, 0);
  } else {
    // softfloat's int32 conversion saturates (the x86 indefinite is the store helpers' doing).
    const flags = ctx.flags;
    ctx.flags = 0;
    toInteger(b.se, b.hi, b.lo, 32, RC_ZERO, ctx, word);
    const n = (ctx.flags & FLAG_INVALID) !== 0 && (b.se & 0x8000) === 0 ? 0x7fffffff : word.lo | 0;
    ctx.flags = flags;
    const precision = ctx.precision;
    ctx.precision = PC_EXTENDED;
    scale80(a.se, a.hi, a.lo, n, ctx, b);
    ctx.precision = precision;
    x.writeST(0, b.se, b.hi, b.lo);
  }
  x.mergeFlags();
}

/**
 * FBLD: pushes the packed BCD integer of the 10 bytes lo (bytes 0-3), mid (4-7), top (8-9): 18
 * digits, sign in byte 9's bit 7. Digits are not checked (a nibble above 9 counts its value), and
 * the integer is rounded to the precision control, as QEMU converts it; no flags are raised.
 */
export function loadBcd(x: X87, lo: number, mid: number, top: number): void {
  let value = 0n;
  for (let i = 8; i >= 0; i--) {
    const byte = i < 4 ? (lo >>> (8 * i)) & 0xff : i < 8 ? (mid >>> (8 * (i - 4))) & 0xff : top & 0xff;
    value = value * 100n + BigInt((byte >> 4) * 10 + (byte & 0xf));
  }
  const ctx = x.ctx;
  const flags = ctx.flags;
  fromInt64(Number(value >> 32n), Number(value & 0xffffffffn), ctx, a);
  ctx.flags = flags;
  if ((top & 0x8000) !== 0) a.se ^= 0x8000;
  x.pushValue(a.se, a.hi, a.lo);
}

/** 10^18: FBSTP stores the BCD indefinite for integers this large. */
const BCD_LIMIT = 1_000_000_000_000_000_000n;

/**
 * FBST(P): ST(0) rounded to an integer in the control word's mode, as 10 bytes of packed BCD into
 * `out` (sign in byte 9's bit 7, from ST(0)'s sign even when it rounds to 0). Out of range (at
 * least 10^18 in magnitude, NaNs and infinities included) gives the BCD indefinite with invalid
 * alone. Returns the exception flags for the caller to raise once the bytes are stored (a faulting
 * store leaves none, as under QEMU); the caller pops.
 */
export function storeBcd(x: X87, out: Uint8Array): number {
  load(x, 0, a);
  const ctx = x.ctx;
  toInteger(a.se, a.hi, a.lo, 64, ctx.rounding, ctx, word);
  let value = BigInt.asIntN(64, (BigInt(word.hi >>> 0) << 32n) | BigInt(word.lo >>> 0));
  if (value >= BCD_LIMIT || value <= -BCD_LIMIT) {
    ctx.flags = FLAG_INVALID;
    out.fill(0);
    out[7] = 0xc0;
    out[8] = 0xff;
    out[9] = 0xff;
  } else {
    out[9] = (a.se & 0x8000) !== 0 ? 0x80 : 0;
    if (value < 0n) value = -value;
    for (let i = 0; i < 9; i++) {
      const pair = Number(value % 100n);
      value /= 100n;
      out[i] = ((Math.floor(pair / 10) << 4) | (pair % 10)) & 0xff;
    }
  }
  const flags = ctx.flags;
  ctx.flags = 0;
  return flags;
}

/**
 * ST(0) as a binary64 number, converted in the control word's rounding mode, as QEMU's
 * floatx80_to_double (its flags discarded); the raw bits are left in `word`.
 */
function topAsDouble(x: X87): number {
  load(x, 0, a);
  const ctx = x.ctx;
  const flags = ctx.flags;
  toFloat64(a.se, a.hi, a.lo, ctx, word);
  ctx.flags = flags;
  bits.setUint32(0, word.hi, false);
  bits.setUint32(4, word.lo, false);
  return bits.getFloat64(0, false);
}

/**
 * Writes the binary64 result `r` of libm function on argument `arg` (whose bits are in `word`) to
 * `out` as floatx80 at the precision control. A NaN result is the argument's NaN when the
 * argument was one (libm returns it quiet), else the x86 default NaN (sin of an infinity).
 */
function fromDouble(x: X87, arg: number, r: number, out: Float80): void {
  let hi: number;
  let lo: number;
  if (Number.isNaN(r)) {
    if (Number.isNaN(arg)) {
      hi = (word.hi | 0x00080000) >>> 0;
      lo = word.lo;
    } else {
      hi = 0xfff80000;
      lo = 0;
    }
  } else {
    bits.setFloat64(0, r, false);
    hi = bits.getUint32(0, false);
    lo = bits.getUint32(4, false);
  }
  const ctx = x.ctx;
  const flags = ctx.flags;
  fromFloat64(hi, lo, ctx, out);
  ctx.flags = flags;
}

/** Sets or clears C2. */
function setC2(x: X87, on: boolean): void {
  x.regs.fsw = on ? x.regs.fsw | FSW_C2 : x.regs.fsw & ~FSW_C2;
}

/** True (and C2 set) when the argument is beyond +-2^63 and the instruction does nothing. */
function outOfTrigRange(x: X87, v: number): boolean {
  if (v > MAX_TRIG_ARGUMENT || v < -MAX_TRIG_ARGUMENT) {
    setC2(x, true);
    return true;
  }
  setC2(x, false);
  return false;
}

/** FSIN (`cosine` false) or FCOS: ST(0) = sin or cos of ST(0), through binary64. */
export function sineOrCosine(x: X87, cosine: boolean): void {
  const v = topAsDouble(x);
  if (outOfTrigRange(x, v)) return;
  fromDouble(x, v, cosine ? cosRounded(v) : sinRounded(v), a);
  x.writeST(0, a.se, a.hi, a.lo);
}

/** FSINCOS: ST(0) = sin, then pushes cos, through binary64. */
export function sineCosine(x: X87): void {
  const v = topAsDouble(x);
  if (outOfTrigRange(x, v)) return;
  fromDouble(x, v, sinRounded(v), a);
  fromDouble(x, v, cosRounded(v), b);
  x.writeST(0, a.se, a.hi, a.lo);
  x.pushValue(b.se, b.hi, b.lo);
}

/** FPTAN: ST(0) = tan, then pushes 1.0, through binary64. */
export function partialTangent(x: X87): void {
  const v = topAsDouble(x);
  if (outOfTrigRange(x, v)) return;
  fromDouble(x, v, tanRounded(v), a);
  x.writeST(0, a.se, a.hi, a.lo);
  x.pushValue(EXP_BIAS, INTEGER_BIT, 0);
}
