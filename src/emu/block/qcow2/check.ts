// Consistency check (QEMU's qcow2_check_refcounts): recount every reference from the header, the
// active and snapshot L1/L2 tables, the refcount table and blocks and the snapshot table, and compare
// with the stored refcounts. Stored < referenced is a corruption, stored > referenced a leak, a
// COPIED flag that disagrees with the stored refcount a corruption. Reads only; never writes.
import { AioContext } from "../aio-context.ts";
import { FileNode } from "../file.ts";
import {
  CLUSTER_COMPRESSED,
  CLUSTER_NORMAL,
  CLUSTER_ZERO_ALLOC,
  COPIED_HI,
  clusterType,
  compressedExtent,
  entryOffset,
} from "./cluster.ts";
import { parseHeader, type Qcow2Header } from "./header.ts";
import { getRefcount } from "./refcount.ts";
import { parseSnapshots } from "./snapshot.ts";

/** What `img check` reports (qemu-img's ImageCheck). */
export interface CheckResult {
  corruptions: number;
  leaks: number;
  allocatedClusters: number;
  totalClusters: number;
  fragmentedClusters: number;
  compressedClusters: number;
  imageEndOffset: number;
  /** One line per problem, worded like qemu-img's. */
  messages: string[];
}

/** Checks a qcow2 file. Throws a one-line BlockError when the header cannot be parsed. */
export function checkQcow2(filename: string): CheckResult {
  const file = FileNode.open(new AioContext("sync"), filename, { readOnly: true, lock: false });
  try {
    return new Checker(file).run();
  } finally {
    file.close();
  }
}

class Checker {
  private readonly h: Qcow2Header;
  private readonly cs: number;
  private readonly fileClusters: number;
  private readonly refs = new Map<number, number>();
  private readonly res: CheckResult;
  private readonly l2Tables = new Map<number, Uint8Array>();
  private nextContiguous = 0;
  private stored = new Map<number, number>();

  constructor(private readonly file: FileNode) {
    const first = this.read(0, 104);
    const bits = new DataView(first.buffer).getUint32(20);
    const cs = bits >= 9 && bits <= 21 ? 2 ** bits : 512;
    this.h = parseHeader(this.read(0, cs), file.size, file.filename);
    this.cs = 2 ** this.h.clusterBits;
    this.fileClusters = Math.ceil(file.size / this.cs);
    this.res = {
      corruptions: 0,
      leaks: 0,
      allocatedClusters: 0,
      totalClusters: Math.ceil(this.h.size / this.cs),
      fragmentedClusters: 0,
      compressedClusters: 0,
      imageEndOffset: 0,
      messages: [],
    };
  }

  run(): CheckResult {
    const h = this.h;
    this.inc(0, this.cs, "header");
    this.loadStoredRefcounts();
    this.walkL1(h.l1TableOffset, h.l1Size, true);
    if (h.nbSnapshots > 0) {
      const snaps = parseSnapshots(
        (o, n) => this.read(o, n),
        h.snapshotsOffset,
        h.nbSnapshots,
        this.cs,
        this.file.filename,
      );
      this.inc(h.snapshotsOffset, snaps.bytes, "snapshot table");
      for (const s of snaps.entries) this.walkL1(s.l1TableOffset, s.l1Size, false);
    }
    this.compare();
    return this.res;
  }

  private read(offset: number, length: number): Uint8Array {
    const b = new Uint8Array(length);
    this.file.preadSync(b, offset);
    return b;
  }

  private corrupt(msg: string): void {
    this.res.corruptions++;
    this.res.messages.push(`ERROR ${msg}`);
  }

  /** Counts one reference to each cluster of `[offset, offset+bytes)`. */
  private inc(offset: number, bytes: number, what: string): void {
    if (bytes <= 0) return;
    const first = Math.floor(offset / this.cs);
    const last = Math.floor((offset + bytes - 1) / this.cs);
    if (last >= this.fileClusters) {
      this.corrupt(`${what} at offset 0x${offset.toString(16)} is beyond the end of the image file`);
      return;
    }
    for (let c = first; c <= last; c++) this.refs.set(c, (this.refs.get(c) ?? 0) + 1);
  }

