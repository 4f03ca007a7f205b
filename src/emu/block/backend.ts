// The BlockBackend (QEMU's block-backend.c): what a device holds. A device starts a request with
// aioPreadv/aioPwritev/aioPwriteZeroes/aioFlush, returns from its port handler, and gets its
// completion callback `cb(ret)` (0 or -errno) later as a bottom half, when the machine polls the
// AioContext between CPU slices. Each aio request is a coroutine created with QEMU's entry function
// name (`blk_aio_write_entry`...). Coroutine code (a device's own coroutine, tests) can call the
// co* versions with `yield*`. Promise and sync helpers serve the CLI and tests.
import type { AioContext } from "./aio-context.ts";
import type { Co } from "./coroutine.ts";
import { BlockError, EINVAL, EIO } from "./errors.ts";
import type { BlockNode } from "./node.ts";
import { OVERLAY_SECTOR, type OverlayState, SnapshotOverlay } from "./overlay.ts";
import type { ReqCtx } from "./request.ts";

/** One buffer or a scatter/gather list (QEMU's QEMUIOVector). */
export type IoVector = Uint8Array | readonly Uint8Array[];

/** Completion callback: 0 on success, -errno on failure. Always runs as a bottom half. */
export type BlockCompletion = (ret: number) => void;

/** Options of an aio request. */
export interface AioOptions {
  /** Request id of the caller's work (an IDE command, a DMA transfer) for the trace tree. */
  parent?: number;
  /** BDRV_REQ_* flags (recorded in traces). */
  flags?: number;
}

/** A submitted aio request (QEMU's BlockAIOCB). */
export class BlockAiocb {
  /** Result once the coroutine finished (the callback may still be pending); null before. */
  ret: number | null = null;
  constructor(
    /** The request id its trace events carry. */
    readonly req: number,
  ) {}
}

/** Total length of an I/O vector. */
function iovSize(iov: IoVector): number {
  if (iov instanceof Uint8Array) return iov.length;
  let n = 0;
  for (const b of iov) n += b.length;
  return n;
}

/** Gathers an I/O vector into one buffer (no copy for a single buffer). */
function gather(iov: IoVector): Uint8Array {
  if (iov instanceof Uint8Array) return iov;
  if (iov.length === 1) return iov[0]!;
  const out = new Uint8Array(iovSize(iov));
  let p = 0;
  for (const b of iov) {
    out.set(b, p);
    p += b.length;
  }
  return out;
}

/** Scatters `src` into an I/O vector (nothing to do for a single buffer). */
function scatter(src: Uint8Array, iov: IoVector): void {
  if (iov instanceof Uint8Array || iov.length === 1) return;
  let p = 0;
  for (const b of iov) {
    b.set(src.subarray(p, p + b.length));
    p += b.length;
  }
}

export class BlockBackend {
  /** aio requests submitted and not yet completed (callback not yet run). */
  inFlight = 0;
  /** Message of the most recent failed request, for the UI and the CLI. */
  lastError: string | null = null;
  private closed = false;
  /** Guest writes kept in memory while machine snapshots are live (null: writes go to the image). */
  private overlay: SnapshotOverlay | null = null;

  constructor(
    readonly root: BlockNode,
    /** Name in traces (`blk` field), like QEMU's drive id. */
    readonly name = "blk0",
  ) {}

  get ctx(): AioContext {
    return this.root.ctx;
  }

  /** Guest-visible size in bytes. */
  get size(): number {
    return this.root.size;
  }

  get readOnly(): boolean {
    return this.root.readOnly;
  }

  /**
   * Saves the guest-visible contents for a machine snapshot: from now until the state is released,
   * guest writes stay in an in-memory overlay. Needs: no request in flight.
   */
  saveOverlay(): OverlayState {
    this.overlay ??= new SnapshotOverlay();
    return this.overlay.save();
  }

  /** Brings back the contents a live state saw (writes made since are dropped). Needs: idle. */
  loadOverlay(state: OverlayState): void {
    this.overlay ??= new SnapshotOverlay();
    this.overlay.load(state);
  }

  /**
   * Forgets a saved state. Sectors no live state needs back any more are written to the image
   * (synchronously in sync mode); with none left, the overlay ends and writes go to the image again.
   */
  releaseOverlay(state: OverlayState): void {
    const ov = this.overlay;
    if (ov === null) return;
    ov.release(state);
    this.commitOverlay(ov, () => {});
  }

  /** Bytes of guest writes held in memory for live snapshots (0 without). */
  overlayBytes(): number {
    return this.overlay?.bytes ?? 0;
  }

