// Scalar IEEE float32 arithmetic for SSE, computed as QEMU 7.2's TCG computes it (its softfloat
// with the x86 settings): add, sub, mul, div, sqrt, min, max, the CMPPS/CMPSS predicates and
// COMISS/UCOMISS. The float64 forms are in softfloat-f64.ts, conversions in softfloat-convert.ts,
// the shared machinery in softfloat-core.ts.
//
// API (allocation-free and monomorphic):
// - float32 values are their raw bits as unsigned 32-bit numbers, in and out;
// - float64 values come in as (lo, hi) unsigned 32-bit halves and results are left in
//   `f64Out.lo` / `f64Out.hi` (softfloat-core.ts), read them before the next float64 call;
// - every operation takes `st`, an object with an `mxcsr` field (the CPU's FpuRegisters): it reads
//   RC (bits 13-14), DAZ (bit 6) and FTZ (bit 15) and ORs the exception flags IE, ZE, OE, UE, PE
//   into bits 0-5; it never clears a flag and never reads the mask bits (raising #XM is the
//   caller's business: compare the flags before and after against the masks).
//
// QEMU 7.2's behaviour, which differs from a real CPU in places, is the reference:
// - DE (bit 1) is never raised: QEMU only tracks flushed denormal inputs, which it does not map;
// - DAZ reads denormal operands as signed zeros; FTZ flushes every result whose unrounded exponent
//   is below the normal range (even one that would round up to the smallest normal) and raises
//   UE and PE for it;
// - tininess is detected after rounding; UE without FTZ needs the tiny result to be inexact;
// - NaN operands propagate by the x87 rule (softfloat-core.ts pickNaN32), not the SDM's "first
//   source operand" rule; invalid operations give the default NaN 0xFFC00000.
// Common cases (round to nearest, normal operands and result) are computed with JS doubles, whose
// correctly rounded results double-round innocuously to float32; everything else takes the exact
// path: operands unpacked to the Parts form shared with the x87 (../fpu/floatx80-parts.ts), the
// significands combined in softfloat-significand.ts, and the result rounded by softfloat-core.ts.

import {
  addMagnitudes,
  CLS_INF,
  CLS_NORMAL,
  CLS_ZERO,
  pa,
  pb,
  RC_DOWN,
  subtractMagnitudes,
} from "../fpu/floatx80-parts.ts";
import {
  F32_DEFAULT_NAN,
  F32_EXP_MASK,
  F32_MAX,
  F32_MIN_NORMAL,
  F32_QUIET,
  f32Bits,
  f32Value,
  isNaN32,
  MXCSR_DAZ,
  MXCSR_IE,
  MXCSR_PE,
  MXCSR_RC_MASK,
  MXCSR_RC_SHIFT,
  MXCSR_ZE,
  type MxcsrHolder,
  pack32,
  pickNaN32,
  unpack32,
} from "./softfloat-core.ts";
import { divideSignificands, multiplySignificands, sqrtSignificand } from "./softfloat-significand.ts";

/** Relations returned by compare32/compare64, as softfloat numbers them. */
export const REL_LESS = -1;
export const REL_EQUAL = 0;
export const REL_GREATER = 1;
export const REL_UNORDERED = 2;

/** CMPPS/CMPSS/CMPPD/CMPSD predicates (imm8 bits 0-2). */
export const CMP_EQ = 0;
export const CMP_LT = 1;
export const CMP_LE = 2;
export const CMP_UNORD = 3;
export const CMP_NEQ = 4;
export const CMP_NLT = 5;
export const CMP_NLE = 6;
export const CMP_ORD = 7;

/** EFLAGS bits COMIS/UCOMIS set (the others they clear: OF, SF, AF). */
export const EFLAGS_CF = 0x01;
export const EFLAGS_PF = 0x04;
export const EFLAGS_ZF = 0x40;

/** True when the biased exponent field of float32 `a` is that of a normal number. */
function isNormal32(a: number): boolean {
  return (((a >>> 23) & 0xff) - 1) >>> 0 < 254;
}

