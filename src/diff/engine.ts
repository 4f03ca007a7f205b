// The differential engine: steps pcscope (side A, in this process) and a reference (side B: QEMU,
// or pcscope with other options) one instruction at a time from reset, and after every step
// compares the registers both describe and the memory the instruction wrote (its written operands
// and the stack it pushed, placed by A before the step). It stops at the first instruction after
// which they differ, when a run ends, or after a maximum number of instructions.
import type { PcscopeSide } from "./pcscope-side.ts";
import { compareRegisters, pairRegisters, type RegisterDifference, registerNumber } from "./registers.ts";
import type { DiffSide, SideStop } from "./side.ts";
import { instructionWrites, type MemoryRange, pushedRange } from "./writes.ts";

/** The longest x86 instruction. */
const MAX_INSN = 15;
/** How long a side gets to finish a step the other ended with a halt before it is interrupted (ms). */
const HALT_GRACE_MS = 1000;
/** How often a step that has not come back looks for a stop request (ms). */
const POLL_MS = 100;
/** Loses a race against any promise already settled. */
const NOT_YET: Promise<null> = Promise.resolve(null);

/** The instruction the sides diverged on, as A saw it before running it. */
export interface DivergentInstruction {
  /** 1-based number of the instruction since reset (0: the sides differ before the first). */
  count: number;
  cs: number;
  eip: number;
  linear: number;
  bitness: 16 | 32;
  realSegments: boolean;
  /** Up to 15 bytes at the linear address (fewer at the end of mapped memory). */
  code: Uint8Array;
}

/** Bytes one instruction wrote at `addr`, as each side holds them afterwards (null: unreadable). */
export interface MemoryDifference {
  addr: number;
  a: Uint8Array | null;
  b: Uint8Array | null;
}

/** What a diff found. */
export type DiffResult =
  | {
      kind: "divergence";
      at: DivergentInstruction;
      registers: RegisterDifference[];
      memory: MemoryDifference[];
      /** How each side's step ended, when they ended differently (one stopped, one ran on). */
      stops: { a: SideStop; b: SideStop } | null;
    }
  | {
      kind: "identical";
      /** Instructions stepped on both sides. */
      count: number;
      /** Why the comparison ended: the instruction limit, or how both runs ended. */
      why: string;
    }
  | { kind: "interrupted"; count: number };

/** What the engine needs besides the sides. */
export interface DiffOptions {
  /** Instructions to compare at most. */
  maxInsns: number;
  /** Polled between steps: true ends the diff as `interrupted` (Ctrl-C). */
  stopRequested: () => boolean;
}

/** Runs the comparison. Rejects only when a side fails in a way that is not a guest's doing. */
export async function runDiff(a: PcscopeSide, b: DiffSide, opts: DiffOptions): Promise<DiffResult> {
  const pairs = pairRegisters(a.layout, b.layout);
  let regsA = await a.registers();
  const regsB = await b.registers();
  let at = await instructionAt(a, regsA, 0);
  const initial = compareRegisters(pairs, regsA, regsB);
  if (initial.length > 0) return { kind: "divergence", at, registers: initial, memory: [], stops: null };
  for (let count = 1; count <= opts.maxInsns; count++) {
    if (opts.stopRequested()) return { kind: "interrupted", count: count - 1 };
    at = await instructionAt(a, regsA, count);
    const view = a.codeView();
    const value = (name: string) => registerNumber(a.layout, regsA, name);
    const writes = instructionWrites(at.code, view, value);
    const ssBefore = value("ss");
    const spBefore = value("esp");
    const stepB = b.step();
    const stopA = await a.step();
    const stopB = await finishStep(stopA, stepB, b, opts.stopRequested);
    if (stopB === "interrupted") return { kind: "interrupted", count: count - 1 };
    regsA = await a.registers();
    // A side that ended by exiting (QEMU's process is gone) has no registers left to compare.
    const afterB = await registersOrNull(b);
    const registers = afterB === null ? [] : compareRegisters(pairs, regsA, afterB);
    const pushed =
      registerNumber(a.layout, regsA, "ss") === ssBefore
        ? pushedRange(
            view.segmentBase.ss ?? 0,
            spBefore,
            registerNumber(a.layout, regsA, "esp"),
            view.stack32,
          )
        : null;
    const memory =
      afterB === null ? [] : await compareMemory(a, b, pushed === null ? writes : [...writes, pushed]);
    const alike = sameStop(stopA, stopB);
    if (!alike || registers.length > 0 || memory.length > 0)
      return { kind: "divergence", at, registers, memory, stops: alike ? null : { a: stopA, b: stopB } };
    if (stopA.kind !== "step") return { kind: "identical", count, why: endWhy(a, stopA, b, stopB) };
  }
  return {
    kind: "identical",
    count: opts.maxInsns,
    why: `--max-insns ${opts.maxInsns} reached`,
  };
}

