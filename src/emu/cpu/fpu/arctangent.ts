// FPATAN as QEMU 7.2's TCG computes it (target/i386/tcg/fpu_helper.c): x = the smaller magnitude
// over the larger, split as t + y with t the nearest multiple of 1/8; atan(x) = atan(t) (a table)
// + atan(y / (1 + t x)) (a polynomial), carried in 128-bit fixed point (ext128.ts) and adjusted by
// pi/2 or pi for the quadrant, then rounded once in the control word's rounding mode at 64-bit
// precision. Bit-identical to TCG's only because each step mirrors QEMU's.

import {
  divide128,
  type Ext,
  estimateDiv,
  expOf,
  f0,
  f1,
  finishBinary,
  fo,
  fromFloat,
  isInf,
  isZero,
  jam,
  M64,
  M128,
  nanResult,
  normalizeSubnormal,
  polynomial,
  readExt,
  roundPack128,
  signOf,
  toFloat,
  withNearestExtended,
} from "./ext128.ts";
import { div80 } from "./floatx80.ts";
import { toInteger, Word64 } from "./floatx80-convert.ts";
import { EXP_MAX, FLAG_INEXACT, type Float80, PC_EXTENDED, RC_NEAREST } from "./floatx80-parts.ts";
import { FPATAN_COEFFS, FPATAN_TABLE, PI, PI_2, PI_3_4, PI_4 } from "./transcendental-tables.ts";
import type { X87 } from "./x87.ts";

const word = new Word64();

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
