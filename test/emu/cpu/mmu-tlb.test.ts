// The TLB's bookkeeping (src/emu/cpu/mmu.ts, class Tlb): every cached entry is found again by
// flush(), drop() and dropWritesInto(), whether the flush walks the fill list or clears everything
// after the list overflowed; and a page cached for reading and then for writing takes one slot of
// the list, so a sweep over as many pages as the list holds still flushes by the list (a CR3
// reload costs the pages touched, not a clear of the 4 MiB arrays).

import { describe, expect, test } from "vitest";
import { Tlb } from "../../../src/emu/cpu/mmu.ts";

/** The fill list's capacity (TLB_LIST_SIZE in mmu.ts). */
const LIST_SIZE = 16384;

/** The four entries of `lpn` as [read sup, write sup, read user, write user]. */
function entriesOf(t: Tlb, lpn: number): number[] {
  return [t.readSup[lpn], t.writeSup[lpn], t.readUser[lpn], t.writeUser[lpn]];
}

/** A deterministic pseudo-random sequence (xorshift32). */
function rng(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
}

describe("Tlb fill list", () => {
  test("a page read then written takes one slot: a list's worth of such pages flushes without a full clear", () => {
    const t = new Tlb();
    for (let i = 0; i < LIST_SIZE; i++) {
      const lpn = 0x800 + i;
      t.fillRead(lpn, false, i);
      t.fillWrite(lpn, false, i);
    }
    expect(t.overflow).toBe(false);
    expect(entriesOf(t, 0x800 + 5)).toEqual([~5, ~5, 0, 0]);
    t.flush();
    const left = Array.from({ length: LIST_SIZE }, (_, i) => 0x800 + i).filter((lpn) =>
      entriesOf(t, lpn).some((e) => e !== 0),
    );
    expect(left).toEqual([]);
  });

  test("refilling a cached page (a page-crossing access takes the slow path every time) uses no new slot", () => {
    const t = new Tlb();
    for (let i = 0; i < 3 * LIST_SIZE; i++) t.fillRead(0x1234, false, 7);
    t.fillRead(0x1235, true, 8);
    expect(t.overflow).toBe(false);
    t.flush();
    expect(entriesOf(t, 0x1234)).toEqual([0, 0, 0, 0]);
    expect(entriesOf(t, 0x1235)).toEqual([0, 0, 0, 0]);
  });

  test("a page refilled after INVLPG dropped it is flushed", () => {
    const t = new Tlb();
    t.fillRead(0x400, false, 1);
    t.drop(0x400);
    t.fillWrite(0x400, true, 2);
    t.fillRead(0x401, true, 3);
    t.drop(0x401);
    t.fillRead(0x401, false, 4);
    t.flush();
    expect(entriesOf(t, 0x400)).toEqual([0, 0, 0, 0]);
    expect(entriesOf(t, 0x401)).toEqual([0, 0, 0, 0]);
  });

  test("random fills, drops, code-page write drops and flushes leave exactly the model's entries", () => {
    // A small set of pages flushed often, then more pages than the list holds between flushes.
    for (const [pages, flushOneIn] of [
      [300, 100],
      [3 * LIST_SIZE, 60_000],
    ]) {
      const next = rng(pages);
      const universe = Array.from({ length: pages }, () => next() & 0xfffff);
      const t = new Tlb();
      // The model: lpn -> the four entries.
      const model = new Map<number, number[]>();
      const modelOf = (lpn: number): number[] => {
        let e = model.get(lpn);
        if (e === undefined) {
          e = [0, 0, 0, 0];
          model.set(lpn, e);
        }
        return e;
      };
      let overflowed = false;
      for (let op = 0; op < 40_000; op++) {
        const lpn = universe[next() % pages];
        const r = next() % 1000;
        if (next() % flushOneIn === 0) {
          overflowed ||= t.overflow;
          t.flush();
          model.clear();
          continue;
        }
        const n = next() % 0x4000;
        const user = (next() & 1) === 1;
        if (r < 450) {
          t.fillRead(lpn, user, n);
          modelOf(lpn)[user ? 2 : 0] = ~n;
        } else if (r < 900) {
          t.fillWrite(lpn, user, n);
          modelOf(lpn)[user ? 3 : 1] = ~n;
        } else if (r < 985) {
          t.drop(lpn);
          model.set(lpn, [0, 0, 0, 0]);
        } else {
          // Translated code appears in buffer pages [n, n + 4): their write entries go.
          t.dropWritesInto(n * 0x1000, (n + 4) * 0x1000);
          for (const e of model.values()) {
            for (const w of [1, 3]) if (e[w] !== 0 && ~e[w] >= n && ~e[w] < n + 4) e[w] = 0;
          }
        }
      }
      overflowed ||= t.overflow;
      expect(overflowed).toBe(pages > LIST_SIZE);
      const wrong = (want: (lpn: number) => number[]): string[] =>
        universe
          .filter((lpn) => entriesOf(t, lpn).join() !== want(lpn).join())
          .map((lpn) => `${lpn}: ${entriesOf(t, lpn)} instead of ${want(lpn)}`);
      expect(wrong((lpn) => model.get(lpn) ?? [0, 0, 0, 0])).toEqual([]);
      t.flush();
      expect(wrong(() => [0, 0, 0, 0])).toEqual([]);
    }
  });
});
