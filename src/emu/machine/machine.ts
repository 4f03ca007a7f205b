// The machine: address space, port bus, virtual clock, trace bus, guest log, CPU(s) and devices, put
// together by a Board, and driven as a DebugTarget. run() executes the CPU in slices bounded by the
// next device deadline (cut short after the instruction that arms an earlier one); HLT with interrupts enabled skips idle virtual time to that deadline, and a
// halt nothing can end (IF clear, or no interrupt source with a deadline) stops with `halted`.
// Guest behaviour always ends in a StopEvent; nothing guest-caused is thrown out of run().
import { infoAcpi } from "../acpi/info.ts";
import { VirtualClock } from "../clock.ts";
import { Cpu, CpuShared } from "../cpu/cpu.ts";
import { cpuidFor } from "../cpu/cpuid-models.ts";
import { I386 } from "../debug-arch.ts";
import type {
  BreakpointOps,
  DebugTarget,
  IoWatchDir,
  IoWatchOps,
  MonitorOps,
  ReverseOps,
  SingleStepOps,
  SnapshotOps,
  StepOptions,
  StopEvent,
  VcpuOps,
  WatchKind,
  WatchpointOps,
} from "../debug-target.ts";
import { type ByteSink, DebugCon } from "../devices/debugcon.ts";
import { DEFAULT_HISTORY_BYTES, History, type HistoryHost } from "../history/history.ts";
import { GuestLog } from "../io/guest-log.ts";
import { PortBus } from "../io/port-bus.ts";
import { AddressSpace } from "../memory/address-space.ts";
import type { RamImage } from "../snapshot/ram.ts";
import { TraceBus } from "../trace/bus.ts";
import type { Board, MachineDevice, MachineOptions } from "./config.ts";
import { describeCpu, readRegisters, writeRegister } from "./cpu-view.ts";
import { loadMachine, type MachineState, releaseMachine, saveMachine } from "./machine-state.ts";
import { NamedSnapshots } from "./named-snapshots.ts";

/** A20 gate masks for the CPUs' physical addresses. */
export const A20_ENABLED_MASK = 0xffffffff;
export const A20_DISABLED_MASK = 0xffefffff;

const BUDGET: StopEvent = Object.freeze({ kind: "budget" });
/** Wake-ups that advanced neither instructions nor time before run() gives up with `halted`. */
const MAX_IDLE_WITHOUT_PROGRESS = 3;

/** The machine. */
export class Machine implements DebugTarget {
  readonly trace: TraceBus;
  readonly log = new GuestLog();
  readonly memory: AddressSpace;
  readonly io: PortBus;
  readonly clock: VirtualClock;
  readonly cpus: Cpu[] = [];
  /** What the CPUs share: the debugger's breakpoints and watches, the paging-off TLB. */
  readonly cpuShared = new CpuShared();
  readonly devices: MachineDevice[] = [];
  /** The debug consoles, in the order they were created. */
  readonly debugcons: DebugCon[] = [];
  /** A triple fault or reset request stops run() instead of resetting (QEMU's -no-reboot). */
  noReboot: boolean;
  /** Set when a device asked to exit (isa-debug-exit); run() keeps returning `exit` after it. */
  exitStatus: number | null = null;
  /** Resets performed since power-on. */
  resets = 0;
  /** The vCPU whose event ended the last run() or step() (VcpuOps.stoppedCpu; set by the SMP runner). */
  stopCpu = 0;
  /** RAM as last saved or loaded: the next snapshot shares the pages that still equal it. */
  private ramBase: readonly RamImage[] | null = null;
  /** The history reverse execution goes back through (enableHistory), or null. */
  private history: History<MachineState> | null = null;
  /** Going back (DebugTarget.reverse), present while the history records. */
  reverse: ReverseOps | undefined = undefined;
  /** Output to the host (serial, debug consoles) is dropped while reverse execution replays. */
  private outputMuted = false;

