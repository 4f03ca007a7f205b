// RAM outside the address space's buffer: the part of a RAM region that does not fit the one buffer
// the CPU's fast paths index (the PC's pc.ram beyond its RAM below 4 GiB, which QEMU shows above
// 4 GiB). Its bytes live in chunks of at most 1 GiB, all allocated zeroed at once: the host commits
// a page at its first write, so RAM the guest never writes costs no host memory (reading it maps
// the kernel's shared zero page). Only the address space's slow path reaches these bytes; the CPU's
// page maps and TLB never hold them.

/** Bytes per chunk (1 GiB: a power of two, so an offset splits into chunk and index exactly). */
export const HIGH_CHUNK = 2 ** 30;

/** RAM bytes [0, size) outside the buffer. */
export class HighRam {
  /** The chunks, HIGH_CHUNK bytes each but the last (which holds the rest). */
  readonly chunks: Uint8Array[] = [];

  /** Needs: size > 0, a multiple of 4 KiB. */
  constructor(readonly size: number) {
    for (let at = 0; at < size; at += HIGH_CHUNK)
      this.chunks.push(new Uint8Array(Math.min(HIGH_CHUNK, size - at)));
  }

  /** The little-endian value of `size` bytes at `offset` (unsigned). Needs: offset + size <= this.size. */
  read(offset: number, size: 1 | 2 | 4): number {
    const chunk = this.chunks[Math.floor(offset / HIGH_CHUNK)]!;
    const i = offset % HIGH_CHUNK;
    if (size === 1) return chunk[i]!;
    if (i + size > chunk.length) {
      let value = 0;
      for (let k = 0; k < size; k++) value += this.read(offset + k, 1) * 2 ** (8 * k);
      return value;
    }
    if (size === 2) return chunk[i]! | (chunk[i + 1]! << 8);
    return (chunk[i]! | (chunk[i + 1]! << 8) | (chunk[i + 2]! << 16) | (chunk[i + 3]! << 24)) >>> 0;
  }

  /** Stores the low `size` bytes of `value` little-endian at `offset`. Needs: offset + size <= this.size. */
  write(offset: number, size: 1 | 2 | 4, value: number): void {
    const chunk = this.chunks[Math.floor(offset / HIGH_CHUNK)]!;
    const i = offset % HIGH_CHUNK;
    if (i + size > chunk.length) {
      for (let k = 0; k < size; k++) this.write(offset + k, 1, value >>> (8 * k));
      return;
    }
    for (let k = 0; k < size; k++) chunk[i + k] = value >>> (8 * k);
  }

  /** Copies `length` bytes from `offset` into `out` at `at`. Needs: the range inside both. */
  copyOut(offset: number, out: Uint8Array, at: number, length: number): void {
    while (length > 0) {
      const chunk = this.chunks[Math.floor(offset / HIGH_CHUNK)]!;
      const i = offset % HIGH_CHUNK;
      const n = Math.min(length, chunk.length - i);
      out.set(chunk.subarray(i, i + n), at);
      offset += n;
      at += n;
      length -= n;
    }
  }
}
