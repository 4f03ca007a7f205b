// Image locks QEMU understands, both ways (src/emu/block/lock.ts): pcscope takes the very lock bytes
// QEMU 7.2 takes for the same use (read by /proc/locks, differential), refuses an image QEMU uses,
// and QEMU refuses an image pcscope uses; two opens in one process behave like two processes
// (OFD locks); backing files and read-only opens coexist as QEMU allows.
import { readFileSync, statSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { BlockError, createImage, openImage } from "../../../src/emu/block/index.ts";
import { needPeers } from "../../helpers/peers.ts";
import { startPausedQemu } from "../../helpers/qemu.ts";
import { peer, qemuImg, tempDir } from "./qemu.ts";

const t = tempDir("lock");
afterAll(() => t.cleanup());

/** The lock bytes held on `file` by anyone (from /proc/locks), as "READ 100" strings, sorted. */
function lockBytes(file: string): string[] {
  const ino = statSync(file).ino;
  const out: string[] = [];
  for (const line of readFileSync("/proc/locks", "utf8").split("\n")) {
    // "1: OFDLCK ADVISORY  READ -1 fe:00:2147074 100 101"
    const m = /^\d+:\s+OFDLCK\s+\S+\s+(\S+)\s+\S+\s+[0-9a-f]+:[0-9a-f]+:(\d+)\s+(\d+)\s+(\d+)/.exec(line);
    if (!m || Number(m[2]) !== ino) continue;
    for (let b = Number(m[3]); b <= Number(m[4]); b++) out.push(`${m[1]} ${b}`);
  }
  return out.sort();
}

/** Expects `fn` to throw a one-line BlockError matching `re`. */
function refused(fn: () => unknown, re: RegExp): void {
  let err: unknown = null;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(BlockError);
  expect((err as Error).message).toMatch(re);
  expect((err as Error).message).not.toContain("\n");
}

const WRITE_HINT = (file: string) =>
  new RegExp(`Failed to get "write" lock\\. Is another process using the image \\[${file}\\]\\?`);

describe("image locks within pcscope", () => {
  it("a second read-write open is refused, readers coexist with readers, close releases", () => {
    const file = t.path("two.qcow2");
    createImage(file, { format: "qcow2", size: 1 << 20 });
    const a = openImage(file);
    refused(() => openImage(file), WRITE_HINT(file));
    refused(() => openImage(file, { readOnly: true }), /Failed to get shared "write" lock/);
    openImage(file, { readOnly: true, lock: false }).closeSync(); // inspection takes no lock
    a.closeSync();
    const r1 = openImage(file, { readOnly: true });
    const r2 = openImage(file, { readOnly: true });
    refused(() => openImage(file), WRITE_HINT(file));
    r1.closeSync();
    r2.closeSync();
    expect(lockBytes(file)).toEqual([]);
    openImage(file).closeSync();
  });

  it("backing files are locked read-only: overlays share a base, which cannot be written meanwhile", () => {
    const base = t.path("base.qcow2");
    createImage(base, { format: "qcow2", size: 1 << 20 });
    const overlays = ["o1.qcow2", "o2.qcow2"].map((n) => {
      createImage(t.path(n), { format: "qcow2", backingFile: base, backingFormat: "qcow2", size: 1 << 20 });
      return openImage(t.path(n));
    });
    const reader = openImage(base, { readOnly: true });
    refused(() => openImage(base), WRITE_HINT(base));
    for (const o of overlays) o.closeSync();
    reader.closeSync();
    openImage(base).closeSync();
  });
});

describe.skipIf(!needPeers("qemu-system-i386", "qemu-img", "qemu-io", "seabios"))(
  "image locks against QEMU 7.2",
  () => {
    it("takes the lock bytes QEMU takes for the same use (rw qcow2 + its backing, rw raw, read-only cdrom)", async () => {
      const base = t.path("dbase.qcow2");
      const top = t.path("dtop.qcow2");
      const raw = t.path("draw.img");
      const cd = t.path("dcd.img");
      qemuImg("create", "-f", "qcow2", base, "1M");
      qemuImg("create", "-f", "qcow2", "-b", base, "-F", "qcow2", top);
      qemuImg("create", "-f", "raw", raw, "1M");
      qemuImg("create", "-f", "raw", cd, "1M");
      const files = [top, base, raw, cd];
      const q = await startPausedQemu({
        args: [
          "-drive",
          `file=${top},format=qcow2,if=ide,index=0`,
          "-drive",
          `file=${raw},format=raw,if=ide,index=1`,
          "-drive",
          `file=${cd},format=raw,if=ide,index=2,media=cdrom,readonly=on`,
        ],
      });
      const qemu = files.map(lockBytes);
      q.stop();
      await new Promise((r) => q.proc.once("exit", r));
      expect(qemu[0]).toEqual(["READ 100", "READ 101", "READ 103", "READ 201", "READ 203"]);
      const opened = [
        openImage(top, { format: "qcow2" }),
        openImage(raw, { format: "raw" }),
        openImage(cd, { format: "raw", readOnly: true }),
      ];
      const ours = files.map(lockBytes);
      for (const o of opened) o.closeSync();
      expect(ours).toEqual(qemu);
    });

    it("refuses an image a paused QEMU uses, read-write and read-only, and leaves it untouched", async () => {
      const file = t.path("qfirst.qcow2");
      qemuImg("create", "-f", "qcow2", file, "4M");
      const before = readFileSync(file);
      const q = await startPausedQemu({ args: ["-drive", `file=${file},format=qcow2,if=ide`] });
      try {
        refused(() => openImage(file), WRITE_HINT(file));
        refused(() => openImage(file, { readOnly: true }), /Failed to get shared "write" lock/);
        refused(() => createImage(file, { format: "qcow2", size: 1 << 20 }), WRITE_HINT(file));
      } finally {
        q.stop();
      }
      await new Promise((r) => q.proc.once("exit", r));
      expect(readFileSync(file).equals(before)).toBe(true);
      openImage(file).closeSync(); // QEMU gone: its locks went with it
    });

    it("QEMU refuses an image pcscope opened first; qemu-img info without -U reports the lock", () => {
      const file = t.path("pfirst.qcow2");
      createImage(file, { format: "qcow2", size: 1 << 20 });
      const blk = openImage(file);
      try {
        const io = peer("qemu-io", ["-f", "qcow2", "-c", "read 0 512", file]);
        expect(io.status).not.toBe(0);
        expect(io.stderr).toContain('Failed to get "write" lock');
        const info = peer("qemu-img", ["info", file]);
        expect(info.status).not.toBe(0);
        expect(info.stderr).toContain('Failed to get shared "write" lock');
        expect(peer("qemu-img", ["info", "-U", file]).status).toBe(0);
      } finally {
        blk.closeSync();
      }
      expect(peer("qemu-io", ["-f", "qcow2", "-c", "read 0 512", file]).status).toBe(0);
    });
  },
);
