// The qcow2 format driver (QEMU's block/qcow2.c and qcow2-cluster.c): guest reads and writes through
// the L1/L2 tables, cluster allocation with copy-on-write (backing file, compressed, shared and zero
// clusters), write-zeroes, flush in dependency order, and the overlap check before every write.
// Requests are serialized by a CoMutex, so async mode never races on metadata.
import { fstatSync } from "node:fs";
import type { AioContext } from "../aio-context.ts";
import type { Co } from "../coroutine.ts";
import { BlockError, EIO, ELOOP, errnoOf } from "../errors.ts";
import { FileNode, type FileOpenOptions } from "../file.ts";
import { BlockNode, type BlockStatus, CoMutex } from "../node.ts";
import type { ReqCtx } from "../request.ts";
import { type CacheEntry, Qcow2Cache } from "./cache.ts";
import {
  CLUSTER_COMPRESSED,
  CLUSTER_NORMAL,
  CLUSTER_UNALLOCATED,
  CLUSTER_ZERO_ALLOC,
  CLUSTER_ZERO_PLAIN,
  COPIED_HI,
  clusterType,
  compressedExtent,
  entryOffset,
  setEntry,
} from "./cluster.ts";
import { decompressCluster } from "./compress.ts";
import { openQcow2Metadata, type Qcow2Metadata } from "./metadata.ts";
import { OL_ACTIVE_L1, OL_ACTIVE_L2, OL_MAIN_HEADER, OL_REFCOUNT_BLOCK, overlapName } from "./overlap.ts";
import { Refcounts } from "./refcount.ts";

/** L2 tables and refcount blocks kept in memory (QEMU's defaults give 16 and 4 for 64 KiB clusters). */
const L2_CACHE_TABLES = 32;
const REFCOUNT_CACHE_BLOCKS = 8;

/** Opens the backing file named in the header (`chain`: the images above it, passed on). */
export type BackingOpener = (
  ctx: AioContext,
  filename: string,
  format: string | null,
  chain: BackingChain,
) => BlockNode;

/**
 * The qcow2 images above the one being opened, top first: their names (for the message) and host
 * file identities (device:inode), so a loop is found whatever names its links use. Each open adds
 * itself while its backing file opens and removes itself after.
 */
export interface BackingChain {
  names: string[];
  ids: Set<string>;
}

/**
 * Backing files below an image at most. QEMU 7.2 sets no limit (qemu-io reads through 540); pcscope's
 * requests recurse once per level on the JS stack, which holds about 850 levels, so it stops at 500.
 */
export const MAX_BACKING_DEPTH = 500;

/** Options of a qcow2 open. */
export interface Qcow2OpenOptions extends FileOpenOptions {
  /** Opens backing files (index.ts passes its format-probing opener). */
  openBacking?: BackingOpener;
  /** The images above this one when it is opened as a backing file. */
  chain?: BackingChain;
}

export class Qcow2Node extends BlockNode {
  readonly format = "qcow2";
  size: number;
  readonly file: FileNode;
  readonly meta: Qcow2Metadata;
  readonly backing: BlockNode | null;
  /** Why the image is unusable (marked corrupt) or null. */
  broken: string | null = null;
  /** Things the user should know (opened read-only because of the dirty bit...). */
  readonly warnings: string[];
  private readonly cs: number;
  private readonly l2Entries: number;
  private readonly l2Cache: Qcow2Cache;
  readonly refcounts: Refcounts;
  private readonly lock = new CoMutex();
  private readonly scratch: Uint8Array;
  private lastCompressed: { hi: number; lo: number; data: Uint8Array } | null = null;

