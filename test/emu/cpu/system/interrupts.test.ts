// Interrupt and exception delivery. Expected values from the Intel SDM Vol. 2 "INT n/INTO/INT3"
// pseudocode, Vol. 3A §6.12 (Figure 6-4: stack usage with and without a privilege change), §6.13
// (error codes), §6.15 (Interrupt 8 — Double Fault, Table 6-5) and §20.1.4 (real-mode IVT).
import { describe, expect, it } from "vitest";
import {
  CpuFault,
  CR0_PG,
  CS,
  EBX,
  ECX,
  EDI,
  EDX,
  ESI,
  ESP,
  EXC_GP,
  EXC_NP,
  EXC_PF,
  EXC_TS,
  FLAG_AC,
  FLAG_IF,
  FLAG_TF,
  PF_WRITE,
  SS,
  TR,
} from "../../../../src/emu/cpu/state.ts";
import { deliverFault, interrupt, writeControlRegister } from "../../../../src/emu/cpu/system/index.ts";
import {
  CODE,
  enterProtected,
  enterReal,
  IDT,
  identityPaging,
  makeCpu,
  PAGE_DIR,
  putGate,
  SEL_CODE0,
  SEL_CODE3,
  SEL_DATA0,
  SEL_DATA3,
  SEL_TSS_B,
  STACK0,
  stackDwords,
  TO_RING3,
  TSS_A,
  TSS_B,
  USER_CODE,
  writeTss32,
} from "./harness.ts";

/** #GP handler at CODE+0x300: pops the error code into EAX, EIP into EBX, CS into ECX, halts. */
// biome-ignore format: one instruction per line
const GP_HANDLER = [
  0x58, // pop eax
  0x8b, 0x1c, 0x24, // mov ebx, [esp]
  0x8b, 0x4c, 0x24, 0x04, // mov ecx, [esp+4]
  0xf4, // hlt
];

// IDT access bytes: present, DPL, type.
const INT_GATE0 = 0x8e;
const INT_GATE3 = 0xee;
const TRAP_GATE3 = 0xef;
const NOT_PRESENT_INT_GATE = 0x0e;

describe("INT n through interrupt and trap gates with a privilege change", () => {
  it("switches to the TSS stack, pushes SS, ESP, EFLAGS, CS, EIP; interrupt gates clear IF; IRET returns", () => {
    const { cpu, mem } = makeCpu();
    putGate(mem, IDT + 0x40 * 8, SEL_CODE0, CODE + 0x200, INT_GATE3);
    putGate(mem, IDT + 0x41 * 8, SEL_CODE0, CODE + 0x200, TRAP_GATE3);
    mem.put(CODE, TO_RING3);
    // biome-ignore format: one instruction per line
    mem.put(USER_CODE, [
      0xcd, 0x40, // int 0x40
      0x89, 0xc6, // mov esi, eax
      0xcd, 0x41, // int 0x41
      0x89, 0xc7, // mov edi, eax
      0xeb, 0xfe, // jmp $
    ]);
    // biome-ignore format: one instruction per line
    mem.put(CODE + 0x200, [
      0x9c, // pushfd
      0x58, // pop eax
      0x89, 0xe3, // mov ebx, esp
      0x8b, 0x4c, 0x24, 0x04, // mov ecx, [esp+4]
      0x8b, 0x54, 0x24, 0x08, // mov edx, [esp+8]
      0xcf, // iretd
    ]);
    enterProtected(cpu);
    cpu.run(100);
    expect(cpu.eip).toBe(USER_CODE + 8);
    expect(cpu.cpl).toBe(3);
    expect(cpu.regs[ESP]).toBe(0x8000);
    expect(cpu.regs[ESI] & FLAG_IF).toBe(0); // interrupt gate: IF cleared in the handler
    expect(cpu.regs[EDI] & FLAG_IF).toBe(FLAG_IF); // trap gate: IF kept
    expect(cpu.regs[EBX]).toBe(STACK0 - 20); // EIP, CS, EFLAGS, ESP, SS
    expect(cpu.regs[ECX]).toBe(SEL_CODE3);
    expect(cpu.regs[EDX]).toBe(0x202);
    expect(mem.r32(STACK0 - 4)).toBe(SEL_DATA3);
    expect(mem.r32(STACK0 - 8)).toBe(0x8000);
    expect(mem.r32(STACK0 - 20)).toBe(USER_CODE + 6); // return EIP = next instruction
    expect(cpu.getEflags() & FLAG_IF).toBe(FLAG_IF);
  });

  it("raises #GP(vector*8+2) for INT n through a gate with DPL < CPL, EIP at the INT", () => {
    const { cpu, mem } = makeCpu();
    putGate(mem, IDT + 0x42 * 8, SEL_CODE0, CODE + 0x200, INT_GATE0);
    putGate(mem, IDT + 13 * 8, SEL_CODE0, CODE + 0x300, INT_GATE0);
    mem.put(CODE, TO_RING3);
    mem.put(USER_CODE, [0xcd, 0x42, 0xeb, 0xfe]); // int 0x42; jmp $
    mem.put(CODE + 0x300, GP_HANDLER);
    enterProtected(cpu);
    expect(cpu.run(100).kind).toBe("halted");
    expect(cpu.regs[0]).toBe(0x42 * 8 + 2);
    expect(cpu.regs[EBX]).toBe(USER_CODE);
    expect(cpu.regs[ECX]).toBe(SEL_CODE3);
    expect(cpu.cpl).toBe(0);
  });

  it("hardware interrupts and exceptions ignore the gate DPL; INT3 checks it", () => {
    const { cpu, mem } = makeCpu();
    putGate(mem, IDT + 3 * 8, SEL_CODE0, CODE + 0x200, INT_GATE0);
    putGate(mem, IDT + 0x20 * 8, SEL_CODE0, CODE + 0x200, INT_GATE0);
    enterProtected(cpu);
    cpu.cpl = 3; // pretend to be in ring 3 with ring-3 segments
    cpu.segSel[CS] = SEL_CODE3;
    cpu.segSel[SS] = SEL_DATA3;
    cpu.regs[ESP] = 0x8000;
    expect(() => interrupt(cpu, 3, "int3", -1)).toThrow(CpuFault);
    interrupt(cpu, 0x20, "hardware", -1);
    expect(cpu.cpl).toBe(0);
    expect(cpu.eip).toBe(CODE + 0x200);
  });

  it("pushes the error code for #GP at the same privilege level (Figure 6-4) and clears TF", () => {
    const { cpu, mem } = makeCpu();
    putGate(mem, IDT + 13 * 8, SEL_CODE0, CODE + 0x300, INT_GATE0);
    enterProtected(cpu);
    cpu.eip = CODE + 0x10;
    cpu.setEflags(cpu.getEflags() | FLAG_TF);
    deliverFault(cpu, new CpuFault(EXC_GP, 0x1234));
    expect(stackDwords(cpu, mem, 4)).toEqual([0x1234, CODE + 0x10, SEL_CODE0, 0x102]);
    expect(cpu.getEflags() & FLAG_TF).toBe(0);
    expect(cpu.exceptionDepth).toBe(0);
    expect(cpu.deliveringVector).toBe(-1);
  });
});

