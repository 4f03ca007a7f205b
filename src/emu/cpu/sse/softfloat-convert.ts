// SSE/SSE2 conversions between int32, float32 and float64 as QEMU 7.2's TCG computes them
// (CVTSI2SS/SD, CVTPI2PS/PD, CVTDQ2PS/PD, CVTSS2SD, CVTSD2SS, CVTPS2PD, CVTPD2PS, and the
// float-to-int32 forms CVT(T)SS2SI, CVT(T)SD2SI, CVT(T)PS2PI, CVT(T)PD2PI, CVT(T)PS2DQ, CVT(T)PD2DQ).
// Same API as softfloat.ts: float32 as raw bits, float64 as (lo, hi) in and f64Out out, flags ORed
// into st.mxcsr. An int32 comes in as any 32-bit number (its low 32 bits are read as signed) and
// goes out as an unsigned 32-bit number.

import { CLS_NORMAL, pa } from "../fpu/floatx80-parts.ts";
import {
  F32_EXP_MASK,
  F32_MAX,
  F32_MIN_NORMAL,
  F32_QUIET,
  F32_SIGN,
  F64_EXP_MASK_HI,
  F64_QUIET_HI,
  f32Bits,
  f32Value,
  f64Out,
  f64Value,
  isNaN64,
  MXCSR_DAZ,
  MXCSR_IE,
  MXCSR_PE,
  MXCSR_RC_MASK,
  MXCSR_RC_SHIFT,
  type MxcsrHolder,
  pack32,
  setF64Out,
  unpack64,
} from "./softfloat-core.ts";

/** The "integer indefinite" x86 returns for an invalid float-to-int32 conversion. */
export const INT32_INDEFINITE = 0x80000000;

/** Rounding modes for toInt32 (MXCSR.RC's encoding). */
const ROUND_NEAREST = 0;
const ROUND_DOWN = 1;
const ROUND_UP = 2;
const ROUND_ZERO = 3;
/** 2^52: adding it to a smaller non-negative double rounds it to an integer, ties to even. */
const TWO_POW_52 = 4503599627370496;
/** Magnitude bounds of int32-exact float32 values (|i| <= 2^24). */
const F32_EXACT_INT = 0x1000000;

/** The int32 `i` as float32 bits, rounded by MXCSR.RC (inexact above 2^24). */
export function i32ToF32(i: number, st: MxcsrHolder): number {
  const v = i | 0;
  if (v >= -F32_EXACT_INT && v <= F32_EXACT_INT) return f32Bits(v);
  const mag = Math.abs(v);
  const shift = Math.clz32(mag);
  pa.cls = CLS_NORMAL;
  pa.sign = v < 0 ? 1 : 0;
  pa.exp = 31 - shift;
  pa.w0 = (mag << shift) >>> 0;
  pa.w1 = 0;
  pa.w2 = 0;
  return pack32(pa, st);
}

/** The int32 `i` as a float64 in f64Out (always exact). */
export function i32ToF64(i: number): void {
  setF64Out(i | 0);
}

/** The float32 `a` widened into f64Out: exact; an SNaN raises IE and is quieted; DAZ applies. */
export function f32ToF64(a: number, st: MxcsrHolder): void {
  const e = a & F32_EXP_MASK;
  const frac = a & 0x7fffff;
  if (e === F32_EXP_MASK && frac !== 0) {
    if ((a & F32_QUIET) === 0) st.mxcsr |= MXCSR_IE;
    f64Out.lo = (frac << 29) >>> 0;
    f64Out.hi = ((a & F32_SIGN) | F64_EXP_MASK_HI | F64_QUIET_HI | (frac >>> 3)) >>> 0;
    return;
  }
  if (e === 0 && (st.mxcsr & MXCSR_DAZ) !== 0) {
    f64Out.lo = 0;
    f64Out.hi = (a & F32_SIGN) >>> 0;
    return;
  }
  setF64Out(f32Value(a));
}

