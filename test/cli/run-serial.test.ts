// The serial ports of `pcscope run` against QEMU 7.2's `-serial`: each --serial adds the next ISA
// port (COM1 at 0x3f8, COM2 at 0x2f8), which SeaBIOS probes and counts in its log as under QEMU; a
// third is refused in one line with status 2.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { tempDir } from "../emu/block/qemu.ts";
import { runCliInProcess } from "../helpers/cli.ts";
import { needPeers } from "../helpers/peers.ts";

const SEABIOS = "/usr/share/seabios/bios.bin";
/** SeaBIOS reports its serial ports within this (about 4 M; no disk: it then waits for one). */
const INSNS = "6M";
const t = tempDir("serial");
afterAll(() => t.cleanup());

/** QEMU's SeaBIOS log with `serial` (QEMU -serial arguments), cut off after a second. */
function qemuLog(serial: string[]): Promise<string> {
  const log = join(t.dir, `qemu-${serial.length}.log`);
  return new Promise((resolve, reject) => {
    const proc = spawn(
      "qemu-system-i386",
      [
        ...["-nodefaults", "-display", "none", "-M", "pc", "-m", "32", "-bios", SEABIOS],
        ...["-debugcon", `file:${log}`, "-global", "isa-debugcon.iobase=0x402", ...serial],
      ],
      { stdio: "ignore" },
    );
    const timer = setTimeout(() => proc.kill("SIGKILL"), 1500);
    proc.on("error", reject);
    proc.on("exit", () => {
      clearTimeout(timer);
      resolve(readFileSync(log, "latin1"));
    });
  });
}

describe("--serial", () => {
  it.skipIf(!needPeers("seabios", "qemu-system-i386"))(
    "gives SeaBIOS the ports QEMU's -serial gives it: one, then two",
    async () => {
      for (const count of [1, 2]) {
        const serial = Array.from({ length: count }, () => ["-serial", "null"]).flat();
        const log = join(t.dir, `pcscope-${count}.log`);
        const r = await runCliInProcess([
          "run",
          ...["--bios", SEABIOS, "--debugcon", `file:${log}`, "--max-insns", INSNS, ...serial],
        ]);
        expect(r.status, r.stderr).toBe(5); // --max-insns reached
        const ours = readFileSync(log, "latin1");
        const theirs = await qemuLog(serial);
        expect(theirs).toContain(`Found ${count} serial ports`);
        expect(ours).toContain(`Found ${count} serial ports`);
      }
    },
    120_000,
  );

  it("refuses a third in one line, exit status 2", async () => {
    const r = await runCliInProcess(["run", "--serial", "null", "--serial", "null", "--serial", "null"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe("pcscope: at most 2 --serial ports (COM1 at 0x3f8, COM2 at 0x2f8)\n");
  });
});
