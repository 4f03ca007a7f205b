// 128-bit fixed-point steps and floatx80 helpers for the transcendental instructions
// (transcendental.ts, arctangent.ts), mirroring softfloat's as QEMU 7.2 uses them: multiplies that
// keep the top 128 bits, right shifts that jam lost bits into bit 0, the estimateDiv128To64
// quotient estimate, and normalizeRoundAndPackFloatx80. Written with BigInt: these instructions
// are rare, so the allocation BigInt implies stays out of every hot path.

import { add80, mul80 } from "./floatx80.ts";
import {
  CLS_INF,
  CLS_NORMAL,
  DEFAULT_NAN_HI,
  DEFAULT_NAN_SE,
  EXP_BIAS,
  EXP_MAX,
  FLAG_INVALID,
  Float80,
  INTEGER_BIT,
  PC_EXTENDED,
  pa,
  QUIET_BIT,
  RC_NEAREST,
  roundParts,
} from "./floatx80-parts.ts";
import type { X80Constant } from "./transcendental-tables.ts";
import type { X87 } from "./x87.ts";
import { invalidEncoding, isAnyNaN, isInfinity80, isSignalingNaN } from "./x87-misc.ts";

export const M32 = 0xffffffffn;
export const M64 = (1n << 64n) - 1n;
export const M128 = (1n << 128n) - 1n;
export const TOP64 = 1n << 63n;

/** A floatx80 value as the algorithms take it apart: sign and biased exponent, 64-bit significand. */
export interface Ext {
  se: number;
  sig: bigint;
}

export const f0 = new Float80();
export const f1 = new Float80();
export const fo = new Float80();

/** ST(i) as an Ext. */
export function readExt(x: X87, i: number): Ext {
  x.read(i, f0);
  return { se: f0.se & 0xffff, sig: (BigInt(f0.hi >>> 0) << 32n) | BigInt(f0.lo >>> 0) };
}

/** A table constant as an Ext. */
export function ext(c: X80Constant): Ext {
  return { se: c[0], sig: c[1] };
}

export function expOf(v: Ext): number {
  return v.se & EXP_MAX;
}

export function signOf(v: Ext): number {
  return (v.se >> 15) & 1;
}

export function toFloat(v: Ext, out: Float80): void {
  out.se = v.se;
  out.hi = Number(v.sig >> 32n);
  out.lo = Number(v.sig & M32);
}

export function fromFloat(f: Float80): Ext {
  return { se: f.se & 0xffff, sig: (BigInt(f.hi >>> 0) << 32n) | BigInt(f.lo >>> 0) };
}

/** a * b in the context as it is (floatx80_mul). */
export function mul(x: X87, a: Ext, b: Ext): Ext {
  toFloat(a, f0);
  toFloat(b, f1);
  mul80(f0.se, f0.hi, f0.lo, f1.se, f1.hi, f1.lo, x.ctx, fo);
  return fromFloat(fo);
}

/** a + b, or a - b when `subtract` (floatx80_add / floatx80_sub). */
export function add(x: X87, a: Ext, b: Ext, subtract = 0): Ext {
  toFloat(a, f0);
  toFloat(b, f1);
  add80(f0.se, f0.hi, f0.lo, f1.se, f1.hi, f1.lo, subtract, x.ctx, fo);
  return fromFloat(fo);
}

/** Writes ST(i). */
export function writeExt(x: X87, i: number, v: Ext): void {
  x.writeST(i, v.se, Number(v.sig >> 32n), Number(v.sig & M32));
}

/** Normalizes a denormal's significand (softfloat's normalizeFloatx80Subnormal): [exp, sig]. */
export function normalizeSubnormal(sig: bigint): [number, bigint] {
  const shift = 64 - sig.toString(2).length;
  return [1 - shift, (sig << BigInt(shift)) & M64];
}

/** softfloat's shift128RightJamming: v >> n with any bit shifted out ORed into bit 0. */
export function jam(v: bigint, n: number): bigint {
  if (n <= 0) return v;
  if (n >= 128) return v !== 0n ? 1n : 0n;
  const lost = v & ((1n << BigInt(n)) - 1n);
  return (v >> BigInt(n)) | (lost !== 0n ? 1n : 0n);
}

/** softfloat's estimateDiv128To64: an estimate (q to q + 2) of a0:a1 / b, b >= 2^63. */
export function estimateDiv(a0: bigint, a1: bigint, b: bigint): bigint {
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
export function divide128(a: bigint, d: bigint): bigint {
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
export function roundPack128(x: X87, sign: number, exp: number, sig: bigint): Ext {
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

export const DEFAULT_NAN: Ext = { se: DEFAULT_NAN_SE, sig: BigInt(DEFAULT_NAN_HI) << 32n };
export const ONE: Ext = { se: EXP_BIAS, sig: TOP64 };

export function isZero(v: Ext): boolean {
  return expOf(v) === 0 && v.sig === 0n;
}

export function isInf(v: Ext): boolean {
  return isInfinity80(v.se, Number(v.sig >> 32n), Number(v.sig & M32));
}

export function isNaN80(v: Ext): boolean {
  return isAnyNaN(v.se, Number(v.sig >> 32n), Number(v.sig & M32));
}

export function isSNaN(v: Ext): boolean {
  return isSignalingNaN(v.se, Number(v.sig >> 32n), Number(v.sig & M32));
}

export function isInvalid(v: Ext): boolean {
  return invalidEncoding(v.se, Number(v.sig >> 32n));
}

export function silence(v: Ext): Ext {
  return { se: v.se, sig: v.sig | (BigInt(INTEGER_BIT | QUIET_BIT) << 32n) };
}

export function negate(v: Ext): Ext {
  return { se: v.se ^ 0x8000, sig: v.sig };
}

/** Runs `body` at round-to-nearest and 64-bit precision, restoring the control word's modes. */
export function withNearestExtended<T>(x: X87, body: () => T): T {
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
export function polynomial(x: X87, coeffs: readonly X80Constant[], t: Ext, low: X80Constant | null): Ext {
  let accum = mul(x, ext(coeffs[coeffs.length - 1]!), t);
  for (let k = coeffs.length - 2; k >= 1; k--) {
    accum = add(x, ext(coeffs[k]!), accum);
    accum = mul(x, accum, t);
  }
  if (low !== null) accum = add(x, ext(low), accum);
  return accum;
}

/** c0 + accum in 128-bit fixed point at c0's exponent (accum much smaller): the significand. */
export function addLeading(c0: X80Constant, accum: Ext): bigint {
  const a = jam(accum.sig << 64n, c0[0] - expOf(accum));
  const b = c0[1] << 64n;
  return (((c0[0] >> 15) & 1) === signOf(accum) ? b + a : b - a) & M128;
}

/**
 * The NaN and invalid-encoding cases FYL2X, FYL2XP1 and FPATAN share: returns ST(1)'s result, or
 * undefined when the operands are numbers; `null` means ST(1) stays as it is.
 */
export function nanResult(x: X87, a: Ext, b: Ext): Ext | null | undefined {
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
export function finishBinary(x: X87, r: Ext | null): void {
  if (r !== null) writeExt(x, 1, r);
  x.pop();
  x.mergeFlags();
}
