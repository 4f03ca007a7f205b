// Reading listings (src/symbols/load.ts): plain or gzip'd, and bounded after decompression too, so
// a small gzip file that expands without end (a "gzip bomb") is refused instead of filling memory.
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { decodeListing, SymbolFileError } from "../../src/symbols/load.ts";

const MiB = 1024 * 1024;

describe("decodeListing", () => {
  it("gunzips a listing within the limit", () => {
    const text = "00001000 T start\n";
    expect(decodeListing(gzipSync(Buffer.from(text)), "x.nm.gz", MiB)).toBe(text);
  });

  it("refuses a listing that decompresses past the limit", () => {
    const bomb = gzipSync(Buffer.alloc(2 * MiB, 0x41)); // a few KiB that expand to 2 MiB
    expect(bomb.length).toBeLessThan(16 * 1024);
    expect(() => decodeListing(bomb, "bomb.nm.gz", MiB)).toThrow(SymbolFileError);
    expect(() => decodeListing(bomb, "bomb.nm.gz", MiB)).toThrow(
      /^bomb\.nm\.gz: decompresses to more than the 1 MiB limit$/,
    );
  });
});
