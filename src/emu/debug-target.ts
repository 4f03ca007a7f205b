// The contract between the machine and anything that debugs it (the gdb stub, the UI's local
// session, tests). Addresses are linear unless a name says physical. Registers move as little-endian
// bytes laid out by the target's ArchDescription (src/emu/debug-arch.ts).
import type { ArchDescription } from "./debug-arch.ts";
import type { TraceBus } from "./trace/bus.ts";

/** Why execution stopped. Every guest behaviour ends in one of these; nothing is thrown. */
export type StopEvent =
  /** One instruction was stepped. */
  | { kind: "step" }
  /** A breakpoint at linear address `addr` is about to execute. */
  | { kind: "breakpoint"; addr: number }
  /** A data watchpoint hit; reported after the accessing instruction completed. */
  | { kind: "watch"; type: WatchKind; addr: number }
  /** An I/O port watch hit; reported after the port access completed. */
  | { kind: "ioWatch"; port: number; dir: "in" | "out"; size: 1 | 2 | 4; value: number }
  /** The CPU halted with interrupts disabled (or nothing can wake it). */
  | { kind: "halted" }
  /** The machine was reset (keyboard controller, 0xcf9, triple fault with reboot allowed). */
  | { kind: "reset"; why: string }
  /** A triple fault (shutdown); the machine resets unless --no-reboot. */
  | { kind: "tripleFault" }
  /** The debugger asked the machine to stop (Ctrl-C, 0x03). */
  | { kind: "interrupted" }
  /** The instruction budget given to run() was used up. */
  | { kind: "budget" }
  /** A device asked to exit the emulator with this status: isa-debug-exit, or an ACPI power-off. */
  | { kind: "exit"; status: number; poweroff?: boolean }
  /** Reverse execution reached the oldest moment history holds (gdb's `replaylog:begin`). */
  | { kind: "historyStart" }
  /** The guest used something the real CPU has but pcscope does not implement yet. */
  | { kind: "unimplemented"; what: string; bytes: number[]; cs: number; eip: number; linear: number };

/** Data watchpoint kinds, as gdb's Z2 (write), Z3 (read) and Z4 (access). */
export type WatchKind = "write" | "read" | "access";

/** I/O watch directions. */
export type IoWatchDir = "r" | "w" | "rw";

/** A segment register's visible selector and hidden descriptor cache. */
export interface SegmentView {
  selector: number;
  base: number;
  limit: number;
  /** Descriptor attribute bits (access byte in bits 0-7, flags nibble G/DB/L/AVL in bits 12-15). */
  attrs: number;
}

/** What a debugger wants to know about a CPU beyond the `g` registers. */
export interface CpuView {
  index: number;
  /** "real" | "protected16" | "protected32" | "v86", with paging noted separately. */
  mode: "real" | "protected16" | "protected32" | "v86";
  paging: boolean;
  halted: boolean;
  cpl: number;
  segments: {
    es: SegmentView;
    cs: SegmentView;
    ss: SegmentView;
    ds: SegmentView;
    fs: SegmentView;
    gs: SegmentView;
  };
  gdtr: { base: number; limit: number };
  idtr: { base: number; limit: number };
  ldtr: SegmentView;
  tr: SegmentView;
  cr: { cr0: number; cr2: number; cr3: number; cr4: number };
  /** Guest instructions retired by this CPU. */
  instructions: number;
}

/**
 * The machine as a debugger drives it: the base every target has, plus optional capability objects
 * (gdbstub's `support_*()` extensions). The gdb stub advertises and serves exactly the capabilities
 * present; a packet for a missing one gets the empty reply ("not supported").
 */
