// Cpu.step(false), the step the gdb stub takes by default and `pcscope diff` takes beside QEMU's
// gdb stub (which masks interrupts while it single-steps): a pending interrupt stays pending, the
// instruction runs; Cpu.step(true) delivers the interrupt as the step.
import { describe, expect, test } from "vitest";
import { HANDLER_BASE, realMode } from "./helpers.ts";

const NOP = 0x90;

describe("a step with interrupts held", () => {
  test("a step runs the next instruction and leaves the interrupt pending", () => {
    const { cpu } = realMode([NOP, NOP, 0xf4]); // nop; nop; hlt
    cpu.setEflags(0x202);
    cpu.intc = { acknowledge: () => 8 };
    cpu.intrLine = true;
    expect(cpu.step(false)).toEqual({ kind: "step" });
    expect(cpu.eip).toBe(0x1001);
    expect(cpu.step(false)).toEqual({ kind: "step" });
    expect(cpu.eip).toBe(0x1002);
    // HLT with the interrupt held: halted, as QEMU's stepped CPU stays halted.
    expect(cpu.step(false)).toEqual({ kind: "halted" });
    expect(cpu.step(false)).toEqual({ kind: "halted" });
    expect(cpu.step()).toEqual({ kind: "step" });
    expect(cpu.eip).toBe(HANDLER_BASE + 8);
  });

  test("taken by default: the pending interrupt is the step", () => {
    const { cpu } = realMode([NOP]);
    cpu.setEflags(0x202);
    cpu.intc = { acknowledge: () => 8 };
    cpu.intrLine = true;
    expect(cpu.step()).toEqual({ kind: "step" });
    expect(cpu.eip).toBe(HANDLER_BASE + 8);
  });
});
