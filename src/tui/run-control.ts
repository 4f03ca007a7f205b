// Run control in few RSP round trips: step into (remembering the frames it enters), step over
// (`next`: a temporary breakpoint after the instruction plus continue, with the stack pointer checked
// so a recursive call reaching the same address deeper down does not stop it) and `finish` (a
// temporary breakpoint at the return address: from a remembered frame, else read from the stack
// through the function's symbol and prologue, else a bounded single-step that reports progress).
// Temporary breakpoints are removed however the run ends; a user breakpoint hit first wins, as in gdb.
// A single step is the stub's: against pcscope's (and QEMU's) by default it runs the instruction at
// the PC with interrupts and timers held, so stepping off a breakpoint never enters an interrupt
// handler that returns to it; pending interrupts are taken when the target runs on.

import type { BreakpointList } from "./logic/breakpoints.ts";
import type { CpuContext } from "./logic/cpu-mode.ts";
import { type CodePlace, type DisasmLine, disassemble } from "./logic/disasm.ts";
import { CALL_WINDOW, callEndsAt, type Frame, readWord, returnSlot } from "./logic/frames.ts";
import type { SymbolResolver } from "./logic/symbol-resolver.ts";
import { MAX_INSN, placeFor } from "./panes/code/code-view.ts";
import type { DebugSession, RegisterSet, StopReason } from "./session/debug-session.ts";

/** Single steps `finish` takes when it cannot find the return address, before it gives up. */
export const FINISH_MAX_STEPS = 20_000;
/** `finish` reports its progress every this many single steps. */
const PROGRESS_EVERY = 256;
/** Bytes of a function read to recognise its `push bp; mov bp, sp` prologue. */
const PROLOGUE_BYTES = 5;

/** What run control needs from the debugger that owns it. */
export interface RunHost {
  readonly session: DebugSession;
  readonly breakpoints: BreakpointList;
  readonly symbols: SymbolResolver;
  /** The CPU context of a register read (with the hidden segment state the debugger knows). */
  contextOf(regs: RegisterSet): CpuContext;
  /** Called before the target is let run freely (the UI then shows "running": pause interrupts it). */
  running(): void;
  /** Called when the target stopped again within an operation (pause then needs no interrupt). */
  settled(): void;
  /** A progress line for a long operation. */
  progress(text: string): void;
  /** True once the user asked to pause. */
  pauseRequested(): boolean;
}

/** How a run-control operation ended. */
export interface RunResult {
  /** The stop to show: `{kind: "step"}` when the operation completed. */
  readonly stop: StopReason;
  readonly ctx: CpuContext;
  /** True when the operation got where it was going (false: a breakpoint, pause or exit came first). */
  readonly arrived: boolean;
  /** The registers `ctx` was computed from, when read after the target last moved (else null). */
  readonly regs: RegisterSet | null;
}

/** The stop an operation that got where it was going shows. */
const ARRIVED: StopReason = { kind: "step", text: "step" };

export class RunControl {
  /** Calls the UI stepped into and has not seen return, innermost last. */
  private frames: Frame[] = [];
  /** The last register read and the context computed from it. */
  private last: { regs: RegisterSet; ctx: CpuContext } | null = null;

  constructor(private readonly host: RunHost) {}

  /** Forgets remembered frames (after the target ran freely, the call depth is unknown). */
  forgetFrames(): void {
    this.frames = [];
  }

  /**
   * Executes one instruction at `ctx` (whose decoded line is `line`, when known) and remembers the
   * frame when it entered a call.
   */
  async stepInstruction(ctx: CpuContext, line: DisasmLine | null): Promise<RunResult> {
    const { session } = this.host;
    const stop = await session.stepInstruction();
    if (stop.kind === "exited") return exited(stop, ctx);
    const after = await this.readContext();
    const returnTo = line === null ? null : line.addr + BigInt(line.length);
    if (line?.klass === "call" && stop.kind === "step" && after.pc !== returnTo && after.sp < ctx.sp)
      this.frames.push({ returnTo: returnTo!, slot: after.sp });
    this.prune(after);
    return this.result(stop, after, stop.kind === "step");
  }

  /**
   * Goes back one instruction (`reverse`: "step") or to the previous breakpoint or watchpoint hit
   * ("continue"). Remembered frames are forgotten: the call depth back there is unknown.
   */
  async reverse(ctx: CpuContext, how: "step" | "continue"): Promise<RunResult> {
    const { session } = this.host;
    this.forgetFrames();
    const stop = how === "step" ? await session.reverseStepInstruction() : await session.reverseContinue();
    if (stop.kind === "exited") return exited(stop, ctx);
    return this.result(stop, await this.readContext(), how === "step" && stop.kind === "step");
  }

  /**
   * Steps over `line` (at the PC): runs to the instruction after it with a temporary breakpoint,
   * arriving only with the stack pointer back at (or above) where it is now, so a recursive call
   * reaching that address deeper down keeps running.
   */
  runOver(ctx: CpuContext, line: DisasmLine): Promise<RunResult> {
    return this.runUntil(ctx, line.addr + BigInt(line.length), (at) => at.sp >= ctx.sp);
  }

