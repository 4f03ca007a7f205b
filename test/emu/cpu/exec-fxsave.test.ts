// FXSAVE and FXRSTOR against QEMU 7.2: a ROM (firmware/tests/fxsave) saves the x87/SSE state over
// a filled buffer with CR4.OSFXSR clear and set, edits the image and restores it, and takes the
// misaligned-operand #GP and CR0.TS #NM; under -cpu pentium2 and pentium3 and pcscope --cpu NAME
// the logs must be identical. Without CPUID.FXSR (pcscope's default model) the opcode is #UD.
import { beforeAll, describe, expect, it } from "vitest";
import { needPeers } from "../../helpers/peers.ts";
import { assembleTestRomFile, compareRomUnderModel, makeLimiter, runRomPcscope } from "../../helpers/roms.ts";

const limit = makeLimiter(2);

describe.skipIf(!needPeers("qemu-system-i386", "nasm"))("FXSAVE/FXRSTOR, against QEMU 7.2", () => {
  let rom: string;
  beforeAll(async () => {
    rom = await assembleTestRomFile("fxsave/fxsave.asm");
  });

  for (const model of ["pentium2", "pentium3"]) {
    it.concurrent(model, async () => {
      const { qemu, ours, diff } = await compareRomUnderModel(rom, model, limit);
      expect(qemu.log.endsWith("done\n"), qemu.stderr).toBe(true);
      expect(diff, `${diff}\n${ours.stderr}`).toBeNull();
    });
  }

  it("is #UD on the pcscope model, which has no FXSR", async () => {
    const ours = await runRomPcscope(rom, 30_000, ["--cpu", "pcscope"]);
    expect(ours.log).toMatch(/^fault 00000006 /m);
  });
});
