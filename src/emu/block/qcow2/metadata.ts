// Loading a qcow2 image's metadata at open (QEMU's qcow2_do_open): header, L1 table, refcount table,
// snapshot table, and the overlap map of every metadata cluster. Also the open-time policy: the
// corrupt bit refuses read-write opens, the dirty bit (lazy refcounts left inconsistent) makes the
// open read-only (pcscope does not repair refcounts; `qemu-img check -r all` does), unknown and
// unsupported autoclear bits are cleared before the first write.
import { BlockError, EINVAL, EROFS } from "../errors.ts";
import type { FileNode } from "../file.ts";
import { entryOffset } from "./cluster.ts";
import {
  HDR_AUTOCLEAR,
  HDR_INCOMPATIBLE,
  INCOMPAT_CORRUPT,
  INCOMPAT_DIRTY,
  parseHeader,
  type Qcow2Header,
} from "./header.ts";
import {
  OL_ACTIVE_L1,
  OL_ACTIVE_L2,
  OL_INACTIVE_L1,
  OL_MAIN_HEADER,
  OL_REFCOUNT_BLOCK,
  OL_REFCOUNT_TABLE,
  OL_SNAPSHOT_TABLE,
  OverlapMap,
} from "./overlap.ts";
import { parseSnapshots, type SnapshotTable } from "./snapshot.ts";

/** Everything the driver keeps about the image besides the caches. */
export interface Qcow2Metadata {
  header: Qcow2Header;
  /** The active L1 table as stored (big-endian entries). */
  l1: Uint8Array;
  l1View: DataView;
  /** Refcount block offsets. */
  reftable: Float64Array;
  snapshots: SnapshotTable;
  overlap: OverlapMap;
  warnings: string[];
  /** Sets the corrupt bit in the file's header (version 3). */
  setCorruptBit(file: FileNode): void;
}

/** Reads `length` bytes at `offset` of `file` (zeros past its end). */
function readAt(file: FileNode, offset: number, length: number): Uint8Array {
  const b = new Uint8Array(length);
  file.preadSync(b, offset);
  return b;
}

/**
 * Loads and validates the metadata; throws a one-line BlockError for images it refuses. Returns a
 * string (the reason) instead when the image must be reopened read-only.
 */
export function openQcow2Metadata(file: FileNode): Qcow2Metadata | string {
  const fileLength = file.size;
  const name = file.filename;
  const first = readAt(file, 0, 104);
  const clusterBits = new DataView(first.buffer).getUint32(20);
  const cs = clusterBits >= 9 && clusterBits <= 21 ? 2 ** clusterBits : 512;
  const h = parseHeader(readAt(file, 0, cs), fileLength, name);
  const bad = (what: string): BlockError => new BlockError(EINVAL, `Could not open '${name}': ${what}`);
  const warnings: string[] = [];
  if (!file.readOnly && h.incompatible & INCOMPAT_CORRUPT) {
    throw new BlockError(
      EROFS,
      `Could not open '${name}': qcow2 image is corrupt; cannot be opened read/write`,
    );
  }
  if (!file.readOnly && h.incompatible & INCOMPAT_DIRTY) {
    return "the dirty bit is set (lazy refcounts): opened read-only; repair with 'qemu-img check -r all'";
  }
  const overlap = new OverlapMap(cs);
  overlap.add(0, cs, OL_MAIN_HEADER);
  const l1 = readAt(file, h.l1TableOffset, h.l1Size * 8);
  const l1View = new DataView(l1.buffer);
  if (h.l1Size > 0) overlap.add(h.l1TableOffset, h.l1Size * 8, OL_ACTIVE_L1);
  const fileClusters = Math.ceil(fileLength / cs);
  for (let i = 0; i < h.l1Size; i++) {
    const off = entryOffset(l1View.getUint32(i * 8), l1View.getUint32(i * 8 + 4));
    if (off === 0) continue;
    if (off % cs !== 0) throw bad(`L2 table offset 0x${off.toString(16)} unaligned (L1 index ${i})`);
    if (off / cs >= fileClusters)
      throw bad(`L2 table at 0x${off.toString(16)} lies past the end of the file`);
    overlap.add(off, cs, OL_ACTIVE_L2);
  }
  const rtBytes = h.refcountTableClusters * cs;
  const rt = readAt(file, h.refcountTableOffset, rtBytes);
  const rtView = new DataView(rt.buffer);
  const reftable = new Float64Array(rtBytes / 8);
  overlap.add(h.refcountTableOffset, rtBytes, OL_REFCOUNT_TABLE);
  for (let i = 0; i < reftable.length; i++) {
    const hi = rtView.getUint32(i * 8);
    const lo = rtView.getUint32(i * 8 + 4);
    if (hi === 0 && lo === 0) continue;
    const off = hi * 4294967296 + ((lo & ~511) >>> 0);
    if (off % cs !== 0 || off === 0)
      throw bad(`refcount block offset 0x${off.toString(16)} invalid (index ${i})`);
    if (off / cs >= fileClusters)
      throw bad(`refcount block at 0x${off.toString(16)} lies past the end of the file`);
    reftable[i] = off;
    overlap.add(off, cs, OL_REFCOUNT_BLOCK);
  }
  const snapshots = parseSnapshots((o, n) => readAt(file, o, n), h.snapshotsOffset, h.nbSnapshots, cs, name);
  if (h.nbSnapshots > 0) {
    if (h.snapshotsOffset + snapshots.bytes > fileClusters * cs)
      throw bad("snapshot table lies outside the file");
    overlap.add(h.snapshotsOffset, snapshots.bytes, OL_SNAPSHOT_TABLE);
    for (const s of snapshots.entries)
      if (s.l1Size > 0) overlap.add(s.l1TableOffset, s.l1Size * 8, OL_INACTIVE_L1);
  }
  if (!file.readOnly && h.version >= 3 && h.autoclear !== 0n) {
    const b = new Uint8Array(8);
    file.pwriteSync(b, HDR_AUTOCLEAR);
    file.syncSync();
    h.autoclear = 0n;
  }
  return {
    header: h,
    l1,
    l1View,
    reftable,
    snapshots,
    overlap,
    warnings,
    setCorruptBit(f: FileNode): void {
      if (h.version < 3) return;
      h.incompatible |= INCOMPAT_CORRUPT;
      const b = new Uint8Array(8);
      new DataView(b.buffer).setBigUint64(0, h.incompatible);
      try {
        f.pwriteSync(b, HDR_INCOMPATIBLE);
        f.syncSync();
      } catch {
        // the image is unusable either way
      }
    },
  };
}
