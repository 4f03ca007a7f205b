// `pcscope run` with no arguments (what `npm start` runs without a terminal): the PC boots pcscope's
// embedded BIOS from the demo disk in the cache directory, the demo guest writes its patterns and
// halts, and the disk stays a clean qcow2 that qemu-img and qemu-io agree with.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { needPeers } from "../helpers/peers.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

/** The POST stages the embedded BIOS logs, by function name, in the order they run (issue 6). */
const POST_STAGES = [
  "reset_vector:",
  "call32: transition32",
  "post_main:",
  "pam_warm_boot_check:",
  "pic_setup:",
  "pit_setup:",
  "ram_size_detect:",
  "pci_scan:",
  "pam_shadow_bios:",
  "e820_setup:",
  "ivt_setup:",
  "ata_setup:",
  "call32: transition16",
  "int19_handler: booting from disk 0x80",
  "demo: done; halting",
];

/** The demo's writes (firmware/demo/stage2.c): pattern, first LBA, sectors. */
const DEMO_PATTERNS: [number, number, number][] = [
  [0x5a, 2048, 1],
  [0x3c, 3072, 4],
  [0xa5, 4096, 64],
];

describe("pcscope run with no arguments", () => {
  const cache = mkdtempSync(join(tmpdir(), "pcscope-default-"));
  const run = spawnSync(process.execPath, [join(ROOT, "bin/pcscope.js"), "run"], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, XDG_CACHE_HOME: cache },
    timeout: 120_000,
  });
  const disk = join(cache, "pcscope", "demo.qcow2");

  it("boots the embedded BIOS and the demo guest to its halt, logging each POST stage", () => {
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toContain(`the embedded BIOS boots the demo disk ${disk}`);
    expect(run.stderr).toMatch(/pcscope: halted with nothing left to wake it: \d+ instructions/);
    let at = 0;
    for (const stage of POST_STAGES) {
      const found = run.stdout.indexOf(stage, at);
      expect(found, `'${stage}' after offset ${at} in:\n${run.stdout}`).toBeGreaterThanOrEqual(0);
      at = found;
    }
    expect(run.stdout).toContain("0 errors");
    expect(existsSync(disk)).toBe(true);
  });

  it.skipIf(!needPeers("qemu-img", "qemu-io"))("leaves a clean demo disk holding the demo's patterns", () => {
    const check = spawnSync("qemu-img", ["check", disk], { encoding: "utf8" });
    expect(check.status, check.stdout + check.stderr).toBe(0);
    for (const [pattern, lba, sectors] of DEMO_PATTERNS) {
      const read = `read -P 0x${pattern.toString(16)} ${lba * 512} ${sectors * 512}`;
      const io = spawnSync("qemu-io", ["-r", "-f", "qcow2", "-c", read, disk], { encoding: "utf8" });
      expect(io.status, `${read}: ${io.stdout}${io.stderr}`).toBe(0);
      expect(io.stdout).not.toContain("Pattern verification failed");
    }
    // A pattern the demo did not write must not be found (the check above can fail).
    const wrong = spawnSync("qemu-io", ["-r", "-f", "qcow2", "-c", `read -P 0x5a ${4096 * 512} 512`, disk], {
      encoding: "utf8",
    });
    expect(wrong.stdout).toContain("Pattern verification failed");
  });
});
