// Control/debug registers, CPUID, MSRs, RDTSC and the I/O permission bitmap. Expected values from the
// Intel SDM Vol. 2 CPUID (leaf 0 vendor registers, leaf 1 signature layout, "Brand String"), RDMSR/
// WRMSR, RDTSC, MOV CR/DR, LMSW pseudocode; Vol. 3A §2.5; Vol. 1 §19.5.2 (I/O permission bit map).
import { describe, expect, it } from "vitest";
import { cpuidFor } from "../../../../src/emu/cpu/cpuid-models.ts";
import {
  CR0_ET,
  CR0_PE,
  CR0_PG,
  CR0_TS,
  CR4_DE,
  CR4_PAE,
  CR4_PSE,
  CR4_TSD,
  EAX,
  EBX,
  ECX,
  EDX,
  EXC_GP,
  EXC_UD,
} from "../../../../src/emu/cpu/state.ts";
import {
  checkIoPermission,
  cpuidInstruction,
  lmsw,
  rdtsc,
  readControlRegister,
  readDebugRegister,
  readMsr,
  writeControlRegister,
  writeDebugRegister,
  writeMsr,
} from "../../../../src/emu/cpu/system/index.ts";
import {
  CODE,
  enterProtected,
  faultOf,
  IDT,
  makeCpu,
  putGate,
  SEL_CODE0,
  TO_RING3,
  TSS_A,
  USER_CODE,
} from "./harness.ts";

describe("I/O permission bitmap", () => {
  it("lets ring 3 (IOPL 0) use ports whose bits are clear and raises #GP(0) on a set bit", () => {
    const { cpu, mem, io } = makeCpu();
    mem.put(CODE, TO_RING3);
    // biome-ignore format: one instruction per line
    mem.put(USER_CODE, [
      0xb0, 0x55, // mov al, 0x55
      0xe6, 0x81, // out 0x81, al
      0xe6, 0x80, // out 0x80, al
    ]);
    mem.w8(TSS_A + 0x68 + (0x80 >> 3), 1); // deny port 0x80
    putGate(mem, IDT + 13 * 8, SEL_CODE0, CODE + 0x300, 0x8e);
    // biome-ignore format: one instruction per line
    mem.put(CODE + 0x300, [
      0x58, // pop eax
      0x8b, 0x1c, 0x24, // mov ebx, [esp]
      0xf4, // hlt
    ]);
    enterProtected(cpu);
    expect(cpu.run(100).kind).toBe("halted");
    expect(io.outs).toEqual([[0x81, 1, 0x55]]);
    expect(cpu.regs[EAX]).toBe(0);
    expect(cpu.regs[EBX]).toBe(USER_CODE + 4);
  });

  it("checks every bit of a multi-byte access, denies beyond the TSS limit, skips the check at CPL <= IOPL", () => {
    const { cpu, mem } = makeCpu();
    enterProtected(cpu);
    mem.w8(TSS_A + 0x68 + (0x88 >> 3), 1); // deny port 0x88
    cpu.cpl = 3;
    expect(faultOf(() => checkIoPermission(cpu, 0x87, 1))).toBeNull();
    expect(faultOf(() => checkIoPermission(cpu, 0x87, 2))).toEqual([EXC_GP, 0]); // spans 0x87-0x88
    expect(faultOf(() => checkIoPermission(cpu, 0x85, 4))).toEqual([EXC_GP, 0]);
    expect(faultOf(() => checkIoPermission(cpu, 0x1ff8, 1))).toBeNull(); // last bitmap byte
    // The bitmap word for ports 0x2000 and up reaches beyond the TSS limit.
    expect(faultOf(() => checkIoPermission(cpu, 0x2000, 1))).toEqual([EXC_GP, 0]);
    expect(faultOf(() => checkIoPermission(cpu, 0x3000, 1))).toEqual([EXC_GP, 0]);
    cpu.setEflags(cpu.getEflags() | (3 << 12)); // IOPL 3
    expect(faultOf(() => checkIoPermission(cpu, 0x88, 1))).toBeNull();
  });
});

