// The block backend's snapshot overlay: while a saved state is live, guest writes (aligned or not,
// zero writes too) stay in memory and reads see them; loading a state brings back what it saw;
// the image gets a sector only when no live state needs it back, and everything at close. Checked
// on raw and qcow2 images, the bytes read back by qemu-io.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { AioContext, type BlockBackend, openImage } from "../../../src/emu/block/index.ts";
import { needPeers } from "../../helpers/peers.ts";

const HAVE = needPeers("qemu-img", "qemu-io");
const MiB = 1024 * 1024;

/** A 1 MiB image of `format` filled with zeros. */
function image(format: "raw" | "qcow2"): string {
  const dir = mkdtempSync(join(tmpdir(), "pcscope-overlay-"));
  const path = join(dir, `disk.${format}`);
  if (format === "raw") writeFileSync(path, new Uint8Array(MiB));
  else expect(spawnSync("qemu-img", ["create", "-f", "qcow2", path, "1M"]).status).toBe(0);
  return path;
}

const open = (path: string): BlockBackend => openImage(path, { ctx: new AioContext("sync"), lock: false });

function read(b: BlockBackend, offset: number, length: number): Uint8Array {
  const buf = new Uint8Array(length);
  b.preadSync(offset, buf);
  return buf;
}

/** qemu-io's verdict on `pattern` over [offset, +length) of the image. */
function qemuIoHas(path: string, format: string, pattern: number, offset: number, length: number): boolean {
  const r = spawnSync("qemu-io", ["-f", format, "-r", "-c", `read -P ${pattern} ${offset} ${length}`, path], {
    encoding: "utf8",
  });
  // qemu-io exits 1 when the pattern does not match, with the reason on stdout.
  expect(r.stdout, r.stderr).toContain("read ");
  return r.status === 0 && !r.stdout.includes("Pattern verification failed");
}

describe.skipIf(!HAVE)("snapshot overlay", () => {
  for (const format of ["raw", "qcow2"] as const) {
    it(`${format}: loading a state drops later writes, and the image never gets them`, () => {
      const path = image(format);
      const b = open(path);
      b.pwriteSync(0, new Uint8Array(512).fill(0x11)); // before any snapshot: straight to the image
      const s = b.saveOverlay();
      b.pwriteSync(4096, new Uint8Array(1024).fill(0x22));
      b.pwriteSync(8192 + 100, new Uint8Array(10).fill(0x33)); // unaligned: read-modify-write
      b.pwriteZeroesSync(0, 512);
      expect(read(b, 4096, 1024)).toEqual(new Uint8Array(1024).fill(0x22));
      const mixed = read(b, 8192, 512);
      expect(mixed[99]).toBe(0);
      expect(mixed[100]).toBe(0x33);
      expect(mixed[110]).toBe(0);
      expect(read(b, 0, 512)).toEqual(new Uint8Array(512));
      expect(b.overlayBytes()).toBe(4 * 512);
      b.loadOverlay(s);
      expect(read(b, 0, 512)).toEqual(new Uint8Array(512).fill(0x11));
      expect(read(b, 4096, 1024)).toEqual(new Uint8Array(1024));
      b.closeSync();
      expect(qemuIoHas(path, format, 0x11, 0, 512)).toBe(true);
      expect(qemuIoHas(path, format, 0, 4096, 8192)).toBe(true);
    });

    it(`${format}: releasing the last state writes what the guest sees; close writes the rest`, () => {
      const path = image(format);
      const b = open(path);
      const s1 = b.saveOverlay();
      b.pwriteSync(4096, new Uint8Array(512).fill(0x44));
      const s2 = b.saveOverlay();
      b.pwriteSync(8192, new Uint8Array(512).fill(0x55));
      // s2 and the guest agree on sector 8 but s1 does not: nothing reaches the image yet.
      b.releaseOverlay(s2);
      if (format === "raw") expect(readFileSync(path)[4096]).toBe(0);
      b.releaseOverlay(s1);
      expect(b.overlayBytes()).toBe(0);
      b.flushSync(); // qcow2 metadata reaches the file for qemu-io to read it

      expect(qemuIoHas(path, format, 0x44, 4096, 512)).toBe(true);
      expect(qemuIoHas(path, format, 0x55, 8192, 512)).toBe(true);
      const s3 = b.saveOverlay();
      b.pwriteSync(12288, new Uint8Array(512).fill(0x66));
      expect(s3.sectors.size).toBe(0);
      b.closeSync(); // clean exit: what the guest sees
      expect(qemuIoHas(path, format, 0x66, 12288, 512)).toBe(true);
    });

    it(`${format}: a killed process (abandon) leaves the overlay's writes out of the image`, () => {
      const path = image(format);
      const b = open(path);
      b.saveOverlay();
      b.pwriteSync(4096, new Uint8Array(512).fill(0x77));
      b.abandon();
      expect(qemuIoHas(path, format, 0, 4096, 512)).toBe(true);
    });
  }
});
