// Test harness for the system-architecture tests: flat RAM as a PhysicalMemory, a recording port bus,
// builders for GDT/IDT/TSS entries, and a protected-mode layout shared by the tests.
// Descriptor formats: Intel SDM Vol. 3A Figure 3-8 (segment), Figure 5-8 (call gate), Figure 6-2 (IDT
// gates), Figure 7-2/7-3 (32-bit TSS and its descriptor).
import { Cpu } from "../../../../src/emu/cpu/cpu.ts";
import { cpuidFor } from "../../../../src/emu/cpu/cpuid-models.ts";
import { CpuFault, CS, type PhysicalMemory, type PortIo, SS } from "../../../../src/emu/cpu/state.ts";
import { farJump, loadSegment, loadTr, writeControlRegister } from "../../../../src/emu/cpu/system/index.ts";

/** RAM covering the low `size` bytes, every page on the fast path; the rest reads as all ones. */
export class TestMemory implements PhysicalMemory {
  readonly buffer: Uint8Array;
  readonly readPage = new Int32Array(1 << 20).fill(-1);
  readonly writePage = new Int32Array(1 << 20).fill(-1);
  readonly generation = 0;

  constructor(size = 2 << 20) {
    this.buffer = new Uint8Array(size);
    for (let p = 0; p < size >>> 12; p++) {
      this.readPage[p] = p;
      this.writePage[p] = p;
    }
  }
  readSlow(_addr: number, size: 1 | 2 | 4): number {
    return size === 1 ? 0xff : size === 2 ? 0xffff : 0xffffffff;
  }
  writeSlow(): void {}

  w8(addr: number, v: number): void {
    this.buffer[addr] = v;
  }
  w16(addr: number, v: number): void {
    this.buffer[addr] = v;
    this.buffer[addr + 1] = v >> 8;
  }
  w32(addr: number, v: number): void {
    for (let i = 0; i < 4; i++) this.buffer[addr + i] = v >>> (8 * i);
  }
  r8(addr: number): number {
    return this.buffer[addr];
  }
  r16(addr: number): number {
    return this.buffer[addr] | (this.buffer[addr + 1] << 8);
  }
  r32(addr: number): number {
    return (this.r16(addr) | (this.r16(addr + 2) << 16)) >>> 0;
  }
  put(addr: number, bytes: number[]): void {
    this.buffer.set(bytes, addr);
  }
}

/** A port bus that records OUTs and answers INs with all ones. */
export class TestIo implements PortIo {
  readonly outs: [number, number, number][] = [];
  in(_port: number, size: 1 | 2 | 4): number {
    return size === 1 ? 0xff : size === 2 ? 0xffff : 0xffffffff;
  }
  out(port: number, size: 1 | 2 | 4, value: number): void {
    this.outs.push([port, size, value]);
  }
}

// Access bytes (descriptor byte 5).
export const CODE0 = 0x9a; // present, DPL 0, code, readable
export const DATA0 = 0x92; // present, DPL 0, data, writable
export const CODE3 = 0xfa;
export const DATA3 = 0xf2;
export const TSS32 = 0x89; // present, available 32-bit TSS
export const LDT = 0x82;
/** Flags nibble: G=1, D/B=1 (4 GiB, 32-bit). */
export const FLAT32 = 0xc;

/** Writes an 8-byte segment descriptor at `addr`. */
export function putDescriptor(
  mem: TestMemory,
  addr: number,
  base: number,
  limit: number,
  access: number,
  flags: number,
): void {
  mem.w32(addr, ((base & 0xffff) << 16) | (limit & 0xffff));
  mem.w32(
    addr + 4,
    (base & 0xff000000) | ((flags & 0xf) << 20) | (limit & 0xf0000) | (access << 8) | ((base >>> 16) & 0xff),
  );
}

/** Writes a gate descriptor (call/interrupt/trap/task) at `addr`: access byte incl. P, DPL, type. */
export function putGate(
  mem: TestMemory,
  addr: number,
  selector: number,
  offset: number,
  access: number,
  params = 0,
): void {
  mem.w32(addr, ((selector & 0xffff) << 16) | (offset & 0xffff));
  mem.w32(addr + 4, (offset & 0xffff0000) | (access << 8) | (params & 0x1f));
}

