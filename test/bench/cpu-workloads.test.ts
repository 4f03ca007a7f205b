// The per-mode CPU benchmark guests do the work the benchmark claims: with a few loop passes
// patched in, each retires exactly its documented instruction count under pcscope (translation on
// and off) and under QEMU TCG (counted from `-singlestep -d exec,nochain`, one log line per
// instruction, a REP iteration each), and prints the same results under both. Their formulas in
// bench/lib/cpu-workloads.ts are the ones their .asm files document.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  MODE_WORKLOADS,
  type ModeWorkload,
  ROM_DIR,
  romIterations,
  withIterations,
  workloadRom,
} from "../../bench/lib/cpu-workloads.ts";
import { createBareMachine } from "../../src/emu/machine/board-bare.ts";
import { needPeers } from "../helpers/peers.ts";
import { DEBUG_EXIT_PORT, DEBUGCON_PORT, runRomQemu } from "../helpers/roms.ts";

/** Loop passes for the checks: a few, so a data-dependent branch goes both ways. */
const PASSES: Record<string, number> = { "real-mode": 5, flat32: 5, "paging-heavy": 2 };
/** isa-debug-exit with 0: the exit status QEMU and pcscope report. */
const EXIT_STATUS = 1;

/** The loop passes the checks patch into a workload's ROM. */
function passes(w: ModeWorkload): number {
  const n = PASSES[w.name];
  if (n === undefined) throw new Error(`no test loop count for ${w.name}`);
  return n;
}

/** Console text, exit and instructions retired of a pcscope run of `rom`. */
function runPcscope(rom: Uint8Array, jit: boolean, budget: number) {
  let text = "";
  const m = createBareMachine({
    bios: rom,
    jit,
    debugExit: { port: DEBUG_EXIT_PORT, size: 1 },
    debugcons: [{ port: DEBUGCON_PORT, sink: { write: (b) => (text += String.fromCharCode(b)) } }],
  });
  const event = m.run(budget);
  return { text, event, instructions: m.describeCpu(0).instructions };
}

/** The [constant, per-pass] terms of the `TOTAL = A + B*ITERATIONS` line of a workload's .asm. */
function documentedFormula(w: ModeWorkload): [number, number] {
  const source = readFileSync(join(ROM_DIR, `${w.name}.asm`), "latin1");
  const m = /TOTAL = (\d+) \+ (\d+)\*ITERATIONS/.exec(source);
  if (m === null) throw new Error(`${w.name}.asm documents no TOTAL = A + B*ITERATIONS`);
  return [Number(m[1]), Number(m[2])];
}

describe("per-mode CPU benchmark guests", () => {
  for (const w of MODE_WORKLOADS) {
    describe(w.name, () => {
      const rom = withIterations(workloadRom(w), passes(w));
      const expected = w.instructions(passes(w));

      it("has the instruction formula its source documents, and a loop count in the ROM", () => {
        const [constant, perPass] = documentedFormula(w);
        for (const n of [1, 7, romIterations(workloadRom(w))])
          expect(w.instructions(n)).toBe(constant + perPass * n);
        expect(romIterations(rom)).toBe(passes(w));
      });

      it("retires exactly the formula's count under pcscope, translating or not, printing the same", () => {
        const translated = runPcscope(rom, true, expected * 2);
        const interpreted = runPcscope(rom, false, expected * 2);
        expect(translated.event).toEqual({ kind: "exit", status: EXIT_STATUS });
        expect(translated.instructions).toBe(expected);
        expect(interpreted).toEqual(translated);
        expect(translated.text).toMatch(/^([0-9A-F]{8}\n)+$/);
      });

      it.skipIf(!needPeers("qemu-system-i386"))(
        "retires the same count and prints the same results under QEMU",
        async () => {
          const dir = mkdtempSync(join(tmpdir(), "pcscope-workload-"));
          try {
            const romPath = join(dir, `${w.name}.bin`);
            const logPath = join(dir, "exec.log");
            writeFileSync(romPath, rom);
            const execLog = ["-singlestep", "-d", "exec,nochain", "-D", logPath];
            const qemu = await runRomQemu(romPath, 30_000, execLog);
            expect(qemu.status, qemu.stderr).toBe(EXIT_STATUS);
            const executed = readFileSync(logPath, "latin1").match(/^Trace /gm)?.length ?? 0;
            expect(executed).toBe(expected);
            expect(qemu.log).toBe(runPcscope(rom, true, expected * 2).text);
          } finally {
            rmSync(dir, { recursive: true, force: true });
          }
        },
      );
    });
  }
});
