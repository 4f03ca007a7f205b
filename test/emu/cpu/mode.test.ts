// The mode cache (src/emu/cpu/mode.ts): after any change, updateModes() leaves exactly the facts a
// CPU derives from scratch from the same architectural state (a fresh CPU given the state by
// restoreState, which always refreshes in full). updateModes() skips the full refresh when no
// input changed; these tests change each input alone, and run a guest through far transfers,
// interrupts and segment loads across real, protected (16/32-bit code and stack, rings 0 and 3),
// v86 and paged modes, comparing after every instruction.

import { describe, expect, test } from "vitest";
import { Cpu } from "../../../src/emu/cpu/cpu.ts";
import {
  ATTR_CODE,
  ATTR_DB,
  ATTR_P,
  ATTR_RW,
  CR0_PE,
  CR0_PG,
  CS,
  DS,
  FLAG_VM,
  SS,
  snapshotState,
} from "../../../src/emu/cpu/state.ts";
import {
  enterProtected,
  enterReal,
  FLAT32,
  IDT,
  identityPaging,
  makeCpu,
  PAGE_DIR,
  putDescriptor,
  putGate,
  SEL_CODE0,
  TestIo,
  TestMemory,
} from "./system/harness.ts";

/** Every fact the mode cache holds, which TLB the CPU uses and whether its arrays are the CPL's. */
function derived(cpu: Cpu) {
  return {
    pmode: cpu.pmode,
    v86: cpu.v86,
    paging: cpu.paging,
    cpl: cpu.cpl,
    code32: cpu.code32,
    ipMask: cpu.ipMask,
    stack32: cpu.stack32,
    csBase: cpu.csBase,
    csLimit: cpu.csLimit,
    csFastLimit: cpu.csFastLimit,
    segRLo: Array.from(cpu.segRLo),
    segRHi: Array.from(cpu.segRHi),
    segWLo: Array.from(cpu.segWLo),
    segWHi: Array.from(cpu.segWHi),
    tlb: cpu.tlb === cpu.shared.unpagedTlb ? "unpaged" : "paged",
    arraysOfCpl:
      cpu.cpl === 3
        ? cpu.tlbR === cpu.tlb.readUser && cpu.tlbW === cpu.tlb.writeUser
        : cpu.tlbR === cpu.tlb.readSup && cpu.tlbW === cpu.tlb.writeSup,
  };
}

/** The facts a CPU that never ran derives from `cpu`'s architectural state. */
function fromScratch(cpu: Cpu): ReturnType<typeof derived> {
  const fresh = new Cpu(new TestMemory(0x1000), new TestIo());
  fresh.restoreState(snapshotState(cpu));
  return derived(fresh);
}

