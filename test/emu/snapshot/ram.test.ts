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
});
