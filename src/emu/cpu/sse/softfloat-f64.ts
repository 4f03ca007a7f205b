// Scalar IEEE float64 arithmetic for SSE2, as QEMU 7.2's TCG computes it: the float64 forms of
// softfloat.ts (see there for the API and QEMU's rules). Operands are (lo, hi) unsigned 32-bit
// halves; results are left in f64Out (softfloat-core.ts), comparisons return numbers.
// The fast paths use JS doubles directly (round to nearest, normal operands and result) and detect
// inexactness exactly with error-free transformations (Knuth's TwoSum, Dekker's TwoProduct).

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
  comiFlags,
  predicateHolds,
  predicateSignals,
  REL_EQUAL,
  REL_GREATER,
  REL_LESS,
  REL_UNORDERED,
} from "./softfloat.ts";
import {
  defaultNaN64,
  F64_EXP_MASK_HI,
  F64_MIN_NORMAL,
  F64_QUIET_HI,
  f64Out,
  f64Value,
  isNaN64,
  MXCSR_DAZ,
  MXCSR_IE,
  MXCSR_PE,
  MXCSR_RC_MASK,
  MXCSR_RC_SHIFT,
  MXCSR_ZE,
  type MxcsrHolder,
  pack64,
  pickNaN64,
  setF64Out,
  unpack64,
} from "./softfloat-core.ts";
import {
  divideSignificands,
  multiplySignificands,
  productError,
  sqrtSignificand,
} from "./softfloat-significand.ts";

/** Biased exponents bounding the fast paths of mul, div and sqrt: |x| in [2^-480, 2^481). */
const EXP_FAST_LOW = 1023 - 480;
const EXP_FAST_SPAN = 961;
/** |x| below this has no overflow in TwoSum's intermediates: 2^1023. */
const TWO_SUM_LIMIT = 8.98846567431158e307;

/** True when the float64 with high half `hi` is normal and within the TwoSum range. */
function addFast(hi: number): boolean {
  return (((hi >>> 20) & 0x7ff) - 1) >>> 0 < 2045;
}

/** True when the float64 with high half `hi` is within the mul/div/sqrt fast range. */
function productFast(hi: number): boolean {
  return (((hi >>> 20) & 0x7ff) - EXP_FAST_LOW) >>> 0 < EXP_FAST_SPAN;
}

/** a + b (ADDSD/ADDPD, and HADDPD/ADDSUBPD lanes), left in f64Out. */
export function add64(aLo: number, aHi: number, bLo: number, bHi: number, st: MxcsrHolder): void {
  addSub64(aLo, aHi, bLo, bHi, 0, st);
}

/** a - b (SUBSD/SUBPD, and HSUBPD/ADDSUBPD lanes), left in f64Out. */
export function sub64(aLo: number, aHi: number, bLo: number, bHi: number, st: MxcsrHolder): void {
  addSub64(aLo, aHi, bLo, bHi, 1, st);
}

/** a + b, or a - b when `negB` is 1, left in f64Out. */
function addSub64(aLo: number, aHi: number, bLo: number, bHi: number, negB: number, st: MxcsrHolder): void {
  const m = st.mxcsr;
  if ((m & MXCSR_RC_MASK) === 0 && addFast(aHi) && addFast(bHi)) {
    const x = f64Value(aLo, aHi);
    const y = negB === 0 ? f64Value(bLo, bHi) : -f64Value(bLo, bHi);
    const s = x + y;
    const mag = Math.abs(s);
    if (mag > F64_MIN_NORMAL && mag < TWO_SUM_LIMIT) {
      const yv = s - x;
      if (x - (s - yv) + (y - yv) !== 0) st.mxcsr = m | MXCSR_PE;
      setF64Out(s);
      return;
    }
  }
  if (isNaN64(aLo, aHi) || isNaN64(bLo, bHi)) {
    pickNaN64(aLo, aHi, bLo, bHi, st);
    return;
  }
  const daz = m & MXCSR_DAZ;
  unpack64(pa, aLo, aHi, daz);
  unpack64(pb, bLo, bHi, daz);
  const x = pa;
  const y = pb;
  y.sign ^= negB;
  if (x.sign === y.sign) {
    if (x.cls === CLS_NORMAL && y.cls === CLS_NORMAL) {
      addMagnitudes(x, y);
      pack64(x, st);
      return;
    }
    if (x.cls === CLS_INF || y.cls === CLS_INF) {
      pack64(x.cls === CLS_INF ? x : y, st);
      return;
    }
  } else {
    if (x.cls === CLS_NORMAL && y.cls === CLS_NORMAL) {
      if (subtractMagnitudes(x, y)) pack64(x, st);
      else zeroOfDifference64(m);
      return;
    }
    if (x.cls === CLS_ZERO && y.cls === CLS_ZERO) {
      zeroOfDifference64(m);
      return;
    }
    if (x.cls === CLS_INF && y.cls === CLS_INF) {
      defaultNaN64(st);
      return;
    }
    if (x.cls === CLS_INF || y.cls === CLS_INF) {
      pack64(x.cls === CLS_INF ? x : y, st);
      return;
    }
  }
  // One operand is zero (both zero of one sign lands here too, giving x).
  pack64(y.cls === CLS_ZERO ? x : y, st);
}

