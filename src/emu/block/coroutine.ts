// Coroutines as generators, the way QEMU's block layer uses coroutines: a request is a generator
// created with an entry function (`blk_aio_write_entry`), entered by the AioContext, yielding a
// HostOp whenever it waits for host I/O, re-entered with the op's result, and terminated when the
// generator returns. Nested calls (`blk_co_pwritev` -> `bdrv_co_pwritev_part` -> driver) are
// `yield*` delegations, so the generator stack is the coroutine's call stack.

/** One host I/O a coroutine waits for. Result: bytes transferred (>= 0) or `-errno`. */
export interface HostOp {
  /** Short name for traces (`pread`, `pwrite`, `fdatasync`). */
  readonly kind: string;
  /** Performs the I/O now and returns its result. */
  runSync(): number;
  /** Starts the I/O and calls `done(result)` later from the Node event loop. */
  runAsync(done: (result: number) => void): void;
}

/** A coroutine body (or any function it delegates to): yields HostOps, receives their results. */
export type Co<T> = Generator<HostOp, T, number>;

/** Where a coroutine is in its life. */
export type CoroutineState = "created" | "running" | "yielded" | "terminated";

/** A created coroutine. Entered only through AioContext.enter(). */
export class Coroutine {
  /** Lifecycle state, maintained by the AioContext. */
  state: CoroutineState = "created";

  constructor(
    /** Unique within its AioContext, starting at 1 (0 means "not in a coroutine" in traces). */
    readonly id: number,
    /** The entry function's name as QEMU spells it (`blk_aio_write_entry`). */
    readonly entry: string,
    /** The generator; owned by the AioContext. */
    readonly body: Co<void>,
  ) {}
}
