// The metadata overlap check (QEMU's qcow2_check_metadata_overlap at the default "cached" level):
// before any write to the image file, the written clusters are compared with every cluster that
// holds the header, the active L1 table, an active L2 table, the refcount table, a refcount block,
// the snapshot table or an inactive L1 table. A hit means a bug or a corrupt image; the write is
// refused and the image is marked corrupt by the driver.

/** Metadata kinds (QEMU's QCOW2_OL_* bits). */
export const OL_MAIN_HEADER = 1 << 0;
export const OL_ACTIVE_L1 = 1 << 1;
export const OL_ACTIVE_L2 = 1 << 2;
export const OL_REFCOUNT_TABLE = 1 << 3;
export const OL_REFCOUNT_BLOCK = 1 << 4;
export const OL_SNAPSHOT_TABLE = 1 << 5;
export const OL_INACTIVE_L1 = 1 << 6;

const NAMES: [number, string][] = [
  [OL_MAIN_HEADER, "qcow2_header"],
  [OL_ACTIVE_L1, "active L1 table"],
  [OL_ACTIVE_L2, "active L2 table"],
  [OL_REFCOUNT_TABLE, "refcount table"],
  [OL_REFCOUNT_BLOCK, "refcount block"],
  [OL_SNAPSHOT_TABLE, "snapshot table"],
  [OL_INACTIVE_L1, "inactive L1 table"],
];

/** Human name of the first kind in `kinds` (as QEMU's error message names it). */
export function overlapName(kinds: number): string {
  for (const [bit, name] of NAMES) if (kinds & bit) return name;
  return "none";
}

/** The set of metadata clusters, by cluster index, with the kinds each one holds. */
export class OverlapMap {
  private readonly clusters = new Map<number, number>();

  constructor(private readonly clusterSize: number) {}

  /** Marks `[offset, offset+bytes)` (rounded out to clusters) as holding metadata `kind`. */
  add(offset: number, bytes: number, kind: number): void {
    const first = Math.floor(offset / this.clusterSize);
    const last = Math.floor((offset + Math.max(bytes, 1) - 1) / this.clusterSize);
    for (let c = first; c <= last; c++) this.clusters.set(c, (this.clusters.get(c) ?? 0) | kind);
  }

  /** Removes `kind` from the clusters of `[offset, offset+bytes)`. */
  remove(offset: number, bytes: number, kind: number): void {
    const first = Math.floor(offset / this.clusterSize);
    const last = Math.floor((offset + Math.max(bytes, 1) - 1) / this.clusterSize);
    for (let c = first; c <= last; c++) {
      const k = (this.clusters.get(c) ?? 0) & ~kind;
      if (k === 0) this.clusters.delete(c);
      else this.clusters.set(c, k);
    }
  }

  /** Kinds (other than `ignore`) that a write of `[offset, offset+bytes)` would hit; 0 when none. */
  check(offset: number, bytes: number, ignore: number): number {
    if (bytes <= 0) return 0;
    const first = Math.floor(offset / this.clusterSize);
    const last = Math.floor((offset + bytes - 1) / this.clusterSize);
    let hit = 0;
    for (let c = first; c <= last; c++) {
      const k = this.clusters.get(c);
      if (k !== undefined) hit |= k & ~ignore;
    }
    return hit;
  }
}
