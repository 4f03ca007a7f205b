// The AML encoder's primitives (ACPI 6.4 §20.2): PkgLength with aml-build's choice of byte count,
// integers in their shortest form, name strings with root/parent prefixes and multi-segment paths,
// EISA IDs and UUIDs, and a small Method as ASL compilers and QEMU encode it.
import { describe, expect, it } from "vitest";
import {
  arg,
  eisaId,
  int,
  lEqual,
  method,
  nameString,
  pkgLength,
  ret,
  store,
  str,
  toUuid,
} from "../../../src/emu/acpi/aml.ts";

describe("AML encoding", () => {
  it("encodes PkgLength in 1-4 bytes, counting itself", () => {
    expect(pkgLength(0x3d, true)).toEqual([0x3e]);
    // 62 bytes + 1 would be 63, but aml-build moves to two bytes from length + 1 >= 64 on.
    expect(pkgLength(0x3f, true)).toEqual([0x41, 0x04]);
    expect(pkgLength(0x0ffc, true)).toEqual([0x4e, 0xff]);
    expect(pkgLength(0x0ffe, true)).toEqual([0x81, 0x00, 0x01]);
    expect(pkgLength(0x100000, true)).toEqual([0xc4, 0x00, 0x00, 0x01]);
    // Field element widths do not count themselves.
    expect(pkgLength(32, false)).toEqual([32]);
    expect(pkgLength(160, false)).toEqual([0x40, 0x0a]);
  });

  it("encodes integers in the shortest form", () => {
    expect(int(0)).toEqual([0x00]);
    expect(int(1)).toEqual([0x01]);
    expect(int(2)).toEqual([0x0a, 0x02]);
    expect(int(0x100)).toEqual([0x0b, 0x00, 0x01]);
    expect(int(0xfed00000)).toEqual([0x0c, 0x00, 0x00, 0xd0, 0xfe]);
    expect(int(0x100000000n)).toEqual([0x0e, 0, 0, 0, 0, 1, 0, 0, 0]);
    expect(() => int(-1)).toThrow();
  });

  it("encodes names, strings, EISA IDs and UUIDs", () => {
    expect(nameString("\\")).toEqual([0x5c, 0x00]);
    expect(nameString("DBG")).toEqual([0x44, 0x42, 0x47, 0x5f]);
    expect(nameString("_SB.PCI0")).toEqual([0x2e, ...Buffer.from("_SB_PCI0")]);
    expect(nameString("\\_SB.PCI0.PRES")).toEqual([0x5c, 0x2f, 0x03, ...Buffer.from("_SB_PCI0PRES")]);
    expect(nameString("^PCI0")).toEqual([0x5e, ...Buffer.from("PCI0")]);
    expect(str("AB")).toEqual([0x0d, 0x41, 0x42, 0x00]);
    expect(eisaId("PNP0A03")).toEqual([0x0c, 0x41, 0xd0, 0x0a, 0x03]);
    expect(toUuid("e5c937d0-3553-4d7a-9117-ea4d19c3434d").slice(4, 12)).toEqual([
      0xd0, 0x37, 0xc9, 0xe5, 0x53, 0x35, 0x7a, 0x4d,
    ]);
  });

  it("encodes a method with its flags and body", () => {
    // Method (TEST, 2, Serialized) { Return (Arg0 == Arg1) }
    expect(method("TEST", 2, true, ret(lEqual(arg(0), arg(1))))).toEqual([
      0x14,
      0x0a,
      ...Buffer.from("TEST"),
      0x0a,
      0xa4,
      0x93,
      0x68,
      0x69,
    ]);
    expect(store(int(0), nameString("X"))).toEqual([0x70, 0x00, 0x58, 0x5f, 0x5f, 0x5f]);
  });
});
