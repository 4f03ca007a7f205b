// SSE benchmark: the guest ROM bench/roms/sse-bench.bin (a loop of MMX and SSE2 integer
// instructions, see the .asm) timed in-process under pcscope --cpu qemu32 and under
// `qemu-system-i386 -cpu qemu32 -accel tcg` (minus QEMU's start-up time, measured with a ROM that
// exits at once): one warm-up run, then three runs of each, interleaved; medians of guest MIPS
// (wall clock, the instruction count pcscope retires) and their ratio.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createBareMachine } from "../src/emu/machine/board-bare.ts";
import { DEBUG_EXIT_PORT, timeQemu, trivialRom } from "./lib/qemu.ts";
import { median, report } from "./lib/report.ts";

const ROM = join(dirname(fileURLToPath(import.meta.url)), "roms", "sse-bench.bin");
const MODEL = "qemu32";
const RUNS = 3;
/** More than the ROM retires with its default N. */
const BUDGET = 100_000_000;

/** Wall seconds and instructions of one whole run of the ROM in-process under MODEL. */
function timePcscope(rom: Uint8Array): { seconds: number; instructions: number } {
  const m = createBareMachine({ bios: rom, cpuModel: MODEL, debugExit: { port: DEBUG_EXIT_PORT, size: 1 } });
  const t0 = performance.now();
  const event = m.run(BUDGET);
  const seconds = (performance.now() - t0) / 1000;
  if (event.kind !== "exit") throw new Error(`sse-bench stopped with ${JSON.stringify(event)}`);
  return { seconds, instructions: m.describeCpu(0).instructions };
}

export default async function sseBench(): Promise<void> {
  const rom = new Uint8Array(readFileSync(ROM));
  const dir = mkdtempSync(join(tmpdir(), "pcscope-bench-"));
  const trivialPath = join(dir, "trivial.bin");
  writeFileSync(trivialPath, trivialRom());
  const ours: number[] = [];
  const qemu: number[] = [];
  const qemuStart: number[] = [];
  let instructions = 0;
  let qemuError: string | null = null;
  try {
    timePcscope(rom); // warm-up
    for (let i = 0; i < RUNS; i++) {
      const run = timePcscope(rom);
      ours.push(run.seconds);
      instructions = run.instructions;
      if (qemuError === null) {
        try {
          qemuStart.push(await timeQemu(trivialPath, ["-cpu", MODEL]));
          qemu.push(await timeQemu(ROM, ["-cpu", MODEL]));
        } catch (err) {
          qemuError = String(err);
        }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const mips = (seconds: number) => instructions / seconds / 1e6;
  const qemuSeconds = qemuError === null ? median(qemu) - median(qemuStart) : null;
  report({
    name: "sse-bench guest MIPS",
    unit: "MIPS",
    ours: mips(median(ours)),
    peer: qemuSeconds === null || qemuSeconds <= 0 ? null : mips(qemuSeconds),
    peerName: "qemu-tcg",
    higherIsBetter: true,
    note:
      `${instructions} guest instructions of MMX/SSE2 integer work under --cpu ${MODEL}, median of ${RUNS}` +
      (qemuError === null
        ? `; qemu start-up ${median(qemuStart).toFixed(3)} s subtracted`
        : `; qemu failed: ${qemuError}`),
  });
}
