// The machinery under the SSE scalar float operations (softfloat.ts, softfloat-f64.ts,
// softfloat-convert.ts, softfloat-significand.ts): the MXCSR bits they read and set, the f64
// result slot, moving bits in and out of JS doubles for the fast paths, NaN propagation, and the
// packing of float32/float64 values to and from the unpacked Parts form shared with the x87
// (../fpu/floatx80-parts.ts).
//
// Representation (see softfloat.ts for the whole API):
// - a float32 is its raw bits as an unsigned 32-bit number, in and out;
// - a float64 comes in as two unsigned 32-bit halves (lo, hi) and goes out in `f64Out.lo/hi`;
// - the MXCSR lives in a caller's object with an `mxcsr` field (the CPU's FpuRegisters): its RC
//   (bits 13-14), DAZ (bit 6) and FTZ (bit 15) are read, and exception flags (bits 0-5) are ORed in.
// Nothing here allocates. The fast paths assume a little-endian host (x86, ARM).

import {
  CLS_INF,
  CLS_NORMAL,
  CLS_QNAN,
  CLS_SNAN,
  CLS_ZERO,
  FloatContext,
  type Parts,
  roundParts,
} from "../fpu/floatx80-parts.ts";

/** MXCSR exception flags (bits 0-5): invalid, denormal, divide-by-zero, overflow, underflow, precision. */
export const MXCSR_IE = 0x01;
export const MXCSR_DE = 0x02;
export const MXCSR_ZE = 0x04;
export const MXCSR_OE = 0x08;
export const MXCSR_UE = 0x10;
export const MXCSR_PE = 0x20;
/** MXCSR.DAZ: denormal operands are read as zeros of their sign. */
export const MXCSR_DAZ = 0x40;
/** MXCSR.RC (bits 13-14): 0 nearest-even, 1 down, 2 up, 3 toward zero (the x87's RC encoding). */
export const MXCSR_RC_SHIFT = 13;
export const MXCSR_RC_MASK = 0x6000;
/** MXCSR.FTZ: results below the normal range become zeros, raising underflow and precision. */
export const MXCSR_FTZ = 0x8000;

/** What every operation reads its controls from and ORs its exception flags into. */
export interface MxcsrHolder {
  mxcsr: number;
}

/** Where float64 results are left: the low and high 32 bits, unsigned. */
export class F64Result {
  lo = 0;
  hi = 0;
}
export const f64Out = new F64Result();

// Scratch views over one 8-byte buffer, to move bits in and out of JS doubles.
const scratch = new ArrayBuffer(8);
const sF64 = new Float64Array(scratch);
const sF32 = new Float32Array(scratch);
const sU32 = new Uint32Array(scratch);

/** The f32 whose bits are `a`, as a double (exact; not for NaNs, whose payload a host may change). */
export function f32Value(a: number): number {
  sU32[0] = a;
  return sF32[0]!;
}

/** The bits of the float32 nearest `v` (v must already be a float32 value). */
export function f32Bits(v: number): number {
  sF32[0] = v;
  return sU32[0]!;
}

/** The f64 whose bits are hi:lo, as a double (not for NaNs). */
export function f64Value(lo: number, hi: number): number {
  sU32[0] = lo;
  sU32[1] = hi;
  return sF64[0]!;
}

/** Leaves the bits of the double `v` in f64Out. */
export function setF64Out(v: number): void {
  sF64[0] = v;
  f64Out.lo = sU32[0]!;
  f64Out.hi = sU32[1]!;
}

/** Smallest normal and largest finite magnitudes, for the fast paths' range checks. */
export const F32_MIN_NORMAL = 1.1754943508222875e-38;
export const F32_MAX = 3.4028234663852886e38;
export const F64_MIN_NORMAL = 2.2250738585072014e-308;

export const F32_SIGN = 0x80000000;
export const F32_EXP_MASK = 0x7f800000;
export const F32_QUIET = 0x00400000;
export const F32_DEFAULT_NAN = 0xffc00000;
export const F64_EXP_MASK_HI = 0x7ff00000;
export const F64_QUIET_HI = 0x00080000;
export const F64_DEFAULT_NAN_HI = 0xfff80000;

