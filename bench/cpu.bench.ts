// CPU benchmark: guest ROMs with exactly known instruction counts, each timed in-process under
// pcscope with translation (the default) and under pcscope's interpreter (--no-jit), under
// `qemu-system-i386 -accel tcg` (minus QEMU's start-up time, measured with a ROM that exits at
// once) and under v86 (npm `v86` in this process, the ROM as its BIOS, timed from its start to the
// ROM's write to the isa-debug-exit port, which a handler registered on v86's I/O bus catches): one
// warm-up run of each pcscope mode, then five runs of each, interleaved; medians of guest MIPS
// (wall clock, counting every REP iteration as the ROMs' totals do) and their ratios.
// The guests: bench/roms/cpu-bench.bin (ALU loop, REP MOVSD, CALL/RET chain, a paging-on loop),
// then the issue's per-mode figures: real mode, 32-bit flat and paging-heavy code
// (bench/lib/cpu-workloads.ts). QEMU and v86 run the per-mode loops more times than pcscope does
// (the same work per pass, a longer run): otherwise their runs would be little more than QEMU's
// start-up time.
// The cost of 100 breakpoints set off the executed path of cpu-bench is measured by running two
// machines, one with them and one without, in alternate slices of the same guest (this host's
// speed drifts by far more than 5% between whole runs, slices see the same drift), each pair run
// in both orders: the median over three such pairs. The issue's bars: >= 30 MIPS, < 5% slowdown.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createBareMachine } from "../src/emu/machine/board-bare.ts";
import { alternateSlices } from "./lib/alternate.ts";
import {
  MODE_WORKLOADS,
  type ModeWorkload,
  ROM_DIR,
  romIterations,
  withIterations,
  workloadRom,
} from "./lib/cpu-workloads.ts";
import { DEBUG_EXIT_PORT, timeQemu, trivialRom } from "./lib/qemu.ts";
import { median, report } from "./lib/report.ts";
import { loadV86, type V86Constructor } from "./lib/v86.ts";

const MIXED_ROM = join(ROM_DIR, "cpu-bench.bin");
/** 4132 + 10*N1 + 16389*N2 + 11*N3 + 8*N4 with the ROM's defaults (see cpu-bench.asm). */
const MIXED_INSTRUCTIONS = 104_393_132;
const RUNS = 5;
/** Breakpoint-cost runs, and the instructions each machine runs before the other's turn. */
const BP_RUNS = 3;
const SLICE = 1_000_000;
const MIPS_BAR = 30;
const V86_TIMEOUT_MS = 120_000;
const SLOWDOWN_BAR_PERCENT = 5;

/** A guest as the benchmark times it. */
interface Workload {
  /** The figures' name. */
  name: string;
  /** What pcscope runs, and the instructions it retires up to the debug-exit write. */
  rom: Uint8Array;
  instructions: number;
  /** What QEMU and v86 run (the same loop, possibly more passes), and its instructions. */
  peerRom: Uint8Array;
  peerInstructions: number;
  /** Said after the first figure. */
  note: string;
}

/** Wall seconds of every timed run of one workload, and why a peer could not be timed. */
interface Timings {
  ours: number[];
  interpreted: number[];
  qemu: number[];
  qemuStart: number[];
  qemuError: string | null;
  v86: number[];
  v86Error: string | null;
}

/** The mixed ROM, the same for every emulator. */
function mixedWorkload(): Workload {
  const rom = new Uint8Array(readFileSync(MIXED_ROM));
  return {
    name: "cpu-bench",
    rom,
    instructions: MIXED_INSTRUCTIONS,
    peerRom: rom,
    peerInstructions: MIXED_INSTRUCTIONS,
    note: `${MIXED_INSTRUCTIONS} guest instructions, median of ${RUNS}; bar >= ${MIPS_BAR} MIPS`,
  };
}

/** A per-mode guest: its committed ROM under pcscope, `peerScale` times its loop count for the peers. */
function modeWorkload(w: ModeWorkload): Workload {
  const rom = workloadRom(w);
  const iterations = romIterations(rom);
  const peerIterations = iterations * w.peerScale;
  return {
    name: w.name,
    rom,
    instructions: w.instructions(iterations),
    peerRom: withIterations(rom, peerIterations),
    peerInstructions: w.instructions(peerIterations),
    note:
      `${w.description}; ${w.instructions(iterations)} guest instructions, median of ${RUNS}; ` +
      `qemu and v86 run ${w.peerScale}x the loop`,
  };
}