  private constructor(ctx: AioContext, file: FileNode, meta: Qcow2Metadata, backing: BlockNode | null) {
    super(ctx, file.filename, file.readOnly);
    this.file = file;
    this.meta = meta;
    this.backing = backing;
    this.warnings = meta.warnings;
    this.size = meta.header.size;
    this.cs = 2 ** meta.header.clusterBits;
    this.l2Entries = this.cs / 8;
    this.scratch = new Uint8Array(this.cs);
    const writer = {
      writeTable: (r: ReqCtx, o: number, d: Uint8Array, k: number) => this.writeMeta(r, o, d, k),
    };
    this.l2Cache = new Qcow2Cache("l2", file, writer, L2_CACHE_TABLES, this.cs, OL_ACTIVE_L2);
    const rcCache = new Qcow2Cache(
      "refcount",
      file,
      writer,
      REFCOUNT_CACHE_BLOCKS,
      this.cs,
      OL_REFCOUNT_BLOCK,
    );
    this.l2Cache.dependsOn = rcCache;
    this.refcounts = new Refcounts(
      {
        writeMeta: (r, o, d, k) => this.writeMeta(r, o, d, k),
        writeReftableLocation: (r, o, c) => this.writeReftableLocation(r, o, c),
        sync: (r) => this.file.coFlush(r),
        corrupt: (m) => this.markCorrupt(m),
      },
      rcCache,
      meta.overlap,
      meta.header.refcountOrder,
      meta.header.clusterBits,
      meta.reftable,
      meta.header.refcountTableOffset,
      meta.header.refcountTableClusters,
    );
  }

  /** Opens a qcow2 image; throws a one-line BlockError when it cannot or must not. */
  static open(ctx: AioContext, filename: string, opts: Qcow2OpenOptions = {}): Qcow2Node {
    let file = FileNode.open(ctx, filename, { ...opts, resize: true }); // qcow2 grows its file
    const above = opts.chain ?? { names: [], ids: new Set<string>() };
    const { dev, ino } = fstatSync(file.fd);
    const id = `${dev}:${ino}`;
    if (above.ids.has(id)) {
      file.close();
      const loop = [...above.names, filename].join(" -> ");
      throw new BlockError(
        ELOOP,
        `Could not open '${above.names[0]}': backing file '${filename}' creates an infinite loop (${loop})`,
      );
    }
    let meta: Qcow2Metadata;
    try {
      const m = openQcow2Metadata(file);
      if (typeof m === "string") {
        file.close();
        file = FileNode.open(ctx, filename, { ...opts, readOnly: true });
        const again = openQcow2Metadata(file);
        if (typeof again === "string") throw new BlockError(EIO, `Could not open '${filename}': ${again}`);
        again.warnings.push(m);
        meta = again;
      } else meta = m;
    } catch (err) {
      file.close();
      throw err;
    }
    let backing: BlockNode | null = null;
    const h = meta.header;
    if (h.backingFile !== null) {
      try {
        if (!opts.openBacking) throw new BlockError(EIO, `Could not open backing file '${h.backingFile}'`);
        if (above.names.length >= MAX_BACKING_DEPTH) {
          throw new BlockError(
            EIO,
            `Could not open '${above.names[0]}': its backing chain is deeper than ${MAX_BACKING_DEPTH} images (pcscope's limit)`,
          );
        }
        above.names.push(filename);
        above.ids.add(id);
        try {
          backing = opts.openBacking(ctx, resolveBacking(filename, h.backingFile), h.backingFormat, above);
        } finally {
          above.names.pop();
          above.ids.delete(id);
        }
      } catch (err) {
        file.close();
        throw err;
      }
    }
    return new Qcow2Node(ctx, file, meta, backing);
  }

  blockStatus(offset: number, bytes: number): BlockStatus {
    const ci = Math.floor(offset / this.cs);
    const maxLen = Math.min(bytes, this.size - offset);
    const first = this.peekEntry(ci);
    const version = this.meta.header.version;
    const type = clusterType(first.hi, first.lo, version);
    const base = type === CLUSTER_NORMAL ? entryOffset(first.hi, first.lo) : 0;
    let len = Math.min(maxLen, (ci + 1) * this.cs - offset);
    for (let k = 1; len < maxLen; k++) {
      const e = this.peekEntry(ci + k);
      const t = clusterType(e.hi, e.lo, version);
      if (t !== type || (t === CLUSTER_NORMAL && entryOffset(e.hi, e.lo) !== base + k * this.cs)) break;
      len = Math.min(maxLen, len + this.cs);
    }
    const host = base + (offset % this.cs);
    switch (type) {
      case CLUSTER_UNALLOCATED:
        if (this.backing !== null) {
          if (offset >= this.backing.size)
            return { length: len, present: false, zero: true, data: false, depth: 1 };
          const s = this.backing.blockStatus(offset, Math.min(len, this.backing.size - offset));
          return { ...s, depth: s.depth + 1 };
        }
        return { length: len, present: false, zero: true, data: false, depth: 0 };
      case CLUSTER_ZERO_PLAIN:
      case CLUSTER_ZERO_ALLOC:
        return { length: len, present: true, zero: true, data: false, depth: 0 };
      case CLUSTER_COMPRESSED:
        return { length: len, present: true, zero: false, data: true, depth: 0, file: this.filename };
      default:
        return {
          length: len,
          present: true,
          zero: false,
          data: true,
          offset: host,
          depth: 0,
          file: this.filename,
        };
    }
  }

