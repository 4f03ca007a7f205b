// Translation on, off, and inline from the start (second translations for every block) give the
// same runs of every differential test ROM (issue #13): the same
// debug-console bytes, the same retired-instruction count at the exit, and the same trace of port
// accesses with the same instruction stamps. The ROMs' logs are compared with QEMU TCG elsewhere
// (with translation on, the default), so together these show each passes both ways. Bare-machine
// ROMs run under the CPU model their QEMU comparison uses; device ROMs on the PC.
import { createHash } from "node:crypto";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { createBareMachine } from "../../../../src/emu/machine/board-bare.ts";
import type { Machine } from "../../../../src/emu/machine/machine.ts";
import { createPcMachine } from "../../../../src/emu/machine/pc.ts";
import { needPeers } from "../../../helpers/peers.ts";
import {
  assembleRom,
  DEBUG_EXIT_PORT,
  DEBUGCON_PORT,
  differentialRomSources,
  romName,
  TEST_ROM_DIR,
} from "../../../helpers/roms.ts";

/** Most instructions a ROM may take before it must have exited. */
const BUDGET = 100_000_000;
const SLICE = 1_000_000;
/**
 * ROMs compared over their first instructions only, to keep the suite's time: x87.asm (28 million
 * instructions, mostly soft-float, 12 s each way here under load) and simd.asm (6.8 million, 4 s);
 * these prefixes cover every operation group on the first operands.
 */
const PREFIX: Record<string, number> = { x87: 5_000_000, simd: 3_000_000 };

/** Bare-machine ROMs beyond firmware/tests/*.asm, with the CPU model their QEMU comparison uses. */
const MODEL_ROMS: [string, string][] = [
  ["cpuid/cpuid.asm", "pentium3"],
  ["fxsave/fxsave.asm", "qemu32"],
  ["msr/msr.asm", "pentium2"],
  ["pae/pae.asm", "pentium2"],
  ["sse/simd.asm", "qemu32"],
  ["sse/mmx-models.asm", "pentium2"],
  ["sse-float/sse-float.asm", "qemu32"],
  ["sysenter/sysenter.asm", "pentium2"],
];
/** Device ROMs, run on the PC as their QEMU comparisons run them. */
const PC_ROMS = ["apic/apic.asm", "apic/hpet.asm", "pm/pm.asm", "acpi-hotplug/acpi-hotplug.asm"];

/** One run: console text, instructions at the end, how it ended, a hash of the port trace. */
interface Outcome {
  text: string;
  instructions: number;
  end: string;
  trace: string;
}

/**
 * Runs `m` to its end or `budget` instructions (a reset the machine performs itself goes on, as
 * under `pcscope run`), collecting what Outcome compares.
 */
async function runToEnd(m: Machine, text: () => string, budget: number): Promise<Outcome> {
  const trace = createHash("sha256");
  m.trace.subscribe("portio_*", (e) => trace.update(`${e.name} ${e.insn} ${JSON.stringify(e.fields)}\n`));
  let end = "budget";
  for (let ran = 0; ran < budget; ran += SLICE) {
    const event = m.run(Math.min(SLICE, budget - ran));
    await new Promise(setImmediate); // the test worker answers vitest between slices
    if (event.kind !== "budget" && event.kind !== "reset") {
      end = JSON.stringify(event);
      break;
    }
  }
  return { text: text(), instructions: m.describeCpu(0).instructions, end, trace: trace.digest("hex") };
}

/**
 * How a run translates: not at all, as configured (the suite translates after 40 entries and
 * again inline after 200 runs), or inline from the first translation on.
 */
type Translation = "off" | "on" | "inline";

/** Sets `m`'s translation to `mode`. */
function translating(m: Machine, mode: Translation): Machine {
  if (mode === "inline") m.cpus[0]!.jit.tier2Runs = 1;
  return m;
}

/** The ROM on the bare machine under `model`, translating as `mode` says. */
function bare(rom: Buffer, model: string, mode: Translation, budget: number): Promise<Outcome> {
  let text = "";
  const m = createBareMachine({
    bios: rom,
    cpuModel: model,
    jit: mode !== "off",
    debugcons: [{ port: DEBUGCON_PORT, sink: { write: (b) => (text += String.fromCharCode(b)) } }],
    debugExit: { port: DEBUG_EXIT_PORT, size: 1 },
  });
  return runToEnd(translating(m, mode), () => text, budget);
}

/** The ROM on the PC, translating as `mode` says. */
function pc(rom: Buffer, mode: Translation): Promise<Outcome> {
  let text = "";
  const m = createPcMachine({
    bios: rom,
    jit: mode !== "off",
    debugcons: [{ port: DEBUGCON_PORT, sink: { write: (b) => (text += String.fromCharCode(b)) } }],
    debugExit: { port: DEBUG_EXIT_PORT, size: 1 },
    rtcBase: new Date("2026-01-01T00:00:00Z"),
  });
  return runToEnd(translating(m, mode), () => text, BUDGET);
}

describe.skipIf(!needPeers("nasm"))("translation on and off give the same runs of the test ROMs", () => {
  const roms = new Map<string, Buffer>();
  const bareCases: [string, string][] = [
    ...differentialRomSources().map((src) => [src, "qemu32"] as [string, string]),
    ...MODEL_ROMS.map(([rel, model]) => [join(TEST_ROM_DIR, rel), model] as [string, string]),
  ];
  beforeAll(async () => {
    for (const src of [...bareCases.map(([s]) => s), ...PC_ROMS.map((r) => join(TEST_ROM_DIR, r))])
      roms.set(src, await assembleRom(src));
  }, 120_000);

  it.each(bareCases.map(([src, model]) => [romName(src), src, model]))(
    "%s (bare machine)",
    async (name, src, model) => {
      const prefix = PREFIX[name];
      const on = await bare(roms.get(src)!, model, "on", prefix ?? BUDGET);
      const off = await bare(roms.get(src)!, model, "off", prefix ?? BUDGET);
      const inline = await bare(roms.get(src)!, model, "inline", prefix ?? BUDGET);
      if (prefix === undefined) {
        expect(on.end).toMatch(/"kind":"exit"/);
        expect(on.text).toContain("done");
      } else expect(on.instructions).toBe(prefix);
      expect(on).toEqual(off);
      expect(inline).toEqual(off);
    },
  );

  it.each(PC_ROMS.map((rel) => [romName(rel), join(TEST_ROM_DIR, rel)]))("%s (PC)", async (_, src) => {
    const on = await pc(roms.get(src)!, "on");
    const off = await pc(roms.get(src)!, "off");
    const inline = await pc(roms.get(src)!, "inline");
    expect(on.end).toMatch(/"kind":"exit"/);
    expect(on).toEqual(off);
    expect(inline).toEqual(off);
  });
});
