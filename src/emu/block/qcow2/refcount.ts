// Reference counts and cluster allocation (QEMU's qcow2-refcount.c). The refcount table lives in
// memory (and in the file); refcount blocks go through their cache. A missing refcount block is
// created at the first cluster of the range it covers, so it describes itself; a refcount table too
// small is replaced by a larger copy written elsewhere before the header is switched to it.
import type { Co } from "../coroutine.ts";
import { BlockError, EFBIG, EIO } from "../errors.ts";
import type { ReqCtx } from "../request.ts";
import type { CacheEntry, Qcow2Cache } from "./cache.ts";
import { MAX_REFTABLE_BYTES } from "./header.ts";
import { OL_REFCOUNT_BLOCK, OL_REFCOUNT_TABLE, type OverlapMap } from "./overlap.ts";

/** Reads entry `i` of a refcount block of width 2^order bits. */
export function getRefcount(block: Uint8Array, i: number, order: number): number {
  switch (order) {
    case 4:
      return (block[i * 2]! << 8) | block[i * 2 + 1]!;
    case 3:
      return block[i]!;
    case 5:
      return (
        ((block[i * 4]! << 24) | (block[i * 4 + 1]! << 16) | (block[i * 4 + 2]! << 8) | block[i * 4 + 3]!) >>>
        0
      );
    case 6: {
      const dv = new DataView(block.buffer, block.byteOffset);
      const hi = dv.getUint32(i * 8);
      return hi >= 0x200000 ? Number.MAX_SAFE_INTEGER : hi * 4294967296 + dv.getUint32(i * 8 + 4);
    }
    default: {
      const bits = 1 << order;
      const perByte = 8 / bits;
      return (block[Math.floor(i / perByte)]! >> ((i % perByte) * bits)) & ((1 << bits) - 1);
    }
  }
}

/** Writes entry `i` of a refcount block of width 2^order bits. Needs: value fits. */
export function setRefcount(block: Uint8Array, i: number, order: number, value: number): void {
  switch (order) {
    case 4:
      block[i * 2] = value >> 8;
      block[i * 2 + 1] = value;
      return;
    case 3:
      block[i] = value;
      return;
    case 5:
      new DataView(block.buffer, block.byteOffset).setUint32(i * 4, value);
      return;
    case 6: {
      const dv = new DataView(block.buffer, block.byteOffset);
      dv.setUint32(i * 8, Math.floor(value / 4294967296));
      dv.setUint32(i * 8 + 4, value >>> 0);
      return;
    }
    default: {
      const bits = 1 << order;
      const perByte = 8 / bits;
      const shift = (i % perByte) * bits;
      const mask = ((1 << bits) - 1) << shift;
      const b = Math.floor(i / perByte);
      block[b] = (block[b]! & ~mask) | ((value << shift) & mask);
    }
  }
}

/** What the refcount manager needs from the driver. */
export interface RefcountHost {
  /** Overlap-checked write of metadata of kind `kind`. */
  writeMeta(r: ReqCtx, offset: number, data: Uint8Array, kind: number): Co<void>;
  /** Writes the refcount table location into the header (fields at offset 48). */
  writeReftableLocation(r: ReqCtx, offset: number, clusters: number): Co<void>;
  /** Syncs the image file. */
  sync(r: ReqCtx): Co<void>;
  /** Marks the image corrupt and returns the error to throw. */
  corrupt(message: string): BlockError;
}

export class Refcounts {
  /** Refcount block offsets, indexed by refcount table index. */
  table: Float64Array;
  tableOffset: number;
  tableClusters: number;
  /** Refcount entries per block and the largest refcount value. */
  readonly perBlock: number;
  readonly max: number;
  /** Lowest cluster index that may be free. */
  freeHint = 0;
  private readonly cs: number;
  /** Set while a larger refcount table is being built. */
  private growing = false;

  constructor(
    private readonly host: RefcountHost,
    readonly cache: Qcow2Cache,
    private readonly overlap: OverlapMap,
    readonly order: number,
    clusterBits: number,
    table: Float64Array,
    tableOffset: number,
    tableClusters: number,
  ) {
    this.cs = 2 ** clusterBits;
    this.perBlock = (this.cs * 8) / (1 << order);
    this.max = order === 6 ? Number.MAX_SAFE_INTEGER : 2 ** (1 << order) - 1;
    this.table = table;
    this.tableOffset = tableOffset;
    this.tableClusters = tableClusters;
  }

  /** Refcount of cluster `idx` (0 when no block covers it). */
  *get(r: ReqCtx, idx: number): Co<number> {
    const ti = Math.floor(idx / this.perBlock);
    if (ti >= this.table.length) return 0;
    const off = this.table[ti]!;
    if (off === 0) return 0;
    const block = this.cache.lookup(off) ?? (yield* this.cache.load(r, off));
    return getRefcount(block.data, idx % this.perBlock, this.order);
  }

