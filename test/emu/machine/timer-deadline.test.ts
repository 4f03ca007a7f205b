// A timer the guest arms in the middle of the machine's run slice fires at its own deadline: the
// slice is cut when a device arms a deadline before the slice's end (VirtualClock.armed). The ROM
// (firmware/tests/timer/apic-oneshot.asm) arms a local APIC one-shot and counts loop passes until
// its interrupt;
// the count must not depend on how the run is cut into run() calls, nor on translation or history.
import { beforeAll, describe, expect, it } from "vitest";
import { createPcMachine } from "../../../src/emu/machine/pc.ts";
import { needPeers } from "../../helpers/peers.ts";
import { assembleRom, DEBUG_EXIT_PORT, DEBUGCON_PORT } from "../../helpers/roms.ts";

/** The ROM's one-shot: 500000 APIC bus clocks at 1 GHz, divided by 1. */
const APIC_NS = 500_000;
/** pcscope's virtual CPU: 100 million instructions per virtual second (10 ns each). */
const NS_PER_INSN = 10;

/** The loop passes the ROM counted before IRQ0 and the instructions retired at its exit. */
interface Outcome {
  ecx: number;
  instructions: number;
}

/** Runs the ROM to its exit in run() calls of `chunk` ticks. */
function runRom(rom: Uint8Array, chunk: number, options: { jit?: boolean; history?: boolean } = {}): Outcome {
  const m = createPcMachine({
    bios: rom,
    debugcons: [{ port: DEBUGCON_PORT, sink: null }],
    debugExit: { port: DEBUG_EXIT_PORT, size: 1 },
    jit: options.jit,
  });
  if (options.history === true) expect(m.enableHistory()).toBeNull();
  let event = m.run(chunk);
  for (let i = 0; event.kind === "budget" && i < 10_000_000; i++) event = m.run(chunk);
  expect(event.kind).toBe("exit");
  const text = m.debugcons[0]!.text();
  const ecx = /^timer .*ecx=([0-9a-f]{8})/m.exec(text);
  expect(ecx, text).not.toBeNull();
  return { ecx: Number.parseInt(ecx![1]!, 16), instructions: m.cpus[0]!.instructions };
}

describe.skipIf(!needPeers("nasm"))("a timer armed inside a run slice", () => {
  let rom: Uint8Array;
  let reference: Outcome;
  beforeAll(async () => {
    rom = await assembleRom(
      new URL("../../../firmware/tests/timer/apic-oneshot.asm", import.meta.url).pathname,
    );
    // The reference: the interpreter one instruction per run() call, so no slice is longer than 1.
    reference = runRom(rom, 1, { jit: false });
  }, 120_000);

  it("fires at the timer's deadline, as counted one instruction per run() call", () => {
    // The deadline is 500 us = 50000 instructions of 10 ns after the write that armed it, and a
    // loop pass is two instructions (INC, JMP): 25000 passes, as the interpreter counts them.
    expect(APIC_NS / NS_PER_INSN).toBe(50_000);
    expect(reference.ecx).toBe(25_000);
  });

  for (const chunk of [1000, 65_536, 10_000_000])
    for (const jit of [false, true])
      it(`gives the same count in run(${chunk}) calls, translation ${jit ? "on" : "off"}`, () => {
        expect(runRom(rom, chunk, { jit })).toEqual(reference);
      });

  it("gives the same count with history recording", () => {
    expect(runRom(rom, 10_000_000, { history: true })).toEqual(reference);
  });
});
