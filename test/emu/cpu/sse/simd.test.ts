// MMX, SSE and SSE2/SSE3 integer, logic, shuffle and move instructions against QEMU 7.2: a ROM
// (firmware/tests/sse/simd.asm) runs every form from three machine states and prints the registers,
// EFLAGS and the FXSAVE image after each, then the mandatory-prefix combinations and the faults.
// Under -cpu pentium3 (SSE), qemu32 (SSE2, SSE3) and pentium2 (MMX only: every SSE form is #UD)
// and pcscope --cpu NAME the logs must be identical. A second ROM (mmx-models.asm) runs MMX on
// the models without FXSAVE (486, pentium) and shows the x87 view of the MMX registers.
import { beforeAll, describe, expect, it } from "vitest";
import { needPeers } from "../../../helpers/peers.ts";
import { assembleTestRomFile, compareRomUnderModel, makeLimiter } from "../../../helpers/roms.ts";

const limit = makeLimiter(2);

describe.skipIf(!needPeers("qemu-system-i386", "nasm"))(
  "MMX/SSE integer and move instructions, against QEMU 7.2",
  () => {
    let rom: string;
    beforeAll(async () => {
      rom = await assembleTestRomFile("sse/simd.asm");
    });

    for (const model of ["pentium2", "pentium3", "qemu32"]) {
      it.concurrent(model, async () => {
        const { qemu, ours, diff } = await compareRomUnderModel(rom, model, limit);
        expect(qemu.log.endsWith("done\n"), qemu.stderr).toBe(true);
        expect(diff, `${diff}\n${ours.stderr}`).toBeNull();
      });
    }

    for (const model of ["486", "pentium", "pentium2"]) {
      it.concurrent(`MMX and its x87 view under ${model}`, async () => {
        const mmxRom = await assembleTestRomFile("sse/mmx-models.asm");
        const { qemu, ours, diff } = await compareRomUnderModel(mmxRom, model, limit);
        expect(qemu.log.endsWith("done\n"), qemu.stderr).toBe(true);
        expect(diff, `${diff}\n${ours.stderr}`).toBeNull();
      });
    }
  },
);
