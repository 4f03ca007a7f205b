// The per-mode CPU benchmark guests (bench/roms/real-mode.asm, flat32.asm and paging-heavy.asm,
// built on workload.inc): each runs its loop a number of times read from a dword in the ROM,
// prints its results on the debug console and exits through isa-debug-exit, after a number of
// instructions exact by construction (the formula in each .asm, repeated here).
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The ROM offset of the loop count (workload.inc's ITERATIONS_AT). */
export const ITERATIONS_AT = 0xfff8;
export const ROM_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "roms");

/** One per-mode guest. */
export interface ModeWorkload {
  /** Its name in the figures, and its ROM's (bench/roms/NAME.bin). */
  name: string;
  /** What the loop exercises, for the report. */
  description: string;
  /** The instructions a run of `iterations` loop passes retires, up to the debug-exit write. */
  instructions(iterations: number): number;
  /**
   * How many times pcscope's loop count QEMU and v86 run: enough that their run (10-20 times
   * pcscope's speed) lasts well beyond QEMU's start-up time, which is subtracted.
   */
  peerScale: number;
}

export const MODE_WORKLOADS: readonly ModeWorkload[] = [
  {
    name: "real-mode",
    description: "16-bit ALU with segment overrides, REP MOVSW, near/far CALL, INT/IRET",
    instructions: (n) => 1506 + 62 * n,
    peerScale: 4,
  },
  {
    name: "flat32",
    description: "32-bit flat, paging off: cdecl memcpy/checksum calls, IMUL, MOVZX, shifts",
    instructions: (n) => 5375 + 118 * n,
    peerScale: 10,
  },
  {
    name: "paging-heavy",
    description: "4 KiB pages: a new page every 32 instructions, 4096 pages per CR3 reload",
    instructions: (n) => 32984 + 131078 * n,
    peerScale: 4,
  },
];

/** The committed ROM of a workload. */
export function workloadRom(w: ModeWorkload): Uint8Array {
  return new Uint8Array(readFileSync(join(ROM_DIR, `${w.name}.bin`)));
}

/** The loop count a ROM holds. */
export function romIterations(rom: Uint8Array): number {
  return new DataView(rom.buffer, rom.byteOffset, rom.byteLength).getUint32(ITERATIONS_AT, true);
}

/** A copy of `rom` that runs its loop `iterations` times (at least 1). */
export function withIterations(rom: Uint8Array, iterations: number): Uint8Array {
  if (!Number.isInteger(iterations) || iterations < 1 || iterations > 0xffffffff)
    throw new Error(`a workload's loop count must be 1..2^32-1, not ${iterations}`);
  const copy = rom.slice();
  new DataView(copy.buffer).setUint32(ITERATIONS_AT, iterations, true);
  return copy;
}
