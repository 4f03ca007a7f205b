// floatx80 conversions (FILD, FLD m32/m64, FST m32/m64, FIST/FISTTP) against the exact reference.
import { describe, expect, it } from "vitest";
import {
  fromFloat32,
  fromFloat64,
  fromInt64,
  toFloat32,
  toFloat64,
  toInteger,
  Word64,
} from "../../../../src/emu/cpu/fpu/floatx80-convert.ts";
import {
  FLAG_INEXACT,
  FLAG_INVALID,
  FLAG_OVERFLOW,
  FLAG_UNDERFLOW,
  Float80,
  FloatContext,
  PC_EXTENDED,
  PC_SINGLE,
  RC_DOWN,
  RC_NEAREST,
  RC_UP,
  RC_ZERO,
} from "../../../../src/emu/cpu/fpu/floatx80-parts.ts";
import { modRem80, remainderQuotient, scale80 } from "../../../../src/emu/cpu/fpu/floatx80-remainder.ts";
import {
  type Exact,
  exactOf,
  type FormatRounded,
  rng,
  roundExact,
  roundToFloat32,
  roundToFloat64,
  show,
  type X80,
} from "./floatx80-oracle.ts";

const ROUNDINGS = [RC_NEAREST, RC_DOWN, RC_UP, RC_ZERO];

/** The exact value of a finite IEEE value with `fracBits` fraction bits and exponent bias `bias`. */
function exactOfIeee(bits: bigint, fracBits: number, expBits: number): Exact {
  const bias = (1 << (expBits - 1)) - 1;
  const sign = Number(bits >> BigInt(fracBits + expBits));
  const e = Number((bits >> BigInt(fracBits)) & ((1n << BigInt(expBits)) - 1n));
  const f = bits & ((1n << BigInt(fracBits)) - 1n);
  const m = e === 0 ? f : f | (1n << BigInt(fracBits));
  const power = Math.max(e, 1) - bias - fracBits;
  return power >= 0
    ? { sign, num: m << BigInt(power), den: 1n }
    : { sign, num: m, den: 1n << BigInt(-power) };
}

/** The flag bits a reference rounding implies. */
function flagsOf(r: FormatRounded): number {
  return (
    (r.inexact ? FLAG_INEXACT : 0) | (r.underflow ? FLAG_UNDERFLOW : 0) | (r.overflow ? FLAG_OVERFLOW : 0)
  );
}

/** A random finite floatx80 spread over the whole exponent range, denormals included. */
function operand(next: () => number): X80 {
  const sign = next() & 1;
  const k = next() % 8;
  let e: number;
  if (k < 3)
    e = 16383 - 1100 + (next() % 2200); // around binary64's range
  else if (k < 5)
    e = 16383 - 160 + (next() % 320); // around binary32's range
  else if (k === 5) e = 0;
  else e = 1 + (next() % 0x7ffe);
  let hi = next();
  if (e !== 0) hi = (hi | 0x80000000) >>> 0;
  else hi &= 0x7fffffff;
  const lo = next() % 3 === 0 ? 0 : next();
  return { se: (sign << 15) | e, hi: hi >>> 0, lo: lo >>> 0 };
}

