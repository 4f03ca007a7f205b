// The debugger's single steps of the recorded run, by the history position each started from, with
// the options it took (StepOptions). A step is not a run: it fires timers that fell due after its
// instruction, a run before its first one, and a step may hold interrupts and timers. So replays
// take the same steps at the same positions, and run only between them.
import type { StepOptions } from "../debug-target.ts";

/** Steps by position, kept sorted for the replays' "next step after here" queries. */
export class StepLog {
  private readonly positions: number[] = [];
  private readonly options = new Map<number, StepOptions>();

  /** A step from `position` (replacing one noted there: the run took another course). */
  note(position: number, options: StepOptions): void {
    if (!this.options.has(position)) this.positions.splice(this.firstAtOrAfter(position), 0, position);
    this.options.set(position, options);
  }

  /** The options of the step from `position`, or undefined when the run did not step there. */
  at(position: number): StepOptions | undefined {
    return this.options.get(position);
  }

  /** The first position at or after `from` and before `to` a step started from, or -1. */
  next(from: number, to: number): number {
    const at = this.positions[this.firstAtOrAfter(from)];
    return at !== undefined && at < to ? at : -1;
  }

  /** Forgets the steps from `position` on (the future changed). */
  dropFrom(position: number): void {
    for (const at of this.positions.splice(this.firstAtOrAfter(position))) this.options.delete(at);
  }

  /** Forgets the steps before `position` (history no longer reaches them). */
  dropBefore(position: number): void {
    for (const at of this.positions.splice(0, this.firstAtOrAfter(position))) this.options.delete(at);
  }

  /** Index of the first noted position >= `position`. */
  private firstAtOrAfter(position: number): number {
    let lo = 0;
    let hi = this.positions.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.positions[mid]! < position) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
