// alu.ts's 32-bit one-operand IMUL, DIV and IDIV (exact double arithmetic, no BigInt) against a
// BigInt model of the SDM's definitions: EDX:EAX results, CF/OF of IMUL, #DE when the divisor is 0
// or the quotient does not fit. Edge values (0, +-1, the int32 extremes) and seeded random ones.

import { expect, test } from "vitest";
import { mulDiv } from "../../../src/emu/cpu/alu.ts";
import { CpuFault, EXC_DE } from "../../../src/emu/cpu/state.ts";
import { flat32 } from "./helpers.ts";

const EAX = 0;
const EDX = 2;
const CF_OF = 0x1 | 0x800;
const IMUL = 5;
const DIV = 6;
const IDIV = 7;

const EDGES = [
  0, 1, 2, 3, 0x7fffffff, 0x80000000, 0x80000001, 0xffffffff, 0xfffffffe, 0x10000, 0xffff, 12345678,
];

/** A 32-bit value from a seeded generator (xorshift), biased toward small and extreme values. */
function* values(seed: number, n: number): Generator<number> {
  let s = seed;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    const r = s >>> 0;
    yield i % 4 === 0 ? EDGES[r % EDGES.length]! : i % 4 === 1 ? r >>> (r & 31) : r;
  }
}

/** What the SDM says kind (IMUL, DIV, IDIV) of `v` on EDX:EAX gives: [eax, edx, CF/OF set] or "#DE". */
function model(kind: number, edx: number, eax: number, v: number): [number, number, boolean] | "#DE" {
  const u = (x: bigint) => Number(BigInt.asUintN(32, x));
  if (kind === IMUL) {
    const p = BigInt(eax | 0) * BigInt(v | 0);
    return [u(p), u(p >> 32n), BigInt.asIntN(32, p) !== p];
  }
  if (kind === DIV) {
    if (v >>> 0 === 0) return "#DE";
    const n = (BigInt(edx >>> 0) << 32n) | BigInt(eax >>> 0);
    const q = n / BigInt(v >>> 0);
    return q > 0xffffffffn ? "#DE" : [u(q), u(n % BigInt(v >>> 0)), false];
  }
  if ((v | 0) === 0) return "#DE";
  const n = BigInt.asIntN(64, (BigInt(edx >>> 0) << 32n) | BigInt(eax >>> 0));
  const q = n / BigInt(v | 0);
  return q > 0x7fffffffn || q < -0x80000000n ? "#DE" : [u(q), u(n % BigInt(v | 0)), false];
}

/** Runs mulDiv on a fresh CPU; the same shape as model(). */
function run(kind: number, edx: number, eax: number, v: number): [number, number, boolean] | "#DE" {
  const c = flat32([]).cpu;
  c.regs[EAX] = eax;
  c.regs[EDX] = edx;
  try {
    mulDiv(c, kind, v, 4);
  } catch (e) {
    if (e instanceof CpuFault && e.vector === EXC_DE) return "#DE";
    throw e;
  }
  return [c.regs[EAX]! >>> 0, c.regs[EDX]! >>> 0, (c.getEflags() & CF_OF) === CF_OF];
}

test.each([
  ["IMUL", IMUL],
  ["DIV", DIV],
  ["IDIV", IDIV],
])("32-bit %s matches the BigInt model on edge and random operands", (_name, kind) => {
  const a = [...values(0x1234567 + kind, 600)];
  const b = [...values(0x7654321 - kind, 600)];
  const d = [...values(0x0badf00d ^ kind, 600)];
  let checked = 0;
  for (let i = 0; i < a.length; i++) {
    // EDX below the divisor half the time, so most divisions do not raise #DE.
    const edx = kind === IMUL ? b[i]! : i % 2 === 0 ? (b[i]! >>> 0) % Math.max(1, d[i]! >>> 1) : b[i]!;
    const want = model(kind, edx, a[i]!, d[i]!);
    const got = run(kind, edx, a[i]!, d[i]!);
    if (kind !== IMUL && want !== "#DE" && got !== "#DE") {
      // DIV and IDIV leave CF/OF undefined: compare the registers only.
      expect(
        [got[0], got[1]],
        `${kind} ${edx.toString(16)}:${a[i]!.toString(16)} / ${d[i]!.toString(16)}`,
      ).toEqual([want[0], want[1]]);
    } else {
      expect(got, `${kind} ${edx.toString(16)}:${a[i]!.toString(16)} by ${d[i]!.toString(16)}`).toEqual(want);
    }
    checked++;
  }
  expect(checked).toBe(600);
});

test("IDIV's edge quotients: -2^31 fits, +2^31 raises #DE; the remainder takes the dividend's sign", () => {
  // -2^31 / 1 and 2^31 / -1 give -2^31; -2^31 / -1 would be +2^31.
  expect(run(IDIV, 0xffffffff, 0x80000000, 1)).toEqual([0x80000000, 0, false]);
  expect(run(IDIV, 0, 0x80000000, 0xffffffff)).toEqual([0x80000000, 0, false]);
  expect(run(IDIV, 0xffffffff, 0x80000000, 0xffffffff)).toBe("#DE");
  // -7 / 2 = -3 remainder -1; 7 / -2 = -3 remainder 1.
  expect(run(IDIV, 0xffffffff, -7 >>> 0, 2)).toEqual([-3 >>> 0, 0xffffffff, false]);
  expect(run(IDIV, 0, 7, -2 >>> 0)).toEqual([-3 >>> 0, 1, false]);
});
