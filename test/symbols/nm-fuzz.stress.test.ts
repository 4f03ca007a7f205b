// Fuzzing the nm parser with listings in all three forms (BSD, POSIX, SysV), with archive headers,
// sizes, huge addresses and names with spaces, then mutated: truncated anywhere, bytes flipped,
// garbage and binary lines inserted, lines duplicated, gzip'd whole or gzip'd and cut. Properties:
// loading returns (or, for bad gzip only, throws SymbolFileError naming the file) in bounded time,
// every error names a real line, an unmutated listing loads exactly what was written, and lookups
// on whatever was accepted agree with a naive resolver over the table's own symbols.
// `npm test` runs 200 listings; `npm run stress N symbols/nm-fuzz` runs N (at least 20).
import { gzipSync } from "node:zlib";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type SymbolInfo, SymbolTable } from "../../src/symbols/index.ts";
import { stressCount } from "../helpers/stress.ts";

/** Listings to run: at least 20, so that some are loaded whatever the mutations (`npm run stress 1`). */
const COUNT = Math.max(stressCount(200), 20);
const TWO_64 = 1n << 64n;
/** A listing of a few thousand lines parses in milliseconds; this bound only catches hangs. */
const PARSE_MS_BOUND = 2000;
/** Listings per fast-check run. */
const CHUNK = 500;

interface GenSymbol {
  name: string;
  type: string;
  address: bigint;
  size: bigint | null;
}

const hex16 = (v: bigint) => v.toString(16).padStart(16, "0");

/** Writes symbols in one of nm's forms (SysV uses FUNC for code letters). */
function listing(form: "bsd" | "posix" | "sysv", syms: GenSymbol[], member: string | null): string {
  const lines: string[] = [];
  if (member !== null) lines.push("", form === "sysv" ? `Symbols from lib.a[${member}]:` : `${member}:`);
  if (form === "sysv")
    lines.push(
      "",
      "Name                  Value           Class        Type         Size     Line  Section",
      "",
    );
  for (const s of syms) {
    if (form === "bsd")
      lines.push(`${hex16(s.address)} ${s.size !== null ? `${hex16(s.size)} ` : ""}${s.type} ${s.name}`);
    else if (form === "posix")
      lines.push(
        `${s.name} ${s.type} ${s.address.toString(16)}${s.size !== null ? ` ${s.size.toString(16)}` : ""}`,
      );
    else {
      const kind = "TtWwi".includes(s.type) ? "FUNC" : "OBJECT";
      lines.push(
        `${s.name}|${hex16(s.address)}|${s.type}|${kind}|${s.size !== null ? s.size.toString(16) : ""}||.text`,
      );
    }
  }
  return `${lines.join("\n")}\n`;
}

const symbolArb: fc.Arbitrary<GenSymbol> = fc.record({
  name: fc.stringMatching(/^[A-Za-z_.$][A-Za-z0-9_.$@]{0,20}$/),
  type: fc.constantFrom(..."TtDdBbRrWwVvAaGgSsi"),
  address: fc.oneof(
    fc.bigInt({ min: 0n, max: 0xfffffn }),
    fc.bigInt({ min: 0n, max: TWO_64 - 1n }),
    fc.constantFrom(0n, 0xffffffffn, 0x100000000n, TWO_64 - 1n, TWO_64 - 16n),
  ),
  size: fc.option(fc.oneof(fc.bigInt({ min: 1n, max: 0x1000n }), fc.constantFrom(TWO_64 - 1n, 0x100000000n))),
});

/** A mutation of the listing's bytes. */
type Mutation =
  | { kind: "truncate"; at: number }
  | { kind: "flip"; at: number; byte: number }
  | { kind: "insert"; at: number; text: string }
  | { kind: "binary"; at: number; bytes: Uint8Array }
  | { kind: "duplicate"; at: number };

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("flip" as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({
    kind: fc.constant("insert" as const),
    at: fc.nat(),
    text: fc.oneof(
      fc.string({ maxLength: 80 }),
      fc.constantFrom(
        "\n",
        "\r\n",
        "\t",
        "|||||||",
        " U ",
        "ffffffffffffffffff T big\n",
        "x.o:\n",
        "-",
        "\0",
      ),
    ),
  }),
  fc.record({ kind: fc.constant("binary" as const), at: fc.nat(), bytes: fc.uint8Array({ maxLength: 64 }) }),
  fc.record({ kind: fc.constant("duplicate" as const), at: fc.nat() }),
);

/** Applies mutations to the bytes. */
function mutate(bytes: Uint8Array, mutations: Mutation[]): Uint8Array {
  let b = bytes;
  for (const m of mutations) {
    const at = b.length === 0 ? 0 : m.at % (b.length + 1);
    if (m.kind === "truncate") b = b.subarray(0, at);
    else if (m.kind === "flip") {
      if (b.length > 0) {
        b = Uint8Array.from(b);
        b[at % b.length] = m.byte;
      }
    } else if (m.kind === "insert" || m.kind === "binary") {
      const add = m.kind === "insert" ? new TextEncoder().encode(m.text) : m.bytes;
      b = Uint8Array.from([...b.subarray(0, at), ...add, ...b.subarray(at)]);
    } else {
      const end = b.indexOf(10, at);
      const line = b.subarray(at, end < 0 ? b.length : end + 1);
      b = Uint8Array.from([...b.subarray(0, at), ...line, ...line, ...b.subarray(at + line.length)]);
    }
  }
  return b;
}

/** Preference at one address, as src/symbols/address-index.ts states it. */
function rank(s: SymbolInfo): number {
  if (s.type === "A" || s.type === "a") return 4;
  return (s.text ? 0 : 2) + (s.global ? 0 : 1);
}

