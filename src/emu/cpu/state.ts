// The x86 CPU's architectural state and the core services every instruction group relies on.
// `CpuState` holds the fields; `CpuCore` adds the abstract services (flags, memory, stack, faults)
// that the interpreter (cpu.ts) implements and the system layer (system/*.ts) calls.
// Register and segment numbering follows the x86 encoding so decoders index arrays directly.

import { cpuidFor, DEFAULT_CPU_MODEL } from "./cpuid-models.ts";
import { MSR_STORE_SLOTS } from "./system/msr-store.ts";

// General registers, as encoded in ModRM reg/rm fields.
export const EAX = 0;
export const ECX = 1;
export const EDX = 2;
export const EBX = 3;
export const ESP = 4;
export const EBP = 5;
export const ESI = 6;
export const EDI = 7;

/**
 * Initial value for CPU number fields that often hold unsigned 32-bit values (limits, offsets):
 * not a small integer, so V8 gives the field its double representation when the object is built.
 * A field created as a small integer changes representation the first time it receives a value of
 * 2^31 or more, which changes the CPU object's map in the middle of a run and deoptimizes every
 * compiled instruction handler at once. It equals no real 32-bit value and is overwritten before use.
 * (EIP is deliberately left a small integer: most guests keep it below 2^31, and integer EIP
 * arithmetic is measurably faster in the hot loop.)
 */
export const UNSIGNED_FIELD = 2 ** 32;

// Segment registers, as encoded in ModRM reg for MOV Sreg; LDTR and TR share the cache arrays.
export const ES = 0;
export const CS = 1;
export const SS = 2;
export const DS = 3;
export const FS = 4;
export const GS = 5;
export const LDTR = 6;
export const TR = 7;

// EFLAGS bits.
export const FLAG_CF = 1 << 0;
export const FLAG_RESERVED1 = 1 << 1; // always reads as 1
export const FLAG_PF = 1 << 2;
export const FLAG_AF = 1 << 4;
export const FLAG_ZF = 1 << 6;
export const FLAG_SF = 1 << 7;
export const FLAG_TF = 1 << 8;
export const FLAG_IF = 1 << 9;
export const FLAG_DF = 1 << 10;
export const FLAG_OF = 1 << 11;
export const FLAG_IOPL = 3 << 12;
export const FLAG_IOPL_SHIFT = 12;
export const FLAG_NT = 1 << 14;
export const FLAG_RF = 1 << 16;
export const FLAG_VM = 1 << 17;
export const FLAG_AC = 1 << 18;
export const FLAG_VIF = 1 << 19;
export const FLAG_VIP = 1 << 20;
export const FLAG_ID = 1 << 21;
/** The arithmetic status flags computed lazily. */
export const FLAGS_ARITH = FLAG_CF | FLAG_PF | FLAG_AF | FLAG_ZF | FLAG_SF | FLAG_OF;

// CR0 bits.
export const CR0_PE = 1 << 0;
export const CR0_MP = 1 << 1;
export const CR0_EM = 1 << 2;
export const CR0_TS = 1 << 3;
export const CR0_ET = 1 << 4;
export const CR0_NE = 1 << 5;
export const CR0_WP = 1 << 16;
export const CR0_AM = 1 << 18;
export const CR0_NW = 1 << 29;
export const CR0_CD = 1 << 30;
export const CR0_PG = 1 << 31;

// CR4 bits.
export const CR4_VME = 1 << 0;
export const CR4_PVI = 1 << 1;
export const CR4_TSD = 1 << 2;
export const CR4_DE = 1 << 3;
export const CR4_PSE = 1 << 4;
export const CR4_PAE = 1 << 5;
export const CR4_PGE = 1 << 7;
/** FXSAVE/FXRSTOR include MXCSR and XMM; SSE instructions are allowed. */
export const CR4_OSFXSR = 1 << 9;
/** Unmasked SIMD floating-point exceptions raise #XM. */
export const CR4_OSXMMEXCPT = 1 << 10;

