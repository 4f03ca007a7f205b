// The debugger controller: owns the session, the breakpoint list, the stop (registers, run state) and
// run control (step/next/finish/continue/pause), hands each stop to the panes (src/tui/panes, each
// owning its state and keys) and publishes immutable snapshots that the Ink components render. No
// React here: tests drive it directly.
import { insertInTarget, removeFromTarget } from "./breakpoint-sync.ts";
import { type AddressEnv, evalAddress } from "./logic/address-expr.ts";
import { type Breakpoint, BreakpointList, type BreakpointType, rspKind } from "./logic/breakpoints.ts";
import { type CpuContext, cpuContext } from "./logic/cpu-mode.ts";
import type { DisasmLine } from "./logic/disasm.ts";
import type { PortFilter } from "./logic/io-log.ts";
import { type Layout, type Pane, screenLayout, visiblePanes } from "./logic/layout.ts";
import { Memo } from "./logic/memo.ts";
import {
  formatSymbolHit,
  NO_SYMBOLS,
  type SymbolEntry,
  type SymbolResolver,
} from "./logic/symbol-resolver.ts";
import { parseTimeline, type Timeline, timelineText } from "./logic/timeline.ts";
import type { MemorySnapshot } from "./panes/memory/hexdump.ts";
import type { PaneHost } from "./panes/pane-module.ts";
import { createPanes, type Panes, paneById, paneList, paneViews } from "./panes/panes.ts";
import { RunControl, type RunResult } from "./run-control.ts";
import type {
  CpuExtras,
  DebugSession,
  ExternalEvent,
  RegisterSet,
  StopReason,
} from "./session/debug-session.ts";
import type { Prompt, RunState, Snapshot } from "./snapshot.ts";

export type { Prompt, RunState, Snapshot };

/** An operation shows the "busy" state only when it takes longer than this (ms). */
const BUSY_SHOW_MS = 60;
/** Smallest memory read for the panes at a stop: the stack and memory panes at SP share it. */
const SHARED_READ = 256;
/** Trace-driven repaints are coalesced to this interval (ms). */
const TRACE_REPAINT_MS = 33;

/** Options for a Debugger. */
export interface DebuggerOptions {
  symbols?: SymbolResolver;
  cols?: number;
  rows?: number;
}

export class Debugger {
  readonly breakpoints = new BreakpointList();
  /** Every pane's state (src/tui/panes). */
  readonly panes: Panes;
  symbols: SymbolResolver;

  private layout: Layout;
  private state: RunState = "stopped";
  private stopText = "";
  /** The target's recorded history at the last stop (null when it records none). */
  private timeline: Timeline | null = null;
  private message = "";
  private focus: Pane = "code";
  private regs: RegisterSet | null = null;
  private prevRegs: RegisterSet | null = null;
  private extras: CpuExtras | null = null;
  private ctx: CpuContext | null = null;
  /** Registers run control read at the stop it just ended (refresh then reads none). */
  private stopRegs: RegisterSet | null = null;
  /** Memory read at the current stop, shared by the panes (cleared at each stop). */
  private stopReads: MemorySnapshot[] = [];
  private consoleLines: string[] = [];
  /** Bumped by print(): the console's lines changed. */
  private consoleVersion = 0;
  private readonly consoleMemo = new Memo<Snapshot["console"]>();
  private prompt: Prompt | null = null;
  private help = false;
  /** The FPU/SSE pane replaces the upper row. */
  private fpuShown = false;
  private pauseRequested = false;
  private version = 0;
  private snapshot: Snapshot;
  private readonly listeners = new Set<() => void>();
  private traceTimer: NodeJS.Timeout | null = null;
  private unsubscribeTrace: (() => void) | null = null;
  private unsubscribeExternal: (() => void) | null = null;
  /** True while a debugger attached alongside runs the guest (state is then "running"). */
  private externalRun = false;
  /** Resolves when the current run/step operation ends (tests and the bench await it). */
  private idle: Promise<void> = Promise.resolve();
  /** Step, next, finish: the algorithms, in few round trips. */
  private readonly run: RunControl;

