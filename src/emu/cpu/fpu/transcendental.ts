// F2XM1, FYL2X and FYL2XP1 as QEMU 7.2's TCG computes them (target/i386/tcg/fpu_helper.c):
// argument reduction by a table, a polynomial evaluated in floatx80 at round-to-nearest and full
// precision, and the leading terms carried in 128-bit fixed point (ext128.ts), rounded once at the
// end in the control word's rounding mode (always at 64-bit precision). The results are
// bit-identical to TCG's only if every intermediate step is, so each mirrors QEMU's, quirks
// included. FPATAN is in arctangent.ts.

import {
  add,
  addLeading,
  DEFAULT_NAN,
  divide128,
  type Ext,
  expOf,
  ext,
  f0,
  f1,
  finishBinary,
  fo,
  fromFloat,
  isInf,
  isInvalid,
  isNaN80,
  isSNaN,
  isZero,
  jam,
  M128,
  mul,
  nanResult,
  negate,
  normalizeSubnormal,
  ONE,
  polynomial,
  readExt,
  roundPack128,
  signOf,
  silence,
  TOP64,
  toFloat,
  withNearestExtended,
  writeExt,
} from "./ext128.ts";
import { compare80 } from "./floatx80.ts";
import { fromInt64, toInteger, Word64 } from "./floatx80-convert.ts";
import {
  EXP_MAX,
  FLAG_DIVIDE_BY_ZERO,
  FLAG_INEXACT,
  FLAG_INVALID,
  PC_EXTENDED,
  RC_NEAREST,
} from "./floatx80-parts.ts";
import { scale80 } from "./floatx80-remainder.ts";
import {
  F2XM1_COEFF0_LOW,
  F2XM1_COEFFS,
  F2XM1_TABLE,
  FYL2X_COEFF0_LOW,
  FYL2X_COEFFS,
  LN2_SIG128,
  LOG2E_SIG128,
} from "./transcendental-tables.ts";
import type { X87 } from "./x87.ts";

const word = new Word64();

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