/** True when `r` (a float32 value) is a normal result no rounding step could have made tiny. */
function safeResult32(r: number): boolean {
  const m = Math.abs(r);
  return m > F32_MIN_NORMAL && m <= F32_MAX;
}

/** a + b (ADDSS/ADDPS, and HADDPS/ADDSUBPS lanes). */
export function add32(a: number, b: number, st: MxcsrHolder): number {
  return addSub32(a, b, 0, st);
}

/** a - b (SUBSS/SUBPS, and HSUBPS/ADDSUBPS lanes). */
export function sub32(a: number, b: number, st: MxcsrHolder): number {
  return addSub32(a, b, 1, st);
}

/** a + b, or a - b when `negB` is 1. */
function addSub32(a: number, b: number, negB: number, st: MxcsrHolder): number {
  const m = st.mxcsr;
  if ((m & MXCSR_RC_MASK) === 0 && isNormal32(a) && isNormal32(b)) {
    const fa = f32Value(a);
    const fb = f32Value(b);
    const s = negB === 0 ? fa + fb : fa - fb;
    const r = Math.fround(s);
    if (safeResult32(r)) {
      // Exponents more than 28 apart: the double sum may itself be rounded, and the result is
      // inexact anyway (the smaller operand's bits fall below the result's last place).
      const d = ((a >>> 23) & 0xff) - ((b >>> 23) & 0xff);
      if (r !== s || d > 28 || d < -28) st.mxcsr = m | MXCSR_PE;
      return f32Bits(r);
    }
  }
  if (isNaN32(a) || isNaN32(b)) return pickNaN32(a, b, st);
  const daz = m & MXCSR_DAZ;
  unpack32(pa, a, daz);
  unpack32(pb, b, daz);
  const x = pa;
  const y = pb;
  y.sign ^= negB;
  if (x.sign === y.sign) {
    if (x.cls === CLS_NORMAL && y.cls === CLS_NORMAL) {
      addMagnitudes(x, y);
      return pack32(x, st);
    }
    if (x.cls === CLS_INF || y.cls === CLS_INF) return pack32(x.cls === CLS_INF ? x : y, st);
  } else {
    if (x.cls === CLS_NORMAL && y.cls === CLS_NORMAL) {
      if (subtractMagnitudes(x, y)) return pack32(x, st);
      return zeroOfDifference32(m);
    }
    if (x.cls === CLS_ZERO && y.cls === CLS_ZERO) return zeroOfDifference32(m);
    if (x.cls === CLS_INF && y.cls === CLS_INF) {
      st.mxcsr |= MXCSR_IE;
      return F32_DEFAULT_NAN;
    }
    if (x.cls === CLS_INF) return pack32(x, st);
    if (y.cls === CLS_INF) return pack32(y, st);
  }
  // One operand is zero (both zero of one sign lands here too, giving x).
  return pack32(y.cls === CLS_ZERO ? x : y, st);
}

/** The exact zero x - x gives: -0 when rounding down, +0 otherwise. */
function zeroOfDifference32(mxcsr: number): number {
  return ((mxcsr >>> MXCSR_RC_SHIFT) & 3) === RC_DOWN ? 0x80000000 : 0;
}

/** a * b (MULSS/MULPS). */
export function mul32(a: number, b: number, st: MxcsrHolder): number {
  const m = st.mxcsr;
  if ((m & MXCSR_RC_MASK) === 0 && isNormal32(a) && isNormal32(b)) {
    const p = f32Value(a) * f32Value(b); // exact: 48 significant bits
    const r = Math.fround(p);
    if (safeResult32(r)) {
      if (r !== p) st.mxcsr = m | MXCSR_PE;
      return f32Bits(r);
    }
  }
  if (isNaN32(a) || isNaN32(b)) return pickNaN32(a, b, st);
  const daz = m & MXCSR_DAZ;
  unpack32(pa, a, daz);
  unpack32(pb, b, daz);
  const sign = pa.sign ^ pb.sign;
  if (pa.cls === CLS_NORMAL && pb.cls === CLS_NORMAL) {
    pa.sign = sign;
    multiplySignificands(pa, pb);
    return pack32(pa, st);
  }
  if ((pa.cls === CLS_INF && pb.cls === CLS_ZERO) || (pa.cls === CLS_ZERO && pb.cls === CLS_INF)) {
    st.mxcsr |= MXCSR_IE;
    return F32_DEFAULT_NAN;
  }
  pa.sign = sign;
  pa.cls = pa.cls === CLS_INF || pb.cls === CLS_INF ? CLS_INF : CLS_ZERO;
  return pack32(pa, st);
}

