// Paging and the TLB: the two-level walk, 4 MiB pages, accessed/dirty bits, #PF error codes and
// CR2, CR0.WP, user/supervisor checks, INVLPG and CR3 reloads, page-crossing accesses, the A20
// mask, memory-map changes, and the debugger's fault-free translation.

import { describe, expect, test } from "vitest";
import { CpuFault, CR0_PG, CR0_WP, CR4_PSE } from "../../../src/emu/cpu/state.ts";
import { flat32, HANDLER_BASE, type Machine, realMode } from "./helpers.ts";

const PD = 0x10000;
const PT0 = 0x11000; // identity map of the first 2 MiB
const PT1 = 0x12000; // linear 0x400000..: page 0 -> 0x20000 RW, 1 -> 0x21000 read-only, 2 not present
const P = 1;
const RW = 2;
const US = 4;
const A = 0x20;
const D = 0x40;
const PS = 0x80;

/** Flat 32-bit machine with paging on and the map described above; `code` at 0x1000. */
function paged(code: number[]): Machine {
  const m = flat32(code);
  const { cpu, mem } = m;
  for (let i = 0; i < 512; i++) mem.write32(PT0 + i * 4, (i << 12) | P | RW | US);
  mem.write32(PD, PT0 | P | RW | US);
  mem.write32(PD + 4, PT1 | P | RW | US);
  mem.write32(PT1, 0x20000 | P | RW);
  mem.write32(PT1 + 4, 0x21000 | P);
  cpu.cr3 = PD;
  cpu.cr0 |= CR0_PG;
  cpu.updateModes();
  return m;
}

/** Steps `n` instructions. */
function steps(m: Machine, n: number): void {
  for (let i = 0; i < n; i++) m.cpu.step();
}

