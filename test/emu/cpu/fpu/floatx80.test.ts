// floatx80 arithmetic against an exact BigInt reference (floatx80-oracle.ts) over random and edge
// operands in every rounding mode and precision, plus the special-value rules QEMU's softfloat
// applies on x86 (NaN propagation, default NaN, invalid encodings, signed zeros).
import { describe, expect, it } from "vitest";
import {
  add80,
  compare80,
  div80,
  mul80,
  roundToInt80,
  sqrt80,
} from "../../../../src/emu/cpu/fpu/floatx80.ts";
import {
  CMP_EQUAL,
  CMP_GREATER,
  CMP_LESS,
  CMP_UNORDERED,
  FLAG_DIVIDE_BY_ZERO,
  FLAG_INEXACT,
  FLAG_INVALID,
  FLAG_OVERFLOW,
  FLAG_UNDERFLOW,
  Float80,
  FloatContext,
  PC_DOUBLE,
  PC_EXTENDED,
  PC_SINGLE,
  RC_DOWN,
  RC_NEAREST,
  RC_UP,
  RC_ZERO,
} from "../../../../src/emu/cpu/fpu/floatx80-parts.ts";
import {
  type Exact,
  exactAdd,
  exactDiv,
  exactMul,
  exactOf,
  type Rounded,
  rng,
  roundExact,
  roundSqrt,
  show,
  type X80,
} from "./floatx80-oracle.ts";

/** A random finite, validly encoded operand, biased toward edges that break rounding code. */
function operand(next: () => number): X80 {
  const kind = next() % 16;
  const sign = next() & 1;
  let hi = next();
  let lo = next();
  if (kind === 0) {
    hi = 0xffffffff;
    lo = (0xffffffff << (next() % 32)) >>> 0;
  } else if (kind === 1) {
    hi = 0x80000000;
    lo = next() % 4;
  } else if (kind === 2) {
    lo = 0;
    hi = (hi & (0xffffffff << (next() % 31))) >>> 0;
  }
  let e: number;
  const ek = next() % 10;
  if (ek < 5) e = 16383 - 40 + (next() % 80);
  else if (ek === 5)
    e = 1 + (next() % 70); // near the bottom
  else if (ek === 6)
    e = 0x7ffe - (next() % 70); // near the top
  else if (ek === 7)
    e = 0; // denormal or pseudo-denormal
  else e = 1 + (next() % 0x7ffd);
  if (e !== 0) hi = (hi | 0x80000000) >>> 0;
  else if (next() % 2 === 0) hi &= 0x7fffffff;
  if (e === 0 && hi === 0 && lo === 0) lo = 1;
  return { se: (sign << 15) | e, hi: hi >>> 0, lo: lo >>> 0 };
}

const PRECISIONS = [
  [PC_SINGLE, 24],
  [PC_DOUBLE, 53],
  [PC_EXTENDED, 64],
] as const;
const ROUNDINGS = [RC_NEAREST, RC_DOWN, RC_UP, RC_ZERO];

/** The flags roundExact's verdict implies. */
function flagsOf(r: Rounded): number {
  return (
    (r.inexact ? FLAG_INEXACT : 0) | (r.underflow ? FLAG_UNDERFLOW : 0) | (r.overflow ? FLAG_OVERFLOW : 0)
  );
}

/** The zero an exact cancellation gives: +0, or -0 when rounding down. */
function zeroOf(rc: number): X80 {
  return { se: rc === RC_DOWN ? 0x8000 : 0, hi: 0, lo: 0 };
}

type Binary = (a: X80, b: X80, ctx: FloatContext, out: Float80) => void;

