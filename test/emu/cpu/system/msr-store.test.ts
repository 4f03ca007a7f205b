// The stored MSRs (MTRRs, PAT, SYSENTER, machine check) of the P6 models. Against QEMU 7.2: a ROM
// (firmware/tests/msr) reads their power-on values and writes patterns under -cpu pentium2 and
// pentium3 and pcscope --cpu NAME; the logs must be identical (qemu32 lacks the MTRRs the ROM
// reads first: QEMU reads them as 0, pcscope raises #GP). Where pcscope differs on
// purpose (an absent or read-only MSR is #GP(0) per the SDM's RDMSR/WRMSR pseudocode; QEMU's TCG
// reads 0 and ignores the write), the unit tests below say so.
import { beforeAll, describe, expect, it } from "vitest";
import { EAX, ECX, EDX, EXC_GP } from "../../../../src/emu/cpu/state.ts";
import { readMsr, writeMsr } from "../../../../src/emu/cpu/system/index.ts";
import { needPeers } from "../../../helpers/peers.ts";
import { assembleTestRomFile, compareRomUnderModel, makeLimiter } from "../../../helpers/roms.ts";
import { faultOf, protectedCpuOf } from "./harness.ts";

const limit = makeLimiter(2);

describe.skipIf(!needPeers("qemu-system-i386", "nasm"))(
  "stored MSRs per --cpu model, against QEMU 7.2",
  () => {
    let rom: string;
    beforeAll(async () => {
      rom = await assembleTestRomFile("msr/msr.asm");
    });

    for (const model of ["pentium2", "pentium3"]) {
      it.concurrent(model, async () => {
        const { qemu, ours, diff } = await compareRomUnderModel(rom, model, limit);
        expect(qemu.log.endsWith("done\n"), qemu.stderr).toBe(true);
        expect(diff, `${diff}\n${ours.stderr}`).toBeNull();
      });
    }
  },
);

describe("MSRs a model lacks, and read-only ones (pcscope follows the SDM: #GP(0))", () => {
  it("pcscope's default model has no MTRRs, PAT, SYSENTER or machine-check MSRs", () => {
    const cpu = protectedCpuOf("pcscope");
    for (const msr of [0xfe, 0x200, 0x2ff, 0x277, 0x174, 0x179, 0x17b, 0x400]) {
      cpu.regs[ECX] = msr;
      expect(
        faultOf(() => readMsr(cpu)),
        `rdmsr ${msr.toString(16)}`,
      ).toEqual([EXC_GP, 0]);
      expect(
        faultOf(() => writeMsr(cpu)),
        `wrmsr ${msr.toString(16)}`,
      ).toEqual([EXC_GP, 0]);
    }
  });

  it("pentium2: MTRRcap and MCG_CAP are read-only; variable MTRRs stop at PHYSMASK7, banks at MC9", () => {
    const cpu = protectedCpuOf("pentium2");
    for (const msr of [0xfe, 0x179, 0x210, 0x428]) {
      cpu.regs[ECX] = msr;
      expect(
        faultOf(() => writeMsr(cpu)),
        `wrmsr ${msr.toString(16)}`,
      ).toEqual([EXC_GP, 0]);
    }
    cpu.regs[ECX] = 0xfe;
    readMsr(cpu);
    expect([cpu.regs[EDX], cpu.regs[EAX]]).toEqual([0, 0x508]);
  });

  it("a reset brings back PAT's power-on value and clears the MTRRs", () => {
    const cpu = protectedCpuOf("pentium3");
    cpu.regs[ECX] = 0x277;
    cpu.regs[EDX] = 0;
    cpu.regs[EAX] = 0;
    writeMsr(cpu);
    cpu.regs[ECX] = 0x2ff;
    cpu.regs[EAX] = 0xc06;
    writeMsr(cpu);
    cpu.reset(); // back in real mode, at CPL 0
    cpu.regs[ECX] = 0x277;
    readMsr(cpu);
    expect([cpu.regs[EDX], cpu.regs[EAX]]).toEqual([0x00070406, 0x00070406]);
    cpu.regs[ECX] = 0x2ff;
    readMsr(cpu);
    expect([cpu.regs[EDX], cpu.regs[EAX]]).toEqual([0, 0]);
  });
});
