// Segment loads, LLDT/LTR and LAR/LSL/VERR/VERW. Expected values from the Intel SDM Vol. 2 pseudocode
// of MOV (segment register), LLDT, LTR, LAR, LSL, VERR/VERW and Vol. 3A §3.4 (descriptor formats).
import { describe, expect, it } from "vitest";
import {
  ATTR_DB,
  ATTR_P,
  CS,
  DS,
  ES,
  EXC_GP,
  EXC_NP,
  EXC_SS,
  FLAG_VM,
  LDTR,
  SS,
  TR,
} from "../../../../src/emu/cpu/state.ts";
import {
  lar,
  loadLdtr,
  loadSegment,
  loadTr,
  lsl,
  verifySegment,
} from "../../../../src/emu/cpu/system/index.ts";
import {
  CODE,
  DATA0,
  DATA3,
  enterProtected,
  enterReal,
  FLAT32,
  faultOf,
  GDT,
  LDT_BASE,
  makeCpu,
  putDescriptor,
  SEL_CODE_XO,
  SEL_CODE0,
  SEL_CODE3,
  SEL_DATA0,
  SEL_DATA0_NP,
  SEL_DATA3,
  SEL_DATA3_NP,
  SEL_LDT,
  SEL_TSS_A,
  SEL_TSS_B,
} from "./harness.ts";

describe("protected-mode entry", () => {
  it("LGDT, CR0.PE and a far jump load CS from the GDT; MOV Sreg then loads flat data (SDM §9.9.1)", () => {
    const { cpu, mem } = makeCpu();
    // biome-ignore format: one instruction per line
    mem.put(0x7c00, [
      0x0f, 0x01, 0x16, 0x23, 0x7c, // lgdt [gdtr]
      0x0f, 0x20, 0xc0, // mov eax, cr0
      0x0c, 0x01, // or al, 1
      0x0f, 0x22, 0xc0, // mov cr0, eax
      0x66, 0xea, 0x15, 0x7c, 0x00, 0x00, 0x08, 0x00, // jmp dword 0x08:pm32
      0x66, 0xb8, 0x10, 0x00, // pm32: mov ax, 0x10
      0x8e, 0xd8, // mov ds, ax
      0x8e, 0xd0, // mov ss, ax
      0xbc, 0x00, 0x90, 0x00, 0x00, // mov esp, 0x9000
      0xf4, // hlt
      0x7f, 0x00, // gdtr: dw 127
      0x00, 0x10, 0x00, 0x00, // dd 0x1000
    ]);
    enterReal(cpu, 0x7c00);
    expect(cpu.run(100).kind).toBe("halted");
    expect(cpu.segSel[CS]).toBe(SEL_CODE0);
    expect(cpu.segBase[CS]).toBe(0);
    expect(cpu.segLimit[CS] >>> 0).toBe(0xffffffff);
    expect(cpu.segAttr[CS] & ATTR_DB).toBe(ATTR_DB);
    expect(cpu.segSel[DS]).toBe(SEL_DATA0);
    expect(cpu.segSel[SS]).toBe(SEL_DATA0);
    expect(cpu.cpl).toBe(0);
    expect(cpu.eip).toBe(0x7c23); // after the HLT at 0x7c22
    // The accessed bit (type bit 0, byte 5 bit 0) is set in the descriptors that were loaded (§3.4.5.1).
    expect(mem.r8(GDT + 0x08 + 5) & 1).toBe(1);
    expect(mem.r8(GDT + 0x10 + 5) & 1).toBe(1);
    expect(mem.r8(GDT + 0x18 + 5) & 1).toBe(0);
  });

  it("real mode keeps the cached limit and attributes on a segment load (unreal mode)", () => {
    const { cpu } = makeCpu();
    enterProtected(cpu);
    // Back to real mode with DS still holding the 4 GiB flat descriptor.
    cpu.cr0 &= ~1;
    cpu.updateModes();
    loadSegment(cpu, DS, 0x1234);
    expect(cpu.segSel[DS]).toBe(0x1234);
    expect(cpu.segBase[DS]).toBe(0x12340);
    expect(cpu.segLimit[DS] >>> 0).toBe(0xffffffff);
  });
});