  constructor(
    readonly session: DebugSession,
    opts: DebuggerOptions = {},
  ) {
    this.symbols = opts.symbols ?? NO_SYMBOLS;
    this.layout = screenLayout(opts.cols ?? 120, opts.rows ?? 40);
    const feed = session.trace;
    this.panes = createPanes(feed !== null);
    if (feed) {
      const traced = paneList(this.panes).filter((p) => p.onTrace !== undefined);
      this.unsubscribeTrace = feed.subscribe((event) => {
        let changed = false;
        for (const pane of traced) if (pane.onTrace!(event)) changed = true;
        if (changed) this.scheduleTraceRepaint();
      });
    }
    if (session.external)
      this.unsubscribeExternal = session.external.subscribe((event) => this.onExternal(event));
    const dbg = this;
    this.run = new RunControl({
      session: this.session,
      breakpoints: this.breakpoints,
      get symbols() {
        return dbg.symbols;
      },
      contextOf: (regs) => cpuContext(regs, this.ctx?.mode === "real" ? null : this.extras),
      running: () => {
        this.state = "running";
        this.publish();
      },
      settled: () => {
        if (this.state === "running") this.state = "busy";
      },
      progress: (text) => this.say(text),
      pauseRequested: () => this.pauseRequested,
    });
    this.snapshot = this.build();
  }

  /** Follows a gdb attached alongside: its runs show as "running", its changes refresh the panes. */
  private onExternal(event: ExternalEvent): void {
    if (event.kind === "log") this.print(event.text);
    else if (event.kind === "running" && this.state === "stopped") {
      this.externalRun = true;
      this.run.forgetFrames();
      this.state = "running";
      this.stopText = event.text;
      this.publish();
    } else if (
      event.kind === "stopped" ? this.externalRun : event.kind === "changed" && this.state === "stopped"
    ) {
      // The other debugger may have stepped into or out of calls: the UI's frames are stale.
      this.run.forgetFrames();
      if (event.kind === "stopped") {
        this.externalRun = false;
        this.state = "stopped";
        this.stopText = event.text;
      }
      this.refresh().catch((err: Error) => this.say(`refresh failed: ${err.message}`));
    }
  }

  // ---- publishing -------------------------------------------------------------------------

  /** Subscribes to snapshot changes (useSyncExternalStore's contract). */
  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** The current immutable snapshot. */
  getSnapshot = (): Snapshot => this.snapshot;

  /** Resolves when no run/step operation is in flight. */
  whenIdle(): Promise<void> {
    return this.idle;
  }

  private publish(): void {
    this.snapshot = this.build();
    for (const l of this.listeners) l();
  }

  private scheduleTraceRepaint(): void {
    if (this.traceTimer !== null) return;
    this.traceTimer = setTimeout(() => {
      this.traceTimer = null;
      this.publish();
    }, TRACE_REPAINT_MS);
  }

  private build(): Snapshot {
    return {
      version: ++this.version,
      description: this.session.description,
      gdbAddress: this.session.gdbAddress,
      state: this.state,
      stopText: this.stopText,
      timeline: this.timeline === null ? null : timelineText(this.timeline),
      message: this.message,
      layout: this.layout,
      focus: this.focus,
      ctx: this.ctx,
      pc: this.ctx?.pc ?? null,
      panes: paneViews(this.panes, this.host),
      console: this.consoleMemo.get([this.consoleVersion], () => this.consoleLines.slice(-3)),
      prompt: this.prompt,
      help: this.help,
      fpu: this.fpuShown,
    };
  }

  /** What the panes see of this debugger. */
  private readonly host: PaneHost = (() => {
    const dbg = this;
    return {
      get session() {
        return dbg.session;
      },
      get symbols() {
        return dbg.symbols;
      },
      get breakpoints() {
        return dbg.breakpoints;
      },
      get layout() {
        return dbg.layout;
      },
      get ctx() {
        return dbg.ctx;
      },
      get regs() {
        return dbg.regs;
      },
      get prevRegs() {
        return dbg.prevRegs;
      },
      get extras() {
        return dbg.extras;
      },
      env: () => dbg.env(),
      read: (addr, length) => dbg.read(addr, length),
      say: (message) => dbg.say(message),
      goTo: (expr) => dbg.goTo(expr),
    };
  })();

  // ---- view state -------------------------------------------------------------------------

  /** Adapts to a new terminal size and refetches what depends on it. */
  async resize(cols: number, rows: number): Promise<void> {
    this.layout = screenLayout(cols, rows);
    if (this.state === "stopped") await this.refreshPanes(false);
    this.publish();
  }

  /** Appends lines to the console area. */
  print(...lines: string[]): void {
    this.consoleLines.push(...lines);
    this.consoleVersion++;
    if (this.consoleLines.length > 200) this.consoleLines.splice(0, this.consoleLines.length - 200);
    this.publish();
  }

