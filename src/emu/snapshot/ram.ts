// Guest memory images for machine snapshots, sharing 4 KiB pages: an image holds one reference per
// page of the address space's buffer, grouped in chunks of CHUNK_PAGES. A page that equals the
// previous image's (compared with Buffer.compare, native memcmp) or is all zeros references that copy
// instead of owning one, and a chunk whose pages all stayed is the previous image's chunk, so many
// snapshots of a guest that changes little cost little. A whole chunk of zeros (most of a large RAM
// the guest never touched) is one compare and the shared all-zeros chunk, so a 3.5 GiB machine
// snapshots quickly. Stored pages and chunks are never written again.

/** Bytes per page. */
export const RAM_PAGE = 4096;
/** Pages per chunk of the page table (1 MiB of guest memory). */
const CHUNK_PAGES = 256;
/** The shared all-zeros page. */
const ZERO_PAGE = new Uint8Array(RAM_PAGE);
/** The bytes of an all-zeros chunk, to compare a whole chunk at once. */
const ZERO_BYTES = new Uint8Array(CHUNK_PAGES * RAM_PAGE);

/** One chunk: a read-only page per RAM_PAGE bytes (the buffer's last page may be shorter). */
type Chunk = readonly Uint8Array[];
/** The shared chunk of zero pages. */
const ZERO_CHUNK: Chunk = Object.freeze(new Array<Uint8Array>(CHUNK_PAGES).fill(ZERO_PAGE));

/** Whether buffer bytes from chunk `c` on fill a whole chunk and are all zeros. */
function zeroChunk(buf: Uint8Array, c: number): boolean {
  const at = c * CHUNK_PAGES * RAM_PAGE;
  if (at + ZERO_BYTES.length > buf.length) return false;
  return Buffer.compare(buf.subarray(at, at + ZERO_BYTES.length), ZERO_BYTES) === 0;
}

/** An immutable image of a buffer. */
export class RamImage {
  constructor(
    readonly chunks: readonly Chunk[],
    /** Bytes this image owns: its own page copies and page-table chunks. */
    readonly bytes: number,
  ) {}
}

/**
 * Copies `buf` into an image, sharing with `prev` (an image of a buffer of the same size, or null)
 * every page and chunk that did not change, and the zero page for zero pages.
 */
export function captureRam(buf: Uint8Array, prev: RamImage | null): RamImage {
  const pageCount = Math.ceil(buf.length / RAM_PAGE);
  const chunks: Chunk[] = [];
  const changed: number[] = [];
  let owned = 0;
  for (let c = 0; c * CHUNK_PAGES < pageCount; c++) {
    if (zeroChunk(buf, c)) {
      chunks.push(ZERO_CHUNK);
      continue;
    }
    const old = prev?.chunks[c];
    const first = c * CHUNK_PAGES;
    const pages: Uint8Array[] = new Array(Math.min(CHUNK_PAGES, pageCount - first));
    let same = old !== undefined;
    for (let k = 0; k < pages.length; k++) {
      const i = first + k;
      const page = buf.subarray(i * RAM_PAGE, (i + 1) * RAM_PAGE);
      const was = old?.[k];
      if (was !== undefined && Buffer.compare(page, was) === 0) pages[k] = was;
      else {
        same = false;
        if (page.length === RAM_PAGE && Buffer.compare(page, ZERO_PAGE) === 0) pages[k] = ZERO_PAGE;
        else changed.push(i);
      }
    }
    if (same) chunks.push(old!);
    else {
      chunks.push(pages);
      owned += pages.length * 8;
    }
  }
  // The changed pages are copied into one allocation.
  const store = new Uint8Array(changed.length * RAM_PAGE);
  changed.forEach((i, k) => {
    const page = buf.subarray(i * RAM_PAGE, (i + 1) * RAM_PAGE);
    store.set(page, k * RAM_PAGE);
    (chunks[Math.floor(i / CHUNK_PAGES)] as Uint8Array[])[i % CHUNK_PAGES] = store.subarray(
      k * RAM_PAGE,
      k * RAM_PAGE + page.length,
    );
  });
  return new RamImage(chunks, owned + store.length + chunks.length * 8);
}

/**
 * Writes `image` back into `buf`, page by page where they differ (comparing reads only, so pages
 * that did not change are neither written nor, for untouched zero pages, committed by the host).
 * Needs: the image was captured from a buffer of the same size.
 */
export function restoreRam(buf: Uint8Array, image: RamImage): void {
  image.chunks.forEach((pages, c) => {
    if (pages === ZERO_CHUNK && zeroChunk(buf, c)) return;
    for (let k = 0; k < pages.length; k++) {
      const page = pages[k]!;
      const at = (c * CHUNK_PAGES + k) * RAM_PAGE;
      if (Buffer.compare(buf.subarray(at, at + page.length), page) !== 0) buf.set(page, at);
    }
  });
}
