// Control and debug registers, LMSW, CPUID, RDMSR/WRMSR, RDTSC and the TSS I/O permission bitmap.
// References: Intel SDM Vol. 3A §2.5 (control registers), Vol. 3B §18.2 (debug registers), Vol. 2
// CPUID/RDMSR/WRMSR/RDTSC/LMSW/MOV CR/MOV DR pseudocode, Vol. 1 §19.5.2 (I/O permission bit map).
import { CPUID_HTT } from "../cpuid-models.ts";
import {
  type CpuCore,
  type CpuidConfig,
  CR0_AM,
  CR0_CD,
  CR0_EM,
  CR0_ET,
  CR0_MP,
  CR0_NE,
  CR0_NW,
  CR0_PE,
  CR0_PG,
  CR0_TS,
  CR0_WP,
  CR4_DE,
  CR4_OSFXSR,
  CR4_OSXMMEXCPT,
  CR4_PAE,
  CR4_PGE,
  CR4_PSE,
  CR4_PVI,
  CR4_TSD,
  CR4_VME,
  EAX,
  EBX,
  ECX,
  EDX,
  EXC_GP,
  EXC_UD,
  FLAG_IOPL,
  FLAG_IOPL_SHIFT,
  FLAG_VM,
  TR,
} from "../state.ts";
import { Unimplemented } from "../unimplemented.ts";
import { readStoredMsr, writeStoredMsr } from "./msr-store.ts";

/** CR0 bits that exist on an i486-class CPU; writes to other bits are ignored (SDM §2.5). */
const CR0_VALID =
  CR0_PE | CR0_MP | CR0_EM | CR0_TS | CR0_ET | CR0_NE | CR0_WP | CR0_AM | CR0_NW | CR0_CD | CR0_PG;
/** CPUID.1:EDX.PAE. */
const CPUID_PAE = 1 << 6;
/** CPUID.1:EDX.SSE. */
const CPUID_SSE = 1 << 25;
/** CR4.MCE and CR4.PCE: accepted and ignored. */
const CR4_MCE = 1 << 6;
const CR4_PCE = 1 << 8;
/**
 * CR4 bits every model accepts; any other set bit is a reserved-bit #GP(0). OSFXSR and OSXMMEXCPT
 * are accepted on every model, as QEMU's cr4_reserved_bits does; PAE only where CPUID has it.
 */
const CR4_VALID =
  CR4_VME | CR4_PVI | CR4_TSD | CR4_DE | CR4_PSE | CR4_MCE | CR4_PGE | CR4_PCE | CR4_OSFXSR | CR4_OSXMMEXCPT;
/** DR6/DR7 bits that read as one (SDM Vol. 3B §18.2.3, §18.2.4). */
const DR6_FIXED1 = 0xffff0ff0;
const DR7_FIXED1 = 0x400;

/** Model-specific registers. */
export const MSR_TSC = 0x10;
export const MSR_APIC_BASE = 0x1b;

/** The extended CPUID range starts here. */
const CPUID_EXT_BASE = 0x80000000;
const CPUID_HV_BASE = 0x40000000;
const CPUID_HV_END = 0x4fffffff;
/** CPUID.1:EBX CLFLUSH line size in 8-byte units (64-byte lines). */
const CLFLUSH_LINE_UNITS = 8;

/** MOV to/from CR and DR need CPL 0 in protected mode (v86 counts as CPL 3): #GP(0) otherwise. */
function requireCpl0(cpu: CpuCore): void {
  if (cpu.cr0 & CR0_PE && cpu.cpl !== 0) cpu.raise(EXC_GP, 0);
}

/**
 * MOV CRn, value. CR0: PG without PE or NW without CD is #GP(0); ET reads as 1; TLB flushed when PG,
 * WP or PE change. CR3: loaded, TLB flushed. CR4: reserved bits #GP(0), TLB flushed on change.
 * CR1 and CR5-7 are #UD. Calls updateModes().
 */
