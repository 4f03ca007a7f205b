// Two gdb stubs on one machine: the UI's private stub and the public one a `gdb` attaches to. Each
// stub has its own Executor calling run() in slices, so the gate hands each stub a view of the
// machine that enforces all-stop with one runner at a time: while one side runs the guest, the
// other side's run() and step() return `interrupted` at once (the debugger sees a SIGINT stop).
// The gate tells the UI when the gdb side starts or stops running and when it changes the machine
// while stopped, so the UI can show "running (gdb)" and refresh. Breakpoints are shared: the CPU
// reference-counts them, so each stub inserting and removing its own never disturbs the other's.
import { type DebugTarget, describeStop, type StopEvent } from "../../emu/debug-target.ts";

/** Which stub a view belongs to. */
export type Side = "ui" | "gdb";

/** What the gate reports about the gdb side (the UI learns its own runs from RSP). */
export interface GateEvents {
  gdbRunning(): void;
  gdbStopped(text: string): void;
  gdbChanged(): void;
}

/**
 * A runner whose last slice ended longer ago than this no longer runs: its Executor was halted
 * (a new connection took over, the server closed) without a stop event passing the gate.
 */
export const STALE_MS = 250;

const INTERRUPTED: StopEvent = Object.freeze({ kind: "interrupted" });

/** Owns "which side runs the guest"; hands out per-side views of the target. */
export class RunGate {
  private owner: Side | null = null;
  private lastSlice = 0;

  constructor(
    private readonly target: DebugTarget,
    private readonly events: GateEvents,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** The side running the guest now, or null when it is stopped. */
  runner(): Side | null {
    if (this.owner !== null && this.now() - this.lastSlice > STALE_MS) this.end("stopped");
    return this.owner;
  }

  /** Stops the guest when the gdb side runs it (its run() returns `interrupted` next slice). */
  pauseGdb(): void {
    if (this.runner() === "gdb") this.target.requestStop();
  }

  /** Called periodically: notices a runner whose Executor went away. */
  poll(): void {
    this.runner();
  }

  /** The DebugTarget one stub drives: everything passes through except the run control rules. */
  view(side: Side): DebugTarget {
    const t = this.target;
    const changed = () => {
      if (side === "gdb") this.events.gdbChanged();
    };
    const { singleStep, snapshots, reverse } = t;
    return {
      arch: t.arch,
      readRegisters: (cpu) => t.readRegisters(cpu),
      writeRegister: (cpu, regnum, value) => {
        t.writeRegister(cpu, regnum, value);
        changed();
      },
      describeCpu: (cpu) => t.describeCpu(cpu),
      readLinear: (cpu, addr, length) => t.readLinear(cpu, addr, length),
      writeLinear: (cpu, addr, data) => {
        const ok = t.writeLinear(cpu, addr, data);
        changed();
        return ok;
      },
      readPhysical: (addr, length) => t.readPhysical(addr, length),
      writePhysical: (addr, data) => {
        t.writePhysical(addr, data);
        changed();
      },
      run: (budget) => this.run(side, budget),
      requestStop: () => t.requestStop(),
      reset: () => {
        t.reset();
        changed();
      },
      trace: t.trace,
      // Capabilities pass through; stepping obeys the run control rules.
      vcpus: t.vcpus,
      swBreakpoints: t.swBreakpoints,
      hwBreakpoints: t.hwBreakpoints,
      watchpoints: t.watchpoints,
      ioWatches: t.ioWatches,
      monitor: t.monitor,
      snapshots: snapshots && {
        save: (name) => snapshots.save(name),
        load: (name) => {
          const loaded = snapshots.load(name);
          changed();
          return loaded;
        },
        delete: (name) => snapshots.delete(name),
        list: () => snapshots.list(),
      },
      // Going back moves the machine like a step: only while the other side does not run it.
      reverse: reverse && {
        stepBack: (cpu) => {
          if (this.busyFor(side)) return INTERRUPTED;
          const event = reverse.stepBack(cpu);
          changed();
          return event;
        },
        continueBack: () => {
          if (this.busyFor(side)) return INTERRUPTED;
          const event = reverse.continueBack();
          changed();
          return event;
        },
        timeline: () => reverse.timeline(),
      },
      singleStep: singleStep && {
        step: (cpu, options) => {
          if (this.busyFor(side)) return INTERRUPTED;
          const event = singleStep.step(cpu, options);
          changed();
          return event;
        },
      },
    };
  }

  /** True when the other side runs the guest. */
  private busyFor(side: Side): boolean {
    const runner = this.runner();
    return runner !== null && runner !== side;
  }

  /** One slice for `side`'s Executor. */
  private run(side: Side, budget: number): StopEvent {
    if (this.busyFor(side)) return INTERRUPTED;
    if (this.owner !== side) {
      this.owner = side;
      if (side === "gdb") this.events.gdbRunning();
    }
    const event = this.target.run(budget);
    this.lastSlice = this.now();
    if (event.kind !== "budget" && event.kind !== "reset") this.end(describeStop(event));
    return event;
  }

  private end(text: string): void {
    const was = this.owner;
    this.owner = null;
    if (was === "gdb") this.events.gdbStopped(text);
  }
}
