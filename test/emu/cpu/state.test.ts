// The architectural state as plain data (state.ts snapshotState/restoreState, Cpu.restoreState):
// a snapshot survives structuredClone, and restoring it replays the same execution.

import { describe, expect, test } from "vitest";
import { snapshotState } from "../../../src/emu/cpu/state.ts";
import { flat32 } from "./helpers.ts";

// inc eax; add ebx, eax; push ebx; loop back 5 bytes; hlt (ECX iterations)
const LOOP = [0x40, 0x01, 0xc3, 0x53, 0xe2, 0xfa, 0xf4];

describe("architectural state snapshots", () => {
  test("a snapshot is plain data that structuredClone copies", () => {
    const { cpu } = flat32(LOOP);
    const snap = snapshotState(cpu);
    expect(structuredClone(snap)).toEqual(snap);
    expect(Object.values(snap).some((v) => typeof v === "function")).toBe(false);
  });

  test("restoring a snapshot taken mid-run replays the same registers, flags and memory", () => {
    const { cpu, mem } = flat32(LOOP);
    cpu.regs[1] = 20; // ECX
    cpu.run(17);
    const snap = structuredClone(snapshotState(cpu));
    const stack = mem.buffer.slice(0, 0x10000);
    expect(cpu.run(1000)).toEqual({ kind: "halted" });
    const first = { regs: [...cpu.regs], eflags: cpu.getEflags(), eip: cpu.eip, n: cpu.instructions };
    const after = mem.buffer.slice(0, 0x10000);

    mem.buffer.set(stack, 0);
    cpu.regs.fill(0x5a5a5a5a);
    cpu.setEflags(0x8d5);
    cpu.restoreState(snap);
    expect(cpu.run(1000)).toEqual({ kind: "halted" });
    expect({ regs: [...cpu.regs], eflags: cpu.getEflags(), eip: cpu.eip, n: cpu.instructions }).toEqual(
      first,
    );
    expect(mem.buffer.slice(0, 0x10000)).toEqual(after);
  });
});
