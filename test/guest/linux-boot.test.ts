// Debian's kernel and busybox booted by pcscope and by QEMU 7.2 with the same options and command
// line: /init runs a script that names the CPU, waits for the IDE disk (ata_piix + sd_mod), writes
// a pattern through the block layer into the qcow2 image and lists the devices the kernel found;
// then powers off. pcscope's run must reach /init, find the same devices as QEMU (the ATA disk
// with its model and size, the 8250 at 0x3f8, the e820 map), leave an image qemu-img calls clean
// whose bytes qemu-io reads back, and end with "the guest powered off" and exit status 0.
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { buildLinuxGuest, INIT_MARK, type LinuxGuest } from "../../src/guest/linux-guest.ts";
import { needPeers } from "../helpers/peers.ts";
import { REPO_ROOT } from "../helpers/roms.ts";

/** The disk write: 4 KiB of 'Z' (0x5a) at 1 MiB, synced. */
const PATTERN_OFFSET = 1 << 20;
const SCRIPT = `grep 'model name' /proc/cpuinfo
for i in $(seq 1 40); do
  [ -e /sys/block/sda/size ] && break
  sleep 0.25
done
echo "sda-sectors $(cat /sys/block/sda/size)"
head -c 4096 /dev/zero | tr '\\0' 'Z' | dd of=/dev/sda bs=4096 seek=256 conv=notrunc 2>/dev/null
sync
echo "cmdline $(cat /proc/cmdline)"
dmesg | grep -E 'BIOS-e820|ata1\\.00: (ATA|[0-9]+ sectors)|\\[sda\\] [0-9]+ 512-byte' | sed 's/^\\[[ 0-9.]*\\] //'
dmesg | grep -o 'ttyS0 at I/O 0x3f8.*'
`;
const APPEND = "console=ttyS0 panic=-1 cryptomgr.notests";
const MEM = "256";

/** Runs a command to its exit; resolves to its status and what it printed on stdout. */
function run(
  cmd: string,
  args: string[],
  ms: number,
): Promise<{ status: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"], cwd: REPO_ROOT });
    let out = "";
    let err = "";
    proc.stdout.setEncoding("latin1").on("data", (d: string) => {
      out += d;
    });
    proc.stderr.setEncoding("utf8").on("data", (d: string) => {
      err += d;
    });
    const timer = setTimeout(() => proc.kill("SIGKILL"), ms);
    proc.on("error", reject);
    proc.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ status: code, out, err });
    });
  });
}

/** The lines the script printed about the CPU and devices, in order, without timestamps. */
function deviceLines(log: string): string[] {
  return log
    .split(/\r?\n/)
    .filter((l) => /^(model name|sda-sectors|cmdline|BIOS-e820|ata1\.00|sd 0:0:0:0|ttyS0 at)/.test(l));
}

/** A fresh 64 MiB qcow2 image. */
function freshDisk(dir: string, name: string): string {
  const disk = join(dir, name);
  execFileSync("qemu-img", ["create", "-q", "-f", "qcow2", disk, "64M"]);
  return disk;
}

describe.skipIf(!needPeers("qemu-system-i386", "qemu-img", "qemu-io", "apt-get", "dpkg-deb"))(
  "Debian's Linux under pcscope, against QEMU 7.2",
  () => {
    let guest: LinuxGuest;
    let dir: string;
    let qemuLog = "";
    beforeAll(async () => {
      guest = buildLinuxGuest({ script: SCRIPT });
      dir = mkdtempSync(join(tmpdir(), "pcscope-linux-"));
      const disk = freshDisk(dir, "qemu.qcow2");
      const q = await run(
        "qemu-system-i386",
        [
          ...["-nodefaults", "-display", "none", "-M", "pc", "-m", MEM, "-cpu", "pentium2"],
          ...["-kernel", guest.kernel, "-initrd", guest.initrd, "-append", APPEND],
          ...["-drive", `file=${disk},format=qcow2,if=ide`, "-serial", "stdio", "-no-reboot"],
        ],
        120_000,
      );
      qemuLog = q.out;
      expect(q.status, q.err).toBe(0);
    }, 300_000);

    it("boots to /init, finds QEMU's devices, writes the disk and powers off", async () => {
      const disk = freshDisk(dir, "pcscope.qcow2");
      const ours = await run(
        process.execPath,
        [
          join(REPO_ROOT, "bin", "pcscope.js"),
          "run",
          ...["--mem", `${MEM}M`, "--cpu", "pentium2"],
          ...["--kernel", guest.kernel, "--initrd", guest.initrd, "--append", APPEND],
          ...["--drive", `file=${disk},format=qcow2,if=ide`, "--serial", "stdio", "--no-reboot"],
        ],
        900_000,
      );
      const log = ours.out;
      expect(log, log.slice(-3000)).toContain(`${INIT_MARK} init started`);
      expect(log).toMatch(/model name\s*: Pentium II \(Deschutes\)/);
      expect(deviceLines(log)).toEqual(deviceLines(qemuLog));
      expect(log).toContain(`${INIT_MARK} script exited with status 0`);
      expect(log).toContain("reboot: Power down");
      expect(ours.err).toContain("the guest powered off");
      expect(ours.status).toBe(0);

      const check = execFileSync("qemu-img", ["check", disk], { encoding: "utf8" });
      expect(check).toContain("No errors were found on the image.");
      const read = execFileSync(
        "qemu-io",
        [
          "-f",
          "qcow2",
          "-c",
          `read -P 0x5a ${PATTERN_OFFSET} 4096`,
          "-c",
          `read -P 0 0 ${PATTERN_OFFSET}`,
          disk,
        ],
        { encoding: "utf8" },
      );
      expect(read).not.toMatch(/Pattern verification failed/);
      expect(read.match(/read \d+\/\d+ bytes/g)).toHaveLength(2);
    }, 900_000);
  },
);