/** The minimal "pcscope" model (--cpu pcscope): leaf 1 only, FPU/TSC/MSR/CX8, its own brand string. */
function pcscopeModelCpu() {
  const made = makeCpu();
  made.cpu.cpuid = cpuidFor("pcscope", 1);
  return made;
}

describe("CPUID (the pcscope model)", () => {
  it("leaf 0: max leaf and the vendor in EBX, EDX, ECX", () => {
    const { cpu, mem } = pcscopeModelCpu();
    // biome-ignore format: one instruction per line
    mem.put(CODE, [
      0x31, 0xc0, // xor eax, eax
      0x0f, 0xa2, // cpuid
      0xf4, // hlt
    ]);
    enterProtected(cpu);
    cpu.run(10);
    expect(cpu.regs[EAX]).toBe(1);
    expect(cpu.regs[EBX]).toBe(0x756e6547); // "Genu"
    expect(cpu.regs[EDX]).toBe(0x49656e69); // "ineI"
    expect(cpu.regs[ECX]).toBe(0x6c65746e); // "ntel"
  });

  it("leaf 1: signature, APIC ID and CLFLUSH size in EBX, feature bits; higher leaves answer as leaf 1", () => {
    const { cpu } = pcscopeModelCpu();
    cpu.regs[EAX] = 1;
    cpuidInstruction(cpu);
    expect(cpu.regs[EAX]).toBe(0x613); // family 6, model 1, stepping 3
    expect(cpu.regs[EBX]).toBe(0x0800);
    expect(cpu.regs[EDX]).toBe(1 | (1 << 4) | (1 << 5) | (1 << 8)); // FPU, TSC, MSR, CX8
    expect(cpu.regs[ECX]).toBe(0);
    cpu.regs[EAX] = 7;
    cpuidInstruction(cpu);
    expect(cpu.regs[EAX]).toBe(0x613);
    cpu.cpuid.family = 0x10;
    cpu.cpuid.model = 0x21;
    cpu.regs[EAX] = 1;
    cpuidInstruction(cpu);
    expect(cpu.regs[EAX]).toBe((1 << 20) | (2 << 16) | (0xf << 8) | (1 << 4) | 3);
  });

  it("hypervisor leaves read as zero; extended leaves give 0x80000004 and the brand string", () => {
    const { cpu } = pcscopeModelCpu();
    cpu.regs[EAX] = 0x40000000;
    cpuidInstruction(cpu);
    expect([cpu.regs[EAX], cpu.regs[EBX], cpu.regs[ECX], cpu.regs[EDX]]).toEqual([0, 0, 0, 0]);
    cpu.regs[EAX] = 0x80000000;
    cpuidInstruction(cpu);
    expect(cpu.regs[EAX] >>> 0).toBe(0x80000004);
    let brand = "";
    for (let leaf = 0x80000002; leaf <= 0x80000004; leaf++) {
      cpu.regs[EAX] = leaf;
      cpuidInstruction(cpu);
      for (const r of [EAX, EBX, ECX, EDX]) {
        for (let i = 0; i < 4; i++) brand += String.fromCharCode((cpu.regs[r] >>> (8 * i)) & 0xff);
      }
    }
    expect(brand).toBe(`pcscope virtual CPU${"\0".repeat(48 - 19)}`);
  });
});

