// Run control of one CPU: budgets, stepping, stop requests and the events they become, interrupt
// and single-step trap delivery between instructions, faults caught and delivered, and stepping
// over the breakpoint a debugger resumes from. The per-instruction work is dispatch.ts's.

import type { StopEvent } from "../debug-target.ts";
import type { Cpu } from "./cpu.ts";
import { RUN_BREAKPOINT, RUN_BUDGET, RUN_INTERRUPT, RUN_STOP, runInstructions } from "./dispatch.ts";
import { runJit } from "./jit/run-jit.ts";
import { CpuFault, EXC_DB, FLAG_IF } from "./state.ts";
import { deliverFault, interrupt } from "./system/index.ts";
import { Unimplemented } from "./unimplemented.ts";

const STEP: StopEvent = Object.freeze({ kind: "step" });
const BUDGET: StopEvent = Object.freeze({ kind: "budget" });
const HALTED: StopEvent = Object.freeze({ kind: "halted" });
const INTERRUPTED: StopEvent = Object.freeze({ kind: "interrupted" });
const TRIPLE: StopEvent = Object.freeze({ kind: "tripleFault" });

/** DR6.BS: the #DB was caused by single-stepping (EFLAGS.TF). */
const DR6_BS = 1 << 14;

export class RunControl {
  private stopRequested = false;
  private pendingEvent: StopEvent | null = null;
  /** endBudget() was called: the run returns `budget` after the current instruction. */
  private budgetEnded = false;
  /** Instruction count at which the current run()/step() budget ends (REP passes stop there). */
  insnEnd = 0;
  /**
   * The linear address whose breakpoint the next run or step passes over once (-1 for none): where
   * the CPU last stopped for a debugger, or its reset vector.
   */
  private resumeSkip = -1;
  /** True during a debugger's step that holds interrupts off (canTakeInterrupt answers false). */
  private holdInterrupts = false;

  constructor(private readonly cpu: Cpu) {}

  /** After a CPU reset: the next run passes over a breakpoint at the reset vector once. */
  reset(): void {
    this.resumeSkip = (this.cpu.csBase + this.cpu.eip) | 0;
  }

  /** Asks run() to return `interrupted` before the next instruction (safe from callbacks). */
  requestStop(): void {
    this.stopRequested = true;
    this.cpu.stopPending = true;
  }

  /** Makes run() return `event` once the current instruction completes (I/O watches, exits). */
  requestStopAfterInstruction(event: StopEvent): void {
    if (this.pendingEvent === null) this.pendingEvent = event;
    this.cpu.stopPending = true;
  }

  /**
   * Ends the running budget after the current instruction (a device armed a timer due before the
   * machine's slice ends): run() returns `budget` unless another stop comes first; a step ignores it.
   */
  endBudget(): void {
    this.budgetEnded = true;
    this.cpu.stopPending = true;
  }

  /** Records HLT: the CPU stops until an interrupt (reported as `halted`). */
  halt(): void {
    this.cpu.halted = true;
    this.requestStopAfterInstruction(HALTED);
  }

  /**
   * Runs `budget` instructions (single: one instruction or interrupt delivery; with
   * `holdInterrupts` no interrupt is taken), then records where a debugger resuming from the
   * returned stop steps over a breakpoint: the stop address, unless the budget ran out (a machine's
   * scheduling slice: the instruction there has not been stopped at, so its breakpoint must fire
   * when the next slice reaches it).
   */
  execute(budget: number, single: boolean, holdInterrupts = false): StopEvent {
    this.holdInterrupts = holdInterrupts;
    let event: StopEvent;
    try {
      event = this.executeUntilStop(budget, single);
    } finally {
      this.holdInterrupts = false;
    }
    this.resumeSkip = event === BUDGET ? -1 : (this.cpu.csBase + this.cpu.eip) | 0;
    return event;
  }

  /**
   * `stopped`: the next run or step passes over a breakpoint at the current address once (a debugger
   * stop); false: it stops there first.
   */
  markStopped(stopped: boolean): void {
    this.resumeSkip = stopped ? (this.cpu.csBase + this.cpu.eip) | 0 : -1;
  }

  private executeUntilStop(budget: number, single: boolean): StopEvent {
    const c = this.cpu;
    c.checkMemGeneration();
    const end = c.instructions + budget;
    this.insnEnd = end;
    let skipBp = this.resumeSkip;
    if (c.halted && !this.canTakeInterrupt()) return HALTED;
    for (;;) {
      try {
        for (;;) {
          const before = c.instructions;
          const why = c.jit.enabled ? runJit(c, end, skipBp) : runInstructions(c, end, skipBp);
          // The resume address's breakpoint is skipped once: only until an instruction retires.
          if (c.instructions !== before) skipBp = -1;
          if (why === RUN_STOP) {
            const ev = this.takeStop(single);
            if (ev !== null) return ev;
          } else if (why === RUN_BUDGET) {
            return single ? STEP : BUDGET;
          } else if (why === RUN_INTERRUPT) {
            this.takeInterrupt();
            if (single) return STEP;
            skipBp = -1;
          } else if (why === RUN_BREAKPOINT) {
            return { kind: "breakpoint", addr: (c.csBase + c.eip) >>> 0 };
          } else {
            this.singleStepTrap();
          }
        }
      } catch (e) {
        if (e instanceof CpuFault) {
          c.eip = c.startEip;
          c.halted = false;
          c.deliveries++;
          deliverFault(c, e);
          c.updateModes();
          if (c.tripleFault) return TRIPLE;
          skipBp = -1;
          if (single) return this.cpu.stopPending ? (this.takeStop(true) ?? STEP) : STEP;
        } else if (e instanceof Unimplemented) {
          c.eip = c.startEip;
          return e.event(c);
        } else {
          throw e;
        }
      }
    }
  }

  /** IF set, no interrupt shadow (clears an expired shadow) and no debugger step holding them off. */
  canTakeInterrupt(): boolean {
    const c = this.cpu;
    if (!c.intrLine || (c.flags & FLAG_IF) === 0 || this.holdInterrupts) return false;
    if (c.interruptShadow) {
      if (c.instructions < c.shadowEnd) return false;
      c.interruptShadow = false;
    }
    return true;
  }

  /** Acknowledges INTR and delivers the vector (faults in delivery reach the catch in execute). */
  private takeInterrupt(): void {
    const c = this.cpu;
    c.startEip = c.eip;
    c.halted = false;
    c.deliveries++;
    const vector = c.intc!.acknowledge();
    interrupt(c, vector, "hardware", -1);
    c.updateModes();
  }

  /** Delivers the single-step #DB trap after an instruction that started with TF set. */
  private singleStepTrap(): void {
    const c = this.cpu;
    c.dr[6] |= DR6_BS;
    c.startEip = c.eip;
    c.deliveries++;
    interrupt(c, EXC_DB, "exception", -1);
    c.updateModes();
  }

  /**
   * Turns pending stop requests into the event to report (null if none remains); an ended budget
   * is `budget` for a run and nothing for a step (`single`).
   */
  private takeStop(single: boolean): StopEvent | null {
    this.cpu.stopPending = false;
    const budgetEnded = this.budgetEnded;
    this.budgetEnded = false;
    if (this.cpu.tripleFault) return TRIPLE;
    const ev = this.pendingEvent;
    if (ev !== null) {
      this.pendingEvent = null;
      if (this.stopRequested) this.cpu.stopPending = true;
      return ev;
    }
    if (this.stopRequested) {
      this.stopRequested = false;
      return INTERRUPTED;
    }
    return budgetEnded && !single ? BUDGET : null;
  }
}
