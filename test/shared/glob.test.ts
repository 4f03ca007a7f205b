import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileGlob, MAX_PATTERN_LENGTH, PatternError } from "../../src/shared/glob.ts";

/** What a glob means, by brute force over every split (exponential, for short strings only). */
function reference(pattern: string, text: string): boolean {
  if (pattern === "") return text === "";
  const p = pattern[0]!;
  if (p === "*") {
    for (let i = 0; i <= text.length; i++) if (reference(pattern.slice(1), text.slice(i))) return true;
    return false;
  }
  return text !== "" && (p === "?" || p === text[0]) && reference(pattern.slice(1), text.slice(1));
}

describe("compileGlob", () => {
  it("matches * and ? as QEMU's trace patterns do, everything else literally", () => {
    const cases: [string, string, boolean][] = [
      ["portio_*", "portio_write", true],
      ["portio_*", "portio_", true],
      ["portio_*", "xportio_write", false],
      ["*_write", "portio_write", true],
      ["*_write", "portio_writeb", false],
      ["qcow2_?ritev_*", "qcow2_writev_start_req", true],
      ["qcow2_?ritev_*", "qcow2_rreadv_start_req", false],
      ["*", "", true],
      ["", "", true],
      ["", "a", false],
      ["a*a", "a", false],
      ["a*a", "aa", true],
      ["*ab*ab*", "xabyab", true],
      ["*ab*ab*", "xaby", false],
      // Regular-expression metacharacters are plain characters.
      ["a.b", "axb", false],
      ["a.b", "a.b", true],
      ["(x|y)+[z]", "(x|y)+[z]", true],
      ["^$\\", "^$\\", true],
    ];
    for (const [pattern, text, want] of cases)
      expect([pattern, text, compileGlob(pattern)(text)]).toEqual([pattern, text, want]);
  });

  it("agrees with the brute-force meaning on random patterns", () => {
    const alphabet = fc.constantFrom("a", "b", "*", "?");
    fc.assert(
      fc.property(
        fc.array(alphabet, { maxLength: 8 }),
        fc.array(fc.constantFrom("a", "b"), { maxLength: 10 }),
        (p, t) => {
          const pattern = p.join("");
          const text = t.join("");
          expect(compileGlob(pattern)(text)).toBe(reference(pattern, text));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("takes milliseconds on patterns that make a backtracking regex take years", () => {
    const text = "a".repeat(100_000);
    const started = performance.now();
    expect(compileGlob("*a*a*a*a*a*b")(text)).toBe(false);
    expect(compileGlob(`${"*?".repeat(100)}b`)(text)).toBe(false);
    expect(compileGlob(`*${"a".repeat(200)}b*`)(text)).toBe(false);
    expect(compileGlob("*a*a*a*a*a*a")(text)).toBe(true);
    expect(performance.now() - started).toBeLessThan(500);
  });

  it("refuses a pattern over the length limit with one line", () => {
    expect(() => compileGlob("a".repeat(MAX_PATTERN_LENGTH))).not.toThrow();
    const long = "x".repeat(MAX_PATTERN_LENGTH + 1);
    expect(() => compileGlob(long)).toThrow(PatternError);
    expect(() => compileGlob(long)).toThrow(
      /^pattern 'x{20}\.\.\.' is 257 characters, longer than the 256-character limit$/,
    );
  });
});