export interface DebugTarget {
  /** The register file's description: layout, sizes, target-description features. */
  readonly arch: ArchDescription;
  /** All registers of `cpu` as one little-endian buffer of arch.bytes bytes, in arch order. */
  readRegisters(cpu: number): Uint8Array;
  /**
   * Writes register `regnum` from its arch size in little-endian bytes. Segment registers reload
   * their cache as a MOV would in the current mode; registers the CPU lacks ignore the write.
   */
  writeRegister(cpu: number, regnum: number, value: Uint8Array): void;
  /** Mode, segment caches, descriptor tables and control registers of `cpu`. */
  describeCpu(cpu: number): CpuView;
  /** Reads linear memory through `cpu`'s paging; null if any byte is unmapped. Never faults the guest. */
  readLinear(cpu: number, addr: number, length: number): Uint8Array | null;
  /** Writes linear memory (ROM stays untouched); false if any byte is unmapped. */
  writeLinear(cpu: number, addr: number, data: Uint8Array): boolean;
  /** Reads physical memory as the bus sees it (unmapped reads as 0xff). */
  readPhysical(addr: number, length: number): Uint8Array;
  /** Writes physical memory (RAM only; ROM and unmapped bytes are skipped). */
  writePhysical(addr: number, data: Uint8Array): void;
  /** Runs all CPUs until a stop event or until about `budget` instructions retired. */
  run(budget: number): StopEvent;
  /** Asks a running run() to return `interrupted` as soon as possible (safe from callbacks). */
  requestStop(): void;
  /** System reset as the reset button does it (devices keep what real hardware keeps). */
  reset(): void;
  /** Optional: the machine's trace bus; the monitor's `trace on|off PATTERN` subscribes to it. */
  readonly trace?: TraceBus;

  // ---- capabilities ----
  /** Several vCPUs (gdb threads 1..cpuCount); without it the target is one CPU, number 0. */
  readonly vcpus?: VcpuOps;
  /** Single-stepping one instruction (vCont s/S, s/S). */
  readonly singleStep?: SingleStepOps;
  /** Z0/z0 breakpoints. */
  readonly swBreakpoints?: BreakpointOps;
  /** Z1/z1 breakpoints (may share one table with swBreakpoints if it reference-counts). */
  readonly hwBreakpoints?: BreakpointOps;
  /** Z2-Z4 data watchpoints. */
  readonly watchpoints?: WatchpointOps;
  /** I/O port watches (`monitor iowatch`). */
  readonly ioWatches?: IoWatchOps;
  /** Machine knowledge for monitor commands (`info mtree`, `log`). */
  readonly monitor?: MonitorOps;
  /** Going back in the run's history (gdb's `bs`/`bc`, the UI's reverse keys). */
  readonly reverse?: ReverseOps;
  /** Named whole-machine snapshots in memory (`monitor savevm/loadvm/delvm`, `info snapshots`). */
  readonly snapshots?: SnapshotOps;
}

/** One named snapshot as listed. */
export interface SnapshotInfo {
  name: string;
  /** The boot CPU's virtual ticks (instructions retired plus idle ticks skipped) when it was taken. */
  position: number;
  /** Bytes of memory it owns (pages it shares with other snapshots are not counted). */
  bytes: number;
  /** Virtual time when it was taken, in ns. */
  clockNs: number;
}

/** Named whole-machine snapshots: CPUs, RAM, devices, timers and the drives' contents. */
export interface SnapshotOps {
  /**
   * Saves the machine as `name`, replacing a snapshot of that name. Throws an Error with a one-line
   * message when the machine cannot be saved now (a transfer whose state is not data yet).
   */
  save(name: string): void;
  /** Puts the machine back as `name` saw it; false for an unknown name. Reusable any number of times. */
  load(name: string): boolean;
  /** Forgets `name`; false for an unknown name. */
  delete(name: string): boolean;
  /** The snapshots, oldest first. */
  list(): SnapshotInfo[];
}

/** vCPUs as gdb threads. */
export interface VcpuOps {
  /** Number of vCPUs (gdb threads are 1..cpuCount). */
  cpuCount(): number;
  /**
   * The vCPU whose event ended the last run() or step() (its breakpoint, watchpoint, fault...):
   * the gdb thread a stop reply names. 0 for events of the machine as a whole.
   */
  stoppedCpu(): number;
}

/**
 * What a debugger's single step lets the rest of the machine do (QEMU's gdbstub sstep flags: its
 * default, SSTEP_NOIRQ|SSTEP_NOTIMER, is both false). Both default to true: the architectural step.
 */
export interface StepOptions {
  /** A pending interrupt the CPU can take is delivered, and that delivery is the step. */
  readonly interrupts?: boolean;
  /** Device timers that fall due during the step fire (else they fire when the guest next runs). */
  readonly timers?: boolean;
}

/** QEMU's gdb stub's default step (SSTEP_NOIRQ|SSTEP_NOTIMER): interrupts and timers held. */
export const HELD_STEP: StepOptions = { interrupts: false, timers: false };

/** Stepping. */
export interface SingleStepOps {
  /**
   * Executes one instruction on `cpu`. With `options.interrupts` (the default) delivering a pending
   * interrupt counts as the step; without it the instruction at the PC runs with interrupts held off
   * (a halted CPU then stays halted: `halted`).
   */
  step(cpu: number, options?: StepOptions): StopEvent;
}

