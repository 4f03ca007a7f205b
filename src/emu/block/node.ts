// The generic block layer (QEMU's block/io.c): a BlockNode is one BlockDriverState. Its public
// coroutine methods check the request, emit the bdrv_* trace events with a fresh request id linked to
// the caller's, and do read-modify-write for requests not aligned to the driver's request alignment,
// once, here; drivers only ever see aligned requests.
import type { AioContext } from "./aio-context.ts";
import type { Co, HostOp } from "./coroutine.ts";
import { BlockError, EINVAL, EIO, EPERM } from "./errors.ts";
import type { ReqCtx } from "./request.ts";

/** Allocation state of a range, as `qemu-img map` reports it. */
export interface BlockStatus {
  /** Bytes from the queried offset that share this status (>= 1). */
  length: number;
  /** True when this image or a backing file defines the range (allocated or zero cluster). */
  present: boolean;
  /** True when the range reads as zeros. */
  zero: boolean;
  /** True when the range's data is stored in a file (as opposed to "reads as zero"). */
  data: boolean;
  /** Host offset of the data in `file` when it is stored uncompressed and contiguous. */
  offset?: number;
  /** Backing chain depth the status comes from (0 = this image). */
  depth: number;
  /** The file name that holds the data. */
  file?: string;
}

/** Waits for a CoMutex; resolves through the AioContext like any host op. */
class LockWait implements HostOp {
  readonly kind = "co_mutex";
  constructor(private readonly mutex: CoMutex) {}
  runSync(): number {
    throw new Error("CoMutex contended in sync mode: a coroutine re-entered its own lock");
  }
  runAsync(done: (result: number) => void): void {
    this.mutex.waiters.push(() => done(0));
  }
}

/** A coroutine mutex (QEMU's CoMutex): `yield* m.lock()` ... `m.unlock()`. */
export class CoMutex {
  locked = false;
  waiters: (() => void)[] = [];

  /** Takes the lock, waiting (yielding) while another coroutine holds it. */
  *lock(): Co<void> {
    while (this.locked) yield new LockWait(this);
    this.locked = true;
  }

  /** Releases the lock and wakes one waiter. */
  unlock(): void {
    this.locked = false;
    const next = this.waiters.shift();
    if (next) next();
  }
}

/** One node of a block graph (protocol `file`, format `raw` or `qcow2`). */
export abstract class BlockNode {
  /** Driver name as qemu-img prints it. */
  abstract readonly format: string;
  /** Guest-visible size in bytes (protocol nodes: current file size). */
  abstract size: number;
  /** Requests must start and end on multiples of this (RMW is done here otherwise). */
  requestAlignment = 1;
  /** Protocol nodes grow when written past their end; format nodes refuse such requests. */
  protected growable = false;
  /** Requests currently inside this node. */
  inFlight = 0;
  /** Serializes read-modify-write cycles. */
  private readonly rmwLock = new CoMutex();

  constructor(
    readonly ctx: AioContext,
    /** The file name as given at open. */
    readonly filename: string,
    /** True when writes are refused with EPERM. */
    public readOnly: boolean,
  ) {}

  /** Reads `bytes` at `offset` into `buf[0..bytes)`. */
  *coPreadv(parent: ReqCtx, offset: number, bytes: number, buf: Uint8Array): Co<void> {
    const r = this.child(parent);
    const t = this.ctx.trace.bdrv_co_preadv_part;
    if (t.on) t.emit({ bs: this.format, file: this.filename, offset, bytes, flags: 0 }, r);
    this.checkRequest(offset, bytes, false);
    this.inFlight++;
    try {
      const a = this.requestAlignment;
      if (a === 1 || (offset % a === 0 && bytes % a === 0)) yield* this.drvPreadv(r, offset, bytes, buf);
      else {
        const start = offset - (offset % a);
        const end = Math.ceil((offset + bytes) / a) * a;
        const bounce = new Uint8Array(end - start);
        yield* this.drvPreadv(r, start, end - start, bounce);
        buf.set(bounce.subarray(offset - start, offset - start + bytes));
      }
    } finally {
      this.inFlight--;
    }
  }

  /** Writes `buf[0..bytes)` at `offset`. */
  *coPwritev(parent: ReqCtx, offset: number, bytes: number, buf: Uint8Array, flags = 0): Co<void> {
    const r = this.child(parent);
    const t = this.ctx.trace.bdrv_co_pwritev_part;
    if (t.on) t.emit({ bs: this.format, file: this.filename, offset, bytes, flags }, r);
    this.checkRequest(offset, bytes, true);
    this.inFlight++;
    try {
      const a = this.requestAlignment;
      if (a === 1 || (offset % a === 0 && bytes % a === 0))
        yield* this.drvPwritev(r, offset, bytes, buf, flags);
      else yield* this.rmw(r, offset, bytes, buf, flags);
    } finally {
      this.inFlight--;
    }
  }

