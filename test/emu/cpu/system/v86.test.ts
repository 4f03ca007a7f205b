// Virtual-8086 mode: entry by IRETD at CPL 0 with VM in the popped EFLAGS, INT n from v86 to a ring-0
// handler, IOPL sensitivity. Expected values from the Intel SDM Vol. 2 IRET "RETURN-TO-VIRTUAL-8086-
// MODE" and INT n "INTERRUPT-FROM-VIRTUAL-8086-MODE" pseudocode, Vol. 3A §20.2.1, §20.3.1 and
// Figure 20-5 (the stack after a transition out of v86 mode).
import { describe, expect, it } from "vitest";
import { CS, DS, EBX, ECX, ES, ESP, FLAG_IF, FLAG_VM, FS, GS, SS } from "../../../../src/emu/cpu/state.ts";
import { interruptReturn } from "../../../../src/emu/cpu/system/index.ts";
import {
  CODE,
  enterProtected,
  IDT,
  makeCpu,
  putGate,
  SEL_CODE0,
  SEL_DATA0,
  STACK0,
  stackDwords,
  type TestMemory,
} from "./harness.ts";

/** Ring-0 code that IRETDs into v86 mode at 2000:0010 with SS:SP 1000:0100, DS=3000, EFLAGS=`flags`. */
function toV86(flags: number): number[] {
  // biome-ignore format: one instruction per line
  return [
    0x6a, 0x00, // push dword 0 (GS)
    0x6a, 0x00, // push dword 0 (FS)
    0x68, 0x00, 0x30, 0x00, 0x00, // push dword 0x3000 (DS)
    0x6a, 0x00, // push dword 0 (ES)
    0x68, 0x00, 0x10, 0x00, 0x00, // push dword 0x1000 (SS)
    0x68, 0x00, 0x01, 0x00, 0x00, // push dword 0x100 (ESP)
    0x68, flags & 0xff, (flags >> 8) & 0xff, (flags >> 16) & 0xff, 0x00, // push dword flags
    0x68, 0x00, 0x20, 0x00, 0x00, // push dword 0x2000 (CS)
    0x6a, 0x10, // push dword 0x10 (EIP)
    0xcf, // iretd
  ];
}

// biome-ignore format: one instruction per line
const V86_CODE = [
  0xb8, 0x34, 0x12, // mov ax, 0x1234
  0xcd, 0x50, // int 0x50
];

function setup(flags: number): { cpu: ReturnType<typeof makeCpu>["cpu"]; mem: TestMemory } {
  const { cpu, mem } = makeCpu();
  mem.put(CODE, toV86(flags));
  mem.put(0x20010, V86_CODE);
  putGate(mem, IDT + 0x50 * 8, SEL_CODE0, CODE + 0x600, 0xee); // interrupt gate, DPL 3
  mem.put(CODE + 0x600, [0xf4]); // hlt
  putGate(mem, IDT + 13 * 8, SEL_CODE0, CODE + 0x300, 0x8e);
  // biome-ignore format: one instruction per line
  mem.put(CODE + 0x300, [
    0x58, // pop eax
    0x8b, 0x1c, 0x24, // mov ebx, [esp]
    0x8b, 0x4c, 0x24, 0x04, // mov ecx, [esp+4]
    0xf4, // hlt
  ]);
  enterProtected(cpu);
  return { cpu, mem };
}

describe("virtual-8086 mode", () => {
  it("IRETD with VM enters v86; INT n (IOPL 3) returns to ring 0 pushing GS, FS, DS, ES, SS, ESP, EFLAGS, CS, EIP", () => {
    const { cpu, mem } = setup(0x23202); // VM, IOPL 3, IF
    expect(cpu.run(100).kind).toBe("halted");
    expect(cpu.regs[0] & 0xffff).toBe(0x1234); // the v86 code ran
    expect(cpu.cpl).toBe(0);
    expect(cpu.segSel[CS]).toBe(SEL_CODE0);
    expect(cpu.segSel[SS]).toBe(SEL_DATA0);
    expect(cpu.regs[ESP]).toBe(STACK0 - 36);
    expect(stackDwords(cpu, mem, 9)).toEqual([0x15, 0x2000, 0x23202, 0x100, 0x1000, 0, 0x3000, 0, 0]);
    for (const s of [ES, DS, FS, GS]) expect(cpu.segSel[s]).toBe(0);
    expect(cpu.getEflags() & (FLAG_VM | FLAG_IF)).toBe(0);
  });

  it("IRETD from ring 0 back to v86 restores every segment the v86 way", () => {
    const { cpu } = setup(0x23202);
    cpu.run(100);
    interruptReturn(cpu, true);
    expect(cpu.cpl).toBe(3);
    expect(cpu.getEflags() & FLAG_VM).toBe(FLAG_VM);
    expect(cpu.segSel[CS]).toBe(0x2000);
    expect(cpu.segBase[CS]).toBe(0x20000);
    expect(cpu.segBase[DS]).toBe(0x30000);
    expect(cpu.segBase[SS]).toBe(0x10000);
    expect(cpu.segLimit[SS]).toBe(0xffff);
    expect(cpu.regs[ESP]).toBe(0x100);
    expect(cpu.eip).toBe(0x15);
  });

  it("INT n in v86 mode with IOPL < 3 is #GP(0) with EIP at the INT (no VME)", () => {
    const { cpu } = setup(0x20202); // VM, IOPL 0, IF
    expect(cpu.run(100).kind).toBe("halted");
    expect(cpu.regs[0]).toBe(0);
    expect(cpu.regs[EBX]).toBe(0x13);
    expect(cpu.regs[ECX]).toBe(0x2000);
  });
});
