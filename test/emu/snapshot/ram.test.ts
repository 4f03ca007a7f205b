// RAM images: 100 snapshots of a 128 MiB guest that changes a few pages between them own little
// (unchanged pages and page-table chunks are shared, zero pages are one), and each restores its own
// bytes exactly, in any order, any number of times.
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { captureRam, RAM_PAGE, type RamImage, restoreRam } from "../../../src/emu/snapshot/ram.ts";

const MiB = 1024 * 1024;
const hash = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

describe("RAM images", () => {
  it("100 snapshots of 128 MiB changing 3 pages each share the rest and restore exactly", () => {
    const buf = new Uint8Array(128 * MiB + 4096 + 100); // a short last page too
    for (let i = 0; i < 4 * MiB; i++) buf[i] = (i * 7) & 0xff; // 4 MiB of non-zero data
    const images: RamImage[] = [];
    const hashes = new Map<number, string>();
    const checked = [0, 50, 73, 99];
    let captureMs = 0;
    let prev: RamImage | null = null;
    for (let n = 0; n < 100; n++) {
      for (const page of [n, 500 + n * 3, 30_000 + n]) buf[page * RAM_PAGE + (n % RAM_PAGE)] = n + 1;
      buf[buf.length - 1] = n;
      const t0 = performance.now();
      prev = captureRam(buf, prev);
      captureMs += (performance.now() - t0) / 100;
      images.push(prev);
      if (checked.includes(n)) hashes.set(n, hash(buf));
    }
    const later = images.slice(1).reduce((sum, img) => sum + img.bytes, 0);
    console.log(
      `128 MiB: first image ${images[0]!.bytes} bytes, the next 99 ${later} bytes in all; ${captureMs.toFixed(1)} ms per capture`,
    );
    expect(images[0]!.bytes).toBeGreaterThan(4 * MiB);
    expect(images[0]!.bytes).toBeLessThan(5 * MiB); // zero pages are not copied
    expect(later / 99).toBeLessThan(4 * RAM_PAGE + 4 * 256 * 8 + 8 * 200);
    for (const n of [0, 99, 50, 0, 73]) {
      restoreRam(buf, images[n]!);
      expect(hash(buf)).toBe(hashes.get(n));
    }
  });

  it("images of a 3583 MiB RAM the guest barely touched share the zero chunks and restore above 2 GiB", () => {
    const buf = new Uint8Array(3583 * MiB);
    const high = [0x7fff_f000, 0x8000_0000, 0xdfef_f000]; // both sides of 2 GiB, the last page
    for (const [i, at] of high.entries()) buf.fill(i + 1, at, at + RAM_PAGE);
    const first = captureRam(buf, null);
    // The three pages and their chunks' page tables; the 3581 zero chunks own nothing.
    expect(first.bytes).toBeLessThan(3 * RAM_PAGE + 3 * 256 * 8 + 3583 * 8 + 1);
    for (const at of high) buf.fill(0xee, at, at + 16);
    buf[0x9000_0000] = 1; // a byte in a zero chunk
    const second = captureRam(buf, first);
    restoreRam(buf, first);
    for (const [i, at] of high.entries())
      expect(buf.subarray(at, at + RAM_PAGE).every((b) => b === i + 1)).toBe(true);
    expect(buf[0x9000_0000]).toBe(0);
    restoreRam(buf, second);
    expect(buf[0x9000_0000]).toBe(1);
    for (const at of high) expect(buf[at + 15]).toBe(0xee);
  });
});
