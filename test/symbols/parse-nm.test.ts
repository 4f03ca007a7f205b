// The nm parser on hand-written lines of each form: detection, headers, undefined and debugging
// entries, and malformed lines (errors naming file and line while the rest still loads); plus a
// fast-check fuzz that it never throws on arbitrary text or bytes.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { detectFormat, formatSymbolError, SymbolTable } from "../../src/symbols/index.ts";

/** Loads text into a fresh table. */
function load(text: string, name = "test.nm") {
  const table = new SymbolTable();
  const result = table.addText(text, name);
  const symbols = Array.from({ length: table.count }, (_, i) => table.symbol(i));
  return { table, result, symbols };
}

describe("format detection", () => {
  it("tells BSD, POSIX and SysV apart", () => {
    expect(detectFormat("0000000000001000 T main\n                 U printf\n")).toBe("bsd");
    expect(detectFormat("0000000000001000 0000000000000020 T main\n")).toBe("bsd");
    expect(detectFormat("main T 1000 20\nprintf U\n")).toBe("posix");
    expect(
      detectFormat(
        "main                |0000000000001000|   T  |              FUNC|0000000000000020|     |.text\n",
      ),
    ).toBe("sysv");
  });

  it("skips headers and blank lines when sampling", () => {
    expect(detectFormat("\nfoo.o:\n0000000000000000 T f\n")).toBe("bsd");
    expect(detectFormat("lib.a[foo.o]:\nf T 0 10\n")).toBe("posix");
  });
});

describe("BSD form", () => {
  it("reads addresses, optional sizes, types and names with spaces", () => {
    const { result, symbols } = load(
      [
        "0000000000001000 0000000000000020 T main",
        "0000000000001020 t helper",
        "                 U printf",
        "                 w __gmon_start__",
        "0000000000002000 0000000000000008 D counter",
        "0000000000003000 T foo(int, char const*)",
        "0000000000000000 N .debug_info",
      ].join("\n"),
    );
    expect(result).toMatchObject({ format: "bsd", symbols: 4, undefinedSymbols: 2, skipped: 1, errors: [] });
    expect(symbols.map((s) => [s.name, s.address, s.size, s.type, s.text, s.global])).toEqual([
      ["main", 0x1000n, 0x20n, "T", true, true],
      ["helper", 0x1020n, null, "t", true, false],
      ["counter", 0x2000n, 8n, "D", false, true],
      ["foo(int, char const*)", 0x3000n, null, "T", true, true],
    ]);
  });

  it("handles CRLF line ends, tabs and 32-bit addresses", () => {
    const { result, symbols } = load("000f0000 T start\r\n000f0100\tt\tloop\r\n");
    expect(result.errors).toEqual([]);
    expect(symbols.map((s) => [s.name, s.address])).toEqual([
      ["start", 0xf0000n],
      ["loop", 0xf0100n],
    ]);
  });

  it("ends names at a TAB (nm -l file:line, /proc/kallsyms [module])", () => {
    const { result, symbols } = load(
      "ffffffff81000000 T _text\nffffffffc0a01000 t foo_init\t[foo]\n0000000000001000 T main\t/src/main.c:12\n",
    );
    expect(result.errors).toEqual([]);
    expect(symbols.map((s) => [s.name, s.address])).toEqual([
      ["_text", 0xffffffff81000000n],
      ["foo_init", 0xffffffffc0a01000n],
      ["main", 0x1000n],
    ]);
  });

  it("attributes symbols to archive members (file.o: headers and blank lines)", () => {
    const { result, symbols } = load("\na.o:\n0000000000000000 T fa\n\nb.o:\n0000000000000000 T fb\n");
    expect(result.errors).toEqual([]);
    expect(symbols.map((s) => [s.name, s.member])).toEqual([
      ["fa", "a.o"],
      ["fb", "b.o"],
    ]);
  });
});

describe("POSIX form", () => {
  it("reads values and sizes, including sizes that look like type letters", () => {
    const { result, symbols } = load("lib.a[x.o]:\nf T 1000 a\ng t 1010\nb B 0 8\nprintf U\na U\n");
    expect(result).toMatchObject({ format: "posix", symbols: 3, undefinedSymbols: 2, errors: [] });
    expect(symbols.map((s) => [s.name, s.type, s.address, s.size, s.member])).toEqual([
      ["f", "T", 0x1000n, 0xan, "x.o"],
      ["g", "t", 0x1010n, null, "x.o"],
      ["b", "B", 0n, 8n, "x.o"],
    ]);
  });
});

describe("SysV form", () => {
  it("reads fields, uses FUNC/OBJECT for code vs data, skips its headers", () => {
    const text = [
      "",
      "",
      "Symbols from lib.a[x.o]:",
      "",
      "Name                  Value           Class        Type         Size             Line  Section",
      "",
      "f                   |0000000000001000|   T  |              FUNC|0000000000000010|     |.text",
      "obj                 |0000000000002000|   W  |            OBJECT|0000000000000004|     |.data",
      "lbl                 |0000000000001008|   t  |            NOTYPE|                |     |.text",
      "printf              |                |   U  |            NOTYPE|                |     |*UND*",
    ].join("\n");
    const { result, symbols } = load(text);
    expect(result).toMatchObject({ format: "sysv", symbols: 3, undefinedSymbols: 1, errors: [] });
    expect(symbols.map((s) => [s.name, s.address, s.size, s.text, s.member])).toEqual([
      ["f", 0x1000n, 0x10n, true, "x.o"],
      ["obj", 0x2000n, 4n, false, "x.o"],
      ["lbl", 0x1008n, null, true, "x.o"],
    ]);
  });
});