  /** Starts a read of iov-size bytes at `offset`; `cb` runs as a bottom half. */
  aioPreadv(offset: number, iov: IoVector, cb: BlockCompletion, opts: AioOptions = {}): BlockAiocb {
    const bytes = iovSize(iov);
    return this.submit("blk_aio_read_entry", 0, offset, bytes, cb, opts, (r) =>
      this.readBody(r, offset, iov),
    );
  }

  /** Starts a write of the iov at `offset`; `cb` runs as a bottom half. */
  aioPwritev(offset: number, iov: IoVector, cb: BlockCompletion, opts: AioOptions = {}): BlockAiocb {
    const bytes = iovSize(iov);
    const flags = opts.flags ?? 0;
    return this.submit("blk_aio_write_entry", 1, offset, bytes, cb, opts, (r) =>
      this.writeBody(r, offset, gather(iov), flags),
    );
  }

  /** Starts a write-zeroes of `bytes` at `offset` (zero clusters where the format has them). */
  aioPwriteZeroes(offset: number, bytes: number, cb: BlockCompletion, opts: AioOptions = {}): BlockAiocb {
    return this.submit("blk_aio_write_entry", 2, offset, bytes, cb, opts, (r) =>
      this.zeroesBody(r, offset, bytes),
    );
  }

  /** Starts a flush (caches written back in dependency order, then fdatasync). */
  aioFlush(cb: BlockCompletion, opts: AioOptions = {}): BlockAiocb {
    return this.submit("blk_aio_flush_entry", 3, 0, 0, cb, opts, (r) => this.root.coFlush(r));
  }

  /** Coroutine read: `yield* blk.coPreadv(...)` from inside a coroutine. */
  *coPreadv(offset: number, bytes: number, buf: Uint8Array, parent = 0): Co<void> {
    yield* this.readBody(this.newReq(parent), offset, buf.subarray(0, bytes));
  }

  /** Coroutine write. */
  *coPwritev(offset: number, bytes: number, buf: Uint8Array, parent = 0, flags = 0): Co<void> {
    yield* this.writeBody(this.newReq(parent), offset, buf.subarray(0, bytes), flags);
  }

  /** Coroutine write-zeroes. */
  *coPwriteZeroes(offset: number, bytes: number, parent = 0): Co<void> {
    yield* this.zeroesBody(this.newReq(parent), offset, bytes);
  }

  /** Coroutine flush. */
  *coFlush(parent = 0): Co<void> {
    yield* this.root.coFlush(this.newReq(parent));
  }

  /** Reads into `buf` and resolves when done (rejects with the BlockError). */
  pread(offset: number, buf: Uint8Array): Promise<void> {
    return this.promise((cb) => this.aioPreadv(offset, buf, cb));
  }

  /** Writes `buf` and resolves when done. */
  pwrite(offset: number, buf: Uint8Array): Promise<void> {
    return this.promise((cb) => this.aioPwritev(offset, buf, cb));
  }

  /** Write-zeroes, resolving when done. */
  pwriteZeroes(offset: number, bytes: number): Promise<void> {
    return this.promise((cb) => this.aioPwriteZeroes(offset, bytes, cb));
  }

  /** Flush, resolving when done. */
  flush(): Promise<void> {
    return this.promise((cb) => this.aioFlush(cb));
  }

  /** Synchronous read. Needs: sync mode. Throws the BlockError. */
  preadSync(offset: number, buf: Uint8Array): void {
    this.syncCall((cb) => this.aioPreadv(offset, buf, cb));
  }

  /** Synchronous write. Needs: sync mode. */
  pwriteSync(offset: number, buf: Uint8Array): void {
    this.syncCall((cb) => this.aioPwritev(offset, buf, cb));
  }

  /** Synchronous write-zeroes. Needs: sync mode. */
  pwriteZeroesSync(offset: number, bytes: number): void {
    this.syncCall((cb) => this.aioPwriteZeroes(offset, bytes, cb));
  }

  /** Synchronous flush. Needs: sync mode. */
  flushSync(): void {
    this.syncCall((cb) => this.aioFlush(cb));
  }

  /** Waits until every request of this backend completed (callbacks run). */
  async drain(): Promise<void> {
    while (this.inFlight > 0) await this.ctx.settle();
  }

  /** drain() for sync mode. */
  drainSync(): void {
    while (this.inFlight > 0) this.ctx.settleSync();
  }

