// F2XM1, FYL2X, FYL2XP1 and FPATAN as QEMU 7.2's TCG computes them (target/i386/tcg/fpu_helper.c):
// argument reduction by a table, a polynomial evaluated in floatx80 at round-to-nearest and full
// precision, and the leading terms carried in 128-bit fixed point, rounded once at the end in the
// control word's rounding mode (always at 64-bit precision). The results are bit-identical to
// TCG's only if every intermediate step is: the 128-bit steps here mirror softfloat's
// (truncating multiplies that keep the top 128 bits, right shifts that jam the lost bits into bit
// 0, the estimateDiv128To64 quotient estimate), written with BigInt. These instructions are rare,
// so the allocation BigInt implies stays out of every hot path.

import { add80, compare80, div80, mul80 } from "./floatx80.ts";
import { fromInt64, toInteger, Word64 } from "./floatx80-convert.ts";
import {
  CLS_INF,
  CLS_NORMAL,
  DEFAULT_NAN_HI,
  DEFAULT_NAN_SE,
  EXP_BIAS,
  EXP_MAX,
  FLAG_DIVIDE_BY_ZERO,
  FLAG_INEXACT,
  FLAG_INVALID,
  Float80,
  INTEGER_BIT,
  PC_EXTENDED,
  pa,
  QUIET_BIT,
  RC_NEAREST,
  roundParts,
} from "./floatx80-parts.ts";
import { scale80 } from "./floatx80-remainder.ts";
import {
  F2XM1_COEFF0_LOW,
  F2XM1_COEFFS,
  F2XM1_TABLE,
  FPATAN_COEFFS,
  FPATAN_TABLE,
  FYL2X_COEFF0_LOW,
  FYL2X_COEFFS,
  LN2_SIG128,
  LOG2E_SIG128,
  PI,
  PI_2,
  PI_3_4,
  PI_4,
  type X80Constant,
} from "./transcendental-tables.ts";
import type { X87 } from "./x87.ts";
import { invalidEncoding, isAnyNaN, isInfinity80, isSignalingNaN } from "./x87-misc.ts";

const M32 = 0xffffffffn;
const M64 = (1n << 64n) - 1n;
const M128 = (1n << 128n) - 1n;
const TOP64 = 1n << 63n;

/** A floatx80 value as the algorithms take it apart: sign and biased exponent, 64-bit significand. */
interface Ext {
  se: number;
  sig: bigint;
}

const f0 = new Float80();
const f1 = new Float80();
const fo = new Float80();
const word = new Word64();

/** ST(i) as an Ext. */
function readExt(x: X87, i: number): Ext {
  x.read(i, f0);
  return { se: f0.se & 0xffff, sig: (BigInt(f0.hi >>> 0) << 32n) | BigInt(f0.lo >>> 0) };
}

/** A table constant as an Ext. */
function ext(c: X80Constant): Ext {
  return { se: c[0], sig: c[1] };
}

function expOf(v: Ext): number {
  return v.se & EXP_MAX;
}

function signOf(v: Ext): number {
  return (v.se >> 15) & 1;
}

function toFloat(v: Ext, out: Float80): void {
  out.se = v.se;
  out.hi = Number(v.sig >> 32n);
  out.lo = Number(v.sig & M32);
}

function fromFloat(f: Float80): Ext {
  return { se: f.se & 0xffff, sig: (BigInt(f.hi >>> 0) << 32n) | BigInt(f.lo >>> 0) };
}

/** a * b in the context as it is (floatx80_mul). */
function mul(x: X87, a: Ext, b: Ext): Ext {
  toFloat(a, f0);
  toFloat(b, f1);
  mul80(f0.se, f0.hi, f0.lo, f1.se, f1.hi, f1.lo, x.ctx, fo);
  return fromFloat(fo);
}

