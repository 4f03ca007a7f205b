// SYSENTER and SYSEXIT (0F 34, 0F 35; SDM Vol. 2B), the fast system calls Linux's vDSO makes: flat
// ring-0 CS and SS derived from IA32_SYSENTER_CS, ESP and EIP from the other two SYSENTER MSRs;
// back to flat ring-3 CS/SS at SYSENTER_CS + 16 and + 24 with ESP = ECX and EIP = EDX.
// Faults as QEMU 7.2 raises them: #GP(0) outside protected mode, when SYSENTER_CS is 0, and for
// SYSEXIT outside CPL 0. pcscope raises #UD when the CPU model lacks CPUID.SEP, as the hardware
// does; QEMU's TCG executes them whatever the model says.
import {
  ATTR_ACCESSED,
  ATTR_CODE,
  ATTR_DB,
  ATTR_DPL_SHIFT,
  ATTR_G,
  ATTR_P,
  ATTR_RW,
  ATTR_S,
  type CpuCore,
  CR0_PE,
  CS,
  ECX,
  EDX,
  ESP,
  EXC_GP,
  EXC_UD,
  FLAG_IF,
  FLAG_RF,
  FLAG_VM,
  SS,
} from "../state.ts";
import {
  CPUID_SEP,
  MSR_SYSENTER_CS,
  MSR_SYSENTER_EIP,
  MSR_SYSENTER_ESP,
  readStoredMsr,
} from "./msr-store.ts";

/** Flat 4 GiB code (execute/read, accessed, 32-bit) and data (read/write, accessed, 32-bit). */
const FLAT_CODE = ATTR_P | ATTR_S | ATTR_CODE | ATTR_RW | ATTR_ACCESSED | ATTR_DB | ATTR_G;
const FLAT_DATA = ATTR_P | ATTR_S | ATTR_RW | ATTR_ACCESSED | ATTR_DB | ATTR_G;
const msr = new Int32Array(2);

/** One SYSENTER MSR's low half (the MSRs exist: the model has SEP). */
function sysenterMsr(cpu: CpuCore, index: number): number {
  readStoredMsr(cpu.msrStore, cpu.cpuid, index, msr);
  return msr[0]!;
}

/** Loads CS and SS as flat segments at privilege `dpl` with the given selectors. */
function loadFlat(cpu: CpuCore, cs: number, ss: number, dpl: number): void {
  cpu.segSel[CS] = cs & 0xffff;
  cpu.segBase[CS] = 0;
  cpu.segLimit[CS] = -1;
  cpu.segAttr[CS] = FLAT_CODE | (dpl << ATTR_DPL_SHIFT);
  cpu.segSel[SS] = ss & 0xffff;
  cpu.segBase[SS] = 0;
  cpu.segLimit[SS] = -1;
  cpu.segAttr[SS] = FLAT_DATA | (dpl << ATTR_DPL_SHIFT);
  cpu.cpl = dpl;
}

/** The checks both instructions share; returns SYSENTER_CS. */
function checkFastCall(cpu: CpuCore): number {
  if ((cpu.cpuid.featuresEdx & CPUID_SEP) === 0) cpu.raise(EXC_UD);
  if ((cpu.cr0 & CR0_PE) === 0) cpu.raise(EXC_GP, 0);
  const cs = sysenterMsr(cpu, MSR_SYSENTER_CS);
  if (cs === 0) cpu.raise(EXC_GP, 0);
  return cs;
}

/** SYSENTER: to ring 0 at SYSENTER_EIP with SYSENTER_ESP; VM, IF and RF cleared. */
export function sysenter(cpu: CpuCore): void {
  const cs = checkFastCall(cpu);
  cpu.flags &= ~(FLAG_VM | FLAG_IF | FLAG_RF);
  loadFlat(cpu, cs & 0xfffc, (cs & 0xfffc) + 8, 0);
  cpu.regs[ESP] = sysenterMsr(cpu, MSR_SYSENTER_ESP);
  cpu.eip = sysenterMsr(cpu, MSR_SYSENTER_EIP) >>> 0;
  cpu.updateModes();
}

/** SYSEXIT (CPL 0): to ring 3 at EDX with ESP = ECX. */
export function sysexit(cpu: CpuCore): void {
  const cs = checkFastCall(cpu);
  if (cpu.cpl !== 0) cpu.raise(EXC_GP, 0);
  loadFlat(cpu, (cs + 16) | 3, (cs + 24) | 3, 3);
  cpu.regs[ESP] = cpu.regs[ECX]!;
  cpu.eip = cpu.regs[EDX]! >>> 0;
  cpu.updateModes();
}
