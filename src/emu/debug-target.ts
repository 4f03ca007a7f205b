// The contract between the machine and anything that debugs it (the gdb stub, the UI's local
// session, tests). Addresses are linear unless a name says physical. Register values are unsigned.
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
  /** A device asked to exit the emulator (isa-debug-exit) with this status. */
  | { kind: "exit"; status: number }
  /** The guest used something the real CPU has but pcscope does not implement yet. */
  | { kind: "unimplemented"; what: string; bytes: number[]; cs: number; eip: number; linear: number };

/** Data watchpoint kinds, as gdb's Z2 (write), Z3 (read) and Z4 (access). */
export type WatchKind = "write" | "read" | "access";

/** I/O watch directions. */
export type IoWatchDir = "r" | "w" | "rw";

/**
 * Register names in QEMU's i386-32bit.xml order (the gdb `g` packet order), integer part only.
 * The x87/SSE registers that follow in the `g` packet are not listed: the stub pads them.
 */
export const I386_REG_NAMES = [
  "eax",
  "ecx",
  "edx",
  "ebx",
  "esp",
  "ebp",
  "esi",
  "edi",
  "eip",
  "eflags",
  "cs",
  "ss",
  "ds",
  "es",
  "fs",
  "gs",
  "fs_base",
  "gs_base",
  "k_gs_base",
  "cr0",
  "cr2",
  "cr3",
  "cr4",
  "cr8",
  "efer",
] as const;

export type I386RegName = (typeof I386_REG_NAMES)[number];

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

/** The machine as a debugger drives it. */
export interface DebugTarget {
  /** Number of vCPUs (gdb threads are 1..cpuCount). */
  cpuCount(): number;
  /** Integer registers of `cpu` in I386_REG_NAMES order. */
  readRegisters(cpu: number): number[];
  /** Writes one register; segment registers reload their cache as a MOV would in the current mode. */
  writeRegister(cpu: number, name: I386RegName, value: number): void;
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
  /** Executes one instruction on `cpu` (delivering a pending interrupt counts as the step). */
  step(cpu: number): StopEvent;
  /** Runs all CPUs until a stop event or until about `budget` instructions retired. */
  run(budget: number): StopEvent;
  /**
   * The vCPU whose event ended the last run() or step() (its breakpoint, watchpoint, fault...):
   * the gdb thread a stop reply names. 0 for events of the machine as a whole.
   */
  stoppedCpu(): number;
  /** Asks a running run() to return `interrupted` as soon as possible (safe from callbacks). */
  requestStop(): void;
  addBreakpoint(linear: number): void;
  removeBreakpoint(linear: number): void;
  addWatchpoint(kind: WatchKind, linear: number, length: number): void;
  removeWatchpoint(kind: WatchKind, linear: number, length: number): void;
  addIoWatch(first: number, last: number, dir: IoWatchDir): void;
  removeIoWatch(first: number, last: number, dir: IoWatchDir): void;
  /** System reset as the reset button does it (devices keep what real hardware keeps). */
  reset(): void;
  /**
   * Optional: text for debugger monitor commands that need machine knowledge beyond this interface.
   * Topics: "mtree" (the memory map, like QEMU's `info mtree`), "log" (the firmware's debug-port
   * output so far). Returns null for a topic the machine does not know. (Added for the gdb stub.)
   */
  monitorInfo?(topic: string): string | null;
  /** Optional: the machine's trace bus; the monitor's `trace on|off PATTERN` subscribes to it. */
  readonly trace?: TraceBus;
}
