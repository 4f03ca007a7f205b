// Reverse execution on the whole PC: firmware/tests/history/irq-loop.asm waits for a fast PIT
// interrupt with sti/hlt and counts in RAM and on the POST port. Stepping back through a window that
// holds hardware interrupt deliveries and idle HLT time gives back every state seen going forward
// (registers, the history position, the low 1 MiB of RAM, the interrupt controllers' and timers' state); the memory budget bounds the snapshots
// kept; a debugger's register write drops the recorded future; two vCPUs cannot record. Running
// forward again after going back writes no guest output twice, and traces the same events again
// (firmware/tests/history/print-loop.asm).
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { History } from "../../../src/emu/history/history.ts";
import { createBareMachine } from "../../../src/emu/machine/board-bare.ts";
import { createPcMachine } from "../../../src/emu/machine/pc.ts";
import { needPeers } from "../../helpers/peers.ts";
import { assembleTestRomFile } from "../../helpers/roms.ts";

const MIB = 1024 * 1024;
let rom: Buffer;

/** A PC running the ROM. */
function boot(cpus = 1) {
  return createPcMachine({
    bios: rom,
    memBytes: 4 * MIB,
    debugcons: [{ port: 0x402, sink: null }],
    debugExit: { port: 0xf4, size: 1 },
    cpus,
    rtcBase: new Date("2026-01-01T00:00:00Z"),
    // A slow virtual CPU: the PIT's 1.7 us are 17 instructions, so timers fall due while stepping.
    instructionsPerSecond: 10_000_000,
  });
}

type Pc = ReturnType<typeof boot>;

/** Devices whose state the comparison includes: the interrupt path and the timers. */
const WATCHED = new Set(["i8259", "i8254", "apic", "hpet"]);

/** The machine at a moment: position, registers, the low 1 MiB of RAM, the timers and 8259s. */
function seen(m: Pc): string {
  const cpu = m.cpus[0]!;
  const low = createHash("sha256").update(m.memory.buffer.subarray(0, MIB)).digest("hex");
  const devices = createHash("sha256")
    .update(JSON.stringify(m.devices.filter((d) => WATCHED.has(d.name)).map((d) => d.saveState?.() ?? null)))
    .digest("hex");
  return `${cpu.historyPosition()} ${Buffer.from(m.readRegisters(0)).toString("hex")} ${low} ${devices}`;
}

describe.skipIf(!needPeers("nasm"))("reverse execution on the PC", () => {
  beforeAll(async () => {
    rom = readFileSync(await assembleTestRomFile("history/irq-loop.asm"));
  });

  it.each([
    ["taking interrupts", {}],
    ["holding interrupts and timers, as gdb's stepi", { interrupts: false, timers: false }],
  ] as const)("steps back through interrupt deliveries and idle time, forward steps %s", (_, options) => {
    const m = boot();
    expect(m.enableHistory()).toBeNull();
    const cpu = m.cpus[0]!;
    // To the first wait (sti; hlt), then step by step through waits and deliveries.
    while (!cpu.halted) m.step(0);
    const forward = [seen(m)];
    const deliveriesBefore = cpu.deliveries;
    let idle = 0;
    for (let i = 0; i < 400; i++) {
      const before = cpu.historyPosition();
      const event = m.step(0, i % 3 === 2 ? {} : options);
      if (cpu.historyPosition() !== before) forward.push(seen(m));
      if (event.kind === "halted" && !cpu.runControl.canTakeInterrupt()) {
        // A halted CPU waits: its idle time up to the next device deadline is one step. (With an
        // interrupt pending, held by the step, the next step delivers it.)
        const skipped = cpu.skippedTicks;
        m.run(Math.max(1, m.clock.ticksUntil(m.clock.nextDeadline())));
        idle += cpu.skippedTicks - skipped;
        forward.push(seen(m));
      }
    }
    const delivered = cpu.deliveries - deliveriesBefore;
    for (let i = forward.length - 2; i >= 0; i--) {
      expect(m.reverse!.stepBack(0).kind).toBe("step");
      expect(seen(m), `step back to ${i}`).toBe(forward[i]);
    }
    expect(delivered).toBeGreaterThan(0);
    expect(idle).toBeGreaterThan(0);
  });

  it("drops the recorded future when a debugger writes a register, and needs one vCPU", () => {
    const m = boot();
    m.enableHistory();
    for (let i = 0; i < 300; i++) m.step(0);
    for (let i = 0; i < 100; i++) m.reverse!.stepBack(0);
    const back = m.reverse!.timeline();
    expect(back.end - back.now).toBe(100);
    m.writeRegister(0, 0, new Uint8Array([1, 2, 3, 4]));
    const after = m.reverse!.timeline();
    expect(after.end).toBe(after.now);
    expect(boot(2).enableHistory()).toBe("reverse execution needs one vCPU (this machine has 2)");
  });
});