describe("updateModes", () => {
  // Each input of the cache changed alone, from real mode and from 32-bit protected mode.
  const changes: [string, (cpu: Cpu) => void][] = [
    ["CS base", (cpu) => (cpu.segBase[CS] = 0x12340)],
    ["CR0.PE", (cpu) => (cpu.cr0 ^= CR0_PE)],
    ["CR0.PG", (cpu) => (cpu.cr0 ^= CR0_PG)],
    ["EFLAGS.VM", (cpu) => (cpu.flags ^= FLAG_VM)],
    ["CPL", (cpu) => (cpu.cpl ^= 3)],
    ...[0, 1, 2, 3, 4, 5].flatMap((s): [string, (cpu: Cpu) => void][] => [
      [`segment ${s} limit`, (cpu) => (cpu.segLimit[s] = 0xfff)],
      [`segment ${s} D/B`, (cpu) => (cpu.segAttr[s] ^= ATTR_DB)],
      [`segment ${s} writable/readable`, (cpu) => (cpu.segAttr[s] ^= ATTR_RW)],
      [`segment ${s} present`, (cpu) => (cpu.segAttr[s] ^= ATTR_P)],
      [`segment ${s} code`, (cpu) => (cpu.segAttr[s] ^= ATTR_CODE)],
    ]),
  ];
  for (const start of ["real", "protected"] as const) {
    test.each(changes)(`from ${start} mode: %s`, (_name, change) => {
      const { cpu, mem } = makeCpu();
      identityPaging(mem, PAGE_DIR, []);
      cpu.cr3 = PAGE_DIR;
      if (start === "real") enterReal(cpu, 0x7000);
      else enterProtected(cpu);
      // enterProtected loads DS, FS and GS after SS, through the system layer only: refresh once.
      cpu.updateModes();
      const before = derived(cpu);
      expect(before).toEqual(fromScratch(cpu));
      change(cpu);
      cpu.updateModes();
      expect(derived(cpu)).toEqual(fromScratch(cpu));
      // And back: the cache follows the input's return to its old value.
      change(cpu);
      cpu.updateModes();
      expect(derived(cpu)).toEqual(fromScratch(cpu));
    });
  }

  test("a guest's far transfers and segment loads across real, protected, ring 3, v86 and paged modes", () => {
    const { cpu, mem } = makeCpu();
    // GDT 0x68: flat data like 0x10 but a 1 MiB limit (the attributes are the same);
    // 0x70: a 16-bit (B=0) 64 KiB stack.
    putDescriptor(mem, 0x1000 + 0x68, 0, 0xff, 0x92, FLAT32);
    putDescriptor(mem, 0x1000 + 0x70, 0, 0xffff, 0x92, 0);
    identityPaging(mem, PAGE_DIR, []);
    mem.w16(0x60 * 4, 0x701f); // IVT 0x60 -> 0000:701F (iret)
    mem.w16(0x60 * 4 + 2, 0);
    putGate(mem, IDT + 0x50 * 8, SEL_CODE0, 0x10100, 0x8e); // iretd
    putGate(mem, IDT + 0x51 * 8, SEL_CODE0, 0x10080, 0xee); // from ring 3, DPL 3
    putGate(mem, IDT + 0x52 * 8, SEL_CODE0, 0x100c0, 0xee); // from v86, DPL 3
    // biome-ignore format: one instruction per line
    mem.put(0x7000, [
      0x9a, 0x1e, 0x70, 0x00, 0x00, // call 0000:701E (retf)
      0xcd, 0x60, // int 0x60
      0x2e, 0x66, 0x0f, 0x01, 0x16, 0x20, 0x70, // o32 lgdt [cs:0x7020]
      0x0f, 0x20, 0xc0, // mov eax, cr0
      0x0c, 0x01, // or al, 1
      0x0f, 0x22, 0xc0, // mov cr0, eax
      0x66, 0xea, 0x00, 0x00, 0x01, 0x00, 0x08, 0x00, // jmp dword 0x08:0x10000
      0xcb, // 701E: retf
      0xcf, // 701F: iret
      0x7f, 0x00, 0x00, 0x10, 0x00, 0x00, // 7020: GDT limit 0x7f, base 0x1000
    ]);
    // biome-ignore format: one instruction per line
    mem.put(0x10000, [
      0x66, 0xb8, 0x10, 0x00, // mov ax, 0x10
      0x8e, 0xd8, // mov ds, ax
      0x8e, 0xc0, // mov es, ax
      0x8e, 0xe0, // mov fs, ax
      0x8e, 0xe8, // mov gs, ax
      0x8e, 0xd0, // mov ss, ax
      0xbc, 0x00, 0x90, 0x00, 0x00, // mov esp, 0x9000
      0x0f, 0x01, 0x1d, 0x10, 0x01, 0x01, 0x00, // lidt [0x10110]
      0x66, 0xb8, 0x28, 0x00, // mov ax, 0x28
      0x0f, 0x00, 0xd8, // ltr ax
      0x66, 0xb8, 0x68, 0x00, // mov ax, 0x68
      0x8e, 0xd8, // mov ds, ax (only the limit changes)
      0x66, 0xb8, 0x10, 0x00, // mov ax, 0x10
      0x8e, 0xd8, // mov ds, ax
      0x66, 0xb8, 0x70, 0x00, // mov ax, 0x70
      0x8e, 0xd0, // mov ss, ax (16-bit stack)
      0x66, 0xb8, 0x10, 0x00, // mov ax, 0x10
      0x8e, 0xd0, // mov ss, ax
      0x9a, 0x00, 0x60, 0x00, 0x00, 0x40, 0x00, // call 0x40:0x6000 (16-bit code: o32 retf)
      0xcd, 0x50, // int 0x50 (ring 0 to ring 0: iretd)
      0x6a, 0x23, // push dword 0x23
      0x68, 0x00, 0x80, 0x00, 0x00, // push dword 0x8000
      0x68, 0x02, 0x02, 0x00, 0x00, // push dword 0x202
      0x6a, 0x1b, // push dword 0x1b
      0x68, 0x00, 0x00, 0x02, 0x00, // push dword 0x20000
      0xcf, // iretd (to ring 3 at 0x20000: int 0x51)
    ]);
    // biome-ignore format: one instruction per line
    mem.put(0x10080, [
      0x6a, 0x00, // push dword 0 (GS)
      0x6a, 0x00, // push dword 0 (FS)
      0x68, 0x00, 0x30, 0x00, 0x00, // push dword 0x3000 (DS)
      0x6a, 0x00, // push dword 0 (ES)
      0x68, 0x00, 0x10, 0x00, 0x00, // push dword 0x1000 (SS)
      0x68, 0x00, 0x01, 0x00, 0x00, // push dword 0x100 (ESP)
      0x68, 0x02, 0x30, 0x02, 0x00, // push dword 0x23002 (VM, IOPL 3)
      0x68, 0x00, 0x20, 0x00, 0x00, // push dword 0x2000 (CS)
      0x6a, 0x10, // push dword 0x10 (EIP)
      0xcf, // iretd (to v86 at 2000:0010)
    ]);
    // biome-ignore format: one instruction per line
    mem.put(0x100c0, [
      0xb8, 0x00, 0x00, 0x10, 0x00, // mov eax, PAGE_DIR
      0x0f, 0x22, 0xd8, // mov cr3, eax
      0x0f, 0x20, 0xc0, // mov eax, cr0
      0x0d, 0x00, 0x00, 0x00, 0x80, // or eax, 0x80000000
      0x0f, 0x22, 0xc0, // mov cr0, eax (paging on)
      0x0f, 0x20, 0xc0, // mov eax, cr0
      0x25, 0xff, 0xff, 0xff, 0x7f, // and eax, 0x7fffffff
      0x0f, 0x22, 0xc0, // mov cr0, eax (paging off)
      0xea, 0x10, 0x60, 0x00, 0x00, 0x40, 0x00, // jmp 0x40:0x6010
    ]);
    mem.put(0x10100, [0xcf]); // iretd
    mem.put(0x10110, [0xff, 0x07, 0x00, 0x20, 0x00, 0x00]); // IDT limit 0x7ff, base 0x2000
    mem.put(0x20000, [0xcd, 0x51]); // ring 3: int 0x51
    // biome-ignore format: one instruction per line
    mem.put(0x20010, [
      0x9a, 0x17, 0x00, 0x00, 0x20, // v86: call 2000:0017 (retf)
      0xcd, 0x52, // int 0x52
      0xcb, // retf
    ]);
    // biome-ignore format: one instruction per line
    mem.put(0x6000, [
      0x66, 0xcb, // 16-bit code: o32 retf
    ]);
    // biome-ignore format: one instruction per line
    mem.put(0x6010, [
      0x0f, 0x20, 0xc0, // mov eax, cr0
      0x24, 0xfe, // and al, 0xfe
      0x0f, 0x22, 0xc0, // mov cr0, eax (real mode, 16-bit code)
      0xea, 0x00, 0x71, 0x00, 0x00, // jmp 0000:7100
    ]);
    // biome-ignore format: one instruction per line
    mem.put(0x7100, [
      0x2e, 0x66, 0x0f, 0x01, 0x1e, 0x13, 0x71, // o32 lidt [cs:0x7113]
      0x31, 0xc0, // xor ax, ax
      0x8e, 0xd8, // mov ds, ax
      0x8e, 0xd0, // mov ss, ax
      0xbc, 0x00, 0x70, // mov sp, 0x7000
      0xcd, 0x60, // int 0x60
      0xf4, // hlt
      0xff, 0x03, 0x00, 0x00, 0x00, 0x00, // 7113: IVT limit 0x3ff, base 0
    ]);
    enterReal(cpu, 0x7000);
    const seen = new Set<string>();
    let steps = 0;
    while (!cpu.halted && steps < 200) {
      cpu.step();
      steps++;
      const now = derived(cpu);
      expect(now, `after instruction ${steps} (EIP ${cpu.eip.toString(16)})`).toEqual(fromScratch(cpu));
      const mode = now.v86 ? "v86" : now.pmode ? `protected ring ${now.cpl}` : "real";
      seen.add(
        `${mode}, ${now.code32 ? 32 : 16}-bit code, ${now.stack32 ? 32 : 16}-bit stack${now.paging ? ", paged" : ""}`,
      );
    }
    expect(cpu.halted).toBe(true);
    expect(cpu.eip).toBe(0x7113);
    expect(cpu.segSel[DS]).toBe(0);
    expect(cpu.segLimit[SS]).toBe(-1); // the flat stack's limit stays cached in real mode
    expect([...seen].sort()).toEqual([
      "protected ring 0, 16-bit code, 16-bit stack",
      "protected ring 0, 16-bit code, 32-bit stack",
      "protected ring 0, 32-bit code, 16-bit stack",
      "protected ring 0, 32-bit code, 32-bit stack",
      "protected ring 0, 32-bit code, 32-bit stack, paged",
      "protected ring 3, 32-bit code, 32-bit stack",
      "real, 16-bit code, 16-bit stack",
      "real, 16-bit code, 32-bit stack",
      "v86, 16-bit code, 16-bit stack",
    ]);
  });
});
