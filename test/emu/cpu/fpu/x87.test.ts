// The x87 unit's stack, tags and condition codes (QEMU 7.2's fpu_helper.c model), driven through
// its methods the way the CPU's decoder will drive them. The byte-for-byte check against QEMU is
// the differential x87 ROM once the decoder calls these.
import { describe, expect, it } from "vitest";
import { Float80 } from "../../../../src/emu/cpu/fpu/floatx80-parts.ts";
import {
  EFLAGS_CF,
  EFLAGS_PF,
  EFLAGS_ZF,
  FSW_B,
  FSW_C0,
  FSW_C1,
  FSW_C2,
  FSW_C3,
  FSW_IE,
  FSW_SE,
  FSW_ZE,
  OP_ADD,
  OP_COMP,
  OP_DIV,
  OP_SUB,
  X87,
} from "../../../../src/emu/cpu/fpu/x87.ts";
import { FpuRegisters } from "../../../../src/emu/cpu/fpu-registers.ts";

const ONE = [0x3fff, 0x80000000, 0] as const;
const TWO = [0x4000, 0x80000000, 0] as const;
const THREE = [0x4000, 0xc0000000, 0] as const;

/** A fresh unit after FNINIT. */
function unit(): X87 {
  const x = new X87(new FpuRegisters());
  x.init();
  return x;
}

/** ST(i) as "se:hi:lo" hex. */
function st(x: X87, i: number): string {
  const f = new Float80();
  x.read(i, f);
  return `${f.se.toString(16)}:${(f.hi >>> 0).toString(16)}:${(f.lo >>> 0).toString(16)}`;
}

describe("x87 register stack", () => {
  it("pushes downward from TOP 0 and tags by contents; pops mark empty", () => {
    const x = unit();
    expect(x.fullTagWord()).toBe(0xffff);
    x.loadExtended(...ONE); // ST0 = 1 in R7
    x.loadInteger(0, 0); // ST0 = +0 in R6
    x.loadExtended(0x7fff, 0x80000000, 0); // +inf in R5
    expect(x.top).toBe(5);
    expect((x.status() >> 11) & 7).toBe(5);
    // R7 valid (00), R6 zero (01), R5 special (10), others empty (11)
    expect(x.fullTagWord()).toBe(0b00_01_10_11_11_11_11_11);
    x.pop();
    expect(x.top).toBe(6);
    expect(x.fullTagWord()).toBe(0b00_01_11_11_11_11_11_11);
    expect(x.abridgedTags()).toBe(0b1100_0000);
  });

  it("adds, subtracts with the DC/DE operand order, and pops", () => {
    const x = unit();
    x.loadExtended(...THREE);
    x.loadExtended(...ONE); // ST0 = 1, ST1 = 3
    x.arithmeticSTi(OP_SUB, 1, false); // DC E0+i: ST1 = ST0 - ST1 = -2
    expect(st(x, 1)).toBe("c000:80000000:0");
    x.setOperandRegister(1);
    x.arithmeticST0(OP_ADD); // ST0 = 1 + -2 = -1
    expect(st(x, 0)).toBe("bfff:80000000:0");
    x.arithmeticSTi(OP_DIV, 1, true); // DE F0+i (FDIVRP): ST1 = ST0 / ST1 = -1 / -2, pop
    expect(st(x, 0)).toBe("3ffe:80000000:0");
    expect(x.top).toBe(7);
  });

  it("compares into C3/C2/C0 and EFLAGS; an unmasked invalid sets ES and B", () => {
    const x = unit();
    x.loadExtended(...TWO);
    x.loadExtended(...ONE); // ST0 = 1, ST1 = 2
    x.compareRegister(1, false);
    expect(x.status() & (FSW_C3 | FSW_C2 | FSW_C0)).toBe(FSW_C0); // less
    expect(x.compareToEflags(1, false)).toBe(EFLAGS_CF);
    x.setOperandRegister(0);
    x.arithmeticST0(OP_COMP); // equal, then pop
    expect(x.status() & (FSW_C3 | FSW_C2 | FSW_C0)).toBe(FSW_C3);
    expect(x.top).toBe(7);
    x.loadExtended(0x7fff, 0xc0000000, 0); // a QNaN
    expect(x.compareToEflags(1, true)).toBe(EFLAGS_ZF | EFLAGS_PF | EFLAGS_CF);
    expect(x.status() & FSW_IE).toBe(0); // quiet compare of a QNaN
    x.loadControl(0x037e); // unmask invalid
    x.compareRegister(1, false); // FCOM of a NaN: invalid
    expect(x.status() & (FSW_IE | FSW_SE | FSW_B)).toBe(FSW_IE | FSW_SE | FSW_B);
    expect(x.pending).toBe(true);
    x.clearExceptions();
    expect(x.pending).toBe(false);
  });

  it("divides by zero into ZE and an infinity", () => {
    const x = unit();
    x.loadInteger(0, 0);
    x.loadExtended(...ONE);
    x.setOperandRegister(1);
    x.arithmeticST0(OP_DIV);
    expect(st(x, 0)).toBe("7fff:80000000:0");
    expect(x.status() & FSW_ZE).toBe(FSW_ZE);
  });

  it("examines classes into C3/C2/C0 with the sign in C1", () => {
    const x = unit();
    const cc = () => x.status() & (FSW_C3 | FSW_C2 | FSW_C1 | FSW_C0);
    x.examine();
    expect(cc()).toBe(FSW_C3 | FSW_C0); // empty
    x.loadExtended(0xbfff, 0x80000000, 0);
    x.examine();
    expect(cc()).toBe(FSW_C2 | FSW_C1); // negative normal
    x.loadExtended(0, 0, 1);
    x.examine();
    expect(cc()).toBe(FSW_C3 | FSW_C2); // denormal
    x.loadExtended(0x3fff, 0x40000000, 0);
    x.examine();
    expect(cc()).toBe(0); // unnormal: unsupported
  });

  it("reports FPREM's quotient bits and an incomplete reduction in C2", () => {
    const x = unit();
    x.loadExtended(...THREE); // ST1 = 3
    x.loadInteger(0, 17); // ST0 = 17: 17 = 5*3 + 2
    x.partialRemainder(true);
    expect(st(x, 0)).toBe("4000:80000000:0");
    // q = 5 = 101b: C0 = q2 = 1, C3 = q1 = 0, C1 = q0 = 1
    expect(x.status() & (FSW_C3 | FSW_C2 | FSW_C1 | FSW_C0)).toBe(FSW_C0 | FSW_C1);
    x.loadExtended(0x3fff + 100, 0x80000000, 0); // 2^100 mod 2 (ST1 = 2 now)
    x.partialRemainder(true);
    expect(x.status() & FSW_C2).toBe(FSW_C2); // exponents 99 apart: partial
  });
});
