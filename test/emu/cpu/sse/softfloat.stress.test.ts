// SSE softfloat against the host CPU on seeded random operands (softfloat-harness.ts's generator:
// random bits, extreme exponents, and operands close to each other for cancellation, halfway and
// sticky cases), every op under a random RC/DAZ/FTZ setting. `npm run stress COUNT` runs COUNT.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { needPeers } from "../../../helpers/peers.ts";
import { stressCount } from "../../../helpers/stress.ts";
import { buildHarness, disagreements, hostIsX86, randomCases } from "./softfloat-harness.ts";

/** Cases per harness run: bounds the memory of one batch. */
const BATCH = 200_000;

describe.skipIf(!hostIsX86() || !needPeers("gcc"))(
  "SSE softfloat against the host CPU, random operands",
  () => {
    let harness: { exe: string; cleanup: () => void };
    beforeAll(() => {
      harness = buildHarness();
    });
    afterAll(() => harness?.cleanup());

    it("agrees on every seeded random case", () => {
      const total = stressCount(20_000);
      const bad: string[] = [];
      for (let done = 0, seed = 0x5eed; done < total; done += BATCH, seed++)
        bad.push(...disagreements(harness.exe, randomCases(seed, Math.min(BATCH, total - done))));
      expect(bad.slice(0, 30), `${bad.length} disagreements in ${total} cases`).toEqual([]);
    });
  },
);
