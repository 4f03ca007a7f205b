// sin, cos and tan of a binary64 number, correctly rounded to nearest: what QEMU 7.2's FSIN, FCOS,
// FSINCOS and FPTAN get from the host's glibc (whose results are correctly rounded in all but rare
// cases), where JavaScript's Math.sin/cos/tan (fdlibm's algorithms in V8) are off by one ulp for
// about 2% of arguments. Computed in fixed point with BigInt: the argument reduced by pi/2 with
// 320 fractional bits, then Taylor series, then one rounding. Slow (tens of microseconds) but only
// these rare instructions use it.

/** Fractional bits of the fixed-point computation (arguments below TINY take the shortcuts). */
const P = 320n;
/** Below this magnitude sin(v) and tan(v) round to v and cos(v) to 1. */
const TINY = 2 ** -30;
const ONE = 1n << P;

/** atan(1/n) * 2^bits by its series (n > 1). */
function arctanInverse(n: bigint, bits: bigint): bigint {
  const scale = 1n << bits;
  let term = scale / n;
  const n2 = n * n;
  let sum = 0n;
  let k = 1n;
  while (term !== 0n) {
    sum += (k & 2n) === 0n ? term / k : -(term / k);
    term /= n2;
    k += 2n;
  }
  return sum;
}

/** pi/2 with P fractional bits (Machin's formula, computed with 64 guard bits). */
const HALF_PI = (() => {
  const guard = 64n;
  const pi = 16n * arctanInverse(5n, P + guard) - 4n * arctanInverse(239n, P + guard);
  return pi >> (guard + 1n);
})();

const view = new DataView(new ArrayBuffer(8));

/** The finite binary64 v as m * 2^e with integer m. */
function decompose(v: number): [bigint, number] {
  view.setFloat64(0, v);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let m = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  if (biased !== 0) m |= 1n << 52n;
  const e = (biased === 0 ? 1 : biased) - 1075;
  return [hi >>> 31 !== 0 ? -m : m, e];
}

/** The fixed-point value of v (P fractional bits, truncated). */
function toFixed(v: number): bigint {
  const [m, e] = decompose(v);
  const shift = BigInt(e) + P;
  return shift >= 0n ? m << shift : m / (1n << -shift);
}

/** sin and cos of r (|r| <= pi/4 or so, fixed point) by their Taylor series. */
function sinCosReduced(r: bigint): [bigint, bigint] {
  const r2 = (r * r) >> P;
  let sin = 0n;
  let term = r;
  for (let k = 1n; term !== 0n; k += 2n) {
    sin += term;
    term = -((term * r2) >> P) / ((k + 1n) * (k + 2n));
  }
  let cos = 0n;
  term = ONE;
  for (let k = 0n; term !== 0n; k += 2n) {
    cos += term;
    term = -((term * r2) >> P) / ((k + 1n) * (k + 2n));
  }
  return [sin, cos];
}

/** sin and cos of the finite v, fixed point. */
function sinCos(v: number): [bigint, bigint] {
  const x = toFixed(v);
  const k = (x + (x >= 0n ? HALF_PI / 2n : -HALF_PI / 2n)) / HALF_PI;
  const [s, c] = sinCosReduced(x - k * HALF_PI);
  switch (Number(((k % 4n) + 4n) % 4n)) {
    case 0:
      return [s, c];
    case 1:
      return [c, -s];
    case 2:
      return [-s, -c];
    default:
      return [-c, s];
  }
}

function bitLength(v: bigint): number {
  return v.toString(2).length;
}

/** The fixed-point y (with `fraction` fractional bits) rounded to the nearest binary64, ties to even. */
function fixedToDouble(y: bigint, fraction: bigint, negativeZero: boolean): number {
  if (y === 0n) return negativeZero ? -0 : 0;
  const negative = y < 0n;
  const mag = negative ? -y : y;
  const exponent = bitLength(mag) - 1 - Number(fraction);
  const unit = Math.max(exponent - 52, -1074);
  const shift = BigInt(unit) + fraction;
  let q: bigint;
  if (shift <= 0n) q = mag << -shift;
  else {
    q = mag >> shift;
    const rest = mag - (q << shift);
    const half = 1n << (shift - 1n);
    if (rest > half || (rest === half && (q & 1n) === 1n)) q += 1n;
  }
  const r = Number(q) * 2 ** unit;
  return negative ? -r : r;
}

/** sin(v), correctly rounded (NaN for NaN and infinities; -0 for -0). */
export function sinRounded(v: number): number {
  if (!Number.isFinite(v)) return Number.NaN;
  if (Math.abs(v) < TINY) return v;
  return fixedToDouble(sinCos(v)[0], P, v < 0);
}

/** cos(v), correctly rounded. */
export function cosRounded(v: number): number {
  if (!Number.isFinite(v)) return Number.NaN;
  if (Math.abs(v) < TINY) return 1;
  return fixedToDouble(sinCos(v)[1], P, false);
}

/** tan(v), correctly rounded. */
export function tanRounded(v: number): number {
  if (!Number.isFinite(v)) return Number.NaN;
  if (Math.abs(v) < TINY) return v;
  const [s, c] = sinCos(v);
  return fixedToDouble((s << P) / c, P, v < 0);
}
