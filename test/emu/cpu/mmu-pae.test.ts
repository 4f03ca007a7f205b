// PAE paging against QEMU 7.2 (firmware/tests/pae): 4 KiB and 2 MiB pages through 64-bit entries,
// accessed/dirty bits, and the page faults of not-present and reserved-bit entries at each level.
// Where CPUID has no PAE, a CR4.PAE write is #GP(0) in pcscope, as the SDM says (QEMU 7.2's TCG
// accepts it under -cpu pentium: pcscope differs on purpose).
import { beforeAll, describe, expect, it } from "vitest";
import { CR4_PAE, EXC_GP } from "../../../src/emu/cpu/state.ts";
import { writeControlRegister } from "../../../src/emu/cpu/system/index.ts";
import { needPeers } from "../../helpers/peers.ts";
import { assembleTestRomFile, compareRomUnderModel, makeLimiter } from "../../helpers/roms.ts";
import { faultOf, protectedCpuOf } from "./system/harness.ts";

const limit = makeLimiter(2);

describe.skipIf(!needPeers("qemu-system-i386", "nasm"))("PAE paging, against QEMU 7.2", () => {
  let rom: string;
  beforeAll(async () => {
    rom = await assembleTestRomFile("pae/pae.asm");
  });

  it("pentium2", async () => {
    const { qemu, ours, diff } = await compareRomUnderModel(rom, "pentium2", limit);
    expect(qemu.log.endsWith("done\n"), qemu.log + qemu.stderr).toBe(true);
    expect(diff, `${diff}\n${ours.stderr}`).toBeNull();
  });
});

describe("CR4.PAE on a model without PAE (pcscope follows the SDM: #GP(0))", () => {
  for (const model of ["486", "pentium", "pcscope"]) {
    it(model, () => {
      const cpu = protectedCpuOf(model);
      expect(faultOf(() => writeControlRegister(cpu, 4, CR4_PAE))).toEqual([EXC_GP, 0]);
    });
  }
  it("pentium2 accepts it", () => {
    const cpu = protectedCpuOf("pentium2");
    writeControlRegister(cpu, 4, CR4_PAE);
    expect(cpu.cr4 & CR4_PAE).toBe(CR4_PAE);
  });
});
