// The symbol lookups the UI needs, and how to print `<sym+0xoff>`. tableResolver adapts src/symbols'
// SymbolTable; the UI only sees this interface (and works with none: NO_SYMBOLS).
import type { SymbolTable } from "../../symbols/index.ts";

/** A resolved address: the symbol containing it and the offset into it. */
export interface SymbolHit {
  readonly name: string;
  readonly offset: bigint;
}

/** A symbol found by name or search. */
export interface SymbolEntry {
  readonly name: string;
  readonly addr: bigint;
}

export interface SymbolResolver {
  /** The nearest symbol at or before `addr` (within its size when known), or null. */
  lookupAddress(addr: bigint): SymbolHit | null;
  /** The address of `name` (exact match first, then a unique prefix), or null. */
  lookupName(name: string): bigint | null;
  /** Up to `limit` symbols whose names match `text` (best first). */
  search(text: string, limit: number): SymbolEntry[];
}

/** A resolver that knows nothing. */
export const NO_SYMBOLS: SymbolResolver = {
  lookupAddress: () => null,
  lookupName: () => null,
  search: () => [],
};

/** `name` or `name+0x1f`. */
export function formatSymbolHit(hit: SymbolHit): string {
  return hit.offset === 0n ? hit.name : `${hit.name}+0x${hit.offset.toString(16)}`;
}

/** `<name+0x1f>` for an address, or "" when no symbol covers it. */
export function symbolSuffix(symbols: SymbolResolver, addr: bigint): string {
  const hit = symbols.lookupAddress(addr);
  return hit === null ? "" : `<${formatSymbolHit(hit)}>`;
}

/** A resolver over an in-memory list (tests and the local firmware's table). Sizes unknown. */
export function listResolver(entries: readonly SymbolEntry[]): SymbolResolver {
  const sorted = [...entries].sort((a, b) => (a.addr < b.addr ? -1 : a.addr > b.addr ? 1 : 0));
  const byName = new Map(sorted.map((e) => [e.name, e.addr]));
  return {
    lookupAddress(addr) {
      let lo = 0;
      let hi = sorted.length - 1;
      let found = -1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (sorted[mid]!.addr <= addr) {
          found = mid;
          lo = mid + 1;
        } else hi = mid - 1;
      }
      if (found < 0) return null;
      const e = sorted[found]!;
      return { name: e.name, offset: addr - e.addr };
    },
    lookupName(name) {
      const exact = byName.get(name);
      if (exact !== undefined) return exact;
      const prefixed = sorted.filter((e) => e.name.startsWith(name));
      return prefixed.length === 1 ? prefixed[0]!.addr : null;
    },
    search(text, limit) {
      const needle = text.toLowerCase();
      const hits = sorted.filter((e) => e.name.toLowerCase().includes(needle));
      hits.sort((a, b) => rank(a.name, needle) - rank(b.name, needle) || a.name.localeCompare(b.name));
      return hits.slice(0, limit);
    },
  };
}

/** 0 for an exact match, 1 for a prefix, 2 otherwise. */
function rank(name: string, needle: string): number {
  const lower = name.toLowerCase();
  return lower === needle ? 0 : lower.startsWith(needle) ? 1 : 2;
}

/** Adapts a loaded SymbolTable (nm listings) to the UI's interface. */
export function tableResolver(table: SymbolTable): SymbolResolver {
  table.prepare();
  return {
    lookupAddress(addr) {
      const r = table.resolve(addr);
      return r === null ? null : { name: r.symbol.name, offset: r.offset };
    },
    lookupName(name) {
      const hits = table.lookupName(name, 2);
      if (hits.length === 0) return null;
      if (hits[0]!.name === name || hits.length === 1) return hits[0]!.address;
      return null;
    },
    search(text, limit) {
      return table.search(text, limit).map((s) => ({ name: s.name, addr: s.address }));
    },
  };
}
