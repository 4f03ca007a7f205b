// The PC's drives against QEMU 7.2 given the same drive: each refusal QEMU makes, pcscope makes too,
// in one line worded after QEMU's (a read-only IDE hard disk, a hard disk without an image, an image
// the user cannot write), and what QEMU accepts (a read-only CD-ROM) pcscope runs.
import { spawnSync } from "node:child_process";
import { chmodSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createImage } from "../../src/emu/block/index.ts";
import { tempDir } from "../emu/block/qemu.ts";
import { runCliInProcess } from "../helpers/cli.ts";
import { needPeers } from "../helpers/peers.ts";

const ROOT = join(import.meta.dirname, "../..");
const HELLO = join(ROOT, "firmware/hello/hello.bin");
const t = tempDir("drives");
afterAll(() => t.cleanup());

/** Runs a command, as the user nobody when we are root (root may write any file). */
function asUser(cmd: string, args: string[]) {
  const argv =
    process.getuid?.() === 0
      ? ["setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", cmd, ...args]]
      : [cmd, args];
  const r = spawnSync(argv[0] as string, argv[1] as string[], {
    cwd: ROOT,
    encoding: "utf8",
    timeout: 30_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** QEMU's one-line refusal of `args` (it exits at once: nothing runs). */
function qemuRefusal(args: string[], user = false): string {
  const qargs = ["-nodefaults", "-display", "none", "-S", ...args];
  const r = user
    ? asUser("qemu-system-i386", qargs)
    : spawnSync("qemu-system-i386", qargs, { encoding: "utf8", timeout: 30_000 });
  expect(r.status, r.stderr).toBe(1);
  return r.stderr;
}

describe.skipIf(!needPeers("qemu-system-i386"))("pcscope run's drives vs QEMU", () => {
  const disk = t.path("disk.img");
  createImage(disk, { format: "raw", size: 1 << 20 });

  it("refuses a read-only IDE hard disk with QEMU's words; a read-only CD-ROM runs", async () => {
    const drive = `file=${disk},if=ide,format=raw,readonly=on`;
    expect(qemuRefusal(["-drive", drive])).toContain("Block node is read-only");
    const ours = await runCliInProcess(["run", "--drive", drive]);
    expect(ours.status).toBe(2);
    expect(ours.stderr).toBe(
      `pcscope: --drive '${drive}': Block node is read-only (an IDE hard disk cannot be read-only, as in QEMU; use media=cdrom for a read-only drive)\n`,
    );
    const cd = await runCliInProcess([
      "run",
      "--bios",
      HELLO,
      "--machine",
      "pc",
      "--drive",
      `${drive},media=cdrom`,
      "--max-insns",
      "1000",
    ]);
    expect(cd.status).toBe(5);
  });

  it("refuses a hard disk without an image, for --hda '' as for --drive file=", async () => {
    expect(qemuRefusal(["-hda", ""])).toContain("Device needs media, but drive is empty");
    expect(qemuRefusal(["-drive", "file=,if=ide"])).toContain("Device needs media, but drive is empty");
    for (const [option, value] of [
      ["--hda", ""],
      ["--drive", "file=,if=ide"],
    ] as const) {
      const ours = await runCliInProcess(["run", option, value]);
      expect(ours.status).toBe(2);
      expect(ours.stderr).toBe(
        `pcscope: ${option} '${value}': a hard disk needs media, but the drive is empty (name an image file; only a CD-ROM drive may be empty)\n`,
      );
    }
  });

  it("refuses an image the user cannot write instead of silently running it read-only", () => {
    const ro = t.path("ro.qcow2");
    createImage(ro, { format: "qcow2", size: 1 << 20 });
    chmodSync(ro, 0o444);
    chmodSync(t.dir, 0o755);
    expect(qemuRefusal(["-hda", ro], true)).toContain(`Could not open '${ro}': Permission denied`);
    const ours = asUser(process.execPath, [
      "bin/pcscope.js",
      "run",
      "--bios",
      HELLO,
      "--hda",
      ro,
      "--max-insns",
      "1000",
    ]);
    expect(ours.status).toBe(2);
    expect(ours.stderr).toBe(
      `pcscope: cannot open drive '${ro}': Could not open '${ro}': Permission denied\n`,
    );
    // Asked for read-only (a CD-ROM), the same file runs.
    expect(
      asUser(process.execPath, [
        "bin/pcscope.js",
        "run",
        "--bios",
        HELLO,
        "--cdrom",
        ro,
        "--max-insns",
        "1000",
      ]).status,
    ).toBe(5);
  });
});
