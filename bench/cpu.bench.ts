// CPU benchmark: the guest ROM bench/roms/cpu-bench.bin (ALU loop, REP MOVSD, CALL/RET chain, a
// paging-on loop; exactly GUEST_INSTRUCTIONS instructions, see the .asm) timed in-process under
// pcscope (no breakpoints, then 100 breakpoints set off the executed path) and under
// `qemu-system-i386 -accel tcg` (minus QEMU's start-up time, measured with a ROM that exits at
// once). One warm-up run, then seven runs of each, interleaved; medians. Prints guest MIPS (wall
// clock) for both and the ratio, and the slowdown the breakpoints cause (CPU time, paired runs).
// The bars: >= 30 MIPS, < 5% slowdown.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createBareMachine } from "../src/emu/machine/board-bare.ts";
import { median, report } from "./lib/report.ts";

const ROM = join(dirname(fileURLToPath(import.meta.url)), "roms", "cpu-bench.bin");
/** 4132 + 10*N1 + 16389*N2 + 11*N3 + 8*N4 with the ROM's defaults (see cpu-bench.asm). */
const GUEST_INSTRUCTIONS = 104_393_132;
const RUNS = 7;
const DEBUG_EXIT_PORT = 0xf4;
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

/** Wall and CPU (user + system) seconds of one run. */
interface Timing {
  wall: number;
  cpu: number;
}

/** Runs the ROM once in-process with the given breakpoints; returns the run() time. */
function timePcscope(rom: Uint8Array, breakpoints: number[]): Timing {
  const m = createBareMachine({ bios: rom, debugExit: { port: DEBUG_EXIT_PORT, size: 1 } });
  for (const bp of breakpoints) m.addBreakpoint(bp);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const event = m.run(GUEST_INSTRUCTIONS * 2);
  const wall = (performance.now() - t0) / 1000;
  const c1 = process.cpuUsage(c0);
  const retired = m.describeCpu(0).instructions;
  if (event.kind !== "exit")
    throw new Error(`cpu-bench stopped with ${JSON.stringify(event)} after ${retired}`);
  if (retired !== GUEST_INSTRUCTIONS)
    throw new Error(`cpu-bench retired ${retired} instructions, expected ${GUEST_INSTRUCTIONS}`);
  return { wall, cpu: (c1.user + c1.system) / 1e6 };
}

/** Wall seconds of one QEMU run of `rom` until isa-debug-exit ends it. */
function timeQemu(rom: string): Promise<number> {
  const args = ["-nodefaults", "-display", "none", "-M", "pc", "-m", "32", "-accel", "tcg", "-bios", rom];
  args.push("-device", `isa-debug-exit,iobase=0x${DEBUG_EXIT_PORT.toString(16)},iosize=1`);
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn("qemu-system-i386", args, { stdio: "ignore" });
    const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      // isa-debug-exit with 0 exits with status 1
      if (code !== 1) reject(new Error(`qemu exited with ${code}`));
      else resolve((performance.now() - t0) / 1000);
    });
  });
}

/** A 64 KiB ROM whose reset vector exits at once (mov al, 0 / out 0xF4, al). */
function trivialRom(): Uint8Array {
  const rom = new Uint8Array(0x10000);
  rom.set([0xb0, 0x00, 0xe6, DEBUG_EXIT_PORT, 0xf4], 0xfff0);
  return rom;
}

export default async function cpuBench(): Promise<void> {
  const rom = new Uint8Array(readFileSync(ROM));
  const bps = breakpointAddresses();
  const dir = mkdtempSync(join(tmpdir(), "pcscope-bench-"));
  const trivialPath = join(dir, "trivial.bin");
  writeFileSync(trivialPath, trivialRom());
  const ours: Timing[] = [];
  const oursBp: Timing[] = [];
  const qemu: number[] = [];
  const qemuStart: number[] = [];
  let qemuError: string | null = null;
  try {
    timePcscope(rom, []); // warm-up: lets V8 compile the interpreter before anything is timed
    for (let i = 0; i < RUNS; i++) {
      // alternate which configuration goes first so drift in host load affects both alike
      if (i % 2 === 0) {
        ours.push(timePcscope(rom, []));
        oursBp.push(timePcscope(rom, bps));
      } else {
        oursBp.push(timePcscope(rom, bps));
        ours.push(timePcscope(rom, []));
      }
      if (qemuError === null) {
        try {
          qemuStart.push(await timeQemu(trivialPath));
          qemu.push(await timeQemu(ROM));
        } catch (err) {
          qemuError = String(err);
        }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const mips = (seconds: number) => GUEST_INSTRUCTIONS / seconds / 1e6;
  const oursMips = mips(median(ours.map((t) => t.wall)));
  // The breakpoint cost is judged on CPU time (the host is shared, and wall time swings by more
  // than the 5% being measured when other processes run), as the median of the ratios of runs
  // made back to back: this host's speed drifts by more than 5% over a benchmark's minute.
  const cpuMips = mips(median(ours.map((t) => t.cpu)));
  const cpuBpMips = mips(median(oursBp.map((t) => t.cpu)));
  const slowdown = median(ours.map((t, i) => 1 - t.cpu / oursBp[i]!.cpu));
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
    name: "cpu-bench with 100 breakpoints (per CPU second)",
    unit: "MIPS",
    ours: cpuBpMips,
    peer: cpuMips,
    peerName: "pcscope without",
    higherIsBetter: true,
    note: `slowdown ${(slowdown * 100).toFixed(1)}% (median of ${RUNS} back-to-back pairs), bar < ${SLOWDOWN_BAR_PERCENT}%`,
  });
}