describe("floatx80 conversions against an exact reference", () => {
  const ctx = new FloatContext();
  const out = new Float80();
  const word = new Word64();

  it("loads 64-bit integers exactly, and rounds them under a lower precision as QEMU packs them", () => {
    const next = rng(11);
    for (let i = 0; i < 2000; i++) {
      const hi = next() >>> (next() % 32);
      const lo = next();
      const value = BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo));
      for (const pc of [PC_EXTENDED, PC_SINGLE]) {
        ctx.precision = pc;
        ctx.rounding = RC_NEAREST;
        ctx.flags = 0;
        fromInt64(hi, lo, ctx, out);
        const got = { se: out.se, hi: out.hi, lo: out.lo };
        if (value === 0n) {
          expect(show(got)).toBe(show({ se: 0, hi: 0, lo: 0 }));
          continue;
        }
        const exact = { sign: value < 0n ? 1 : 0, num: value < 0n ? -value : value, den: 1n };
        const want = roundExact(exact, pc === PC_EXTENDED ? 64 : 24, RC_NEAREST);
        expect(show(got), `${value} pc=${pc}`).toBe(show(want.value));
        expect(ctx.flags).toBe(want.inexact ? FLAG_INEXACT : 0);
      }
    }
  });

  it("widens binary32 and binary64 values exactly (denormals normalized) and silences SNaNs", () => {
    const next = rng(12);
    ctx.precision = PC_EXTENDED;
    for (let i = 0; i < 3000; i++) {
      const d = (BigInt(next()) << 32n) | BigInt(next());
      ctx.flags = 0;
      fromFloat64(Number(d >> 32n), Number(d & 0xffffffffn), ctx, out);
      const e = Number((d >> 52n) & 0x7ffn);
      if (e !== 0x7ff && (d & ((1n << 63n) - 1n)) !== 0n) {
        const want = roundExact(exactOfIeee(d, 52, 11), 64, RC_NEAREST);
        expect(show({ se: out.se, hi: out.hi, lo: out.lo }), d.toString(16)).toBe(show(want.value));
        expect(ctx.flags).toBe(0);
      }
      const f = BigInt(next());
      ctx.flags = 0;
      fromFloat32(Number(f), ctx, out);
      const fe = Number((f >> 23n) & 0xffn);
      if (fe !== 0xff && (f & 0x7fffffffn) !== 0n) {
        const want = roundExact(exactOfIeee(f, 23, 8), 64, RC_NEAREST);
        expect(show({ se: out.se, hi: out.hi, lo: out.lo }), f.toString(16)).toBe(show(want.value));
      }
    }
    ctx.flags = 0;
    fromFloat64(0x7ff00000, 1, ctx, out); // an SNaN with payload 1
    expect([show({ se: out.se, hi: out.hi, lo: out.lo }), ctx.flags]).toEqual([
      "7fff:c000000000000800",
      FLAG_INVALID,
    ]);
    ctx.flags = 0;
    fromFloat32(0xff800001, ctx, out);
    expect([show({ se: out.se, hi: out.hi, lo: out.lo }), ctx.flags]).toEqual([
      "ffff:c000010000000000",
      FLAG_INVALID,
    ]);
    ctx.flags = 0;
    fromFloat32(0x80000000, ctx, out);
    expect([show({ se: out.se, hi: out.hi, lo: out.lo }), ctx.flags]).toEqual(["8000:0000000000000000", 0]);
  });

  it("narrows to binary64 and binary32 with their ranges: overflow, denormals, underflow", () => {
    const next = rng(13);
    for (let i = 0; i < 1500; i++) {
      const a = operand(next);
      if ((a.se & 0x7fff) === 0 && a.hi === 0 && a.lo === 0) continue;
      for (const rc of ROUNDINGS) {
        ctx.rounding = rc;
        ctx.flags = 0;
        toFloat64(a.se, a.hi, a.lo, ctx, word);
        const want64 = roundToFloat64(exactOf(a), rc);
        const got64 = (BigInt(word.hi >>> 0) << 32n) | BigInt(word.lo >>> 0);
        expect(got64.toString(16), `${show(a)} rc=${rc}`).toBe(want64.bits.toString(16));
        expect(ctx.flags, `${show(a)} rc=${rc}`).toBe(flagsOf(want64.flags));
        ctx.flags = 0;
        const got32 = toFloat32(a.se, a.hi, a.lo, ctx);
        const want32 = roundToFloat32(exactOf(a), rc);
        expect(got32.toString(16), `${show(a)} rc=${rc}`).toBe(want32.bits.toString(16));
        expect(ctx.flags, `${show(a)} rc=${rc}`).toBe(flagsOf(want32.flags));
      }
    }
    // NaNs keep their top payload bits, silenced; an unnormal gives the default NaN
    ctx.flags = 0;
    expect(toFloat32(0x7fff, 0x80000001, 0x12345678, ctx).toString(16)).toBe("7fc00000");
    expect(ctx.flags).toBe(FLAG_INVALID);
    ctx.flags = 0;
    toFloat64(0xffff, 0xc1234567, 0x89abcdef, ctx, word);
    expect([word.hi.toString(16), word.lo.toString(16), ctx.flags]).toEqual(["fff82468", "acf13579", 0]);
    ctx.flags = 0;
    toFloat64(0x3fff, 0x40000000, 0, ctx, word);
    expect([word.hi.toString(16), word.lo, ctx.flags]).toEqual(["fff80000", 0, FLAG_INVALID]);
  });

  it("converts to integers in each rounding mode, out of range giving the indefinite with #IA only", () => {
    const next = rng(14);
    for (let i = 0; i < 3000; i++) {
      const sign = next() & 1;
      const e = 16383 - 4 + (next() % 72);
      const a = { se: (sign << 15) | e, hi: (next() | 0x80000000) >>> 0, lo: next() % 2 === 0 ? 0 : next() };
      const x = exactOf(a);
      for (const bits of [32, 64]) {
        for (const rc of ROUNDINGS) {
          ctx.flags = 0;
          toInteger(a.se, a.hi, a.lo, bits, rc, ctx, word);
          // reference: floor, then round by mode
          const fl = x.num / x.den;
          const r = x.num % x.den;
          let mag = fl;
          if (r !== 0n) {
            const twice = 2n * r;
            const up =
              rc === RC_NEAREST
                ? twice > x.den || (twice === x.den && (fl & 1n) === 1n)
                : rc === RC_UP
                  ? x.sign === 0
                  : rc === RC_DOWN
                    ? x.sign === 1
                    : false;
            if (up) mag += 1n;
          }
          const value = x.sign ? -mag : mag;
          const inRange = value >= -(1n << BigInt(bits - 1)) && value < 1n << BigInt(bits - 1);
          const got = BigInt.asIntN(64, (BigInt(word.hi >>> 0) << 32n) | BigInt(word.lo >>> 0));
          const label = `${show(a)} bits=${bits} rc=${rc}`;
          if (inRange) {
            expect(got, label).toBe(value);
            expect(ctx.flags, label).toBe(r !== 0n ? FLAG_INEXACT : 0);
          } else {
            expect(got, label).toBe(-(1n << BigInt(bits - 1)));
            expect(ctx.flags, label).toBe(FLAG_INVALID);
          }
        }
      }
    }
  });

  it("rounds integer ties to even, and -0.5 to -0 (an integer 0)", () => {
    const cases: [X80, number][] = [
      [{ se: 0x4000, hi: 0xa0000000, lo: 0 }, 2], // 2.5
      [{ se: 0x4000, hi: 0xe0000000, lo: 0 }, 4], // 3.5
      [{ se: 0xc000, hi: 0xa0000000, lo: 0 }, -2], // -2.5
      [{ se: 0xbffe, hi: 0x80000000, lo: 0 }, 0], // -0.5
      [{ se: 0x401d, hi: 0xffffffff, lo: 0x80000000 }, 0x7fffffff + 1], // 2^31 - 0.5 -> 2^31: out of int32
    ];
    for (const [a, want] of cases) {
      ctx.flags = 0;
      toInteger(a.se, a.hi, a.lo, 32, RC_NEAREST, ctx, word);
      if (want === 0x80000000) {
        expect([word.lo, ctx.flags]).toEqual([0x80000000, FLAG_INVALID]);
      } else {
        expect([word.lo | 0, ctx.flags], show(a)).toEqual([want, FLAG_INEXACT]);
      }
    }
  });
});

