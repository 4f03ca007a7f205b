// QEMU 7.2's ACPI PCI hot-plug (0xae00), CPU hot-plug (0xaf00, legacy bitmap then the modern
// interface) and GPE0 (0xafe0) blocks against pcscope's (src/emu/devices/acpi-*.ts): every port of
// each read as bytes, words and dwords, then written as the DSDT's AML does and read back
// (firmware/tests/acpi-hotplug), then read again after a reset (the CPU block stays modern, GPE0
// clears), under 1, 2 and 8 vCPUs and 2 of 4 possible; the debug-console logs must be byte-identical.
import { beforeAll, describe, expect, it } from "vitest";
import { needPeers } from "../../helpers/peers.ts";
import { assembleTestRomFile, compareRomOnPc } from "../../helpers/roms.ts";

describe.skipIf(!needPeers("qemu-system-i386", "nasm"))(
  "ACPI hot-plug and GPE0 ports, against QEMU 7.2",
  () => {
    let rom: string;
    beforeAll(async () => {
      rom = await assembleTestRomFile("acpi-hotplug/acpi-hotplug.asm");
    });

    it.each(["1", "2", "8", "2,maxcpus=4"])("gives the same log with -smp %s", async (smp) => {
      const { qemu, ours, diff } = await compareRomOnPc(rom, smp);
      expect(qemu.log.endsWith("done\n"), qemu.log + qemu.stderr).toBe(true);
      expect(qemu.log).toContain("\nafter reset\n");
      expect(diff, `${ours.stderr}`).toBeNull();
    });
  },
);
