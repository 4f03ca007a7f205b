// Guest memory images for machine snapshots, sharing 4 KiB pages: an image holds one reference per
// page of the address space's buffer; a page that equals the previous image's (compared with
// Buffer.compare, native memcmp) or is all zeros references that copy instead of owning one, so many
// snapshots of a guest that changes little cost little. Stored pages are never written again.

/** Bytes per page. */
export const RAM_PAGE = 4096;
/** The shared all-zeros page. */
const ZERO_PAGE = new Uint8Array(RAM_PAGE);

/** An immutable image of a buffer. */
export class RamImage {
  constructor(
    /** One read-only page per RAM_PAGE bytes of the buffer (the last may be shorter). */
    readonly pages: readonly Uint8Array[],
    /** Bytes this image owns: its own page copies plus its page table. */
    readonly bytes: number,
  ) {}
}

/**
 * Copies `buf` into an image, sharing with `prev` (an image of a buffer of the same size, or null)
 * every page that did not change, and the zero page for zero pages.
 */
export function captureRam(buf: Uint8Array, prev: RamImage | null): RamImage {
  const count = Math.ceil(buf.length / RAM_PAGE);
  const pages: Uint8Array[] = new Array(count);
  const changed: number[] = [];
  for (let i = 0; i < count; i++) {
    const page = buf.subarray(i * RAM_PAGE, (i + 1) * RAM_PAGE);
    const old = prev?.pages[i];
    if (old !== undefined && Buffer.compare(page, old) === 0) pages[i] = old;
    else if (page.length === RAM_PAGE && Buffer.compare(page, ZERO_PAGE) === 0) pages[i] = ZERO_PAGE;
    else changed.push(i);
  }
  // The changed pages are copied into one allocation.
  const store = new Uint8Array(changed.length * RAM_PAGE);
  changed.forEach((i, k) => {
    const page = buf.subarray(i * RAM_PAGE, (i + 1) * RAM_PAGE);
    store.set(page, k * RAM_PAGE);
    pages[i] = store.subarray(k * RAM_PAGE, k * RAM_PAGE + page.length);
  });
  return new RamImage(pages, store.length + count * 8);
}

/** Writes `image` back into `buf`. Needs: the image was captured from a buffer of the same size. */
export function restoreRam(buf: Uint8Array, image: RamImage): void {
  const pages = image.pages;
  for (let i = 0; i < pages.length; i++) buf.set(pages[i]!, i * RAM_PAGE);
}
