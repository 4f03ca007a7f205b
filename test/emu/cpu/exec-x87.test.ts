// The x87 FPU against QEMU 7.2's TCG: the ROMs in firmware/tests/x87 run every x87 operation over a
// table of operands (zeros, ones, ordinary and irregular values, denormals, pseudo-denormals,
// unnormals, pseudo-NaNs and pseudo-infinities, the largest and smallest normals, infinities, quiet
// and signalling NaNs) under the rounding and precision controls, print the FNSAVE image's words,
// ST(0)-ST(2), the memory operand and EFLAGS after each case, and take unmasked exceptions with
// CR0.NE (#MF at FWAIT); random.asm adds pseudo-random operand pairs, state.asm FNSAVE/FRSTOR/FLDENV
// images in protected mode, stores faulting on a not-present page and flags unmasked after the
// fact. Under -cpu pentium2 and pcscope --cpu pentium2 the logs must be identical byte for byte,
// transcendentals included (FSIN and friends match glibc on every operand of the table;
// libm.test.ts bounds them elsewhere).
import { beforeAll, describe, expect, it } from "vitest";
import { needPeers } from "../../helpers/peers.ts";
import { assembleTestRomFile, compareRomUnderModel, makeLimiter } from "../../helpers/roms.ts";

const limit = makeLimiter(2);
/** The ROMs and the fewest lines each prints (a ROM that stops early fails), under pentium2. */
const ROMS: Record<string, number> = {
  add: 20_000,
  mul: 20_000,
  compare: 10_000,
  transcendental: 20_000,
  unary: 20_000,
  random: 1_900,
  state: 130,
  cmov: 12,
};

describe.skipIf(!needPeers("qemu-system-i386", "nasm"))("x87 against QEMU 7.2", () => {
  const roms = new Map<string, string>();
  beforeAll(async () => {
    for (const name of Object.keys(ROMS)) roms.set(name, await assembleTestRomFile(`x87/${name}.asm`));
  });

  /** Runs ROM `name` under `model` in both and expects identical logs of at least `lines` lines. */
  async function expectIdentical(name: string, model: string, lines: number): Promise<void> {
    const { qemu, ours, diff } = await compareRomUnderModel(roms.get(name)!, model, limit);
    expect(qemu.timedOut, `qemu timed out: ${qemu.stderr}`).toBe(false);
    expect(qemu.log.endsWith("done\n"), qemu.stderr).toBe(true);
    expect(qemu.log.split("\n").length).toBeGreaterThan(lines);
    expect(diff, `${diff}\n${ours.stderr}`).toBeNull();
  }

  for (const [name, lines] of Object.entries(ROMS)) {
    it.concurrent(`${name} (pentium2)`, () => expectIdentical(name, "pentium2", lines));
  }

  it.concurrent("cmov (pentium: FCMOVcc and FCOMI are #UD without CPUID.CMOV)", async () => {
    await expectIdentical("cmov", "pentium", 12);
  });
});