  /** Drains, writes what the guest wrote under snapshots, flushes and closes the image. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.drain();
    await this.promise((cb) => this.commitAll(cb));
    try {
      if (!this.root.readOnly) await this.flush();
    } finally {
      this.closed = true;
      this.root.close();
    }
  }

  /** close() for sync mode. */
  closeSync(): void {
    if (this.closed) return;
    this.drainSync();
    this.syncCall((cb) => this.commitAll(cb));
    try {
      if (!this.root.readOnly) this.flushSync();
    } finally {
      this.closed = true;
      this.root.close();
    }
  }

  /** Closes without flushing caches or overlay (what a killed process leaves behind; tests use it). */
  abandon(): void {
    this.closed = true;
    this.overlay = null;
    this.root.close();
  }

  /** Ends the overlay at exit: every sector the guest sees goes to the image; `cb` as a request's. */
  private commitAll(cb: BlockCompletion): void {
    const ov = this.overlay;
    this.overlay = null;
    if (ov === null || ov.size === 0) {
      this.ctx.scheduleBh(() => cb(0));
      return;
    }
    ov.releaseAll();
    this.commitOverlay(ov, cb);
  }

  /**
   * Writes the sectors `ov` no longer needs (runs of adjacent sectors as one write) to the image by
   * a request coroutine; ends the backend's overlay when no state is live. `cb` gets the result.
   */
  private commitOverlay(ov: SnapshotOverlay, cb: BlockCompletion): void {
    const sectors = ov.takeAgreed();
    if (ov.unused() && ov === this.overlay) this.overlay = null;
    const runs: [number, Uint8Array][] = [];
    for (let i = 0; i < sectors.length; ) {
      let j = i + 1;
      while (j < sectors.length && sectors[j]![0] === sectors[j - 1]![0] + 1) j++;
      const run = new Uint8Array((j - i) * OVERLAY_SECTOR);
      for (let k = i; k < j; k++) run.set(sectors[k]![1], (k - i) * OVERLAY_SECTOR);
      runs.push([sectors[i]![0] * OVERLAY_SECTOR, run]);
      i = j;
    }
    if (runs.length === 0) {
      this.ctx.scheduleBh(() => cb(0));
      return;
    }
    const bytes = runs.reduce((n, [, run]) => n + run.length, 0);
    this.submit("blk_aio_write_entry", 1, runs[0]![0], bytes, cb, {}, (r) => this.commitBody(r, runs));
  }

  /** Writes overlay runs straight to the image. */
  private *commitBody(r: ReqCtx, runs: [number, Uint8Array][]): Co<void> {
    for (const [offset, run] of runs) yield* this.root.coPwritev(r, offset, run.length, run, 0);
  }

  /** Writes into the overlay, reading the image for the rest of partly written sectors. */
  private *overlayWrite(r: ReqCtx, ov: SnapshotOverlay, offset: number, data: Uint8Array): Co<void> {
    const end = offset + data.length;
    for (let n = Math.floor(offset / OVERLAY_SECTOR); n * OVERLAY_SECTOR < end; n++) {
      const start = n * OVERLAY_SECTOR;
      const from = Math.max(offset, start);
      const to = Math.min(end, start + OVERLAY_SECTOR);
      let sector: Uint8Array;
      if (from === start && to === start + OVERLAY_SECTOR) {
        sector = data.slice(from - offset, to - offset);
      } else {
        sector = new Uint8Array(OVERLAY_SECTOR);
        const old = ov.get(n);
        if (old !== undefined) sector.set(old);
        else {
          const have = Math.min(OVERLAY_SECTOR, this.root.size - start);
          yield* this.root.coPreadv(r, start, have, sector.subarray(0, have));
        }
        sector.set(data.subarray(from - offset, to - offset), from - start);
      }
      ov.put(n, sector);
    }
  }

  /** Lays the overlay's sectors over `buf`, the image's bytes at `offset`. */
  private overlayRead(ov: SnapshotOverlay, offset: number, buf: Uint8Array): void {
    const end = offset + buf.length;
    for (let n = Math.floor(offset / OVERLAY_SECTOR); n * OVERLAY_SECTOR < end; n++) {
      const sector = ov.get(n);
      if (sector === undefined) continue;
      const start = n * OVERLAY_SECTOR;
      const from = Math.max(offset, start);
      const to = Math.min(end, start + OVERLAY_SECTOR);
      buf.set(sector.subarray(from - start, to - start), from - offset);
    }
  }

  private newReq(parent: number): ReqCtx {
    return { req: this.ctx.newRequestId(), parent, co: this.ctx.current?.id ?? 0 };
  }

