// Comparing register files laid out differently: the registers both name, minus those QEMU's stub
// does not report.
import { describe, expect, test } from "vitest";
import { compareRegisters, pairRegisters, registerNumber } from "../../src/diff/registers.ts";

const A = [
  { name: "eax", offset: 0, bytes: 4 },
  { name: "eip", offset: 4, bytes: 4 },
  { name: "ftag", offset: 8, bytes: 4 },
  { name: "st0", offset: 12, bytes: 10 },
  { name: "only_a", offset: 22, bytes: 4 },
];
// The same registers in another order, with a size mismatch for st0.
const B = [
  { name: "eip", offset: 0, bytes: 4 },
  { name: "ftag", offset: 4, bytes: 4 },
  { name: "eax", offset: 8, bytes: 4 },
  { name: "st0", offset: 12, bytes: 8 },
];

describe("pairRegisters", () => {
  test("pairs by name and size in A's order; ftag is never compared", () => {
    expect(pairRegisters(A, B)).toEqual([
      { name: "eax", bytes: 4, offsetA: 0, offsetB: 8 },
      { name: "eip", bytes: 4, offsetA: 4, offsetB: 0 },
    ]);
  });
});

describe("compareRegisters", () => {
  test("reports each differing register with both values in hex", () => {
    const a = new Uint8Array(26);
    const b = new Uint8Array(20);
    new DataView(a.buffer).setUint32(0, 0x5a, true); // eax
    new DataView(a.buffer).setUint32(4, 0x7b0, true); // eip
    new DataView(b.buffer).setUint32(0, 0x7b0, true);
    new DataView(b.buffer).setUint32(4, 0xffff, true); // ftag differs: not compared
    expect(compareRegisters(pairRegisters(A, B), a, b)).toEqual([
      { name: "eax", a: "0x0000005a", b: "0x00000000" },
    ]);
    new DataView(b.buffer).setUint32(8, 0x5a, true);
    expect(compareRegisters(pairRegisters(A, B), a, b)).toEqual([]);
    expect(registerNumber(A, a, "eip")).toBe(0x7b0);
  });
});
