// CPU benchmark: the guest ROM bench/roms/cpu-bench.bin (ALU loop, REP MOVSD, CALL/RET chain, a
// paging-on loop; exactly GUEST_INSTRUCTIONS instructions, see the .asm) timed in-process under
// pcscope with translation (the default), under pcscope's interpreter (--no-jit) and under
// `qemu-system-i386 -accel tcg` (minus QEMU's start-up time, measured with a ROM that exits at
// once): one warm-up run of each pcscope mode, then five runs of each, interleaved; medians of guest
// MIPS (wall clock) and their ratios. (v86 is not run here: it has no isa-debug-exit to end the
// ROM by; bench/linux.bench.ts runs it beside us on the Linux boot.) The cost of 100 breakpoints set off the executed path is measured
// by running two machines, one with them and one without, in alternate slices of the same guest
// (this host's speed drifts by far more than 5% between whole runs, slices see the same drift):
// the median over three such runs. The issue's bars: >= 30 MIPS, < 5% slowdown.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createBareMachine } from "../src/emu/machine/board-bare.ts";
import { alternateSlices } from "./lib/alternate.ts";
import { DEBUG_EXIT_PORT, timeQemu, trivialRom } from "./lib/qemu.ts";
import { median, report } from "./lib/report.ts";

const ROM = join(dirname(fileURLToPath(import.meta.url)), "roms", "cpu-bench.bin");
/** 4132 + 10*N1 + 16389*N2 + 11*N3 + 8*N4 with the ROM's defaults (see cpu-bench.asm). */
const GUEST_INSTRUCTIONS = 104_393_132;
const RUNS = 5;
/** Breakpoint-cost runs, and the instructions each machine runs before the other's turn. */
const BP_RUNS = 3;
const SLICE = 1_000_000;
const MIPS_BAR = 30;
const SLOWDOWN_BAR_PERCENT = 5;

/**
 * 100 breakpoint addresses the guest never executes: 40 in the page holding the loops
 * (0xF1800-0xF1FFF is padding), 30 over pages 0xF2000-0xF3FFF and 30 over 0xF8000-0xFBFFF.
 */
function breakpointAddresses(): number[] {
  const out: number[] = [];
  for (let i = 0; i < 40; i++) out.push(0xf1800 + 0x30 * i);
  for (let i = 0; i < 30; i++) out.push(0xf2000 + 0x100 * i);
  for (let i = 0; i < 30; i++) out.push(0xf8000 + 0x200 * i);
  return out;
}

/** A fresh bare machine on the ROM, stopping at isa-debug-exit, with `breakpoints` set. */
function benchMachine(rom: Uint8Array, breakpoints: number[], jit = true) {
  const m = createBareMachine({ bios: rom, debugExit: { port: DEBUG_EXIT_PORT, size: 1 }, jit });
  for (const bp of breakpoints) m.addBreakpoint(bp);
  return m;
}

/** Throws unless `m` ended at the debug exit after exactly GUEST_INSTRUCTIONS instructions. */
function checkFinished(m: ReturnType<typeof benchMachine>, event: { kind: string }): void {
  const retired = m.describeCpu(0).instructions;
  if (event.kind !== "exit")
    throw new Error(`cpu-bench stopped with ${JSON.stringify(event)} after ${retired}`);
  if (retired !== GUEST_INSTRUCTIONS)
    throw new Error(`cpu-bench retired ${retired} instructions, expected ${GUEST_INSTRUCTIONS}`);
}

/** Wall seconds of one whole run of the ROM in-process, with or without translation. */
function timePcscope(rom: Uint8Array, jit: boolean): number {
  const m = benchMachine(rom, [], jit);
  const t0 = performance.now();
  const event = m.run(GUEST_INSTRUCTIONS * 2);
  const wall = (performance.now() - t0) / 1000;
  checkFinished(m, event);
  return wall;
}

/**
 * Runs the ROM on two machines, without and with `breakpoints`, alternating slices of SLICE
 * instructions; returns the fraction of speed the breakpoints cost (time without / time with).
 */
function breakpointCost(rom: Uint8Array, breakpoints: number[]): number {
  const machines = [benchMachine(rom, []), benchMachine(rom, breakpoints)];
  const ms = alternateSlices(machines, SLICE, (k, event) => checkFinished(machines[k]!, event));
  return 1 - ms[0]! / ms[1]!;
}

export default async function cpuBench(): Promise<void> {
  const rom = new Uint8Array(readFileSync(ROM));
  const bps = breakpointAddresses();
  const dir = mkdtempSync(join(tmpdir(), "pcscope-bench-"));
  const trivialPath = join(dir, "trivial.bin");
  writeFileSync(trivialPath, trivialRom());
  const ours: number[] = [];
  const interpreted: number[] = [];
  const costs: number[] = [];
  const qemu: number[] = [];
  const qemuStart: number[] = [];
  let qemuError: string | null = null;
  try {
    // warm-up: lets V8 compile the interpreter and the translator before anything is timed
    timePcscope(rom, true);
    timePcscope(rom, false);
    for (let i = 0; i < RUNS; i++) {
      ours.push(timePcscope(rom, true));
      interpreted.push(timePcscope(rom, false));
      if (qemuError === null) {
        try {
          qemuStart.push(await timeQemu(trivialPath));
          qemu.push(await timeQemu(ROM));
        } catch (err) {
          qemuError = String(err);
        }
      }
    }
    for (let i = 0; i < BP_RUNS; i++) costs.push(breakpointCost(rom, bps));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const mips = (seconds: number) => GUEST_INSTRUCTIONS / seconds / 1e6;
  const oursMips = mips(median(ours));
  const qemuSeconds = qemuError === null ? median(qemu) - median(qemuStart) : null;
  report({
    name: "cpu-bench guest MIPS",
    unit: "MIPS",
    ours: oursMips,
    peer: qemuSeconds === null || qemuSeconds <= 0 ? null : mips(qemuSeconds),
    peerName: "qemu-tcg",
    higherIsBetter: true,
    note:
      `${GUEST_INSTRUCTIONS} guest instructions, median of ${RUNS}; bar >= ${MIPS_BAR} MIPS` +
      (qemuError === null
        ? `; qemu start-up ${median(qemuStart).toFixed(3)} s subtracted`
        : `; qemu failed: ${qemuError}`),
  });
  report({
    name: "cpu-bench guest MIPS, interpreter (--no-jit)",
    unit: "MIPS",
    ours: mips(median(interpreted)),
    peer: qemuSeconds === null || qemuSeconds <= 0 ? null : mips(qemuSeconds),
    peerName: "qemu-tcg",
    higherIsBetter: true,
    note: `translation is ${(median(interpreted) / median(ours)).toFixed(2)}x the interpreter's speed (same run)`,
  });
  const cost = median(costs);
  report({
    name: "cpu-bench with 100 breakpoints",
    unit: "MIPS",
    ours: oursMips * (1 - cost),
    peer: oursMips,
    peerName: "pcscope without",
    higherIsBetter: true,
    note:
      `slowdown ${(cost * 100).toFixed(1)}% (median of ${BP_RUNS} runs in alternate slices: ` +
      `${costs.map((c) => `${(c * 100).toFixed(1)}%`).join(" ")}), bar < ${SLOWDOWN_BAR_PERCENT}%`,
  });
}