/** a + b, or a - b when `subtract` (floatx80_add / floatx80_sub). */
function add(x: X87, a: Ext, b: Ext, subtract = 0): Ext {
  toFloat(a, f0);
  toFloat(b, f1);
  add80(f0.se, f0.hi, f0.lo, f1.se, f1.hi, f1.lo, subtract, x.ctx, fo);
  return fromFloat(fo);
}

/** Writes ST(i). */
function writeExt(x: X87, i: number, v: Ext): void {
  x.writeST(i, v.se, Number(v.sig >> 32n), Number(v.sig & M32));
}

/** Normalizes a denormal's significand (softfloat's normalizeFloatx80Subnormal): [exp, sig]. */
function normalizeSubnormal(sig: bigint): [number, bigint] {
  const shift = 64 - sig.toString(2).length;
  return [1 - shift, (sig << BigInt(shift)) & M64];
}

/** softfloat's shift128RightJamming: v >> n with any bit shifted out ORed into bit 0. */
function jam(v: bigint, n: number): bigint {
  if (n <= 0) return v;
  if (n >= 128) return v !== 0n ? 1n : 0n;
  const lost = v & ((1n << BigInt(n)) - 1n);
  return (v >> BigInt(n)) | (lost !== 0n ? 1n : 0n);
}

/** softfloat's estimateDiv128To64: an estimate (q to q + 2) of a0:a1 / b, b >= 2^63. */
function estimateDiv(a0: bigint, a1: bigint, b: bigint): bigint {
  if (b <= a0) return M64;
  const b0 = b >> 32n;
  let z = b0 << 32n <= a0 ? 0xffffffff00000000n : (a0 / b0) << 32n;
  let rem = ((a0 << 64n) | a1) - b * z;
  while (rem < 0n) {
    z -= 1n << 32n;
    rem += b << 32n;
  }
  const r0 = (rem >> 32n) & M64;
  z |= b0 << 32n <= r0 ? M32 : r0 / b0;
  return z;
}

/**
 * a0:a1 / d0:d1 for the reductions (FPATAN, FYL2X): the first 64 quotient bits corrected to
 * exact, the next 64 only estimated, as QEMU computes them. `a` must be below d.
 */
function divide128(a: bigint, d: bigint): bigint {
  const d0 = d >> 64n;
  let q0 = estimateDiv(a >> 64n, a & M64, d0);
  let rem = (a << 64n) - d * q0;
  while (rem < 0n) {
    q0 -= 1n;
    rem += d;
  }
  rem &= (1n << 192n) - 1n;
  const q1 = estimateDiv((rem >> 64n) & M64, rem & M64, d0);
  return (q0 << 64n) | q1;
}

/**
 * softfloat's normalizeRoundAndPackFloatx80 at 64-bit precision in the context's rounding mode:
 * the value sig / 2^127 * 2^(exp - 16383), sig a non-zero 128-bit integer.
 */
function roundPack128(x: X87, sign: number, exp: number, sig: bigint): Ext {
  let s = sig & M128;
  if (s >> 64n === 0n) {
    s <<= 64n;
    exp -= 64;
  }
  const shift = 128 - s.toString(2).length;
  s <<= BigInt(shift);
  exp -= shift;
  const p = pa;
  p.cls = CLS_NORMAL;
  p.sign = sign;
  p.exp = exp - EXP_BIAS;
  p.w0 = Number(s >> 96n);
  p.w1 = Number((s >> 64n) & M32);
  p.w2 = Number((s >> 32n) & M32) | ((s & M32) !== 0n ? 1 : 0);
  const ctx = x.ctx;
  const precision = ctx.precision;
  ctx.precision = PC_EXTENDED;
  roundParts(p, 2, EXP_BIAS, EXP_MAX, ctx);
  ctx.precision = precision;
  if (p.cls === CLS_INF) return { se: (sign << 15) | EXP_MAX, sig: TOP64 };
  return { se: (sign << 15) | p.exp, sig: (BigInt(p.w0 >>> 0) << 32n) | BigInt(p.w1 >>> 0) };
}

