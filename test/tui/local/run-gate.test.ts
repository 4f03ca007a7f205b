import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { I386, registerNumber, registerValue } from "../../../src/emu/debug-arch.ts";
import { createBareMachine } from "../../../src/emu/machine/board-bare.ts";
import { RunGate, STALE_MS } from "../../../src/tui/local/run-gate.ts";

// gdb-demo (firmware/gdb-demo): F000:FFF0 jumps to `start` (0xfe05b), counts to 1000 at 0x500,
// prints to port 0x402 from `print_loop`, enters protected mode at `to_protected` (0xfe08a) and spins.
const GDB_DEMO = readFileSync(new URL("../../../firmware/gdb-demo/gdb-demo.bin", import.meta.url));
const START = 0xfe05b;
const TO_PROTECTED = 0xfe08a;
const EAX = registerNumber(I386, "eax");
const ONE = new Uint8Array([1, 0, 0, 0]);
const TWO = new Uint8Array([2, 0, 0, 0]);

/** A gate on a fresh gdb-demo machine, recording what it reports about the gdb side. */
function setup() {
  const machine = createBareMachine({ bios: GDB_DEMO, debugcons: [{ port: 0x402, sink: null }] });
  const events: string[] = [];
  let now = 0;
  const gate = new RunGate(
    machine,
    {
      gdbRunning: () => events.push("running"),
      gdbStopped: (text) => events.push(`stopped: ${text}`),
      gdbChanged: () => events.push("changed"),
    },
    () => now,
  );
  return {
    machine,
    gate,
    events,
    ui: gate.view("ui"),
    gdb: gate.view("gdb"),
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe("RunGate", () => {
  it("passes reads, steps and runs through to the machine", () => {
    const { ui, machine } = setup();
    expect(ui.singleStep!.step(0)).toEqual({ kind: "step" });
    expect(registerValue(I386, machine.readRegisters(0), "eip")).toBe(START & 0xffff);
    expect(ui.readLinear(0, START, 1)).toEqual(new Uint8Array([0xfa])); // cli
    ui.swBreakpoints!.add(TO_PROTECTED);
    let event = ui.run(1_000_000);
    while (event.kind === "budget") event = ui.run(1_000_000);
    expect(event).toEqual({ kind: "breakpoint", addr: TO_PROTECTED });
    expect(machine.monitorInfo("log")).toBe("hello from gdb-demo\n");
  });

  it("lets one side run at a time: the other side's run and step stop at once as interrupted", () => {
    const { ui, gdb, gate, events } = setup();
    expect(ui.run(100)).toEqual({ kind: "budget" });
    expect(gate.runner()).toBe("ui");
    expect(gdb.run(100)).toEqual({ kind: "interrupted" });
    expect(gdb.singleStep!.step(0)).toEqual({ kind: "interrupted" });
    expect(events).toEqual([]);
  });

  it("reports the gdb side's runs and stops, and stops them on pauseGdb", () => {
    const { ui, gdb, gate, events } = setup();
    expect(gdb.run(100)).toEqual({ kind: "budget" });
    expect(events).toEqual(["running"]);
    expect(ui.singleStep!.step(0)).toEqual({ kind: "interrupted" });
    gate.pauseGdb();
    expect(gdb.run(100)).toEqual({ kind: "interrupted" });
    expect(events).toEqual(["running", "stopped: interrupted"]);
    expect(gate.runner()).toBe(null);
    // Stopped: the UI steps again, and a pause with nobody running leaves no stop behind.
    gate.pauseGdb();
    expect(ui.singleStep!.step(0)).toEqual({ kind: "step" });
  });

  it("forgets a runner whose slices stopped coming (its executor was halted)", () => {
    const { gdb, ui, gate, events, advance } = setup();
    gdb.run(100);
    advance(STALE_MS + 1);
    gate.poll();
    expect(gate.runner()).toBe(null);
    expect(events).toEqual(["running", "stopped: stopped"]);
    expect(ui.run(100)).toEqual({ kind: "budget" });
  });

  it("tells the UI when gdb changes the stopped machine, not when the UI does", () => {
    const { ui, gdb, events } = setup();
    ui.singleStep!.step(0);
    ui.writeRegister(0, EAX, ONE);
    expect(events).toEqual([]);
    gdb.singleStep!.step(0);
    gdb.writeRegister(0, EAX, TWO);
    gdb.writeLinear(0, 0x500, new Uint8Array([1]));
    expect(events).toEqual(["changed", "changed", "changed"]);
  });

  it("shares breakpoints by reference count: gdb removing its own keeps the UI's", () => {
    const { ui, gdb } = setup();
    ui.swBreakpoints!.add(TO_PROTECTED);
    gdb.swBreakpoints!.add(TO_PROTECTED);
    gdb.swBreakpoints!.remove(TO_PROTECTED);
    let event = ui.run(1_000_000);
    while (event.kind === "budget") event = ui.run(1_000_000);
    expect(event).toEqual({ kind: "breakpoint", addr: TO_PROTECTED });
  });
});
