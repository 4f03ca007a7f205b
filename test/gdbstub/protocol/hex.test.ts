// Hex parsing for RSP numbers: exactly the hex digits, up to 13 of them, anything else refused.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ProtocolError } from "../../../src/gdbstub/protocol/errors.ts";
import { parseHex } from "../../../src/gdbstub/protocol/hex.ts";

describe("parseHex", () => {
  it("reads any case of up to 13 hex digits", () => {
    expect(parseHex("fe060")).toBe(0xfe060);
    expect(parseHex("FFFFFFFF")).toBe(0xffffffff);
    expect(parseHex("0")).toBe(0);
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 52n) - 1n }), fc.boolean(), (n, upper) => {
        const text = upper ? n.toString(16).toUpperCase() : n.toString(16);
        expect(parseHex(text)).toBe(Number(n));
      }),
    );
  });

  it("refuses empty, too long and non-hex text", () => {
    for (const bad of ["", "12345678901234", "12g4", "-1", " 1", "0x10", "1.5"]) {
      expect(() => parseHex(bad, "address")).toThrow(ProtocolError);
    }
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 13 }), (text) => {
        if (/^[0-9a-fA-F]+$/.test(text)) expect(parseHex(text)).toBe(Number.parseInt(text, 16));
        else expect(() => parseHex(text)).toThrow(ProtocolError);
      }),
    );
  });
});