/** Leaves in f64Out the exact zero x - x gives: -0 when rounding down, +0 otherwise. */
function zeroOfDifference64(mxcsr: number): void {
  f64Out.lo = 0;
  f64Out.hi = ((mxcsr >>> MXCSR_RC_SHIFT) & 3) === RC_DOWN ? 0x80000000 : 0;
}

/** a * b (MULSD/MULPD), left in f64Out. */
export function mul64(aLo: number, aHi: number, bLo: number, bHi: number, st: MxcsrHolder): void {
  const m = st.mxcsr;
  if ((m & MXCSR_RC_MASK) === 0 && productFast(aHi) && productFast(bHi)) {
    const x = f64Value(aLo, aHi);
    const y = f64Value(bLo, bHi);
    const p = x * y;
    if (productError(x, y, p) !== 0) st.mxcsr = m | MXCSR_PE;
    setF64Out(p);
    return;
  }
  if (isNaN64(aLo, aHi) || isNaN64(bLo, bHi)) {
    pickNaN64(aLo, aHi, bLo, bHi, st);
    return;
  }
  const daz = m & MXCSR_DAZ;
  unpack64(pa, aLo, aHi, daz);
  unpack64(pb, bLo, bHi, daz);
  const sign = pa.sign ^ pb.sign;
  if (pa.cls === CLS_NORMAL && pb.cls === CLS_NORMAL) {
    pa.sign = sign;
    multiplySignificands(pa, pb);
    pack64(pa, st);
    return;
  }
  if ((pa.cls === CLS_INF && pb.cls === CLS_ZERO) || (pa.cls === CLS_ZERO && pb.cls === CLS_INF)) {
    defaultNaN64(st);
    return;
  }
  pa.sign = sign;
  pa.cls = pa.cls === CLS_INF || pb.cls === CLS_INF ? CLS_INF : CLS_ZERO;
  pack64(pa, st);
}

/** a / b (DIVSD/DIVPD), left in f64Out; a finite non-zero a over zero raises ZE. */
export function div64(aLo: number, aHi: number, bLo: number, bHi: number, st: MxcsrHolder): void {
  const m = st.mxcsr;
  if ((m & MXCSR_RC_MASK) === 0 && productFast(aHi) && productFast(bHi)) {
    const x = f64Value(aLo, aHi);
    const y = f64Value(bLo, bHi);
    const q = x / y;
    const p = q * y;
    if (p !== x || productError(q, y, p) !== 0) st.mxcsr = m | MXCSR_PE;
    setF64Out(q);
    return;
  }
  if (isNaN64(aLo, aHi) || isNaN64(bLo, bHi)) {
    pickNaN64(aLo, aHi, bLo, bHi, st);
    return;
  }
  const daz = m & MXCSR_DAZ;
  unpack64(pa, aLo, aHi, daz);
  unpack64(pb, bLo, bHi, daz);
  const sign = pa.sign ^ pb.sign;
  if (pa.cls === CLS_NORMAL && pb.cls === CLS_NORMAL) {
    divideSignificands(pa, pb);
    pa.sign = sign;
    pack64(pa, st);
    return;
  }
  if (pa.cls === pb.cls) {
    // 0/0 or inf/inf.
    defaultNaN64(st);
    return;
  }
  pa.sign = sign;
  if (pa.cls === CLS_NORMAL) {
    if (pb.cls === CLS_INF) pa.cls = CLS_ZERO;
    else {
      st.mxcsr |= MXCSR_ZE;
      pa.cls = CLS_INF;
    }
  }
  pack64(pa, st);
}