const DEFAULT_NAN: Ext = { se: DEFAULT_NAN_SE, sig: BigInt(DEFAULT_NAN_HI) << 32n };
const ONE: Ext = { se: EXP_BIAS, sig: TOP64 };

function isZero(v: Ext): boolean {
  return expOf(v) === 0 && v.sig === 0n;
}

function isInf(v: Ext): boolean {
  return isInfinity80(v.se, Number(v.sig >> 32n), Number(v.sig & M32));
}

function isNaN80(v: Ext): boolean {
  return isAnyNaN(v.se, Number(v.sig >> 32n), Number(v.sig & M32));
}

function isSNaN(v: Ext): boolean {
  return isSignalingNaN(v.se, Number(v.sig >> 32n), Number(v.sig & M32));
}

function isInvalid(v: Ext): boolean {
  return invalidEncoding(v.se, Number(v.sig >> 32n));
}

function silence(v: Ext): Ext {
  return { se: v.se, sig: v.sig | (BigInt(INTEGER_BIT | QUIET_BIT) << 32n) };
}

function negate(v: Ext): Ext {
  return { se: v.se ^ 0x8000, sig: v.sig };
}

/** Runs `body` at round-to-nearest and 64-bit precision, restoring the control word's modes. */
function withNearestExtended<T>(x: X87, body: () => T): T {
  const ctx = x.ctx;
  const rounding = ctx.rounding;
  const precision = ctx.precision;
  ctx.rounding = RC_NEAREST;
  ctx.precision = PC_EXTENDED;
  try {
    return body();
  } finally {
    ctx.rounding = rounding;
    ctx.precision = precision;
  }
}

/** Evaluates the polynomial tail: ((c[n] * t + c[n-1]) * t + ... + c[1]) * t + low. */
function polynomial(x: X87, coeffs: readonly X80Constant[], t: Ext, low: X80Constant | null): Ext {
  let accum = mul(x, ext(coeffs[coeffs.length - 1]!), t);
  for (let k = coeffs.length - 2; k >= 1; k--) {
    accum = add(x, ext(coeffs[k]!), accum);
    accum = mul(x, accum, t);
  }
  if (low !== null) accum = add(x, ext(low), accum);
  return accum;
}

/** c0 + accum in 128-bit fixed point at c0's exponent (accum much smaller): the significand. */
function addLeading(c0: X80Constant, accum: Ext): bigint {
  const a = jam(accum.sig << 64n, c0[0] - expOf(accum));
  const b = c0[1] << 64n;
  return (((c0[0] >> 15) & 1) === signOf(accum) ? b + a : b - a) & M128;
}

/** F2XM1: ST(0) = 2^ST(0) - 1 for -1 <= ST(0) <= 1; invalid outside. */
export function twoToXMinusOne(x: X87): void {
  const v = readExt(x, 0);
  const exp = expOf(v);
  const sign = signOf(v);
  const ctx = x.ctx;
  let r: Ext | null = null;
  if (isInvalid(v)) {
    ctx.flags |= FLAG_INVALID;
    r = DEFAULT_NAN;
  } else if (isNaN80(v)) {
    if (isSNaN(v)) {
      ctx.flags |= FLAG_INVALID;
      r = silence(v);
    }
  } else if (exp > 0x3fff || (exp === 0x3fff && v.sig !== TOP64)) {
    ctx.flags |= FLAG_INVALID;
    r = DEFAULT_NAN;
  } else if (exp === 0x3fff) {
    if (sign) r = { se: 0xbffe, sig: TOP64 };
  } else if (exp < 0x3fb0) {
    if (!isZero(v)) {
      let [e, sig] = [exp, v.sig];
      if (e === 0) [e, sig] = normalizeSubnormal(sig);
      const product = ((LN2_SIG128 * sig) >> 64n) | 1n;
      r = roundPack128(x, sign, e, product);
    }
  } else {
    r = f2xm1Reduced(x, v);
  }
  if (r !== null) writeExt(x, 0, r);
  x.mergeFlags();
}