  /** Builds the machine with `board`. Throws ConfigError for bad options. */
  constructor(
    options: MachineOptions,
    readonly board: Board,
  ) {
    this.trace = options.trace ?? new TraceBus();
    this.noReboot = options.noReboot ?? false;
    if (options.jit !== undefined) this.cpuShared.jit.enabled = options.jit;
    this.clock = new VirtualClock(options.instructionsPerSecond);
    this.memory = new AddressSpace(board.bufferBytes(options), this.log);
    this.io = new PortBus(this.trace, this.log);
    const cpu = new Cpu(this.memory, this.io, 0, this.cpuShared);
    this.cpus.push(cpu);
    const insnClock = () => cpu.instructions;
    this.trace.insnClock = insnClock;
    this.log.insnClock = insnClock;
    this.clock.ticks = () => cpu.virtualTicks();
    this.clock.cutSlice = () => cpu.runControl.endBudget();
    this.memory.onFlush = () => {
      for (const c of this.cpus) c.checkMemGeneration();
    };
    this.io.ioWatchHook = (port, dir, size, value) => {
      cpu.requestStopAfterInstruction({ kind: "ioWatch", port, dir, size, value });
    };
    board.init(this, options);
    if (options.cpuModel !== undefined) {
      // Reset again so the power-on state the model shapes (EDX's signature, the MSRs) is the model's.
      for (const c of this.cpus) {
        c.cpuid = cpuidFor(options.cpuModel, this.cpus.length);
        c.reset();
      }
    }
  }

  /** Adds a device to reset and flush with the machine (debug consoles are also listed apart). */
  addDevice<T extends MachineDevice>(device: T): T {
    this.devices.push(device);
    if (device instanceof DebugCon) this.debugcons.push(device);
    return device;
  }

  /**
   * Saves the whole machine (CPUs, RAM, devices, timers, the drives' guest-visible contents) as an
   * immutable state that loadState() can put back any number of times. Pending block requests are
   * completed first. Throws an Error (one line, nothing saved) when a device cannot be saved now.
   */
  saveState(): MachineState {
    const state = saveMachine(this, this.ramBase);
    this.ramBase = state.ram;
    return state;
  }

  /** Puts back a state saveState() returned on this machine (not yet released). */
  loadState(state: MachineState): void {
    loadMachine(this, state);
    this.ramBase = state.ram;
  }

  /**
   * Forgets a state: the drives write to their images the guest writes no live state needs back.
   * Loading it afterwards is not allowed.
   */
  releaseState(state: MachineState): void {
    releaseMachine(this, state);
  }

  /** A device asks the emulator to exit with `status` (after the current instruction). */
  requestExit(status: number): void {
    this.exitStatus = status;
    for (const cpu of this.cpus) cpu.requestStopAfterInstruction({ kind: "exit", status });
  }

  /** The guest powered the machine off (ACPI S5): the run ends with status 0. */
  requestPowerOff(): void {
    this.exitStatus = 0;
    for (const cpu of this.cpus) cpu.requestStopAfterInstruction({ kind: "exit", status: 0, poweroff: true });
  }

  /** A device asks for a system reset (keyboard controller, port 0xcf9), after the instruction. */
  requestReset(why: string): void {
    for (const cpu of this.cpus) cpu.requestStopAfterInstruction({ kind: "reset", why });
  }

  /** Opens or closes the A20 gate for every CPU (port 0x92, the keyboard controller). */
  setA20(enabled: boolean): void {
    for (const cpu of this.cpus) {
      cpu.a20Mask = enabled ? A20_ENABLED_MASK : A20_DISABLED_MASK;
      cpu.checkMemGeneration();
    }
  }

  /** True when the A20 gate is open. */
  a20(): boolean {
    return this.cpus[0]!.a20Mask === A20_ENABLED_MASK;
  }

  // ---- DebugTarget ----

  readonly arch = I386;