// The shared protected-mode layout.
export const GDT = 0x1000;
export const IDT = 0x2000;
export const TSS_A = 0x3000;
export const TSS_B = 0x3800;
export const LDT_BASE = 0x4000;
export const CODE = 0x10000;
export const USER_CODE = 0x20000;
export const STACK0 = 0x9000;
export const STACK3 = 0x8000;

// Selectors of the layout.
export const SEL_CODE0 = 0x08;
export const SEL_DATA0 = 0x10;
export const SEL_CODE3 = 0x18 | 3;
export const SEL_DATA3 = 0x20 | 3;
export const SEL_TSS_A = 0x28;
export const SEL_TSS_B = 0x30;
export const SEL_LDT = 0x38;
export const SEL_CODE16 = 0x40;
export const SEL_DATA0_NP = 0x48; // not present, writable data, DPL 0
export const SEL_CODE_XO = 0x50; // execute-only code, DPL 0
export const SEL_GATE = 0x58; // call gate slot (tests fill it)
export const SEL_DATA3_NP = 0x60; // not present, writable data, DPL 3
export const GDT_ENTRIES = 16;

/** The flat GDT, a 32-bit TSS A (ESP0=STACK0, SS0=SEL_DATA0, I/O bitmap at 0x68) and TSS B. */
export function buildLayout(mem: TestMemory): void {
  putDescriptor(mem, GDT + 0x08, 0, 0xfffff, CODE0, FLAT32);
  putDescriptor(mem, GDT + 0x10, 0, 0xfffff, DATA0, FLAT32);
  putDescriptor(mem, GDT + 0x18, 0, 0xfffff, CODE3, FLAT32);
  putDescriptor(mem, GDT + 0x20, 0, 0xfffff, DATA3, FLAT32);
  putDescriptor(mem, GDT + 0x28, TSS_A, 0x68 + 0x2000 / 8, TSS32, 0);
  putDescriptor(mem, GDT + 0x30, TSS_B, 0x67, TSS32, 0);
  putDescriptor(mem, GDT + 0x38, LDT_BASE, 0x17, LDT, 0);
  putDescriptor(mem, GDT + 0x40, 0, 0xffff, CODE0, 0);
  putDescriptor(mem, GDT + 0x48, 0, 0xfffff, DATA0 & 0x7f, FLAT32);
  putDescriptor(mem, GDT + 0x50, 0, 0xfffff, 0x98, FLAT32);
  putDescriptor(mem, GDT + 0x60, 0, 0xfffff, DATA3 & 0x7f, FLAT32);
  mem.w32(TSS_A + 4, STACK0);
  mem.w16(TSS_A + 8, SEL_DATA0);
  mem.w16(TSS_A + 0x66, 0x68);
  // I/O bitmap: all ports allowed except those tests deny; the terminating 0xff byte after it.
  mem.buffer.fill(0, TSS_A + 0x68, TSS_A + 0x68 + 0x2000 / 8);
  mem.w8(TSS_A + 0x68 + 0x2000 / 8, 0xff);
}

/** A CPU over fresh test memory with the layout built; still in real mode. */
export function makeCpu(): { cpu: Cpu; mem: TestMemory; io: TestIo } {
  const mem = new TestMemory();
  const io = new TestIo();
  const cpu = new Cpu(mem, io);
  buildLayout(mem);
  return { cpu, mem, io };
}

/** Real mode at 0000:`ip` with SS:SP = 0000:`sp`. */
export function enterReal(cpu: Cpu, ip: number, sp = 0x7000): void {
  cpu.segSel[CS] = 0;
  cpu.segBase[CS] = 0;
  cpu.eip = ip;
  cpu.regs[4] = sp;
  cpu.updateModes();
}

/**
 * Protected mode at CPL 0 with CS=SEL_CODE0:`eip`, flat data segments, ESP=STACK0, TR=TSS A and the
 * IDT registered (empty). Uses the system API itself (CR0 write, far jump, segment loads, LTR).
 */