describe("page walk", () => {
  test("a read goes through the tables and sets accessed bits; a write sets dirty", () => {
    // mov eax, [0x400000]; mov [0x400004], eax
    const m = paged([0xa1, 0x00, 0x00, 0x40, 0x00, 0xa3, 0x04, 0x00, 0x40, 0x00]);
    m.mem.write32(0x20000, 0xcafebabe);
    m.cpu.step();
    expect(m.cpu.regs[0] >>> 0).toBe(0xcafebabe);
    expect(m.mem.read32(PD + 4) & A).toBe(A);
    expect(m.mem.read32(PT1) & (A | D)).toBe(A);
    m.cpu.step();
    expect(m.mem.read32(0x20004)).toBe(0xcafebabe);
    expect(m.mem.read32(PT1) & (A | D)).toBe(A | D);
  });

  test("a not-present page raises #PF with CR2 and error code 0 (read, supervisor)", () => {
    const m = paged([0xa1, 0x00, 0x20, 0x40, 0x00]); // mov eax, [0x402000]
    m.cpu.step();
    expect(m.cpu.eip).toBe(HANDLER_BASE + 14);
    expect(m.cpu.cr2).toBe(0x402000);
    const esp = m.cpu.regs[4] >>> 0;
    expect(m.mem.read32(esp)).toBe(0); // error code
    expect(m.mem.read32(esp + 4)).toBe(0x1000); // EIP of the faulting instruction
  });

  test("CR0.WP decides whether a supervisor write to a read-only page faults", () => {
    const code = [0xa3, 0x00, 0x10, 0x40, 0x00]; // mov [0x401000], eax
    const lax = paged(code);
    lax.cpu.regs[0] = 0x11223344;
    lax.cpu.step();
    expect(lax.mem.read32(0x21000)).toBe(0x11223344);
    const strict = paged(code);
    strict.cpu.cr0 |= CR0_WP;
    strict.cpu.updateModes();
    strict.cpu.step();
    expect(strict.cpu.eip).toBe(HANDLER_BASE + 14);
    expect(strict.mem.read32(strict.cpu.regs[4] >>> 0)).toBe(P | 2); // present, write
    expect(strict.mem.read32(0x21000)).toBe(0);
  });

  test("a read-modify-write to a read-only page faults before changing flags or registers", () => {
    // Each instruction reads 0x401000 (read-only page, CR0.WP=1) and would write it back: the
    // #PF (present, write: err 3) must leave EFLAGS and registers as they were (SDM Vol. 3,
    // "Exception and interrupt handling": a fault restores the state before the instruction).
    const rows: [number[], string][] = [
      [[0x01, 0x05, 0x00, 0x10, 0x40, 0x00], "add [0x401000], eax"],
      [[0x83, 0x2d, 0x00, 0x10, 0x40, 0x00, 0x01], "sub dword [0x401000], 1"],
      [[0xff, 0x05, 0x00, 0x10, 0x40, 0x00], "inc dword [0x401000]"],
      [[0xf7, 0x1d, 0x00, 0x10, 0x40, 0x00], "neg dword [0x401000]"],
      [[0xd1, 0x25, 0x00, 0x10, 0x40, 0x00], "shl dword [0x401000], 1"],
      [[0x0f, 0xa4, 0x1d, 0x00, 0x10, 0x40, 0x00, 0x04], "shld [0x401000], ebx, 4"],
      [[0x0f, 0xab, 0x0d, 0x00, 0x10, 0x40, 0x00], "bts [0x401000], ecx"],
      [[0x0f, 0xc1, 0x1d, 0x00, 0x10, 0x40, 0x00], "xadd [0x401000], ebx"],
      [[0x0f, 0xb1, 0x1d, 0x00, 0x10, 0x40, 0x00], "cmpxchg [0x401000], ebx"],
      [[0x0f, 0xc7, 0x0d, 0x00, 0x10, 0x40, 0x00], "cmpxchg8b [0x401000]"],
    ];
    for (const [code, asm] of rows) {
      const m = paged(code);
      m.cpu.cr0 |= CR0_WP;
      m.cpu.updateModes();
      m.mem.write32(0x21000, 0x80000001);
      m.cpu.regs.set([5, 3, 0, 7]); // eax, ecx, edx, ebx
      m.cpu.setEflags(0x2 | 0x40 | 0x4); // ZF, PF
      m.cpu.step();
      expect(m.cpu.eip, asm).toBe(HANDLER_BASE + 14);
      const esp = m.cpu.regs[4] >>> 0;
      expect(m.mem.read32(esp), asm).toBe(P | 2);
      expect(m.mem.read32(esp + 12) & 0x8d5, `${asm}: pushed EFLAGS`).toBe(0x44);
      expect(Array.from(m.cpu.regs.subarray(0, 4)), asm).toEqual([5, 3, 0, 7]);
      expect(m.mem.read32(0x21000), asm).toBe(0x80000001);
    }
  });

  test("a page-crossing write checks both pages before writing either", () => {
    const m = paged([0xa3, 0xfe, 0x0f, 0x40, 0x00]); // mov [0x400ffe], eax
    m.cpu.cr0 |= CR0_WP;
    m.cpu.updateModes();
    m.cpu.regs[0] = 0x11223344;
    m.cpu.step();
    expect(m.cpu.eip).toBe(HANDLER_BASE + 14);
    expect(m.cpu.cr2).toBe(0x401000);
    expect(m.mem.read32(0x20ffc)).toBe(0);
  });

  test("CPL 3 accesses to supervisor pages fault with U set; user pages work", () => {
    const m = paged([]);
    m.cpu.cpl = 3;
    m.cpu.updateModes();
    let fault: unknown = null;
    try {
      m.cpu.readLin8(0x400000);
    } catch (e) {
      fault = e;
    }
    expect(fault).toBeInstanceOf(CpuFault);
    expect((fault as CpuFault).vector).toBe(14);
    expect((fault as CpuFault).errorCode).toBe(P | US);
    expect(m.cpu.cr2).toBe(0x400000);
    m.mem.buffer[0x5000] = 0x77;
    expect(m.cpu.readLin8(0x5000)).toBe(0x77);
    // System (descriptor-table) accesses are supervisor accesses whatever the CPL.
    expect(m.cpu.readSys8(0x400000)).toBe(0);
  });

  test("4 MiB pages with CR4.PSE", () => {
    const m = paged([0xa1, 0x34, 0x12, 0x80, 0x00]); // mov eax, [0x801234]
    m.mem.write32(PD + 8, 0x00000000 | PS | P | RW);
    m.cpu.cr4 |= CR4_PSE;
    m.mem.write32(0x1234, 0x5a5a5a5a);
    m.cpu.step();
    expect(m.cpu.regs[0] >>> 0).toBe(0x5a5a5a5a);
    expect(m.mem.read32(PD + 8) & A).toBe(A);
  });
});

