// x87 benchmark: the guest ROM bench/roms/x87-bench.bin (a real-mode loop of x87 arithmetic as
// compiled floating-point code has it: loads, multiplies, adds, FSQRT, a division, FILD/FISTP, a
// compare read through FNSTSW, stores; exactly GUEST_INSTRUCTIONS instructions, see the .asm)
// timed in-process under pcscope and under `qemu-system-i386 -accel tcg` (minus QEMU's start-up
// time, measured with a ROM that exits at once): one warm-up run, then RUNS runs of each,
// interleaved; medians of guest MIPS (wall clock) and their ratio.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createBareMachine } from "../src/emu/machine/board-bare.ts";
import { median, report } from "./lib/report.ts";

const ROM = join(dirname(fileURLToPath(import.meta.url)), "roms", "x87-bench.bin");
/** 14 + 22*N with the ROM's default N (see x87-bench.asm). */
const GUEST_INSTRUCTIONS = 33_000_014;
const RUNS = 3;
const DEBUG_EXIT_PORT = 0xf4;

/** Wall seconds of one whole run of the ROM in-process; throws unless it ran exactly to its end. */
function timePcscope(rom: Uint8Array): number {
  const m = createBareMachine({ bios: rom, debugExit: { port: DEBUG_EXIT_PORT, size: 1 } });
  const t0 = performance.now();
  const event = m.run(GUEST_INSTRUCTIONS * 2);
  const wall = (performance.now() - t0) / 1000;
  const retired = m.describeCpu(0).instructions;
  if (event.kind !== "exit" || retired !== GUEST_INSTRUCTIONS)
    throw new Error(`x87-bench stopped with ${JSON.stringify(event)} after ${retired} instructions`);
  return wall;
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

export default async function x87Bench(): Promise<void> {
  const rom = new Uint8Array(readFileSync(ROM));
  const dir = mkdtempSync(join(tmpdir(), "pcscope-bench-"));
  const trivialPath = join(dir, "trivial.bin");
  writeFileSync(trivialPath, trivialRom());
  const ours: number[] = [];
  const qemu: number[] = [];
  const qemuStart: number[] = [];
  let qemuError: string | null = null;
  try {
    timePcscope(rom); // warm-up
    for (let i = 0; i < RUNS; i++) {
      ours.push(timePcscope(rom));
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
  const qemuSeconds = qemuError === null ? median(qemu) - median(qemuStart) : null;
  report({
    name: "x87-bench guest MIPS",
    unit: "MIPS",
    ours: mips(median(ours)),
    peer: qemuSeconds === null || qemuSeconds <= 0 ? null : mips(qemuSeconds),
    peerName: "qemu-tcg",
    higherIsBetter: true,
    note:
      `${GUEST_INSTRUCTIONS} guest instructions, median of ${RUNS}` +
      (qemuError === null
        ? `; qemu start-up ${median(qemuStart).toFixed(3)} s subtracted`
        : `; qemu failed: ${qemuError}`),
  });
}
