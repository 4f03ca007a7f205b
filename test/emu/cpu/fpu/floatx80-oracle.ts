// An exact reference for floatx80 rounding, written independently of src/emu/cpu/fpu/floatx80.ts:
// values as BigInt rationals, rounded by definition (IEEE 754 with the x87's precision control:
// p significant bits, the extended exponent range, denormals quantized at the smallest normal
// exponent's lsb, tininess after rounding). Slow and simple on purpose.

export interface X80 {
  se: number;
  hi: number;
  lo: number;
}

/** A non-negative rational num/den times a sign (0 or 1). */
export interface Exact {
  sign: number;
  num: bigint;
  den: bigint;
}

export const E_MIN = -16382;
export const E_MAX = 16383;

/** The 64-bit significand of `x`. */
export function mantissa(x: X80): bigint {
  return (BigInt(x.hi >>> 0) << 32n) | BigInt(x.lo >>> 0);
}

/** The exact value of a finite, validly encoded `x`. */
export function exactOf(x: X80): Exact {
  const e = x.se & 0x7fff;
  const power = Math.max(e, 1) - 16383 - 63;
  const m = mantissa(x);
  return power >= 0
    ? { sign: x.se >>> 15, num: m << BigInt(power), den: 1n }
    : { sign: x.se >>> 15, num: m, den: 1n << BigInt(-power) };
}

/** Bit length of a positive BigInt. */
function bitLength(n: bigint): number {
  return n.toString(2).length;
}

/** floor(log2(num/den)) for positive num/den. */
export function floorLog2(num: bigint, den: bigint): number {
  let e = bitLength(num) - bitLength(den);
  if (e >= 0 ? num < den << BigInt(e) : num << BigInt(-e) < den) e--;
  return e;
}

export interface Rounded {
  value: X80;
  inexact: boolean;
  underflow: boolean;
  overflow: boolean;
}

/** Rounds positive num/den at quantum 2^qe: floor, and the remainder's comparison with half. */
function quantize(num: bigint, den: bigint, qe: number): { fl: bigint; half: number; exact: boolean } {
  const n = qe <= 0 ? num << BigInt(-qe) : num;
  const d = qe <= 0 ? den : den << BigInt(qe);
  const fl = n / d;
  const r = n % d;
  const twice = 2n * r;
  return { fl, half: twice === d ? 0 : twice > d ? 1 : -1, exact: r === 0n };
}

/** True when the rounding mode adds one quantum to the floor. */
function incrementOf(rc: number, sign: number, fl: bigint, half: number, exact: boolean): boolean {
  if (exact) return false;
  if (rc === 0) return half > 0 || (half === 0 && (fl & 1n) === 1n);
  if (rc === 1) return sign === 1;
  if (rc === 2) return sign === 0;
  return false;
}

/** A rounded value: sig * 2^q (sig below 2^bits), or an infinity; with the flags it raised. */
export interface FormatRounded {
  sign: number;
  inf: boolean;
  sig: bigint;
  q: number;
  inexact: boolean;
  underflow: boolean;
  overflow: boolean;
}

/**
 * Rounds the exact non-zero value to `bits` significant bits with normal exponents eMin..eMax
 * (denormals quantized at eMin's lsb) in rounding mode rc (0 nearest, 1 down, 2 up, 3 zero).
 */
export function roundToFormat(x: Exact, bits: number, rc: number, eMin: number, eMax: number): FormatRounded {
  const e = floorLog2(x.num, x.den);
  // Tininess after rounding: round to `bits` with an unbounded exponent, compare with 2^eMin.
  const unb = quantize(x.num, x.den, e - (bits - 1));
  const unbUp = incrementOf(rc, x.sign, unb.fl, unb.half, unb.exact);
  const carried = unb.fl + (unbUp ? 1n : 0n) === 1n << BigInt(bits);
  const tiny = e < eMin && !(carried && e + 1 === eMin);
  const overflow = e >= eMax + 1 || (carried && e + 1 >= eMax + 1);
  if (overflow) {
    const toMax = rc === 3 || (rc === 2 && x.sign === 1) || (rc === 1 && x.sign === 0);
    return {
      sign: x.sign,
      inf: !toMax,
      sig: (1n << BigInt(bits)) - 1n,
      q: eMax - bits + 1,
      inexact: true,
      underflow: false,
      overflow: true,
    };
  }
  let q = Math.max(e, eMin) - (bits - 1);
  const r = quantize(x.num, x.den, q);
  let sig = r.fl + (incrementOf(rc, x.sign, r.fl, r.half, r.exact) ? 1n : 0n);
  if (sig === 1n << BigInt(bits)) {
    sig >>= 1n;
    q++;
  }
  return {
    sign: x.sign,
    inf: false,
    sig,
    q,
    inexact: !r.exact,
    underflow: tiny && !r.exact,
    overflow: false,
  };
}

