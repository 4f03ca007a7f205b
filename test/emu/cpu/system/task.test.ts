// Hardware task switches. Expected values from the Intel SDM Vol. 3A §7.3 (task switching steps),
// §7.4 (Table 7-2: busy flag, NT flag and previous task link for JMP, CALL and IRET) and Figure 7-2
// (32-bit TSS layout).
import { describe, expect, it } from "vitest";
import { CR0_TS, CS, ESI, ESP, EXC_GP, FLAG_NT, TR } from "../../../../src/emu/cpu/state.ts";
import { farJump } from "../../../../src/emu/cpu/system/index.ts";
import {
  CODE,
  enterProtected,
  faultOf,
  GDT,
  makeCpu,
  putDescriptor,
  SEL_CODE0,
  SEL_CODE16,
  SEL_DATA0,
  SEL_TSS_A,
  SEL_TSS_B,
  TSS_A,
  TSS_B,
  writeTss32,
} from "./harness.ts";

/** Type nibble of a GDT descriptor: 9 = available 32-bit TSS, 0xB = busy. */
function tssType(mem: { r8(a: number): number }, sel: number): number {
  return mem.r8(GDT + sel + 5) & 0xf;
}

describe("task switches", () => {
  it("JMP to a TSS saves the old task, loads the new one, moves the busy bit and sets CR0.TS", () => {
    const { cpu, mem } = makeCpu();
    // biome-ignore format: one instruction per line
    mem.put(CODE, [
      0xb8, 0xaa, 0xaa, 0x00, 0x00, // mov eax, 0xaaaa
      0xea, 0x00, 0x00, 0x00, 0x00, 0x30, 0x00, // jmp 0x30:0
    ]);
    mem.put(CODE + 0x500, [0xf4]); // hlt
    writeTss32(mem, TSS_B, { eip: CODE + 0x500, eax: 0xbbbb, esp: 0x7800, cs: SEL_CODE0, ds: SEL_DATA0 });
    enterProtected(cpu);
    expect(cpu.run(100).kind).toBe("halted");
    expect(cpu.segSel[TR]).toBe(SEL_TSS_B);
    expect(cpu.segBase[TR]).toBe(TSS_B);
    expect(cpu.regs[0]).toBe(0xbbbb);
    expect(cpu.regs[ESP]).toBe(0x7800);
    expect(cpu.eip).toBe(CODE + 0x501);
    expect(cpu.cr0 & CR0_TS).toBe(CR0_TS);
    expect(tssType(mem, SEL_TSS_A)).toBe(9); // JMP clears the old task's busy bit
    expect(tssType(mem, SEL_TSS_B)).toBe(0xb);
    expect(mem.r32(TSS_A + 0x20)).toBe(CODE + 12); // EIP after the JMP
    expect(mem.r32(TSS_A + 0x28)).toBe(0xaaaa); // EAX
    expect(mem.r16(TSS_A + 0x4c)).toBe(SEL_CODE0); // CS
    expect(cpu.getEflags() & FLAG_NT).toBe(0);
  });

  it("CALL to a TSS nests (NT, back link) and IRET returns through the link", () => {
    const { cpu, mem } = makeCpu();
    // biome-ignore format: one instruction per line
    mem.put(CODE, [
      0xb8, 0xaa, 0xaa, 0x00, 0x00, // mov eax, 0xaaaa
      0x9a, 0x00, 0x00, 0x00, 0x00, 0x30, 0x00, // call 0x30:0
      0x89, 0xc6, // mov esi, eax
      0xf4, // hlt
    ]);
    // biome-ignore format: one instruction per line
    mem.put(CODE + 0x500, [
      0xb8, 0xbc, 0xbb, 0x00, 0x00, // mov eax, 0xbbbc
      0x9c, // pushfd
      0x5b, // pop ebx
      0xcf, // iretd
    ]);
    writeTss32(mem, TSS_B, { eip: CODE + 0x500, esp: 0x7800, cs: SEL_CODE0, ds: SEL_DATA0 });
    enterProtected(cpu);
    expect(cpu.run(100).kind).toBe("halted");
    expect(cpu.segSel[TR]).toBe(SEL_TSS_A);
    expect(cpu.regs[ESI]).toBe(0xaaaa); // task A's EAX came back from its TSS
    expect(cpu.eip).toBe(CODE + 15);
    expect(cpu.getEflags() & FLAG_NT).toBe(0);
    expect(mem.r16(TSS_B)).toBe(SEL_TSS_A); // previous task link
    expect(mem.r32(TSS_B + 0x28)).toBe(0xbbbc); // task B's EAX saved by the IRET switch
    expect(mem.r32(TSS_B + 0x34) & FLAG_NT).toBe(FLAG_NT); // EBX: task B ran with NT set
    expect(mem.r32(TSS_B + 0x24) & FLAG_NT).toBe(0); // IRET saves task B's EFLAGS with NT clear
    expect(mem.r32(TSS_B + 0x20)).toBe(CODE + 0x508); // after the IRETD
    expect(tssType(mem, SEL_TSS_A)).toBe(0xb);
    expect(tssType(mem, SEL_TSS_B)).toBe(9); // IRET clears the nested task's busy bit
    expect(cpu.segSel[CS]).toBe(SEL_CODE0);
  });

  it("JMP to a busy TSS is #GP(selector)", () => {
    const { cpu } = makeCpu();
    enterProtected(cpu);
    expect(faultOf(() => farJump(cpu, SEL_TSS_A, 0, true))).toEqual([EXC_GP, SEL_TSS_A]);
  });
  it("switches to and from a 16-bit TSS (SDM Figure 7-11 layout, busy type 3)", () => {
    const { cpu, mem } = makeCpu();
    const TSS16 = 0x5000;
    const SEL_TSS16 = 0x70;
    putDescriptor(mem, GDT + SEL_TSS16, TSS16, 0x2b, 0x81, 0);
    mem.w16(TSS16 + 0x0e, 0x100); // IP
    mem.w16(TSS16 + 0x10, 0x0002); // FLAGS
    mem.w16(TSS16 + 0x12, 0x1234); // AX
    mem.w16(TSS16 + 0x1a, 0x600); // SP
    mem.w16(TSS16 + 0x22, SEL_DATA0); // ES
    mem.w16(TSS16 + 0x24, SEL_CODE16); // CS
    mem.w16(TSS16 + 0x26, SEL_DATA0); // SS
    mem.w16(TSS16 + 0x28, SEL_DATA0); // DS
    enterProtected(cpu);
    cpu.eip = CODE + 0x40;
    cpu.regs[0] = 0xabcd0000 | 0;
    farJump(cpu, SEL_TSS16, 0, true);
    expect(cpu.segSel[TR]).toBe(SEL_TSS16);
    expect(cpu.eip).toBe(0x100);
    expect(cpu.segSel[CS]).toBe(SEL_CODE16);
    expect(cpu.regs[0] >>> 0).toBe(0xabcd1234); // only the low word comes from a 16-bit TSS
    expect(cpu.regs[ESP] & 0xffff).toBe(0x600);
    expect(mem.r8(GDT + SEL_TSS16 + 5) & 0xf).toBe(3);
    expect(mem.r32(TSS_A + 0x20)).toBe(CODE + 0x40);
    cpu.regs[0] = 0x5678;
    cpu.eip = 0x123;
    farJump(cpu, SEL_TSS_A, 0, false);
    expect(cpu.segSel[TR]).toBe(SEL_TSS_A);
    expect(cpu.eip).toBe(CODE + 0x40);
    expect(cpu.segSel[CS]).toBe(SEL_CODE0);
    expect(mem.r16(TSS16 + 0x0e)).toBe(0x123);
    expect(mem.r16(TSS16 + 0x12)).toBe(0x5678);
    expect(mem.r8(GDT + SEL_TSS16 + 5) & 0xf).toBe(1);
  });
});
