// Far JMP/CALL/RETF and call gates. Expected values from the Intel SDM Vol. 2 JMP, CALL and RET
// pseudocode and Vol. 3A §5.8.5-5.8.6 (stack switching through a call gate, Figure 5-13; returning
// to an outer level nulls data segment registers the new CPL may not use).
import { describe, expect, it } from "vitest";
import {
  CS,
  DS,
  EBP,
  EBX,
  ECX,
  EDI,
  EDX,
  ESI,
  ESP,
  EXC_GP,
  EXC_NP,
  SS,
} from "../../../../src/emu/cpu/state.ts";
import { farCall, farJump, farReturn } from "../../../../src/emu/cpu/system/index.ts";
import {
  CODE,
  CODE0,
  enterProtected,
  enterReal,
  faultOf,
  GDT,
  makeCpu,
  putDescriptor,
  putGate,
  SEL_CODE0,
  SEL_CODE3,
  SEL_CODE16,
  SEL_DATA0,
  SEL_DATA3,
  SEL_GATE,
  STACK0,
  stackDwords,
  TO_RING3,
  USER_CODE,
} from "./harness.ts";

describe("call gate from ring 3 to ring 0 and RETF back", () => {
  it("switches to the TSS stack, copies parameters, and RETF imm16 restores the outer stack", () => {
    const { cpu, mem } = makeCpu();
    // 32-bit call gate, DPL 3, two dword parameters, to SEL_CODE0:CODE+0x100.
    putGate(mem, GDT + SEL_GATE, SEL_CODE0, CODE + 0x100, 0xec, 2);
    mem.put(CODE, TO_RING3);
    // biome-ignore format: one instruction per line
    mem.put(USER_CODE, [
      0x68, 0x11, 0x11, 0x00, 0x00, // push dword 0x1111
      0x68, 0x22, 0x22, 0x00, 0x00, // push dword 0x2222
      0x9a, 0x00, 0x00, 0x00, 0x00, 0x5b, 0x00, // call 0x5b:0
      0x89, 0xe6, // mov esi, esp
      0xeb, 0xfe, // jmp $
    ]);
    // biome-ignore format: one instruction per line
    mem.put(CODE + 0x100, [
      0x8c, 0xd0, // mov eax, ss
      0x89, 0xe3, // mov ebx, esp
      0x8b, 0x4c, 0x24, 0x08, // mov ecx, [esp+8]
      0x8b, 0x54, 0x24, 0x0c, // mov edx, [esp+12]
      0x8b, 0x7c, 0x24, 0x10, // mov edi, [esp+16]
      0x8b, 0x6c, 0x24, 0x14, // mov ebp, [esp+20]
      0x6a, 0x10, // push dword 0x10
      0x1f, // pop ds
      0xca, 0x08, 0x00, // retf 8
    ]);
    enterProtected(cpu);
    cpu.run(100);
    expect(cpu.eip).toBe(USER_CODE + 19); // parked on the jmp $
    expect(cpu.cpl).toBe(3);
    expect(cpu.segSel[CS]).toBe(SEL_CODE3);
    expect(cpu.segSel[SS]).toBe(SEL_DATA3);
    // Inside the gate: SS0:ESP0 from the TSS, 16 bytes of frame + 2 parameters (Figure 5-13).
    expect(cpu.regs[0]).toBe(SEL_DATA0);
    expect(cpu.regs[EBX]).toBe(STACK0 - 24);
    expect(cpu.regs[ECX]).toBe(0x2222); // parameter 1 (nearest the caller's ESP)
    expect(cpu.regs[EDX]).toBe(0x1111);
    expect(cpu.regs[EDI]).toBe(0x8000 - 8); // caller's ESP
    expect(cpu.regs[EBP]).toBe(SEL_DATA3); // caller's SS
    // Return frame on the inner stack: EIP after the CALL, caller CS.
    expect(mem.r32(STACK0 - 24)).toBe(USER_CODE + 17);
    expect(mem.r32(STACK0 - 20)).toBe(SEL_CODE3);
    // RETF 8 released the parameters on the outer stack.
    expect(cpu.regs[ESI]).toBe(0x8000);
    // DS held a DPL-0 data segment: nulled on the return to CPL 3.
    expect(cpu.segSel[DS]).toBe(0);
  });

  it("IRET to ring 3 also nulls DS/ES/FS/GS holding DPL-0 data segments", () => {
    const { cpu, mem } = makeCpu();
    mem.put(CODE, TO_RING3);
    mem.put(USER_CODE, [0xeb, 0xfe]); // jmp $
    enterProtected(cpu);
    cpu.run(20);
    expect(cpu.cpl).toBe(3);
    for (const s of [0, 3, 4, 5]) expect(cpu.segSel[s]).toBe(0);
    expect(cpu.regs[ESP]).toBe(0x8000);
  });
});

