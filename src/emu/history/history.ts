// The run's history, for reverse execution: snapshots of the whole machine taken as it runs forward
// (spaced so that taking them costs a small share of the run time, and bounded by a memory budget),
// and deterministic re-execution from a snapshot to any earlier moment. A moment is a history
// position of the boot CPU (Cpu.historyPosition): runs are deterministic, so each position is one
// machine state, whether it was reached by running, stepping or replaying.
//
// A debugger's steps are noted by position (step-log.ts) and replayed as steps with the same
// options, with runs only between them, so the replayed run is the recorded one.
//
// Going back one step replays from the nearest earlier snapshot, first to find the step boundary
// before the present moment, then to land on it; going back to the previous breakpoint or watch hit
// replays snapshot interval after interval, newest first, noting the stops a forward run would have
// made, and lands on the last one. Replays far from any snapshot leave a snapshot where they land,
// so stepping back again and again replays little.
import type { HistoryTimeline, StepOptions, StopEvent } from "../debug-target.ts";
import { StepLog } from "./step-log.ts";

/** A saved machine state: where in the history it was taken and the memory it holds. */
export interface HistoryState {
  readonly historyPosition: number;
  readonly bytes: number;
}

/** What history needs from the machine (its forward run and step, without recording). */
export interface HistoryHost<S extends HistoryState> {
  /** The boot CPU's history position. */
  position(): number;
  saveState(): S;
  loadState(state: S): void;
  /** The state is no longer needed (its pages may be freed). */
  releaseState(state: S): void;
  /** Runs forward about `budget` ticks or until a stop event, as DebugTarget.run. */
  runForward(budget: number): StopEvent;
  /** One step of the boot CPU, as SingleStepOps.step. */
  stepForward(options?: StepOptions): StopEvent;
  /** The boot CPU is halted and no interrupt can be delivered to it now. */
  waiting(): boolean;
  /**
   * A waiting CPU's idle time up to the next device deadline (its next chance to wake), as one
   * step: the same call from the same state always ends at the same position.
   */
  idle(): StopEvent;
  /**
   * `stopped`: the debugger sees the machine stopped here, a run from here passes over its
   * breakpoint; false: a run from here stops at a breakpoint here first.
   */
  markStopped(stopped: boolean): void;
  /** A breakpoint is set where the boot CPU stands. */
  atBreakpoint(): boolean;
  /** The boot CPU's linear address (CS base + EIP). */
  linearPc(): number;
  /** Host-visible output (serial, debug console, traces) is suppressed while true. */
  setReplaying(replaying: boolean): void;
}

/** Default memory budget of the history (`--history`). */
export const DEFAULT_HISTORY_BYTES = 512 * 1024 * 1024;
/** Fewest steps between two snapshots taken while running forward. */
const MIN_INTERVAL = 100_000;
/** Taking snapshots may cost at most this share of the run's wall time. */
const SNAPSHOT_SHARE = 0.1;
/** A replay longer than this leaves a snapshot where it lands. */
const CACHE_DISTANCE = 200_000;
/** Steps stepped one by one at the end of a replay, where step boundaries are looked for. */
const STEP_WINDOW = 64;
/**
 * Most deliveries (interrupt, fault during it, double fault, single-step trap) between two
 * instructions: a run of `budget` ticks advances the position by at most budget * (1 + this) + this.
 */
const MAX_DELIVERIES = 4;

const STEP: StopEvent = Object.freeze({ kind: "step" });
const HISTORY_START: StopEvent = Object.freeze({ kind: "historyStart" });
/** A breakpoint hit noted by position (its address is read where the replay lands). */
const BREAKPOINT_HERE: StopEvent = Object.freeze({ kind: "breakpoint", addr: 0 });

/** A stop a forward run made (or would make) at a history position. */
interface Hit {
  position: number;
  event: StopEvent;
}

/** The history of one machine. */
export class History<S extends HistoryState> {
  /** Snapshots by increasing position. */
  private readonly snapshots: S[] = [];
  private bytes = 0;
  /** The furthest position reached. */
  private end = 0;
  /** Wall time taking the newest snapshot cost, and when the run passed it (the host wall clock). */
  private lastCostMs = 0;
  private lastTakenAt = 0;
  /** The debugger's steps of the recorded run. */
  private readonly steps = new StepLog();

  /**
   * Needs: a budget in bytes (the newest two snapshots are kept whatever their size); `wallMs`, the
   * host's wall clock in ms, spaces the snapshots by what taking them costs.
   */
  constructor(
    private readonly host: HistoryHost<S>,
    readonly budget: number = DEFAULT_HISTORY_BYTES,
    private readonly wallMs: () => number = () => performance.now(),
  ) {}

  /**
   * Called before each forward run or step: takes a snapshot when the run has gone far enough past
   * the newest one (and always the first time), then drops the oldest ones beyond the budget.
   */
  checkpoint(): void {
    const now = this.host.position();
    if (now > this.end) this.end = now;
    const newest = this.snapshots[this.snapshots.length - 1];
    if (newest !== undefined) {
      if (now - newest.historyPosition < MIN_INTERVAL) return;
      if (this.wallMs() - this.lastTakenAt < this.lastCostMs / SNAPSHOT_SHARE) return;
    }
    this.take();
    this.trim();
  }