  // Every capability: breakpoints of both kinds share the CPUs' reference-counted table.
  readonly vcpus: VcpuOps = { cpuCount: () => this.cpus.length, stoppedCpu: () => this.stopCpu };
  readonly singleStep: SingleStepOps = { step: (cpu, options) => this.step(cpu, options) };
  readonly swBreakpoints: BreakpointOps = {
    add: (linear) => this.addBreakpoint(linear),
    remove: (linear) => this.removeBreakpoint(linear),
  };
  readonly hwBreakpoints: BreakpointOps = this.swBreakpoints;
  readonly watchpoints: WatchpointOps = {
    add: (kind, linear, length) => this.addWatchpoint(kind, linear, length),
    remove: (kind, linear, length) => this.removeWatchpoint(kind, linear, length),
  };
  readonly ioWatches: IoWatchOps = {
    add: (first, last, dir) => this.addIoWatch(first, last, dir),
    remove: (first, last, dir) => this.removeIoWatch(first, last, dir),
  };
  readonly monitor: MonitorOps = { info: (topic) => this.monitorInfo(topic) };
  readonly snapshots: SnapshotOps = new NamedSnapshots({
    saveState: () => this.saveState(),
    loadState: (s) => {
      this.loadState(s);
      // The loaded moment may not lie on the recorded run: its history starts again there.
      this.history?.clear();
    },
    releaseState: (s) => this.releaseState(s),
    clockNsAt: (position) => (position * 1e9) / this.clock.instructionsPerSecond,
  });

  readRegisters(cpu: number): Uint8Array {
    return readRegisters(this.cpu(cpu));
  }

  writeRegister(cpu: number, regnum: number, value: Uint8Array): void {
    writeRegister(this.cpu(cpu), regnum, value);
    this.history?.truncate();
  }

  describeCpu(cpu: number) {
    return describeCpu(this.cpu(cpu));
  }

  readLinear(cpu: number, addr: number, length: number): Uint8Array | null {
    return this.cpu(cpu).readLinearDebug(addr, length);
  }

  writeLinear(cpu: number, addr: number, data: Uint8Array): boolean {
    const written = this.cpu(cpu).writeLinearDebug(addr, data);
    this.history?.truncate();
    return written;
  }

  readPhysical(addr: number, length: number): Uint8Array {
    return this.memory.readPhysical(addr, length);
  }

  writePhysical(addr: number, data: Uint8Array): void {
    this.memory.writeDebug(addr, data);
    this.history?.truncate();
  }

  /**
   * Executes one instruction on `cpu` (SingleStepOps.step: interrupts and timers as `options` say),
   * recording history when it is on.
   */
  step(cpu: number, options: StepOptions = {}): StopEvent {
    if (this.history === null) return this.stepNow(cpu, options);
    this.history.checkpoint();
    if (cpu === 0) this.history.noteStep(options);
    try {
      return this.stepNow(cpu, options);
    } finally {
      this.history.advanced();
    }
  }

  /**
   * Runs until a stop event or until `budget` virtual ticks passed on the boot CPU (instructions
   * retired plus idle ticks skipped: a CPU halted waiting for a timer also ends a budget). Idle HLT
   * time is skipped to the next device deadline; a halt nothing can end returns `halted`. Records
   * history when it is on.
   */
  run(budget: number): StopEvent {
    if (this.history === null) return this.runNow(budget);
    this.history.checkpoint();
    try {
      return this.runNow(budget);
    } finally {
      this.history.advanced();
    }
  }

