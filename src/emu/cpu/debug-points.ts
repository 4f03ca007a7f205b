// The debugger's breakpoints and data watchpoints over linear addresses, kept in tables the run
// loop and the TLB fill can test in one or two array reads. One DebugPoints is shared by every CPU
// of a machine (gdb's breakpoints and watches apply to all threads); its large tables are allocated
// only when the first breakpoint or watch is set, so a machine that never debugs pays nothing.

import type { StopEvent, WatchKind } from "../debug-target.ts";
import type { Tlb } from "./mmu.ts";

/** Linear page numbers: the first entries of bpMap. */
const BP_PAGES = 1 << 20;
/** One bit per byte of a 4 KiB page. */
const BP_WORDS_PER_PAGE = 4096 / 32;
/** Page bitmaps a new breakpoint map has room for before it grows. */
const BP_INITIAL_BITMAPS = 8;

/** The map and counts of a machine without breakpoints or watches: shared, all zero, never written. */
const NO_BREAKPOINTS = new Int32Array(BP_PAGES);
const NO_WATCHES = new Uint16Array(BP_PAGES);

/** A data watchpoint over linear bytes [lin, lin + len). */
interface Watch {
  kind: WatchKind;
  lin: number;
  len: number;
}

export class DebugPoints {
  /**
   * Breakpoints, in one array so the run loop's check is two reads of it: entry [lpn] of a linear
   * page number is 0, or the index of the page's bitmap (BP_WORDS_PER_PAGE words past BP_PAGES,
   * one bit per linear address). bpSet counts insertions per address.
   */
  bpMap = NO_BREAKPOINTS;
  private readonly bpSet = new Map<number, number>();
  /** Watches per linear page, for reads and for writes: a TLB fill leaves such pages uncached. */
  watchR = NO_WATCHES;
  watchW = NO_WATCHES;
  /** Number of watches (the slow paths test it before looking for a match). */
  watchCount = 0;
  private readonly watches: Watch[] = [];
  /** The TLBs of the CPUs using these points (a new watch drops its pages from each). */
  private readonly tlbs: Tlb[] = [];

  /** Registers a CPU's TLB so that new watches take effect on it. */
  attach(tlb: Tlb): void {
    if (!this.tlbs.includes(tlb)) this.tlbs.push(tlb);
  }

  /** True when linear `lin` has a breakpoint (the run loop inlines the same test). */
  hasBreakpoint(lin: number): boolean {
    const map = this.bpMap;
    const bitmap = map[lin >>> 12];
    return bitmap !== 0 && (map[bitmap + ((lin & 0xfff) >>> 5)] & (1 << (lin & 31))) !== 0;
  }

  /** Adds a breakpoint at linear `lin` (insertions are counted: each needs its removal). */
  addBreakpoint(lin: number): void {
    lin |= 0;
    const n = this.bpSet.get(lin) ?? 0;
    this.bpSet.set(lin, n + 1);
    if (n !== 0) return;
    if (this.bpMap === NO_BREAKPOINTS)
      this.bpMap = new Int32Array(BP_PAGES + BP_INITIAL_BITMAPS * BP_WORDS_PER_PAGE);
    const lpn = lin >>> 12;
    if (this.bpMap[lpn] === 0) this.bpMap[lpn] = this.freeBitmap();
    this.bpMap[this.bpMap[lpn] + ((lin & 0xfff) >>> 5)] |= 1 << (lin & 31);
  }

  /** Index of an unused (zeroed) page bitmap in bpMap, growing bpMap when all are taken. */
  private freeBitmap(): number {
    const used = new Set<number>();
    for (const a of this.bpSet.keys()) used.add(this.bpMap[a >>> 12]);
    for (let w = BP_PAGES; w + BP_WORDS_PER_PAGE <= this.bpMap.length; w += BP_WORDS_PER_PAGE) {
      if (!used.has(w)) return w;
    }
    const grown = new Int32Array(this.bpMap.length * 2 - BP_PAGES);
    grown.set(this.bpMap);
    const w = this.bpMap.length;
    this.bpMap = grown;
    return w;
  }

  /** Removes one insertion of the breakpoint at `lin` (none: nothing happens). */
  removeBreakpoint(lin: number): void {
    lin |= 0;
    const n = this.bpSet.get(lin);
    if (n === undefined) return;
    if (n > 1) {
      this.bpSet.set(lin, n - 1);
      return;
    }
    this.bpSet.delete(lin);
    const lpn = lin >>> 12;
    const base = this.bpMap[lpn];
    this.bpMap[base + ((lin & 0xfff) >>> 5)] &= ~(1 << (lin & 31));
    // The page's bitmap is free again when no breakpoint is left in it.
    if (this.bpMap.subarray(base, base + BP_WORDS_PER_PAGE).every((word) => word === 0)) this.bpMap[lpn] = 0;
  }

  /** Adds a watch on [lin, lin + len); the attached TLBs forget its pages so accesses are checked. */
  addWatchpoint(kind: WatchKind, lin: number, len: number): void {
    if (len <= 0) return;
    if (this.watchR === NO_WATCHES) {
      this.watchR = new Uint16Array(BP_PAGES);
      this.watchW = new Uint16Array(BP_PAGES);
    }
    this.watches.push({ kind, lin: lin >>> 0, len });
    this.watchCount = this.watches.length;
    this.forWatchPages(lin, len, (lpn) => {
      if (kind !== "write") this.watchR[lpn]++;
      if (kind !== "read") this.watchW[lpn]++;
      for (const tlb of this.tlbs) tlb.drop(lpn);
    });
  }

  /** Removes a watch added with the same arguments (none: nothing happens). */
  removeWatchpoint(kind: WatchKind, lin: number, len: number): void {
    const i = this.watches.findIndex((w) => w.kind === kind && w.lin === lin >>> 0 && w.len === len);
    if (i < 0) return;
    this.watches.splice(i, 1);
    this.watchCount = this.watches.length;
    this.forWatchPages(lin, len, (lpn) => {
      if (kind !== "write") this.watchR[lpn]--;
      if (kind !== "read") this.watchW[lpn]--;
    });
  }

  private forWatchPages(lin: number, len: number, f: (lpn: number) => void): void {
    const first = lin >>> 12;
    const last = ((lin >>> 0) + len - 1) >>> 12;
    for (let p = first; ; p = (p + 1) & 0xfffff) {
      f(p);
      if (p === (last & 0xfffff)) break;
    }
  }

  /** The stop event for an access of `size` bytes at `lin` that a watch matches, or null. */
  watchHit(lin: number, size: number, write: boolean): StopEvent | null {
    const lo = lin >>> 0;
    for (const w of this.watches) {
      if (write ? w.kind === "read" : w.kind === "write") continue;
      const wlo = w.lin >>> 0;
      if (lo < wlo + w.len && wlo < lo + size)
        return { kind: "watch", type: w.kind, addr: Math.max(lo, wlo) };
    }
    return null;
  }
}