describe("MOV Sreg in protected mode", () => {
  it("raises #GP(selector) beyond the GDT limit and #GP(0) for a null SS", () => {
    const { cpu } = makeCpu();
    enterProtected(cpu);
    expect(faultOf(() => loadSegment(cpu, DS, 0x7ffb))).toEqual([EXC_GP, 0x7ff8]);
    expect(faultOf(() => loadSegment(cpu, SS, 0))).toEqual([EXC_GP, 0]);
    expect(faultOf(() => loadSegment(cpu, SS, 3))).toEqual([EXC_GP, 0]);
    expect(cpu.segSel[DS]).toBe(SEL_DATA0); // unchanged by the faulting loads
  });

  it("checks SS: RPL = CPL, DPL = CPL, writable data, present (#SS(sel))", () => {
    const { cpu } = makeCpu();
    enterProtected(cpu);
    expect(faultOf(() => loadSegment(cpu, SS, SEL_DATA3))).toEqual([EXC_GP, SEL_DATA3 & ~3]);
    expect(faultOf(() => loadSegment(cpu, SS, SEL_DATA0 | 3))).toEqual([EXC_GP, SEL_DATA0]);
    expect(faultOf(() => loadSegment(cpu, SS, SEL_CODE0))).toEqual([EXC_GP, SEL_CODE0]);
    expect(faultOf(() => loadSegment(cpu, SS, SEL_DATA0_NP))).toEqual([EXC_SS, SEL_DATA0_NP]);
  });

  it("checks DS/ES/FS/GS: readable, privilege for data and non-conforming code, present (#NP(sel))", () => {
    const { cpu } = makeCpu();
    enterProtected(cpu);
    expect(faultOf(() => loadSegment(cpu, DS, SEL_CODE_XO))).toEqual([EXC_GP, SEL_CODE_XO]);
    expect(faultOf(() => loadSegment(cpu, DS, SEL_DATA0_NP))).toEqual([EXC_NP, SEL_DATA0_NP]);
    expect(faultOf(() => loadSegment(cpu, DS, SEL_TSS_A))).toEqual([EXC_GP, SEL_TSS_A]);
    // Readable code is a valid data segment.
    loadSegment(cpu, ES, SEL_CODE0);
    expect(cpu.segSel[ES]).toBe(SEL_CODE0);
    // At CPL 3 a DPL-0 data segment is refused; RPL 3 against DPL 0 too.
    cpu.cpl = 3;
    expect(faultOf(() => loadSegment(cpu, DS, SEL_DATA0))).toEqual([EXC_GP, SEL_DATA0]);
    cpu.cpl = 0;
    expect(faultOf(() => loadSegment(cpu, DS, SEL_DATA0 | 3))).toEqual([EXC_GP, SEL_DATA0]);
    // The not-present check comes after the privilege check.
    expect(faultOf(() => loadSegment(cpu, DS, SEL_DATA3_NP))).toEqual([EXC_NP, SEL_DATA3_NP & ~3]);
  });

  it("loads a null selector into DS (unusable, no fault) and keeps its RPL bits", () => {
    const { cpu } = makeCpu();
    enterProtected(cpu);
    loadSegment(cpu, DS, 2);
    expect(cpu.segSel[DS]).toBe(2);
    expect(cpu.segAttr[DS] & ATTR_P).toBe(0);
  });

  it("reads descriptors from the LDT when TI=1 and checks the LDT limit", () => {
    const { cpu, mem } = makeCpu();
    enterProtected(cpu);
    putDescriptor(mem, LDT_BASE + 8, 0x123000, 0xfff, DATA0, 0);
    loadLdtr(cpu, SEL_LDT);
    expect(cpu.segBase[LDTR]).toBe(LDT_BASE);
    loadSegment(cpu, ES, 0x0c); // index 1, TI=1, RPL 0
    expect(cpu.segBase[ES]).toBe(0x123000);
    expect(cpu.segLimit[ES]).toBe(0xfff);
    expect(faultOf(() => loadSegment(cpu, ES, 0x1c))).toEqual([EXC_GP, 0x1c]); // index 3 > limit 0x17
  });

  it("v86 mode loads base = selector << 4 with a 64 KiB limit", () => {
    const { cpu } = makeCpu();
    enterProtected(cpu);
    cpu.setEflags(cpu.getEflags() | FLAG_VM);
    loadSegment(cpu, DS, 0xb800);
    expect(cpu.segBase[DS]).toBe(0xb8000);
    expect(cpu.segLimit[DS]).toBe(0xffff);
    expect((cpu.segAttr[DS] >> 5) & 3).toBe(3);
  });
});