// Segment attribute word (segAttr): descriptor byte 5 in bits 0-7, the flags nibble in bits 12-15.
export const ATTR_ACCESSED = 1 << 0;
export const ATTR_RW = 1 << 1; // data: writable; code: readable
export const ATTR_DC = 1 << 2; // data: expand-down; code: conforming
export const ATTR_CODE = 1 << 3;
export const ATTR_S = 1 << 4; // 1 = code/data, 0 = system
export const ATTR_DPL_SHIFT = 5;
export const ATTR_DPL = 3 << 5;
export const ATTR_P = 1 << 7;
export const ATTR_AVL = 1 << 12;
export const ATTR_L = 1 << 13;
export const ATTR_DB = 1 << 14; // code: 32-bit default; stack: 32-bit ESP; expand-down: 4 GiB bound
export const ATTR_G = 1 << 15;
/** System descriptor types (low nibble of the access byte when ATTR_S is clear). */
export const SYS_TSS16_AVAIL = 1;
export const SYS_LDT = 2;
export const SYS_TSS16_BUSY = 3;
export const SYS_CALL_GATE16 = 4;
export const SYS_TASK_GATE = 5;
export const SYS_INT_GATE16 = 6;
export const SYS_TRAP_GATE16 = 7;
export const SYS_TSS32_AVAIL = 9;
export const SYS_TSS32_BUSY = 11;
export const SYS_CALL_GATE32 = 12;
export const SYS_INT_GATE32 = 14;
export const SYS_TRAP_GATE32 = 15;

// Exception vectors.
export const EXC_DE = 0;
export const EXC_DB = 1;
export const EXC_NMI = 2;
export const EXC_BP = 3;
export const EXC_OF = 4;
export const EXC_BR = 5;
export const EXC_UD = 6;
export const EXC_NM = 7;
export const EXC_DF = 8;
export const EXC_TS = 10;
export const EXC_NP = 11;
export const EXC_SS = 12;
export const EXC_GP = 13;
export const EXC_PF = 14;
export const EXC_MF = 16;
export const EXC_AC = 17;

// #PF error code bits.
export const PF_PRESENT = 1 << 0;
export const PF_WRITE = 1 << 1;
export const PF_USER = 1 << 2;
export const PF_RSVD = 1 << 3;

/** How an interrupt was raised: decides privilege checks, EIP pushed and error code. */
export type InterruptKind =
  /** A processor exception (fault/trap/abort); errorCode >= 0 when the vector has one. */
  | "exception"
  /** INT n: gate DPL checked against CPL; IOPL-sensitive in v86. */
  | "software"
  /** INT3 (0xCC): gate DPL checked, not IOPL-sensitive in v86. */
  | "int3"
  /** INTO (0xCE) with OF set: like int3. */
  | "into"
  /** An external interrupt from the interrupt controller: no DPL check. */
  | "hardware";

/** Thrown by CpuCore.raise(); caught by the run loop, which rewinds EIP and delivers it. */
export class CpuFault {
  constructor(
    readonly vector: number,
    /** -1 when the exception has no error code. */
    readonly errorCode: number,
  ) {}
}

/** What the CPU needs from the machine for physical memory (implemented by memory/AddressSpace). */
export interface PhysicalMemory {
  /** One buffer holding every RAM and ROM byte; the page maps index into it. */
  readonly buffer: Uint8Array;
  /** Per 4 KiB physical page (1 << 20 entries): ~n for the page's buffer page n (bytes n * 4096 on) for reads, 0 = slow path. */
  readonly readPage: Int32Array;
  /** Per 4 KiB physical page: ~n for its buffer page n for writes, 0 = slow path (ROM, MMIO, unmapped, watched). */
  readonly writePage: Int32Array;
  /** Incremented on every change of the maps; a CPU flushes its TLB when it sees a new value. */
  readonly generation: number;
  /**
   * Set by the CPU: told of every write the memory layer makes into `buffer` itself (DMA, debugger
   * writes, slow-path RAM writes) so translated code there is dropped. Optional for test memories.
   */
  onBufferWrite?: ((index: number, length: number) => void) | null;
  /** Slow-path accesses: MMIO dispatch, ROM write ignored and logged, unmapped reads as all ones. */
  readSlow(addr: number, size: 1 | 2 | 4): number;
  writeSlow(addr: number, size: 1 | 2 | 4, value: number): void;
  /** A debugger's write: RAM and ROM bytes written (QEMU's gdb stub writes ROM too), MMIO skipped. */
  writeDebug(addr: number, data: Uint8Array): number;
}

/** What the CPU needs from the machine for port I/O (implemented by io/PortBus). */
export interface PortIo {
  in(port: number, size: 1 | 2 | 4): number;
  out(port: number, size: 1 | 2 | 4, value: number): void;
}

/** The CPU's view of the interrupt controller (the PIC, later the local APIC). */
export interface InterruptController {
  /** Acknowledges the highest-priority pending interrupt and returns its vector (INTA cycle). */
  acknowledge(): number;
}

