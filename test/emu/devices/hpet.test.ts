// The HPET against QEMU 7.2: firmware/tests/apic/hpet.asm reads its reset values, runs and halts the
// counter, takes timer interrupts in legacy replacement mode (periodic on IRQ0, level on IRQ8)
// and through a routed 32-bit comparator, and checks the PIT is cut off; the logs must be identical.
import { beforeAll, describe, expect, it } from "vitest";
import { needPeers } from "../../helpers/peers.ts";
import { assembleTestRomFile, compareRomOnPc } from "../../helpers/roms.ts";

describe.skipIf(!needPeers("qemu-system-i386", "nasm"))("HPET, against QEMU 7.2", () => {
  let rom: string;
  beforeAll(async () => {
    rom = await assembleTestRomFile("apic/hpet.asm");
  });

  it("gives the same log", async () => {
    const { qemu, ours, diff } = await compareRomOnPc(rom);
    expect(qemu.log.endsWith("done\n"), qemu.log + qemu.stderr).toBe(true);
    expect(diff, `${ours.log}\n${ours.stderr}`).toBeNull();
  });
});