/** a / b (DIVSS/DIVPS); a finite non-zero a over zero raises ZE. */
export function div32(a: number, b: number, st: MxcsrHolder): number {
  const m = st.mxcsr;
  if ((m & MXCSR_RC_MASK) === 0 && isNormal32(a) && isNormal32(b)) {
    const fa = f32Value(a);
    const fb = f32Value(b);
    const r = Math.fround(fa / fb);
    if (safeResult32(r)) {
      if (r * fb !== fa) st.mxcsr = m | MXCSR_PE; // r * fb is exact: 48 bits
      return f32Bits(r);
    }
  }
  if (isNaN32(a) || isNaN32(b)) return pickNaN32(a, b, st);
  const daz = m & MXCSR_DAZ;
  unpack32(pa, a, daz);
  unpack32(pb, b, daz);
  const sign = pa.sign ^ pb.sign;
  if (pa.cls === CLS_NORMAL && pb.cls === CLS_NORMAL) {
    divideSignificands(pa, pb);
    pa.sign = sign;
    return pack32(pa, st);
  }
  if (pa.cls === pb.cls) {
    // 0/0 or inf/inf.
    st.mxcsr |= MXCSR_IE;
    return F32_DEFAULT_NAN;
  }
  pa.sign = sign;
  if (pa.cls === CLS_NORMAL) {
    if (pb.cls === CLS_INF) pa.cls = CLS_ZERO;
    else {
      st.mxcsr |= MXCSR_ZE;
      pa.cls = CLS_INF;
    }
  }
  return pack32(pa, st);
}

/** The square root of a (SQRTSS/SQRTPS); a negative non-zero a is invalid; -0 gives -0. */
export function sqrt32(a: number, st: MxcsrHolder): number {
  const m = st.mxcsr;
  if ((m & MXCSR_RC_MASK) === 0 && a >>> 31 === 0 && isNormal32(a)) {
    const fa = f32Value(a);
    const r = Math.fround(Math.sqrt(fa));
    if (r * r !== fa) st.mxcsr = m | MXCSR_PE; // r * r is exact: 48 bits
    return f32Bits(r);
  }
  if (isNaN32(a)) {
    if ((a & F32_QUIET) === 0) st.mxcsr |= MXCSR_IE;
    return (a | F32_QUIET) >>> 0;
  }
  unpack32(pa, a, m & MXCSR_DAZ);
  if (pa.cls === CLS_ZERO) return pack32(pa, st);
  if (pa.sign !== 0) {
    st.mxcsr |= MXCSR_IE;
    return F32_DEFAULT_NAN;
  }
  if (pa.cls === CLS_INF) return F32_EXP_MASK;
  sqrtSignificand(pa);
  return pack32(pa, st);
}

/**
 * RCPSS/RCPPS as QEMU 7.2 computes them: the correctly rounded 1/a (not the CPU's 12-bit
 * approximation), raising no flag at all.
 */
export function rcp32(a: number, st: MxcsrHolder): number {
  const saved = st.mxcsr;
  const r = div32(0x3f800000, a, st);
  st.mxcsr = saved;
  return r;
}

/** RSQRTSS/RSQRTPS as QEMU 7.2 computes them: 1 / sqrt(a), each step rounded, raising no flag. */
export function rsqrt32(a: number, st: MxcsrHolder): number {
  const saved = st.mxcsr;
  const r = div32(0x3f800000, sqrt32(a, st), st);
  st.mxcsr = saved;
  return r;
}

