// L1/L2 entry encoding (QEMU's qcow2.h): an entry is a big-endian u64 read as two u32 halves so the
// hot path never touches BigInt. Standard entry: bit 63 COPIED (refcount is exactly 1), bit 62
// COMPRESSED, bits 9-55 host offset, bit 0 ZERO (version 3). Compressed entry: host offset in the
// low x = 62 - (cluster_bits - 8) bits, the number of additional 512-byte sectors above it.

export const COPIED_HI = 0x80000000;
export const COMPRESSED_HI = 0x40000000;
export const ZERO_LO = 1;
/** Mask of the offset bits in the high half (bits 32-55). */
const OFFSET_HI_MASK = 0x00ffffff;

/** Cluster types as QEMU's qcow2_get_cluster_type() names them. */
export const CLUSTER_UNALLOCATED = 0;
export const CLUSTER_ZERO_PLAIN = 1;
export const CLUSTER_ZERO_ALLOC = 2;
export const CLUSTER_NORMAL = 3;
export const CLUSTER_COMPRESSED = 4;

/** Host offset of a standard (non-compressed) entry. */
export function entryOffset(hi: number, lo: number): number {
  return (hi & OFFSET_HI_MASK) * 4294967296 + ((lo & 0xfffffe00) >>> 0);
}

/** The cluster type of an L2 entry; zero flags count only in version 3 images. */
export function clusterType(hi: number, lo: number, version: number): number {
  if (hi & COMPRESSED_HI) return CLUSTER_COMPRESSED;
  if (version >= 3 && lo & ZERO_LO)
    return entryOffset(hi, lo) === 0 ? CLUSTER_ZERO_PLAIN : CLUSTER_ZERO_ALLOC;
  return entryOffset(hi, lo) === 0 ? CLUSTER_UNALLOCATED : CLUSTER_NORMAL;
}

/** Location of a compressed cluster's data: byte offset and the sector-rounded length. */
export interface CompressedExtent {
  offset: number;
  /** Bytes from `offset` to the end of the last 512-byte sector the data occupies. */
  bytes: number;
}

/** Decodes a compressed entry for an image with `clusterBits`. */
export function compressedExtent(hi: number, lo: number, clusterBits: number): CompressedExtent {
  const x = 62 - (clusterBits - 8);
  const hiOffsetBits = x - 32;
  const offset = (hi & ((1 << hiOffsetBits) - 1)) * 4294967296 + (lo >>> 0);
  const sectors = ((hi >>> hiOffsetBits) & ((1 << (62 - x)) - 1)) + 1;
  const end = offset - (offset % 512) + sectors * 512;
  return { offset, bytes: end - offset };
}

/** Writes a standard entry (offset and flags) at byte `pos` of `view`. */
export function setEntry(view: DataView, pos: number, offset: number, copied: boolean, zero: boolean): void {
  view.setUint32(pos, (copied ? COPIED_HI : 0) | Math.floor(offset / 4294967296));
  view.setUint32(pos + 4, ((offset >>> 0) | (zero ? ZERO_LO : 0)) >>> 0);
}