/** Address breakpoints at linear addresses; DebugTarget.run never re-triggers the one it starts on. */
export interface BreakpointOps {
  add(linear: number): void;
  remove(linear: number): void;
}

/** Data watchpoints over linear bytes [linear, linear + length). */
export interface WatchpointOps {
  add(kind: WatchKind, linear: number, length: number): void;
  remove(kind: WatchKind, linear: number, length: number): void;
}

/** I/O port watches over ports [first, last]. */
export interface IoWatchOps {
  add(first: number, last: number, dir: IoWatchDir): void;
  remove(first: number, last: number, dir: IoWatchDir): void;
}

/**
 * Reverse execution over the recorded history. Both calls leave the machine in the state it had at
 * that earlier moment, so registers, memory and devices read as they did then and running forward
 * replays the same run. A debugger's write to registers or memory starts a new future: the history
 * after the current moment is dropped.
 */
export interface ReverseOps {
  /**
   * Goes back one step of `cpu` (an instruction, or the delivery of an interrupt, fault or trap):
   * `step`, or `historyStart` when nothing earlier is recorded.
   */
  stepBack(cpu: number): StopEvent;
  /**
   * Goes back to the latest earlier moment a breakpoint, watchpoint or I/O watch stopped (or would
   * have stopped) the run: that event, with the machine just before the watched access for watches;
   * `historyStart` when none is recorded.
   */
  continueBack(): StopEvent;
  /** Where the run stands in its history: what a timeline shows and `info history` prints. */
  timeline(): HistoryTimeline;
}

/** The recorded history in steps of the boot CPU (HistoryTimeline.now counts from power-on). */
export interface HistoryTimeline {
  /** The oldest moment reverse execution reaches. */
  start: number;
  /** Where the machine stands now. */
  now: number;
  /** The furthest moment the run has reached (going forward from `now` replays up to it). */
  end: number;
  /** Snapshots kept and the memory they use. */
  snapshots: number;
  bytes: number;
  /** The memory budget (`--history SIZE`). */
  budget: number;
}

/** Text for monitor commands that need machine knowledge beyond DebugTarget. */
export interface MonitorOps {
  /**
   * Topics: "mtree" (the memory map, like QEMU's `info mtree`), "mtree -f" (its flat view), "log"
   * (the firmware's debug-port output so far), "acpi" (the ACPI tables in guest memory), "jit"
   * (translated blocks, code bytes, hit rate, invalidations); the PC adds
   * "fw_cfg" (its items) and "mptable" (the MP table in guest memory). Returns null for a topic the
   * machine does not know.
   */
  info(topic: string): string | null;
}

/**
 * One line saying why the guest stopped, for humans: the CLI's summary, the gdb console and the UI's
 * status all use it. Never empty.
 */
export function describeStop(event: StopEvent): string {
  switch (event.kind) {
    case "step":
      return "step";
    case "budget":
      return "instruction budget used up";
    case "breakpoint":
      return `breakpoint at 0x${hex(event.addr)}`;
    case "watch":
      return `${event.type} watchpoint at 0x${hex(event.addr)}`;
    case "ioWatch": {
      const value = hex(event.value).padStart(event.size * 2, "0");
      const char =
        event.size === 1 && event.value >= 0x20 && event.value < 0x7f
          ? ` ('${String.fromCharCode(event.value)}')`
          : "";
      return `iowatch: ${event.dir} port 0x${hex(event.port).padStart(4, "0")} size ${event.size} value 0x${value}${char}`;
    }
    case "halted":
      return "halted with nothing left to wake it";
    case "reset":
      return `reset requested (${event.why})`;
    case "tripleFault":
      return "triple fault (shutdown)";
    case "interrupted":
      return "interrupted";
    case "historyStart":
      return "no more reverse-execution history";
    case "exit":
      if (event.poweroff === true) return "the guest powered off";
      return `isa-debug-exit wrote ${event.status >>> 1} (status ${event.status})`;
    case "unimplemented": {
      const bytes = event.bytes.map((b) => b.toString(16).padStart(2, "0")).join(" ");
      const at = `${hex(event.cs & 0xffff).padStart(4, "0")}:${hex(event.eip).padStart(8, "0")}`;
      return `unimplemented: ${event.what} at ${at} (linear 0x${hex(event.linear)}; bytes ${bytes})`;
    }
  }
}

function hex(n: number): string {
  return (n >>> 0).toString(16);
}
