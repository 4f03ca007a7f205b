// CPU benchmark: the guest ROM bench/roms/cpu-bench.bin (ALU loop, REP MOVSD, CALL/RET chain, a
// paging-on loop; exactly GUEST_INSTRUCTIONS instructions, see the .asm) timed in-process under
// pcscope with translation (the default), under pcscope's interpreter (--no-jit), under
// `qemu-system-i386 -accel tcg` (minus QEMU's start-up time, measured with a ROM that exits at
// once) and under v86 (npm `v86` in this process, the ROM as its BIOS, timed from its start to the
// ROM's write to the isa-debug-exit port, which a handler registered on v86's I/O bus catches): one
// warm-up run of each pcscope mode, then five runs of each, interleaved; medians of guest MIPS
// (wall clock, counting every REP iteration as the ROM's total does) and their ratios. The cost of
// 100 breakpoints set off the executed path is measured
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
import { loadV86, type V86Constructor } from "./lib/v86.ts";

const ROM = join(dirname(fileURLToPath(import.meta.url)), "roms", "cpu-bench.bin");
/** 4132 + 10*N1 + 16389*N2 + 11*N3 + 8*N4 with the ROM's defaults (see cpu-bench.asm). */
const GUEST_INSTRUCTIONS = 104_393_132;
const RUNS = 5;
/** Breakpoint-cost runs, and the instructions each machine runs before the other's turn. */
const BP_RUNS = 3;
const SLICE = 1_000_000;
const MIPS_BAR = 30;
const V86_TIMEOUT_MS = 120_000;
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
  const v86Runs: number[] = [];
  const loaded = await loadV86();
  let v86Error: string | null = typeof loaded === "string" ? loaded : null;
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
      if (v86Error === null && typeof loaded !== "string") {
        try {
          v86Runs.push(await timeV86(loaded.V86, loaded.wasmPath, rom));
        } catch (err) {
          v86Error = `v86 failed: ${String(err)}`;
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
  report({
    name: "cpu-bench guest MIPS beside v86",
    unit: "MIPS",
    ours: oursMips,
    peer: v86Runs.length > 0 ? mips(median(v86Runs)) : null,
    peerName: "v86",
    higherIsBetter: true,
    note:
      v86Error ??
      `v86 median of ${v86Runs.length} (its own JIT, in this process; from its start to the debug-exit write)`,
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
