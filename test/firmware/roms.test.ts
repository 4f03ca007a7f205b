// Differential tests: every self-checking ROM in firmware/tests runs under qemu-system-i386 and
// under `pcscope run`, and the two debug-console logs must be identical line for line. The ROMs
// mask architecturally undefined flags themselves (each mask is commented in the .asm with the
// SDM's sentence), so any difference is a behaviour difference. The committed .bin files must be
// what nasm builds from the sources.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { needPeers } from "../helpers/peers.ts";
import {
  assembleRom,
  BENCH_ROM_DIR,
  differentialRomSources,
  diffLogs,
  makeLimiter,
  romName,
  romSources,
  runRomPcscope,
  runRomQemu,
  TEST_ROM_DIR,
} from "../helpers/roms.ts";

const sources = differentialRomSources();
const binary = (source: string) => source.replace(/\.asm$/, ".bin");
// Two emulator processes at a time: the machine has two cores.
const limit = makeLimiter(2);

describe("test ROMs", () => {
  it("exist for every area the issue names", () => {
    expect(sources.map(romName)).toEqual(
      expect.arrayContaining([
        "alu",
        "shift",
        "muldiv",
        "bcd",
        "bits",
        "string",
        "pmode",
        "ring3",
        "paging",
        "v86",
        "traps",
        "iflags",
        "faults",
        "x87",
        "x87-pointers",
      ]),
    );
  });
});

describe.skipIf(!needPeers("qemu-system-i386"))("test ROMs: pcscope matches QEMU", () => {
  for (const source of sources) {
    it.concurrent(romName(source), async () => {
      const rom = binary(source);
      const [qemu, ours] = await Promise.all([limit(() => runRomQemu(rom)), limit(() => runRomPcscope(rom))]);
      // The ROM itself must run to its end under the reference.
      expect(qemu.timedOut, `qemu timed out: ${qemu.stderr}`).toBe(false);
      expect(qemu.log.endsWith("done\n"), `the ROM did not finish under QEMU:\n${qemu.log.slice(-500)}`).toBe(
        true,
      );
      expect(ours.timedOut, "pcscope timed out").toBe(false);
      const diff = diffLogs(qemu.log, ours.log);
      expect(diff, `${diff}\npcscope stderr: ${ours.stderr.slice(-1500)}`).toBeNull();
      // isa-debug-exit with 0 gives status 1 in both.
      expect(ours.status).toBe(qemu.status);
    });
  }
});

describe.skipIf(!needPeers("nasm"))("test and bench ROMs rebuild byte-identically", () => {
  for (const source of [...romSources(TEST_ROM_DIR), ...romSources(BENCH_ROM_DIR)]) {
    it.concurrent(romName(source), async () => {
      const built = await limit(() => assembleRom(source));
      expect(
        built.equals(readFileSync(binary(source))),
        `${binary(source)} is stale: run firmware/tests/build.sh`,
      ).toBe(true);
    });
  }
});

describe("diffLogs", () => {
  it("reports the first differing line with context and the count", () => {
    expect(diffLogs("a\nb\n", "a\nb\n")).toBeNull();
    const d = diffLogs("l1\nl2\nl3\nl4\n", "l1\nl2\nX3\nl4\nextra\n")!;
    expect(d).toContain("first difference at line 3 (2 of 5 lines differ)");
    expect(d).toContain("    l2");
    expect(d).toContain("  - qemu:    l3");
    expect(d).toContain("  + pcscope: X3");
    expect(diffLogs("a\n", "")).toContain("+ pcscope: <end of log>");
    expect(diffLogs("a\n", "a")).toBe("the logs differ only in their final newline");
  });
});