/**
 * Orders a and b: REL_LESS, REL_EQUAL, REL_GREATER or REL_UNORDERED. Denormals are zeros under
 * DAZ; -0 equals +0. A NaN raises IE when it is signalling or `signalling` is true.
 */
export function compare32(a: number, b: number, signalling: boolean, st: MxcsrHolder): number {
  if (isNaN32(a) || isNaN32(b)) {
    if (signalling || (isNaN32(a) && (a & F32_QUIET) === 0) || (isNaN32(b) && (b & F32_QUIET) === 0))
      st.mxcsr |= MXCSR_IE;
    return REL_UNORDERED;
  }
  let ma = a & 0x7fffffff;
  let mb = b & 0x7fffffff;
  if ((st.mxcsr & MXCSR_DAZ) !== 0) {
    if (ma < 0x800000) ma = 0;
    if (mb < 0x800000) mb = 0;
  }
  if (ma === 0 && mb === 0) return REL_EQUAL;
  const sa = a >>> 31;
  const sb = b >>> 31;
  if (sa !== sb) return sa === 1 ? REL_LESS : REL_GREATER;
  if (ma === mb) return REL_EQUAL;
  return ma < mb !== (sa === 1) ? REL_LESS : REL_GREATER;
}

/**
 * MINSS/MINPS: a when a < b, else b (so b when either is a NaN, and for two zeros), operands
 * returned unchanged; any NaN raises IE (QEMU's float32_lt).
 */
export function min32(a: number, b: number, st: MxcsrHolder): number {
  return compare32(a, b, true, st) === REL_LESS ? a >>> 0 : b >>> 0;
}

/** MAXSS/MAXPS: a when a > b, else b (the same NaN and zero rules as min32). */
export function max32(a: number, b: number, st: MxcsrHolder): number {
  return compare32(b, a, true, st) === REL_LESS ? a >>> 0 : b >>> 0;
}

/**
 * Whether `relation` satisfies CMPPS predicate `predicate` (0-7), and whether that predicate is a
 * signalling one (LT, LE, NLT, NLE raise IE for any NaN; the others only for SNaNs).
 */
export function predicateHolds(relation: number, predicate: number): boolean {
  switch (predicate & 7) {
    case CMP_EQ:
      return relation === REL_EQUAL;
    case CMP_LT:
      return relation === REL_LESS;
    case CMP_LE:
      return relation === REL_LESS || relation === REL_EQUAL;
    case CMP_UNORD:
      return relation === REL_UNORDERED;
    case CMP_NEQ:
      return relation !== REL_EQUAL;
    case CMP_NLT:
      return relation !== REL_LESS;
    case CMP_NLE:
      return relation !== REL_LESS && relation !== REL_EQUAL;
    default:
      return relation !== REL_UNORDERED;
  }
}

/** True for the predicates that raise IE on a quiet NaN (LT, LE, NLT, NLE). */
export function predicateSignals(predicate: number): boolean {
  const p = predicate & 3;
  return p === 1 || p === 2;
}

/** CMPSS/CMPPS: whether `a predicate b` holds (the caller writes all-ones or zeros). */
export function cmp32(a: number, b: number, predicate: number, st: MxcsrHolder): boolean {
  return predicateHolds(compare32(a, b, predicateSignals(predicate), st), predicate);
}

/** The EFLAGS ZF/PF/CF bits COMIS/UCOMIS set for `relation` (unordered sets all three). */
export function comiFlags(relation: number): number {
  if (relation === REL_LESS) return EFLAGS_CF;
  if (relation === REL_EQUAL) return EFLAGS_ZF;
  if (relation === REL_GREATER) return 0;
  return EFLAGS_ZF | EFLAGS_PF | EFLAGS_CF;
}

/** COMISS (`signalling`: any NaN raises IE) / UCOMISS (only SNaNs): the EFLAGS ZF/PF/CF bits. */
export function comi32(a: number, b: number, signalling: boolean, st: MxcsrHolder): number {
  return comiFlags(compare32(a, b, signalling, st));
}
