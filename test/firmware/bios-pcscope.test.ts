// pcscope's BIOS and demo guest on pcscope's own i440fx PC: the demo runs to its halt, and the
// debug-console log is identical line for line to the one QEMU's -M pc gives for the same disk
// (cold boot, and warm resets through port 0xcf9 and the i8042); the image pcscope wrote is a clean
// qcow2 holding the demo's patterns; the reset button mid-demo leads to a warm boot that completes.
// The same through the CLI: `pcscope run --machine pc --bios ... --drive ...` exits 0 at the halt.
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { needPeers } from "../helpers/peers.ts";
import { diffLogs } from "../helpers/roms.ts";
import {
  BIOS_BIN,
  DEMO_DONE,
  makeDemoDisk,
  missingStages,
  REPO_ROOT,
  readText,
  run,
  runPcscopeGuest,
  runQemuGuest,
  tempDir,
} from "./bios-helpers.ts";

const PATTERN_CHECKS = [
  "-c",
  "read -P 0x5a 1M 512",
  "-c",
  "read -P 0x3c 1536K 2K",
  "-c",
  "read -P 0xa5 2M 32K",
];

describe("pcscope BIOS on pcscope's PC", () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  it("boots the demo disk to the demo's halt, naming every POST stage", async () => {
    const disk = await makeDemoDisk(tmp.dir);
    const r = runPcscopeGuest({ disk });
    expect(r.stop, r.log.slice(-800)).toBe("halted");
    expect(missingStages(r.log)).toEqual([]);
    expect(r.log).toContain(" 0 errors\n");
    expect(r.log.trimEnd().endsWith(DEMO_DONE)).toBe(true);
  });

  it("completes a warm boot after the reset button is pressed mid-demo", async () => {
    const disk = await makeDemoDisk(tmp.dir);
    const r = runPcscopeGuest({ disk, resetWhen: "demo: wrote 1 sector of 0x5a" });
    expect(r.resets).toBe(1);
    expect(r.stop).toBe("halted");
    const second = r.log.split("reset_vector: ")[2] ?? "";
    expect(second).toContain("pam_warm_boot_check: warm boot");
    expect(second).toContain(
      "pam_warm_boot_check: restored 0xe0000-0xfffff from the pristine copy at 0xfffe0000",
    );
    expect(second.trimEnd().endsWith(DEMO_DONE)).toBe(true);
  });

  it("says there is no disk", () => {
    const r = runPcscopeGuest();
    expect(r.stop).toBe("halted");
    expect(r.log).toContain(
      "int19_handler: no bootable disk: no ATA drive on the primary IDE channel; halting\n",
    );
  });

  describe.skipIf(!needPeers("qemu-system-i386", "qemu-img", "qemu-io"))("against QEMU -M pc", () => {
    for (const [mode, what] of [
      [0, "cold boot"],
      [1, "warm reset through port 0xcf9"],
      [2, "warm reset through the i8042"],
    ] as const) {
      it(`prints the same debug-console log as QEMU (${what})`, async () => {
        const qemuDisk = await makeDemoDisk(tmp.dir, mode);
        const qemu = await runQemuGuest({ disk: qemuDisk });
        expect(qemu.finished, qemu.log).toBe(true);
        const pcscopeDisk = await makeDemoDisk(tmp.dir, mode);
        const pcscope = runPcscopeGuest({ disk: pcscopeDisk });
        expect(pcscope.resets).toBe(mode ? 1 : 0);
        expect(diffLogs(qemu.log, pcscope.log)).toBeNull();
        const check = await run("qemu-img", ["check", pcscopeDisk]);
        expect(check.status, check.stdout + check.stderr).toBe(0);
        const io = await run("qemu-io", [...PATTERN_CHECKS, pcscopeDisk]);
        expect(io.status, io.stdout + io.stderr).toBe(0);
      });
    }
  });

  describe.skipIf(!needPeers("qemu-system-i386", "qemu-img", "qemu-io"))(
    "`pcscope run --machine pc` against QEMU",
    () => {
      it("exits 0 at the demo's halt with QEMU's debug-console log, leaving a clean image", async () => {
        const qemuDisk = await makeDemoDisk(tmp.dir);
        const qemu = await runQemuGuest({ disk: qemuDisk });
        expect(qemu.finished, qemu.log).toBe(true);
        const disk = await makeDemoDisk(tmp.dir);
        const logPath = join(tmp.dir, "cli-debugcon.log");
        const cli = await run(
          process.execPath,
          [
            join(REPO_ROOT, "bin", "pcscope.js"),
            "run",
            "--machine",
            "pc",
            "--bios",
            BIOS_BIN,
            "--drive",
            `file=${disk},format=qcow2,if=ide`,
            "--debugcon",
            `0x402=file:${logPath}`,
          ],
          60_000,
        );
        expect(cli.status, cli.stderr).toBe(0);
        expect(cli.stderr).toContain("halted");
        expect(diffLogs(qemu.log, readText(logPath))).toBeNull();
        const check = await run("qemu-img", ["check", disk]);
        expect(check.status, check.stdout + check.stderr).toBe(0);
        const io = await run("qemu-io", [...PATTERN_CHECKS, disk]);
        expect(io.status, io.stdout + io.stderr).toBe(0);
      });
    },
  );
});