/** The square root of a (SQRTSD/SQRTPD), left in f64Out; negative non-zero a is invalid. */
export function sqrt64(aLo: number, aHi: number, st: MxcsrHolder): void {
  const m = st.mxcsr;
  if ((m & MXCSR_RC_MASK) === 0 && aHi >>> 31 === 0 && productFast(aHi)) {
    const x = f64Value(aLo, aHi);
    const r = Math.sqrt(x);
    const p = r * r;
    if (p !== x || productError(r, r, p) !== 0) st.mxcsr = m | MXCSR_PE;
    setF64Out(r);
    return;
  }
  if (isNaN64(aLo, aHi)) {
    if ((aHi & F64_QUIET_HI) === 0) st.mxcsr |= MXCSR_IE;
    f64Out.lo = aLo >>> 0;
    f64Out.hi = (aHi | F64_QUIET_HI) >>> 0;
    return;
  }
  unpack64(pa, aLo, aHi, m & MXCSR_DAZ);
  if (pa.cls === CLS_ZERO) {
    pack64(pa, st);
    return;
  }
  if (pa.sign !== 0) {
    defaultNaN64(st);
    return;
  }
  if (pa.cls === CLS_INF) {
    f64Out.lo = 0;
    f64Out.hi = F64_EXP_MASK_HI;
    return;
  }
  sqrtSignificand(pa);
  pack64(pa, st);
}

/**
 * Orders a and b as compare32 does: REL_LESS, REL_EQUAL, REL_GREATER or REL_UNORDERED; a NaN
 * raises IE when it is signalling or `signalling` is true.
 */
export function compare64(
  aLo: number,
  aHi: number,
  bLo: number,
  bHi: number,
  signalling: boolean,
  st: MxcsrHolder,
): number {
  const aNaN = isNaN64(aLo, aHi);
  const bNaN = isNaN64(bLo, bHi);
  if (aNaN || bNaN) {
    if (signalling || (aNaN && (aHi & F64_QUIET_HI) === 0) || (bNaN && (bHi & F64_QUIET_HI) === 0))
      st.mxcsr |= MXCSR_IE;
    return REL_UNORDERED;
  }
  let ha = aHi & 0x7fffffff;
  let la = aLo >>> 0;
  let hb = bHi & 0x7fffffff;
  let lb = bLo >>> 0;
  if ((st.mxcsr & MXCSR_DAZ) !== 0) {
    if (ha < 0x100000) {
      ha = 0;
      la = 0;
    }
    if (hb < 0x100000) {
      hb = 0;
      lb = 0;
    }
  }
  if ((ha | la | hb | lb) === 0) return REL_EQUAL;
  const sa = aHi >>> 31;
  const sb = bHi >>> 31;
  if (sa !== sb) return sa === 1 ? REL_LESS : REL_GREATER;
  if (ha === hb && la === lb) return REL_EQUAL;
  const smaller = ha !== hb ? ha < hb : la < lb;
  return smaller !== (sa === 1) ? REL_LESS : REL_GREATER;
}

/** MINSD/MINPD: a when a < b, else b (b for any NaN and for two zeros), left in f64Out unchanged. */
export function min64(aLo: number, aHi: number, bLo: number, bHi: number, st: MxcsrHolder): void {
  const takeA = compare64(aLo, aHi, bLo, bHi, true, st) === REL_LESS;
  f64Out.lo = (takeA ? aLo : bLo) >>> 0;
  f64Out.hi = (takeA ? aHi : bHi) >>> 0;
}

/** MAXSD/MAXPD: a when a > b, else b (the same NaN and zero rules as min64). */
export function max64(aLo: number, aHi: number, bLo: number, bHi: number, st: MxcsrHolder): void {
  const takeA = compare64(bLo, bHi, aLo, aHi, true, st) === REL_LESS;
  f64Out.lo = (takeA ? aLo : bLo) >>> 0;
  f64Out.hi = (takeA ? aHi : bHi) >>> 0;
}

/** CMPSD/CMPPD: whether `a predicate b` holds (predicate 0-7, as cmp32). */
export function cmp64(
  aLo: number,
  aHi: number,
  bLo: number,
  bHi: number,
  predicate: number,
  st: MxcsrHolder,
): boolean {
  return predicateHolds(compare64(aLo, aHi, bLo, bHi, predicateSignals(predicate), st), predicate);
}

/** COMISD (`signalling`) / UCOMISD: the EFLAGS ZF/PF/CF bits. */
export function comi64(
  aLo: number,
  aHi: number,
  bLo: number,
  bHi: number,
  signalling: boolean,
  st: MxcsrHolder,
): number {
  return comiFlags(compare64(aLo, aHi, bLo, bHi, signalling, st));
}