describe.skipIf(!needPeers("nasm"))("guest output and reverse execution", () => {
  it("writes guest output once, and traces again what runs forward again, with the same stamps", async () => {
    const printer = readFileSync(await assembleTestRomFile("history/print-loop.asm"));
    let text = "";
    const m = createBareMachine({
      bios: printer,
      memBytes: MIB,
      debugcons: [{ port: 0xe9, sink: { write: (b) => (text += String.fromCharCode(b)) } }],
      debugExit: { port: 0xf4, size: 1 },
    });
    const traced: string[] = [];
    m.trace.subscribe("portio_write", (e) => {
      if (e.fields.addr === 0xe9) traced.push(`${e.insn}:${String.fromCharCode(Number(e.fields.val))}`);
    });
    expect(m.enableHistory()).toBeNull();
    while (text.length < 6) m.step(0);
    const first = [...traced];
    expect(first.map((t) => t.split(":")[1]).join("")).toBe("012345");
    // Back before three of the bytes (the replays trace nothing), then forward over them again: the
    // console gets nothing new, the trace the same three events again.
    for (let i = 0; i < 12; i++) expect(m.reverse!.stepBack(0).kind).toBe("step");
    expect(traced).toEqual(first);
    for (let i = 0; i < 12; i++) m.step(0);
    expect(text).toBe("012345");
    expect(traced).toEqual([...first, ...first.slice(-3)]);
    expect(m.run(1_000_000).kind).toBe("exit");
    expect(text).toBe("0123456789\ndone\n");
  });
});

describe("history bounds", () => {
  /** A stand-in machine whose state is its position: each snapshot costs 100 bytes. */
  function counter() {
    let position = 0;
    const released: number[] = [];
    const host = {
      position: () => position,
      saveState: () => ({ historyPosition: position, bytes: 100 }),
      loadState: (s: { historyPosition: number }) => {
        position = s.historyPosition;
      },
      releaseState: (s: { historyPosition: number }) => released.push(s.historyPosition),
      runForward: () => ({ kind: "budget" }) as const,
      stepForward: () => ({ kind: "step" }) as const,
      idle: () => ({ kind: "budget" }) as const,
      waiting: () => false,
      markStopped: () => {},
      atBreakpoint: () => false,
      linearPc: () => 0,
      setReplaying: () => {},
    };
    return { host, released, advance: (n: number) => (position += n) };
  }

  it("keeps the snapshots within the memory budget, newest first, and truncates the future", () => {
    const c = counter();
    const history = new History(c.host, 350, () => 0);
    for (let i = 0; i < 6; i++) {
      history.checkpoint();
      c.advance(200_000);
    }
    history.advanced();
    const t = history.timeline();
    expect(t.snapshots).toBe(3);
    expect(t.bytes).toBe(300);
    expect(t.start).toBe(600_000);
    expect(c.released).toEqual([0, 200_000, 400_000]);
    c.host.loadState({ historyPosition: 700_000 });
    history.truncate();
    expect(history.timeline()).toMatchObject({ snapshots: 1, end: 700_000, now: 700_000 });
    expect(c.released).toEqual([0, 200_000, 400_000, 1_000_000, 800_000]);
  });
});
