// Privilege rules around IRET's EFLAGS masking, conforming code segments and inner-stack checks.
// Expected values from the Intel SDM Vol. 2 IRET (EFLAGS rules for CPL/IOPL), CALL (CALL-GATE,
// MORE-PRIVILEGE checks on the TSS stack), INT n (INTRA-PRIVILEGE-LEVEL-INTERRUPT for conforming
// handlers) pseudocode, and Vol. 3A §5.8.1.2 (conforming code segments).
import { describe, expect, it } from "vitest";
import {
  CS,
  ESP,
  EXC_SS,
  EXC_TS,
  FLAG_IF,
  FLAG_IOPL,
  FLAG_RESERVED1,
  SS,
} from "../../../../src/emu/cpu/state.ts";
import { farCall, farReturn, interrupt, interruptReturn } from "../../../../src/emu/cpu/system/index.ts";
import {
  CODE,
  enterProtected,
  FLAT32,
  faultOf,
  GDT,
  IDT,
  makeCpu,
  putDescriptor,
  putGate,
  SEL_CODE0,
  SEL_CODE3,
  SEL_CODE16,
  SEL_DATA0,
  SEL_DATA0_NP,
  SEL_DATA3,
  SEL_GATE,
  STACK0,
  type TestMemory,
  TSS_A,
} from "./harness.ts";

/** Conforming readable code, DPL 0 (access 0x9e) at selector 0x68. */
const SEL_CONFORMING = 0x68;

/** A CPU at CPL 3 (ring-3 CS/SS, ESP 0x8000) with the flat layout. */
function ring3(): { cpu: ReturnType<typeof makeCpu>["cpu"]; mem: TestMemory } {
  const { cpu, mem } = makeCpu();
  putDescriptor(mem, GDT + SEL_CONFORMING, 0, 0xfffff, 0x9e, FLAT32);
  enterProtected(cpu);
  // Build an IRET frame to ring 3 and use IRET itself to get there.
  cpu.regs[ESP] = STACK0 - 20;
  for (const [i, v] of [CODE + 0x40, SEL_CODE3, 0x202, 0x8000, SEL_DATA3].entries()) {
    mem.w32(STACK0 - 20 + 4 * i, v);
  }
  interruptReturn(cpu, true);
  return { cpu, mem };
}

describe("IRET EFLAGS rules", () => {
  it("at CPL 3 with IOPL 0 neither IF nor IOPL change; the arithmetic flags do", () => {
    const { cpu, mem } = ring3();
    expect(cpu.cpl).toBe(3);
    const esp = cpu.regs[ESP];
    mem.w32(esp - 12, CODE + 0x80);
    mem.w32(esp - 8, SEL_CODE3);
    mem.w32(esp - 4, 0x3000 | 0x8d5); // IOPL 3, IF clear, OF DF SF ... set
    cpu.regs[ESP] = esp - 12;
    interruptReturn(cpu, true);
    expect(cpu.getEflags()).toBe(0x8d5 | FLAG_IF | FLAG_RESERVED1);
    expect(cpu.eip).toBe(CODE + 0x80);
  });

  it("at CPL 0 IOPL and IF are loaded; a 16-bit IRET only touches FLAGS[15:0]", () => {
    const { cpu, mem } = makeCpu();
    enterProtected(cpu);
    cpu.setEflags(0x40202); // AC set: must survive a 16-bit IRET
    mem.w16(STACK0 - 6, 0x1234);
    mem.w16(STACK0 - 4, SEL_CODE0);
    mem.w16(STACK0 - 2, 0x3000);
    cpu.regs[ESP] = STACK0 - 6;
    interruptReturn(cpu, false);
    expect(cpu.getEflags()).toBe(0x40000 | 0x3000 | FLAG_RESERVED1);
    expect(cpu.getEflags() & FLAG_IOPL).toBe(FLAG_IOPL);
    expect(cpu.eip).toBe(0x1234);
    expect(cpu.regs[ESP]).toBe(STACK0);
  });
});