/** F2XM1 for 2^-80 <= |ST(0)| < 1: reduction to the nearest t = n/32 of the table. */
function f2xm1Reduced(x: X87, v: Ext): Ext {
  const ctx = x.ctx;
  const rounding = ctx.rounding;
  const precision = ctx.precision;
  ctx.rounding = RC_NEAREST;
  ctx.precision = PC_EXTENDED;
  toFloat(v, f0);
  scale80(f0.se, f0.hi, f0.lo, 5, ctx, fo);
  toInteger(fo.se, fo.hi, fo.lo, 32, RC_NEAREST, ctx, word);
  const n = 32 + (word.lo | 0);
  const [t, exp2, exp2m1] = F2XM1_TABLE[n]!;
  const y = add(x, v, ext(t), 1);
  let r: Ext;
  if (isZero(y)) {
    ctx.flags = FLAG_INEXACT;
    r = ext(t);
  } else {
    const accum = polynomial(x, F2XM1_COEFFS, y, F2XM1_COEFF0_LOW);
    let aexp = F2XM1_COEFFS[0]![0];
    let asign = 0;
    let a = addLeading(F2XM1_COEFFS[0]!, accum);
    a = (a * y.sig) >> 64n;
    aexp += expOf(y) - 0x3ffe;
    asign ^= signOf(y);
    if (n !== 32) {
      a = (a * exp2[1]) >> 64n;
      aexp += (exp2[0] & EXP_MAX) - 0x3ffe;
      const bexp = exp2m1[0] & EXP_MAX;
      let b = exp2m1[1] << 64n;
      if (bexp < aexp) b = jam(b, aexp - bexp);
      else if (aexp < bexp) {
        a = jam(a, bexp - aexp);
        aexp = bexp;
      }
      const bsign = (exp2m1[0] >> 15) & 1;
      if (asign === bsign) {
        a = jam(a, 1) + jam(b, 1);
        aexp++;
      } else {
        a = (b - a) & M128;
        asign = bsign;
      }
    }
    ctx.rounding = rounding;
    r = roundPack128(x, asign, aexp, a | 1n);
  }
  ctx.rounding = rounding;
  ctx.precision = precision;
  return r;
}

/**
 * log2(1 + arg) for 1 + arg in [sqrt(2)/2, sqrt(2)] (QEMU's helper_fyl2x_common), at
 * round-to-nearest and full precision: [exponent, 128-bit significand] (not normalized).
 */
function log2OnePlus(x: X87, arg: Ext): [number, bigint] {
  const aexp = expOf(arg);
  let dexp: number;
  let d: bigint;
  if (signOf(arg)) {
    dexp = 0x3fff;
    d = -jam(arg.sig << 64n, dexp - aexp) & M128;
  } else {
    dexp = 0x4000;
    d = jam(arg.sig << 64n, dexp - aexp) | (1n << 127n);
  }
  let texp = aexp - dexp + 0x3ffe;
  let num = arg.sig << 64n;
  if (d >> 64n <= arg.sig) {
    num >>= 1n;
    texp++;
  }
  const t = divide128(num, d);
  const t2 = roundPack128(x, 0, texp + texp - 0x3ffe, (t * t) >> 128n);
  const accum = polynomial(x, FYL2X_COEFFS, t2, FYL2X_COEFF0_LOW);
  const a = addLeading(FYL2X_COEFFS[0]!, accum);
  return [FYL2X_COEFFS[0]![0] + texp - 0x3ffe, (a * t) >> 128n];
}

/**
 * The NaN and invalid-encoding cases FYL2X, FYL2XP1 and FPATAN share: returns ST(1)'s result, or
 * undefined when the operands are numbers; `null` means ST(1) stays as it is.
 */