  /** Before a forward step of the boot CPU: replays take the same step there. */
  noteStep(options: StepOptions): void {
    this.steps.note(this.host.position(), options);
  }

  /** After a forward run or step: the furthest position reached. */
  advanced(): void {
    const now = this.host.position();
    if (now > this.end) this.end = now;
  }

  /**
   * The present was changed by a debugger (a register or memory write) or replaced (loadvm): the
   * recorded future no longer follows from it and is dropped.
   */
  truncate(): void {
    const now = this.host.position();
    while (this.snapshots.length > 0 && this.snapshots[this.snapshots.length - 1]!.historyPosition > now) {
      this.release(this.snapshots.pop()!);
    }
    this.steps.dropFrom(now);
    this.end = now;
  }

  /** Forgets everything (a machine reset by the debugger, loadvm): history starts again here. */
  clear(): void {
    for (const s of this.snapshots.splice(0)) this.host.releaseState(s);
    this.steps.dropFrom(0);
    this.bytes = 0;
    this.end = this.host.position();
  }

  /** The furthest position the run has reached (what lies before it was run, and written, already). */
  furthest(): number {
    return this.end;
  }

  /** ReverseOps.timeline. */
  timeline(): HistoryTimeline {
    const now = this.host.position();
    return {
      start: this.snapshots[0]?.historyPosition ?? now,
      now,
      end: Math.max(this.end, now),
      snapshots: this.snapshots.length,
      bytes: this.bytes,
      budget: this.budget,
    };
  }

  /** ReverseOps.stepBack for the boot CPU. */
  stepBack(): StopEvent {
    this.trim();
    const now = this.host.position();
    const from = this.latestBefore(now);
    if (from === undefined) return HISTORY_START;
    this.host.setReplaying(true);
    try {
      for (let window = STEP_WINDOW; ; window *= 16) {
        const near = Math.max(from.historyPosition, now - window);
        this.host.loadState(from);
        this.runTo(near, null);
        // A bounded run can end inside idle time: that moment is no step boundary.
        const midIdle = near > from.historyPosition && this.host.waiting();
        // Far from the snapshot: one here makes this replay and the next steps back short.
        const start = this.cacheAt(from) ?? from;
        // Most steps are one instruction: try landing on now - 1 straight away.
        const boundaries = this.stepTo(now - 1, null);
        if (this.host.position() === now - 1 && (boundaries.length > 0 || !midIdle)) return STEP;
        // The last step was longer (a trap after its instruction, idle time): the last boundary
        // before `now`; the same calls again (so the same positions) land on it.
        boundaries.push(...this.stepTo(now, null));
        const earlier = (midIdle ? boundaries.slice(1) : boundaries).filter((b) => b < now);
        if (earlier.length === 0 && near > from.historyPosition) continue; // a long idle stretch
        this.host.loadState(start);
        this.runTo(near, null);
        this.stepTo(earlier.pop() ?? from.historyPosition, null);
        return STEP;
      }
    } finally {
      this.host.setReplaying(false);
      this.host.markStopped(true);
    }
  }

  /** ReverseOps.continueBack. */
  continueBack(): StopEvent {
    this.trim();
    let before = this.host.position();
    this.host.setReplaying(true);
    try {
      for (;;) {
        const from = this.latestBefore(before);
        if (from === undefined) break;
        this.host.loadState(from);
        // Every moment at a breakpoint is a hit, the snapshot's own included.
        this.host.markStopped(false);
        const hits: Hit[] = [];
        this.runTo(before, hits);
        this.stepTo(before, hits);
        const last = hits.filter((h) => h.position < before).pop();
        if (last !== undefined) {
          this.host.loadState(from);
          this.runTo(last.position, null);
          this.stepTo(last.position, null);
          this.cacheAt(from);
          return last.event.kind === "breakpoint"
            ? { kind: "breakpoint", addr: this.host.linearPc() }
            : last.event;
        }
        before = from.historyPosition;
      }
      const oldest = this.snapshots[0];
      if (oldest !== undefined) this.host.loadState(oldest);
      return HISTORY_START;
    } finally {
      this.host.setReplaying(false);
      this.host.markStopped(true);
    }
  }

  // ---- internals ----

  private take(): void {
    const started = this.wallMs();
    const state = this.host.saveState();
    this.insert(state);
    this.lastTakenAt = this.wallMs();
    this.lastCostMs = this.lastTakenAt - started;
  }

  /** Inserts a snapshot in position order; one at the same position is kept instead. Returns the kept one. */
  private insert(state: S): S {
    let i = this.snapshots.length;
    while (i > 0 && this.snapshots[i - 1]!.historyPosition > state.historyPosition) i--;
    const same = this.snapshots[i - 1];
    if (same !== undefined && same.historyPosition === state.historyPosition) {
      this.host.releaseState(state);
      return same;
    }
    this.snapshots.splice(i, 0, state);
    this.bytes += state.bytes;
    return state;
  }