/**
 * 100 breakpoint addresses cpu-bench never executes: 40 in the page holding the loops
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

/** Throws unless `m` ended at the debug exit after exactly `w.instructions` instructions. */
function checkFinished(w: Workload, m: ReturnType<typeof benchMachine>, event: { kind: string }): void {
  const retired = m.describeCpu(0).instructions;
  if (event.kind !== "exit")
    throw new Error(`${w.name} stopped with ${JSON.stringify(event)} after ${retired}`);
  if (retired !== w.instructions)
    throw new Error(`${w.name} retired ${retired} instructions, expected ${w.instructions}`);
}

/** Wall seconds of one whole run of the workload in-process, with or without translation. */
function timePcscope(w: Workload, jit: boolean): number {
  const m = benchMachine(w.rom, [], jit);
  const t0 = performance.now();
  const event = m.run(w.instructions * 2);
  const wall = (performance.now() - t0) / 1000;
  checkFinished(w, m, event);
  return wall;
}

/** The part of v86's emulator object its typings leave out: the I/O bus (v86 src/io.js). */
interface V86Internals {
  v86: {
    cpu: { io: { register_write(port: number, device: object, write8: (value: number) => void): void } };
  };
}

/**
 * Wall seconds of one run of the ROM under v86 (the ROM as its BIOS): from the start of execution
 * to the ROM's write to DEBUG_EXIT_PORT (v86 has no isa-debug-exit; a write handler on its I/O bus
 * is the end). Rejects after V86_TIMEOUT_MS.
 */
async function timeV86(V86: V86Constructor, wasmPath: string, rom: Uint8Array): Promise<number> {
  const bios = rom.buffer.slice(rom.byteOffset, rom.byteOffset + rom.byteLength) as ArrayBuffer;
  const emulator = new V86({
    wasm_path: wasmPath,
    bios: { buffer: bios },
    memory_size: 32 << 20,
    autostart: false,
  });
  try {
    return await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("no debug-exit write")), V86_TIMEOUT_MS);
      emulator.add_listener("emulator-loaded", () => {
        let t0 = 0;
        (emulator as unknown as V86Internals).v86.cpu.io.register_write(DEBUG_EXIT_PORT, {}, () => {
          const seconds = (performance.now() - t0) / 1000;
          clearTimeout(timer);
          emulator.stop();
          resolve(seconds);
        });
        t0 = performance.now();
        emulator.run();
      });
    });
  } finally {
    await emulator.destroy();
  }
}

/**
 * Times `w`: a warm-up run of each pcscope mode (V8 compiles the interpreter and the translator),
 * then RUNS rounds of pcscope translated, pcscope interpreted, QEMU's start-up and QEMU on the
 * peer ROM, and v86 on it. `dir` is a scratch directory holding `trivialPath`.
 */
async function measure(
  w: Workload,
  dir: string,
  trivialPath: string,
  v86: Awaited<ReturnType<typeof loadV86>>,
): Promise<Timings> {
  const peerPath = join(dir, `${w.name}.bin`);
  writeFileSync(peerPath, w.peerRom);
  const t: Timings = {
    ours: [],
    interpreted: [],
    qemu: [],
    qemuStart: [],
    qemuError: null,
    v86: [],
    v86Error: typeof v86 === "string" ? v86 : null,
  };
  timePcscope(w, true);
  timePcscope(w, false);
  for (let i = 0; i < RUNS; i++) {
    t.ours.push(timePcscope(w, true));
    t.interpreted.push(timePcscope(w, false));
    if (t.qemuError === null) {
      try {
        t.qemuStart.push(await timeQemu(trivialPath));
        t.qemu.push(await timeQemu(peerPath));
      } catch (err) {
        t.qemuError = String(err);
      }
    }
    if (t.v86Error === null && typeof v86 !== "string") {
      try {
        t.v86.push(await timeV86(v86.V86, v86.wasmPath, w.peerRom));
      } catch (err) {
        t.v86Error = `v86 failed: ${String(err)}`;
      }
    }
  }
  return t;
}