  /** Adds `delta` to the refcount of cluster `idx`; a result out of range marks the image corrupt. */
  *update(r: ReqCtx, idx: number, delta: number): Co<number> {
    const block = yield* this.blockFor(r, idx);
    const i = idx % this.perBlock;
    const value = getRefcount(block.data, i, this.order) + delta;
    if (value < 0) throw this.host.corrupt(`refcount of cluster ${idx} would drop below zero`);
    if (value > this.max) throw new BlockError(EIO, `refcount of cluster ${idx} would overflow`);
    setRefcount(block.data, i, this.order, value);
    block.dirty = true;
    if (value === 0 && idx < this.freeHint) this.freeHint = idx;
    return value;
  }

  /** Decrements the refcount of every cluster overlapping `[offset, offset+bytes)`. */
  *free(r: ReqCtx, offset: number, bytes: number): Co<void> {
    const first = Math.floor(offset / this.cs);
    const last = Math.floor((offset + bytes - 1) / this.cs);
    for (let c = first; c <= last; c++) yield* this.update(r, c, -1);
  }

  /** Allocates `n` contiguous free clusters with refcount 1; returns the host offset of the first. */
  *alloc(r: ReqCtx, n: number): Co<number> {
    for (;;) {
      let start = this.freeHint;
      let run = 0;
      let firstFree = -1;
      let restart = false;
      while (run < n) {
        const idx = start + run;
        if ((idx + 1) * this.cs > Number.MAX_SAFE_INTEGER / 2)
          throw new BlockError(EFBIG, "image file too large");
        const ti = Math.floor(idx / this.perBlock);
        if (ti >= this.table.length || this.table[ti] === 0) {
          yield* this.createBlock(r, ti);
          restart = true;
          break;
        }
        if ((yield* this.get(r, idx)) === 0) {
          if (firstFree < 0) firstFree = idx;
          run++;
        } else {
          start = idx + 1;
          run = 0;
        }
      }
      if (restart) continue;
      for (let i = 0; i < n; i++) yield* this.update(r, start + i, 1);
      // Clusters below `start` are in use, except shorter free runs skipped for n > 1.
      this.freeHint = firstFree === start ? start + n : firstFree;
      return start * this.cs;
    }
  }

  /** The refcount block covering `idx`, created if missing. */
  private *blockFor(r: ReqCtx, idx: number): Co<CacheEntry> {
    const ti = Math.floor(idx / this.perBlock);
    if (ti >= this.table.length || this.table[ti] === 0) yield* this.createBlock(r, ti);
    const off = this.table[ti]!;
    return this.cache.lookup(off) ?? (yield* this.cache.load(r, off));
  }

  /** Creates the refcount block for table index `ti` at the first cluster it covers. */
  private *createBlock(r: ReqCtx, ti: number): Co<void> {
    if (ti >= this.table.length) {
      yield* this.growTable(r, ti);
      if (this.table[ti] !== 0) return; // the new table's allocation created it
    }
    const blockIdx = ti * this.perBlock;
    const offset = blockIdx * this.cs;
    const data = new Uint8Array(this.cs);
    setRefcount(data, 0, this.order, 1);
    yield* this.host.writeMeta(r, offset, data, 0);
    this.overlap.add(offset, this.cs, OL_REFCOUNT_BLOCK);
    this.table[ti] = offset;
    if (!this.growing) {
      const entry = new Uint8Array(8);
      new DataView(entry.buffer).setBigUint64(0, BigInt(offset));
      yield* this.host.sync(r);
      yield* this.host.writeMeta(r, this.tableOffset + ti * 8, entry, OL_REFCOUNT_TABLE);
    }
    yield* this.cache.insert(r, offset, data, false);
    if (blockIdx === this.freeHint) this.freeHint = blockIdx + 1;
  }

  /** Replaces the refcount table with one that has an entry `ti`, switching the header last. */
  private *growTable(r: ReqCtx, ti: number): Co<void> {
    const perCluster = this.cs / 8;
    const entries = Math.max(this.table.length * 2, Math.ceil((ti + 1) / perCluster) * perCluster);
    const clusters = Math.ceil(entries / perCluster);
    if (clusters * this.cs > MAX_REFTABLE_BYTES)
      throw new BlockError(EFBIG, "refcount table would be too large");
    const oldOffset = this.tableOffset;
    const oldClusters = this.tableClusters;
    const table = new Float64Array(clusters * perCluster);
    table.set(this.table);
    this.table = table;
    this.growing = true;
    let newOffset: number;
    try {
      newOffset = yield* this.alloc(r, clusters);
      yield* this.cache.writeBack(r);
      const bytes = new Uint8Array(clusters * this.cs);
      const dv = new DataView(bytes.buffer);
      for (let i = 0; i < table.length; i++) if (table[i] !== 0) dv.setBigUint64(i * 8, BigInt(table[i]!));
      yield* this.host.writeMeta(r, newOffset, bytes, 0);
      yield* this.host.sync(r);
      yield* this.host.writeReftableLocation(r, newOffset, clusters);
    } finally {
      this.growing = false;
    }
    this.tableOffset = newOffset;
    this.tableClusters = clusters;
    this.overlap.remove(oldOffset, oldClusters * this.cs, OL_REFCOUNT_TABLE);
    this.overlap.add(newOffset, clusters * this.cs, OL_REFCOUNT_TABLE);
    yield* this.free(r, oldOffset, oldClusters * this.cs);
  }
}