  /** Creates and enters the request coroutine; the callback is scheduled as a bottom half. */
  private submit(
    entry: string,
    kind: number,
    offset: number,
    bytes: number,
    cb: BlockCompletion,
    opts: AioOptions,
    body: (r: ReqCtx) => Co<void>,
  ): BlockAiocb {
    const ctx = this.ctx;
    const req = ctx.newRequestId();
    const parent = opts.parent ?? 0;
    const t = ctx.trace;
    const point =
      kind === 0
        ? t.blk_aio_preadv
        : kind === 1
          ? t.blk_aio_pwritev
          : kind === 2
            ? t.blk_aio_pwrite_zeroes
            : t.blk_aio_flush;
    if (point.on) point.emit({ blk: this.name, offset, bytes }, { req, parent });
    const acb = new BlockAiocb(req);
    this.inFlight++;
    if (this.closed) {
      this.finish(acb, -EIO, cb, parent);
      return acb;
    }
    const co = ctx.create(entry, this.entry(acb, body, cb, req, parent));
    ctx.enter(co);
    return acb;
  }

  private *entry(
    acb: BlockAiocb,
    body: (r: ReqCtx) => Co<void>,
    cb: BlockCompletion,
    req: number,
    parent: number,
  ): Co<void> {
    let ret = 0;
    try {
      yield* body({ req, parent, co: this.ctx.current?.id ?? 0 });
    } catch (err) {
      ret = err instanceof BlockError ? -err.errno : -EIO;
      this.lastError = err instanceof Error ? err.message : String(err);
    }
    this.finish(acb, ret, cb, parent);
  }

  private finish(acb: BlockAiocb, ret: number, cb: BlockCompletion, parent: number): void {
    acb.ret = ret;
    this.ctx.scheduleBh(() => {
      this.inFlight--;
      const t = this.ctx.trace.blk_aio_complete;
      if (t.on) t.emit({ blk: this.name, ret }, { req: acb.req, parent });
      cb(ret);
    });
  }

  private *readBody(r: ReqCtx, offset: number, iov: IoVector): Co<void> {
    const bytes = iovSize(iov);
    const t = this.ctx.trace.blk_co_preadv;
    if (t.on) t.emit({ blk: this.name, bs: this.root.format, offset, bytes, flags: 0 }, r);
    this.checkRequest(offset, bytes);
    const buf = iov instanceof Uint8Array ? iov : iov.length === 1 ? iov[0]! : new Uint8Array(bytes);
    yield* this.root.coPreadv(r, offset, bytes, buf);
    const ov = this.overlay;
    if (ov !== null && ov.size > 0) this.overlayRead(ov, offset, buf);
    scatter(buf, iov);
  }

  private *writeBody(r: ReqCtx, offset: number, buf: Uint8Array, flags: number): Co<void> {
    const t = this.ctx.trace.blk_co_pwritev;
    if (t.on) t.emit({ blk: this.name, bs: this.root.format, offset, bytes: buf.length, flags }, r);
    this.checkRequest(offset, buf.length);
    const ov = this.overlay;
    if (ov !== null) yield* this.overlayWrite(r, ov, offset, buf);
    else yield* this.root.coPwritev(r, offset, buf.length, buf, flags);
  }

  private *zeroesBody(r: ReqCtx, offset: number, bytes: number): Co<void> {
    const t = this.ctx.trace.blk_co_pwritev;
    if (t.on) t.emit({ blk: this.name, bs: this.root.format, offset, bytes, flags: "zero_write" }, r);
    this.checkRequest(offset, bytes);
    const ov = this.overlay;
    if (ov !== null) yield* this.overlayWrite(r, ov, offset, new Uint8Array(bytes));
    else yield* this.root.coPwriteZeroes(r, offset, bytes);
  }

  /** QEMU's blk_check_byte_request: inside the device, non-negative. */
  private checkRequest(offset: number, bytes: number): void {
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(bytes) || offset < 0 || bytes < 0) {
      throw new BlockError(EINVAL, `invalid request offset ${offset} bytes ${bytes}`);
    }
    if (offset + bytes > this.root.size) {
      throw new BlockError(
        EIO,
        `request [${offset}, +${bytes}) beyond the end of the device (${this.root.size})`,
      );
    }
  }

  private promise(start: (cb: BlockCompletion) => void): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      start((ret) =>
        ret < 0 ? reject(new BlockError(-ret, this.lastError ?? `I/O error ${ret}`)) : resolve(),
      );
      void this.ctx.settle();
    });
  }

  private syncCall(start: (cb: BlockCompletion) => void): void {
    let result: number | null = null;
    start((ret) => {
      result = ret;
    });
    this.ctx.settleSync();
    if (result === null) throw new Error("request did not complete in sync mode");
    if (result < 0) throw new BlockError(-result, this.lastError ?? `I/O error ${result}`);
  }
}