/** The end of a sized symbol (clamped to 2^64). */
function endOf(s: SymbolInfo): bigint {
  const e = s.address + (s.size ?? 0n);
  return e > TWO_64 ? TWO_64 : e;
}

/** A naive resolver over the table's own symbols: the rules of address-index.ts, by brute force. */
function naiveResolve(all: SymbolInfo[], q: bigint): SymbolInfo | null {
  let nearest = -1n;
  for (const s of all) if (s.address <= q && s.address > nearest) nearest = s.address;
  if (nearest < 0n) return null;
  const best = (list: SymbolInfo[]) => list.sort((a, b) => rank(a) - rank(b) || a.index - b.index)[0] ?? null;
  const atNearest = all.filter((s) => s.address === nearest && (s.size === null || q < endOf(s)));
  if (atNearest.length > 0) return best(atNearest);
  // Innermost enclosing sized symbol: the greatest start below `nearest` whose range covers q.
  const enclosing = all.filter((s) => s.size !== null && s.address < nearest && q < endOf(s));
  if (enclosing.length === 0) return null;
  let start = -1n;
  for (const s of enclosing) if (s.address > start) start = s.address;
  return best(enclosing.filter((s) => s.address === start));
}

describe("nm listings, generated and mutated", () => {
  it("load in bounded time, report real lines, and answer lookups consistently", async () => {
    let accepted = 0;
    let gzipRefused = 0;
    let lookups = 0;
    const property = fc.property(
      fc.constantFrom("bsd" as const, "posix" as const, "sysv" as const),
      fc.array(symbolArb, { minLength: 1, maxLength: 60 }),
      fc.option(fc.constantFrom("a.o", "dir/b.o")),
      fc.array(mutationArb, { maxLength: 4 }),
      fc.constantFrom("plain", "gzip", "gzip-cut"),
      fc.array(fc.bigInt({ min: 0n, max: TWO_64 - 1n }), { maxLength: 20 }),
      (form, syms, member, mutations, packing, probes) => {
        const text = listing(form, syms, member);
        const plain = mutate(new TextEncoder().encode(text), mutations);
        let bytes = plain;
        if (packing !== "plain") {
          bytes = gzipSync(plain);
          if (packing === "gzip-cut") bytes = bytes.subarray(0, Math.floor(bytes.length / 2));
        }
        const table = new SymbolTable();
        const started = performance.now();
        try {
          const result = table.addBytes(bytes, "fuzz.nm");
          const lineCount = new TextDecoder().decode(plain).split("\n").length;
          for (const e of result.errors) {
            expect(e.file).toBe("fuzz.nm");
            expect(e.line).toBeGreaterThanOrEqual(1);
            expect(e.line).toBeLessThanOrEqual(lineCount);
          }
        } catch (err) {
          expect((err as Error).name).toBe("SymbolFileError");
          expect((err as Error).message).toMatch(/^fuzz\.nm: corrupt gzip data/);
          expect(packing).toBe("gzip-cut");
          gzipRefused++;
          return;
        }
        expect(performance.now() - started).toBeLessThan(PARSE_MS_BOUND);
        accepted++;
        const all: SymbolInfo[] = [];
        for (let i = 0; i < table.count; i++) all.push(table.symbol(i));
        if (mutations.length === 0) {
          // Unmutated: exactly the defined symbols written, with their member.
          expect(table.errors).toEqual([]);
          const key = (s: { name: string; address: bigint; type: string }) =>
            `${s.name}@${s.address}:${s.type}`;
          // (lower-case w and v are weak undefined references in GNU nm: counted, not stored)
          const defined = syms.filter((s) => s.type !== "w" && s.type !== "v");
          expect(all.map(key).sort()).toEqual(defined.map(key).sort());
          for (const s of all) expect(s.member).toBe(member);
        }
        // Lookups on what was accepted: every symbol's own address, its neighbours and its end,
        // and random probes, against the naive resolver over the same symbols.
        const queries = [...probes];
        for (const s of all.slice(0, 20)) {
          queries.push(s.address, (s.address + 1n) % TWO_64, (s.address + TWO_64 - 1n) % TWO_64);
          if (s.size !== null) queries.push((endOf(s) - 1n) % TWO_64, endOf(s) % TWO_64);
        }
        for (const q of queries) {
          const want = naiveResolve(all, q);
          const got = table.resolve(q);
          expect(got?.symbol.index ?? null, `resolve(0x${q.toString(16)})`).toBe(want?.index ?? null);
          if (got !== null) expect(got.offset).toBe(q - got.symbol.address);
          lookups++;
        }
        for (const s of all.slice(0, 20)) {
          expect(table.lookupName(s.name).some((hit) => hit.index === s.index)).toBe(true);
          table.search(s.name.slice(0, 3), 5);
        }
      },
    );
    // In chunks (each its own seed), letting the test runner's worker answer its RPC in between.
    const seed = Number(process.env.PCSCOPE_FUZZ_SEED ?? 0x5eed);
    for (let done = 0, chunk = 0; done < COUNT; chunk++) {
      const numRuns = Math.min(CHUNK, COUNT - done);
      fc.assert(property, { numRuns, seed: seed + chunk });
      done += numRuns;
      await new Promise((resolve) => setImmediate(resolve));
    }
    console.log(
      `nm fuzz: ${COUNT} listings, ${accepted} loaded, ${gzipRefused} cut gzip refused, ${lookups} lookups checked`,
    );
    expect(accepted).toBeGreaterThan(0);
  });
});
