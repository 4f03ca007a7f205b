// Runs the block layer's completions for the machine's devices. In sync mode a request's coroutine
// has finished when aio_*() returns and its completion waits as a bottom half: kick(), called by a
// device once its port handler has updated its own state, runs those bottom halves before the guest's
// next instruction (the guest sees BSY for one instruction at most, and every run is deterministic).
// In async mode the pump is a clocked device whose deadline comes while host I/O is in flight, so
// the machine polls the AioContext between CPU slices.

import type { AioContextState } from "../block/aio-context.ts";
import type { AioContext } from "../block/index.ts";
import type { ClockedDevice } from "../clock.ts";

/** How often the machine polls while asynchronous host I/O is in flight (virtual ns). */
const ASYNC_POLL_NS = 10_000;

/** The pump's saved state. */
export interface AioPumpState {
  readonly pollAt: number;
  readonly ctx: AioContextState;
}

/** The pump. */
export class AioPump implements ClockedDevice {
  readonly name = "aio";
  /** The poll time reported to the clock (kept until it is handled). */
  private pollAt = Number.POSITIVE_INFINITY;

  constructor(readonly ctx: AioContext) {}

  /** Completes what is pending (sync mode); with host I/O in flight (async mode) throws. */
  quiesce(): void {
    if (this.ctx.mode === "async" && !this.ctx.idle())
      throw new Error("snapshot: block requests are in flight (asynchronous I/O); try again when they end");
    this.ctx.settleSync();
  }

  /** The poll deadline and the request/coroutine id counters. */
  saveState(): AioPumpState {
    return { pollAt: this.pollAt, ctx: this.ctx.saveState() };
  }

  /** Puts back a saveState() copy. */
  loadState(s: AioPumpState): void {
    this.pollAt = s.pollAt;
    this.ctx.loadState(s.ctx);
  }

  /** Runs pending bottom halves now (sync mode); in async mode completions wait for poll(). */
  kick(): void {
    if (this.ctx.mode === "sync") {
      while (this.ctx.hasBottomHalves()) this.ctx.runBottomHalves();
    }
  }

  nextDeadline(nowNs: number): number {
    if (this.pollAt !== Number.POSITIVE_INFINITY) return this.pollAt;
    if (this.ctx.idle()) return Number.POSITIVE_INFINITY;
    this.pollAt = this.ctx.hasBottomHalves() ? nowNs : nowNs + ASYNC_POLL_NS;
    return this.pollAt;
  }

  onDeadline(): void {
    this.pollAt = Number.POSITIVE_INFINITY;
    this.ctx.poll();
  }
}