  /** Shows a one-line message in the status bar. */
  say(message: string): void {
    this.message = message;
    this.publish();
  }

  /** Moves focus to the next (or previous) pane on screen. */
  cycleFocus(delta: 1 | -1): void {
    const panes = visiblePanes(this.fpuShown);
    const i = panes.indexOf(this.focus);
    this.focus = panes[(i + delta + panes.length) % panes.length]!;
    this.publish();
  }

  /** Shows the FPU/SSE pane in place of the upper row (and focuses it), or hides it again. */
  toggleFpu(): void {
    this.fpuShown = !this.fpuShown;
    this.focus = this.fpuShown ? "fpu" : "code";
    this.publish();
  }

  setHelp(on: boolean): void {
    this.help = on;
    this.publish();
  }

  setPrompt(prompt: Prompt | null): void {
    this.prompt = prompt;
    this.publish();
  }

  /** Symbol matches for a prompt's text. */
  matches(text: string): SymbolEntry[] {
    return text.trim() === "" ? [] : this.symbols.search(text.trim(), 8);
  }

  /** The environment address expressions are evaluated in. */
  env(): AddressEnv {
    return { symbols: this.symbols, regs: this.regs, ctx: this.ctx };
  }

  /** Moves the cursor of the focused pane by `delta` lines. */
  async moveCursor(delta: number): Promise<void> {
    await paneById(this.panes, this.focus).moveCursor(this.host, delta);
    this.publish();
  }

  /** Enter outside a prompt: the focused pane's selection (a breakpoint's code, a block request). */
  async select(): Promise<void> {
    await paneById(this.panes, this.focus).select(this.host);
    this.publish();
  }

  /** Linear address under the code cursor (or the PC). */
  cursorAddress(): bigint | null {
    return this.panes.code.cursorAddress(this.host);
  }

  // ---- refreshing after a stop -----------------------------------------------------------------

  /**
   * Reads registers (unless run control just read them at this stop) and everything derived from
   * them; marks changes against the previous stop.
   */
  async refresh(): Promise<void> {
    const regs = this.stopRegs ?? (await this.session.readRegisters());
    this.stopRegs = null;
    this.prevRegs = this.regs;
    this.regs = regs;
    this.extras = await this.session.readExtras();
    this.ctx = cpuContext(regs, this.extras);
    this.timeline = this.session.canReverse()
      ? parseTimeline(await this.session.monitor("info history"))
      : null;
    this.stopReads = [];
    await this.refreshPanes(true);
    this.publish();
  }

  /** Refreshes every pane: after a stop (`stop`) or a resize. */
  private async refreshPanes(stop: boolean): Promise<void> {
    for (const pane of paneList(this.panes)) await pane.refresh(this.host, stop);
  }

  /**
   * Reads memory for the panes: served from a read of this stop that covers it, else read with at
   * least SHARED_READ bytes so the stack and memory panes at the stack pointer share one round trip.
   */
  private async read(addr: bigint, length: number): Promise<Uint8Array | null> {
    for (const r of this.stopReads)
      if (addr >= r.addr && addr + BigInt(length) <= r.addr + BigInt(r.data.length))
        return r.data.subarray(Number(addr - r.addr), Number(addr - r.addr) + length);
    const want = Math.max(length, SHARED_READ);
    let data = await this.session.readMemory(addr, want);
    if (data === null && want > length) data = await this.session.readMemory(addr, length);
    if (data === null) return null;
    this.stopReads.push({ addr, data });
    return data.subarray(0, length);
  }

  // ---- run control ---------------------------------------------------------------------------

  /** Runs `op` as the one operation in flight; errors land in the status line, never thrown. */
  private operate(label: string, op: () => Promise<void>): Promise<void> {
    if (this.state !== "stopped") {
      this.say(
        this.state === "running"
          ? "the target is running: p pauses it"
          : `cannot ${label} now: ${this.state}`,
      );
      return this.idle;
    }
    this.state = "busy";
    this.message = "";
    this.pauseRequested = false;
    this.stopRegs = null;
    // Show "busy" only for slow operations: a quick step goes straight to its final frame.
    const busyTimer = setTimeout(() => this.publish(), BUSY_SHOW_MS);
    this.idle = (async () => {
      try {
        await op();
        clearTimeout(busyTimer);
        if (this.state === "busy" || this.state === "running") this.state = "stopped";
        await this.refresh();
      } catch (err) {
        clearTimeout(busyTimer);
        this.state = this.state === "exited" ? "exited" : "disconnected";
        this.message = `${label} failed: ${(err as Error).message}`;
        this.publish();
      }
    })();
    return this.idle;
  }

