// Data and stack segment loads (MOV/POP Sreg, LDS/LES/LFS/LGS/LSS), LLDT, LTR and the descriptor
// probes LAR, LSL, VERR and VERW. References: Intel SDM Vol. 2 (MOV, LLDT, LTR, LAR, LSL, VERR/VERW
// pseudocode) and Vol. 3A §5.5-5.7 (privilege checks for data and stack segments).
import {
  ATTR_CODE,
  ATTR_DC,
  ATTR_DPL_SHIFT,
  ATTR_S,
  type CpuCore,
  CR0_PE,
  DS,
  ES,
  EXC_GP,
  EXC_NP,
  EXC_SS,
  EXC_UD,
  FS,
  GS,
  LDTR,
  SS,
  SYS_LDT,
  SYS_TSS16_AVAIL,
  SYS_TSS32_AVAIL,
  TR,
} from "../state.ts";
import {
  Descriptor,
  fetchDescriptor,
  isV86,
  markAccessed,
  readDescriptor,
  SEL_INDEX,
  SEL_RPL,
  SEL_TI,
  setNullSegment,
  setRealSegment,
  setSegmentCache,
  setV86Segment,
} from "./descriptors.ts";

/** TSS busy bit: type bit 1 of a TSS descriptor (SDM §7.2.2). */
export const TSS_BUSY_BIT = 1 << 9;

const seg = new Descriptor();
const DATA_SEGS = [ES, DS, FS, GS];

/**
 * Loads ES, SS, DS, FS or GS with `selector` as MOV Sreg, POP Sreg and LxS do. Real mode: selector and
 * base only. v86: base = sel << 4 with v86 attributes. Protected: the SDM's MOV checks (#GP(sel),
 * #NP(sel), #SS(sel) for SS, #GP(0) for a null SS), sets the accessed bit; SS calls updateModes().
 * Raises before changing any register.
 */
export function loadSegment(cpu: CpuCore, segReg: number, selector: number): void {
  selector &= 0xffff;
  if ((cpu.cr0 & CR0_PE) === 0) {
    setRealSegment(cpu, segReg, selector);
  } else if (isV86(cpu)) {
    setV86Segment(cpu, segReg, selector);
  } else if (segReg === SS) {
    loadStackSegment(cpu, selector);
  } else {
    loadDataSegment(cpu, segReg, selector);
  }
  if (segReg === SS) cpu.updateModes();
}

/** Protected-mode SS load (SDM Vol. 2 MOV: "IF SS is loaded"). */
function loadStackSegment(cpu: CpuCore, selector: number): void {
  if ((selector & SEL_INDEX) === 0) cpu.raise(EXC_GP, 0);
  fetchDescriptor(cpu, selector, seg, EXC_GP);
  const cpl = cpu.cpl;
  if ((selector & SEL_RPL) !== cpl || !seg.isWritableData || seg.dpl !== cpl) {
    cpu.raise(EXC_GP, selector & SEL_INDEX);
  }
  if (!seg.present) cpu.raise(EXC_SS, selector & SEL_INDEX);
  markAccessed(cpu, seg);
  setSegmentCache(cpu, SS, selector, seg);
}

/** Protected-mode DS/ES/FS/GS load (SDM Vol. 2 MOV: "IF DS, ES, FS, or GS is loaded"). */
function loadDataSegment(cpu: CpuCore, segReg: number, selector: number): void {
  if ((selector & SEL_INDEX) === 0) {
    setNullSegment(cpu, segReg, selector);
    return;
  }
  fetchDescriptor(cpu, selector, seg, EXC_GP);
  if (!seg.isReadable) cpu.raise(EXC_GP, selector & SEL_INDEX);
  if (!seg.isConforming && ((selector & SEL_RPL) > seg.dpl || cpu.cpl > seg.dpl)) {
    cpu.raise(EXC_GP, selector & SEL_INDEX);
  }
  if (!seg.present) cpu.raise(EXC_NP, selector & SEL_INDEX);
  markAccessed(cpu, seg);
  setSegmentCache(cpu, segReg, selector, seg);
}

/**
 * After a return to an outer privilege level (RETF, IRET): ES, DS, FS and GS holding a data or
 * non-conforming code segment whose DPL is below the new CPL become null (SDM Vol. 2 RET/IRET
 * "RETURN-TO-OUTER-PRIVILEGE-LEVEL"). Uses the cached attributes; null selectors are left alone.
 */
