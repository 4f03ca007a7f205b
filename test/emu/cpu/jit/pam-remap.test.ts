// PAM remapping the shadowed BIOS under hot translated code (issue #13's self-modifying-code cases):
// firmware/tests/pam/pam-remap.asm switches the F segment between ROM and a patched DRAM copy while a
// translated loop keeps calling into it. QEMU TCG, pcscope translating and pcscope interpreting all
// print "ABABB"; in process, the translated run shows its blocks ran. The ROM's last line shows where
// pcscope deliberately differs: PAM's write-only mode reads the ROM, as the 82441FX datasheet says,
// where QEMU 7.2 reads DRAM.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createPcMachine } from "../../../../src/emu/machine/pc.ts";
import { needPeers } from "../../../helpers/peers.ts";
import {
  assembleTestRomFile,
  compareRomOnPc,
  DEBUG_EXIT_PORT,
  DEBUGCON_PORT,
  runRomPcscope,
} from "../../../helpers/roms.ts";

const EXPECTED = "ABABB\nAC\ndone\n";
const QEMU_EXPECTED = "ABABB\nBC\ndone\n";

describe.skipIf(!needPeers("qemu-system-i386", "nasm"))("PAM remapping under translated code", () => {
  it("prints what QEMU prints, translating and interpreting", async () => {
    const rom = await assembleTestRomFile("pam/pam-remap.asm");
    const { qemu, ours } = await compareRomOnPc(rom);
    expect(qemu.log).toBe(QEMU_EXPECTED);
    expect(ours.log).toBe(EXPECTED);
    const interpreted = await runRomPcscope(rom, 30_000, ["--machine", "pc", "--no-jit"]);
    expect(interpreted.log).toBe(EXPECTED);

    let text = "";
    const m = createPcMachine({
      bios: readFileSync(rom),
      jit: true,
      debugcons: [{ port: DEBUGCON_PORT, sink: { write: (b) => (text += String.fromCharCode(b)) } }],
      debugExit: { port: DEBUG_EXIT_PORT, size: 1 },
    });
    expect(m.run(10_000_000).kind).toBe("exit");
    expect(text).toBe(EXPECTED);
    expect(m.monitorInfo("jit")).toMatch(/hit rate: \d+\.\d% \([1-9]\d* block runs/);
  });
});
