// The translated-code cache of a machine (shared by its CPUs): blocks keyed by the host-buffer
// index of their first byte (every RAM/ROM byte has one, so this is the physical identity of the
// code whatever maps it) and the mode bits that change decoding; a direct-mapped table in front of
// the map for the run loop; which buffer pages hold translated code (a TLB never caches such a
// page for writes, so every store to it takes the slow path, which calls written()); hotness
// counters; a budget of generated source with eviction (a full flush, as QEMU's tb_flush); the
// statistics `monitor info jit` prints.

import type { Tlb } from "../mmu.ts";

/** A translated basic block. */
export class Block {
  constructor(
    /**
     * Buffer index of its first byte as an int32 (`index | 0`: past 2 GiB it is negative), so the run
     * loop compares and the cache keys small integers whatever the buffer's size.
     */
    readonly start: number,
    /** Buffer index of its lowest code byte (in the same page as `start`: a trace may jump back). */
    readonly low: number,
    /** Bytes from `low` to the end of its highest code byte. */
    readonly length: number,
    /** code32 | stack32 << 1 when it was translated. */
    readonly mode: number,
    /** EIP of its first instruction (its EIP constants are absolute). */
    readonly eip0: number,
    /** Highest EIP of its code bytes: the block runs only while this is inside the CS limit. */
    readonly lastEip: number,
    /** Instructions it retires at most in one pass (the budget must allow them all). */
    readonly count: number,
    /** Exit numbers it returns: 0 to exits - 1 (see EXIT_*). */
    exits: number,
    /** Size of its generated source (the budget counts it). */
    readonly sourceBytes: number,
    /**
     * The generated function: runs the block (repeatedly if it loops on itself, within `end`) and
     * returns how it left: EXIT_OTHER, EXIT_RETURN, or the number of one of its exits to a constant
     * EIP (a branch taken, a CALL, its fall-through), each with its own number from EXIT_FIRST_DIRECT.
     */
    readonly run: (c: never, end: number) => number,
    /** A second, inline translation (translate.ts tier2): never promoted again. */
    readonly tier2: boolean,
  ) {
    this.links = new Array<Block | null>(exits).fill(null);
  }
  /** False once its code was written, remapped or flushed: links to it must not be followed. */
  valid = true;
  /** Passes through it: entries plus loops on itself (a first translation is translated again at TIER2_RUNS). */
  runs = 0;
  /**
   * Per exit number: the block the dispatcher last found where that exit went (null: none yet).
   * After EXIT_RETURN that block is followed only when EIP is its first EIP again.
   */
  readonly links: (Block | null)[];
}

/** Block exits (Block.run's results): left with an EIP no link can name (indirect, stop, fault path). */
export const EXIT_OTHER = 0;
/** Left through its RET: EIP came from the stack. */
export const EXIT_RETURN = 1;
/** The first number of its exits to a constant EIP (a taken branch, a CALL, its fall-through). */
export const EXIT_FIRST_DIRECT = 2;

/** Slots of the direct-mapped lookup table (a power of two). */
const TABLE_SIZE = 1 << 16;
/** Hotness counters (a power of two; indexes collide harmlessly). */
const HOT_SIZE = 1 << 16;
/**
 * Entries at a block leader (a branch target; run-jit.ts) before the block starting there is
 * translated. V8 compiling a block costs
 * about what the interpreter spends on some 100,000 instructions, so only code that runs often is
 * worth it: the Debian boot (bench boot) took 61 s of CPU with 300, 54 s with 1000 or 5000, and
 * 67 s with 40 (73-78 s before blocks had a second tier: most of it V8's compiler and blocks it never
 * optimized). Once most fallbacks were generated (emit-extra.ts), on a quiet machine: 40.6 s wall
 * with 400, 38.3 and 40.1 s with 1000, 35.0 and 36.9 s with 3000, 36.7 s with 8000. Once only
 * block leaders were counted (translated inline at once, see TIER2_RUNS): 33.2 s with 1000, 29.0 s
 * with 3000, 30.9 s with 8000.
 */
const HOT_THRESHOLD = 3000;
/**
 * Runs after which a block is translated again with inline fast paths (translate.ts tier2); 1: hot
 * blocks are translated inline at once (the default). A first translation calling the helpers
 * costs V8 half the compile time, but V8 compiles it again and again to nothing's profit when the
 * block soon runs enough to be promoted: the Debian boot took 26.4 and 26.1 s wall (34.6 and
 * 34.1 s CPU) inline at once against 27.6 s (37.1 s) with first translations promoted after 2000
 * runs, and 30.1 s after 200; the CPU benchmark's four workloads were the same within 3%.
 * PCSCOPE_JIT_TIER2=N brings first translations back (the test suite runs both tiers).
 */
