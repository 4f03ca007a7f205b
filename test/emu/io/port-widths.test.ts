// Port accesses of every width at every offset of side-effect-free registers, unaligned and running
// past a device's ports into a hole or the next device (firmware/tests/ports/widths.asm), against
// QEMU 7.2: the logs must be identical byte for byte. Measured before the bus followed QEMU's memory
// API: `inw 0x21` read 0xff00 (QEMU: 0), `outw 0xe8` printed its high byte through the debug console.
import { beforeAll, describe, expect, it } from "vitest";
import { needPeers } from "../../helpers/peers.ts";
import { assembleTestRomFile, compareRomOnPc } from "../../helpers/roms.ts";

describe.skipIf(!needPeers("qemu-system-i386", "nasm"))("port access widths, against QEMU 7.2", () => {
  let rom: string;
  beforeAll(async () => {
    rom = await assembleTestRomFile("ports/widths.asm");
  });

  it("gives the same log", async () => {
    const { qemu, ours, diff } = await compareRomOnPc(rom);
    expect(qemu.log.endsWith("done\n"), qemu.log + qemu.stderr).toBe(true);
    expect(qemu.log).toContain("inw 0x21 eax=5a5a0000");
    expect(diff, `${ours.log}\n${ours.stderr}`).toBeNull();
  });
});
