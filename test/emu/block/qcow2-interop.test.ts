// Interop with the real qemu-img/qemu-io (Debian qemu-utils), both directions: images qemu-img makes
// (v3 default, compat=0.10, with a backing file, compressed, with an internal snapshot) read right
// through pcscope, and after pcscope writes `qemu-img check` is clean and `qemu-img compare` against
// the expected raw content passes; images pcscope creates pass check and read back in qemu-io.
import { readFileSync, writeFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { createImage, openImage } from "../../../src/emu/block/index.ts";
import { checkQcow2 } from "../../../src/emu/block/qcow2/check.ts";
import { needPeers } from "../../helpers/peers.ts";
import { pattern, peer, qemuCheck, qemuImg, qemuIo, tempDir } from "./qemu.ts";

const MiB = 1 << 20;
const t = tempDir("interop");
afterAll(() => t.cleanup());

/** Applies the same writes to an image (through pcscope) and to an expected raw copy. */
function writeBoth(
  image: string,
  expected: Uint8Array,
  writes: [number, Uint8Array][],
  zeroes: [number, number][] = [],
): void {
  const blk = openImage(image);
  for (const [off, data] of writes) {
    blk.pwriteSync(off, data);
    expected.set(data, off);
  }
  for (const [off, len] of zeroes) {
    blk.pwriteZeroesSync(off, len);
    expected.fill(0, off, off + len);
  }
  blk.closeSync();
}

/** Reads the whole image through pcscope. */
function readAll(image: string): Uint8Array {
  const blk = openImage(image, { readOnly: true });
  const buf = new Uint8Array(blk.size);
  blk.preadSync(0, buf);
  blk.closeSync();
  return buf;
}

/** Asserts qemu-img check is clean and qemu-img compare matches `expected`. */
function assertQemuAgrees(image: string, expected: Uint8Array, name: string): void {
  const c = qemuCheck(image);
  expect(c.status, JSON.stringify(c.json)).toBe(0);
  const raw = t.path(`${name}.expected.raw`);
  writeFileSync(raw, expected);
  const cmp = peer("qemu-img", ["compare", "-f", "qcow2", "-F", "raw", image, raw]);
  expect(cmp.stdout + cmp.stderr).toContain("Images are identical");
  expect(cmp.status).toBe(0);
}

const WRITES = (): [number, Uint8Array][] => [
  [0, pattern(1, 4096)],
  [65536 - 512, pattern(2, 1024)], // across a cluster boundary
  [3 * MiB + 100, pattern(3, 200_000)], // unaligned, several clusters
  [7 * MiB, pattern(4, 65536)], // one full cluster
];

describe.skipIf(!needPeers("qemu-img", "qemu-io"))("qcow2 interop with qemu-img 7.2", () => {
  it("reads and writes a default v3 image made by qemu-img", () => {
    const img = t.path("v3.qcow2");
    qemuImg("create", "-f", "qcow2", img, "8M");
    qemuIo(img, ["write -P 0x11 1M 64k", "write -P 0x22 2M 512", "write -z 4M 128k"]);
    const expected = new Uint8Array(8 * MiB);
    expected.fill(0x11, MiB, MiB + 65536);
    expected.fill(0x22, 2 * MiB, 2 * MiB + 512);
    expect(Buffer.from(readAll(img)).equals(Buffer.from(expected))).toBe(true);
    writeBoth(img, expected, WRITES(), [
      [MiB, 65536],
      [4 * MiB + 65536, 65536],
    ]);
    expect(Buffer.from(readAll(img)).equals(Buffer.from(expected))).toBe(true);
    assertQemuAgrees(img, expected, "v3");
  });

  it("reads and writes a compat=0.10 (version 2) image", () => {
    const img = t.path("v2.qcow2");
    qemuImg("create", "-f", "qcow2", "-o", "compat=0.10", img, "8M");
    qemuIo(img, ["write -P 0x33 0 1M"]);
    const expected = new Uint8Array(8 * MiB);
    expected.fill(0x33, 0, MiB);
    writeBoth(img, expected, WRITES(), [[5 * MiB, 3 * 65536]]);
    expect(Buffer.from(readAll(img)).equals(Buffer.from(expected))).toBe(true);
    assertQemuAgrees(img, expected, "v2");
  });

  it("reads through a backing file and copies on partial writes (qcow2 and raw backing)", () => {
    const baseRaw = t.path("base.raw");
    const base = pattern(9, 8 * MiB);
    writeFileSync(baseRaw, base);
    const baseQcow = t.path("base.qcow2");
    qemuImg("convert", "-f", "raw", "-O", "qcow2", baseRaw, baseQcow);
    for (const [b, fmt] of [
      [baseRaw, "raw"],
      [baseQcow, "qcow2"],
    ] as const) {
      const img = t.path(`overlay-${fmt}.qcow2`);
      qemuImg("create", "-f", "qcow2", "-b", b, "-F", fmt, img, "10M");
      const expected = new Uint8Array(10 * MiB);
      expected.set(base);
      expect(Buffer.from(readAll(img)).equals(Buffer.from(expected))).toBe(true);
      writeBoth(img, expected, WRITES(), [[6 * MiB, 65536]]);
      expect(Buffer.from(readAll(img)).equals(Buffer.from(expected))).toBe(true);
      assertQemuAgrees(img, expected, `overlay-${fmt}`);
      expect(Buffer.from(readFileSync(baseRaw)).equals(Buffer.from(base))).toBe(true);
    }
  });

  it("reads compressed clusters from qemu-img convert -c and rewrites them", () => {
    const src = t.path("comp-src.raw");
    const data = new Uint8Array(4 * MiB);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7) % 251 > 120 ? i & 0xff : 0x5a;
    writeFileSync(src, data);
    const img = t.path("comp.qcow2");
    qemuImg("convert", "-c", "-f", "raw", "-O", "qcow2", src, img);
    expect(checkQcow2(img).compressedClusters).toBeGreaterThan(0);
    const expected = new Uint8Array(data);
    expect(Buffer.from(readAll(img)).equals(Buffer.from(expected))).toBe(true);
    writeBoth(
      img,
      expected,
      [
        [100, pattern(5, 300)],
        [2 * MiB, pattern(6, 65536)],
      ],
      [[3 * MiB, 65536]],
    );
    expect(Buffer.from(readAll(img)).equals(Buffer.from(expected))).toBe(true);
    assertQemuAgrees(img, expected, "comp");
  });

  it("keeps an internal snapshot intact (copy-on-write of shared clusters)", () => {
    const img = t.path("snap.qcow2");
    qemuImg("create", "-f", "qcow2", img, "4M");
    qemuIo(img, ["write -P 0x44 0 2M"]);
    qemuImg("snapshot", "-c", "s1", img);
    const expected = new Uint8Array(4 * MiB);
    expected.fill(0x44, 0, 2 * MiB);
    writeBoth(
      img,
      expected,
      [
        [4096, pattern(7, 8192)],
        [MiB, pattern(8, 65536)],
      ],
      [[65536 * 4, 65536]],
    );
    assertQemuAgrees(img, expected, "snap");
    const snapRaw = t.path("snap-s1.raw");
    qemuImg("convert", "-l", "snapshot.name=s1", "-f", "qcow2", "-O", "raw", img, snapRaw);
    const snap = readFileSync(snapRaw);
    expect(snap.subarray(0, 2 * MiB).every((b) => b === 0x44)).toBe(true);
    expect(snap.subarray(2 * MiB).every((b) => b === 0)).toBe(true);
  });

  it("creates v3 and v2 images that qemu-img checks clean and qemu-io reads back", () => {
    for (const compat of ["1.1", "0.10"] as const) {
      const img = t.path(`ours-${compat}.qcow2`);
      createImage(img, { format: "qcow2", size: 64 * MiB, compat });
      expect(qemuCheck(img).status).toBe(0);
      const blk = openImage(img);
      blk.pwriteSync(0, new Uint8Array(65536).fill(0xab));
      blk.pwriteSync(10 * MiB + 512, new Uint8Array(4096).fill(0xcd));
      blk.pwriteSync(63 * MiB, new Uint8Array(MiB).fill(0xef));
      blk.closeSync();
      expect(qemuCheck(img).status).toBe(0);
      qemuIo(img, [
        "read -P 0xab 0 64k",
        "read -P 0 64k 64k",
        "read -P 0xcd 10486272 4k",
        "read -P 0xef 63M 1M",
      ]);
      const info = JSON.parse(qemuImg("info", "--output=json", img)) as {
        "format-specific": { data: { compat: string } };
      };
      expect(info["format-specific"].data.compat).toBe(compat);
    }
  });

  it("creates an overlay with a backing file that qemu-io reads through", () => {
    const base = t.path("obase.qcow2");
    qemuImg("create", "-f", "qcow2", base, "4M");
    qemuIo(base, ["write -P 0x61 0 4M"]);
    const img = t.path("oover.qcow2");
    createImage(img, { format: "qcow2", size: 4 * MiB, backingFile: "obase.qcow2", backingFormat: "qcow2" });
    const blk = openImage(img);
    blk.pwriteSync(65536 + 100, new Uint8Array(100).fill(0x62));
    blk.closeSync();
    expect(qemuCheck(img).status).toBe(0);
    qemuIo(img, [
      "read -P 0x61 0 65636",
      "read -P 0x62 65636 100",
      "read -P 0x61 65736 65336",
      "read -P 0x61 2M 2M",
    ]);
  });

  it("grows the refcount table and adds refcount blocks (512-byte clusters)", () => {
    const img = t.path("small.qcow2");
    qemuImg("create", "-f", "qcow2", "-o", "cluster_size=512", img, "16M");
    const expected = new Uint8Array(16 * MiB);
    const writes: [number, Uint8Array][] = [];
    for (let i = 0; i < 40; i++) writes.push([i * 400_000, pattern(100 + i, 20_000)]);
    writeBoth(img, expected, writes);
    expect(Buffer.from(readAll(img)).equals(Buffer.from(expected))).toBe(true);
    assertQemuAgrees(img, expected, "small");
    const ours = checkQcow2(img);
    expect(ours.corruptions + ours.leaks).toBe(0);
    expect(ours.imageEndOffset).toBe(qemuCheck(img).json["image-end-offset"]);
  });
});