  close(): void {
    this.file.close();
    this.backing?.close();
  }

  protected override zeroAlignment(): number {
    return this.cs;
  }

  protected *drvPreadv(r: ReqCtx, offset: number, bytes: number, buf: Uint8Array): Co<void> {
    this.checkUsable();
    yield* this.lock.lock();
    try {
      let pos = 0;
      while (pos < bytes) {
        const g = offset + pos;
        const ci = Math.floor(g / this.cs);
        const inOff = g - ci * this.cs;
        let n = Math.min(this.cs - inOff, bytes - pos);
        const l2 = yield* this.l2ForRead(r, ci);
        const p = (ci % this.l2Entries) * 8;
        const hi = l2 === null ? 0 : l2.view.getUint32(p);
        const lo = l2 === null ? 0 : l2.view.getUint32(p + 4);
        const type = clusterType(hi, lo, this.meta.header.version);
        const dst = buf.subarray(pos, pos + n);
        if (type === CLUSTER_NORMAL && l2 !== null) {
          const host = this.checkedHost(hi, lo);
          // Extend over following clusters of the same table that are contiguous in the file.
          let q = p + 8;
          while (pos + n < bytes && q < this.cs) {
            const h2 = l2.view.getUint32(q);
            const l2lo = l2.view.getUint32(q + 4);
            if (clusterType(h2, l2lo, this.meta.header.version) !== CLUSTER_NORMAL) break;
            if (entryOffset(h2, l2lo) !== host + (n + inOff)) break;
            n = Math.min(n + this.cs, bytes - pos);
            q += 8;
          }
          yield* this.file.coPreadv(r, host + inOff, n, buf.subarray(pos, pos + n));
        } else if (type === CLUSTER_UNALLOCATED) yield* this.readBacking(r, g, dst);
        else if (type === CLUSTER_COMPRESSED) {
          const data = yield* this.readCompressed(r, hi, lo);
          dst.set(data.subarray(inOff, inOff + n));
        } else dst.fill(0);
        pos += n;
      }
    } finally {
      this.lock.unlock();
    }
  }

  protected *drvPwritev(r: ReqCtx, offset: number, bytes: number, buf: Uint8Array, flags: number): Co<void> {
    this.checkUsable();
    yield* this.lock.lock();
    const t = this.ctx.trace;
    if (t.qcow2_writev_start_req.on) t.qcow2_writev_start_req.emit({ co: r.co, offset, bytes }, r);
    let ret = 0;
    try {
      let pos = 0;
      while (pos < bytes) {
        const g = offset + pos;
        const ci = Math.floor(g / this.cs);
        const inOff = g - ci * this.cs;
        const n = Math.min(this.cs - inOff, bytes - pos);
        yield* this.writeCluster(r, ci, inOff, buf.subarray(pos, pos + n));
        pos += n;
      }
    } catch (err) {
      ret = err instanceof BlockError ? -err.errno : -errnoOf(err);
      throw err;
    } finally {
      if (t.qcow2_writev_done_req.on) t.qcow2_writev_done_req.emit({ co: r.co, ret, flags }, r);
      this.lock.unlock();
    }
  }

