// RAM above 2 GiB up to its last byte (firmware/tests/highmem) under QEMU 7.2 -m 3583 and pcscope
// --mem 3583M, -cpu pentium2: the buffer offsets past int32 that the page maps and TLB entries hold
// as page numbers, translated code there, and page walks through tables in the last MiBs.
import { beforeAll, describe, expect, it } from "vitest";
import { needPeers } from "../../helpers/peers.ts";
import { assembleTestRomFile, compareRomUnderModel, makeLimiter } from "../../helpers/roms.ts";

const limit = makeLimiter(2);

describe.skipIf(!needPeers("qemu-system-i386", "nasm"))("RAM up to 3583 MiB, against QEMU 7.2", () => {
  let rom: string;
  beforeAll(async () => {
    rom = await assembleTestRomFile("highmem/highmem.asm");
  });

  it("reads, writes, copies into and runs code in RAM above 2 GiB, with and without paging", async () => {
    const { qemu, ours, diff } = await compareRomUnderModel(
      rom,
      "pentium2",
      limit,
      ["-m", "3583"],
      ["--mem", "3583M"],
    );
    expect(qemu.log.endsWith("done\n"), qemu.log + qemu.stderr).toBe(true);
    expect(diff, `${diff}\n${ours.stderr}`).toBeNull();
  }, 60_000);
});