export function writeControlRegister(cpu: CpuCore, n: number, value: number): void {
  requireCpl0(cpu);
  value >>>= 0;
  switch (n) {
    case 0: {
      if (value & CR0_PG && (value & CR0_PE) === 0) cpu.raise(EXC_GP, 0);
      if (value & CR0_NW && (value & CR0_CD) === 0) cpu.raise(EXC_GP, 0);
      const old = cpu.cr0;
      const cr0 = ((value & CR0_VALID) | CR0_ET) >>> 0;
      cpu.cr0 = cr0;
      if ((old ^ cr0) & (CR0_PG | CR0_WP | CR0_PE)) cpu.flushTlb();
      break;
    }
    case 2:
      cpu.cr2 = value;
      break;
    case 3:
      cpu.cr3 = value;
      cpu.flushTlb();
      break;
    case 4: {
      const valid = CR4_VALID | ((cpu.cpuid.featuresEdx & CPUID_PAE) !== 0 ? CR4_PAE : 0);
      if (value & ~valid) cpu.raise(EXC_GP, 0);
      // QEMU drops OSFXSR on a model without SSE (cpu_x86_update_cr4), so FXSAVE there never
      // touches MXCSR or XMM; we follow it for byte-identical images.
      if ((cpu.cpuid.featuresEdx & CPUID_SSE) === 0) value &= ~CR4_OSFXSR;
      const old = cpu.cr4;
      cpu.cr4 = value;
      if (old !== value) cpu.flushTlb();
      break;
    }
    default:
      cpu.raise(EXC_UD, -1);
  }
  cpu.updateModes();
}

/** MOV reg, CRn: the stored value (unsigned); CR1 and CR5-7 are #UD. */
export function readControlRegister(cpu: CpuCore, n: number): number {
  requireCpl0(cpu);
  switch (n) {
    case 0:
      return cpu.cr0 >>> 0;
    case 2:
      return cpu.cr2 >>> 0;
    case 3:
      return cpu.cr3 >>> 0;
    case 4:
      return cpu.cr4 >>> 0;
    default:
      return cpu.raise(EXC_UD, -1);
  }
}

/** LMSW: loads CR0 bits 0-3 (PE, MP, EM, TS); PE can be set but not cleared (SDM Vol. 2 LMSW). */
export function lmsw(cpu: CpuCore, value: number): void {
  requireCpl0(cpu);
  const low = CR0_PE | CR0_MP | CR0_EM | CR0_TS;
  const old = cpu.cr0;
  cpu.cr0 = ((old & ~low) | (value & low) | (old & CR0_PE)) >>> 0;
  if ((old ^ cpu.cr0) & CR0_PE) cpu.flushTlb();
  cpu.updateModes();
}

/** Maps DR4/DR5 to DR6/DR7 when CR4.DE is clear; #UD when set or n > 7 (SDM Vol. 3B §18.2.2). */
function debugIndex(cpu: CpuCore, n: number): number {
  if (n === 4 || n === 5) {
    if (cpu.cr4 & CR4_DE) cpu.raise(EXC_UD, -1);
    return n + 2;
  }
  if (n < 0 || n > 7) cpu.raise(EXC_UD, -1);
  return n;
}

/** MOV DRn, value (CPL 0). DR6/DR7 keep their fixed-one bits. Breakpoint matching is the interpreter's. */
export function writeDebugRegister(cpu: CpuCore, n: number, value: number): void {
  requireCpl0(cpu);
  const i = debugIndex(cpu, n);
  if (i === 6) value |= DR6_FIXED1;
  else if (i === 7) value |= DR7_FIXED1;
  cpu.dr[i] = value | 0;
}

/** MOV reg, DRn (CPL 0): the stored value (unsigned). */
export function readDebugRegister(cpu: CpuCore, n: number): number {
  requireCpl0(cpu);
  const i = debugIndex(cpu, n);
  let value = cpu.dr[i] >>> 0;
  if (i === 6) value |= DR6_FIXED1;
  else if (i === 7) value |= DR7_FIXED1;
  return value >>> 0;
}

