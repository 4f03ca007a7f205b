// What the UI knows about its target: a DebugSession (an RSP client underneath) and, for pcscope's own
// machine, a TraceFeed. Nothing here imports the emulator; TraceEvent is the trace bus's plain type.
import type { TraceEvent } from "../../emu/trace/bus.ts";

export type { TraceEvent };

/** The register layout the stub described (target.xml architecture). */
export type Arch = "i8086" | "i386" | "x86-64";

/** One read of the integer registers: lower-case names (eax, eip, cs, cr0, ...) to unsigned values. */
export interface RegisterSet {
  readonly arch: Arch;
  readonly values: ReadonlyMap<string, bigint>;
}

/** A segment register's hidden descriptor cache, as far as the stub can tell. */
export interface SegmentInfo {
  readonly selector: number;
  readonly base: bigint;
  readonly limit: number;
  /** Descriptor flags (access byte in bits 8-15, G/DB/L/AVL in bits 20-23, like QEMU's dump), or -1. */
  readonly flags: number;
}

/** Hidden CPU state a debugger wants beside the `g` registers (QEMU: `monitor info registers`). */
export interface CpuExtras {
  readonly segments: ReadonlyMap<string, SegmentInfo>;
  readonly gdt?: { base: bigint; limit: number };
  readonly idt?: { base: bigint; limit: number };
  readonly efer?: bigint;
  /** The x87 registers by physical number, when the stub's dump lists them (QEMU's FPR0-7). */
  readonly x87?: PhysicalX87;
}

/**
 * x87 state as QEMU's `info registers` prints it: R0-R7 (80-bit, physical order) and its abridged
 * tag byte (bit i set: R<i> in use). QEMU 7.2's stub sends R0-R7 as st0-st7 and 0 as the tag word,
 * so this is the reliable source there.
 */
export interface PhysicalX87 {
  readonly abridgedTags: number;
  readonly registers: readonly bigint[];
}

/** Why the target stopped, as the UI shows it. */
export interface StopReason {
  readonly kind: "step" | "breakpoint" | "watch" | "signal" | "interrupted" | "exited" | "historyStart";
  /** Watch address or similar detail, when the stub said. */
  readonly addr?: bigint;
  /** I/O port of an I/O watch hit (pcscope's `ioport:` stop field). */
  readonly port?: number;
  /** Signal number (5 = SIGTRAP) or exit status. */
  readonly code?: number;
  /** The stub's stop reply or a short explanation. */
  readonly text: string;
}

/** Breakpoint flavours, as gdb's Z0..Z4. */
export type BreakKind = "sw" | "hw" | "write" | "read" | "access";

/** Trace events of a pcscope target (I/O ports, debug port, block requests). */
export interface TraceFeed {
  /** Calls `listener` for each event from now on; returns the unsubscribe. */
  subscribe(listener: (event: TraceEvent) => void): () => void;
}

/** What another debugger attached to the same machine (a `gdb` alongside `pcscope tui`) did. */
export type ExternalEvent =
  /** It started running the guest. */
  | { readonly kind: "running"; readonly text: string }
  /** The guest it ran stopped. */
  | { readonly kind: "stopped"; readonly text: string }
  /** It stepped or wrote registers or memory while the guest was stopped. */
  | { readonly kind: "changed" }
  /** A line for the console (connections, detaches). */
  | { readonly kind: "log"; readonly text: string };

/** Events from other debuggers of the same target. */
export interface ExternalFeed {
  /** Calls `listener` for each event from now on; returns the unsubscribe. */
  subscribe(listener: (event: ExternalEvent) => void): () => void;
}

/** The target as the UI drives it. Every method is safe to call while stopped; see `resume`. */
export interface DebugSession {
  /** Short description for the status bar (`QEMU stub at 127.0.0.1:1234`). */
  readonly description: string;
  /** Trace feed when the target is pcscope; null for a foreign stub. */
  readonly trace: TraceFeed | null;
  /** Where another `gdb` can attach alongside (`127.0.0.1:1234`), or null. */
  readonly gdbAddress: string | null;
  /** What a debugger attached alongside does (pcscope's local machine); absent or null otherwise. */
  readonly external?: ExternalFeed | null;
  /** Reads the integer registers of the current thread. */
  readRegisters(): Promise<RegisterSet>;
  /** Segment bases/limits and descriptor tables; null when the stub cannot tell. */
  readExtras(): Promise<CpuExtras | null>;
  /** Reads linear memory; null when the stub refuses (unmapped). */
  readMemory(addr: bigint, length: number): Promise<Uint8Array | null>;
  /** Writes linear memory; false when the stub refuses. */
  writeMemory(addr: bigint, data: Uint8Array): Promise<boolean>;
  /** Executes one instruction. */
  stepInstruction(): Promise<StopReason>;
  /** Whether the target executes in reverse (pcscope with a history; QEMU's stub does not). */
  canReverse(): boolean;
  /** Goes back one instruction (`historyStart` at the oldest moment recorded). */
  reverseStepInstruction(): Promise<StopReason>;
  /** Goes back to the previous breakpoint or watchpoint hit (`historyStart` when there is none). */
  reverseContinue(): Promise<StopReason>;
  /** Lets the target run; resolves when it stops (breakpoint, interrupt, exit). */
  resume(): Promise<StopReason>;
  /** Asks a running target to stop; the pending `resume` then resolves. No-op when stopped. */
  interrupt(): Promise<void>;
  /** Inserts a breakpoint or watchpoint at a linear address; false when the stub does not support it. */
  insertBreak(kind: BreakKind, addr: bigint, length: number): Promise<boolean>;
  /** Removes what insertBreak inserted. */
  removeBreak(kind: BreakKind, addr: bigint, length: number): Promise<boolean>;
  /** Sends a monitor command (qRcmd) and returns its output. */
  monitor(command: string): Promise<string>;
  /** Detaches and closes the connection (the target keeps running or stays stopped as the stub decides). */
  close(): Promise<void>;
}
