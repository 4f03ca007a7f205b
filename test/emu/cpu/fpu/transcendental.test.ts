// The transcendental and rarer x87 instructions on the unit alone, with results QEMU 7.2 gave for
// the same operands in firmware/tests/x87 (round to nearest, 64-bit precision): a check that runs
// without QEMU. exec-x87.test.ts compares the whole operand table against QEMU itself.
import { describe, expect, it } from "vitest";
import { partialArctangent } from "../../../../src/emu/cpu/fpu/arctangent.ts";
import { Float80 } from "../../../../src/emu/cpu/fpu/floatx80-parts.ts";
import { twoToXMinusOne, yLog2X, yLog2XPlusOne } from "../../../../src/emu/cpu/fpu/transcendental.ts";
import { X87 } from "../../../../src/emu/cpu/fpu/x87.ts";
import { extract, scale, sineOrCosine, storeBcd } from "../../../../src/emu/cpu/fpu/x87-misc.ts";
import { FpuRegisters } from "../../../../src/emu/cpu/fpu-registers.ts";

type Value = readonly [number, number, number];
const ONE: Value = [0x3fff, 0x80000000, 0];
const MINUS_1_5: Value = [0xbfff, 0xc0000000, 0];
const PI: Value = [0x4000, 0xc90fdaa2, 0x2168c235];
const TENTH: Value = [0x3ffb, 0xcccccccc, 0xcccccccd];
const MINUS_0_7: Value = [0xbffe, 0xb3333333, 0x33333333];
const BIG: Value = [0x403e, 0x80000000, 1]; // 2^63 + 1
const ZERO: Value = [0, 0, 0];

/** A unit after FNINIT with `b` then `a` pushed (ST(0) = a, ST(1) = b). */
function unit(a: Value, b: Value = ONE): X87 {
  const x = new X87(new FpuRegisters());
  x.init();
  x.loadExtended(...b);
  x.loadExtended(...a);
  return x;
}

/** ST(i) as the 10 bytes FNSAVE stores, in hex, memory order. */
function image(x: X87, i: number): string {
  const f = new Float80();
  x.read(i, f);
  const bytes = new Uint8Array(10);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, f.lo >>> 0, true);
  view.setUint32(4, f.hi >>> 0, true);
  view.setUint16(8, f.se, true);
  return Buffer.from(bytes).toString("hex");
}

describe("transcendental instructions give QEMU 7.2's bits", () => {
  it("F2XM1, FPATAN, FYL2X, FYL2XP1", () => {
    let x = unit(MINUS_0_7);
    twoToXMinusOne(x);
    expect([image(x, 0), x.status()]).toEqual(["e471cd0740b8d3c4fdbf", 0x3020]);
    x = unit(ONE, MINUS_1_5);
    partialArctangent(x);
    expect([image(x, 0), x.status()]).toEqual(["00d9b40f945e98fbfebf", 0x3820]);
    x = unit(PI, ONE);
    yLog2X(x);
    expect([image(x, 0), x.status()]).toEqual(["d9baefc6a43964d3ff3f", 0x3820]);
    x = unit(TENTH, PI);
    yLog2XPlusOne(x);
    expect([image(x, 0), x.status()]).toEqual(["8d31ceec8c7d2cddfd3f", 0x3820]);
  });

  it("FSIN through binary64, FSCALE saturating its count, FXTRACT of zero, FBSTP", () => {
    let x = unit(PI);
    sineOrCosine(x, false);
    expect([image(x, 0), x.status()]).toEqual(["0038e0a29831318dca3f", 0x3000]);
    x = unit(ONE, BIG);
    scale(x);
    expect([image(x, 0), x.status()]).toEqual(["0000000000000080ff7f", 0x3028]);
    x = unit(ZERO);
    extract(x);
    expect([image(x, 0), image(x, 1), x.status()]).toEqual([
      "00000000000000000000",
      "0000000000000080ffff",
      0x2804,
    ]);
    x = unit([0x400f, 0xf1206c9f, 0xbe76c8b4]); // 123456.78...
    const bcd = new Uint8Array(10);
    x.raise(storeBcd(x, bcd));
    expect([Buffer.from(bcd).toString("hex"), x.status()]).toEqual(["57341200000000000000", 0x3020]);
  });
});