  /**
   * Records the run's history from here on, in at most `budget` bytes of snapshots, so a debugger
   * can go back (DebugTarget.reverse). Returns null, or why it cannot: reverse execution needs one
   * vCPU (the boot CPU's history position orders the machine's states only when it is the only one).
   */
  enableHistory(budget = DEFAULT_HISTORY_BYTES): string | null {
    if (this.cpus.length !== 1)
      return `reverse execution needs one vCPU (this machine has ${this.cpus.length})`;
    const boot = this.cpus[0]!;
    const host: HistoryHost<MachineState> = {
      position: () => boot.historyPosition(),
      saveState: () => this.saveState(),
      loadState: (s) => this.loadState(s),
      releaseState: (s) => this.releaseState(s),
      runForward: (ticks) => this.runNow(ticks),
      stepForward: (options) => this.stepNow(0, options ?? {}),
      waiting: () => boot.halted && !boot.runControl.canTakeInterrupt(),
      idle: () => {
        const deadline = this.clock.nextDeadline();
        const ticks = deadline === Number.POSITIVE_INFINITY ? 1 : this.clock.ticksUntil(deadline);
        return this.runNow(Math.max(1, ticks));
      },
      markStopped: (stopped) => boot.markStopped(stopped),
      atBreakpoint: () => boot.atBreakpoint(),
      linearPc: () => (boot.csBase + boot.eip) >>> 0,
      setReplaying: (replaying) => {
        this.outputMuted = replaying;
      },
    };
    const history = new History(host, budget);
    this.history = history;
    // Replays inside reverse execution are not traced; running forward again is, as the first time.
    this.trace.muted = () => this.outputMuted;
    this.reverse = {
      stepBack: () => this.settleBack(history.stepBack()),
      continueBack: () => this.settleBack(history.continueBack()),
      timeline: () => history.timeline(),
    };
    return null;
  }

  /**
   * True while guest output must not reach the host because it was written already: reverse
   * execution replays a moment internally, or the boot CPU runs forward again through moments the
   * history recorded (a byte written at position p was written the first time iff the run went past p).
   * Trace events are another matter: running forward again traces again (the same events, stamped
   * with the same instruction counts), so a trace shows what the debugger walked through.
   */
  private outputHeld(): boolean {
    if (this.outputMuted) return true;
    return this.history !== null && this.cpus[0]!.historyPosition() < this.history.furthest();
  }

  /**
   * A sink for host output (a debug console's, a serial port's) that drops the bytes of moments whose
   * output was already written (outputHeld).
   */
  gatedSink(sink: ByteSink | null): ByteSink | null {
    if (sink === null) return null;
    return {
      write: (byte) => {
        if (!this.outputHeld()) sink.write(byte);
      },
      flush: () => sink.flush?.(),
    };
  }

  /** After going back: the boot CPU is the one stopped, devices flush what they buffered. */
  private settleBack(event: StopEvent): StopEvent {
    this.stopCpu = 0;
    this.flushDevices();
    return event;
  }

  private stepNow(cpu: number, options: StepOptions): StopEvent {
    this.stopCpu = cpu;
    if (this.exitStatus !== null) return { kind: "exit", status: this.exitStatus };
    try {
      const event = this.cpu(cpu).step(options.interrupts ?? true);
      // Stepping advances virtual time like running does: timers and completions that fell due fire
      // now, or (timers held) when the guest next runs.
      if (options.timers ?? true) this.clock.fireDue();
      return this.settle(event);
    } finally {
      this.flushDevices();
    }
  }

  private runNow(budget: number): StopEvent {
    this.stopCpu = 0;
    if (this.exitStatus !== null) return { kind: "exit", status: this.exitStatus };
    const cpu = this.cpus[0]!;
    const end = cpu.virtualTicks() + budget;
    // Timers a debugger's steps held (StepOptions.timers) fire before the first instruction.
    this.clock.fireDue();
    // Halts in a row with no tick of progress: an interrupt that can never be taken, or a device
    // whose deadline stays in the past. Reported as `halted` rather than spinning forever.
    let stuck = 0;
    try {
      for (;;) {
        let slice = end - cpu.virtualTicks();
        if (slice <= 0) return BUDGET;
        const deadline = this.clock.nextDeadline();
        if (deadline !== Number.POSITIVE_INFINITY) {
          slice = Math.max(1, Math.min(slice, this.clock.ticksUntil(deadline)));
        }
        const before = cpu.virtualTicks();
        this.clock.sliceEndTick = before + slice;
        let event: StopEvent;
        try {
          event = cpu.run(slice);
        } finally {
          this.clock.sliceEndTick = Number.POSITIVE_INFINITY;
        }
        this.clock.fireDue();
        if (event.kind === "budget") continue;
        if (event.kind === "halted" && this.idle(cpu, end)) {
          stuck = cpu.virtualTicks() === before ? stuck + 1 : 0;
          if (stuck <= MAX_IDLE_WITHOUT_PROGRESS) continue;
        }
        return this.settle(event);
      }
    } finally {
      this.flushDevices();
    }
  }