  /** Reads the refcount table and blocks; counts their own references. */
  private loadStoredRefcounts(): void {
    const h = this.h;
    const bytes = h.refcountTableClusters * this.cs;
    this.inc(h.refcountTableOffset, bytes, "refcount table");
    const rt = this.read(h.refcountTableOffset, bytes);
    const dv = new DataView(rt.buffer);
    const perBlock = (this.cs * 8) / (1 << h.refcountOrder);
    for (let i = 0; i < bytes / 8; i++) {
      const hi = dv.getUint32(i * 8);
      const lo = dv.getUint32(i * 8 + 4);
      if (hi === 0 && lo === 0) continue;
      const off = hi * 4294967296 + ((lo & ~511) >>> 0);
      if (off % this.cs !== 0) {
        this.corrupt(`refcount block ${i} is not cluster aligned; refcount table entry corrupted`);
        continue;
      }
      if (off / this.cs >= this.fileClusters) {
        this.corrupt(`refcount block ${i} is outside image`);
        continue;
      }
      this.inc(off, this.cs, `refcount block ${i}`);
      const block = this.read(off, this.cs);
      for (let j = 0; j < perBlock; j++) {
        const v = getRefcount(block, j, h.refcountOrder);
        if (v !== 0) this.stored.set(i * perBlock + j, v);
      }
    }
  }

  private storedRefcount(idx: number): number {
    return this.stored.get(idx) ?? 0;
  }

  /** Counts an L1 table, its L2 tables and their clusters; checks COPIED flags of the active one. */
  private walkL1(l1Offset: number, l1Size: number, active: boolean): void {
    if (l1Size === 0) return;
    this.inc(l1Offset, l1Size * 8, active ? "active L1 table" : "snapshot L1 table");
    const l1 = this.read(l1Offset, l1Size * 8);
    const dv = new DataView(l1.buffer);
    for (let i = 0; i < l1Size; i++) {
      const hi = dv.getUint32(i * 8);
      const off = entryOffset(hi, dv.getUint32(i * 8 + 4));
      if (off === 0) continue;
      if (off % this.cs !== 0) {
        this.corrupt(`L2 table offset 0x${off.toString(16)} (L1 index ${i}) is not cluster aligned`);
        continue;
      }
      this.inc(off, this.cs, "L2 table");
      if (off / this.cs >= this.fileClusters) continue;
      if (active && ((hi & COPIED_HI) !== 0) !== (this.storedRefcount(off / this.cs) === 1)) {
        this.corrupt(
          `OFLAG_COPIED L2 cluster: l1_index=${i} l1_entry=${off.toString(16)} refcount=${this.storedRefcount(off / this.cs)}`,
        );
      }
      let table = this.l2Tables.get(off);
      if (table === undefined) {
        table = this.read(off, this.cs);
        this.l2Tables.set(off, table);
      }
      this.walkL2(table, active);
    }
  }

  private walkL2(table: Uint8Array, active: boolean): void {
    const dv = new DataView(table.buffer);
    for (let i = 0; i < this.cs / 8; i++) {
      const hi = dv.getUint32(i * 8);
      const lo = dv.getUint32(i * 8 + 4);
      const type = clusterType(hi, lo, this.h.version);
      if (type === CLUSTER_COMPRESSED) {
        if (hi & COPIED_HI) this.corrupt("compressed cluster with the COPIED flag");
        const ext = compressedExtent(hi, lo, this.h.clusterBits);
        this.inc(ext.offset - (ext.offset % 512), ext.bytes + (ext.offset % 512), "compressed cluster");
        if (active) {
          this.res.allocatedClusters++;
          this.res.compressedClusters++;
        }
      } else if (type === CLUSTER_NORMAL || type === CLUSTER_ZERO_ALLOC) {
        const off = entryOffset(hi, lo);
        if (off % this.cs !== 0) {
          this.corrupt(`data cluster offset 0x${off.toString(16)} is not cluster aligned`);
          continue;
        }
        this.inc(off, this.cs, "data cluster");
        if (active) {
          this.res.allocatedClusters++;
          if (this.nextContiguous !== 0 && off !== this.nextContiguous) this.res.fragmentedClusters++;
          this.nextContiguous = off + this.cs;
          if (((hi & COPIED_HI) !== 0) !== (this.storedRefcount(off / this.cs) === 1)) {
            this.corrupt(
              `OFLAG_COPIED data cluster: l2_entry=${off.toString(16)} refcount=${this.storedRefcount(off / this.cs)}`,
            );
          }
        }
      }
    }
  }

  /** Compares stored and computed refcounts for every cluster either side knows. */
  private compare(): void {
    const all = new Set<number>([...this.refs.keys(), ...this.stored.keys()]);
    let highest = -1;
    for (const idx of [...all].sort((a, b) => a - b)) {
      const stored = this.storedRefcount(idx);
      const refs = this.refs.get(idx) ?? 0;
      if (stored !== 0 || refs !== 0) highest = Math.max(highest, idx);
      if (stored === refs) continue;
      if (stored < refs) this.corrupt(`cluster ${idx} refcount=${stored} reference=${refs}`);
      else {
        this.res.leaks++;
        this.res.messages.push(`Leaked cluster ${idx} refcount=${stored} reference=${refs}`);
      }
    }
    this.res.imageEndOffset = (highest + 1) * this.cs;
  }
}
