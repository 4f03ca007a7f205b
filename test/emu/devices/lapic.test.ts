// The local APIC and the I/O APIC against QEMU 7.2: firmware/tests/apic/apic.asm drives the timer,
// TPR/PPR, priorities, IPIs, LINT0 and the I/O APIC's edge and level pins and prints what it sees
// in an order that does not depend on timing; the debug-console logs must be identical.
import { beforeAll, describe, expect, it } from "vitest";
import { needPeers } from "../../helpers/peers.ts";
import { assembleTestRomFile, compareRomOnPc } from "../../helpers/roms.ts";

describe.skipIf(!needPeers("qemu-system-i386", "nasm"))("local APIC and I/O APIC, against QEMU 7.2", () => {
  let rom: string;
  beforeAll(async () => {
    rom = await assembleTestRomFile("apic/apic.asm");
  });

  it("gives the same log", async () => {
    const { qemu, ours, diff } = await compareRomOnPc(rom);
    expect(qemu.log.endsWith("done\n"), qemu.log + qemu.stderr).toBe(true);
    expect(diff, `${ours.log}\n${ours.stderr}`).toBeNull();
  });
});