  protected override *drvPwriteZeroes(r: ReqCtx, offset: number, bytes: number, flags: number): Co<void> {
    this.checkUsable();
    yield* this.lock.lock();
    try {
      const t = this.ctx.trace.qcow2_pwrite_zeroes;
      if (t.on) t.emit({ co: r.co, offset, bytes, flags }, r);
      const v3 = this.meta.header.version >= 3;
      const frees: [number, number][] = [];
      for (let g = offset; g < offset + bytes; g += this.cs) {
        const ci = Math.floor(g / this.cs);
        const n = Math.min(this.cs, this.size - g);
        if (!v3 && this.backing !== null) {
          yield* this.writeCluster(r, ci, 0, new Uint8Array(n));
          continue;
        }
        if (this.backing === null && this.l1Offset(ci) === 0) continue;
        const l2 = yield* this.l2ForWrite(r, ci);
        const p = (ci % this.l2Entries) * 8;
        const hi = l2.view.getUint32(p);
        const lo = l2.view.getUint32(p + 4);
        const type = clusterType(hi, lo, this.meta.header.version);
        if (type === CLUSTER_ZERO_PLAIN || (type === CLUSTER_UNALLOCATED && this.backing === null)) continue;
        if (type === CLUSTER_NORMAL || type === CLUSTER_ZERO_ALLOC)
          frees.push([this.checkedHost(hi, lo), this.cs]);
        else if (type === CLUSTER_COMPRESSED) {
          const ext = compressedExtent(hi, lo, this.meta.header.clusterBits);
          frees.push([ext.offset - (ext.offset % 512), ext.bytes + (ext.offset % 512)]);
        }
        setEntry(l2.view, p, 0, false, v3);
        l2.dirty = true;
      }
      if (frees.length > 0) {
        yield* this.l2Cache.writeBack(r);
        yield* this.file.coFlush(r);
        for (const [o, b] of frees) yield* this.refcounts.free(r, o, b);
      }
    } finally {
      this.lock.unlock();
    }
  }

  protected *drvFlush(r: ReqCtx): Co<void> {
    if (this.broken !== null) return;
    yield* this.lock.lock();
    try {
      yield* this.refcounts.cache.writeBack(r);
      yield* this.l2Cache.writeBack(r);
      yield* this.file.coFlush(r);
    } finally {
      this.lock.unlock();
    }
  }

  /** Writes guest bytes `src` at `inOff` of guest cluster `ci`, allocating it if needed. */
  private *writeCluster(r: ReqCtx, ci: number, inOff: number, src: Uint8Array): Co<void> {
    const t = this.ctx.trace;
    const l2 = yield* this.l2ForWrite(r, ci);
    const p = (ci % this.l2Entries) * 8;
    const hi = l2.view.getUint32(p);
    const lo = l2.view.getUint32(p + 4);
    const type = clusterType(hi, lo, this.meta.header.version);
    if (type === CLUSTER_NORMAL && (hi & COPIED_HI) !== 0) {
      const host = this.checkedHost(hi, lo);
      if (t.qcow2_handle_copied.on) {
        t.qcow2_handle_copied.emit(
          { co: r.co, guest_offset: ci * this.cs + inOff, host_offset: host, bytes: src.length },
          r,
        );
      }
      yield* this.writeData(r, host + inOff, src);
      return;
    }
    const host = yield* this.refcounts.alloc(r, 1);
    if (t.qcow2_handle_alloc.on) {
      t.qcow2_handle_alloc.emit(
        { co: r.co, guest_offset: ci * this.cs + inOff, host_offset: host, bytes: src.length },
        r,
      );
    }
    if (src.length === this.cs) yield* this.writeData(r, host, src);
    else {
      const buf = this.scratch;
      const zero = yield* this.fillOld(r, ci, type, hi, lo, buf);
      if (zero && host >= this.file.size) yield* this.writeData(r, host + inOff, src);
      else {
        buf.set(src, inOff);
        yield* this.writeData(r, host, buf);
      }
    }
    if (t.qcow2_cluster_link_l2.on) t.qcow2_cluster_link_l2.emit({ co: r.co, nb_clusters: 1 }, r);
    setEntry(l2.view, p, host, true, false);
    l2.dirty = true;
    if (type === CLUSTER_NORMAL || type === CLUSTER_ZERO_ALLOC) {
      yield* this.freeAfterL2(r, this.checkedHost(hi, lo), this.cs);
    } else if (type === CLUSTER_COMPRESSED) {
      const ext = compressedExtent(hi, lo, this.meta.header.clusterBits);
      yield* this.freeAfterL2(r, ext.offset - (ext.offset % 512), ext.bytes + (ext.offset % 512));
    }
  }

