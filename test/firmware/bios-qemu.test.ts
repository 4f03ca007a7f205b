// pcscope's BIOS and demo guest under the reference machine, qemu-system-i386 -M pc: the BIOS
// boots the demo disk to the demo's halt, its debug-console log names every POST stage, the demo's
// writes land on the qcow2 image (qemu-img check clean, qemu-io reads the patterns back), a warm
// reset mid-demo (port 0xcf9, the i8042, QEMU's system_reset) re-runs POST with the PAM registers
// still set and the second boot completes, and failures print what failed instead of hanging.
import { writeFileSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createImage } from "../../src/emu/block/index.ts";
import { needPeers } from "../helpers/peers.ts";
import { diffLogs } from "../helpers/roms.ts";
import {
  DEMO_DONE,
  makeDemoDisk,
  missingStages,
  readText,
  run,
  runQemuGuest,
  tempDir,
} from "./bios-helpers.ts";

const PATTERNS = ["read -P 0x5a 1M 512", "read -P 0x3c 1536K 2K", "read -P 0xa5 2M 32K"];

/** The qemu-io arguments that check every pattern the demo writes. */
function patternArgs(disk: string): string[] {
  return [...PATTERNS.flatMap((c) => ["-c", c]), disk];
}

describe.skipIf(!needPeers("qemu-system-i386", "qemu-img", "qemu-io"))("pcscope BIOS under QEMU", () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  describe("cold boot of the demo disk", () => {
    let disk: string;
    let log: string;
    let finished: boolean;
    beforeAll(async () => {
      disk = await makeDemoDisk(tmp.dir);
      const r = await runQemuGuest({ disk });
      log = r.log;
      finished = r.finished;
    });

    it("reaches the demo's halt with no errors", () => {
      expect(finished, log).toBe(true);
      expect(log).toMatch(/demo: summary: 8 INT 13h disk requests, \d+ sectors read, 69 written, 0 errors\n/);
      expect(log).toContain("demo: INT 13h AH=00h reset ok; AH=15h type 3, 32768 sectors\n");
      expect(log).toContain("; INT 16h AH=01h: no key waiting\n");
      expect(log.trimEnd().endsWith(DEMO_DONE), log.slice(-500)).toBe(true);
    });

    it("logs a request for a missing drive and fails it", () => {
      expect(log).toContain(
        "int13: AH=02h for drive 0x81: no such drive\ndemo: INT 13h AH=02h for drive 0x81 refused, AH=01;",
      );
    });

    it("names every POST stage, in order, by function", () => {
      expect(missingStages(log)).toEqual([]);
      expect(log).toContain("pam_warm_boot_check: cold boot");
      expect(log).toContain("pci_scan: 00:01.1 8086:7010 class 010180");
    });

    it("uses PIO for small requests and bus-master DMA for large ones", () => {
      expect(log).toContain("int13: write LBA 2048 count 1 from 0x0000a000 by PIO\n");
      expect(log).toContain("int13: write LBA 3072 count 4 from 0x00010000 by PIO\n");
      expect(log).toContain("int13: write LBA 4096 count 64 from 0x00010000 by bus-master DMA\n");
      expect(log).toContain("demo: FLUSH CACHE (out 0x1f7, 0xe7): status 0x50\n");
    });

    it("leaves a clean qcow2 holding the demo's patterns", async () => {
      const check = await run("qemu-img", ["check", disk]);
      expect(check.status, check.stdout + check.stderr).toBe(0);
      expect(check.stdout).toContain("No errors were found");
      const io = await run("qemu-io", patternArgs(disk));
      expect(io.status, io.stdout + io.stderr).toBe(0);
      expect(io.stdout).not.toContain("Pattern verification failed");
      // The check can fail: a pattern the demo did not write is reported.
      const wrong = await run("qemu-io", ["-c", "read -P 0x77 1M 512", disk]);
      expect(wrong.stdout + wrong.stderr).toContain("Pattern verification failed");
    });
  });

  it("copies INT 10h output to COM1, and logs the same with or without it", async () => {
    const plain = await runQemuGuest({ disk: await makeDemoDisk(tmp.dir) });
    const serialPath = join(tmp.dir, "com1.txt");
    const withSerial = await runQemuGuest({
      disk: await makeDemoDisk(tmp.dir),
      extraArgs: ["-serial", `file:${serialPath}`],
    });
    expect(withSerial.finished, withSerial.log).toBe(true);
    expect(diffLogs(plain.log, withSerial.log)).toBeNull();
    const com1 = readText(serialPath);
    expect(com1).toContain("demo boot sector: loaded at 0000:7c00, loading stage 2 with INT 13h AH=02h\r\n");
    expect(com1).toContain("\r\ndemo: done; halting (cli; hlt)\r\n");
    expect(com1).not.toContain("post_main"); // the BIOS's own log stays on the debug console
  });

  describe("warm reset mid-demo", () => {
    for (const [mode, how] of [
      [1, "through port 0xcf9"],
      [2, "through the i8042"],
    ] as const) {
      it(`re-runs POST from the pristine ROM and boots again (${how})`, async () => {
        const disk = await makeDemoDisk(tmp.dir, mode);
        const r = await runQemuGuest({ disk });
        expect(r.finished, r.log).toBe(true);
        const [first, second] = r.log.split(`demo: warm reset now, ${how}`);
        expect(second, r.log).toBeDefined();
        expect(first).toContain("pam_warm_boot_check: cold boot (shadow flag clear): PAM 0x59-0x5f = 00 00");
        expect(second).toContain(
          "pam_warm_boot_check: warm boot: POST already ran in this RAM copy and PAM still maps RAM: " +
            "PAM 0x59-0x5f = 10 00 00 00 00 11 11\n",
        );
        expect(second).toContain(
          "pam_warm_boot_check: restored 0xe0000-0xfffff from the pristine copy at 0xfffe0000",
        );
        expect(missingStages(second)).toEqual([]);
        expect(second).toContain("demo: this boot follows the warm reset the previous boot asked for\n");
        expect(second).toContain(" 0 errors\n");
        expect(second.trimEnd().endsWith(DEMO_DONE)).toBe(true);
        const check = await run("qemu-img", ["check", disk]);
        expect(check.status, check.stdout).toBe(0);
        const io = await run("qemu-io", patternArgs(disk));
        expect(io.status, io.stdout).toBe(0);
      });
    }

    it("boots again after QEMU's monitor system_reset", async () => {
      const disk = await makeDemoDisk(tmp.dir);
      const sock = join(tmp.dir, "monitor.sock");
      const r = await runQemuGuest({
        disk,
        extraArgs: ["-monitor", `unix:${sock},server=on,wait=off`],
        driver: async (_qemu, logPath) => {
          await waitFor(() => readText(logPath).includes(DEMO_DONE), 20_000);
          await monitorCommand(sock, "system_reset");
          await waitFor(() => readText(logPath).split(DEMO_DONE).length === 3, 20_000);
        },
      });
      expect(r.finished, r.log + r.stderr).toBe(true);
      const boots = r.log.split("reset_vector: ");
      expect(boots.length).toBe(3);
      expect(boots[2]).toContain("pam_warm_boot_check: warm boot");
      expect(boots[2]).toContain(" 0 errors\n");
    });
  });

  describe("failures are reported, not hung on", () => {
    it("says there is no disk", async () => {
      const r = await runQemuGuest();
      expect(r.finished, r.log).toBe(true);
      expect(r.log).toContain(
        "int19_handler: no bootable disk: no ATA drive on the primary IDE channel; halting\n",
      );
    });

    it("says the disk has no boot signature", async () => {
      const disk = join(tmp.dir, "blank.qcow2");
      createImage(disk, { format: "qcow2", size: 16 << 20 });
      const r = await runQemuGuest({ disk });
      expect(r.finished, r.log).toBe(true);
      expect(r.log).toContain(
        "int19_handler: disk 0x80 is not bootable: LBA 0 ends with 0000, not 55 aa; halting\n",
      );
    });

    it("reports ATA errors with their LBA (blkdebug fails the demo's PIO and DMA writes with EIO)", async () => {
      const disk = await makeDemoDisk(tmp.dir);
      const r = await runQemuGuest({
        extraArgs: [
          "-blockdev",
          `driver=file,filename=${disk},node-name=f0`,
          "-blockdev",
          "driver=qcow2,file=f0,node-name=q0",
          "-blockdev",
          `driver=blkdebug,image=q0,node-name=b0,config=${blkdebugConfig(tmp.dir)}`,
          "-device",
          "ide-hd,drive=b0,bus=ide.0,unit=0",
        ],
      });
      expect(r.finished, r.log + r.stderr).toBe(true);
      expect(r.log).toContain("int13: ATA error 0x04 at LBA 2048 (status 0x41, PIO completion)\n");
      expect(r.log).toContain("demo: ERROR: INT 13h AH=03h (CHS write) failed, AH=20\n");
      expect(r.log).toContain("int13: ATA error 0x04 at LBA 4096 (status 0x41, DMA)\n");
      expect(r.log).toContain("demo: ERROR: INT 13h AH=43h (EDD write) failed, AH=20\n");
      expect(r.log).toContain(" 4 errors\n");
    });
  });
});

/** A blkdebug config failing guest writes that touch LBA 2048 (PIO) or LBA 4096 (DMA) with EIO. */
function blkdebugConfig(dir: string): string {
  const path = join(dir, "blkdebug.conf");
  const rule = (lba: number) =>
    `[inject-error]\nevent = "none"\niotype = "write"\nerrno = "5"\nsector = "${lba}"\n`;
  writeFileSync(path, rule(2048) + rule(4096));
  return path;
}

/** Polls `cond` every 50 ms until it holds or `ms` pass (then throws). */
async function waitFor(cond: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Sends one human-monitor command over QEMU's -monitor unix socket. */
function monitorCommand(sock: string, command: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const c = connect(sock);
    let seen = "";
    let sent = false; // the echo arrives in pieces: send the command exactly once
    c.on("data", (d) => {
      seen += d.toString();
      if (!sent && seen.includes("(qemu)")) {
        sent = true;
        c.write(`${command}\n`);
      } else if (seen.split("(qemu)").length > 2) {
        c.end();
        resolve();
      }
    });
    c.on("error", reject);
  });
}