/** Runs `count` random cases of a binary operation against `expect`. */
function checkBinary(
  name: string,
  op: Binary,
  reference: (a: Exact, b: Exact, bits: number, rc: number) => Rounded | X80,
  count: number,
  seed: number,
): void {
  const next = rng(seed);
  const ctx = new FloatContext();
  const out = new Float80();
  for (let i = 0; i < count; i++) {
    const a = operand(next);
    // One case in eight pairs near-equal operands (cancellation, quotients near 1).
    const b =
      next() % 8 === 0
        ? { ...a, se: a.se ^ (next() & 0x8000), lo: (a.lo ^ (next() % 4)) >>> 0 }
        : operand(next);
    if ((b.se & 0x7fff) === 0 && b.hi === 0 && b.lo === 0) b.lo = 1;
    for (const [pc, bits] of PRECISIONS) {
      for (const rc of ROUNDINGS) {
        ctx.precision = pc;
        ctx.rounding = rc;
        ctx.flags = 0;
        op(a, b, ctx, out);
        const want = reference(exactOf(a), exactOf(b), bits, rc);
        const value = "value" in want ? want.value : want;
        const flags = "value" in want ? flagsOf(want) : 0;
        const got = { se: out.se, hi: out.hi >>> 0, lo: out.lo >>> 0 };
        const label = `${name} ${show(a)} ${show(b)} pc=${bits} rc=${rc}`;
        expect(show(got), label).toBe(show(value));
        expect(ctx.flags, label).toBe(flags);
      }
    }
  }
}

const add: Binary = (a, b, ctx, out) => add80(a.se, a.hi, a.lo, b.se, b.hi, b.lo, 0, ctx, out);
const sub: Binary = (a, b, ctx, out) => add80(a.se, a.hi, a.lo, b.se, b.hi, b.lo, 1, ctx, out);
const mul: Binary = (a, b, ctx, out) => mul80(a.se, a.hi, a.lo, b.se, b.hi, b.lo, ctx, out);
const div: Binary = (a, b, ctx, out) => div80(a.se, a.hi, a.lo, b.se, b.hi, b.lo, ctx, out);

describe("floatx80 arithmetic against an exact reference", () => {
  it("adds", () => {
    checkBinary(
      "add",
      add,
      (a, b, bits, rc) => {
        const s = exactAdd(a, b);
        return s === null ? zeroOf(rc) : roundExact(s, bits, rc);
      },
      500,
      1,
    );
  });

  it("subtracts", () => {
    checkBinary(
      "sub",
      sub,
      (a, b, bits, rc) => {
        const s = exactAdd(a, { ...b, sign: b.sign ^ 1 });
        return s === null ? zeroOf(rc) : roundExact(s, bits, rc);
      },
      500,
      2,
    );
  });

  it("multiplies", () => {
    checkBinary("mul", mul, (a, b, bits, rc) => roundExact(exactMul(a, b), bits, rc), 500, 3);
  });

  it("divides", () => {
    checkBinary("div", div, (a, b, bits, rc) => roundExact(exactDiv(a, b), bits, rc), 300, 4);
  });

  it("takes square roots", () => {
    const next = rng(5);
    const ctx = new FloatContext();
    const out = new Float80();
    for (let i = 0; i < 400; i++) {
      const a = operand(next);
      a.se &= 0x7fff;
      for (const [pc, bits] of PRECISIONS) {
        for (const rc of ROUNDINGS) {
          ctx.precision = pc;
          ctx.rounding = rc;
          ctx.flags = 0;
          sqrt80(a.se, a.hi, a.lo, ctx, out);
          const want = roundSqrt(exactOf(a), bits, rc);
          const label = `sqrt ${show(a)} pc=${bits} rc=${rc}`;
          expect(show({ se: out.se, hi: out.hi, lo: out.lo }), label).toBe(show(want.value));
          expect(ctx.flags, label).toBe(flagsOf(want));
        }
      }
    }
  });

  it("rounds square roots that fall exactly halfway to even (possible below 64 bits)", () => {
    // (2^24 + 1)^2 = 2^48 + 2^25 + 1: its root needs 25 bits, a tie at 24.
    const root = (1n << 24n) + 1n;
    const sq = root * root; // 49 bits
    const m = sq << 15n; // 64-bit significand
    const ctx = new FloatContext();
    ctx.precision = PC_SINGLE;
    const out = new Float80();
    sqrt80(16383 + 48, Number(m >> 32n), Number(m & 0xffffffffn), ctx, out);
    // root = 2^24 + 1 -> 24 bits: tie between 2^24 and 2^24 + 2: even is 2^24.
    expect(show({ se: out.se, hi: out.hi, lo: out.lo })).toBe(
      show({ se: 16383 + 24, hi: 0x80000000, lo: 0 }),
    );
    expect(ctx.flags).toBe(FLAG_INEXACT);
  });
});