/** Prints a workload's figures: translated and interpreted beside QEMU, translated beside v86. */
function reportWorkload(w: Workload, t: Timings): number {
  const oursMips = w.instructions / median(t.ours) / 1e6;
  const qemuSeconds = t.qemuError === null ? median(t.qemu) - median(t.qemuStart) : null;
  const qemuMips = qemuSeconds === null || qemuSeconds <= 0 ? null : w.peerInstructions / qemuSeconds / 1e6;
  report({
    name: `${w.name} guest MIPS`,
    unit: "MIPS",
    ours: oursMips,
    peer: qemuMips,
    peerName: "qemu-tcg",
    higherIsBetter: true,
    note:
      w.note +
      (t.qemuError === null
        ? `; qemu start-up ${median(t.qemuStart).toFixed(3)} s subtracted`
        : `; qemu failed: ${t.qemuError}`),
  });
  report({
    name: `${w.name} guest MIPS, interpreter (--no-jit)`,
    unit: "MIPS",
    ours: w.instructions / median(t.interpreted) / 1e6,
    peer: qemuMips,
    peerName: "qemu-tcg",
    higherIsBetter: true,
    note: `translation is ${(median(t.interpreted) / median(t.ours)).toFixed(2)}x the interpreter's speed (same run)`,
  });
  report({
    name: `${w.name} guest MIPS beside v86`,
    unit: "MIPS",
    ours: oursMips,
    peer: t.v86.length > 0 ? w.peerInstructions / median(t.v86) / 1e6 : null,
    peerName: "v86",
    higherIsBetter: true,
    note:
      t.v86Error ??
      `v86 median of ${t.v86.length} (its own JIT, in this process; from its start to the debug-exit write)`,
  });
  return oursMips;
}

/**
 * Runs the ROM on two machines, without and with `breakpoints`, alternating slices of SLICE
 * instructions, twice: the machine without first, then the one with first (the machine made
 * second measured about 10% slower either way, breakpoints or not: V8 compiles its blocks after
 * the first's). Returns the fraction of speed the breakpoints cost over both (time without / with).
 */
function breakpointCost(w: Workload, breakpoints: number[]): number {
  let without = 0;
  let withBps = 0;
  for (const bpFirst of [false, true]) {
    const machines = bpFirst
      ? [benchMachine(w.rom, breakpoints), benchMachine(w.rom, [])]
      : [benchMachine(w.rom, []), benchMachine(w.rom, breakpoints)];
    const ms = alternateSlices(machines, SLICE, (k, event) => checkFinished(w, machines[k]!, event));
    without += bpFirst ? ms[1]! : ms[0]!;
    withBps += bpFirst ? ms[0]! : ms[1]!;
  }
  return 1 - without / withBps;
}

export default async function cpuBench(): Promise<void> {
  const mixed = mixedWorkload();
  const dir = mkdtempSync(join(tmpdir(), "pcscope-bench-"));
  const trivialPath = join(dir, "trivial.bin");
  writeFileSync(trivialPath, trivialRom());
  const v86 = await loadV86();
  try {
    const mixedMips = reportWorkload(mixed, await measure(mixed, dir, trivialPath, v86));
    const costs: number[] = [];
    for (let i = 0; i < BP_RUNS; i++) costs.push(breakpointCost(mixed, breakpointAddresses()));
    const cost = median(costs);
    report({
      name: "cpu-bench with 100 breakpoints",
      unit: "MIPS",
      ours: mixedMips * (1 - cost),
      peer: mixedMips,
      peerName: "pcscope without",
      higherIsBetter: true,
      note:
        `slowdown ${(cost * 100).toFixed(1)}% (median of ${BP_RUNS} runs in alternate slices, both orders: ` +
        `${costs.map((c) => `${(c * 100).toFixed(1)}%`).join(" ")}), bar < ${SLOWDOWN_BAR_PERCENT}%`,
    });
    for (const mode of MODE_WORKLOADS) {
      const w = modeWorkload(mode);
      reportWorkload(w, await measure(w, dir, trivialPath, v86));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
