// Two (or more) machines run the same guest in alternate slices, which one goes first alternating
// each round, so both see the same drift of this host's speed: the fair way to compare two
// configurations when whole runs vary by more than the difference measured.
import type { StopEvent } from "../../src/emu/debug-target.ts";

/** A machine as the comparison drives it. */
export interface SliceRunner {
  run(budget: number): StopEvent;
}

/**
 * Runs each machine in slices of `slice` ticks until it stops with anything but `budget`, telling
 * `finished(k, event)` its last event; returns each machine's wall milliseconds.
 */
export function alternateSlices(
  machines: readonly SliceRunner[],
  slice: number,
  finished: (k: number, event: StopEvent) => void,
): number[] {
  const ms = machines.map(() => 0);
  const done = machines.map(() => false);
  for (let turn = 0; done.includes(false); turn++) {
    const order = machines.map((_, k) => k);
    if (turn % 2 === 1) order.reverse();
    for (const k of order) {
      if (done[k]) continue;
      const t0 = performance.now();
      const event = machines[k]!.run(slice);
      ms[k]! += performance.now() - t0;
      if (event.kind !== "budget") {
        finished(k, event);
        done[k] = true;
      }
    }
  }
  return ms;
}