describe("malformed lines", () => {
  it("reports file:line for bad hex, missing fields and binary garbage, loading the rest", () => {
    const lines = [
      "0000000000001000 T good1",
      "00000000000010zz T badhex",
      "0000000000001010 T",
      "0000000000001020",
      "\u0000\u0001\u0002\u00ff\ufffd garbage",
      "0000000000001030 Q unknowntype",
      "00000000000010400000000000000000 T toowide",
      "  X name",
      "0000000000002000 T good2",
    ];
    const { result, symbols } = load(lines.join("\n"), "k.map");
    expect(symbols.map((s) => s.name)).toEqual(["good1", "good2"]);
    expect(result.errors.map((e) => e.line)).toEqual([2, 3, 4, 5, 6, 7, 8]);
    const text = result.errors.map(formatSymbolError);
    expect(text[0]).toMatch(/^k\.map:2: bad hex address "00000000000010zz"/);
    expect(text[1]).toMatch(/^k\.map:3: missing symbol name/);
    expect(text[2]).toMatch(/^k\.map:4: missing type and name/);
    expect(text[3]).toMatch(/^k\.map:5: binary data/);
    expect(text[4]).toMatch(/^k\.map:6: unknown type letter "Q"/);
    expect(text[5]).toMatch(/^k\.map:7: bad hex address/);
  });

  it("flags control characters inside a name", () => {
    const { result, symbols } = load("0000000000001000 T ok\n0000000000001010 T bad\u0007name\n");
    expect(symbols.map((s) => s.name)).toEqual(["ok"]);
    expect(result.errors.map(formatSymbolError)).toEqual(["test.nm:2: binary data in symbol name"]);
  });

  it("reports malformed POSIX and SysV lines too", () => {
    const posix = load("f T 1000 10\ng T xyz\nh T 1010\n");
    expect(posix.symbols.map((s) => s.name)).toEqual(["f", "h"]);
    expect(posix.result.errors.map(formatSymbolError)).toEqual([
      'test.nm:2: bad hex value "xyz" (posix form): "g T xyz"',
    ]);
    const sysv = load("f|0000000000001000|T|FUNC|10||.text\ng|zz|T|FUNC|||.text\nnot a sysv line\n");
    expect(sysv.symbols.map((s) => s.name)).toEqual(["f"]);
    expect(sysv.result.errors.map((e) => e.line)).toEqual([2, 3]);
  });
});

describe("fuzz", () => {
  const opts = { numRuns: Number(process.env.PCSCOPE_STRESS_COUNT ?? 300) };

  it("never throws on arbitrary text; errors always carry a valid line number", () => {
    const line = fc.oneof(
      fc.string({ maxLength: 60 }),
      fc
        .tuple(
          fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
          fc.constantFrom(..."TtDdBbUuWwRrAaNCc-?Q"),
          fc.string(),
        )
        .map(([a, t, n]) => `${a.toString(16).padStart(16, "0")} ${t} ${n}`),
      fc
        .tuple(
          fc.string({ maxLength: 20 }),
          fc.constantFrom(..."TtUDw"),
          fc.bigInt({ min: 0n, max: 1n << 70n }),
        )
        .map(([n, t, a]) => `${n} ${t} ${a.toString(16)}`),
      fc.array(fc.string({ maxLength: 12 }), { maxLength: 8 }).map((f) => f.join("|")),
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 40 }), fc.constantFrom("\n", "\r\n"), (lines, eol) => {
        const text = lines.join(eol);
        const table = new SymbolTable();
        const result = table.addText(text, "fuzz.nm");
        const lineCount = text.split("\n").length;
        for (const e of result.errors) {
          expect(e.line).toBeGreaterThanOrEqual(1);
          expect(e.line).toBeLessThanOrEqual(lineCount);
        }
        table.resolve(0x1234n);
        table.search("a", 5);
        table.lookupName("x");
      }),
      opts,
    );
  });

  it("never throws on arbitrary bytes (including a gzip magic with junk after it)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.boolean(), (bytes, magic) => {
        const data = magic ? Uint8Array.from([0x1f, 0x8b, ...bytes]) : bytes;
        const table = new SymbolTable();
        try {
          table.addBytes(data, "bytes.nm");
        } catch (err) {
          expect((err as Error).name).toBe("SymbolFileError");
          expect((err as Error).message).toMatch(/^bytes\.nm: corrupt gzip data/);
        }
        table.resolve(0n);
      }),
      opts,
    );
  });

  it("round-trips every 64-bit address exactly", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), (a) => {
        const { table, result } = load(`${a.toString(16).padStart(16, "0")} T s\n`);
        expect(result.errors).toEqual([]);
        expect(table.symbol(0).address).toBe(a);
        expect(table.resolve(a)?.label).toBe("s");
      }),
      opts,
    );
  });
});