/** Packs 4 characters of `s` at `at` little-endian into a dword (NUL beyond the end). */
function packChars(s: string, at: number): number {
  let v = 0;
  for (let i = 3; i >= 0; i--) v = (v << 8) | (at + i < s.length ? s.charCodeAt(at + i) & 0xff : 0);
  return v | 0;
}

/** The EAX signature of CPUID leaf 1: stepping, model, family with the extended fields (SDM CPUID). */
function signature(cpu: CpuCore): number {
  return cpuidSignature(cpu.cpuid);
}

/** CPUID.1:EAX for a model: stepping, model, family with their extended fields (SMBIOS reuses it). */
export function cpuidSignature(id: Readonly<CpuidConfig>): number {
  const { family, model, stepping } = id;
  const fam = Math.min(family, 15);
  const extFamily = family > 15 ? family - 15 : 0;
  const extModel = family === 6 || family >= 15 ? (model >> 4) & 0xf : 0;
  return ((extFamily & 0xff) << 20) | (extModel << 16) | (fam << 8) | ((model & 0xf) << 4) | (stepping & 0xf);
}

/** Writes EAX, EBX, ECX, EDX. */
function setCpuidRegs(cpu: CpuCore, a: number, b: number, c: number, d: number): void {
  cpu.regs[EAX] = a;
  cpu.regs[EBX] = b;
  cpu.regs[ECX] = c;
  cpu.regs[EDX] = d;
}

/** Writes the four registers of `regs` (zeros when it is shorter). */
function setCpuidRow(cpu: CpuCore, regs: readonly number[]): void {
  setCpuidRegs(cpu, regs[0] ?? 0, regs[1] ?? 0, regs[2] ?? 0, regs[3] ?? 0);
}

/**
 * Answers basic leaf `leaf` (at most maxLeaf) with subleaf `sub`: 0 the maximum and vendor, 1 the
 * signature, APIC ID, CLFLUSH size and features (with QEMU's topology: the package's logical CPUs
 * in EBX and HTT when there are several), 2 the cache descriptors, 4 the cache parameters (QEMU
 * adds the package's cores-1 in EAX bits 31-26, and the CPUs sharing the L3 in bits 25-14).
 */
function basicLeaf(cpu: CpuCore, leaf: number, sub: number): void {
  const id = cpu.cpuid;
  const multi = id.qemuTopology && id.logicalCount > 1;
  switch (leaf) {
    case 0:
      setCpuidRegs(
        cpu,
        id.maxLeaf,
        packChars(id.vendor, 0),
        packChars(id.vendor, 8),
        packChars(id.vendor, 4),
      );
      return;
    case 1: {
      const count = multi ? (id.logicalCount & 0xff) << 16 : 0;
      const ebx = ((cpu.apicId & 0xff) << 24) | count | (CLFLUSH_LINE_UNITS << 8);
      setCpuidRegs(cpu, signature(cpu), ebx, id.featuresEcx, id.featuresEdx | (multi ? CPUID_HTT : 0));
      return;
    }
    case 2:
      setCpuidRow(cpu, id.leaf2);
      return;
    case 4: {
      const row = id.leaf4[sub] ?? [];
      let eax = row[0] ?? 0;
      if (multi && eax !== 0) {
        eax |= ((id.logicalCount - 1) & 0x3f) << 26;
        if (sub === 3) eax |= ((id.logicalCount - 1) & 0xfff) << 14;
      }
      setCpuidRegs(cpu, eax, row[1] ?? 0, row[2] ?? 0, row[3] ?? 0);
      return;
    }
    default:
      setCpuidRegs(cpu, 0, 0, 0, 0);
  }
}