  /**
   * Runs until the function at `ctx` (read as `regs`, at `line` when known) returns: in few round
   * trips when the return address can be found (a remembered frame, or the stack read through the
   * function's symbol and prologue); else single-steps (stepping over calls) for at most
   * FINISH_MAX_STEPS instructions, reporting progress.
   */
  async finish(ctx: CpuContext, regs: RegisterSet, line: DisasmLine | null): Promise<RunResult> {
    if (line?.klass === "ret") return this.stepInstruction(ctx, line);
    this.prune(ctx);
    const frame = this.frames.at(-1) ?? (await this.frameFromStack(ctx, regs));
    if (frame === null) return this.finishByStepping(ctx);
    const result = await this.runUntil(ctx, frame.returnTo, (at) => at.sp > frame.slot);
    if (result.arrived) this.prune(result.ctx);
    else this.forgetFrames();
    return result;
  }

  /** Reads the registers and the CPU context they give. */
  async readContext(): Promise<CpuContext> {
    const regs = await this.host.session.readRegisters();
    const ctx = this.host.contextOf(regs);
    this.last = { regs, ctx };
    return ctx;
  }

  /**
   * A result at `ctx`, carrying the registers it was computed from. Needs: the target has not moved
   * since `ctx` was read (every run or step here reads the registers right after).
   */
  private result(stop: StopReason, ctx: CpuContext, arrived: boolean): RunResult {
    return { stop, ctx, arrived, regs: this.last?.ctx === ctx ? this.last.regs : null };
  }

  /** Lets the target run until it stops, telling the host while it runs. */
  private async resume(): Promise<StopReason> {
    this.host.running();
    try {
      return await this.host.session.resume();
    } finally {
      this.host.settled();
    }
  }

  /**
   * Continue: steps off a user breakpoint at the PC, then lets the target run until it stops (a
   * breakpoint, a watchpoint, pause, exit). Remembered frames are forgotten: the depth is unknown.
   */
  async runFree(ctx: CpuContext): Promise<RunResult> {
    this.forgetFrames();
    const off = await this.stepOffBreakpoint(ctx);
    if (off !== null) {
      if (off.stop.kind === "exited") return exited(off.stop, ctx);
      if (off.stop.kind !== "step") return this.result(off.stop, off.ctx, false);
      ctx = off.ctx;
    }
    if (this.host.pauseRequested()) return this.result({ kind: "interrupted", text: "paused" }, ctx, false);
    const stop = await this.resume();
    if (stop.kind === "exited") return exited(stop, ctx);
    return this.result(stop, await this.readContext(), false);
  }

  /** Decodes the instruction at the PC of `ctx`; null when its bytes cannot be read. */
  async lineAt(ctx: CpuContext): Promise<DisasmLine | null> {
    const { place, ip } = placeFor(ctx, ctx.pc);
    const bytes = await this.host.session.readMemory(ctx.pc, MAX_INSN);
    if (bytes === null) return null;
    return disassemble(bytes, ip, place, 1, this.host.symbols)[0] ?? null;
  }

  /** Drops remembered frames the stack pointer has left (their functions returned). */
  private prune(ctx: CpuContext): void {
    while (this.frames.length > 0 && ctx.sp > this.frames.at(-1)!.slot) this.frames.pop();
  }

  /**
   * The frame of the function at the PC, read from the stack: needs a symbol starting the function
   * and the PC at its entry, after `push bp`, or past a `push bp; mov bp, sp` prologue. The
   * candidate return address is accepted only when a call instruction ends right before it.
   */
  private async frameFromStack(ctx: CpuContext, regs: RegisterSet): Promise<Frame | null> {
    const { session, symbols } = this.host;
    const hit = symbols.lookupAddress(ctx.pc);
    if (hit === null) return null;
    const start = ctx.pc - hit.offset;
    const prologue = hit.offset === 0n ? new Uint8Array(0) : await session.readMemory(start, PROLOGUE_BYTES);
    if (prologue === null) return null;
    const where = returnSlot(prologue, Number(hit.offset));
    if (where === null) return null;
    const word = ctx.bitness / 8;
    const spReg = regs.values.get(regs.values.has("rsp") ? "rsp" : "esp") ?? 0n;
    const ssBase = ctx.sp - (ctx.bitness === 16 ? spReg & 0xffffn : spReg);
    const bp = regs.values.get(regs.values.has("rbp") ? "rbp" : "ebp") ?? 0n;
    const slot =
      where === "sp"
        ? ctx.sp
        : where === "sp+word"
          ? ctx.sp + BigInt(word)
          : ssBase + (ctx.bitness === 16 ? bp & 0xffffn : bp) + BigInt(word);
    const stack = await session.readMemory(slot, 2 * word);
    if (stack === null) return null;
    const ip = readWord(stack, 0, word);
    // A near return stays in this CS; in real mode a far one goes to the CS pushed above the IP.
    const real = ctx.mode === "real" || ctx.mode === "v86";
    const near: CodePlace = { bitness: ctx.bitness, csBase: ctx.csBase, realSegments: real };
    const places = real ? [near, { ...near, csBase: readWord(stack, word, 2) << 4n }] : [near];
    for (const place of places) {
      const returnTo = place.csBase + ip;
      const before = await session.readMemory(returnTo - BigInt(CALL_WINDOW), CALL_WINDOW);
      if (before !== null && callEndsAt(before, ip, place, symbols)) return { returnTo, slot };
    }
    return null;
  }