  /** Drops the oldest snapshots while over budget, keeping at least the newest two. */
  private trim(): void {
    while (this.bytes > this.budget && this.snapshots.length > 2) this.release(this.snapshots.shift()!);
    this.steps.dropBefore(this.snapshots[0]?.historyPosition ?? 0);
  }

  private release(state: S): void {
    this.bytes -= state.bytes;
    this.host.releaseState(state);
  }

  /** The newest snapshot strictly before `position`. */
  private latestBefore(position: number): S | undefined {
    for (let i = this.snapshots.length - 1; i >= 0; i--) {
      if (this.snapshots[i]!.historyPosition < position) return this.snapshots[i];
    }
    return undefined;
  }

  /**
   * After a replay from `from`: a snapshot here if the replay was long (the next one is short);
   * returns it, or null when none was needed. (Over budget, the next step back or checkpoint trims.)
   */
  private cacheAt(from: S): S | null {
    if (this.host.position() - from.historyPosition < CACHE_DISTANCE) return null;
    return this.insert(this.host.saveState());
  }

  /**
   * Runs forward with bounded runs that cannot pass `target`, stopping within MAX_DELIVERIES + 1
   * steps of it (or at it). Stops a forward run would make are noted in `hits` (watches at the
   * position before the access, as reverse execution reports them). Halts with nothing to wake the
   * CPU end the replay early: the history ends there too.
   */
  private runTo(target: number, hits: Hit[] | null): void {
    for (let from = this.host.position(); ; ) {
      const step = this.steps.next(from, target);
      if (step < 0) {
        this.runNear(target, hits);
        return;
      }
      // Exactly to where the debugger stepped, then that step as it took it.
      this.runNear(step, hits);
      this.stepTo(step, hits);
      if (this.host.position() !== step) return;
      this.stepTo(step + 1, hits);
      from = step + 1;
    }
  }

  /** runTo's bounded runs toward `target` (no debugger step lies before it). */
  private runNear(target: number, hits: Hit[] | null): void {
    for (;;) {
      const before = this.host.position();
      const remaining = target - before;
      const budget = Math.floor((remaining - MAX_DELIVERIES) / (1 + MAX_DELIVERIES));
      if (budget < 1) return;
      const event = this.host.runForward(budget);
      const after = this.host.position();
      if (hits !== null) noteHit(event, after, hits);
      if (after === before && !isDebuggerStop(event) && event.kind !== "budget") return;
      if (isFinal(event)) return;
    }
  }

  /**
   * Steps forward one step at a time (idle time up to each device deadline as one step) until the position
   * reaches `target`, returning the positions each step started from. Stops a forward run would
   * make are noted in `hits` when given. The same calls from the same state pass the same positions,
   * so a second call with one of the returned positions as target ends exactly on it.
   */
  private stepTo(target: number, hits: Hit[] | null): number[] {
    const boundaries: number[] = [];
    // A debugger's step that could not run (a halted CPU, its interrupt held) left the run to go on.
    let stepDone = -1;
    for (;;) {
      const before = this.host.position();
      if (before >= target) return boundaries;
      const logged = before === stepDone ? undefined : this.steps.at(before);
      const event = this.host.waiting() ? this.host.idle() : this.host.stepForward(logged);
      const after = this.host.position();
      if (hits !== null) noteHit(event, after, hits);
      if (after === before) {
        if (logged !== undefined) {
          stepDone = before;
          continue;
        }
        // A breakpoint or watch reported before anything ran: pass over it as a resuming debugger does.
        if (!isDebuggerStop(event)) return boundaries;
        this.host.markStopped(true);
        continue;
      }
      // A step onto a breakpoint: a run passing here would stop (the next step passes over it).
      if (hits !== null && after < target && this.host.atBreakpoint()) noteHit(BREAKPOINT_HERE, after, hits);
      boundaries.push(before);
      if (isFinal(event)) return boundaries;
    }
  }
}

/** A stop the forward run reports that reverse-continue stops at (one per moment). */
function noteHit(event: StopEvent, after: number, hits: Hit[]): void {
  let position: number;
  if (event.kind === "breakpoint") position = after;
  else if (event.kind === "watch" || event.kind === "ioWatch") position = after - 1;
  else return;
  if (hits[hits.length - 1]?.position === position) return;
  hits.push({ position, event });
}

/** The debugger's own stops: running on continues the same run. */
function isDebuggerStop(event: StopEvent): boolean {
  return event.kind === "breakpoint" || event.kind === "watch" || event.kind === "ioWatch";
}

/**
 * Events that end the run: nothing after them can be replayed. (A halt is not one: a halted CPU
 * waits for its next interrupt, and one nothing can wake makes no progress, which ends a replay.)
 */
function isFinal(event: StopEvent): boolean {
  return (
    event.kind === "exit" ||
    event.kind === "tripleFault" ||
    event.kind === "unimplemented" ||
    event.kind === "reset"
  );
}
