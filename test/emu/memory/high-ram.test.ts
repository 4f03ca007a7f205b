// RAM above 2 GiB up to its last byte (firmware/tests/highmem) under QEMU 7.2 -m 3583 and pcscope
// --mem 3583M, -cpu pentium2: the buffer offsets past int32 that the page maps and TLB entries hold
// as page numbers, translated code there, and page walks through tables in the last MiBs. Then RAM
// above 4 GiB on the PC with -m 5G, through PAE and PSE-36 (above4g.asm), against QEMU 7.2.
import { beforeAll, describe, expect, it } from "vitest";
import { needPeers } from "../../helpers/peers.ts";
import {
  assembleTestRomFile,
  compareRomUnderModel,
  diffLogs,
  makeLimiter,
  runRomPcscope,
  runRomQemu,
} from "../../helpers/roms.ts";

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

describe.skipIf(!needPeers("qemu-system-i386", "qemu-system-x86_64", "nasm"))(
  "RAM above 4 GiB with -m 5G, against QEMU 7.2",
  () => {
    let rom: string;
    beforeAll(async () => {
      rom = await assembleTestRomFile("highmem/above4g.asm");
    });

    it("reads, writes, copies into and runs code in RAM from 4 GiB to 6 GiB through PAE and PSE-36", async () => {
      const machine = ["-cpu", "pentium2", "-m", "5G"];
      const [x86_64, i386, ours] = await Promise.all([
        limit(() => runRomQemu(rom, 20_000, machine, "qemu-system-x86_64")),
        limit(() => runRomQemu(rom, 20_000, machine)),
        limit(() => runRomPcscope(rom, 30_000, ["--machine", "pc", "--cpu", "pentium2", "--mem", "5G"])),
      ]);
      expect(x86_64.log.endsWith("done\n"), x86_64.log + x86_64.stderr).toBe(true);
      expect(diffLogs(x86_64.log, ours.log), ours.stderr).toBeNull();
      // qemu-system-i386 7.2 truncates PAE table addresses to 32 bits: that line alone differs.
      const differing = (a: string, b: string) =>
        a.split("\n").filter((line, i) => line !== b.split("\n")[i]);
      expect(differing(ours.log, i386.log).map((l) => l.split(" eax=")[0])).toEqual(["tables above 4 GiB"]);
    }, 60_000);
  },
);