export function invalidateOuterSegments(cpu: CpuCore): void {
  for (const s of DATA_SEGS) {
    const attr = cpu.segAttr[s];
    if ((cpu.segSel[s] & SEL_INDEX) === 0) continue;
    const conformingCode = (attr & (ATTR_CODE | ATTR_DC)) === (ATTR_CODE | ATTR_DC);
    const dpl = (attr >> ATTR_DPL_SHIFT) & 3;
    if ((attr & ATTR_S) === 0 || (!conformingCode && dpl < cpu.cpl)) setNullSegment(cpu, s, 0);
  }
}

/** CPL-0 protected-mode instructions (LLDT, LTR): #UD outside protected mode, #GP(0) above CPL 0. */
function requireRing0Protected(cpu: CpuCore): void {
  if ((cpu.cr0 & CR0_PE) === 0 || isV86(cpu)) cpu.raise(EXC_UD, -1);
  if (cpu.cpl !== 0) cpu.raise(EXC_GP, 0);
}

/**
 * LLDT: loads LDTR from a GDT descriptor of type LDT; a null selector leaves LDTR unusable.
 * #GP(sel) for TI=1, beyond the GDT or a wrong type; #NP(sel) when not present (SDM Vol. 2 LLDT).
 */
export function loadLdtr(cpu: CpuCore, sel: number): void {
  requireRing0Protected(cpu);
  sel &= 0xffff;
  if ((sel & SEL_INDEX) === 0) {
    setNullSegment(cpu, LDTR, sel);
    return;
  }
  if (sel & SEL_TI) cpu.raise(EXC_GP, sel & SEL_INDEX);
  fetchDescriptor(cpu, sel, seg, EXC_GP);
  if (seg.isSegment || seg.type !== SYS_LDT) cpu.raise(EXC_GP, sel & SEL_INDEX);
  if (!seg.present) cpu.raise(EXC_NP, sel & SEL_INDEX);
  setSegmentCache(cpu, LDTR, sel, seg);
}

/**
 * LTR: loads TR from an available TSS descriptor in the GDT and marks it busy in memory.
 * #GP(0) for a null selector, #GP(sel) for TI=1/limit/type, #NP(sel) not present (SDM Vol. 2 LTR).
 */
export function loadTr(cpu: CpuCore, sel: number): void {
  requireRing0Protected(cpu);
  sel &= 0xffff;
  if ((sel & SEL_INDEX) === 0) cpu.raise(EXC_GP, 0);
  if (sel & SEL_TI) cpu.raise(EXC_GP, sel & SEL_INDEX);
  fetchDescriptor(cpu, sel, seg, EXC_GP);
  if (seg.isSegment || (seg.type !== SYS_TSS16_AVAIL && seg.type !== SYS_TSS32_AVAIL)) {
    cpu.raise(EXC_GP, sel & SEL_INDEX);
  }
  if (!seg.present) cpu.raise(EXC_NP, sel & SEL_INDEX);
  cpu.writeSys32((seg.addr + 4) >>> 0, seg.hi | TSS_BUSY_BIT);
  seg.decode(seg.lo, seg.hi | TSS_BUSY_BIT);
  setSegmentCache(cpu, TR, sel, seg);
}

// System descriptor types LAR and LSL accept (SDM Vol. 2 LAR Table 3-61, LSL Table 3-63).
const LAR_TYPES = 0b0001_1010_0011_1110; // 1,2,3,4,5,9,11,12
const LSL_TYPES = 0b0000_1010_0000_1110; // 1,2,3,9,11

/** Fetches the descriptor for LAR/LSL/VERR/VERW and applies the common visibility rule; false = ZF=0. */
function probe(cpu: CpuCore, sel: number, systemTypes: number): boolean {
  sel &= 0xffff;
  if ((sel & SEL_INDEX) === 0 || !readDescriptor(cpu, sel, seg)) return false;
  if (seg.isSegment) {
    if (seg.isConforming) return true;
  } else if (((systemTypes >> seg.type) & 1) === 0) {
    return false;
  }
  return seg.dpl >= cpu.cpl && seg.dpl >= (sel & SEL_RPL);
}

/** LAR: the access rights dword (descriptor dword 1 AND 0x00F0FF00) or null when not visible (ZF=0). */
export function lar(cpu: CpuCore, sel: number): number | null {
  if (!probe(cpu, sel, LAR_TYPES)) return null;
  return (seg.hi & 0x00f0ff00) >>> 0;
}

/** LSL: the byte-granular segment limit, or null when not visible (ZF=0). */
export function lsl(cpu: CpuCore, sel: number): number | null {
  if (!probe(cpu, sel, LSL_TYPES)) return null;
  return seg.limit;
}

/** VERR (write=false) / VERW (write=true): true when the segment is readable/writable at CPL and RPL. */
export function verifySegment(cpu: CpuCore, sel: number, write: boolean): boolean {
  if (!probe(cpu, sel, 0)) return false;
  return write ? seg.isWritableData : seg.isReadable;
}