/** The float64 hi:lo narrowed to float32 bits, rounded by MXCSR.RC (overflow, underflow, FTZ). */
export function f64ToF32(lo: number, hi: number, st: MxcsrHolder): number {
  if (isNaN64(lo, hi)) {
    if ((hi & F64_QUIET_HI) === 0) st.mxcsr |= MXCSR_IE;
    const frac = ((hi & 0xfffff) << 3) | (lo >>> 29);
    return ((hi & F32_SIGN) | F32_EXP_MASK | F32_QUIET | frac) >>> 0;
  }
  const m = st.mxcsr;
  if ((m & MXCSR_RC_MASK) === 0) {
    const v = f64Value(lo, hi);
    const r = Math.fround(v);
    const mag = Math.abs(r);
    if (mag > F32_MIN_NORMAL && mag <= F32_MAX) {
      if (r !== v) st.mxcsr = m | MXCSR_PE;
      return f32Bits(r);
    }
  }
  unpack64(pa, lo, hi, m & MXCSR_DAZ);
  return pack32(pa, st);
}

/** CVTSS2SI and its packed forms: float32 `a` to int32 rounded by MXCSR.RC. */
export function f32ToI32(a: number, st: MxcsrHolder): number {
  return f32ToInt(a, (st.mxcsr >>> MXCSR_RC_SHIFT) & 3, st);
}

/** CVTTSS2SI and its packed forms: float32 `a` to int32 truncated. */
export function f32ToI32Trunc(a: number, st: MxcsrHolder): number {
  return f32ToInt(a, ROUND_ZERO, st);
}

/** CVTSD2SI and its packed forms: float64 hi:lo to int32 rounded by MXCSR.RC. */
export function f64ToI32(lo: number, hi: number, st: MxcsrHolder): number {
  return f64ToInt(lo, hi, (st.mxcsr >>> MXCSR_RC_SHIFT) & 3, st);
}

/** CVTTSD2SI and its packed forms: float64 hi:lo to int32 truncated. */
export function f64ToI32Trunc(lo: number, hi: number, st: MxcsrHolder): number {
  return f64ToInt(lo, hi, ROUND_ZERO, st);
}

/** float32 to int32 in rounding `mode`: NaN and infinity give the indefinite integer and IE. */
function f32ToInt(a: number, mode: number, st: MxcsrHolder): number {
  const e = a & F32_EXP_MASK;
  if (e === F32_EXP_MASK) {
    st.mxcsr |= MXCSR_IE;
    return INT32_INDEFINITE;
  }
  if (e === 0 && (st.mxcsr & MXCSR_DAZ) !== 0) return 0;
  return toInt32(f32Value(a), mode, st);
}

/** float64 to int32 in rounding `mode`, as f32ToInt. */
function f64ToInt(lo: number, hi: number, mode: number, st: MxcsrHolder): number {
  const e = hi & F64_EXP_MASK_HI;
  if (e === F64_EXP_MASK_HI) {
    st.mxcsr |= MXCSR_IE;
    return INT32_INDEFINITE;
  }
  if (e === 0 && (st.mxcsr & MXCSR_DAZ) !== 0) return 0;
  return toInt32(f64Value(lo, hi), mode, st);
}

/**
 * The finite `v` rounded to an integer in `mode`, as an unsigned 32-bit int32: PE when that changed
 * it; IE and the indefinite integer (and no PE) when it does not fit, as QEMU reports it.
 */
function toInt32(v: number, mode: number, st: MxcsrHolder): number {
  let r: number;
  if (mode === ROUND_NEAREST) {
    const mag = Math.abs(v);
    const rounded = mag < TWO_POW_52 ? mag + TWO_POW_52 - TWO_POW_52 : mag;
    r = v < 0 ? -rounded : rounded;
  } else if (mode === ROUND_DOWN) r = Math.floor(v);
  else if (mode === ROUND_UP) r = Math.ceil(v);
  else r = Math.trunc(v);
  if (r >= -2147483648 && r <= 2147483647) {
    if (r !== v) st.mxcsr |= MXCSR_PE;
    return r >>> 0;
  }
  st.mxcsr |= MXCSR_IE;
  return INT32_INDEFINITE;
}