describe("LLDT and LTR", () => {
  it("LTR marks the TSS busy in the GDT; a busy TSS or a non-TSS cannot be loaded", () => {
    const { cpu, mem } = makeCpu();
    enterProtected(cpu); // loads TR = TSS A
    expect(cpu.segSel[TR]).toBe(SEL_TSS_A);
    expect(mem.r8(GDT + SEL_TSS_A + 5) & 0xf).toBe(0xb);
    expect(faultOf(() => loadTr(cpu, SEL_TSS_A))).toEqual([EXC_GP, SEL_TSS_A]);
    expect(faultOf(() => loadTr(cpu, SEL_DATA0))).toEqual([EXC_GP, SEL_DATA0]);
    expect(faultOf(() => loadTr(cpu, 0))).toEqual([EXC_GP, 0]);
    mem.w8(GDT + SEL_TSS_B + 5, 0x09); // clear P
    expect(faultOf(() => loadTr(cpu, SEL_TSS_B))).toEqual([EXC_NP, SEL_TSS_B]);
  });

  it("LLDT takes a null selector or an LDT descriptor from the GDT; CPL must be 0", () => {
    const { cpu } = makeCpu();
    enterProtected(cpu);
    loadLdtr(cpu, 0);
    expect(cpu.segSel[LDTR]).toBe(0);
    expect(faultOf(() => loadLdtr(cpu, SEL_DATA0))).toEqual([EXC_GP, SEL_DATA0]);
    expect(faultOf(() => loadLdtr(cpu, SEL_LDT | 4))).toEqual([EXC_GP, SEL_LDT | 4]);
    cpu.cpl = 3;
    expect(faultOf(() => loadLdtr(cpu, SEL_LDT))).toEqual([EXC_GP, 0]);
  });
});

describe("LAR, LSL, VERR, VERW", () => {
  it("report rights and limits of visible descriptors, null when invisible", () => {
    const { cpu, mem } = makeCpu();
    enterProtected(cpu);
    putDescriptor(mem, GDT + 0x68, 0, 0xfffff, 0x9e, FLAT32); // conforming readable code, DPL 0
    // LAR: descriptor dword 1 masked with 0x00F0FF00.
    expect(lar(cpu, SEL_DATA0)).toBe(0x00c09300); // accessed set by the earlier load; limit 19:16 masked
    expect(lar(cpu, SEL_TSS_A)).toBe(0x00008b00);
    expect(lsl(cpu, SEL_CODE0)).toBe(0xffffffff);
    expect(lsl(cpu, SEL_TSS_B)).toBe(0x67);
    expect(lar(cpu, 0)).toBeNull();
    expect(lar(cpu, 0x7ff8)).toBeNull();
    expect(verifySegment(cpu, SEL_DATA0, true)).toBe(true);
    expect(verifySegment(cpu, SEL_CODE0, true)).toBe(false);
    expect(verifySegment(cpu, SEL_CODE0, false)).toBe(true);
    expect(verifySegment(cpu, SEL_CODE_XO, false)).toBe(false);
    cpu.cpl = 3;
    expect(lar(cpu, SEL_DATA0)).toBeNull(); // DPL 0 < CPL 3
    expect(lar(cpu, 0x68)).not.toBeNull(); // conforming code: no DPL check
    expect(lar(cpu, SEL_DATA3)).toBe(0x00c00000 | (DATA3 << 8));
    expect(verifySegment(cpu, SEL_DATA3, true)).toBe(true);
    expect(verifySegment(cpu, SEL_CODE3, false)).toBe(true);
    expect(verifySegment(cpu, SEL_DATA0, false)).toBe(false);
  });
});

describe("real-mode segment loads", () => {
  it("only set the selector and base", () => {
    const { cpu } = makeCpu();
    enterReal(cpu, CODE);
    const limit = cpu.segLimit[DS];
    const attr = cpu.segAttr[DS];
    loadSegment(cpu, DS, 0xf000);
    expect(cpu.segBase[DS]).toBe(0xf0000);
    expect(cpu.segLimit[DS]).toBe(limit);
    expect(cpu.segAttr[DS]).toBe(attr);
  });
});