describe("MSRs and the TSC", () => {
  it("WRMSR to IA32_TSC makes RDTSC continue from the written value", () => {
    const { cpu, mem } = makeCpu();
    // biome-ignore format: one instruction per line
    mem.put(CODE, [
      0xb9, 0x10, 0x00, 0x00, 0x00, // mov ecx, 0x10
      0xba, 0x01, 0x00, 0x00, 0x00, // mov edx, 1
      0x31, 0xc0, // xor eax, eax
      0x0f, 0x30, // wrmsr
      0x90, // nop
      0x0f, 0x31, // rdtsc
      0xf4, // hlt
    ]);
    enterProtected(cpu);
    cpu.run(20);
    // The TSC ticks once per retired instruction: WRMSR and NOP retire between the write and RDTSC.
    expect(cpu.regs[EDX]).toBe(1);
    expect(cpu.regs[EAX]).toBe(2);
  });

  it("RDMSR reads TSC and APIC_BASE; MSRs the model lacks and CPL > 0 are #GP(0)", () => {
    const { cpu } = pcscopeModelCpu(); // no SEP: 0x174 is absent
    enterProtected(cpu);
    cpu.regs[ECX] = 0x1b;
    readMsr(cpu);
    expect(cpu.regs[EAX] >>> 0).toBe(0xfee00900);
    expect(cpu.regs[EDX]).toBe(0);
    // A 64-bit TSC value (kept exactly up to 2^53; see control.ts).
    cpu.regs[ECX] = 0x10;
    cpu.regs[EDX] = 0x12345;
    cpu.regs[EAX] = 0x9abcdef0 | 0;
    writeMsr(cpu);
    readMsr(cpu);
    expect(cpu.regs[EDX]).toBe(0x12345);
    expect(cpu.regs[EAX] >>> 0).toBe(0x9abcdef0);
    cpu.regs[ECX] = 0x174;
    expect(faultOf(() => readMsr(cpu))).toEqual([EXC_GP, 0]);
    expect(faultOf(() => writeMsr(cpu))).toEqual([EXC_GP, 0]);
    cpu.regs[ECX] = 0x10;
    cpu.cpl = 3;
    expect(faultOf(() => readMsr(cpu))).toEqual([EXC_GP, 0]);
    expect(faultOf(() => rdtsc(cpu))).toBeNull();
    cpu.cr4 |= CR4_TSD;
    expect(faultOf(() => rdtsc(cpu))).toEqual([EXC_GP, 0]);
  });
});

describe("control and debug registers", () => {
  it("CR0: PG without PE is #GP(0), ET always reads 1, LMSW cannot clear PE", () => {
    const { cpu } = makeCpu();
    expect(faultOf(() => writeControlRegister(cpu, 0, CR0_PG))).toEqual([EXC_GP, 0]);
    writeControlRegister(cpu, 0, CR0_PE);
    expect(readControlRegister(cpu, 0)).toBe(CR0_PE | CR0_ET);
    lmsw(cpu, CR0_TS);
    expect(readControlRegister(cpu, 0)).toBe(CR0_PE | CR0_ET | CR0_TS);
    expect(faultOf(() => readControlRegister(cpu, 1))).toEqual([EXC_UD, -1]);
  });

  it("CR4: PSE accepted, PAE on a model without it is a reserved bit: #GP(0)", () => {
    const { cpu } = pcscopeModelCpu();
    writeControlRegister(cpu, 4, CR4_PSE);
    expect(readControlRegister(cpu, 4)).toBe(CR4_PSE);
    expect(faultOf(() => writeControlRegister(cpu, 4, CR4_PAE))).toEqual([EXC_GP, 0]);
    writeControlRegister(cpu, 3, 0x123000);
    expect(readControlRegister(cpu, 3)).toBe(0x123000);
  });

  it("DR4/DR5 alias DR6/DR7 unless CR4.DE; MOV CR/DR at CPL 3 is #GP(0)", () => {
    const { cpu } = makeCpu();
    writeDebugRegister(cpu, 5, 0x1);
    expect(readDebugRegister(cpu, 7)).toBe(0x401);
    expect(readDebugRegister(cpu, 4)).toBe(0xffff0ff0);
    writeDebugRegister(cpu, 0, 0x1234);
    expect(readDebugRegister(cpu, 0)).toBe(0x1234);
    cpu.cr4 |= CR4_DE;
    expect(faultOf(() => readDebugRegister(cpu, 4))).toEqual([EXC_UD, -1]);
    enterProtected(cpu);
    cpu.cpl = 3;
    expect(faultOf(() => readControlRegister(cpu, 0))).toEqual([EXC_GP, 0]);
    expect(faultOf(() => writeDebugRegister(cpu, 0, 0))).toEqual([EXC_GP, 0]);
  });
});