describe("TLB", () => {
  test("INVLPG and a CR3 reload drop stale translations", () => {
    // mov eax,[0x400000]; mov eax,[0x400000]; invlpg [0x400000]; mov eax,[0x400000]
    // mov ebx,cr3; mov cr3,ebx; mov eax,[0x400000]
    const load = [0xa1, 0x00, 0x00, 0x40, 0x00];
    const m = paged([
      ...load,
      ...load,
      0x0f,
      0x01,
      0x3d,
      0x00,
      0x00,
      0x40,
      0x00,
      ...load,
      0x0f,
      0x20,
      0xdb,
      0x0f,
      0x22,
      0xdb,
      ...load,
    ]);
    m.mem.write32(0x20000, 1);
    m.mem.write32(0x22000, 2);
    m.mem.write32(0x23000, 3);
    m.cpu.step();
    expect(m.cpu.regs[0]).toBe(1);
    m.mem.write32(PT1, 0x22000 | P | RW); // remap without telling the CPU
    m.cpu.step();
    expect(m.cpu.regs[0]).toBe(1); // the TLB still holds the old translation
    steps(m, 2);
    expect(m.cpu.regs[0]).toBe(2);
    m.mem.write32(PT1, 0x23000 | P | RW);
    steps(m, 3);
    expect(m.cpu.regs[0]).toBe(3);
  });

  test("a memory-map change (generation) flushes cached pages", () => {
    const m = flat32([0xa3, 0x00, 0x30, 0x00, 0x00, 0xa3, 0x00, 0x30, 0x00, 0x00]); // mov [0x3000], eax twice
    m.cpu.regs[0] = 0x1111;
    m.cpu.step();
    expect(m.mem.read32(0x3000)).toBe(0x1111);
    m.mem.makeReadOnly(3);
    m.cpu.regs[0] = 0x2222;
    m.cpu.step();
    expect(m.mem.read32(0x3000)).toBe(0x1111);
    expect(m.mem.slowWrites).toEqual([{ addr: 0x3000, size: 4, value: 0x2222 }]);
  });
});

describe("A20 and debug translation", () => {
  test("with A20 masked, 0x100000 wraps to 0", () => {
    const m = realMode([0x67, 0x8a, 0x03]); // mov al, [ebx]
    m.cpu.segLimit[3] = -1; // unreal-mode DS
    m.cpu.updateModes();
    m.cpu.a20Mask = 0xffefffff;
    m.cpu.regs[3] = 0x101234;
    m.mem.buffer[0x1234] = 0x42;
    m.mem.buffer[0x101234] = 0x99;
    m.cpu.step();
    expect(m.cpu.regs[0] & 0xff).toBe(0x42);
    expect(m.cpu.translateDebug(0x101234)).toBe(0x1234);
  });

  test("debug reads/writes translate without faults or accessed bits", () => {
    const m = paged([]);
    expect(m.cpu.translateDebug(0x400010)).toBe(0x20010);
    expect(m.cpu.translateDebug(0x402000)).toBe(-1);
    expect(m.cpu.readLinearDebug(0x401ffe, 4)).toBeNull();
    expect(m.cpu.writeLinearDebug(0x400000, new Uint8Array([1, 2]))).toBe(true);
    expect(m.mem.buffer[0x20001]).toBe(2);
    expect(Array.from(m.cpu.readLinearDebug(0x400000, 2)!)).toEqual([1, 2]);
    expect(m.mem.read32(PT1) & A).toBe(0);
    expect(m.cpu.cr2).toBe(0);
  });
});
