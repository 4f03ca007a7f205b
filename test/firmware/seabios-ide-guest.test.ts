// The IDE guest (firmware/tests/ide-guest.bin) booted by SeaBIOS from a qcow2 disk through
// `pcscope run`: IDENTIFY, WRITE SECTORS, WRITE DMA through the PIIX bus master and FLUSH CACHE.
// Afterwards qemu-img check is clean, qemu-io finds both patterns, and the trace holds the WRITE DMA
// and FLUSH CACHE trees down to the host file. Bad input to `pcscope run --drive` is one line, exit 2.

import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { needPeers } from "../helpers/peers.ts";
import { CLI, qcow2With, ROOT, tempDir } from "./seabios-helpers.ts";

const HAVE = needPeers("seabios", "qemu-system-i386", "qemu-img", "qemu-io");
const GUEST = readFileSync(join(ROOT, "firmware/tests/ide-guest.bin"));

function pcscope(args: string[]) {
  return spawnSync(process.execPath, [CLI, "run", ...args], { encoding: "utf8", timeout: 120_000 });
}

const sha = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");

describe.skipIf(!HAVE)("ide-guest under SeaBIOS", () => {
  it("writes by PIO and DMA, flushes, and leaves a clean qcow2 with both patterns", () => {
    const dir = tempDir();
    const disk = qcow2With(dir, "guest", GUEST);
    const log = join(dir, "con.log");
    const trace = join(dir, "trace.log");
    const r = pcscope([
      ...["--hda", disk, "--debugcon", `file:${log}`, "--debug-exit", "0xf4,1"],
      ...[
        "--trace",
        "ide_exec_cmd,bmdma_*,ide_dma_cb,dma_*,blk_*,qcow2_*,file_*,qemu_coroutine_enter,pic_set_irq",
      ],
      ...["--trace-file", trace],
    ]);
    expect(r.status, r.stderr).toBe(1); // isa-debug-exit wrote 0
    const text = readFileSync(log, "latin1");
    for (const l of ["IDENTIFY: QEMU HARDDISK", "PIO ok", "DMA ok", "FLUSH ok", "done"])
      expect(text).toContain(l);
    expect(spawnSync("qemu-img", ["check", disk]).status).toBe(0);
    const io = spawnSync(
      "qemu-io",
      ["-c", "read -P 0xa5 51200 512", "-c", "read -P 0x5a 102400 4096", disk],
      {
        encoding: "utf8",
      },
    );
    expect(io.status, io.stdout + io.stderr).toBe(0);
    expect(io.stdout).not.toContain("Pattern verification failed");
    const names = readFileSync(trace, "utf8")
      .split("\n")
      .map((l) => /:(\w+)/.exec(l.slice(l.indexOf("@")))?.[1] ?? "");
    const dma = names.indexOf("ide_dma_cb");
    expect(dma).toBeGreaterThan(0);
    const order = (start: number, want: string[]) => {
      let at = start;
      for (const w of want) {
        const next = names.indexOf(w, at);
        expect(next, `${w} after ${names[at - 1]}`).toBeGreaterThanOrEqual(at);
        at = next + 1;
      }
      return at;
    };
    const afterDma = order(names.lastIndexOf("bmdma_write", dma), [
      "bmdma_write",
      "ide_dma_cb",
      "dma_blk_io",
      "blk_aio_pwritev",
      "qemu_coroutine_enter",
      "qcow2_writev_start_req",
      "qcow2_pre_write_overlap_check",
      "file_pwrite",
      "qcow2_writev_done_req",
      "dma_complete",
      "pic_set_irq",
    ]);
    order(afterDma, [
      "ide_exec_cmd",
      "blk_aio_flush",
      "qemu_coroutine_enter",
      "file_fdatasync",
      "blk_aio_complete",
      "pic_set_irq",
    ]);
  }, 180_000);

  it("refuses bad input with one line and exit status 2, leaving images untouched", async () => {
    const dir = tempDir();
    const disk = qcow2With(dir, "bad", GUEST);
    const before = sha(disk);
    const one = (args: string[], pattern: RegExp) => {
      const r = pcscope(args);
      expect(r.status).toBe(2);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toMatch(pattern);
    };
    one(["--hda", join(dir, "missing.qcow2")], /cannot open drive .*missing\.qcow2/);
    one(["--drive", `file=${disk},format=vmdk`], /unknown image format 'vmdk'/);
    writeFileSync(join(dir, "odd.rom"), new Uint8Array(100_000));
    one(["--hda", disk, "--bios", join(dir, "odd.rom")], /multiple of 64 KiB/);
    const qemu = spawn("qemu-system-i386", [
      "-nodefaults",
      "-display",
      "none",
      "-M",
      "pc",
      "-S",
      "-drive",
      `file=${disk},if=ide`,
    ]);
    try {
      await new Promise((resolve) => setTimeout(resolve, 1500));
      one(["--hda", disk], /lock/);
    } finally {
      qemu.kill();
    }
    expect(sha(disk)).toBe(before);
  }, 60_000);
});
