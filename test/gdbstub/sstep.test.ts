// Single steps with an interrupt pending, against QEMU 7.2's stub: firmware/tests/gdbstub/sstep.asm
// arms a one-shot PIT interrupt each pass of its main loop and counts passes at a breakpoint just
// after an STI, where the interrupt is pending (held by STI's shadow) when pcscope stops. gdb's
// `continue` from a breakpoint is a single step off it, then a continue: the step runs the
// instruction at the breakpoint and not the interrupt handler, so every stop is a new pass. The
// next step, with the interrupt deliverable, runs the next instruction by default (QEMU's sstep
// flags ENABLE|NOIRQ|NOTIMER) and enters the handler under `maintenance packet Qqemu.sstep=0x1`.
// The qqemu.sstep packets answer as QEMU's do.
import { readFileSync } from "node:fs";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { createPcMachine } from "../../src/emu/machine/pc.ts";
import { type GdbServer, startGdbServer } from "../../src/gdbstub/index.ts";
import { needPeers } from "../helpers/peers.ts";
import { type PausedQemu, startPausedQemu } from "../helpers/qemu.ts";
import { assembleTestRomFile } from "../helpers/roms.ts";
import { runGdb } from "./gdb-run.ts";

/** The ROM's breakpoint (pass_done) and its timer interrupt handler, linear = EIP (CS = 0). */
const PASS_DONE = 0x1080;
const HANDLER = 0x1090;
/** The loop's start (`jmp main_loop` at pass_done + 4 goes there). */
const MAIN_LOOP = 0x1000;
/** `inc word [0x500]` at pass_done is 4 bytes. */
const AFTER_INC = PASS_DONE + 4;
const CONTINUES = 6;

/** gdb commands: the sstep setting (if any), the breakpoint, and `count` continues each printing the counters. */
function continueCommands(sstep: string | null, count = CONTINUES): string[] {
  const out = sstep === null ? [] : [`maintenance packet Qqemu.sstep=${sstep}`];
  out.push(`break *${PASS_DONE}`);
  for (let i = 0; i < count; i++) out.push("continue", "x/2hx 0x500");
  return out;
}

/** The [passes, ticks] words printed by each `x/2hx 0x500`. */
function counters(out: string): [number, number][] {
  return [...out.matchAll(/^0x500:\s+0x([0-9a-f]{4})\s+0x([0-9a-f]{4})$/gm)].map((m) => [
    Number.parseInt(m[1]!, 16),
    Number.parseInt(m[2]!, 16),
  ]);
}

/** The `received: "..."` replies of `maintenance packet` commands. */
function received(out: string): string[] {
  return [...out.matchAll(/^received: "(.*)"$/gm)].map((m) => m[1]!);
}

const PACKETS = [
  "maintenance packet qqemu.sstepbits",
  "maintenance packet qqemu.sstep",
  "maintenance packet Qqemu.sstepbits",
  "maintenance packet qqemu.sstep=8",
  "maintenance packet Qqemu.sstep=0x3",
  "maintenance packet Qqemu.sstep",
  "maintenance packet qqemu.Supported",
];

describe.skipIf(!needPeers("gdb", "nasm"))("gdb steps off a breakpoint with an interrupt pending", () => {
  let rom: Buffer;
  let server: GdbServer | null = null;
  beforeAll(async () => {
    rom = readFileSync(await assembleTestRomFile("gdbstub/sstep.asm"));
  });
  afterEach(async () => {
    await server?.close();
    server = null;
  });

  /** The ROM on pcscope's PC, paused at reset behind a gdb server; its address. */
  async function pcscope(): Promise<string> {
    const machine = createPcMachine({ bios: rom, memBytes: 32 << 20 });
    server = await startGdbServer(machine, { port: 0, startPaused: true });
    return server.address;
  }

  it("stops at a new pass on every continue, the interrupt taken after the step", async () => {
    const out = await runGdb(await pcscope(), [...continueCommands(null), "stepi", "p/x $pc", "x/2hx 0x500"]);
    const stops = counters(out);
    // The interrupt of each pass is still pending at the stop (ticks == passes): taken once gdb's
    // step off the breakpoint has run `inc`, never as that step.
    expect(stops.slice(0, CONTINUES), out).toEqual(
      Array.from({ length: CONTINUES }, (_, i) => [i, i] as [number, number]),
    );
    // A stepi from the stop runs the instruction at the PC, not the pending interrupt's handler.
    expect(out).toMatch(new RegExp(`\\$1 = 0x${AFTER_INC.toString(16)}\\b`));
    expect(stops.at(-1)).toEqual([CONTINUES, CONTINUES - 1]);
  }, 60_000);

  it("steps into the pending interrupt's handler only when asked with Qqemu.sstep=0x1", async () => {
    const steps = ["stepi", "p/x $pc", "stepi", "p/x $pc"];
    const held = await runGdb(await pcscope(), [...continueCommands(null, 1), ...steps]);
    const taken = await runGdb(await pcscope(), [...continueCommands("0x1", 1), ...steps]);
    // The first step runs `inc` either way (STI's shadow); the second one runs `jmp main_loop` with
    // interrupts held, or delivers the interrupt with them allowed.
    for (const out of [held, taken]) {
      expect(counters(out), out).toEqual([[0, 0]]);
      expect(out).toMatch(new RegExp(`\\$1 = 0x${AFTER_INC.toString(16)}\\b`));
    }
    expect(held).toMatch(new RegExp(`\\$2 = 0x${MAIN_LOOP.toString(16)}\\b`));
    expect(taken).toMatch(new RegExp(`\\$2 = 0x${HANDLER.toString(16)}\\b`));
  }, 60_000);

  describe.skipIf(!needPeers("qemu-system-i386"))("beside QEMU 7.2", () => {
    let qemu: PausedQemu | null = null;
    afterEach(() => {
      qemu?.stop();
      qemu = null;
    });

    it("answers the qqemu.sstep packets as QEMU does, and QEMU's default stops at a new pass too", async () => {
      const romFile = await assembleTestRomFile("gdbstub/sstep.asm");
      qemu = await startPausedQemu({ bios: romFile });
      const theirs = await runGdb(`127.0.0.1:${qemu.port}`, [
        ...PACKETS,
        "maintenance packet Qqemu.sstep=0x7",
        ...continueCommands(null),
      ]);
      const ours = await runGdb(await pcscope(), [...PACKETS]);
      expect(received(ours)).toEqual(received(theirs).slice(0, PACKETS.length));
      expect(received(ours)).toEqual([
        "ENABLE=1,NOIRQ=2,NOTIMER=4",
        "0x7",
        "ENABLE=1,NOIRQ=2,NOTIMER=4",
        "E22",
        "OK",
        "0x3",
        "sstepbits;sstep;PhyMemMode",
      ]);
      expect(counters(theirs).map(([passes]) => passes)).toEqual(
        Array.from({ length: CONTINUES }, (_, i) => i),
      );
    }, 60_000);
  });
});