  /** Makes `[offset, offset+bytes)` read as zeros, using the driver's fast path where it has one. */
  *coPwriteZeroes(parent: ReqCtx, offset: number, bytes: number, flags = 0): Co<void> {
    const r = this.child(parent);
    const t = this.ctx.trace.bdrv_co_pwrite_zeroes;
    if (t.on) t.emit({ bs: this.format, file: this.filename, offset, bytes, flags }, r);
    this.checkRequest(offset, bytes, true);
    this.inFlight++;
    try {
      const za = this.zeroAlignment();
      let pos = offset;
      const end = offset + bytes;
      if (za > 0) {
        const alignedStart = Math.ceil(offset / za) * za;
        const alignedEnd = end === this.size ? end : end - (end % za);
        if (alignedStart < alignedEnd) {
          if (alignedStart > pos) yield* this.writeZeroBuffer(r, pos, alignedStart - pos, flags);
          yield* this.drvPwriteZeroes(r, alignedStart, alignedEnd - alignedStart, flags);
          pos = alignedEnd;
        }
      }
      if (pos < end) yield* this.writeZeroBuffer(r, pos, end - pos, flags);
    } finally {
      this.inFlight--;
    }
  }

  /** Writes back caches and makes everything written so far durable. */
  *coFlush(parent: ReqCtx): Co<void> {
    const r = this.child(parent);
    const t = this.ctx.trace.bdrv_co_flush;
    if (t.on) t.emit({ bs: this.format, file: this.filename }, r);
    if (this.readOnly) return;
    yield* this.drvFlush(r);
  }

  /** Allocation status of the range starting at `offset` (at most `bytes` long). */
  abstract blockStatus(offset: number, bytes: number): BlockStatus;

  /** Releases the node and its children. Needs: no request in flight; caches written back already. */
  abstract close(): void;

  /** Granularity of the driver's write-zeroes fast path; 0 when it has none. */
  protected zeroAlignment(): number {
    return 0;
  }

  protected abstract drvPreadv(r: ReqCtx, offset: number, bytes: number, buf: Uint8Array): Co<void>;
  protected abstract drvPwritev(
    r: ReqCtx,
    offset: number,
    bytes: number,
    buf: Uint8Array,
    flags: number,
  ): Co<void>;
  protected abstract drvFlush(r: ReqCtx): Co<void>;

  /** Driver fast path for aligned write-zeroes; the default writes zero buffers. */
  protected *drvPwriteZeroes(r: ReqCtx, offset: number, bytes: number, flags: number): Co<void> {
    yield* this.writeZeroBuffer(r, offset, bytes, flags);
  }

  private *writeZeroBuffer(r: ReqCtx, offset: number, bytes: number, flags: number): Co<void> {
    const chunk = Math.min(bytes, 1 << 20);
    const zeros = new Uint8Array(chunk);
    for (let pos = offset; pos < offset + bytes; pos += chunk) {
      const n = Math.min(chunk, offset + bytes - pos);
      yield* this.coPwritevAligned(r, pos, n, zeros, flags);
    }
  }

  private *coPwritevAligned(
    r: ReqCtx,
    offset: number,
    bytes: number,
    buf: Uint8Array,
    flags: number,
  ): Co<void> {
    const a = this.requestAlignment;
    if (a === 1 || (offset % a === 0 && bytes % a === 0))
      yield* this.drvPwritev(r, offset, bytes, buf, flags);
    else yield* this.rmw(r, offset, bytes, buf, flags);
  }

  /** Read-modify-write of the aligned blocks around an unaligned write. */
  private *rmw(r: ReqCtx, offset: number, bytes: number, buf: Uint8Array, flags: number): Co<void> {
    const a = this.requestAlignment;
    const start = offset - (offset % a);
    const end = Math.ceil((offset + bytes) / a) * a;
    const t = this.ctx.trace.bdrv_rmw;
    if (t.on)
      t.emit({ bs: this.format, offset, bytes, aligned_offset: start, aligned_bytes: end - start }, r);
    yield* this.rmwLock.lock();
    try {
      const bounce = new Uint8Array(end - start);
      yield* this.drvPreadv(r, start, a, bounce.subarray(0, a));
      if (end - a > start) yield* this.drvPreadv(r, end - a, a, bounce.subarray(end - a - start));
      bounce.set(buf.subarray(0, bytes), offset - start);
      yield* this.drvPwritev(r, start, end - start, bounce, flags);
    } finally {
      this.rmwLock.unlock();
    }
  }

  private child(parent: ReqCtx): ReqCtx {
    return { req: this.ctx.newRequestId(), parent: parent.req, co: this.ctx.current?.id ?? 0 };
  }

  private checkRequest(offset: number, bytes: number, write: boolean): void {
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(bytes) || offset < 0 || bytes < 0) {
      throw new BlockError(EINVAL, `invalid request offset ${offset} bytes ${bytes}`);
    }
    if (write && this.readOnly) throw new BlockError(EPERM, `${this.filename} is read-only`);
    if (!this.growable && offset + bytes > this.size) {
      throw new BlockError(
        EIO,
        `request [${offset}, +${bytes}) beyond the end of ${this.filename} (${this.size})`,
      );
    }
  }
}