const TIER2_RUNS = 1;

/**
 * A tuning knob from the environment (a positive integer), else `fallback`. The test suite sets
 * PCSCOPE_JIT_HOT and PCSCOPE_JIT_TIER2 low so short test loops run translated code.
 */
function knob(name: string, fallback: number): number {
  const v = Number(process.env[name]);
  return Number.isInteger(v) && v > 0 ? v : fallback;
}
/** Generated source bytes kept before the cache is flushed. */
const SOURCE_BUDGET = 64 << 20;
/** Invalidations of a page after which it is no longer translated (self-modifying code). */
const SMC_LIMIT = 64;

/** The translation cache and its statistics. */
export class CodeCache {
  /** Translation on (PCSCOPE_JIT=0 or --no-jit turn it off). */
  enabled = process.env.PCSCOPE_JIT !== "0";
  /** Entries at an address before it is translated (HOT_THRESHOLD; at most 65535). */
  hotThreshold = Math.min(knob("PCSCOPE_JIT_HOT", HOT_THRESHOLD), 0xffff);
  /** Runs after which a block is translated again inline (1: every block at once). */
  tier2Runs = knob("PCSCOPE_JIT_TIER2", TIER2_RUNS);
  /** Direct-mapped front table: slot start & (TABLE_SIZE - 1). */
  readonly table: (Block | null)[] = new Array(TABLE_SIZE).fill(null);
  /** Per mode (code32 | stack32 << 1): the blocks by int32 start (Block.start). */
  private readonly blocks: Map<number, Block>[] = [new Map(), new Map(), new Map(), new Map()];
  /** Per buffer page: blocks starting or ending there. */
  private readonly pageBlocks = new Map<number, Block[]>();
  /** Per buffer page (index >>> 12): 1 when translated code lives there. */
  codePages = new Uint8Array(0);
  /** Per buffer page: invalidations so far (pages past SMC_LIMIT stay interpreted). */
  private smcCount = new Uint8Array(0);
  readonly hot = new Uint16Array(HOT_SIZE);
  /** TLBs that must drop write entries of a page when code is translated there. */
  private readonly tlbs: Tlb[] = [];
  private sourceBytes = 0;
  // Statistics.
  translated = 0;
  /** Instructions of translated blocks left to the interpreter (no generator for them). */
  fallbacks = 0;
  lookups = 0;
  hits = 0;
  /** Block runs entered through a link from the previous block (no lookup). */
  chained = 0;
  /** Blocks translated a second time, inline (TIER2_RUNS). */
  promoted = 0;
  invalidations = 0;
  flushes = 0;

  /** Sizes the page maps for a host buffer of `bytes` bytes. */
  sizeFor(bytes: number): void {
    const pages = (bytes >>> 12) + 2;
    if (this.codePages.length < pages) {
      this.codePages = new Uint8Array(pages);
      this.smcCount = new Uint8Array(pages);
    }
  }

  /** Registers a TLB to keep write entries of code pages out of. */
  attach(tlb: Tlb): void {
    if (!this.tlbs.includes(tlb)) this.tlbs.push(tlb);
  }

  /** The block at buffer index `start` (as Block.start: int32) for `mode` and EIP `eip`, or undefined. */
  find(start: number, mode: number, eip: number): Block | undefined {
    const b = this.blocks[mode]!.get(start);
    if (b !== undefined && b.eip0 === eip) {
      this.table[start & (TABLE_SIZE - 1)] = b;
      return b;
    }
    return undefined;
  }

  /** Counts an entry at `start` (int32 or unsigned); true when it is hot enough to translate (and pages allow it). */
  isHot(start: number): boolean {
    const i = start & (HOT_SIZE - 1);
    const n = this.hot[i] + 1;
    if (n < this.hotThreshold) {
      this.hot[i] = n;
      return false;
    }
    this.hot[i] = 0;
    return this.smcCount[start >>> 12] < SMC_LIMIT;
  }

  /** Adds a translated block; flushes everything first when the source budget is spent. */
  insert(b: Block): void {
    if (this.sourceBytes + b.sourceBytes > SOURCE_BUDGET) this.flush();
    this.blocks[b.mode]!.set(b.start, b);
    this.table[b.start & (TABLE_SIZE - 1)] = b;
    this.sourceBytes += b.sourceBytes;
    this.translated++;
    const first = b.low >>> 12;
    const last = (b.low + b.length - 1) >>> 12;
    for (let p = first; p <= last; p++) {
      let list = this.pageBlocks.get(p);
      if (list === undefined) {
        list = [];
        this.pageBlocks.set(p, list);
      }
      list.push(b);
      if (this.codePages[p] === 0) this.protect(p);
    }
  }

