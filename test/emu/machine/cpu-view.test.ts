// The debugger's view of a CPU's registers: the I386 layout over the integer registers and the
// x87/SSE register file, ST(i) mapped through FSW.TOP, writes landing where the CPU keeps them.
import { describe, expect, it } from "vitest";
import { FCW_INIT, FTW_ALL_EMPTY, MXCSR_RESET } from "../../../src/emu/cpu/fpu-registers.ts";
import { I386, registerBytes, registerNumber, registerValue } from "../../../src/emu/debug-arch.ts";
import { createBareMachine } from "../../../src/emu/machine/board-bare.ts";
import { tinyRom } from "./tiny-rom.ts";

const ST = (i: number) => registerNumber(I386, `st${i}`);

describe("register view", () => {
  it("reads the x87 stack relative to FSW.TOP and writes ST(i) to its physical register", () => {
    const m = createBareMachine({ bios: tinyRom([0xfa, 0xf4]) });
    const fpu = m.cpus[0]!.fpu;
    fpu.fsw = 6 << 11; // TOP = 6: ST(0) is R6, ST(2) is R0
    fpu.data.set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0);
    const regs = m.readRegisters(0);
    expect([...registerBytes(I386, regs, ST(2))]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    m.writeRegister(0, ST(0), new Uint8Array(10).fill(0xee));
    expect([...fpu.data.subarray(60, 70)]).toEqual(new Array(10).fill(0xee));
    expect(registerValue(I386, regs, "fstat")).toBe(6 << 11);
  });

  it("shows the FNINIT state after power-on and after a system reset, which INIT does not touch", () => {
    const m = createBareMachine({ bios: tinyRom([0xfa, 0xf4]) });
    const values = () => {
      const regs = m.readRegisters(0);
      return ["fctrl", "ftag", "mxcsr"].map((name) => registerValue(I386, regs, name));
    };
    expect(values()).toEqual([FCW_INIT, FTW_ALL_EMPTY, MXCSR_RESET]);
    m.writeRegister(0, registerNumber(I386, "fctrl"), new Uint8Array([0x7f, 0x02, 0, 0]));
    m.cpus[0]!.reset(); // what an INIT IPI does
    expect(values()[0]).toBe(0x27f);
    m.reset();
    expect(values()).toEqual([FCW_INIT, FTW_ALL_EMPTY, MXCSR_RESET]);
  });
});