  private noteStop(stop: StopReason): void {
    if (stop.kind === "exited") this.state = "exited";
    this.stopText = stop.text;
  }

  /** Shows a run-control result: its stop, and the breakpoint hits of a stop from running. */
  private async conclude(result: RunResult): Promise<void> {
    this.ctx = result.ctx;
    this.stopRegs = result.regs;
    this.noteStop(result.stop);
    if (!result.arrived) {
      if (result.stop.kind !== "step") this.run.forgetFrames();
      await this.countHits(result.stop);
    }
  }

  /** The context of the current stop, or an error when there is none yet. */
  private stopped(): CpuContext {
    if (this.ctx === null) throw new Error("no registers read yet");
    return this.ctx;
  }

  /** Executes exactly one instruction (key `i`). */
  stepInstruction(): Promise<void> {
    return this.operate("step", async () =>
      this.conclude(await this.run.stepInstruction(this.stopped(), this.currentLine())),
    );
  }

  /** Step into (`s`): one instruction, but a rep string op or `int` runs to the next line. */
  step(): Promise<void> {
    return this.operate("step", async () => {
      const ctx = this.stopped();
      const line = this.currentLine();
      if (line && (line.klass === "rep" || line.klass === "int"))
        await this.conclude(await this.run.runOver(ctx, line));
      else await this.conclude(await this.run.stepInstruction(ctx, line));
    });
  }

  /** Step over (`n`): calls, rep string ops and `int` run to the next line at this stack depth. */
  next(): Promise<void> {
    return this.operate("next", async () => {
      const ctx = this.stopped();
      const line = this.currentLine();
      if (line && line.klass !== "ret" && line.klass !== "other")
        await this.conclude(await this.run.runOver(ctx, line));
      else await this.conclude(await this.run.stepInstruction(ctx, line));
    });
  }

  /** Finish (`f`): runs until the current function returns. */
  finish(): Promise<void> {
    return this.operate("finish", async () => {
      const regs = this.regs;
      if (regs === null) throw new Error("no registers read yet");
      await this.conclude(await this.run.finish(this.stopped(), regs, this.currentLine()));
    });
  }

  /** Continue (`c`): runs until a breakpoint, a watchpoint or pause. */
  cont(): Promise<void> {
    return this.operate("continue", async () => this.conclude(await this.run.runFree(this.stopped())));
  }

  /** Reverse stepi (`I`): back one instruction, on a target that records history. */
  reverseStepInstruction(): Promise<void> {
    return this.goBack("reverse-stepi", "step");
  }

  /** Reverse continue (`C`): back to the previous breakpoint or watchpoint hit. */
  reverseContinue(): Promise<void> {
    return this.goBack("reverse-continue", "continue");
  }

  private goBack(label: string, how: "step" | "continue"): Promise<void> {
    if (!this.session.canReverse()) {
      this.say(
        `${label}: this target cannot go back (pcscope records history under a debugger; QEMU's stub does not)`,
      );
      return this.idle;
    }
    return this.operate(label, async () => this.conclude(await this.run.reverse(this.stopped(), how)));
  }

  /**
   * Pause (`p`, Ctrl-C): interrupts a running target; an operation between runs (finish stepping)
   * sees the request and stops at its next step.
   */
  async pause(): Promise<void> {
    this.pauseRequested = true;
    if (this.state === "running") await this.session.interrupt();
  }

  /** The disassembled line at the PC (from the code pane when it shows it). */
  private currentLine(): DisasmLine | null {
    const pc = this.ctx?.pc;
    return pc === undefined ? null : this.panes.code.lineAt(pc);
  }

  /** Counts breakpoint hits for a stop from running. */
  private async countHits(stop: StopReason): Promise<void> {
    if (stop.kind === "interrupted" || stop.kind === "exited") return;
    const pc = this.stopped().pc;
    const hit = this.breakpoints.recordHit(
      pc,
      stop.kind === "watch" ? (stop.addr ?? null) : null,
      stop.port ?? null,
    );
    if (hit.length > 0) {
      this.stopText = hit.map((b) => `${b.type === "break" ? "breakpoint" : b.type} ${b.id}`).join(", ");
      for (const b of hit.filter((h) => h.temporary)) await this.deleteBreakpoint(b.id);
    }
  }