/** True when `a` is a float32 NaN. */
export function isNaN32(a: number): boolean {
  return (a & 0x7fffffff) >>> 0 > F32_EXP_MASK;
}

/** True when hi:lo is a float64 NaN. */
export function isNaN64(lo: number, hi: number): boolean {
  const h = hi & 0x7fffffff;
  return h > F64_EXP_MASK_HI || (h === F64_EXP_MASK_HI && lo !== 0);
}

/**
 * The NaN result of a two-operand float32 operation with at least one NaN operand, by the rules
 * QEMU 7.2 applies to SSE (the x87's, not the SDM's "first operand" rule): an SNaN raises invalid;
 * a QNaN beats an SNaN; of two NaNs of one kind the larger fraction wins, then the positive one; a
 * NaN beats a number. The result is quieted.
 */
export function pickNaN32(a: number, b: number, st: MxcsrHolder): number {
  const aNaN = isNaN32(a);
  const bNaN = isNaN32(b);
  const aSignalling = aNaN && (a & F32_QUIET) === 0;
  const bSignalling = bNaN && (b & F32_QUIET) === 0;
  if (aSignalling || bSignalling) st.mxcsr |= MXCSR_IE;
  let takeB: boolean;
  if (!aNaN) takeB = true;
  else if (!bNaN) takeB = false;
  else if (aSignalling !== bSignalling) takeB = aSignalling;
  else {
    const fa = a & 0x7fffff;
    const fb = b & 0x7fffff;
    takeB = fa !== fb ? fb > fa : !(a >>> 31 === 0 && b >>> 31 === 1);
  }
  return ((takeB ? b : a) | F32_QUIET) >>> 0;
}

/** The NaN result of a two-operand float64 operation (pickNaN32's rules), left in f64Out. */
export function pickNaN64(aLo: number, aHi: number, bLo: number, bHi: number, st: MxcsrHolder): void {
  const aNaN = isNaN64(aLo, aHi);
  const bNaN = isNaN64(bLo, bHi);
  const aSignalling = aNaN && (aHi & F64_QUIET_HI) === 0;
  const bSignalling = bNaN && (bHi & F64_QUIET_HI) === 0;
  if (aSignalling || bSignalling) st.mxcsr |= MXCSR_IE;
  let takeB: boolean;
  if (!aNaN) takeB = true;
  else if (!bNaN) takeB = false;
  else if (aSignalling !== bSignalling) takeB = aSignalling;
  else {
    const fa = aHi & 0xfffff;
    const fb = bHi & 0xfffff;
    if (fa !== fb) takeB = fb > fa;
    else if (aLo !== bLo) takeB = bLo >>> 0 > aLo >>> 0;
    else takeB = !(aHi >>> 31 === 0 && bHi >>> 31 === 1);
  }
  f64Out.lo = (takeB ? bLo : aLo) >>> 0;
  f64Out.hi = ((takeB ? bHi : aHi) | F64_QUIET_HI) >>> 0;
}

/** Leaves the default NaN (negative, quiet, fraction 0) in f64Out and raises invalid. */
export function defaultNaN64(st: MxcsrHolder): void {
  st.mxcsr |= MXCSR_IE;
  f64Out.lo = 0;
  f64Out.hi = F64_DEFAULT_NAN_HI;
}

/**
 * Unpacks the float32 `a` into `p` (NaNs keep their raw fraction in w0). A denormal is normalized,
 * or read as a zero of its sign when `daz` is non-zero (QEMU raises no MXCSR flag for that).
 */
export function unpack32(p: Parts, a: number, daz: number): void {
  const e = (a >>> 23) & 0xff;
  const f = a & 0x7fffff;
  p.sign = a >>> 31;
  p.w1 = 0;
  p.w2 = 0;
  if (e === 0xff) {
    p.cls = f === 0 ? CLS_INF : (f & F32_QUIET) !== 0 ? CLS_QNAN : CLS_SNAN;
    p.w0 = f;
  } else if (e === 0) {
    p.w0 = 0;
    if (f === 0 || daz !== 0) p.cls = CLS_ZERO;
    else {
      const shift = Math.clz32(f);
      p.cls = CLS_NORMAL;
      p.w0 = (f << shift) >>> 0;
      p.exp = -118 - shift;
    }
  } else {
    p.cls = CLS_NORMAL;
    p.exp = e - 127;
    p.w0 = ((0x800000 | f) << 8) >>> 0;
  }
}

