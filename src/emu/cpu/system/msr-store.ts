// The model-specific registers that are plain storage on QEMU 7.2's TCG CPU, present when the CPU
// model's CPUID.1:EDX advertises them (target/i386/tcg/sysemu/misc_helper.c): the MTRRs (MTRR),
// IA32_PAT (PAT), the SYSENTER MSRs (SEP) and the machine-check MSRs (MCE and MCA on family 6+).
// SeaBIOS programs the MTRRs whenever CPUID.MTRR is set and Linux reads all four families, so a P6
// model without them triple-faults in the firmware.
//
// The microcode revision (IA32_BIOS_SIGN_ID) reads as QEMU's constant on every model.
// Values live in CpuState.msrStore as lo/hi 32-bit pairs, one slot per MSR, so snapshots copy them.
// Where QEMU's TCG answers an absent MSR with 0 and ignores writes ("XXX: exception?"), pcscope
// raises #GP(0) as the SDM says a real CPU does; the tests check both sides.

import type { CpuidConfig } from "../state.ts";

/** CPUID.1:EDX bits that make MSR families present. */
export const CPUID_MCE = 1 << 7;
export const CPUID_SEP = 1 << 11;
export const CPUID_MTRR = 1 << 12;
export const CPUID_MCA = 1 << 14;
export const CPUID_PAT = 1 << 16;

export const MSR_UCODE_REV = 0x8b;
export const MSR_MTRRCAP = 0xfe;
export const MSR_SYSENTER_CS = 0x174;
export const MSR_SYSENTER_ESP = 0x175;
export const MSR_SYSENTER_EIP = 0x176;
export const MSR_MCG_CAP = 0x179;
export const MSR_MCG_STATUS = 0x17a;
export const MSR_MCG_CTL = 0x17b;
export const MSR_MTRR_PHYS_BASE0 = 0x200;
export const MSR_MTRR_FIX64K_00000 = 0x250;
export const MSR_MTRR_FIX16K_80000 = 0x258;
export const MSR_MTRR_FIX16K_A0000 = 0x259;
export const MSR_MTRR_FIX4K_C0000 = 0x268;
export const MSR_PAT = 0x277;
export const MSR_MTRR_DEF_TYPE = 0x2ff;
export const MSR_MC0_CTL = 0x400;

/** IA32_BIOS_SIGN_ID (microcode revision, high half) as QEMU reports it for an Intel CPU: 1. */
const UCODE_REV_HI = 1;
/** MTRRcap as QEMU answers it: 8 variable ranges (VCNT), fixed ranges (FIX, bit 8), WC (bit 10). */
export const MTRRCAP_VALUE = 0x508;
const MTRR_VARIABLE_COUNT = 8;
/** MCG_CAP as QEMU's mce_init sets it: MCG_SER_P (bit 24), MCG_CTL_P (bit 8: MCG_CTL exists), 10 banks. */
export const MCG_CAP_VALUE = 0x0100010a;
const MCE_BANKS = 10;
/** IA32_PAT's power-on value (SDM Vol. 3A §11.12.4): WB, WT, UC-, UC repeated. */
const PAT_RESET_LO = 0x00070406;
const PAT_RESET_HI = 0x00070406;

// Slots in CpuState.msrStore (each two Int32 entries: lo, hi).
const SLOT_MTRR_VAR = 0; // 16: PHYSBASE0, PHYSMASK0, ... PHYSMASK7
const SLOT_MTRR_FIXED = 16; // 11: 64K, 16K x2, 4K x8
const SLOT_MTRR_DEF_TYPE = 27;
const SLOT_PAT = 28;
const SLOT_SYSENTER = 29; // 3: CS, ESP, EIP
const SLOT_MCG_STATUS = 32;
const SLOT_MCG_CTL = 33;
const SLOT_MC_BANKS = 34; // 40: CTL, STATUS, ADDR, MISC per bank
/** Number of slots; CpuState.msrStore holds twice as many Int32 entries. */
export const MSR_STORE_SLOTS = SLOT_MC_BANKS + MCE_BANKS * 4;

/** Whether the model has family-6 machine-check architecture (MCE and MCA), as QEMU's mce_init asks. */
function hasMachineCheck(id: CpuidConfig): boolean {
  const both = CPUID_MCE | CPUID_MCA;
  return id.family >= 6 && (id.featuresEdx & both) === both;
}