/**
 * CPUID with the leaf in EAX and the subleaf in ECX, as the CPU's model (cpuid-models.ts) answers
 * it. A leaf above the basic or extended maximum answers as the highest basic leaf (Intel
 * behaviour, SDM CPUID "If a value entered for CPUID.EAX is higher than the maximum input
 * value..."; QEMU does the same); 0x40000000 gives the hypervisor signature (QEMU's models:
 * "TCGTCGTCGTCG") and the rest of 0x40000000-0x4fffffff zeros; 0x80000000 the extended maximum and
 * vendor, 0x80000001 the model's row, 0x80000002-4 the brand string.
 */
export function cpuidInstruction(cpu: CpuCore): void {
  const leaf = cpu.regs[EAX] >>> 0;
  const sub = cpu.regs[ECX] >>> 0;
  const id = cpu.cpuid;
  if (leaf >= CPUID_HV_BASE && leaf <= CPUID_HV_END) {
    const sig = id.hypervisor;
    if (leaf === CPUID_HV_BASE && sig !== "") {
      setCpuidRegs(cpu, CPUID_HV_BASE + 1, packChars(sig, 0), packChars(sig, 4), packChars(sig, 8));
    } else setCpuidRegs(cpu, 0, 0, 0, 0);
    return;
  }
  if (leaf >= CPUID_EXT_BASE && leaf <= id.maxExtLeaf) {
    if (leaf === CPUID_EXT_BASE) {
      setCpuidRegs(
        cpu,
        id.maxExtLeaf,
        packChars(id.vendor, 0),
        packChars(id.vendor, 8),
        packChars(id.vendor, 4),
      );
    } else if (leaf === CPUID_EXT_BASE + 1) setCpuidRow(cpu, id.ext1);
    else if (leaf <= CPUID_EXT_BASE + 4) {
      const at = (leaf - CPUID_EXT_BASE - 2) * 16;
      setCpuidRegs(
        cpu,
        packChars(id.brand, at),
        packChars(id.brand, at + 4),
        packChars(id.brand, at + 8),
        packChars(id.brand, at + 12),
      );
    } else setCpuidRegs(cpu, 0, 0, 0, 0);
    return;
  }
  const max = id.maxLeaf >>> 0;
  basicLeaf(cpu, leaf <= max ? leaf : max, sub);
}

/** Splits a 64-bit count held in a double into EDX:EAX (exact below 2^53, wrapping modulo 2^64). */
function setEdxEax(cpu: CpuCore, value: number): void {
  const hi = Math.floor(value / 4294967296);
  cpu.regs[EAX] = (value - hi * 4294967296) | 0;
  cpu.regs[EDX] = hi | 0;
}

/** EDX:EAX as a double (exact below 2^53). */
function getEdxEax(cpu: CpuCore): number {
  return (cpu.regs[EDX] >>> 0) * 4294967296 + (cpu.regs[EAX] >>> 0);
}

/** RDTSC: EDX:EAX = virtual ticks + tscOffset; #GP(0) when CR4.TSD is set and CPL > 0. */
export function rdtsc(cpu: CpuCore): void {
  if (cpu.cr4 & CR4_TSD && cpu.cpl > 0 && cpu.cr0 & CR0_PE) cpu.raise(EXC_GP, 0);
  setEdxEax(cpu, cpu.virtualTicks() + cpu.tscOffset);
}

/**
 * RDPMC: #UD before the P6 family (the Pentium without MMX lacks it), #GP(0) when CR4.PCE is clear
 * and CPL > 0, else a stop: pcscope has no performance-monitoring counters. (QEMU 7.2's TCG raises
 * #UD here, which no real P6 does; pcscope stops and names the instruction instead.)
 */
export function rdpmc(cpu: CpuCore): void {
  if (cpu.cpuid.family < 6) cpu.raise(EXC_UD);
  if ((cpu.cr4 & CR4_PCE) === 0 && cpu.cpl > 0) cpu.raise(EXC_GP, 0);
  throw new Unimplemented("RDPMC (performance-monitoring counters)");
}