  /** Fills `buf` with the old content of guest cluster `ci`; true when that content is all zero. */
  private *fillOld(
    r: ReqCtx,
    ci: number,
    type: number,
    hi: number,
    lo: number,
    buf: Uint8Array,
  ): Co<boolean> {
    switch (type) {
      case CLUSTER_UNALLOCATED:
        if (this.backing === null) {
          buf.fill(0);
          return true;
        }
        yield* this.readBacking(r, ci * this.cs, buf);
        return false;
      case CLUSTER_NORMAL:
        yield* this.file.coPreadv(r, this.checkedHost(hi, lo), this.cs, buf);
        return false;
      case CLUSTER_COMPRESSED:
        buf.set(yield* this.readCompressed(r, hi, lo));
        return false;
      default:
        buf.fill(0);
        return true;
    }
  }

  /** Drops references to old data only after the L2 tables that no longer point at it are durable. */
  private *freeAfterL2(r: ReqCtx, offset: number, bytes: number): Co<void> {
    yield* this.l2Cache.writeBack(r);
    yield* this.file.coFlush(r);
    yield* this.refcounts.free(r, offset, bytes);
  }

  /** Writes guest data at host offset `host` after the overlap check. */
  private *writeData(r: ReqCtx, host: number, src: Uint8Array): Co<void> {
    const t = this.ctx.trace.qcow2_writev_data;
    if (t.on) t.emit({ co: r.co, offset: host }, r);
    yield* this.writeMeta(r, host, src, 0);
  }

  /** The overlap check, then the write; a hit marks the image corrupt and fails with EIO. */
  *writeMeta(r: ReqCtx, offset: number, data: Uint8Array, ignore: number): Co<void> {
    this.checkUsable();
    const hit = this.meta.overlap.check(offset, data.length, ignore);
    const t = this.ctx.trace.qcow2_pre_write_overlap_check;
    if (t.on)
      t.emit({ ign: ignore, offset, size: data.length, result: hit === 0 ? "ok" : overlapName(hit) }, r);
    if (hit !== 0) {
      throw this.markCorrupt(
        `Preventing invalid write on metadata (overlaps with ${overlapName(hit)}) at offset ${offset}`,
      );
    }
    yield* this.file.coPwritev(r, offset, data.length, data);
  }

  /** Records the new refcount table in the header (offset and cluster count, 12 bytes at 48). */
  private *writeReftableLocation(r: ReqCtx, offset: number, clusters: number): Co<void> {
    const b = new Uint8Array(12);
    const dv = new DataView(b.buffer);
    dv.setBigUint64(0, BigInt(offset));
    dv.setUint32(8, clusters);
    yield* this.writeMeta(r, 48, b, OL_MAIN_HEADER);
    yield* this.file.coFlush(r);
    this.meta.header.refcountTableOffset = offset;
    this.meta.header.refcountTableClusters = clusters;
  }

  /** Sets the corrupt bit (version 3, read-write), makes the image unusable, returns the EIO. */
  markCorrupt(message: string): BlockError {
    if (this.broken === null) {
      this.broken = message;
      const t = this.ctx.trace.qcow2_mark_corrupt;
      if (t.on) t.emit({ reason: message }, {});
      if (!this.readOnly) this.meta.setCorruptBit(this.file);
      this.l2Cache.clear();
      this.refcounts.cache.clear();
    }
    return new BlockError(EIO, `qcow2: Marking image as corrupt: ${message}`);
  }

  /** Fails with EIO once the image was marked corrupt. */
  private checkUsable(): void {
    if (this.broken !== null) throw new BlockError(EIO, `qcow2 image is corrupt: ${this.broken}`);
  }

  /** Host offset of a normal entry; a misaligned one marks the image corrupt. */
  private checkedHost(hi: number, lo: number): number {
    const host = entryOffset(hi, lo);
    if (host % this.cs !== 0)
      throw this.markCorrupt(`Cluster allocation offset 0x${host.toString(16)} unaligned`);
    return host;
  }

  /** Host offset of the L2 table for guest cluster `ci` (0 when none). */
  private l1Offset(ci: number): number {
    const i = Math.floor(ci / this.l2Entries) * 8;
    return entryOffset(this.meta.l1View.getUint32(i), this.meta.l1View.getUint32(i + 4));
  }

  /** The L2 table for guest cluster `ci`, or null when the L1 entry is empty. */
  private *l2ForRead(r: ReqCtx, ci: number): Co<CacheEntry | null> {
    const off = this.l1Offset(ci);
    if (off === 0) return null;
    return this.l2Cache.lookup(off) ?? (yield* this.l2Cache.load(r, off));
  }