  /**
   * Puts `b`, the second translation of `old` (same start, mode and code), in its place: `old` is
   * no longer valid, so links to it are dropped and relinked to `b` by the run loop.
   */
  replace(old: Block, b: Block): void {
    old.valid = false;
    this.sourceBytes -= old.sourceBytes;
    this.insert(b);
    this.translated--;
    this.promoted++;
  }

  /** Marks buffer page `p` as holding code and drops every TLB write entry reaching into it. */
  private protect(p: number): void {
    this.codePages[p] = 1;
    const lo = p * 0x1000;
    for (const t of this.tlbs) t.dropWritesInto(lo, lo + 0x1000);
  }

  /**
   * Buffer bytes [index, index + length) were written (by a CPU's slow-path store, DMA or a
   * debugger): drops the blocks whose code bytes they overlap, as QEMU does (data beside code in a
   * page, as in SeaBIOS's F segment, leaves the code translated). Returns true if any block was dropped.
   */
  written(index: number, length: number): boolean {
    let hit = false;
    const end = index + length;
    const last = (end - 1) >>> 12;
    for (let p = index >>> 12; p <= last; p++) {
      if (this.codePages[p] !== 0 && this.dropOverlapping(p, index, end)) hit = true;
    }
    return hit;
  }

  /**
   * Drops the blocks of code page `p` overlapping buffer bytes [from, to); the page is ordinary
   * again once none is left. Returns true if one was dropped.
   */
  private dropOverlapping(p: number, from: number, to: number): boolean {
    const list = this.pageBlocks.get(p);
    let dropped = false;
    let kept = 0;
    if (list !== undefined) {
      for (const b of list) {
        if (!b.valid) continue;
        if (b.low < to && b.low + b.length > from) {
          this.drop(b);
          dropped = true;
        } else list[kept++] = b;
      }
      list.length = kept;
    }
    if (kept === 0) {
      this.pageBlocks.delete(p);
      this.codePages[p] = 0;
    }
    if (dropped) {
      this.invalidations++;
      if (this.smcCount[p] < 255) this.smcCount[p]++;
    }
    return dropped;
  }

  /** Removes block `b` from the cache: links to it are no longer followed. */
  private drop(b: Block): void {
    b.valid = false;
    const map = this.blocks[b.mode]!;
    if (map.get(b.start) === b) {
      map.delete(b.start);
      this.sourceBytes -= b.sourceBytes;
    }
    const slot = b.start & (TABLE_SIZE - 1);
    if (this.table[slot] === b) this.table[slot] = null;
  }

  /**
   * Drops every translation (memory map, A20 or machine reset, a restored snapshot, the budget
   * spent). Pages become ordinary again: their TLB write entries are refilled on the next store.
   */
  flush(): void {
    if (this.liveBlocks() === 0 && this.pageBlocks.size === 0) return;
    for (const list of this.pageBlocks.values()) for (const b of list) b.valid = false;
    for (const map of this.blocks) map.clear();
    this.pageBlocks.clear();
    this.table.fill(null);
    this.codePages.fill(0);
    this.hot.fill(0);
    this.sourceBytes = 0;
    this.flushes++;
  }

  /** Blocks in the cache. */
  private liveBlocks(): number {
    let n = 0;
    for (const map of this.blocks) n += map.size;
    return n;
  }

  /** The lines of `monitor info jit`. */
  info(): string {
    const rate = this.lookups === 0 ? 0 : (100 * this.hits) / this.lookups;
    let pages = 0;
    for (let p = 0; p < this.codePages.length; p++) pages += this.codePages[p];
    return [
      `translation: ${this.enabled ? "on" : "off"}`,
      `blocks: ${this.liveBlocks()} (${this.translated} translated since start, ${this.fallbacks} instructions in them left to the interpreter)`,
      `code bytes: ${this.sourceBytes} of ${SOURCE_BUDGET} generated, over ${pages} guest pages`,
      `hit rate: ${rate.toFixed(1)}% (${this.hits} block runs of ${this.lookups} lookups)`,
      `chained: ${this.chained} block runs entered through a link`,
      `promoted: ${this.promoted} hot blocks translated again with inline fast paths`,
      `invalidations: ${this.invalidations}; flushes: ${this.flushes}`,
      "",
    ].join("\n");
  }
}
