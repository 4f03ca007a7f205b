// SSE float arithmetic against QEMU 7.2 itself: a ROM (softfloat-rom.ts) runs a table of cases
// under qemu-system-i386 -cpu qemu32 (TCG) and prints each result and MXCSR; pcscope's softfloat
// must give the same bits. The table aims at where QEMU differs from the host CPU (so the host
// differential in softfloat.test.ts has to model QEMU there): two NaN operands, MIN/MAX under DAZ,
// FTZ on results that round up to the smallest normal, the DE flag, and RCP/RSQRT (computed
// exactly by QEMU), plus seeded random cases over every op.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { needPeers } from "../../../helpers/peers.ts";
import { runRomQemu } from "../../../helpers/roms.ts";
import {
  ALL_MODES,
  F32_SPECIALS,
  type HwCase,
  MXCSR_MASKED,
  randomCases,
  runOnPcscope,
} from "./softfloat-harness.ts";
import { buildCaseRom, parseRomLog, ROM_MAX_CASES } from "./softfloat-rom.ts";

const DAZ = 0x40;
const FTZ = 0x8000;

/** Every op of `ops` on every pair of `values`, under each MXCSR of `modes`. */
function crossed(ops: string[], values: bigint[], modes: readonly number[]): HwCase[] {
  return ops.flatMap((op) =>
    modes.flatMap((mxcsr) => values.flatMap((a) => values.map((b) => ({ op, mxcsr, a, b })))),
  );
}

/** The cases aimed at QEMU's own behaviour, then random ones up to the ROM's capacity. */
function qemuCases(): HwCase[] {
  const nan32 = [
    0x7fc00000n,
    0xffc00000n,
    0x7fc12345n,
    0xffe00001n,
    0x7f800001n,
    0x7fa00000n,
    0xff812345n,
    0x3f800000n,
  ];
  const nan64 = [
    0x7ff8000000000000n,
    0xfff8000000000000n,
    0x7ff8000000012345n,
    0xfffc000000000001n,
    0x7ff0000000000001n,
    0x7ff4000000000000n,
    0xfff0000012345678n,
    0x3ff0000000000000n,
  ];
  const den32 = [0x1n, 0x807fffffn, 0x0n, 0x80000000n, 0x3f800000n, 0x00800000n];
  const den64 = [
    0x1n,
    0x800fffffffffffffn,
    0x0n,
    0x8000000000000000n,
    0x3ff0000000000000n,
    0x0010000000000000n,
  ];
  const ftzModes = [
    MXCSR_MASKED,
    MXCSR_MASKED | FTZ,
    MXCSR_MASKED | FTZ | 0x2000,
    MXCSR_MASKED | FTZ | 0x4000,
  ];
  const cases: HwCase[] = [
    ...crossed(["addss", "subss", "mulss", "divss", "minss", "maxss"], nan32, [MXCSR_MASKED]),
    ...crossed(["addsd", "subsd", "mulsd", "divsd", "minsd", "maxsd"], nan64, [MXCSR_MASKED]),
    ...crossed(["minss", "maxss", "addss"], den32, [MXCSR_MASKED | DAZ]),
    ...crossed(["minsd", "maxsd", "addsd"], den64, [MXCSR_MASKED | DAZ]),
    ...crossed(["mulss"], [0x807fffffn, 0x7fffffn, 0x3f800001n, 0x00800001n], ftzModes),
    ...crossed(["mulsd"], [0x800fffffffffffffn, 0xfffffffffffffn, 0x3ff0000000000001n], ftzModes),
    ...crossed(
      ["subss"],
      [0x00800001n, 0x00800000n, 0x00000001n],
      [MXCSR_MASKED | FTZ, MXCSR_MASKED | FTZ | DAZ],
    ),
  ];
  for (const a of [
    0x380fffffffffffffn,
    0x380ffffff0000000n,
    0x3810000000000000n,
    0x36a0000000000000n,
    0x3690000000000001n,
  ])
    for (const mxcsr of ALL_MODES) cases.push({ op: "cvtsd2ss", mxcsr, a, b: 0n });
  for (const op of ["rcpss", "rsqrtss"])
    for (const mxcsr of [MXCSR_MASKED, MXCSR_MASKED | 0x4000 | FTZ])
      for (const a of F32_SPECIALS) cases.push({ op, mxcsr, a, b: 0n });
  return [...cases, ...randomCases(0xc0de, ROM_MAX_CASES - cases.length)];
}

describe.skipIf(!needPeers("qemu-system-i386", "nasm"))("SSE softfloat against QEMU 7.2", () => {
  const cases = qemuCases();
  let built: { rom: string; cleanup: () => void };
  beforeAll(async () => {
    built = await buildCaseRom(cases);
  });
  afterAll(() => built?.cleanup());

  it("gives QEMU's bits and MXCSR flags for every case", async () => {
    const run = await runRomQemu(built.rom, 60_000, ["-cpu", "qemu32"]);
    expect(run.log.endsWith("done\n"), run.stderr).toBe(true);
    const qemu = parseRomLog(run.log, cases);
    const bad: string[] = [];
    cases.forEach((c, i) => {
      const got = runOnPcscope(c);
      const want = qemu[i]!;
      if (got.result !== want.result || got.status !== want.status)
        bad.push(
          `${c.op} mxcsr=${c.mxcsr.toString(16)} a=${c.a.toString(16)} b=${c.b.toString(16)}: ` +
            `pcscope ${got.result.toString(16)}/${got.status.toString(16)}, qemu ${want.result.toString(16)}/${want.status.toString(16)}`,
        );
    });
    expect(bad.slice(0, 30), `${bad.length} disagreements`).toEqual([]);
  });
});
