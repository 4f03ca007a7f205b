// No host clock or host randomness reaches guest-visible state: two PCs built at different host
// times with the same options (the RTC's start date pinned, as QEMU's -rtc base=) run SeaBIOS to the
// same instruction and save identical states: CPUs, RAM and every device.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createPcMachine } from "../../../src/emu/machine/pc.ts";
import { SEABIOS } from "../../firmware/seabios-helpers.ts";
import { needPeers } from "../../helpers/peers.ts";

/** `v` with typed arrays as base64 strings (fast deep equality). */
function canon(v: unknown): unknown {
  if (ArrayBuffer.isView(v)) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString("base64");
  if (v instanceof Map) return [...v].map(canon);
  if (Array.isArray(v)) return v.map(canon);
  if (v !== null && typeof v === "object")
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, canon(x)]));
  return v;
}

describe.skipIf(!needPeers("seabios"))("host independence", () => {
  it("two SeaBIOS boots started apart in host time save the same state", async () => {
    const run = () => {
      const m = createPcMachine({
        bios: readFileSync(SEABIOS),
        rtcBase: new Date("2026-01-02T03:04:05Z"),
        debugcons: [{ port: 0x402, sink: null }],
        serials: [null],
      });
      m.run(2_000_000);
      const s = m.saveState();
      return {
        cpus: canon(s.cpus),
        devices: canon(s.devices),
        ram: createHash("sha256").update(m.memory.buffer).digest("hex"),
        log: m.debugcons[0]!.text(),
      };
    };
    const a = run();
    await new Promise((r) => setTimeout(r, 1100)); // the host clock moves on by more than a second
    const b = run();
    expect(a.log).toContain("SeaBIOS");
    expect(b).toEqual(a);
  });
});
