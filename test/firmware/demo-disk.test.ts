// The demo disk: ensureDemoDisk() makes a qcow2 in the XDG cache directory holding the demo
// sectors, which qemu-img accepts as clean and which holds exactly firmware/demo/out/demo.bin at
// offset 0; a second call reuses it, and outdated demo sectors are refreshed.
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openImage } from "../../src/emu/block/index.ts";
import {
  cacheDir,
  DEMO_DISK_SIZE,
  DEMO_RESET_MODE_OFFSET,
  demoSectorsPath,
  embeddedBiosPath,
  ensureDemoDisk,
} from "../../src/emu/machine/demo-disk.ts";
import { needPeers } from "../helpers/peers.ts";
import { run, tempDir } from "./bios-helpers.ts";

const demo = readFileSync(demoSectorsPath());

/** The first demo.length bytes of the image. */
async function head(path: string): Promise<Buffer> {
  const blk = openImage(path, { readOnly: true, lock: false });
  try {
    const buf = new Uint8Array(demo.length);
    await blk.pread(0, buf);
    return Buffer.from(buf);
  } finally {
    await blk.close();
  }
}

describe("demo disk", () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  it("lives under XDG_CACHE_HOME, else ~/.cache", () => {
    expect(cacheDir({ XDG_CACHE_HOME: "/x/cache", HOME: "/home/u" })).toBe("/x/cache/pcscope");
    expect(cacheDir({ HOME: "/home/u" })).toBe("/home/u/.cache/pcscope");
    expect(cacheDir({ XDG_CACHE_HOME: "relative", HOME: "/home/u" })).toBe("/home/u/.cache/pcscope");
  });

  it("names the embedded 128 KiB BIOS", () => {
    expect(statSync(embeddedBiosPath()).size).toBe(128 * 1024);
  });

  it("is created with the demo sectors, reused, and refreshed when they are outdated", async () => {
    const dir = join(tmp.dir, "cache", "pcscope");
    const path = await ensureDemoDisk({ dir });
    expect(path).toBe(join(dir, "demo.qcow2"));
    expect((await head(path)).equals(demo)).toBe(true);
    const blk = openImage(path);
    expect(blk.size).toBe(DEMO_DISK_SIZE);
    const sector = new Uint8Array(512);
    await blk.pread(0, sector);
    sector[DEMO_RESET_MODE_OFFSET] = 0x81;
    await blk.pwrite(0, sector);
    await blk.close();
    expect((await head(path)).equals(demo)).toBe(false);
    expect(await ensureDemoDisk({ dir })).toBe(path);
    expect((await head(path)).equals(demo)).toBe(true);
  });

  it("fails with one line when the cache directory cannot be made", async () => {
    const blocker = join(tmp.dir, "not-a-dir");
    writeFileSync(blocker, "x");
    await expect(ensureDemoDisk({ dir: join(blocker, "pcscope") })).rejects.toThrow(
      /^cannot create the demo disk's directory .*not-a-dir\/pcscope: [^\n]*$/,
    );
  });

  it.skipIf(!needPeers("qemu-img", "qemu-io"))(
    "is a clean qcow2 that qemu-io reads the demo from",
    async () => {
      const path = await ensureDemoDisk({ dir: join(tmp.dir, "q") });
      const check = await run("qemu-img", ["check", path]);
      expect(check.status, check.stdout + check.stderr).toBe(0);
      const info = JSON.parse((await run("qemu-img", ["info", "--output=json", path])).stdout);
      expect(info.format).toBe("qcow2");
      expect(info["virtual-size"]).toBe(DEMO_DISK_SIZE);
      const raw = join(tmp.dir, "demo.raw");
      const conv = await run("qemu-img", ["convert", "-f", "qcow2", "-O", "raw", path, raw]);
      expect(conv.status, conv.stderr).toBe(0);
      expect(readFileSync(raw).subarray(0, demo.length).equals(demo)).toBe(true);
    },
  );
});