  // ---- breakpoints ---------------------------------------------------------------------------

  /** Adds and inserts a breakpoint or watchpoint at an evaluated location. */
  async addBreakpoint(
    type: BreakpointType,
    location: string,
    opts: { length?: number; temporary?: boolean } = {},
  ): Promise<Breakpoint | null> {
    const r = evalAddress(location, this.env());
    if (!r.ok) {
      this.say(r.error);
      return null;
    }
    const bp = this.breakpoints.add(type, location, r.addr, opts);
    const kind = rspKind(bp);
    if (kind !== null && !(await this.session.insertBreak(kind, bp.addr, bp.length))) {
      this.breakpoints.remove(bp.id);
      this.say(`the stub refused ${type} at 0x${r.addr.toString(16)}`);
      return null;
    }
    const hit = this.symbols.lookupAddress(r.addr);
    this.say(
      `${type === "break" ? "Breakpoint" : "Watchpoint"} ${bp.id} at 0x${r.addr.toString(16)}${hit ? ` <${formatSymbolHit(hit)}>` : ""}`,
    );
    this.publish();
    return bp;
  }

  /** Adds an I/O watch (through the stub's `monitor iowatch add`, pcscope only). */
  async addIoWatch(first: number, last: number, dir: "r" | "w" | "rw"): Promise<void> {
    const range = `0x${first.toString(16)}-0x${last.toString(16)}`;
    try {
      const out = (await this.session.monitor(`iowatch add ${range} ${dir}`)).trim();
      if (/usage|unknown|not supported|error/i.test(out)) throw new Error(out.split("\n")[0]);
      this.breakpoints.add("iowatch", range, BigInt(first), { length: last - first + 1, dir });
      this.say(out || `I/O watch on ${range} ${dir}`);
    } catch (err) {
      this.say(`iowatch: the stub refused (${(err as Error).message})`);
    }
  }

  /** Deletes a breakpoint by id (removing it from the target). */
  async deleteBreakpoint(id: number): Promise<boolean> {
    const bp = this.breakpoints.remove(id);
    if (bp === undefined) return false;
    await this.uninsert(bp);
    this.publish();
    return true;
  }

  /** Enables or disables a breakpoint by id. */
  async enableBreakpoint(id: number, on: boolean): Promise<boolean> {
    const bp = this.breakpoints.get(id);
    if (bp === undefined) return false;
    if (bp.enabled === on) return true;
    bp.enabled = on;
    if (on) await insertInTarget(this.session, bp);
    else await removeFromTarget(this.session, this.breakpoints, bp);
    this.publish();
    return true;
  }

  /** Removes a deleted breakpoint from the target when it was enabled. */
  private async uninsert(bp: Breakpoint): Promise<void> {
    if (bp.enabled) await removeFromTarget(this.session, this.breakpoints, bp);
  }

  // ---- navigation ----------------------------------------------------------------------------

  /** Shows code at an expression (`g`); the view stops following the PC until the next stop. */
  async goTo(expr: string): Promise<void> {
    const r = evalAddress(expr, this.env());
    if (!r.ok) {
      this.say(r.error);
      return;
    }
    this.focus = "code";
    this.fpuShown = false;
    await this.panes.code.show(this.host, r.addr);
    this.publish();
  }

  /** Makes the memory pane follow an expression. */
  async followMemory(expr: string): Promise<void> {
    if (await this.panes.memory.follow(this.host, expr)) this.publish();
  }

  /** Selects the first block request whose row contains `text` and focuses the pane; false if none. */
  selectBlock(text: string): boolean {
    if (!this.panes.block.find(text)) return false;
    this.focus = "block";
    this.publish();
    return true;
  }

  /** Sets the I/O log's port filter. */
  setIoFilter(filter: PortFilter, text: string): void {
    this.panes.io.setFilter(filter, text);
    this.publish();
  }

  /** Unsubscribes the trace feed, removes breakpoints from the target and closes the session. */
  async close(): Promise<void> {
    if (this.traceTimer) clearTimeout(this.traceTimer);
    this.unsubscribeTrace?.();
    this.unsubscribeExternal?.();
    if (this.state === "running" || this.state === "busy") {
      await this.pause().catch(() => {});
      await Promise.race([this.idle, new Promise((r) => setTimeout(r, 1000))]);
    }
    if (this.state === "stopped")
      for (const bp of this.breakpoints.clear()) await this.uninsert(bp).catch(() => {});
    await this.session.close().catch(() => {});
  }
}
