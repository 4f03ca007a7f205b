// The PIIX4 PM function's switch into ACPI mode through the APM control port, against QEMU 7.2
// (firmware/tests/pm): PM1_CNT.SCI_EN set by ACPI_ENABLE and cleared by ACPI_DISABLE, the APM ports
// read back; S5 (SLP_EN, SLP_TYP 0) ends the run with status 0. Linux writes ACPI_ENABLE at boot and says "Hardware did not enter ACPI mode" otherwise.
import { beforeAll, describe, expect, it } from "vitest";
import { needPeers } from "../../helpers/peers.ts";
import { assembleTestRomFile, compareRomOnPc } from "../../helpers/roms.ts";

describe.skipIf(!needPeers("qemu-system-i386", "nasm"))("PIIX4 PM ACPI mode, against QEMU 7.2", () => {
  let rom: string;
  beforeAll(async () => {
    rom = await assembleTestRomFile("pm/pm.asm");
  });

  it("gives the same log", async () => {
    const { qemu, ours, diff } = await compareRomOnPc(rom);
    expect(qemu.log.endsWith("done\n"), qemu.log + qemu.stderr).toBe(true);
    expect(diff, `${ours.log}\n${ours.stderr}`).toBeNull();
    // S5 ends both runs with status 0, pcscope saying why.
    expect(qemu.status).toBe(0);
    expect(ours.status).toBe(0);
    expect(ours.stderr).toContain("the guest powered off");
  });
});
