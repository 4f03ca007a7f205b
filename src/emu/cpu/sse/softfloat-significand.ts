// Multiply, divide and square root of the significands of normal unpacked operands (Parts, at
// most 53 significant bits, as unpack32/unpack64 leave them), computed with JS doubles for the
// exact paths of softfloat.ts and softfloat-f64.ts. The double result of two significands is
// correctly rounded to 53 bits; its error's sign, known exactly (Dekker's TwoProduct gives the
// rounding error of a product), says on which side the true result lies. That is all the final
// rounding to 24 or 53 bits, at any exponent and in any mode, needs: no rounding boundary of 54
// bits or fewer lies strictly between the true result and its correctly rounded double.

import { normalize, type Parts } from "../fpu/floatx80-parts.ts";
import { f64Out, setF64Out } from "./softfloat-core.ts";

/** Veltkamp's splitter for 53-bit doubles: 2^27 + 1. */
const SPLITTER = 134217729;
/** 2^-31 and 2^-63: the weights of w0's and w1's lowest bits in a significand in [1, 2). */
const W0_UNIT = 4.656612873077393e-10;
const W1_UNIT = 1.0842021724855044e-19;

/**
 * The rounding error of the double product p = x * y, exactly (Dekker's TwoProduct), for x and y
 * far enough from the overflow and underflow thresholds (|x|, |y| in [2^-480, 2^481) is enough).
 */
export function productError(x: number, y: number, p: number): number {
  let t = SPLITTER * x;
  const xh = t - (t - x);
  const xl = x - xh;
  t = SPLITTER * y;
  const yh = t - (t - y);
  const yl = y - yh;
  return xh * yh - p + xh * yl + xl * yh + xl * yl;
}

/** The significand of normal `p` (at most 53 bits) as a double in [1, 2). */
function significandOf(p: Parts): number {
  return p.w0 * W0_UNIT + p.w1 * W1_UNIT;
}

/**
 * Sets `p`'s working significand to the double `v` in [1, 2), nudged by a sticky unit far below
 * its 53 bits toward the true value: up when `direction` > 0, down when < 0 (v is exact when 0).
 */
function setSignificand(p: Parts, v: number, direction: number): void {
  setF64Out(v);
  const hi = f64Out.hi;
  const lo = f64Out.lo;
  p.w0 = (0x80000000 | ((hi & 0xfffff) << 11) | (lo >>> 21)) >>> 0;
  p.w1 = (lo << 11) >>> 0;
  p.w2 = 0;
  if (direction > 0) p.w2 = 1;
  else if (direction < 0) {
    if (p.w1 === 0) p.w0 = (p.w0 - 1) >>> 0;
    p.w1 = (p.w1 - 1) >>> 0;
    p.w2 = 0xffffffff;
    normalize(p);
  }
}

/** a = a * b on normal `a` and `b`: significands and exponents (the sign is left to the caller). */
export function multiplySignificands(a: Parts, b: Parts): void {
  const x = significandOf(a);
  const y = significandOf(b);
  let p = x * y;
  let error = productError(x, y, p);
  a.exp += b.exp;
  if (p >= 2) {
    p /= 2;
    error /= 2;
    a.exp++;
  }
  setSignificand(a, p, Math.sign(error));
}

/** a = a / b on normal `a` and `b`: the sign of the exact remainder x - q * y places the quotient. */
export function divideSignificands(a: Parts, b: Parts): void {
  const x = significandOf(a);
  const y = significandOf(b);
  let q = x / y;
  const p = q * y;
  const remainder = x - p - productError(q, y, p);
  a.exp -= b.exp;
  if (q < 1) {
    q *= 2;
    a.exp--;
  }
  setSignificand(a, q, Math.sign(remainder));
}

/**
 * a = the square root of the positive normal `a`: the root r of the significand (doubled for an
 * odd exponent) is placed by the sign of x - r * r.
 */
export function sqrtSignificand(a: Parts): void {
  let x = significandOf(a);
  if ((a.exp & 1) !== 0) {
    x *= 2;
    a.exp--;
  }
  const r = Math.sqrt(x);
  const p = r * r;
  const remainder = x - p - productError(r, r, p);
  a.exp /= 2;
  setSignificand(a, r, Math.sign(remainder));
}
