import { describe, expect, it } from "vitest";
import { callEndsAt, readWord, returnSlot } from "../../../src/tui/logic/frames.ts";
import { NO_SYMBOLS } from "../../../src/tui/logic/symbol-resolver.ts";

const bytes = (...b: number[]) => Uint8Array.from(b);
const REAL = { bitness: 16, csBase: 0xf0000n, realSegments: true } as const;
const FLAT32 = { bitness: 32, csBase: 0n, realSegments: false } as const;

describe("returnSlot", () => {
  it("finds the return address at entry, after push bp, and through a bp frame", () => {
    const frame16 = bytes(0x55, 0x89, 0xe5, 0x90, 0x90);
    expect(returnSlot(frame16, 0)).toBe("sp");
    expect(returnSlot(frame16, 1)).toBe("sp+word");
    expect(returnSlot(frame16, 3)).toBe("bp+word");
    expect(returnSlot(bytes(0x66, 0x55, 0x66, 0x89, 0xe5), 2)).toBe("sp+word");
    expect(returnSlot(bytes(0x66, 0x55, 0x66, 0x8b, 0xec), 5)).toBe("bp+word");
    expect(returnSlot(bytes(0x55, 0x48, 0x89, 0xe5, 0x90), 4)).toBe("bp+word");
  });

  it("gives up past the entry of a function without that prologue", () => {
    expect(returnSlot(bytes(0x31, 0xc0, 0xc3, 0, 0), 2)).toBeNull();
    expect(returnSlot(bytes(0x55, 0x31, 0xc0, 0, 0), 3)).toBeNull();
  });
});

describe("callEndsAt", () => {
  it("accepts a return address right after a near, indirect or far call", () => {
    // 16-bit: ... e8 f6 00 | return at 0x10a
    expect(callEndsAt(bytes(0, 0, 0, 0, 0, 0, 0xe8, 0xf6, 0x00), 0x10an, REAL, NO_SYMBOLS)).toBe(true);
    // 16-bit: 9a 00 03 00 f1 | return at 0x115
    expect(callEndsAt(bytes(0, 0, 0, 0, 0x9a, 0x00, 0x03, 0x00, 0xf1), 0x115n, REAL, NO_SYMBOLS)).toBe(true);
    // 32-bit: ff 15 disp32 (call [disp32])
    expect(
      callEndsAt(bytes(0, 0, 0, 0xff, 0x15, 0x00, 0x10, 0x40, 0x00), 0x401000n, FLAT32, NO_SYMBOLS),
    ).toBe(true);
  });

  it("refuses an address no call ends at", () => {
    expect(callEndsAt(bytes(0, 0, 0, 0, 0, 0, 0, 0, 0), 0x115n, REAL, NO_SYMBOLS)).toBe(false);
    expect(
      callEndsAt(bytes(0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0xc3), 0x200n, REAL, NO_SYMBOLS),
    ).toBe(false);
  });

  it("reads little-endian words", () => {
    expect(readWord(bytes(0x15, 0x01, 0x00, 0xf0), 0, 2)).toBe(0x115n);
    expect(readWord(bytes(0x15, 0x01, 0x00, 0xf0), 2, 2)).toBe(0xf000n);
  });
});