/** The storage slot of MSR `index` on a CPU with CPUID `id`, or -1 when that MSR is absent there. */
function slotOf(index: number, id: CpuidConfig): number {
  const edx = id.featuresEdx;
  if (edx & CPUID_MTRR) {
    if (index >= MSR_MTRR_PHYS_BASE0 && index < MSR_MTRR_PHYS_BASE0 + 2 * MTRR_VARIABLE_COUNT) {
      return SLOT_MTRR_VAR + index - MSR_MTRR_PHYS_BASE0;
    }
    if (index === MSR_MTRR_FIX64K_00000) return SLOT_MTRR_FIXED;
    if (index === MSR_MTRR_FIX16K_80000 || index === MSR_MTRR_FIX16K_A0000) {
      return SLOT_MTRR_FIXED + 1 + index - MSR_MTRR_FIX16K_80000;
    }
    if (index >= MSR_MTRR_FIX4K_C0000 && index < MSR_MTRR_FIX4K_C0000 + 8) {
      return SLOT_MTRR_FIXED + 3 + index - MSR_MTRR_FIX4K_C0000;
    }
    if (index === MSR_MTRR_DEF_TYPE) return SLOT_MTRR_DEF_TYPE;
  }
  if (edx & CPUID_PAT && index === MSR_PAT) return SLOT_PAT;
  if (edx & CPUID_SEP && index >= MSR_SYSENTER_CS && index <= MSR_SYSENTER_EIP) {
    return SLOT_SYSENTER + index - MSR_SYSENTER_CS;
  }
  if (hasMachineCheck(id)) {
    if (index === MSR_MCG_STATUS) return SLOT_MCG_STATUS;
    if (index === MSR_MCG_CTL) return SLOT_MCG_CTL;
    if (index >= MSR_MC0_CTL && index < MSR_MC0_CTL + 4 * MCE_BANKS)
      return SLOT_MC_BANKS + index - MSR_MC0_CTL;
  }
  return -1;
}

/**
 * Power-on values into `store` (MSR_STORE_SLOTS pairs) for a CPU with CPUID `id`: PAT's reset
 * value, and with machine checks MCG_CTL and every bank's CTL all ones (QEMU's mce_init); the rest 0.
 */
export function resetMsrStore(store: Int32Array, id: CpuidConfig): void {
  store.fill(0);
  store[SLOT_PAT * 2] = PAT_RESET_LO;
  store[SLOT_PAT * 2 + 1] = PAT_RESET_HI;
  if (!hasMachineCheck(id)) return;
  store[SLOT_MCG_CTL * 2] = -1;
  store[SLOT_MCG_CTL * 2 + 1] = -1;
  for (let bank = 0; bank < MCE_BANKS; bank++) {
    const slot = SLOT_MC_BANKS + bank * 4;
    store[slot * 2] = -1;
    store[slot * 2 + 1] = -1;
  }
}

/**
 * Reads MSR `index` into out[0] (lo) and out[1] (hi). Returns false, leaving `out` alone, when the
 * MSR is not one of this module's on this CPU model (the caller raises #GP).
 */
export function readStoredMsr(store: Int32Array, id: CpuidConfig, index: number, out: Int32Array): boolean {
  if (index === MSR_UCODE_REV) {
    out[0] = 0;
    out[1] = UCODE_REV_HI;
    return true;
  }
  if (index === MSR_MTRRCAP && id.featuresEdx & CPUID_MTRR) {
    out[0] = MTRRCAP_VALUE;
    out[1] = 0;
    return true;
  }
  if (index === MSR_MCG_CAP && hasMachineCheck(id)) {
    out[0] = MCG_CAP_VALUE;
    out[1] = 0;
    return true;
  }
  const slot = slotOf(index, id);
  if (slot < 0) return false;
  out[0] = store[slot * 2];
  out[1] = store[slot * 2 + 1];
  return true;
}

/**
 * Writes hi:lo to MSR `index` (one to the microcode revision is accepted and ignored). Returns
 * false when the MSR is absent or read-only (MTRRcap, MCG_CAP; the caller raises #GP). MCG_CTL
 * and a bank's CTL keep only 0 or all ones: other values are ignored, as QEMU ignores them.
 */
export function writeStoredMsr(
  store: Int32Array,
  id: CpuidConfig,
  index: number,
  lo: number,
  hi: number,
): boolean {
  if (index === MSR_UCODE_REV) return true; // Linux writes 0 before CPUID to latch it; QEMU ignores that
  const slot = slotOf(index, id);
  if (slot < 0) return false;
  const isControl = slot === SLOT_MCG_CTL || (slot >= SLOT_MC_BANKS && (slot - SLOT_MC_BANKS) % 4 === 0);
  if (isControl && (lo | hi) !== 0 && (lo & hi) !== -1) return true;
  if (slot === SLOT_SYSENTER) {
    lo &= 0xffff; // SYSENTER_CS is a selector
    hi = 0;
  } else if (slot === SLOT_SYSENTER + 1 || slot === SLOT_SYSENTER + 2) {
    hi = 0; // ESP and EIP are 32-bit on a 32-bit CPU (QEMU's qemu-system-i386 keeps target_ulong)
  }
  store[slot * 2] = lo | 0;
  store[slot * 2 + 1] = hi | 0;
  return true;
}