/** Unpacks the float64 hi:lo into `p` as unpack32 does. */
export function unpack64(p: Parts, lo: number, hi: number, daz: number): void {
  const e = (hi >>> 20) & 0x7ff;
  const fh = hi & 0xfffff;
  p.sign = hi >>> 31;
  p.w2 = 0;
  if (e === 0x7ff) {
    p.cls = (fh | lo) === 0 ? CLS_INF : (hi & F64_QUIET_HI) !== 0 ? CLS_QNAN : CLS_SNAN;
    p.w0 = fh;
    p.w1 = lo >>> 0;
  } else if (e === 0) {
    p.w0 = 0;
    p.w1 = 0;
    if ((fh | lo) === 0 || daz !== 0) p.cls = CLS_ZERO;
    else {
      p.cls = CLS_NORMAL;
      if (fh !== 0) {
        const shift = Math.clz32(fh);
        p.w0 = ((fh << shift) | (lo >>> (32 - shift))) >>> 0;
        p.w1 = (lo << shift) >>> 0;
        p.exp = -1011 - shift;
      } else {
        const shift = Math.clz32(lo);
        p.w0 = (lo << shift) >>> 0;
        p.exp = -1043 - shift;
      }
    }
  } else {
    p.cls = CLS_NORMAL;
    p.exp = e - 1023;
    p.w0 = (0x80000000 | (fh << 11) | (lo >>> 21)) >>> 0;
    p.w1 = (lo << 11) >>> 0;
  }
}

// Rounding control and flags for roundParts.
const ctx = new FloatContext();

/**
 * Rounds the normal `p` (integer bit at w0 bit 31) to precision index `k` in a format of bias
 * `bias` and all-ones exponent `expMax`, under the MXCSR's RC, as QEMU 7.2 does for SSE: tininess
 * after rounding; with FTZ, a result whose unrounded exponent is below the normal range becomes a
 * zero raising UE and PE (QEMU maps its output-denormal flag so). Leaves the biased exponent in
 * p.exp and the kept bits in w0:w1.
 */
function roundTo(p: Parts, k: number, bias: number, expMax: number, st: MxcsrHolder): void {
  const m = st.mxcsr;
  if (p.exp + bias <= 0 && (m & MXCSR_FTZ) !== 0) {
    st.mxcsr = m | MXCSR_UE | MXCSR_PE;
    p.cls = CLS_ZERO;
    p.exp = 0;
    p.w0 = 0;
    p.w1 = 0;
    return;
  }
  ctx.rounding = (m >>> MXCSR_RC_SHIFT) & 3;
  ctx.flags = 0;
  roundParts(p, k, bias, expMax, ctx);
  if (ctx.flags !== 0) st.mxcsr = m | ctx.flags;
}

/** Packs `p` (zero, infinity or normal, not NaN) as float32 bits, rounding a normal. */
export function pack32(p: Parts, st: MxcsrHolder): number {
  const sign = p.sign << 31;
  if (p.cls === CLS_ZERO) return sign >>> 0;
  if (p.cls === CLS_INF) return (sign | F32_EXP_MASK) >>> 0;
  roundTo(p, 0, 127, 255, st);
  return (sign | (p.exp << 23) | ((p.w0 >>> 8) & 0x7fffff)) >>> 0;
}

/** Packs `p` (zero, infinity or normal, not NaN) into f64Out, rounding a normal. */
export function pack64(p: Parts, st: MxcsrHolder): void {
  const sign = p.sign << 31;
  if (p.cls === CLS_ZERO) {
    f64Out.lo = 0;
    f64Out.hi = sign >>> 0;
    return;
  }
  if (p.cls === CLS_INF) {
    f64Out.lo = 0;
    f64Out.hi = (sign | F64_EXP_MASK_HI) >>> 0;
    return;
  }
  roundTo(p, 1, 1023, 2047, st);
  f64Out.lo = ((p.w0 << 21) | (p.w1 >>> 11)) >>> 0;
  f64Out.hi = (sign | (p.exp << 20) | ((p.w0 >>> 11) & 0xfffff)) >>> 0;
}