function nanResult(x: X87, a: Ext, b: Ext): Ext | null | undefined {
  const ctx = x.ctx;
  if (isSNaN(a)) {
    ctx.flags |= FLAG_INVALID;
    return silence(a);
  }
  if (isSNaN(b)) {
    ctx.flags |= FLAG_INVALID;
    return silence(b);
  }
  if (isInvalid(a) || isInvalid(b)) {
    ctx.flags |= FLAG_INVALID;
    return DEFAULT_NAN;
  }
  if (isNaN80(a)) return a;
  if (isNaN80(b)) return null;
  return undefined;
}

/** Writes ST(1) (unless null), pops, merges the flags. */
function finishBinary(x: X87, r: Ext | null): void {
  if (r !== null) writeExt(x, 1, r);
  x.pop();
  x.mergeFlags();
}

/** Compares a with b (signalling), returning CMP_* of floatx80.ts. */
function compare(x: X87, a: Ext, b: Ext): number {
  toFloat(a, f0);
  toFloat(b, f1);
  return compare80(f0.se, f0.hi, f0.lo, f1.se, f1.hi, f1.lo, false, x.ctx);
}

/** The integer n as a floatx80 (int32_to_floatx80 at the context's precision). */
function fromInt(x: X87, n: number): Ext {
  fromInt64(n >> 31, n, x.ctx, fo);
  return fromFloat(fo);
}

/** FYL2X: ST(1) = ST(1) * log2(ST(0)), popped. */
export function yLog2X(x: X87): void {
  const a = readExt(x, 0);
  const b = readExt(x, 1);
  const pre = nanResult(x, a, b);
  if (pre !== undefined) {
    finishBinary(x, pre);
    return;
  }
  const ctx = x.ctx;
  const bsign = signOf(b);
  let r: Ext | null = null;
  if (signOf(a) && !isZero(a)) {
    ctx.flags |= FLAG_INVALID;
    r = DEFAULT_NAN;
  } else if (isInf(b)) {
    const cmp = compare(x, a, ONE);
    if (cmp < 0) r = negate(b);
    else if (cmp === 0) {
      ctx.flags |= FLAG_INVALID;
      r = DEFAULT_NAN;
    }
  } else if (isInf(a)) {
    if (isZero(b)) {
      ctx.flags |= FLAG_INVALID;
      r = DEFAULT_NAN;
    } else r = bsign ? negate(a) : a;
  } else if (isZero(a)) {
    if (isZero(b)) {
      ctx.flags |= FLAG_INVALID;
      r = DEFAULT_NAN;
    } else {
      ctx.flags |= FLAG_DIVIDE_BY_ZERO;
      r = { se: bsign ? EXP_MAX : 0xffff, sig: TOP64 };
    }
  } else if (isZero(b)) {
    if (compare(x, a, ONE) < 0) r = negate(b);
  } else if (quietEqual(x, a, ONE)) {
    r = { se: bsign ? 0x8000 : 0, sig: 0n };
  } else {
    r = yLog2XGeneral(x, a, b);
  }
  finishBinary(x, r);
}

/** floatx80_eq (quiet) for numbers: equal. */
function quietEqual(x: X87, a: Ext, b: Ext): boolean {
  toFloat(a, f0);
  toFloat(b, f1);
  return compare80(f0.se, f0.hi, f0.lo, f1.se, f1.hi, f1.lo, true, x.ctx) === 0;
}