describe("floatx80 scaling and partial remainders against an exact reference", () => {
  const ctx = new FloatContext();
  const out = new Float80();

  it("scales by powers of two with rounding at the range's ends", () => {
    const next = rng(21);
    for (let i = 0; i < 1500; i++) {
      const a = operand(next);
      if ((a.se & 0x7fff) === 0 && a.hi === 0 && a.lo === 0) continue;
      const n = (next() % 70000) - 35000;
      for (const rc of ROUNDINGS) {
        ctx.precision = PC_EXTENDED;
        ctx.rounding = rc;
        ctx.flags = 0;
        scale80(a.se, a.hi, a.lo, n, ctx, out);
        const x = exactOf(a);
        const scaled = n >= 0 ? { ...x, num: x.num << BigInt(n) } : { ...x, den: x.den << BigInt(-n) };
        const want = roundExact(scaled, 64, rc);
        const label = `${show(a)} n=${n} rc=${rc}`;
        expect(show({ se: out.se, hi: out.hi, lo: out.lo }), label).toBe(show(want.value));
        expect(ctx.flags, label).toBe(
          (want.inexact ? FLAG_INEXACT : 0) |
            (want.underflow ? FLAG_UNDERFLOW : 0) |
            (want.overflow ? FLAG_OVERFLOW : 0),
        );
      }
    }
  });

  it("computes FPREM and FPREM1 remainders exactly, FPREM with the quotient's low bits", () => {
    const next = rng(22);
    for (let i = 0; i < 3000; i++) {
      const sa = next() & 1;
      const sb = next() & 1;
      const eb = 1 + (next() % 0x7ffd);
      const ea = Math.min(0x7ffe, Math.max(1, eb + (next() % 66) - 2));
      const a = { se: (sa << 15) | ea, hi: (next() | 0x80000000) >>> 0, lo: next() };
      const b = { se: (sb << 15) | eb, hi: (next() | 0x80000000) >>> 0, lo: next() % 2 ? 0 : next() };
      for (const truncating of [true, false]) {
        ctx.flags = 0;
        modRem80(a.se, a.hi, a.lo, b.se, b.hi, b.lo, truncating, ctx, out);
        const x = exactOf(a);
        const y = exactOf(b);
        const label = `${show(a)} ${show(b)} ${truncating ? "fprem" : "fprem1"}`;
        const diff = ea - eb;
        if (diff < 0 && (truncating || diff < -1)) {
          expect(show({ se: out.se, hi: out.hi, lo: out.lo }), label).toBe(show(a));
          continue;
        }
        // q = a/b rounded (toward zero or to nearest even), r = a - q b, both exact.
        const num = x.num * y.den;
        const den = x.den * y.num;
        let q = num / den;
        const r2 = 2n * (num % den);
        if (!truncating && (r2 > den || (r2 === den && (q & 1n) === 1n))) q += 1n;
        const signedQ = sa === sb ? q : -q;
        const rNum = (sa ? -x.num : x.num) * y.den - signedQ * (sb ? -y.num : y.num) * x.den;
        const rDen = x.den * y.den;
        if (rNum === 0n) {
          expect(show({ se: out.se, hi: out.hi, lo: out.lo }), label).toBe(
            show({ se: sa << 15, hi: 0, lo: 0 }),
          );
        } else {
          const want = roundExact(
            { sign: rNum < 0n ? 1 : 0, num: rNum < 0n ? -rNum : rNum, den: rDen },
            64,
            RC_NEAREST,
          );
          expect(want.inexact, label).toBe(false);
          expect(show({ se: out.se, hi: out.hi, lo: out.lo }), label).toBe(show(want.value));
        }
        expect(remainderQuotient & 7, label).toBe(truncating ? Number(q & 7n) : 0);
        expect(ctx.flags, label).toBe(0);
      }
    }
  });
});