/** Scratch for readStoredMsr (lo, hi). */
const msrValue = new Int32Array(2);

/**
 * RDMSR (CPL 0) of the MSR in ECX into EDX:EAX: TSC, APIC_BASE and the stored MSRs the CPU model
 * has (msr-store.ts); any other MSR is #GP(0).
 */
export function readMsr(cpu: CpuCore): void {
  requireCpl0(cpu);
  switch (cpu.regs[ECX] >>> 0) {
    case MSR_TSC:
      setEdxEax(cpu, cpu.virtualTicks() + cpu.tscOffset);
      return;
    case MSR_APIC_BASE:
      cpu.regs[EAX] = cpu.apicBase | 0;
      cpu.regs[EDX] = 0;
      return;
    default:
      if (!readStoredMsr(cpu.msrStore, cpu.cpuid, cpu.regs[ECX] >>> 0, msrValue)) cpu.raise(EXC_GP, 0);
      cpu.regs[EAX] = msrValue[0];
      cpu.regs[EDX] = msrValue[1];
  }
}

/** IA32_APIC_BASE bits software may change: BSP (8) is read-only, EN (11), base (12-31). */
const APIC_BASE_WRITABLE = 0xfffff800;

/**
 * WRMSR (CPL 0) of EDX:EAX to the MSR in ECX: TSC sets tscOffset; APIC_BASE; the stored MSRs the
 * CPU model has (msr-store.ts); others, and read-only ones, #GP(0).
 */
export function writeMsr(cpu: CpuCore): void {
  requireCpl0(cpu);
  switch (cpu.regs[ECX] >>> 0) {
    case MSR_TSC:
      cpu.tscOffset = getEdxEax(cpu) - cpu.virtualTicks();
      return;
    case MSR_APIC_BASE:
      if (cpu.regs[EDX] !== 0 || cpu.regs[EAX] & 0x6ff) cpu.raise(EXC_GP, 0);
      cpu.apicBase = ((cpu.apicBase & ~APIC_BASE_WRITABLE) | (cpu.regs[EAX] & APIC_BASE_WRITABLE)) >>> 0;
      return;
    default:
      if (!writeStoredMsr(cpu.msrStore, cpu.cpuid, cpu.regs[ECX] >>> 0, cpu.regs[EAX], cpu.regs[EDX])) {
        cpu.raise(EXC_GP, 0);
      }
  }
}

/**
 * IN/OUT/INS/OUTS permission: in protected mode with CPL > IOPL, or in v86 mode, every bit for
 * port..port+size-1 in the 32-bit TSS's I/O permission bitmap must be clear; a bitmap byte beyond the
 * TSS limit, or a 16-bit/unusable TSS, denies. Raises #GP(0) when denied (SDM Vol. 1 §19.5.2).
 */
export function checkIoPermission(cpu: CpuCore, port: number, size: number): void {
  if ((cpu.cr0 & CR0_PE) === 0) return;
  const eflags = cpu.getEflags();
  if ((eflags & FLAG_VM) === 0 && cpu.cpl <= (eflags & FLAG_IOPL) >>> FLAG_IOPL_SHIFT) return;
  const type = cpu.segAttr[TR] & 0x1f;
  const limit = cpu.segLimit[TR] >>> 0;
  // A present 32-bit TSS (type 9 or 11, S=0) big enough to hold the bitmap base at 0x66.
  if ((type !== 9 && type !== 11) || limit < 0x67) cpu.raise(EXC_GP, 0);
  const base = cpu.segBase[TR] >>> 0;
  const at = (cpu.readSys16((base + 0x66) >>> 0) & 0xffff) + (port >>> 3);
  if (at + 1 > limit) cpu.raise(EXC_GP, 0);
  const bits = (cpu.readSys16((base + at) >>> 0) & 0xffff) >>> (port & 7);
  if (bits & ((1 << size) - 1)) cpu.raise(EXC_GP, 0);
}
