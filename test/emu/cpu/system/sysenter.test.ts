// SYSENTER/SYSEXIT against QEMU 7.2 (firmware/tests/sysenter: entry from rings 0 and 3, the exit to
// ring 3, the #GP cases), and the #UD pcscope raises where the CPU model lacks SEP (SDM: "#UD if
// CPUID.01H:EDX.SEP[bit 11] = 0"; QEMU's TCG executes them whatever -cpu says).
import { beforeAll, describe, expect, it } from "vitest";
import { EXC_UD } from "../../../../src/emu/cpu/state.ts";
import { sysenter, sysexit } from "../../../../src/emu/cpu/system/index.ts";
import { needPeers } from "../../../helpers/peers.ts";
import { assembleTestRomFile, compareRomUnderModel, makeLimiter } from "../../../helpers/roms.ts";
import { faultOf, protectedCpuOf } from "./harness.ts";

const limit = makeLimiter(2);

describe.skipIf(!needPeers("qemu-system-i386", "nasm"))("SYSENTER and SYSEXIT, against QEMU 7.2", () => {
  let rom: string;
  beforeAll(async () => {
    rom = await assembleTestRomFile("sysenter/sysenter.asm");
  });

  it("pentium2", async () => {
    const { qemu, ours, diff } = await compareRomUnderModel(rom, "pentium2", limit);
    expect(qemu.log.endsWith("done\n"), qemu.log + qemu.stderr).toBe(true);
    expect(diff, `${diff}\n${ours.stderr}`).toBeNull();
  });
});

describe("SYSENTER and SYSEXIT on a model without SEP (pcscope follows the SDM: #UD)", () => {
  for (const model of ["486", "pentium", "pcscope"]) {
    it(model, () => {
      const cpu = protectedCpuOf(model);
      expect(faultOf(() => sysenter(cpu))?.[0]).toBe(EXC_UD);
      expect(faultOf(() => sysexit(cpu))?.[0]).toBe(EXC_UD);
    });
  }
});
