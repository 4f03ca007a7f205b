// The SSE float instructions (exec-sse-float.ts) against QEMU 7.2, ROMs run under
// qemu-system-i386 -cpu qemu32 and pcscope --cpu qemu32 with identical debug-console logs: the
// generated case ROM (softfloat-rom.ts: every scalar op in register form over special and random
// operands, RC/DAZ/FTZ settings, RCP/RSQRT, unmasked exceptions), and firmware/tests/sse-float
// (the packed and scalar forms with memory operands, upper lanes, the MMX conversions and MMX mode,
// COMIS flags, CMPcc immediates, the #UD forms, alignment #GP).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { needPeers } from "../../../helpers/peers.ts";
import { assembleTestRomFile, compareRomUnderModel, makeLimiter } from "../../../helpers/roms.ts";
import { type HwCase, MXCSR_MASKED, randomCases, specialCases } from "./softfloat-harness.ts";
import { buildCaseRom, ROM_MAX_CASES } from "./softfloat-rom.ts";

const limit = makeLimiter(2);

/** Cases for the ROM: unmasked exceptions, RCP/RSQRT, then special and random cases, interleaved. */
function romCases(): HwCase[] {
  const cases: HwCase[] = [
    { op: "divss", mxcsr: 0, a: 0x3f800000n, b: 0n },
    { op: "addss", mxcsr: 0, a: 0x3f800000n, b: 0x33000000n },
    { op: "sqrtsd", mxcsr: 0, a: 0xbff0000000000000n, b: 0n },
    { op: "rcpss", mxcsr: MXCSR_MASKED, a: 0x40400000n, b: 0n },
    { op: "rsqrtss", mxcsr: MXCSR_MASKED, a: 0x40400000n, b: 0n },
  ];
  const special = specialCases();
  const step = Math.floor(special.length / (ROM_MAX_CASES / 2));
  for (let i = 0; i < special.length && cases.length < ROM_MAX_CASES / 2; i += step) cases.push(special[i]!);
  return [...cases, ...randomCases(0xf10a7, ROM_MAX_CASES - cases.length)];
}

describe.skipIf(!needPeers("qemu-system-i386", "nasm"))("SSE float instructions, against QEMU 7.2", () => {
  let caseRom: { rom: string; cleanup: () => void };
  let formsRom: string;
  beforeAll(async () => {
    caseRom = await buildCaseRom(romCases());
    formsRom = await assembleTestRomFile("sse-float/sse-float.asm");
  });
  afterAll(() => caseRom?.cleanup());

  it.concurrent("every scalar op over special and random operands", async () => {
    const { qemu, ours, diff } = await compareRomUnderModel(caseRom.rom, "qemu32", limit);
    expect(qemu.log.endsWith("done\n"), qemu.stderr).toBe(true);
    expect(diff, `${diff}\n${ours.stderr}`).toBeNull();
  });

  it.concurrent("packed and scalar forms, memory operands, MMX conversions, faults", async () => {
    const { qemu, ours, diff } = await compareRomUnderModel(formsRom, "qemu32", limit);
    expect(qemu.log.endsWith("done\n"), qemu.stderr).toBe(true);
    expect(diff, `${diff}\n${ours.stderr}`).toBeNull();
  });
});