  /** `finish` without a known return address: single steps, stepping over calls, up to a return. */
  private async finishByStepping(start: CpuContext): Promise<RunResult> {
    let ctx = start;
    for (let i = 0; i < FINISH_MAX_STEPS; i++) {
      if (this.host.pauseRequested()) return this.result({ kind: "interrupted", text: "paused" }, ctx, false);
      const line = await this.lineAt(ctx);
      if (line === null) throw new Error("cannot decode at the PC");
      if (line.klass === "call" || line.klass === "rep" || line.klass === "int") {
        const over = await this.runOver(ctx, line);
        if (!over.arrived) return over;
        ctx = over.ctx;
        continue;
      }
      const stop = await this.host.session.stepInstruction();
      if (stop.kind === "exited") return exited(stop, ctx);
      ctx = await this.readContext();
      if (stop.kind !== "step") return this.result(stop, ctx, false);
      if (line.klass === "ret" && ctx.sp > start.sp) return this.result(ARRIVED, ctx, true);
      if (i % PROGRESS_EVERY === PROGRESS_EVERY - 1)
        this.host.progress(`finish: no return address known, stepped ${i + 1} instructions...`);
    }
    return this.result(
      { kind: "signal", text: `finish gave up after ${FINISH_MAX_STEPS} instructions` },
      ctx,
      false,
    );
  }

  /**
   * Runs to linear `target` with a temporary breakpoint (unless a user breakpoint is there: then
   * reaching it is that breakpoint's hit) until a stop there satisfies `arrived`; a stop there that
   * does not (recursion) steps off the breakpoint and continues. The temporary breakpoint is removed
   * however the run ends.
   */
  private async runUntil(
    ctx: CpuContext,
    target: bigint,
    arrived: (at: CpuContext) => boolean,
  ): Promise<RunResult> {
    const { session, breakpoints } = this.host;
    const off = await this.stepOffBreakpoint(ctx);
    if (off !== null) {
      if (off.stop.kind === "exited") return exited(off.stop, ctx);
      if (off.stop.kind !== "step") return this.result(off.stop, off.ctx, false);
      if (off.ctx.pc === target && arrived(off.ctx)) return this.result(ARRIVED, off.ctx, true);
      ctx = off.ctx;
    }
    const user = breakpoints.enabledCodeAt(target);
    if (!user && !(await session.insertBreak("sw", target, 1)))
      throw new Error("the stub refused a breakpoint");
    try {
      for (;;) {
        const stop = await this.resume();
        if (stop.kind === "exited") return exited(stop, ctx);
        const at = await this.readContext();
        const here = at.pc === target && stop.kind !== "interrupted";
        if (!here || user) return this.result(stop, at, false);
        if (arrived(at)) return this.result(ARRIVED, at, true);
        if (this.host.pauseRequested()) return this.result(stop, at, false);
        // Deeper down (recursion): step off the temporary breakpoint and run on.
        await session.removeBreak("sw", target, 1);
        let step: StopReason;
        try {
          step = await session.stepInstruction();
        } finally {
          await session.insertBreak("sw", target, 1);
        }
        if (step.kind === "exited") return exited(step, ctx);
        if (step.kind !== "step") return this.result(step, await this.readContext(), false);
      }
    } finally {
      if (!user) await session.removeBreak("sw", target, 1);
    }
  }

  /**
   * Steps off an enabled user breakpoint at the PC so continuing does not stop on it again; null
   * when there is none. After an exit, `ctx` is the context before the step.
   */
  async stepOffBreakpoint(ctx: CpuContext): Promise<{ stop: StopReason; ctx: CpuContext } | null> {
    const { session, breakpoints } = this.host;
    if (!breakpoints.enabledCodeAt(ctx.pc)) return null;
    await session.removeBreak("sw", ctx.pc, 1);
    let stop: StopReason;
    try {
      stop = await session.stepInstruction();
    } finally {
      await session.insertBreak("sw", ctx.pc, 1);
    }
    return { stop, ctx: stop.kind === "exited" ? ctx : await this.readContext() };
  }
}

/** The result of a target that exited during an operation: no registers to read any more. */
function exited(stop: StopReason, ctx: CpuContext): RunResult {
  return { stop, ctx, arrived: false, regs: null };
}
