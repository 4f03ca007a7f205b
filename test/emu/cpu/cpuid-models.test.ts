// CPUID as QEMU 7.2 answers it for each CPU model: a ROM dumps every leaf (firmware/tests/cpuid)
// under qemu-system-i386 -cpu NAME and under pcscope --cpu NAME, and the logs must be identical,
// with one vCPU and with two (QEMU's topology in CPUID.1 EBX, HTT and leaf 4).
import { beforeAll, describe, expect, it } from "vitest";
import { QEMU_MODEL_NAMES } from "../../../src/emu/cpu/cpuid-models.ts";
import { needPeers } from "../../helpers/peers.ts";
import { assembleTestRomFile, compareRomUnderModel, makeLimiter, runRomPcscope } from "../../helpers/roms.ts";

const limit = makeLimiter(2);

describe.skipIf(!needPeers("qemu-system-i386", "nasm"))("CPUID per --cpu model, against QEMU 7.2", () => {
  let rom: string;
  beforeAll(async () => {
    rom = await assembleTestRomFile("cpuid/cpuid.asm");
  });

  const cases = [
    ...QEMU_MODEL_NAMES.map((m) => [m, 1] as const),
    ["qemu32", 2] as const,
    ["pentium3", 2] as const,
  ];
  for (const [model, cpus] of cases) {
    it.concurrent(`${model}, ${cpus} vCPU${cpus > 1 ? "s" : ""}`, async () => {
      const smp = cpus > 1 ? ["-smp", String(cpus)] : [];
      const ourSmp = cpus > 1 ? ["--smp", String(cpus)] : [];
      const { qemu, ours, diff } = await compareRomUnderModel(rom, model, limit, smp, ourSmp);
      expect(qemu.log.endsWith("done\n"), qemu.stderr).toBe(true);
      expect(diff, `${diff}\n${ours.stderr}`).toBeNull();
    });
  }

  it("refuses an unknown model in one line, listing the models", async () => {
    const r = await runRomPcscope(rom, 30_000, ["--cpu", "core2duo"]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe(
      "pcscope: unable to find CPU model 'core2duo' (models: 486, pentium, pentium2, pentium3, qemu32, pcscope)",
    );
  });
});
