// The address -> symbol index: symbols sorted by (address, preference) with a radix sort over the
// 32-bit halves, and a binary search over typed arrays for lookups (no allocation, no bigint).
//
// Rules (close to gdb's minimal-symbol lookup):
// - the answer is a symbol at the nearest address <= the query;
// - among symbols at one address, code beats data and globals beat locals (then listing order);
// - a symbol with a known size only covers [start, start + size); a symbol without one covers up to
//   the next symbol's address;
// - when no symbol at the nearest address covers the query, the sized symbols enclosing that address
//   are tried, innermost first (a label inside a function, a function after a padding gap); if none
//   covers it, there is no answer.
import { FLAG_ABSOLUTE, FLAG_GLOBAL, FLAG_SIZED, FLAG_TEXT, type SymbolColumns } from "./columns.ts";

// Module-local copies (imported bindings are getter calls under tsx's CommonJS output).
const F_ABSOLUTE = FLAG_ABSOLUTE;
const F_GLOBAL = FLAG_GLOBAL;
const F_SIZED = FLAG_SIZED;
const F_TEXT = FLAG_TEXT;
const TWO_32 = 0x1_0000_0000;
const MAX_32 = 0xffff_ffff;

/** Preference rank at one address (lower wins). */
function rankOf(flags: number): number {
  if (flags & F_ABSOLUTE) return 4;
  return (flags & F_TEXT ? 0 : 2) + (flags & F_GLOBAL ? 0 : 1);
}

const RADIX = 1 << 16;
/** One sorted start in this many is copied to the first-stage search array. */
const SAMPLE_STRIDE = 32;

/**
 * One stable LSD counting-sort pass of `src` (symbol indices) into `dst` by the 16-bit digit of
 * `key[i] >>> shift`. Returns false (and leaves dst untouched) when every key has the same digit.
 */
function radixPass(
  src: Uint32Array,
  dst: Uint32Array,
  key: Uint32Array,
  shift: number,
  counts: Uint32Array,
): boolean {
  const n = src.length;
  counts.fill(0);
  for (let i = 0; i < n; i++) counts[(key[src[i]!]! >>> shift) & 0xffff]!++;
  for (let d = 0; d < RADIX; d++) if (counts[d] === n) return false;
  let sum = 0;
  for (let d = 0; d < RADIX; d++) {
    const c = counts[d]!;
    counts[d] = sum;
    sum += c;
  }
  for (let i = 0; i < n; i++) {
    const s = src[i]!;
    dst[counts[(key[s]! >>> shift) & 0xffff]!++] = s;
  }
  return true;
}

/** Immutable sorted view of a SymbolColumns snapshot. */
export class AddressIndex {
  /** Number of entries (every stored symbol). */
  readonly length: number;
  /** Symbol index of sorted entry k. */
  readonly symbol: Uint32Array;
  /** Start of entry k as halves at [2k] (high) and [2k + 1] (low): one cache line holds both. */
  private readonly start: Uint32Array;
  /**
   * Last byte (start + size - 1, saturated at 2^64 - 1) of a sized entry k, same layout; unused for
   * unsized ones. Inclusive, so a symbol ending at 2^64 still covers the top address.
   */
  private readonly last: Uint32Array;
  private readonly sized: Uint8Array;
  /** First entry of the group (same address) entry k belongs to. */
  private readonly groupStart: Int32Array;
  /** For a group's first entry: the last entry of the innermost enclosing sized symbol's group, or -1. */
  private readonly parent: Int32Array;
  /** Starts of entries 0, SAMPLE_STRIDE, 2*SAMPLE_STRIDE, ... (small enough to stay in cache). */
  private readonly sampleHi: Uint32Array;
  private readonly sampleLo: Uint32Array;

