// Symbol tables from real listings made here with binutils' nm, every lookup checked against nm's
// own answer: a static library (archive members, all three forms, -S, -n, gzip) and a linked
// binary (addresses, sizes, name lookups, and a naive reference resolver on thousands of addresses).
import { beforeAll, describe, expect, it } from "vitest";
import { type ParseResult, type SymbolInfo, SymbolTable } from "../../src/symbols/index.ts";
import {
  isTextType,
  linkedBinary,
  needNm,
  type OracleSymbol,
  oracleFromPosix,
  runNm,
  staticLibrary,
  tempDir,
  writeListing,
} from "./nm-helpers.ts";

/** Asserts two sorted key lists are equal, showing only the first difference (no huge diffs). */
function expectSameKeys(got: string[], want: string[]): void {
  let i = 0;
  while (i < got.length && i < want.length && got[i] === want[i]) i++;
  expect({ firstDifferenceAt: i, entries: got.slice(i, i + 3) }).toEqual({
    firstDifferenceAt: i,
    entries: want.slice(i, i + 3),
  });
  expect(got.length).toBe(want.length);
}

/** A table of one listing text; also returns its load result. */
function load(text: string, name: string): { table: SymbolTable; result: ParseResult } {
  const table = new SymbolTable();
  const result = table.addText(text, name);
  return { table, result };
}

/** `member|name|address|size|type` keys of every symbol in a table, sorted (sizes optional). */
function tableKeys(table: SymbolTable, withSize: boolean): string[] {
  const keys: string[] = [];
  for (let i = 0; i < table.count; i++) {
    const s = table.symbol(i);
    keys.push(`${s.member}|${s.name}|${s.address.toString(16)}|${withSize ? s.size : ""}|${s.type}`);
  }
  return keys.sort();
}

/** The same keys from the oracle's reading of nm -P -S. */
function oracleKeys(oracle: OracleSymbol[], withSize: boolean): string[] {
  return oracle
    .map((s) => `${s.member}|${s.name}|${s.address.toString(16)}|${withSize ? s.size : ""}|${s.type}`)
    .sort();
}

/** Preference rank at one address, as the issue states it: code, then globals, absolute last. */
function rank(s: OracleSymbol): number {
  if (s.type === "A" || s.type === "a") return 4;
  return (isTextType(s.type) ? 0 : 2) + (s.type === s.type.toUpperCase() ? 0 : 1);
}

/**
 * A naive reference resolver over the oracle symbols: the best covering symbol at the nearest
 * address <= q, else the innermost sized symbol starting before that address that still covers q.
 */
function makeReference(oracle: OracleSymbol[]): (q: bigint) => OracleSymbol | null {
  const sorted = oracle
    .map((s, order) => ({ s, order }))
    .sort((a, b) =>
      a.s.address !== b.s.address
        ? a.s.address < b.s.address
          ? -1
          : 1
        : rank(a.s) - rank(b.s) || a.order - b.order,
    )
    .map((x) => x.s);
  const maxEnd: bigint[] = [];
  let m = -1n;
  for (const s of sorted) {
    const end = s.size === null ? -1n : s.address + s.size;
    if (end > m) m = end;
    maxEnd.push(m);
  }
  return (q) => {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid]!.address <= q) lo = mid + 1;
      else hi = mid;
    }
    let j = lo - 1;
    if (j < 0) return null;
    const nearest = sorted[j]!.address;
    let first = j;
    while (first > 0 && sorted[first - 1]!.address === nearest) first--;
    for (let k = first; k <= j; k++) {
      const s = sorted[k]!;
      if (s.size === null || q < s.address + s.size) return s;
    }
    for (j = first - 1; j >= 0 && maxEnd[j]! > q; j--) {
      const s = sorted[j]!;
      if (s.size === null || s.address + s.size <= q) continue;
      let best = j;
      while (best > 0 && sorted[best - 1]!.address === s.address) best--;
      for (let k = best; k <= j; k++) {
        const t = sorted[k]!;
        if (t.size !== null && q < t.address + t.size) return t;
      }
    }
    return null;
  };
}

/** A deterministic pseudo-random generator (xorshift32) for address sampling. */
function prng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}

/** Name lookups agree with nm: every name gives exactly nm's set of (member, address) pairs. */
function checkNames(table: SymbolTable, oracle: OracleSymbol[]): void {
  const byName = new Map<string, string[]>();
  for (const s of oracle) {
    const list = byName.get(s.name) ?? [];
    list.push(`${s.member}@${s.address.toString(16)}`);
    byName.set(s.name, list);
  }
  let mismatches = 0;
  for (const [name, expected] of byName) {
    const got = table.lookupName(name).map((s: SymbolInfo) => `${s.member}@${s.address.toString(16)}`);
    if (got.sort().join() !== expected.sort().join()) mismatches++;
  }
  expect(mismatches).toBe(0);
}