describe("far JMP and CALL checks", () => {
  it("JMP to a non-conforming segment of another DPL is #GP(sel); offset beyond limit #GP(0)", () => {
    const { cpu } = makeCpu();
    enterProtected(cpu);
    expect(faultOf(() => farJump(cpu, SEL_CODE3, 0, true))).toEqual([EXC_GP, SEL_CODE3 & ~3]);
    expect(faultOf(() => farJump(cpu, SEL_DATA0, 0, true))).toEqual([EXC_GP, SEL_DATA0]);
    expect(faultOf(() => farJump(cpu, 0, 0, true))).toEqual([EXC_GP, 0]);
    expect(faultOf(() => farJump(cpu, SEL_CODE16, 0x10000, true))).toEqual([EXC_GP, 0]);
    expect(cpu.segSel[CS]).toBe(SEL_CODE0);
    // Non-conforming target: RPL must not exceed CPL.
    expect(faultOf(() => farJump(cpu, SEL_CODE16 | 3, 0x1234, false))).toEqual([EXC_GP, SEL_CODE16]);
  });

  it("JMP loads CS with RPL = CPL and a not-present code segment is #NP(sel)", () => {
    const { cpu, mem } = makeCpu();
    enterProtected(cpu);
    farJump(cpu, SEL_CODE16, 0x1234, false);
    expect(cpu.segSel[CS]).toBe(SEL_CODE16);
    expect(cpu.eip).toBe(0x1234);
    putDescriptor(mem, GDT + 0x68, 0, 0xffff, CODE0 & 0x7f, 0);
    expect(faultOf(() => farJump(cpu, 0x68, 0, true))).toEqual([EXC_NP, 0x68]);
  });

  it("a call gate whose DPL is below CPL is #GP(gate selector)", () => {
    const { cpu, mem } = makeCpu();
    putGate(mem, GDT + SEL_GATE, SEL_CODE0, CODE, 0x8c, 0); // DPL 0 gate
    enterProtected(cpu);
    cpu.cpl = 3;
    expect(faultOf(() => farCall(cpu, SEL_GATE | 3, 0, true))).toEqual([EXC_GP, SEL_GATE]);
  });

  it("CALL far in real mode pushes CS and IP and RETF pops them", () => {
    const { cpu, mem } = makeCpu();
    enterReal(cpu, 0x100, 0x7000);
    cpu.segSel[CS] = 0x50;
    cpu.segBase[CS] = 0x500;
    farCall(cpu, 0x1234, 0x5678, false);
    expect(cpu.segSel[CS]).toBe(0x1234);
    expect(cpu.segBase[CS]).toBe(0x12340);
    expect(cpu.eip).toBe(0x5678);
    expect(cpu.regs[ESP]).toBe(0x7000 - 4);
    expect(mem.r16(0x7000 - 4)).toBe(0x100);
    expect(mem.r16(0x7000 - 2)).toBe(0x50);
    farReturn(cpu, false, 6);
    expect(cpu.segSel[CS]).toBe(0x50);
    expect(cpu.eip).toBe(0x100);
    expect(cpu.regs[ESP]).toBe(0x7000 + 6);
  });

  it("CALL far at CPL 0 pushes CS:EIP on the current stack (32-bit operands)", () => {
    const { cpu, mem } = makeCpu();
    enterProtected(cpu);
    cpu.eip = CODE + 7;
    farCall(cpu, SEL_CODE16, 0x40, true);
    expect(stackDwords(cpu, mem, 2)).toEqual([CODE + 7, SEL_CODE0]);
    expect(cpu.regs[ESP]).toBe(STACK0 - 8);
    farReturn(cpu, true, 0);
    expect(cpu.segSel[CS]).toBe(SEL_CODE0);
    expect(cpu.eip).toBe(CODE + 7);
    expect(cpu.regs[ESP]).toBe(STACK0);
  });
});
