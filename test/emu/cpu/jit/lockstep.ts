// Lockstep runs for the translator's tests: the same program on two CPUs, one translating and one
// interpreting, in the same slices; registers, EFLAGS, EIP, counts, memory and stop events compared.

import { beforeAll, describe, expect } from "vitest";
import type { StopEvent } from "../../../../src/emu/debug-target.ts";
import type { Machine } from "../helpers.ts";

/** The second-translation count the suites of describeBothTiers() run under (null: as configured). */
export const tier = { runs: null as number | null };

/**
 * Runs `suites` twice: as the suite configures translation (after 40 entries; again inline after
 * 200 runs), then with every block translated inline from the start (tier.runs tells which).
 */
export function describeBothTiers(suites: () => void): void {
  describe("first and second translations", () => {
    beforeAll(() => {
      tier.runs = null;
    });
    suites();
  });
  describe("inline (second) translations only", () => {
    beforeAll(() => {
      tier.runs = 1;
    });
    suites();
  });
}

/**
 * Two machines from `make`, the first translating (a block translated again inline after
 * `tier2Runs` runs; null: as configured), the second interpreting.
 */
export function translatingPair(make: () => Machine, tier2Runs: number | null): [Machine, Machine] {
  const on = make();
  const off = make();
  on.cpu.jit.enabled = true;
  if (tier2Runs !== null) on.cpu.jit.tier2Runs = tier2Runs;
  off.cpu.jit.enabled = false;
  return [on, off];
}

/** Everything compared between the two CPUs. */
export function state(m: Machine): object {
  const c = m.cpu;
  return {
    regs: [...c.regs],
    eip: c.eip,
    eflags: c.getEflags(),
    instructions: c.instructions,
    segs: [...c.segSel],
    data: Buffer.from(m.mem.buffer.subarray(0x1000, 0x9000)).toString("hex"),
  };
}

/** Runs both machines in the same slices until both halt; compares state after every slice. */
export function lockstep(on: Machine, off: Machine, slices: number[], maxSlices = 5000): StopEvent[] {
  const events: StopEvent[] = [];
  for (let i = 0; i < maxSlices; i++) {
    const budget = slices[i % slices.length]!;
    const a = on.cpu.run(budget);
    const b = off.cpu.run(budget);
    expect(a).toEqual(b);
    expect(state(on)).toEqual(state(off));
    events.push(a);
    if (a.kind === "halted") return events;
  }
  throw new Error("the program did not halt");
}
