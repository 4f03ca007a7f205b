// SSE scalar float arithmetic, comparisons and conversions against the host CPU running the same
// instructions (softfloat-harness.ts), with QEMU 7.2's known differences from the CPU applied.
// Seeded random operands: softfloat.stress.test.ts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { needPeers } from "../../../helpers/peers.ts";
import { buildHarness, disagreements, hostIsX86, specialCases } from "./softfloat-harness.ts";

const runnable = hostIsX86() && needPeers("gcc");
if (!hostIsX86()) console.warn("skipping: the SSE differential tests need an x86-64 host CPU");

describe.skipIf(!runnable)("SSE softfloat against the host CPU", () => {
  let harness: { exe: string; cleanup: () => void };
  beforeAll(() => {
    harness = buildHarness();
  });
  afterAll(() => harness?.cleanup());

  it("agrees on every op over special operands, in every rounding mode with DAZ/FTZ off and on", () => {
    const bad = disagreements(harness.exe, specialCases());
    expect(bad.slice(0, 30), `${bad.length} disagreements`).toEqual([]);
  });
});