  /** The L2 table for `ci`, allocated or copied (when shared with a snapshot) so it may be changed. */
  private *l2ForWrite(r: ReqCtx, ci: number): Co<CacheEntry> {
    const l1i = Math.floor(ci / this.l2Entries);
    const l1v = this.meta.l1View;
    const hi = l1v.getUint32(l1i * 8);
    const off = this.l1Offset(ci);
    if (off !== 0 && (hi & COPIED_HI) !== 0)
      return this.l2Cache.lookup(off) ?? (yield* this.l2Cache.load(r, off));
    const t = this.ctx.trace;
    if (t.qcow2_l2_allocate.on) t.qcow2_l2_allocate.emit({ co: r.co, l1_index: l1i }, r);
    const newOff = yield* this.refcounts.alloc(r, 1);
    const data = new Uint8Array(this.cs);
    if (off !== 0) data.set((yield* this.l2Cache.load(r, off)).data);
    yield* this.refcounts.cache.writeBack(r);
    yield* this.writeMeta(r, newOff, data, 0);
    yield* this.file.coFlush(r);
    this.meta.overlap.add(newOff, this.cs, OL_ACTIVE_L2);
    setEntry(l1v, l1i * 8, newOff, true, false);
    const l1 = this.meta.l1;
    yield* this.writeMeta(
      r,
      this.meta.header.l1TableOffset + l1i * 8,
      l1.subarray(l1i * 8, l1i * 8 + 8),
      OL_ACTIVE_L1,
    );
    const entry = yield* this.l2Cache.insert(r, newOff, data, false);
    if (off !== 0) {
      this.meta.overlap.remove(off, this.cs, OL_ACTIVE_L2);
      this.l2Cache.discard(off);
      yield* this.file.coFlush(r);
      yield* this.refcounts.free(r, off, this.cs);
    }
    if (t.qcow2_l2_allocate_done.on) t.qcow2_l2_allocate_done.emit({ co: r.co, l1_index: l1i, ret: 0 }, r);
    return entry;
  }

  /** Reads guest bytes at `g` from the backing file (zeros past its end or without one). */
  private *readBacking(r: ReqCtx, g: number, dst: Uint8Array): Co<void> {
    const b = this.backing;
    const n = b === null ? 0 : Math.max(0, Math.min(dst.length, b.size - g));
    if (n > 0) yield* b!.coPreadv(r, g, n, dst.subarray(0, n));
    if (n < dst.length) dst.fill(0, n);
  }

  /** The decompressed cluster of a compressed entry (the last one is cached). */
  private *readCompressed(r: ReqCtx, hi: number, lo: number): Co<Uint8Array> {
    const last = this.lastCompressed;
    if (last !== null && last.hi === hi && last.lo === lo) return last.data;
    const ext = compressedExtent(hi, lo, this.meta.header.clusterBits);
    if (ext.bytes > 2 * this.cs + 512 || ext.offset >= this.file.size) {
      throw new BlockError(EIO, `compressed cluster at 0x${ext.offset.toString(16)} is out of bounds`);
    }
    const src = new Uint8Array(ext.bytes);
    yield* this.file.coPreadv(r, ext.offset, ext.bytes, src);
    const data = decompressCluster(src, this.cs);
    this.lastCompressed = { hi, lo, data };
    return data;
  }

  /** Reads the L2 entry of guest cluster `ci` without a coroutine (map/status). */
  private peekEntry(ci: number): { hi: number; lo: number } {
    const off = this.l1Offset(ci);
    if (off === 0) return { hi: 0, lo: 0 };
    const pos = off + (ci % this.l2Entries) * 8;
    const cached = this.l2Cache.lookup(off);
    if (cached !== undefined) {
      const p = (ci % this.l2Entries) * 8;
      return { hi: cached.view.getUint32(p), lo: cached.view.getUint32(p + 4) };
    }
    const b = new Uint8Array(8);
    this.file.preadSync(b, pos);
    const dv = new DataView(b.buffer);
    return { hi: dv.getUint32(0), lo: dv.getUint32(4) };
  }
}

/** Resolves a backing file name relative to the directory of the image naming it (as QEMU does). */
function resolveBacking(image: string, backing: string): string {
  if (backing.startsWith("/") || /^[a-z]+:/.test(backing)) return backing;
  const slash = image.lastIndexOf("/");
  return slash < 0 ? backing : `${image.slice(0, slash + 1)}${backing}`;
}