describe.skipIf(!needNm())("symbols from real nm listings", () => {
  describe("a static library (archive members)", () => {
    let lib: string;
    let oracle: OracleSymbol[];
    let dir: string;

    beforeAll(() => {
      const found = staticLibrary();
      if (found === null) throw new Error("no static library found (install libc6-dev)");
      lib = found;
      oracle = oracleFromPosix(runNm(["-P", "-S", lib]));
      dir = tempDir();
    });

    it("has a large listing to work on", () => {
      expect(oracle.length).toBeGreaterThan(1000);
      expect(new Set(oracle.map((s) => s.member)).size).toBeGreaterThan(50);
    });

    const forms: { flags: string[]; format: string; sized: boolean }[] = [
      { flags: [], format: "bsd", sized: false },
      { flags: ["-n", "-S"], format: "bsd", sized: true },
      { flags: ["-B", "-S"], format: "bsd", sized: true },
      { flags: ["-P"], format: "posix", sized: false },
      { flags: ["-P", "-S"], format: "posix", sized: true },
      { flags: ["-f", "sysv"], format: "sysv", sized: true },
    ];
    for (const form of forms) {
      it(`nm ${form.flags.join(" ") || "(default)"}: every symbol with its member, no errors`, () => {
        const { table, result } = load(runNm([...form.flags, lib]), `libc-${form.flags.join("")}.nm`);
        expect(result.format).toBe(form.format);
        expect(result.errors).toEqual([]);
        expect(result.symbols).toBe(oracle.length);
        expect(result.undefinedSymbols).toBeGreaterThan(0);
        expectSameKeys(tableKeys(table, form.sized), oracleKeys(oracle, form.sized));
      });
    }

    it("name lookups return nm's addresses (every name, every member)", () => {
      const { table } = load(runNm(["-S", lib]), "libc.nm");
      checkNames(table, oracle);
    });

    it("reads the gzipped listing exactly like the plain one", () => {
      const { plain, gz } = writeListing(dir, "libc.P.nm", runNm(["-P", "-S", lib]));
      const a = new SymbolTable();
      const b = new SymbolTable();
      a.addFile(plain);
      b.addFile(gz);
      expect(b.loads[0]!.errors).toEqual([]);
      expectSameKeys(tableKeys(b, true), tableKeys(a, true));
    });
  });

  describe("a linked binary", () => {
    let binary: { path: string; flags: string[] };
    let oracle: OracleSymbol[];
    let table: SymbolTable;

    beforeAll(() => {
      const found = linkedBinary();
      if (found === null) throw new Error("no linked binary with symbols found");
      binary = found;
      oracle = oracleFromPosix(runNm([...binary.flags, "-P", "-S", binary.path]));
      table = load(runNm([...binary.flags, "-n", "-S", binary.path]), "bin.nm").table;
    });

    it("loads the same symbols from nm -n -S, nm -P -S, nm -f sysv and unsorted nm -p -S (gzipped too)", () => {
      const dir = tempDir();
      expect(table.count).toBe(oracle.length);
      const keys = tableKeys(table, true);
      expectSameKeys(keys, oracleKeys(oracle, true));
      for (const flags of [
        ["-P", "-S"],
        ["-f", "sysv"],
        ["-p", "-S"],
      ]) {
        const { gz } = writeListing(
          dir,
          `bin${flags.join("")}.nm`,
          runNm([...binary.flags, ...flags, binary.path]),
        );
        const other = new SymbolTable();
        expect(other.addFile(gz).errors).toEqual([]);
        expectSameKeys(tableKeys(other, true), keys);
      }
    });

    it("resolves every text symbol's address to it or to a symbol at the same address", () => {
      let bad = 0;
      let checked = 0;
      for (const s of oracle) {
        if (!isTextType(s.type)) continue;
        checked++;
        const r = table.resolve(s.address);
        if (r === null || r.symbol.address !== s.address || r.offset !== 0n) bad++;
      }
      expect(checked).toBeGreaterThan(1000);
      expect(bad).toBe(0);
    });

    it("resolves the last byte of every sized text symbol inside it", () => {
      let bad = 0;
      for (const s of oracle) {
        if (!isTextType(s.type) || s.size === null) continue;
        const last = s.address + s.size - 1n;
        const r = table.resolve(last);
        if (r === null || r.symbol.address < s.address || r.symbol.address > last) bad++;
        else if (r.symbol.address + r.offset !== last) bad++;
      }
      expect(bad).toBe(0);
    });

    it("agrees with a naive reference resolver on 20,000 sampled addresses (ends, gaps, interiors)", () => {
      const reference = makeReference(oracle);
      const next = prng(0x5eed);
      const sized = oracle.filter((s) => s.size !== null);
      let mismatches = 0;
      const examples: string[] = [];
      for (let n = 0; n < 20_000; n++) {
        const s = (n % 2 === 0 ? sized : oracle)[next() % (n % 2 === 0 ? sized.length : oracle.length)]!;
        const span = s.size ?? 64n;
        const pick = next() % 4;
        const q =
          pick === 0
            ? s.address + span
            : pick === 1
              ? s.address - 1n
              : s.address + (BigInt(next()) % (span * 2n));
        const want = reference(q);
        const got = table.resolve(q);
        const same =
          want === null
            ? got === null
            : got !== null && got.symbol.name === want.name && got.symbol.address === want.address;
        if (!same) {
          mismatches++;
          if (examples.length < 5) examples.push(`${q.toString(16)}: ${got?.label} vs ${want?.name}`);
        }
      }
      expect(examples).toEqual([]);
      expect(mismatches).toBe(0);
    });

    it("name lookups return nm's address for every symbol name", () => {
      checkNames(table, oracle);
    });
  });
});
