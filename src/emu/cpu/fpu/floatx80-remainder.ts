// FSCALE's scaling and FPREM/FPREM1's remainders on 80-bit values, as QEMU 7.2's softfloat
// (floatx80_scalbn, floatx80_modrem) computes them.

import {
  CLS_INF,
  CLS_NORMAL,
  CLS_QNAN,
  CLS_SNAN,
  CLS_ZERO,
  defaultNaN,
  div,
  FLAG_INVALID,
  type Float80,
  type FloatContext,
  normalize,
  pa,
  packResult,
  packSpecial,
  pb,
  pickNaN,
  rem,
  remShiftLeft1,
  remSubtractIfGreater,
  roundPack,
  unpack,
} from "./floatx80-parts.ts";

/**
 * out = a * 2^n, rounded by `ctx` (QEMU's floatx80_scalbn, which FSCALE runs with the precision
 * maximised): NaNs propagate (an SNaN raises invalid), zeros and infinities pass unchanged; n is
 * clamped to +-0x10000, far enough for any overflow or underflow.
 */
export function scale80(
  aSe: number,
  aHi: number,
  aLo: number,
  n: number,
  ctx: FloatContext,
  out: Float80,
): void {
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
  a.exp += Math.max(-0x10000, Math.min(0x10000, n));
  roundPack(a, ctx, out);
}

/**
 * The low bits of the quotient the last truncating modRem80 computed (FPREM reports three); 0
 * after a round-to-nearest one, which QEMU 7.2 computes without a quotient (FPREM1 under TCG
 * leaves C0, C3, C1 clear, where the SDM has them report the quotient too).
 */
export let remainderQuotient = 0;

/**
 * out = the remainder of a / b (QEMU 7.2's floatx80_modrem, on FloatParts, as FPREM and FPREM1
 * use it): `truncating` (FPREM) takes the quotient rounded toward zero, else (FPREM1) to nearest
 * even; the remainder has a's sign unless FPREM1's rounding flipped it. The exact remainder (or a
 * itself, when |a| is far below |b|) is then rounded to the context's precision, as QEMU packs it.
 * Needs exponent(a) - exponent(b) <= 63, which FPREM's partial-remainder step guarantees (larger
 * differences are reduced by scaling b first).
 */
export function modRem80(
  aSe: number,
  aHi: number,
  aLo: number,
  bSe: number,
  bHi: number,
  bLo: number,
  truncating: boolean,
  ctx: FloatContext,
  out: Float80,
): void {
  remainderQuotient = 0;
  if (!unpack(pa, aSe, aHi, aLo) || !unpack(pb, bSe, bHi, bLo)) {
    defaultNaN(ctx, out);
    return;
  }
  const a = pa;
  const b = pb;
  if (a.cls >= CLS_QNAN || b.cls >= CLS_QNAN) {
    pickNaN(a, b, ctx, out);
    return;
  }
  if (a.cls === CLS_INF || b.cls === CLS_ZERO) {
    defaultNaN(ctx, out);
    return;
  }
  const expDiff = a.exp - b.exp;
  if (b.cls === CLS_INF || a.cls === CLS_ZERO || expDiff < -1 || (expDiff === -1 && truncating)) {
    packResult(a, ctx, out);
    return;
  }
  // Restoring division at b's scale, with 32 fraction bits in rem[3] for the expDiff = -1 case.
  rem[0] = 0;
  rem[1] = a.w0;
  rem[2] = a.w1;
  rem[3] = 0;
  div[0] = 0;
  div[1] = b.w0;
  div[2] = b.w1;
  div[3] = 0;
  let sign = a.sign;
  let q = 0;
  if (expDiff < 0) {
    rem[3] = rem[2]! << 31;
    rem[2] = (rem[2]! >>> 1) | (rem[1]! << 31);
    rem[1] = rem[1]! >>> 1;
  } else {
    q = remSubtractIfGreater();
    for (let i = 0; i < expDiff; i++) {
      remShiftLeft1();
      q = ((q << 1) | remSubtractIfGreater()) & 0xff;
    }
  }
  if (!truncating) {
    // Round the quotient to nearest even: take b - r when that is smaller (or equal and q odd).
    remShiftLeft1();
    let order = 0;
    for (let i = 0; i < 4 && order === 0; i++) {
      if (rem[i] !== div[i]) order = rem[i]! > div[i]! ? 1 : -1;
    }
    // undo the doubling
    rem[3] = (rem[3]! >>> 1) | (rem[2]! << 31);
    rem[2] = (rem[2]! >>> 1) | (rem[1]! << 31);
    rem[1] = (rem[1]! >>> 1) | (rem[0]! << 31);
    rem[0] = rem[0]! >>> 1;
    if (order > 0 || (order === 0 && (q & 1) === 1)) {
      let borrow = 0;
      for (let i = 3; i >= 0; i--) {
        const d = div[i]! - rem[i]! - borrow;
        borrow = d < 0 ? 1 : 0;
        rem[i] = d;
      }
      sign ^= 1;
      q = (q + 1) & 0xff;
    }
  }
  if (truncating) remainderQuotient = q;
  a.sign = sign;
  a.exp = b.exp;
  a.w0 = rem[1]!;
  a.w1 = rem[2]!;
  a.w2 = rem[3]!;
  if ((a.w0 | a.w1 | a.w2) === 0) {
    packSpecial(CLS_ZERO, sign, out);
    return;
  }
  normalize(a);
  roundPack(a, ctx, out);
}
