// FXSAVE and FXRSTOR against QEMU 7.2: a ROM (firmware/tests/fxsave) saves the x87/SSE state over
// a filled buffer with CR4.OSFXSR clear and set, edits the image and restores it, and takes the
// misaligned-operand #GP and CR0.TS #NM; under -cpu pentium2 and pentium3 and pcscope --cpu NAME
// the logs must be identical. Without CPUID.FXSR (pcscope's default model) the opcode is #UD.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { needPeers } from "../../helpers/peers.ts";
import {
  assembleRom,
  diffLogs,
  makeLimiter,
  runRomPcscope,
  runRomQemu,
  TEST_ROM_DIR,
} from "../../helpers/roms.ts";

const limit = makeLimiter(2);

describe.skipIf(!needPeers("qemu-system-i386", "nasm"))("FXSAVE/FXRSTOR, against QEMU 7.2", () => {
  let rom: string;
  beforeAll(async () => {
    rom = join(mkdtempSync(join(tmpdir(), "pcscope-fxsave-")), "fxsave.bin");
    writeFileSync(rom, await assembleRom(join(TEST_ROM_DIR, "fxsave", "fxsave.asm")));
  });

  for (const model of ["pentium2", "pentium3"]) {
    it.concurrent(model, async () => {
      const [qemu, ours] = await Promise.all([
        limit(() => runRomQemu(rom, 20_000, ["-cpu", model])),
        limit(() => runRomPcscope(rom, 30_000, ["--cpu", model])),
      ]);
      expect(qemu.log.endsWith("done\n"), qemu.stderr).toBe(true);
      const diff = diffLogs(qemu.log, ours.log);
      expect(diff, `${diff}\n${ours.stderr}`).toBeNull();
    });
  }

  it("is #UD on pcscope's default model, which has no FXSR", async () => {
    const ours = await runRomPcscope(rom, 30_000, []);
    expect(ours.log).toMatch(/^fault 00000006 /m);
  });
});
