// The AioContext: the one scheduler of block coroutines and bottom halves (QEMU's util/async.c).
// In "sync" mode (the default) a coroutine's host I/O is performed the moment it yields and the
// coroutine is re-entered at once, so a request runs to its end inside the call that started it and
// every run produces the same trace. In "async" mode the I/O goes to Node's thread pool and the
// coroutine is re-entered from poll() once the I/O completed. Either way completion callbacks are
// bottom halves: they run only in runBottomHalves()/poll(), which the machine calls between CPU
// slices, never re-entrantly inside the device code that started the request.
import { TraceBus } from "../trace/bus.ts";
import { type Co, Coroutine } from "./coroutine.ts";
import { BlockTrace } from "./request.ts";

/** How host I/O completes. */
export type AioMode = "sync" | "async";

interface Completion {
  co: Coroutine;
  result: number;
}

/** An AioContext's saved id counters. */
export interface AioContextState {
  readonly reqIds: number;
  readonly coIds: number;
}

export class AioContext {
  readonly trace: BlockTrace;
  /** Coroutine currently running (QEMU's qemu_coroutine_self()), null in the main loop. */
  current: Coroutine | null = null;
  /** Host operations started in async mode and not yet completed. */
  pendingHostOps = 0;
  private bottomHalves: (() => void)[] = [];
  private spareBottomHalves: (() => void)[] = [];
  private completions: Completion[] = [];
  private reqIds = 0;
  private coIds = 0;
  private waiters: (() => void)[] = [];

  constructor(
    readonly mode: AioMode = "sync",
    bus: TraceBus = new TraceBus(),
  ) {
    this.trace = new BlockTrace(bus);
  }

  /** The request and coroutine id counters (trace ids), for machine snapshots. Needs: idle(). */
  saveState(): AioContextState {
    return { reqIds: this.reqIds, coIds: this.coIds };
  }

  /** Puts back saveState()'s counters, so a run from a snapshot numbers its requests the same. */
  loadState(s: AioContextState): void {
    this.reqIds = s.reqIds;
    this.coIds = s.coIds;
  }

  /** A fresh request id (1, 2, ...): deterministic within this context. */
  newRequestId(): number {
    return ++this.reqIds;
  }

  /** Creates a coroutine running `body`; `entry` is the entry function's name for traces. */
  create(entry: string, body: Co<void>): Coroutine {
    return new Coroutine(++this.coIds, entry, body);
  }

  /**
   * Enters `co` (created or completed-I/O re-entry is done internally). Needs: co not running.
   * Guarantees: in sync mode the coroutine has terminated when this returns.
   */
  enter(co: Coroutine): void {
    if (co.state !== "created") throw new Error(`coroutine ${co.id} entered twice`);
    this.resume(co, 0);
  }

  /** Queues `fn` to run at the next runBottomHalves()/poll(). */
  scheduleBh(fn: () => void): void {
    this.bottomHalves.push(fn);
  }

  /** True when bottom halves wait to run. */
  hasBottomHalves(): boolean {
    return this.bottomHalves.length > 0;
  }

  /** Runs the bottom halves queued before this call (those they schedule wait for the next call). */
  runBottomHalves(): number {
    const list = this.bottomHalves;
    if (list.length === 0) return 0;
    this.bottomHalves = this.spareBottomHalves;
    for (let i = 0; i < list.length; i++) list[i]!();
    const n = list.length;
    list.length = 0;
    this.spareBottomHalves = list;
    return n;
  }

  /** Re-enters coroutines whose async I/O completed, then runs bottom halves. Returns work done. */
  poll(): number {
    let done = 0;
    while (this.completions.length > 0) {
      const c = this.completions.shift()!;
      this.resume(c.co, c.result);
      done++;
    }
    return done + this.runBottomHalves();
  }

  /** True when nothing is pending: no host I/O in flight, no completion to process, no bottom half. */
  idle(): boolean {
    return this.pendingHostOps === 0 && this.completions.length === 0 && this.bottomHalves.length === 0;
  }

  /** Polls until idle; in async mode waits for the event loop between polls. */
  async settle(): Promise<void> {
    for (;;) {
      this.poll();
      if (this.idle()) return;
      if (this.completions.length === 0 && this.pendingHostOps > 0) {
        await new Promise<void>((resolve) => this.waiters.push(resolve));
      }
    }
  }

  /** Polls until idle without waiting. Needs: sync mode (async I/O cannot finish synchronously). */
  settleSync(): void {
    for (;;) {
      this.poll();
      if (this.idle()) return;
      if (this.pendingHostOps > 0) throw new Error("settleSync with asynchronous host I/O in flight");
    }
  }

  private resume(co: Coroutine, input: number): void {
    const prev = this.current;
    const trace = this.trace;
    this.current = co;
    co.state = "running";
    if (trace.qemu_coroutine_enter.on) {
      trace.qemu_coroutine_enter.emit({ from: prev?.id ?? 0, to: co.id, entry: co.entry }, { co: co.id });
    }
    let res = co.body.next(input);
    while (!res.done) {
      const op = res.value;
      if (trace.qemu_coroutine_yield.on) {
        trace.qemu_coroutine_yield.emit({ from: co.id, to: prev?.id ?? 0, wait: op.kind }, { co: co.id });
      }
      if (this.mode === "sync") {
        const result = op.runSync();
        if (trace.qemu_coroutine_enter.on) {
          trace.qemu_coroutine_enter.emit({ from: prev?.id ?? 0, to: co.id, entry: co.entry }, { co: co.id });
        }
        res = co.body.next(result);
      } else {
        co.state = "yielded";
        this.pendingHostOps++;
        op.runAsync((result) => {
          this.pendingHostOps--;
          this.completions.push({ co, result });
          const waiters = this.waiters;
          this.waiters = [];
          for (const w of waiters) w();
        });
        this.current = prev;
        return;
      }
    }
    co.state = "terminated";
    if (trace.qemu_coroutine_terminate.on) trace.qemu_coroutine_terminate.emit({ co: co.id }, { co: co.id });
    this.current = prev;
  }
}