/** CPUID identity and feature bits; the machine may change them before reset. */
export interface CpuidConfig {
  vendor: string; // 12 characters, e.g. "GenuineIntel"
  family: number;
  model: number;
  stepping: number;
  /** CPUID.1:EDX feature bits (the model's; the PC adds APIC to pcscope's own model). */
  featuresEdx: number;
  /** CPUID.1:ECX feature bits. */
  featuresEcx: number;
  /** Highest basic leaf answered. */
  maxLeaf: number;
  /** Highest extended leaf answered (0 for none: extended leaves answer as the highest basic one). */
  maxExtLeaf: number;
  /** Leaf 2 (cache descriptors), four registers, or empty. */
  leaf2: number[];
  /** Leaf 4 subleaves (deterministic cache parameters), four registers each, for one core. */
  leaf4: number[][];
  /** Leaf 0x80000001's four registers. */
  ext1: number[];
  /** The brand string of leaves 0x80000002-4. */
  brand: string;
  /** The hypervisor signature at leaf 0x40000000 ("" for none: those leaves read as zeros). */
  hypervisor: string;
  /** Logical CPUs in the package (the machine's CPU count). */
  logicalCount: number;
  /** Report the package's logical CPUs as QEMU does (CPUID.1 EBX and HTT, leaf 4's core counts). */
  qemuTopology: boolean;
}

/**
 * The architectural state, plain data only (numbers, booleans, typed arrays, the CPUID record):
 * what snapshotState() saves and restoreState() puts back. Values are kept unsigned (>>> 0) in
 * number fields; typed arrays are Int32Array (read with >>> 0 where the unsigned value matters).
 */
export class CpuState {
  /** General registers EAX..EDI (x86 encoding order). */
  readonly regs = new Int32Array(8);
  /** Instruction pointer (offset in CS), unsigned. */
  eip = 0;
  /** EFLAGS; the arithmetic bits are valid only while lzOp === LZ_NONE (see flags.ts). */
  flags = FLAG_RESERVED1;
  /** The lazy flags: the last flag-setting operation (LZ_NONE = 0), its operands and result. */
  lzOp = 0;
  lzA = 0;
  lzB = 0;
  lzC = 0;
  lzRes = 0;
  lzMask = 0xff;
  lzSign = 0x80;
  /** Segment selectors ES, CS, SS, DS, FS, GS, LDTR, TR. */
  readonly segSel = new Int32Array(8);
  /** Hidden descriptor cache: linear base. */
  readonly segBase = new Int32Array(8);
  /** Hidden descriptor cache: limit in bytes, granularity applied (0xffffffff stored as -1). */
  readonly segLimit = new Int32Array(8);
  /** Hidden descriptor cache: attribute word (ATTR_* bits). */
  readonly segAttr = new Int32Array(8);
  /** Current privilege level (CS.RPL in protected mode, 3 in v86, 0 in real mode). */
  cpl = 0;
  cr0 = CR0_ET;
  cr2 = 0;
  cr3 = 0;
  cr4 = 0;
  /** Debug registers DR0-DR7 (DR4/DR5 alias DR6/DR7). */
  readonly dr = new Int32Array(8);
  gdtrBase = 0;
  gdtrLimit = 0xffff;
  idtrBase = 0;
  idtrLimit = 0x3ff;
  /** IA32_APIC_BASE MSR value. */
  apicBase = 0xfee00900;
  /** The MSRs that are plain storage (system/msr-store.ts): lo/hi pairs, one per MSR slot. */
  readonly msrStore = new Int32Array(MSR_STORE_SLOTS * 2);
  /** TSC offset: RDTSC returns virtual-clock ticks + this (set by WRMSR 0x10). */
  tscOffset = 0;
  /** Instructions retired on this CPU. */
  instructions = 0;
  /** Virtual-clock ticks skipped while halted waiting for an interrupt (added by the machine). */
  skippedTicks = 0;
  /**
   * Events between instructions: hardware interrupts, faults and single-step traps delivered.
   * With instructions and skippedTicks it counts every step of the CPU's history (Cpu.historyPosition).
   */
  deliveries = 0;
  /** HLT executed; cleared by an interrupt or reset. */
  halted = false;
  /** Set when a triple fault occurred; the run loop reports it and the machine resets. */
  tripleFault = false;
  /** A20 gate mask applied to physical addresses (0xffefffff when A20 is disabled). */
  a20Mask = 0xffffffff;
  /** The interrupt controller asserts INTR (level); the CPU samples it between instructions. */
  intrLine = false;
  /** Inhibits interrupts for one instruction after MOV SS/POP SS/STI. */
  interruptShadow = false;
  /** Instruction count from which interrupts are allowed again (the shadow's end). */
  shadowEnd = 0;
  /** Nesting of exception delivery (for #DF and triple fault classification). */
  exceptionDepth = 0;
  /** Vector of the exception currently being delivered (-1 = none). */
  deliveringVector = -1;
  /** CPUID answers (cpuid-models.ts): pcscope's own model unless the machine picks another. */
  cpuid: CpuidConfig = cpuidFor(DEFAULT_CPU_MODEL, 1);
}