describe("conforming code segments", () => {
  it("a far CALL from CPL 3 into DPL-0 conforming code keeps CPL 3 and the current stack", () => {
    const { cpu } = ring3();
    farCall(cpu, SEL_CONFORMING, 0x100, true);
    expect(cpu.cpl).toBe(3);
    expect(cpu.segSel[CS]).toBe(SEL_CONFORMING | 3);
    expect(cpu.segSel[SS]).toBe(SEL_DATA3);
    expect(cpu.regs[ESP]).toBe(0x8000 - 8);
  });

  it("an interrupt to a conforming handler from ring 3 stays at CPL 3 without a stack switch", () => {
    const { cpu, mem } = ring3();
    putGate(mem, IDT + 0x60 * 8, SEL_CONFORMING, 0x200, 0xee);
    interrupt(cpu, 0x60, "software", -1);
    expect(cpu.cpl).toBe(3);
    expect(cpu.segSel[CS]).toBe(SEL_CONFORMING | 3);
    expect(cpu.regs[ESP]).toBe(0x8000 - 12);
    expect(mem.r32(0x8000 - 8)).toBe(SEL_CODE3);
  });
});

describe("inner stack checks", () => {
  it("a call gate whose TSS stack is not present raises #SS(SS selector); a wrong DPL raises #TS", () => {
    const { cpu, mem } = ring3();
    putGate(mem, GDT + SEL_GATE, SEL_CODE0, CODE, 0xec, 0);
    mem.w16(TSS_A + 8, SEL_DATA0_NP);
    expect(faultOf(() => farCall(cpu, SEL_GATE | 3, 0, true))).toEqual([EXC_SS, SEL_DATA0_NP]);
    mem.w16(TSS_A + 8, SEL_DATA3);
    expect(faultOf(() => farCall(cpu, SEL_GATE | 3, 0, true))).toEqual([EXC_TS, SEL_DATA3 & ~3]);
    expect(cpu.cpl).toBe(3);
    expect(cpu.regs[ESP]).toBe(0x8000);
  });

  it("an interrupt whose frame does not fit under the stack limit raises #SS with EXT for exceptions", () => {
    const { cpu, mem } = makeCpu();
    enterProtected(cpu);
    cpu.segLimit[SS] = 0x8ff; // as if SS's descriptor had a byte-granular limit of 0x8ff
    cpu.regs[ESP] = 0x90a; // 12-byte frame would span 0x8fe..0x909
    putGate(mem, IDT + 0x61 * 8, SEL_CODE0, CODE, 0x8e);
    expect(faultOf(() => interrupt(cpu, 0x61, "hardware", -1))).toEqual([EXC_SS, 1]);
    expect(faultOf(() => interrupt(cpu, 0x61, "software", -1))).toEqual([EXC_SS, 0]);
    cpu.regs[ESP] = 0x8ff + 1;
    interrupt(cpu, 0x61, "software", -1);
    expect(cpu.regs[ESP]).toBe(0x8f4);
  });
});

describe("16-bit call gates", () => {
  it("push SS, SP, word parameters, CS, IP as words on the inner stack; RETF 2 returns outward", () => {
    const { cpu, mem } = ring3();
    // 16-bit call gate (type 4), DPL 3, one word parameter, to SEL_CODE16:0x300.
    putGate(mem, GDT + SEL_GATE, SEL_CODE16, 0x300, 0xe4, 1);
    mem.w16(0x8000 - 2, 0xbeef);
    cpu.regs[ESP] = 0x8000 - 2;
    cpu.eip = 0x50;
    farCall(cpu, SEL_GATE | 3, 0, false);
    expect(cpu.cpl).toBe(0);
    expect(cpu.segSel[CS]).toBe(SEL_CODE16);
    expect(cpu.eip).toBe(0x300);
    expect(cpu.segSel[SS]).toBe(SEL_DATA0);
    expect(cpu.regs[ESP]).toBe(STACK0 - 10);
    const words = [0, 2, 4, 6, 8].map((o) => mem.r16(STACK0 - 10 + o));
    expect(words).toEqual([0x50, SEL_CODE3, 0xbeef, 0x8000 - 2, SEL_DATA3]);
    farReturn(cpu, false, 2);
    expect(cpu.cpl).toBe(3);
    expect(cpu.segSel[CS]).toBe(SEL_CODE3);
    expect(cpu.eip).toBe(0x50);
    expect(cpu.segSel[SS]).toBe(SEL_DATA3);
    expect(cpu.regs[ESP]).toBe(0x8000);
  });
});
