// Runs the target in slices between socket polls: each slice is one run(budget) call scheduled with
// setImmediate, so Node reads the socket (and sees a 0x03) between slices. The budget adapts so a
// slice takes about SLICE_MS; an interrupt therefore stops a running guest within a few slices.
import type { DebugTarget, StopEvent } from "../../emu/debug-target.ts";

/** Wall time one slice aims for. */
const SLICE_MS = 8;
const MIN_BUDGET = 256;
const MAX_BUDGET = 1 << 24;

/** What the executor reports while the guest runs. */
export interface ExecutorEvents {
  /** The guest stopped for `event` (never `budget`). */
  stopped(event: StopEvent): void;
  /** A machine reset happened while running (the guest keeps running). */
  reset?(why: string): void;
}

/** Owns "is the guest running" and the slice loop. */
export class Executor {
  private running = false;
  private stopWanted = false;
  private budget = 4096;
  private scheduled: NodeJS.Immediate | null = null;

  constructor(
    private readonly target: DebugTarget,
    private readonly events: ExecutorEvents,
  ) {}

  /** Whether the guest is running. */
  get isRunning(): boolean {
    return this.running;
  }

  /** Starts running (no-op when already running). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.stopWanted = false;
    this.schedule();
  }

  /** Asks the running guest to stop; `stopped({kind:"interrupted"})` follows from the loop. */
  interrupt(): void {
    if (this.running) this.stopWanted = true;
  }

  /** Stops at once without a stop callback (a new connection takes over, the server closes). */
  halt(): void {
    this.running = false;
    this.stopWanted = false;
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = null;
  }

  private schedule(): void {
    this.scheduled = setImmediate(() => this.slice());
  }

  private slice(): void {
    this.scheduled = null;
    if (!this.running) return;
    if (this.stopWanted) {
      this.finish({ kind: "interrupted" });
      return;
    }
    const started = performance.now();
    let event: StopEvent;
    try {
      event = this.target.run(this.budget);
    } catch (err) {
      // A broken emulator invariant: report it to the debugger instead of killing the session.
      event = {
        kind: "unimplemented",
        what: `emulator error: ${(err as Error).message}`,
        bytes: [],
        cs: 0,
        eip: 0,
        linear: 0,
      };
    }
    const elapsed = performance.now() - started;
    if (elapsed < SLICE_MS / 2 && this.budget < MAX_BUDGET) this.budget *= 2;
    else if (elapsed > SLICE_MS * 2 && this.budget > MIN_BUDGET)
      this.budget = Math.max(MIN_BUDGET, this.budget >> 1);
    if (event.kind === "budget") {
      this.schedule();
      return;
    }
    if (event.kind === "reset") {
      this.events.reset?.(event.why);
      this.schedule();
      return;
    }
    this.finish(event);
  }

  private finish(event: StopEvent): void {
    this.running = false;
    this.stopWanted = false;
    this.events.stopped(event);
  }
}