/** A copy of a CPU's architectural state, as plain data (structuredClone-able, no functions). */
export type CpuStateSnapshot = Record<string, number | boolean | Int32Array | CpuidConfig>;

/** The names of the architectural state's fields (those of a fresh CpuState). */
const STATE_FIELDS = Object.keys(new CpuState()) as (keyof CpuState)[];

/** Copies the architectural state of `c` (arrays and the CPUID record are copied, not shared). */
export function snapshotState(c: CpuState): CpuStateSnapshot {
  const out: CpuStateSnapshot = {};
  for (const k of STATE_FIELDS) {
    const v = c[k];
    out[k] = v instanceof Int32Array ? v.slice() : typeof v === "object" ? { ...v } : v;
  }
  return out;
}

/**
 * Puts back a state saved by snapshotState(). Only the architectural state changes: the caller
 * recomputes what is derived from it (Cpu.restoreState refreshes the mode cache and the TLB).
 */
export function restoreState(c: CpuState, s: CpuStateSnapshot): void {
  const target = c as unknown as Record<string, unknown>;
  for (const k of STATE_FIELDS) {
    const v = s[k];
    const cur = c[k];
    if (cur instanceof Int32Array) cur.set(v as Int32Array);
    else if (typeof cur === "object") Object.assign(cur, v);
    else target[k] = v;
  }
}

/** The services the interpreter provides to the system layer. Implemented by cpu.ts's Cpu. */
export abstract class CpuCore extends CpuState {
  /** This CPU's index in the machine. */
  abstract readonly index: number;
  /** Its initial APIC ID (CPUID.1:EBX[31:24]): the index unless the machine's topology says otherwise. */
  abstract apicId: number;
  /** Reads EFLAGS with the lazily computed arithmetic flags folded in. */
  abstract getEflags(): number;
  /** Sets every EFLAGS bit from `value` (no privilege masking: callers mask). Updates modes on VM change. */
  abstract setEflags(value: number): void;
  /** Recomputes cached mode facts (real/protected/v86, CS and SS sizes, paging) after CR0, EFLAGS.VM, CS or SS changed. */
  abstract updateModes(): void;
  /** Linear-memory reads at the current CPL (user checks when CPL=3); may raise #PF. */
  abstract readLin8(lin: number): number;
  abstract readLin16(lin: number): number;
  abstract readLin32(lin: number): number;
  /** Linear-memory writes at the current CPL; may raise #PF. */
  abstract writeLin8(lin: number, value: number): void;
  abstract writeLin16(lin: number, value: number): void;
  abstract writeLin32(lin: number, value: number): void;
  /** Supervisor (system) accesses for descriptor tables and the TSS, whatever the CPL; may raise #PF. */
  abstract readSys8(lin: number): number;
  abstract readSys16(lin: number): number;
  abstract readSys32(lin: number): number;
  abstract writeSys8(lin: number, value: number): void;
  abstract writeSys16(lin: number, value: number): void;
  abstract writeSys32(lin: number, value: number): void;
  /** Pushes on SS:ESP honouring SS's size (SP or ESP); may raise #SS/#PF. */
  abstract push16(value: number): void;
  abstract push32(value: number): void;
  abstract pop16(): number;
  abstract pop32(): number;
  /** Throws CpuFault(vector, errorCode); errorCode -1 for vectors without one. */
  abstract raise(vector: number, errorCode?: number): never;
  /** Drops every TLB entry (CR3 load, CR0.PG/WP or CR4 change). */
  abstract flushTlb(): void;
  /** Drops the TLB entry for one linear page (INVLPG). */
  abstract invalidatePage(lin: number): void;
  /** Virtual-clock TSC value (before tscOffset). */
  abstract virtualTicks(): number;
}
