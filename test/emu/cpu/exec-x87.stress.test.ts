// x87 fuzz against QEMU 7.2: firmware/tests/x87/random.asm with a pair count and seed from
// PCSCOPE_STRESS_COUNT (`npm run stress COUNT`; a small count under `npm test`), once through the
// arithmetic (FADD...FIST) and once through the transcendental and scaling instructions (FPATAN,
// FYL2X, FYL2XP1, F2XM1, FSCALE, FXTRACT, FBSTP, FPREM), each pair under eight control words. The
// logs must be identical. (FSIN and its kin are left to libm.test.ts: glibc is 1 ulp off on about
// 0.1% of arguments.)
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { needPeers } from "../../helpers/peers.ts";
import { assembleRom, diffLogs, makeLimiter, runRomPcscope, runRomQemu } from "../../helpers/roms.ts";
import { stressCount } from "../../helpers/stress.ts";

const limit = makeLimiter(2);
const pairs = stressCount(40);
/** Each emulator's time limit, scaled with the count (both print about 500 pairs a second here). */
const seconds = 30 + Math.ceil(pairs / 50);

/** Assembles random.asm with PAIRS, SEED and optionally TRANSCENDENTAL; returns the ROM's path. */
async function fuzzRom(transcendental: boolean): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "pcscope-x87-fuzz-"));
  const source = join(dir, "fuzz.asm");
  const seed = (0x9e3779b9 ^ Math.imul(pairs, 0x85ebca6b)) >>> 0 || 1;
  writeFileSync(
    source,
    `%define PAIRS ${pairs}\n%define SEED 0x${seed.toString(16)}\n` +
      (transcendental ? "%define TRANSCENDENTAL\n" : "") +
      '%include "x87/random.asm"\n',
  );
  const rom = join(dir, "fuzz.bin");
  writeFileSync(rom, await assembleRom(source));
  return rom;
}

describe.skipIf(!needPeers("qemu-system-i386", "nasm"))(`x87 fuzz, ${pairs} random pairs`, () => {
  for (const transcendental of [false, true]) {
    it.concurrent(
      transcendental ? "transcendental and scaling" : "arithmetic",
      async () => {
        const rom = await fuzzRom(transcendental);
        const [qemu, ours] = await Promise.all([
          limit(() => runRomQemu(rom, seconds * 1000, ["-cpu", "pentium2"])),
          limit(() => runRomPcscope(rom, seconds * 1000, ["--cpu", "pentium2"])),
        ]);
        const diff = diffLogs(qemu.log, ours.log);
        expect(qemu.log.endsWith("done\n"), qemu.stderr).toBe(true);
        expect(qemu.log.split("\n").length).toBeGreaterThan(pairs * 8);
        expect(diff, `${diff}\n${ours.stderr}`).toBeNull();
      },
      3 * seconds * 1000,
    );
  }
});