  requestStop(): void {
    for (const cpu of this.cpus) cpu.requestStop();
  }

  /** Breakpoint at a linear address on every CPU (reference-counted). */
  addBreakpoint(linear: number): void {
    this.cpuShared.debug.addBreakpoint(linear);
  }

  removeBreakpoint(linear: number): void {
    this.cpuShared.debug.removeBreakpoint(linear);
  }

  /** Data watchpoint on every CPU. */
  addWatchpoint(kind: WatchKind, linear: number, length: number): void {
    this.cpuShared.debug.addWatchpoint(kind, linear, length);
  }

  removeWatchpoint(kind: WatchKind, linear: number, length: number): void {
    this.cpuShared.debug.removeWatchpoint(kind, linear, length);
  }

  /** I/O port watch on the port bus. */
  addIoWatch(first: number, last: number, dir: IoWatchDir): void {
    this.io.addIoWatch(first, last, dir);
  }

  removeIoWatch(first: number, last: number, dir: IoWatchDir): void {
    this.io.removeIoWatch(first, last, dir);
  }

  /** The debugger's system reset (DebugTarget.reset): the recorded future no longer follows. */
  reset(): void {
    this.powerCycle();
    this.history?.truncate();
  }

  /** System reset: CPUs to their power-on state, A20 open, devices reset; RAM and ROM keep their bytes. */
  private powerCycle(): void {
    this.resets++;
    for (const cpu of this.cpus) {
      cpu.a20Mask = A20_ENABLED_MASK;
      cpu.reset();
      cpu.fpu.reset();
    }
    for (const device of this.devices) device.reset?.();
    this.log.resetOnce();
  }

  /** Monitor topics: "mtree" (QEMU's `info mtree`), "mtree -f" (flat view), "log" (debug-port text so far), "jit" (translated code). */
  monitorInfo(topic: string): string | null {
    if (topic === "mtree") return this.memory.mtree();
    if (topic === "mtree -f") return this.memory.mtree(true);
    if (topic === "log") return this.debugcons.map((con) => con.text()).join("");
    if (topic === "acpi") return infoAcpi((addr, length) => this.readPhysical(addr, length));
    if (topic === "jit") return this.cpuShared.jit.info();
    return null;
  }

  // ---- internals ----

  private cpu(index: number): Cpu {
    const cpu = this.cpus[index];
    if (cpu === undefined) throw new RangeError(`no CPU ${index} (the machine has ${this.cpus.length})`);
    return cpu;
  }

  /**
   * A halted CPU: true when it can wake (IF set and an interrupt is pending or a device deadline will
   * come), after skipping idle ticks toward that deadline (no further than the budget's end tick,
   * the rest is skipped by the next run()); false when nothing can ever wake it.
   */
  private idle(cpu: Cpu, endTick: number): boolean {
    if (!cpu.isWaitingForInterrupt()) return false;
    if (cpu.intrLine) return true;
    const deadline = this.clock.nextDeadline();
    if (deadline === Number.POSITIVE_INFINITY) return false;
    cpu.skippedTicks += Math.min(this.clock.ticksUntil(deadline), Math.max(0, endTick - cpu.virtualTicks()));
    this.clock.fireDue();
    return true;
  }

  /** Applies reset semantics to a stop: a triple fault or reset request resets unless noReboot. */
  private settle(event: StopEvent): StopEvent {
    if (event.kind === "tripleFault") {
      if (this.noReboot) return event;
      this.powerCycle();
      return { kind: "reset", why: "triple fault" };
    }
    if (event.kind === "reset" && !this.noReboot) this.powerCycle();
    return event;
  }

  private flushDevices(): void {
    for (const device of this.devices) device.flush?.();
  }
}