/** Rounds the exact non-zero value to floatx80 with `bits` (24, 53, 64) significant bits. */
export function roundExact(x: Exact, bits: number, rc: number): Rounded {
  const r = roundToFormat(x, bits, rc, E_MIN, E_MAX);
  const flags = { inexact: r.inexact, underflow: r.underflow, overflow: r.overflow };
  if (r.inf) return { value: { se: (r.sign << 15) | 0x7fff, hi: 0x80000000, lo: 0 }, ...flags };
  const sig = r.sig << BigInt(64 - bits);
  const biased = r.sig === 0n || bitLength(r.sig) < bits ? 0 : r.q + bits - 1 + 16383;
  return {
    value: { se: (r.sign << 15) | biased, hi: Number(sig >> 32n), lo: Number(sig & 0xffffffffn) },
    ...flags,
  };
}

/** Rounds the exact non-zero value to an IEEE binary64 (as a BigInt of its bits). */
export function roundToFloat64(x: Exact, rc: number): { bits: bigint; flags: FormatRounded } {
  const r = roundToFormat(x, 53, rc, -1022, 1023);
  const sign = BigInt(r.sign) << 63n;
  if (r.inf) return { bits: sign | (0x7ffn << 52n), flags: r };
  if (r.sig === 0n || bitLength(r.sig) < 53) return { bits: sign | r.sig, flags: r };
  return { bits: sign | (BigInt(r.q + 52 + 1023) << 52n) | (r.sig - (1n << 52n)), flags: r };
}

/** Rounds the exact non-zero value to an IEEE binary32 (its bits). */
export function roundToFloat32(x: Exact, rc: number): { bits: bigint; flags: FormatRounded } {
  const r = roundToFormat(x, 24, rc, -126, 127);
  const sign = BigInt(r.sign) << 31n;
  if (r.inf) return { bits: sign | (0xffn << 23n), flags: r };
  if (r.sig === 0n || bitLength(r.sig) < 24) return { bits: sign | r.sig, flags: r };
  return { bits: sign | (BigInt(r.q + 23 + 127) << 23n) | (r.sig - (1n << 23n)), flags: r };
}

/** Exact a + b (b's sign flipped first when subtracting); null when the sum is zero. */
export function exactAdd(a: Exact, b: Exact): Exact | null {
  const an = (a.sign ? -a.num : a.num) * b.den;
  const bn = (b.sign ? -b.num : b.num) * a.den;
  const n = an + bn;
  if (n === 0n) return null;
  return { sign: n < 0n ? 1 : 0, num: n < 0n ? -n : n, den: a.den * b.den };
}

/** Exact a * b. */
export function exactMul(a: Exact, b: Exact): Exact {
  return { sign: a.sign ^ b.sign, num: a.num * b.num, den: a.den * b.den };
}

/** Exact a / b (b non-zero). */
export function exactDiv(a: Exact, b: Exact): Exact {
  return { sign: a.sign ^ b.sign, num: a.num * b.den, den: a.den * b.num };
}

/** Integer square root (floor). */
function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = 1n << BigInt(Math.ceil(bitLength(n) / 2));
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

/** Rounds sqrt(x) (x positive, den a power of two) like roundExact. */
export function roundSqrt(x: Exact, bits: number, rc: number): Rounded {
  const ev = floorLog2(x.num, x.den);
  const e = Math.floor(ev / 2);
  const qe = e - (bits - 1); // never denormal or overflowing
  // w = x / 2^(2 qe) = num * 2^(-2qe) / den; root = sqrt(w); floor(root) = isqrt(floor(w)).
  const shift = -2 * qe;
  const n = shift >= 0 ? x.num << BigInt(shift) : x.num;
  const d = shift >= 0 ? x.den : x.den << BigInt(-shift);
  const wFloor = n / d;
  const wExactInt = n % d === 0n;
  const fl = isqrt(wFloor);
  const exact = wExactInt && fl * fl === wFloor;
  // root vs fl + 1/2: 4w vs (2fl+1)^2
  const lhs = 4n * n;
  const rhs = (2n * fl + 1n) ** 2n * d;
  const half = lhs === rhs ? 0 : lhs > rhs ? 1 : -1;
  const up = incrementOf(rc, 0, fl, half, exact);
  let m = fl + (up ? 1n : 0n);
  let exp = e;
  if (m === 1n << BigInt(bits)) {
    m >>= 1n;
    exp++;
  }
  const sig = m << BigInt(64 - bits);
  return {
    value: { se: exp + 16383, hi: Number(sig >> 32n), lo: Number(sig & 0xffffffffn) },
    inexact: !exact,
    underflow: false,
    overflow: false,
  };
}

/** xorshift32: a deterministic stream of unsigned 32-bit numbers. */
export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
}

/** Formats a floatx80 as sign-exponent:significand hex, for messages. */
export function show(x: X80): string {
  return `${(x.se >>> 0).toString(16).padStart(4, "0")}:${(x.hi >>> 0).toString(16).padStart(8, "0")}${(x.lo >>> 0).toString(16).padStart(8, "0")}`;
}
