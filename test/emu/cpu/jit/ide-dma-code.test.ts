// Code brought in by IDE DMA and jumped to, over code that was hot and translated (issue #13's
// self-modifying-code cases): firmware/tests/ide/ide-code.asm, booted by Debian's SeaBIOS from a qcow2
// disk, DMA-reads one routine into 2000:0000, calls it 2000 times, DMA-reads another over it and calls
// that. QEMU TCG and pcscope, translating and interpreting, give the same debug log, SeaBIOS's lines
// included, ending "AB", "done".
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CLI, qcow2With, qemuLog, SEABIOS, tempDir } from "../../../firmware/seabios-helpers.ts";
import { needPeers } from "../../../helpers/peers.ts";
import { assembleTestRomFile } from "../../../helpers/roms.ts";

/** `pcscope run MODE` on `disk` with SeaBIOS, as qemuLog runs QEMU; returns the debug log. */
function pcscopeLog(dir: string, disk: string, mode: "--jit" | "--no-jit"): string {
  const log = join(dir, `pcscope${mode}.log`);
  const r = spawnSync(
    process.execPath,
    [
      CLI,
      "run",
      mode,
      "--bios",
      SEABIOS,
      "--mem",
      "32M",
      "--hda",
      disk,
      "--debugcon",
      `file:${log}`,
      "--debug-exit",
      "0xf4,1",
    ],
    { encoding: "utf8", timeout: 120_000 },
  );
  expect(r.status, r.stderr).toBe(1); // isa-debug-exit wrote 0
  return readFileSync(log, "latin1");
}

describe.skipIf(!needPeers("seabios", "qemu-system-i386", "qemu-img", "nasm"))(
  "code brought in by IDE DMA",
  () => {
    it("runs the routine each READ DMA brought, as QEMU does, translating and interpreting", async () => {
      const dir = tempDir();
      const guest = readFileSync(await assembleTestRomFile("ide/ide-code.asm"));
      // QEMU's clock counts instructions (as pcscope's does): on the host clock, SeaBIOS's threads
      // (the PS/2 keyboard's reset wait beside the drive probe) log in another order under load.
      // The order is the same for shift=1 to 5.
      const qemu = qemuLog(dir, qcow2With(dir, "qemu", guest), ["-icount", "shift=3,sleep=off"]);
      expect(qemu).toMatch(/\nide-code\nAB\ndone\n$/);
      for (const mode of ["--jit", "--no-jit"] as const) {
        expect(pcscopeLog(dir, qcow2With(dir, `pcscope${mode}`, guest), mode)).toBe(qemu);
      }
    }, 180_000);
  },
);
