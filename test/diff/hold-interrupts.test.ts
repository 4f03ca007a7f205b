// RunControl.holdInterrupts, the stepping mode `pcscope diff` uses beside QEMU's gdb stub (which
// masks interrupts while it single-steps): a pending interrupt stays pending, the instruction runs;
// without it (every other run and step) stepping delivers the interrupt as before.
import { describe, expect, test } from "vitest";
import { HANDLER_BASE, realMode } from "../emu/cpu/helpers.ts";

const NOP = 0x90;

describe("holdInterrupts", () => {
  test("a step runs the next instruction and leaves the interrupt pending", () => {
    const { cpu } = realMode([NOP, NOP, 0xf4]); // nop; nop; hlt
    cpu.setEflags(0x202);
    cpu.intc = { acknowledge: () => 8 };
    cpu.intrLine = true;
    cpu.runControl.holdInterrupts = true;
    expect(cpu.step()).toEqual({ kind: "step" });
    expect(cpu.eip).toBe(0x1001);
    expect(cpu.step()).toEqual({ kind: "step" });
    expect(cpu.eip).toBe(0x1002);
    // HLT with the interrupt held: halted, as QEMU's stepped CPU stays halted.
    expect(cpu.step()).toEqual({ kind: "halted" });
    expect(cpu.step()).toEqual({ kind: "halted" });
    cpu.runControl.holdInterrupts = false;
    expect(cpu.step()).toEqual({ kind: "step" });
    expect(cpu.eip).toBe(HANDLER_BASE + 8);
  });

  test("off by default: the pending interrupt is the step", () => {
    const { cpu } = realMode([NOP]);
    cpu.setEflags(0x202);
    cpu.intc = { acknowledge: () => 8 };
    cpu.intrLine = true;
    expect(cpu.runControl.holdInterrupts).toBe(false);
    expect(cpu.step()).toEqual({ kind: "step" });
    expect(cpu.eip).toBe(HANDLER_BASE + 8);
  });
});