describe("double and triple faults", () => {
  // biome-ignore format: one instruction per line
  const LOAD_BAD_DS = [
    0x66, 0xb8, 0xf8, 0x7f, // mov ax, 0x7ff8
    0x8e, 0xd8, // mov ds, ax
    0xf4, // hlt
  ];

  it("a #NP while delivering #GP becomes #DF with error code 0 and the faulting EIP", () => {
    const { cpu, mem } = makeCpu();
    putGate(mem, IDT + 13 * 8, SEL_CODE0, CODE + 0x300, NOT_PRESENT_INT_GATE);
    putGate(mem, IDT + 8 * 8, SEL_CODE0, CODE + 0x300, INT_GATE0);
    mem.put(CODE, LOAD_BAD_DS);
    mem.put(CODE + 0x300, GP_HANDLER);
    enterProtected(cpu);
    expect(cpu.run(100).kind).toBe("halted");
    expect(cpu.regs[0]).toBe(0);
    expect(cpu.regs[EBX]).toBe(CODE + 4);
    expect(cpu.regs[ECX]).toBe(SEL_CODE0);
    expect(cpu.exceptionDepth).toBe(0);
    expect(cpu.deliveringVector).toBe(-1);
  });

  it("a fault while delivering #DF is a triple fault, reported by run() rather than thrown", () => {
    const { cpu, mem } = makeCpu();
    putGate(mem, IDT + 13 * 8, SEL_CODE0, CODE + 0x300, NOT_PRESENT_INT_GATE);
    putGate(mem, IDT + 8 * 8, SEL_CODE0, CODE + 0x300, NOT_PRESENT_INT_GATE);
    mem.put(CODE, LOAD_BAD_DS);
    enterProtected(cpu);
    expect(cpu.run(100).kind).toBe("tripleFault");
    expect(cpu.tripleFault).toBe(true);
  });

  it("real mode: INT n beyond the IDTR limit is #GP, then #DF, then shutdown (SDM §20.1.4)", () => {
    const { cpu, mem } = makeCpu();
    mem.put(0x7c00, [0xcd, 0x10, 0xf4]); // int 0x10; hlt
    enterReal(cpu, 0x7c00);
    cpu.idtrLimit = 0;
    expect(cpu.run(10).kind).toBe("tripleFault");
  });

  it("#GP while delivering #TS is #DF; with no #DF gate that is a triple fault", () => {
    const { cpu, mem } = makeCpu();
    enterProtected(cpu);
    putGate(mem, IDT + 10 * 8, SEL_CODE0, CODE + 0x300, 0x86); // 16-bit interrupt gate, DPL 0
    mem.w16(IDT + 10 * 8 + 2, 0); // null code selector in the gate => #GP(EXT)
    putGate(mem, IDT + 8 * 8, SEL_CODE0, CODE + 0x300, NOT_PRESENT_INT_GATE);
    deliverFault(cpu, new CpuFault(EXC_TS, 0x28));
    expect(cpu.tripleFault).toBe(true);
    expect(cpu.exceptionDepth).toBe(0);
  });

  it("#NP while delivering #PF becomes #DF", () => {
    const { cpu, mem } = makeCpu();
    enterProtected(cpu);
    putGate(mem, IDT + 14 * 8, SEL_CODE0, CODE + 0x300, NOT_PRESENT_INT_GATE);
    putGate(mem, IDT + 8 * 8, SEL_CODE0, CODE + 0x300, INT_GATE0);
    cpu.eip = CODE + 0x20;
    deliverFault(cpu, new CpuFault(EXC_PF, 2));
    expect(cpu.tripleFault).toBe(false);
    expect(cpu.eip).toBe(CODE + 0x300);
    expect(stackDwords(cpu, mem, 2)).toEqual([0, CODE + 0x20]);
    expect(cpu.regs[ESP]).toBe(STACK0 - 16);
  });

  it("a benign first event whose gate is missing gets #NP(vector*8+2+EXT), delivered serially", () => {
    const { cpu, mem } = makeCpu();
    enterProtected(cpu);
    putGate(mem, IDT + 6 * 8, SEL_CODE0, CODE + 0x300, NOT_PRESENT_INT_GATE);
    putGate(mem, IDT + EXC_NP * 8, SEL_CODE0, CODE + 0x300, INT_GATE0);
    deliverFault(cpu, new CpuFault(6, -1));
    expect(stackDwords(cpu, mem, 1)).toEqual([6 * 8 + 2 + 1]);
    expect(cpu.eip).toBe(CODE + 0x300);
  });

  it("a page fault while delivering #GP is handled serially, here through a #PF task gate", () => {
    const { cpu, mem } = makeCpu();
    enterProtected(cpu);
    putGate(mem, IDT + 13 * 8, SEL_CODE0, CODE + 0x300, INT_GATE0);
    putGate(mem, IDT + 14 * 8, SEL_TSS_B, 0, 0x85); // task gate to TSS B
    identityPaging(mem, PAGE_DIR, [STACK0 / 4096 - 1]); // the ring-0 stack page is not present
    writeTss32(mem, TSS_B, { cr3: PAGE_DIR, eip: CODE + 0x500, esp: 0x7800, cs: SEL_CODE0, ds: SEL_DATA0 });
    writeControlRegister(cpu, 3, PAGE_DIR);
    writeControlRegister(cpu, 0, cpu.cr0 | CR0_PG);
    cpu.eip = CODE + 0x20;
    deliverFault(cpu, new CpuFault(EXC_GP, 0));
    expect(cpu.tripleFault).toBe(false);
    expect(cpu.segSel[TR]).toBe(SEL_TSS_B);
    expect(cpu.eip).toBe(CODE + 0x500);
    expect(cpu.cr2).toBe(STACK0 - 4); // the first push of the #GP frame
    expect(cpu.regs[ESP]).toBe(0x7800 - 4);
    expect(mem.r32(0x7800 - 4)).toBe(PF_WRITE); // supervisor write to a not-present page
    expect(mem.r32(TSS_A + 0x20)).toBe(CODE + 0x20); // old task's EIP
  });
});

describe("real-mode interrupts", () => {
  it("push FLAGS, CS, IP, load CS:IP from the IVT and clear IF, TF and AC", () => {
    const { cpu, mem } = makeCpu();
    enterReal(cpu, 0x1234, 0x7000);
    cpu.segSel[CS] = 0x100;
    cpu.segBase[CS] = 0x1000;
    mem.w16(0x21 * 4, 0x5678);
    mem.w16(0x21 * 4 + 2, 0xf000);
    cpu.setEflags(0x40202 | FLAG_TF);
    interrupt(cpu, 0x21, "software", -1);
    expect(cpu.segSel[CS]).toBe(0xf000);
    expect(cpu.segBase[CS]).toBe(0xf0000);
    expect(cpu.eip).toBe(0x5678);
    expect(cpu.regs[ESP]).toBe(0x7000 - 6);
    expect(mem.r16(0x7000 - 6)).toBe(0x1234);
    expect(mem.r16(0x7000 - 4)).toBe(0x100);
    expect(mem.r16(0x7000 - 2)).toBe(0x0302);
    expect(cpu.getEflags() & (FLAG_IF | FLAG_TF | FLAG_AC)).toBe(0);
  });
});