export function enterProtected(cpu: Cpu, eip = CODE): void {
  cpu.gdtrBase = GDT;
  cpu.gdtrLimit = GDT_ENTRIES * 8 - 1;
  cpu.idtrBase = IDT;
  cpu.idtrLimit = 256 * 8 - 1;
  writeControlRegister(cpu, 0, cpu.cr0 | 1);
  farJump(cpu, SEL_CODE0, eip, true);
  for (const s of [0, 2, 3, 4, 5]) loadSegment(cpu, s, SEL_DATA0);
  cpu.regs[4] = STACK0;
  loadTr(cpu, SEL_TSS_A);
}

/** Runs `f` and returns the CpuFault it raised as [vector, errorCode], or null. */
export function faultOf(f: () => unknown): [number, number] | null {
  try {
    f();
    return null;
  } catch (e) {
    if (e instanceof CpuFault) return [e.vector, e.errorCode];
    throw e;
  }
}

/** Reads the dwords at SS:ESP (flat stack). */
export function stackDwords(cpu: Cpu, mem: TestMemory, n: number): number[] {
  const out: number[] = [];
  const base = (cpu.segBase[SS] + (cpu.regs[4] >>> 0)) >>> 0;
  for (let i = 0; i < n; i++) out.push(mem.r32(base + 4 * i));
  return out;
}

/** Page directory used by paging tests; its page table follows at PAGE_DIR + 0x1000. */
export const PAGE_DIR = 0x100000;

/** Identity-maps the first 4 MiB with 4 KiB supervisor read/write pages, leaving `absent` pages not present. */
export function identityPaging(mem: TestMemory, pd: number, absent: number[]): void {
  const pt = pd + 0x1000;
  mem.w32(pd, pt | 3);
  for (let i = 0; i < 1024; i++) mem.w32(pt + 4 * i, absent.includes(i) ? 0 : (i << 12) | 3);
}

/** Fields of a 32-bit TSS (SDM Figure 7-2); unspecified fields are 0, segment selectors default to `ds`. */
export interface Tss32Fields {
  cr3?: number;
  eip: number;
  eflags?: number;
  eax?: number;
  esp: number;
  cs: number;
  ds: number;
  ss?: number;
  ldt?: number;
  esp0?: number;
  ss0?: number;
}

/** Writes a 32-bit TSS at `addr`. */
export function writeTss32(mem: TestMemory, addr: number, f: Tss32Fields): void {
  mem.buffer.fill(0, addr, addr + 0x68);
  mem.w32(addr + 4, f.esp0 ?? 0);
  mem.w16(addr + 8, f.ss0 ?? 0);
  mem.w32(addr + 0x1c, f.cr3 ?? 0);
  mem.w32(addr + 0x20, f.eip);
  mem.w32(addr + 0x24, f.eflags ?? 2);
  mem.w32(addr + 0x28, f.eax ?? 0);
  mem.w32(addr + 0x38, f.esp);
  mem.w16(addr + 0x48, f.ds);
  mem.w16(addr + 0x4c, f.cs);
  mem.w16(addr + 0x50, f.ss ?? f.ds);
  mem.w16(addr + 0x54, f.ds);
  mem.w16(addr + 0x58, f.ds);
  mem.w16(addr + 0x5c, f.ds);
  mem.w16(addr + 0x60, f.ldt ?? 0);
}

/** Ring-0 code that IRETDs to ring 3 at USER_CODE with SS:ESP = SEL_DATA3:0x8000 and EFLAGS = 0x202. */
// biome-ignore format: one instruction per line
export const TO_RING3 = [
  0x6a, 0x23, // push dword 0x23
  0x68, 0x00, 0x80, 0x00, 0x00, // push dword 0x8000
  0x68, 0x02, 0x02, 0x00, 0x00, // push dword 0x202
  0x6a, 0x1b, // push dword 0x1b
  0x68, 0x00, 0x00, 0x02, 0x00, // push dword 0x20000
  0xcf, // iretd
];

/** A CPU of CPUID model `name` (cpuid-models.ts), reset, in protected mode at CPL 0. */
export function protectedCpuOf(name: string): Cpu {
  const { cpu } = makeCpu();
  cpu.cpuid = cpuidFor(name, 1);
  cpu.reset();
  enterProtected(cpu);
  return cpu;
}