describe("floatx80 special values (x86 rules as QEMU's softfloat applies them)", () => {
  const ctx = new FloatContext();
  const out = new Float80();
  const one = { se: 0x3fff, hi: 0x80000000, lo: 0 };
  const inf = { se: 0x7fff, hi: 0x80000000, lo: 0 };
  const negInf = { se: 0xffff, hi: 0x80000000, lo: 0 };
  const qnan = (sign: number, frac: number) => ({ se: (sign << 15) | 0x7fff, hi: 0xc0000000 | frac, lo: 0 });
  const snan = (sign: number, frac: number) => ({ se: (sign << 15) | 0x7fff, hi: 0x80000000 | frac, lo: 0 });
  const zero = { se: 0, hi: 0, lo: 0 };
  const negZero = { se: 0x8000, hi: 0, lo: 0 };
  const unnormal = { se: 0x3fff, hi: 0x40000000, lo: 0 };
  const defaultNaN = { se: 0xffff, hi: 0xc0000000, lo: 0 };

  /** Runs op fresh and returns [result, flags]. */
  function run(op: Binary, a: X80, b: X80, rc = RC_NEAREST): [string, number] {
    ctx.rounding = rc;
    ctx.precision = PC_EXTENDED;
    ctx.flags = 0;
    op(a, b, ctx, out);
    return [show({ se: out.se, hi: out.hi, lo: out.lo }), ctx.flags];
  }

  it("answers invalid encodings (unnormals, pseudo-NaN) with the default NaN and #IA", () => {
    expect(run(add, unnormal, one)).toEqual([show(defaultNaN), FLAG_INVALID]);
    expect(run(mul, one, { se: 0x7fff, hi: 0x40000000, lo: 1 })).toEqual([show(defaultNaN), FLAG_INVALID]);
    // an unnormal beats even a NaN operand
    expect(run(div, qnan(0, 5), unnormal)).toEqual([show(defaultNaN), FLAG_INVALID]);
  });

  it("propagates NaNs by the x87 rules", () => {
    // QNaN + number -> the QNaN; SNaN + number -> silenced SNaN with #IA
    expect(run(add, qnan(0, 7), one)).toEqual([show(qnan(0, 7)), 0]);
    expect(run(add, one, snan(1, 7))).toEqual([show(qnan(1, 7)), FLAG_INVALID]);
    // SNaN + QNaN -> the QNaN (even with a smaller significand), #IA
    expect(run(mul, snan(0, 0x3fffffff), qnan(0, 1))).toEqual([show(qnan(0, 1)), FLAG_INVALID]);
    // two QNaNs -> larger significand; equal significands -> the positive one
    expect(run(add, qnan(0, 1), qnan(1, 2))).toEqual([show(qnan(1, 2)), 0]);
    expect(run(add, qnan(1, 3), qnan(0, 3))).toEqual([show(qnan(0, 3)), 0]);
    // subtraction does not flip the sign of a propagated NaN
    expect(run(sub, one, qnan(0, 9))).toEqual([show(qnan(0, 9)), 0]);
  });

  it("signs zeros and infinities as IEEE 754 says", () => {
    expect(run(add, zero, negZero)).toEqual([show(zero), 0]);
    expect(run(add, zero, negZero, RC_DOWN)).toEqual([show(negZero), 0]);
    expect(run(sub, one, one, RC_DOWN)).toEqual([show(negZero), 0]);
    expect(run(sub, zero, one)).toEqual([show({ ...one, se: 0xbfff }), 0]);
    expect(run(add, inf, negInf)).toEqual([show(defaultNaN), FLAG_INVALID]);
    expect(run(mul, inf, negZero)).toEqual([show(defaultNaN), FLAG_INVALID]);
    expect(run(div, one, negZero)).toEqual([show(negInf), FLAG_DIVIDE_BY_ZERO]);
    expect(run(div, zero, zero)).toEqual([show(defaultNaN), FLAG_INVALID]);
    expect(run(div, one, inf)).toEqual([show(zero), 0]);
  });

  it("rounds an operand to the precision even when adding zero", () => {
    ctx.precision = PC_SINGLE;
    ctx.rounding = RC_NEAREST;
    ctx.flags = 0;
    add80(0x3fff, 0x80000000, 0x1, 0, 0, 0, 0, ctx, out);
    expect([show({ se: out.se, hi: out.hi, lo: out.lo }), ctx.flags]).toEqual([show(one), FLAG_INEXACT]);
  });

  it("rounds to integers in each mode", () => {
    const cases: [X80, number, X80, number][] = [
      [
        { se: 0x3fff, hi: 0xc0000000, lo: 0 },
        RC_NEAREST,
        { se: 0x4000, hi: 0x80000000, lo: 0 },
        FLAG_INEXACT,
      ], // 1.5 -> 2
      [
        { se: 0x4000, hi: 0xa0000000, lo: 0 },
        RC_NEAREST,
        { se: 0x4000, hi: 0x80000000, lo: 0 },
        FLAG_INEXACT,
      ], // 2.5 -> 2
      [{ se: 0xbffe, hi: 0x80000000, lo: 0 }, RC_NEAREST, negZero, FLAG_INEXACT], // -0.5 -> -0
      [{ se: 0xbffe, hi: 0x80000000, lo: 0 }, RC_DOWN, { se: 0xbfff, hi: 0x80000000, lo: 0 }, FLAG_INEXACT],
      [{ se: 0x3ffe, hi: 0x80000001, lo: 0 }, RC_UP, one, FLAG_INEXACT],
      [{ se: 0x403e, hi: 0x80000000, lo: 3 }, RC_NEAREST, { se: 0x403e, hi: 0x80000000, lo: 3 }, 0], // 2^63 + 3
      [
        { se: 0x403d, hi: 0x80000000, lo: 3 },
        RC_NEAREST,
        { se: 0x403d, hi: 0x80000000, lo: 4 },
        FLAG_INEXACT,
      ], // 2^62+1.5 -> 2^62+2
      [
        { se: 0x401e, hi: 0xffffffff, lo: 0x80000000 },
        RC_NEAREST,
        { se: 0x401f, hi: 0x80000000, lo: 0 },
        FLAG_INEXACT,
      ],
    ];
    for (const [a, rc, want, flags] of cases) {
      ctx.precision = PC_EXTENDED;
      ctx.rounding = rc;
      ctx.flags = 0;
      roundToInt80(a.se, a.hi, a.lo, ctx, out);
      expect([show({ se: out.se, hi: out.hi, lo: out.lo }), ctx.flags], show(a)).toEqual([show(want), flags]);
    }
  });

  it("orders values, NaNs unordered (signalling compares raise #IA for any NaN)", () => {
    const c = (a: X80, b: X80, quiet: boolean) => {
      ctx.flags = 0;
      return [compare80(a.se, a.hi, a.lo, b.se, b.hi, b.lo, quiet, ctx), ctx.flags];
    };
    expect(c(one, inf, false)).toEqual([CMP_LESS, 0]);
    expect(c(zero, negZero, false)).toEqual([CMP_EQUAL, 0]);
    expect(c(negInf, { se: 0xbfff, hi: 0x80000000, lo: 0 }, false)).toEqual([CMP_LESS, 0]);
    expect(c({ se: 0xbfff, hi: 0x80000000, lo: 0 }, { se: 0xc000, hi: 0x80000000, lo: 0 }, false)).toEqual([
      CMP_GREATER,
      0,
    ]);
    expect(c(qnan(0, 0), one, true)).toEqual([CMP_UNORDERED, 0]);
    expect(c(qnan(0, 0), one, false)).toEqual([CMP_UNORDERED, FLAG_INVALID]);
    expect(c(snan(0, 1), one, true)).toEqual([CMP_UNORDERED, FLAG_INVALID]);
    expect(c(unnormal, one, true)).toEqual([CMP_UNORDERED, FLAG_INVALID]);
    // a pseudo-denormal equals the normal with exponent 1
    expect(c({ se: 0, hi: 0x80000000, lo: 0 }, { se: 1, hi: 0x80000000, lo: 0 }, true)).toEqual([
      CMP_EQUAL,
      0,
    ]);
  });
});
