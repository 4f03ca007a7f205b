// History benchmark (reverse execution): the CPU benchmark's guest (bench/roms/cpu-bench.bin) run the
// way a debugger runs it (slices of SLICE ticks) with the history recording and without, in
// alternate slices of the same guest so both see the same host drift; the median latency of one
// reverse-stepi REVERSE_AT instructions into the run; and the history's memory per million
// instructions recorded. The peer figure of the first line is pcscope without history.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createBareMachine } from "../src/emu/machine/board-bare.ts";
import { alternateSlices } from "./lib/alternate.ts";
import { DEBUG_EXIT_PORT } from "./lib/qemu.ts";
import { median, report } from "./lib/report.ts";

const ROM = join(dirname(fileURLToPath(import.meta.url)), "roms", "cpu-bench.bin");
const SLICE = 1_000_000;
const RUNS = 3;
const REVERSE_AT = 10_000_000;
const REVERSE_STEPS = 15;
const MIB = 1024 * 1024;

function benchMachine(rom: Uint8Array, history: boolean) {
  const m = createBareMachine({ bios: rom, debugExit: { port: DEBUG_EXIT_PORT, size: 1 } });
  if (history) m.enableHistory();
  return m;
}

/**
 * Seconds each machine (without, with history) spent on the whole guest, in alternate slices, and
 * the history's bytes per million instructions recorded.
 */
function alternateRuns(rom: Uint8Array): [number, number, number] {
  const machines = [benchMachine(rom, false), benchMachine(rom, true)];
  const ms = alternateSlices(machines, SLICE, () => {});
  const timeline = machines[1]!.reverse!.timeline();
  const perMillion = timeline.bytes / ((timeline.end - timeline.start) / 1e6);
  return [ms[0]! / 1000, ms[1]! / 1000, perMillion];
}

/** Median milliseconds of one reverse-stepi REVERSE_AT instructions into the guest. */
function reverseLatency(rom: Uint8Array): number {
  const m = benchMachine(rom, true);
  while (m.cpus[0]!.instructions < REVERSE_AT) m.run(Math.min(SLICE, REVERSE_AT - m.cpus[0]!.instructions));
  const times: number[] = [];
  for (let i = 0; i < REVERSE_STEPS; i++) {
    const t0 = performance.now();
    const event = m.reverse!.stepBack(0);
    times.push(performance.now() - t0);
    if (event.kind !== "step") throw new Error(`reverse-stepi stopped with ${JSON.stringify(event)}`);
  }
  return median(times);
}

export default async function historyBench(): Promise<void> {
  const rom = new Uint8Array(readFileSync(ROM));
  const off: number[] = [];
  const on: number[] = [];
  const memory: number[] = [];
  let instructions = 0;
  {
    const probe = benchMachine(rom, false);
    probe.run(Number.MAX_SAFE_INTEGER);
    instructions = probe.cpus[0]!.instructions;
  }
  for (let i = 0; i < RUNS; i++) {
    const [a, b, perMillion] = alternateRuns(rom);
    off.push(a);
    on.push(b);
    memory.push(perMillion);
  }
  const mips = (s: number) => instructions / s / 1e6;
  report({
    name: "cpu-bench with history recording",
    unit: "MIPS",
    ours: mips(median(on)),
    peer: mips(median(off)),
    peerName: "pcscope without",
    higherIsBetter: true,
    note: `${instructions} instructions in ${SLICE}-tick slices, median of ${RUNS} alternating runs`,
  });
  report({
    name: `reverse-stepi ${REVERSE_AT / 1e6}M instructions in`,
    unit: "ms",
    ours: reverseLatency(rom),
    peer: null,
    peerName: "qemu (record/replay needs -icount and qcow2 snapshots; not run)",
    higherIsBetter: false,
    note: `median of ${REVERSE_STEPS} steps back in a row`,
  });
  report({
    name: "history memory per million instructions",
    unit: "MiB",
    ours: median(memory) / MIB,
    peer: null,
    peerName: "qemu n/a",
    higherIsBetter: false,
    note: "snapshots kept over the whole cpu-bench run, divided by the steps they span",
  });
}