  /** Sorts the first `columns.count` symbols; O(n) passes plus O(n) for the enclosing chains. */
  constructor(columns: SymbolColumns) {
    const n = columns.count;
    this.length = n;
    let order = new Uint32Array(n);
    let spare = new Uint32Array(n);
    const rank = new Uint32Array(n);
    for (let i = 0; i < n; i++) {
      order[i] = i;
      rank[i] = rankOf(columns.flags[i]!);
    }
    const counts = new Uint32Array(RADIX);
    const passes: [Uint32Array, number][] = [
      [rank, 0],
      [columns.addrLo, 0],
      [columns.addrLo, 16],
      [columns.addrHi, 0],
      [columns.addrHi, 16],
    ];
    for (const [key, shift] of passes) {
      if (radixPass(order, spare, key, shift, counts)) [order, spare] = [spare, order];
    }
    this.symbol = order;
    this.start = new Uint32Array(2 * n);
    this.last = new Uint32Array(2 * n);
    this.sized = new Uint8Array(n);
    const { addrHi, addrLo, sizeHi, sizeLo, flags } = columns;
    for (let k = 0; k < n; k++) {
      const s = order[k]!;
      const hi = addrHi[s]!;
      const lo = addrLo[s]!;
      this.start[2 * k] = hi;
      this.start[2 * k + 1] = lo;
      if (flags[s]! & F_SIZED) {
        // last = start + size - 1 (size >= 1), saturating at 2^64 - 1
        this.sized[k] = 1;
        const sum = lo + sizeLo[s]! + (TWO_32 - 1); // + size - 1 as (sizeHi - 1) : (sizeLo + 2^32 - 1)
        const lastHi = hi + sizeHi[s]! - 1 + (sum >= TWO_32 ? 1 : 0) + (sum >= 2 * TWO_32 ? 1 : 0);
        this.last[2 * k] = Math.min(lastHi, MAX_32);
        this.last[2 * k + 1] = lastHi > MAX_32 ? MAX_32 : sum % TWO_32;
      }
    }
    this.groupStart = new Int32Array(n);
    this.parent = new Int32Array(n).fill(-1);
    this.linkGroups();
    const samples = Math.ceil(n / SAMPLE_STRIDE);
    this.sampleHi = new Uint32Array(samples);
    this.sampleLo = new Uint32Array(samples);
    for (let j = 0; j < samples; j++) {
      this.sampleHi[j] = this.start[2 * j * SAMPLE_STRIDE]!;
      this.sampleLo[j] = this.start[2 * j * SAMPLE_STRIDE + 1]!;
    }
  }

  /** Fills groupStart and, with a stack of open sized symbols, each group's enclosing parent. */
  private linkGroups(): void {
    const n = this.length;
    const { start, last: lastByte, sized, groupStart, parent } = this;
    const stack = new Int32Array(n);
    let sp = 0;
    let g = 0;
    while (g < n) {
      const hi = start[2 * g]!;
      const lo = start[2 * g + 1]!;
      let last = g;
      while (last + 1 < n && start[2 * last + 2] === hi && start[2 * last + 3] === lo) last++;
      while (sp > 0) {
        const top = stack[sp - 1]!;
        const lh = lastByte[2 * top]!;
        if (lh > hi || (lh === hi && lastByte[2 * top + 1]! >= lo)) break;
        sp--;
      }
      if (sp > 0) {
        let p = stack[sp - 1]!;
        while (p + 1 < n && start[2 * p + 2] === start[2 * p] && start[2 * p + 3] === start[2 * p + 1]) p++;
        parent[g] = p;
      }
      for (let k = g; k <= last; k++) {
        groupStart[k] = g;
        if (sized[k]) stack[sp++] = k;
      }
      g = last + 1;
    }
  }

  /**
   * The sorted entry that covers the address hi:lo (unsigned halves), or -1. Allocation-free.
   * Use `symbol[k]` for the symbol index.
   */
  find(hi: number, lo: number): number {
    // Stage 1: the cache-resident sample (every SAMPLE_STRIDE-th start) narrows the search to one
    // block; stage 2: the block itself. Both find the first start > the query (upper bound).
    const { sampleHi, sampleLo } = this;
    let low = 0;
    let high = sampleHi.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      const h = sampleHi[mid]!;
      if (h < hi || (h === hi && sampleLo[mid]! <= lo)) low = mid + 1;
      else high = mid;
    }
    if (low === 0) return -1;
    const { start } = this;
    high = Math.min(low * SAMPLE_STRIDE, this.length);
    low = (low - 1) * SAMPLE_STRIDE + 1;
    while (low < high) {
      const mid = (low + high) >>> 1;
      const h = start[2 * mid]!;
      if (h < hi || (h === hi && start[2 * mid + 1]! <= lo)) low = mid + 1;
      else high = mid;
    }
    let last = low - 1;
    let nearest = true;
    const { last: lastByte, sized, groupStart, parent } = this;
    while (last >= 0) {
      const g = groupStart[last]!;
      for (let k = g; k <= last; k++) {
        if (sized[k] === 0) {
          if (nearest) return k;
        } else {
          const lh = lastByte[2 * k]!;
          if (hi < lh || (hi === lh && lo <= lastByte[2 * k + 1]!)) return k;
        }
      }
      last = parent[g]!;
      nearest = false;
    }
    return -1;
  }
}
