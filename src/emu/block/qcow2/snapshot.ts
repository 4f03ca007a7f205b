// The internal snapshot table: pcscope never creates or applies snapshots, but it must know where
// the table and each snapshot's L1 table are so that it never overwrites them (overlap check) and so
// that `check` counts their references.
import { BlockError, EINVAL } from "../errors.ts";
import { MAX_L1_BYTES } from "./header.ts";

/** One snapshot's location and names. */
export interface SnapshotEntry {
  l1TableOffset: number;
  l1Size: number;
  id: string;
  name: string;
}

/** The parsed table and its size in bytes. */
export interface SnapshotTable {
  entries: SnapshotEntry[];
  bytes: number;
}

/** Largest snapshot table QEMU accepts (64 MiB). */
const MAX_SNAPSHOT_TABLE_BYTES = 64 * 1024 * 1024;

/**
 * Parses `count` entries from `read(offset, length)`; throws a one-line BlockError on a malformed
 * table (entry past the limits, misaligned L1 table, oversized L1).
 */
export function parseSnapshots(
  read: (offset: number, length: number) => Uint8Array,
  tableOffset: number,
  count: number,
  clusterSize: number,
  filename: string,
): SnapshotTable {
  const entries: SnapshotEntry[] = [];
  let off = tableOffset;
  const dec = new TextDecoder();
  for (let i = 0; i < count; i++) {
    if (off - tableOffset + 40 > MAX_SNAPSHOT_TABLE_BYTES) {
      throw new BlockError(EINVAL, `Could not open '${filename}': snapshot table too large`);
    }
    const head = read(off, 40);
    const dv = new DataView(head.buffer, head.byteOffset, head.byteLength);
    const l1TableOffset = Number(dv.getBigUint64(0));
    const l1Size = dv.getUint32(8);
    const idSize = dv.getUint16(12);
    const nameSize = dv.getUint16(14);
    const extra = dv.getUint32(36);
    if (extra > 1024)
      throw new BlockError(EINVAL, `Could not open '${filename}': snapshot extra data too large`);
    if (l1TableOffset % clusterSize !== 0 || l1Size * 8 > MAX_L1_BYTES) {
      throw new BlockError(EINVAL, `Could not open '${filename}': snapshot ${i} L1 table invalid`);
    }
    const strings = read(off + 40 + extra, idSize + nameSize);
    entries.push({
      l1TableOffset,
      l1Size,
      id: dec.decode(strings.subarray(0, idSize)),
      name: dec.decode(strings.subarray(idSize)),
    });
    off += Math.ceil((40 + extra + idSize + nameSize) / 8) * 8;
  }
  return { entries, bytes: off - tableOffset };
}