/** True when two steps ended the same way (both stepped, both halted, or both ended with one status). */
function sameStop(x: SideStop, y: SideStop): boolean {
  if (x.kind === "end" && y.kind === "end") return x.status === y.status;
  return x.kind === y.kind;
}

/**
 * Waits for B's step, polling `stopRequested` meanwhile ("interrupted" when it says so, after
 * ending the step). When A halted, B (QEMU) may never come back from its step: after a grace it is
 * asked to end it, and reported halted; its state is compared as it stands.
 */
async function finishStep(
  stopA: SideStop,
  stepB: Promise<SideStop>,
  b: DiffSide,
  stopRequested: () => boolean,
): Promise<SideStop | "interrupted"> {
  // A step already done (pcscope's always are) needs no timer.
  const done = await Promise.race([stepB, NOT_YET]);
  if (done !== null) return done;
  const started = Date.now();
  for (;;) {
    let timer: NodeJS.Timeout | undefined;
    const tick = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), POLL_MS);
    });
    const stop = await Promise.race([stepB, tick]);
    clearTimeout(timer);
    if (stop !== null) return stop;
    const halted = stopA.kind === "halted" && Date.now() - started >= HALT_GRACE_MS;
    if (halted || stopRequested()) {
      await b.interruptStep();
      const late = await stepB;
      if (!halted) return "interrupted";
      return late.kind === "end" ? late : { kind: "halted", why: "halted (its step did not come back)" };
    }
  }
}

/** B's registers, or null when it cannot answer any more (its process exited). */
async function registersOrNull(b: DiffSide): Promise<Uint8Array | null> {
  try {
    return await b.registers();
  } catch {
    return null; // the connection closed with the process: the stop says how it ended
  }
}

/** The instruction A is about to run, from its registers `regs` and memory. */
async function instructionAt(a: PcscopeSide, regs: Uint8Array, count: number): Promise<DivergentInstruction> {
  const view = a.codeView();
  const cs = registerNumber(a.layout, regs, "cs");
  const eip = registerNumber(a.layout, regs, "eip");
  const linear = ((view.segmentBase.cs ?? 0) + eip) >>> 0;
  let code: Uint8Array | null = null;
  for (let n = MAX_INSN; n > 0 && code === null; n--) code = await a.readLinear(linear, n);
  return {
    count,
    cs,
    eip,
    linear,
    bitness: view.bitness,
    realSegments: view.realSegments,
    code: code ?? new Uint8Array(0),
  };
}

/** The written ranges whose bytes differ between the sides (unreadable on one side counts). */
async function compareMemory(
  a: DiffSide,
  b: DiffSide,
  ranges: readonly MemoryRange[],
): Promise<MemoryDifference[]> {
  const out: MemoryDifference[] = [];
  for (const range of ranges) {
    const [bytesA, bytesB] = [
      await a.readLinear(range.addr, range.length),
      await b.readLinear(range.addr, range.length),
    ];
    const same =
      bytesA !== null &&
      bytesB !== null &&
      bytesA.length === bytesB.length &&
      bytesA.every((v, i) => v === bytesB[i]);
    if (!same) out.push({ addr: range.addr, a: bytesA, b: bytesB });
  }
  return out;
}

/** How both runs ended, in one phrase. */
function endWhy(a: DiffSide, stopA: SideStop, b: DiffSide, stopB: SideStop): string {
  const whyA = stopA.kind === "step" ? "stepped" : stopA.why;
  const whyB = stopB.kind === "step" ? "stepped" : stopB.why;
  return `${a.label}: ${whyA}; ${b.label}: ${whyB}`;
}
