// The Linux guest builder with Debian's real packages, booted by the real QEMU: /init runs the
// given script on the serial console (CPU model, the IDE disk's size through ata_piix + sd_mod)
// and powers the machine off. `pcscope guest linux --kallsyms` puts the kallsyms dump to ttyS1 into
// /init, after the modules.
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { buildLinuxGuest, INIT_MARK } from "../../src/guest/linux-guest.ts";
import { needPeers } from "../helpers/peers.ts";
import { REPO_ROOT } from "../helpers/roms.ts";

const SCRIPT = `echo guest-says-hello
grep 'model name' /proc/cpuinfo
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
  [ -e /sys/block/sda/size ] && break
  sleep 0.5
done
echo "sda-sectors $(cat /sys/block/sda/size)"
grep ' start_kernel$' /proc/kallsyms
`;

/** Runs QEMU to completion (power-off) and resolves to its exit status. */
function runQemu(args: string[], ms: number): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const proc = spawn("qemu-system-i386", args, { stdio: "ignore" });
    const timer = setTimeout(() => proc.kill("SIGKILL"), ms);
    proc.on("error", reject);
    proc.on("exit", (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

describe.skipIf(!needPeers("qemu-system-i386", "qemu-img", "apt-get", "dpkg-deb"))(
  "Linux guest from Debian's packages",
  () => {
    it("boots under QEMU to /init, loads the IDE modules, runs the script and powers off", async () => {
      const guest = buildLinuxGuest({ script: SCRIPT });
      expect(guest.version).toMatch(/^6\.\d+\.\d+-\d+-686$/);
      const dir = mkdtempSync(join(tmpdir(), "pcscope-guest-"));
      const disk = join(dir, "disk.qcow2");
      execFileSync("qemu-img", ["create", "-q", "-f", "qcow2", disk, "64M"]);
      const serial = join(dir, "serial.log");
      const status = await runQemu(
        [
          ...["-nodefaults", "-display", "none", "-M", "pc", "-m", "256", "-cpu", "pentium2"],
          ...["-kernel", guest.kernel, "-initrd", guest.initrd],
          ...["-append", "console=ttyS0 panic=-1 cryptomgr.notests"],
          ...["-drive", `file=${disk},format=qcow2,if=ide`, "-serial", `file:${serial}`, "-no-reboot"],
        ],
        120_000,
      );
      const log = readFileSync(serial, "latin1");
      expect(log, log.slice(-2000)).toContain(`${INIT_MARK} init started`);
      expect(log).toContain("guest-says-hello");
      expect(log).toMatch(/model name\s*: Pentium II \(Deschutes\)/);
      expect(log).toContain("sda-sectors 131072"); // 64 MiB in 512-byte sectors
      expect(log).toMatch(/\nc[0-9a-f]{7} T start_kernel\r?\n/); // kallsyms, in nm format
      expect(log).toContain(`${INIT_MARK} script exited with status 0`);
      expect(log).toContain("reboot: Power down");
      expect(status).toBe(0);
    }, 300_000);

    it("with --kallsyms, /init copies /proc/kallsyms raw to ttyS1, and the command lines add COM2", () => {
      const out = execFileSync(
        process.execPath,
        [join(REPO_ROOT, "bin", "pcscope.js"), "guest", "linux", "--kallsyms", "--run", "echo hi"],
        { encoding: "utf8" },
      );
      const initrd = /^initrd +(\S+)$/m.exec(out)?.[1];
      expect(initrd, out).toBeDefined();
      const init = gunzipSync(readFileSync(initrd!)).toString("latin1");
      expect(init).toContain("stty -F /dev/ttyS1 raw -echo && cat /proc/kallsyms > /dev/ttyS1");
      expect(init.indexOf("cat /proc/kallsyms")).toBeGreaterThan(init.indexOf("insmod /lib/modules/$m.ko"));
      expect(out).toMatch(
        /^pcscope run .*--append '[^']* nokaslr' --serial stdio --serial file:kallsyms\.nm /m,
      );
      // QEMU's clock counts instructions too: on the host clock its module addresses move under load.
      expect(out).toMatch(
        /^qemu-system-i386 .* -serial stdio -serial file:kallsyms\.nm -icount shift=3,sleep=off /m,
      );
    }, 120_000);
  },
);