/** FYL2X for finite positive ST(0) other than 1 and finite non-zero ST(1). */
function yLog2XGeneral(x: X87, a: Ext, b: Ext): Ext {
  const ctx = x.ctx;
  const rounding = ctx.rounding;
  const precision = ctx.precision;
  ctx.rounding = RC_NEAREST;
  ctx.precision = PC_EXTENDED;
  let [aExp, aSig] = [expOf(a), a.sig];
  if (aExp === 0) [aExp, aSig] = normalizeSubnormal(aSig);
  let [bExp, bSig] = [expOf(b), b.sig];
  if (bExp === 0) [bExp, bSig] = normalizeSubnormal(bSig);
  let intExp = aExp - 0x3fff;
  if (aSig > 0xb504f333f9de6484n) intExp++;
  toFloat(a, f0);
  scale80(f0.se, f0.hi, f0.lo, -intExp, ctx, fo);
  const m1 = add(x, fromFloat(fo), ONE, 1);
  let r: Ext;
  if (isZero(m1)) {
    ctx.rounding = rounding;
    r = mul(x, fromInt(x, intExp), b);
  } else {
    let asign = signOf(m1);
    let [aexp, asig] = log2OnePlus(x, m1);
    if (intExp !== 0) {
      const isign = intExp < 0 ? 1 : 0;
      const magnitude = Math.abs(intExp);
      const shift = Math.clz32(magnitude) + 32;
      const isig = BigInt(magnitude) << BigInt(shift);
      const iexp = 0x403e - shift;
      asig = jam(asig, iexp - aexp);
      asig = (asign === isign ? (isig << 64n) + asig : (isig << 64n) - asig) & M128;
      aexp = iexp;
      asign = isign;
    }
    // QEMU normalizes a denormal ST(1) a second time here: one whose first normalization left the
    // exponent at 0 (the largest denormals) ends with exponent 1.
    if (bExp === 0) [bExp, bSig] = normalizeSubnormal(bSig);
    asig = ((asig * bSig) >> 64n) | 1n;
    aexp += bExp - 0x3ffe;
    ctx.rounding = rounding;
    r = roundPack128(x, asign ^ signOf(b), aexp, asig);
  }
  ctx.rounding = rounding;
  ctx.precision = precision;
  return r;
}

/** FYL2XP1: ST(1) = ST(1) * log2(ST(0) + 1), popped; |ST(0)| must be below 1 - sqrt(2)/2 or so. */
export function yLog2XPlusOne(x: X87): void {
  const a = readExt(x, 0);
  const b = readExt(x, 1);
  const pre = nanResult(x, a, b);
  if (pre !== undefined) {
    finishBinary(x, pre);
    return;
  }
  const ctx = x.ctx;
  const aExp0 = expOf(a);
  const asign = signOf(a);
  let r: Ext;
  if (aExp0 > 0x3ffd || (aExp0 === 0x3ffd && a.sig > (asign ? 0x95f619980c4336f7n : 0xd413cccfe7799211n))) {
    ctx.flags |= FLAG_INVALID;
    r = DEFAULT_NAN;
  } else if (isZero(a) || isZero(b) || expOf(b) === EXP_MAX) {
    r = mul(x, a, b);
  } else {
    let [aExp, aSig] = [aExp0, a.sig];
    let [bExp, bSig] = [expOf(b), b.sig];
    if (aExp < 0x3fb0) {
      if (aExp === 0) [aExp, aSig] = normalizeSubnormal(aSig);
      if (bExp === 0) [bExp, bSig] = normalizeSubnormal(bSig);
      let sig = (LOG2E_SIG128 * aSig) >> 64n;
      sig = ((sig * bSig) >> 64n) | 1n;
      r = roundPack128(x, asign ^ signOf(b), aExp + 1 + bExp - 0x3ffe, sig);
    } else {
      const [lexp, lsig] = withNearestExtended(x, () => log2OnePlus(x, a));
      if (bExp === 0) [bExp, bSig] = normalizeSubnormal(bSig);
      const sig = ((lsig * bSig) >> 64n) | 1n;
      r = roundPack128(x, asign ^ signOf(b), lexp + bExp - 0x3ffe, sig);
    }
  }
  finishBinary(x, r);
}

