// Port accesses of every width at every offset of side-effect-free registers, unaligned and running
// past a device's ports into a hole or the next device (firmware/tests/ports/widths.asm), and the
// UART's (ports/uart.asm, one serial port each), against QEMU 7.2: the logs must be identical byte
// for byte. Measured before the bus followed QEMU's memory API: `inw 0x21` read 0xff00 (QEMU: 0),
// `outw 0xe8` printed its high byte through the debug console; 144 lines of widths.asm differed.
import { describe, expect, it } from "vitest";
import { needPeers } from "../../helpers/peers.ts";
import {
  assembleTestRomFile,
  compareRomOnPc,
  diffLogs,
  runRomPcscope,
  runRomQemu,
} from "../../helpers/roms.ts";

describe.skipIf(!needPeers("qemu-system-i386", "nasm"))("port access widths, against QEMU 7.2", () => {
  it("gives the same log on the PC's devices and holes", async () => {
    const rom = await assembleTestRomFile("ports/widths.asm");
    const { qemu, ours, diff } = await compareRomOnPc(rom);
    expect(qemu.log.endsWith("done\n"), qemu.log + qemu.stderr).toBe(true);
    expect(qemu.log).toContain("inw 0x21 eax=5a5a0000");
    expect(diff, `${ours.log}\n${ours.stderr}`).toBeNull();
  });

  it("gives the same log on the UART, whose registers take unaligned accesses", async () => {
    const rom = await assembleTestRomFile("ports/uart.asm");
    const [qemu, ours] = await Promise.all([
      runRomQemu(rom, 20_000, ["-serial", "null"]),
      runRomPcscope(rom, 30_000, ["--machine", "pc", "--serial", "null"]),
    ]);
    expect(qemu.log.endsWith("done\n"), qemu.log + qemu.stderr).toBe(true);
    expect(qemu.log).toContain("inw 0x3f9 eax=5a5a0105");
    expect(diffLogs(qemu.log, ours.log), `${ours.log}\n${ours.stderr}`).toBeNull();
  });
});
