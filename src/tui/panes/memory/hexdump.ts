// The memory pane's model: rows of 16 bytes with printable ASCII, and which bytes changed since the
// previous read of the same range.

/** One byte cell. */
export interface HexByte {
  readonly value: number;
  readonly changed: boolean;
}

/** One hexdump row. */
export interface HexRow {
  readonly addr: bigint;
  readonly bytes: HexByte[];
  readonly ascii: string;
}

/** A read of memory the pane remembers to mark changes next time. */
export interface MemorySnapshot {
  readonly addr: bigint;
  readonly data: Uint8Array;
}

/** The byte at `addr` in `snap`, or -1 when it lies outside. */
function byteAt(snap: MemorySnapshot | null, addr: bigint): number {
  if (snap === null) return -1;
  const i = Number(addr - snap.addr);
  return i >= 0 && i < snap.data.length ? snap.data[i]! : -1;
}

/**
 * Rows of `perRow` bytes for `now`. A byte is changed when `prev` covered its address with a
 * different value (so scrolling alone never marks bytes).
 */
export function hexRows(now: MemorySnapshot, prev: MemorySnapshot | null, perRow = 16): HexRow[] {
  const rows: HexRow[] = [];
  for (let off = 0; off < now.data.length; off += perRow) {
    const bytes: HexByte[] = [];
    let ascii = "";
    for (let i = off; i < Math.min(off + perRow, now.data.length); i++) {
      const value = now.data[i]!;
      const before = byteAt(prev, now.addr + BigInt(i));
      bytes.push({ value, changed: before >= 0 && before !== value });
      ascii += value >= 0x20 && value < 0x7f ? String.fromCharCode(value) : ".";
    }
    rows.push({ addr: now.addr + BigInt(off), bytes, ascii });
  }
  return rows;
}