/** FPATAN: ST(1) = the angle of (ST(0), ST(1)), i.e. atan(ST(1) / ST(0)) in the right quadrant, popped. */
export function partialArctangent(x: X87): void {
  const a = readExt(x, 0);
  const b = readExt(x, 1);
  const pre = nanResult(x, a, b);
  if (pre !== undefined) {
    finishBinary(x, pre);
    return;
  }
  const asign = signOf(a);
  const aexp = expOf(a);
  const bexp = expOf(b);
  let r: Ext | null = null;
  if (isZero(b) && !asign) {
    r = null;
  } else if (((isInf(a) && !isInf(b)) || aexp - bexp >= 80) && !asign) {
    r = atanByDivision(x, a, b);
  } else {
    let rexp: number;
    let rsig: bigint;
    if (isZero(b)) [rexp, rsig] = PI;
    else if (isInf(b)) {
      if (isInf(a)) [rexp, rsig] = asign ? PI_3_4 : PI_4;
      else [rexp, rsig] = PI_2;
    } else if (isZero(a) || bexp - aexp >= 80) [rexp, rsig] = PI_2;
    else if (isInf(a) || aexp - bexp >= 80) [rexp, rsig] = PI;
    else [rexp, rsig] = withNearestExtended(x, () => atanGeneral(x, a, b));
    r = roundPack128(x, signOf(b), rexp, rsig | 1n);
  }
  finishBinary(x, r);
}

/** FPATAN when ST(1) / ST(0) alone is the answer (ST(0) positive and far larger). */
function atanByDivision(x: X87, a: Ext, b: Ext): Ext {
  const ctx = x.ctx;
  const precision = ctx.precision;
  ctx.precision = PC_EXTENDED;
  const flags = ctx.flags;
  ctx.flags = 0;
  toFloat(b, f0);
  toFloat(a, f1);
  divide80(f0, f1, ctx);
  ctx.precision = precision;
  const inexact = (ctx.flags & FLAG_INEXACT) !== 0;
  ctx.flags |= flags;
  let q = fromFloat(fo);
  if (!isZero(q) && !inexact) {
    let [e, sig] = [expOf(q), q.sig];
    if (e === 0) [e, sig] = normalizeSubnormal(sig);
    q = roundPack128(x, signOf(q), e, (((sig - 1n) & M64) << 64n) | M64);
  }
  return q;
}

/** fo = a / b in `ctx`. */
function divide80(a: Float80, b: Float80, ctx: X87["ctx"]): void {
  div80(a.se, a.hi, a.lo, b.se, b.hi, b.lo, ctx, fo);
}

/** FPATAN for finite non-zero operands with exponents less than 80 apart: [exponent, significand]. */
function atanGeneral(x: X87, arg0: Ext, arg1: Ext): [number, bigint] {
  let [e0, s0] = [expOf(arg0), arg0.sig];
  let [e1, s1] = [expOf(arg1), arg1.sig];
  if (e0 === 0) [e0, s0] = normalizeSubnormal(s0);
  if (e1 === 0) [e1, s1] = normalizeSubnormal(s1);
  const sign0 = signOf(arg0);
  let numExp: number;
  let numSig: bigint;
  let denExp: number;
  let denSig: bigint;
  let adjExp: number;
  let adjSig: bigint;
  let adjSub: boolean;
  if (e0 > e1 || (e0 === e1 && s0 >= s1)) {
    [numExp, numSig, denExp, denSig] = [e1, s1, e0, s0];
    if (sign0) [adjExp, adjSig, adjSub] = [PI[0], PI[1], true];
    else [adjExp, adjSig, adjSub] = [0, 0n, false];
  } else {
    [numExp, numSig, denExp, denSig] = [e0, s0, e1, s1];
    [adjExp, adjSig, adjSub] = [PI_2[0], PI_2[1], !sign0];
  }
  // x = num / den, 0 < x <= 1.
  let xexp = numExp - denExp + 0x3ffe;
  let rem = numSig << 64n;
  if (denSig <= numSig) {
    rem >>= 1n;
    xexp++;
  }
  let xsig0 = estimateDiv(rem >> 64n, rem & M64, denSig);
  let r = rem - denSig * xsig0;
  while (r < 0n) {
    xsig0--;
    r += denSig;
  }
  const xsig1 = estimateDiv(r & M64, 0n, denSig);
  const xsig = (xsig0 << 64n) | xsig1;
  // x = t + y with t = n/8 the nearest multiple of 1/8.
  const x8 = roundPack128(x, 0, xexp + 3, xsig);
  toFloat(x8, f0);
  toInteger(f0.se, f0.hi, f0.lo, 32, RC_NEAREST, x.ctx, word);
  const n = word.lo | 0;
  let ysign = 0;
  let yexp: number;
  let ysig: bigint;
  let texp = 0;
  let tsig = 0n;
  if (n === 0) {
    [yexp, ysig] = [xexp, xsig];
  } else {
    const shift = Math.clz32(n) + 32;
    texp = 0x403b - shift;
    tsig = BigInt(n) << BigInt(shift);
    if (texp === xexp) {
      let y = xsig - (tsig << 64n);
      if (y < 0n) {
        ysign = 1;
        y = -y;
      }
      if (y === 0n) [yexp, ysig] = [0, 0n];
      else {
        const sh = 128 - y.toString(2).length;
        [yexp, ysig] = [xexp - sh, y << BigInt(sh)];
      }
    } else {
      const u = jam(xsig, texp - xexp);
      const y = (tsig << 64n) - u;
      ysign = 1;
      const sh = 128 - y.toString(2).length;
      [yexp, ysig] = [texp - sh, y << BigInt(sh)];
    }
  }
  // z = y / (1 + t x), so atan(x) = atan(t) + atan(z).
  const zsign = ysign;
  let zexp: number;
  let zsig: bigint;
  if (texp === 0 || yexp === 0) [zexp, zsig] = [yexp, ysig];
  else {
    const dexp = texp + xexp - 0x3ffe;
    let d = (xsig * tsig) >> 64n;
    d = jam(d, 0x3fff - dexp) | (1n << 127n);
    zexp = yexp - 1;
    let num = ysig;
    if (d >> 64n <= ysig >> 64n) {
      num >>= 1n;
      zexp++;
    }
    zsig = divide128(num, d);
  }
  let azexp: number;
  let azsig: bigint;
  if (zexp === 0) [azexp, azsig] = [0, 0n];
  else {
    const z2 = roundPack128(x, 0, zexp + zexp - 0x3ffe, (zsig * zsig) >> 128n);
    const accum = polynomial(x, FPATAN_COEFFS, z2, null);
    const aexp = FPATAN_COEFFS[0]![0];
    const asig = ((FPATAN_COEFFS[0]![1] << 64n) - jam(accum.sig << 64n, aexp - expOf(accum))) & M128;
    azexp = aexp + zexp - 0x3ffe;
    azsig = (asig * zsig) >> 128n;
  }
  let axexp: number;
  let axsig: bigint;
  if (texp === 0) [axexp, axsig] = [azexp, azsig];
  else {
    const [high, low] = FPATAN_TABLE[n]!;
    axexp = high[0] & EXP_MAX;
    const lowSig = jam(low[1] << 64n, axexp - (low[0] & EXP_MAX));
    axsig = ((low[0] >> 15) & 1 ? (high[1] << 64n) - lowSig : (high[1] << 64n) + lowSig) & M128;
    if (azexp >= axexp) {
      axsig = jam(axsig, azexp - axexp + 1);
      axexp = azexp + 1;
      azsig = jam(azsig, 1);
    } else {
      axsig = jam(axsig, 1);
      azsig = jam(azsig, axexp - azexp + 1);
      axexp++;
    }
    axsig = (zsign ? axsig - azsig : axsig + azsig) & M128;
  }
  if (adjExp === 0) return [axexp, axsig];
  let rexp: number;
  if (adjExp >= axexp) {
    axsig = jam(axsig, adjExp - axexp + 1);
    rexp = adjExp + 1;
    adjSig = jam(adjSig, 1);
  } else {
    axsig = jam(axsig, 1);
    adjSig = jam(adjSig, axexp - adjExp + 1);
    rexp = axexp + 1;
  }
  return [rexp, (adjSub ? adjSig - axsig : adjSig + axsig) & M128];
}
