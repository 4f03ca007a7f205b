// Hardware task switching through a TSS (SDM Vol. 3A §7.3 "Task Switching", Table 7-1 for the checks
// made while loading the new task, §7.4 for the busy flag, NT and the previous-task link).
// 32-bit TSS layout: Figure 7-2; 16-bit TSS layout: Figure 7-11.
import {
  type CpuCore,
  CR0_PG,
  CR0_TS,
  CS,
  DS,
  ES,
  ESP,
  EXC_GP,
  EXC_NP,
  EXC_SS,
  EXC_TS,
  FLAG_NT,
  FLAG_RESERVED1,
  FLAG_VM,
  FS,
  GS,
  LDTR,
  SS,
  SYS_LDT,
  TR,
} from "../state.ts";
import {
  Descriptor,
  fetchDescriptor,
  markAccessed,
  SEL_INDEX,
  SEL_RPL,
  SEL_TI,
  setNullSegment,
  setSegmentCache,
  setV86Segment,
} from "./descriptors.ts";
import { TSS_BUSY_BIT } from "./segments.ts";
import { StackCursor } from "./stack.ts";

/** What started a task switch: decides busy bits, NT and the previous-task link (SDM Table 7-2). */
export const TASK_JMP = 0;
export const TASK_CALL = 1;
export const TASK_IRET = 2;
export const TASK_INT = 3;

/** Minimum TSS limits (SDM §7.2.2: 0x67 for a 32-bit TSS, 0x2B for a 16-bit one). */
const TSS32_MIN_LIMIT = 0x67;
const TSS16_MIN_LIMIT = 0x2b;
/** DR7 local-enable bits L0-L3 and LE, cleared by a task switch (SDM Vol. 3B §18.2.4). */
const DR7_LOCAL_ENABLES = 0x155;
/** Order of the segment selectors in a TSS (ES, CS, SS, DS, FS, GS). */
const TSS_SEG_ORDER = [ES, CS, SS, DS, FS, GS];

const newRegs = new Int32Array(8);
const newSegs = new Int32Array(6);
const desc = new Descriptor();
const stack = new StackCursor();

/**
 * Switches to the task whose TSS descriptor `tss` (already fetched for selector `sel`, present, of
 * the right busy state as checked by the caller) names. Saves the current state in the old TSS,
 * updates busy bits, NT and the link, loads the new state, then loads the segments with the
 * Table 7-1 checks: faults raised after the commit point are delivered in the new task. When
 * `errorCode` >= 0 it is pushed on the new task's stack (exceptions through a task gate).
 * `ext` is the EXT bit for error codes (1 when an external event or exception caused the switch).
 */
export function taskSwitch(
  cpu: CpuCore,
  sel: number,
  tss: Descriptor,
  source: number,
  errorCode: number,
  ext: number,
): void {
  sel &= 0xffff;
  const newIs32 = (tss.type & 8) !== 0;
  if (tss.limit < (newIs32 ? TSS32_MIN_LIMIT : TSS16_MIN_LIMIT)) cpu.raise(EXC_TS, (sel & SEL_INDEX) | ext);
  const oldSel = cpu.segSel[TR] & 0xffff;
  const oldBase = cpu.segBase[TR] >>> 0;
  const oldIs32 = (cpu.segAttr[TR] & 8) !== 0;
  if (cpu.segLimit[TR] >>> 0 < (oldIs32 ? TSS32_MIN_LIMIT : TSS16_MIN_LIMIT)) {
    cpu.raise(EXC_TS, (oldSel & SEL_INDEX) | ext);
  }

  // Read the whole new task state first (a #PF here leaves the old task untouched).
  const nb = tss.base;
  let newCr3 = 0;
  let newEip: number;
  let newFlags: number;
  let newLdt: number;
  if (newIs32) {
    newCr3 = cpu.readSys32((nb + 0x1c) >>> 0) >>> 0;
    newEip = cpu.readSys32((nb + 0x20) >>> 0) >>> 0;
    newFlags = cpu.readSys32((nb + 0x24) >>> 0) >>> 0;
    for (let i = 0; i < 8; i++) newRegs[i] = cpu.readSys32((nb + 0x28 + i * 4) >>> 0);
    for (let i = 0; i < 6; i++) newSegs[i] = cpu.readSys16((nb + 0x48 + i * 4) >>> 0);
    newLdt = cpu.readSys16((nb + 0x60) >>> 0) & 0xffff;
  } else {
    newEip = cpu.readSys16((nb + 0x0e) >>> 0) & 0xffff;
    newFlags =
      ((cpu.getEflags() & 0xffff0000 & ~FLAG_VM) | (cpu.readSys16((nb + 0x10) >>> 0) & 0xffff)) >>> 0;
    // A 16-bit TSS holds only the low words; the upper halves of the registers are kept.
    for (let i = 0; i < 8; i++) {
      newRegs[i] = (cpu.regs[i] & 0xffff0000) | (cpu.readSys16((nb + 0x12 + i * 2) >>> 0) & 0xffff);
    }
    for (let i = 0; i < 4; i++) newSegs[i] = cpu.readSys16((nb + 0x22 + i * 2) >>> 0);
    newSegs[4] = 0;
    newSegs[5] = 0;
    newLdt = cpu.readSys16((nb + 0x2a) >>> 0) & 0xffff;
  }

  // Save the current task (SDM §7.3 step 10); IRET clears NT in the saved image.
  let oldFlags = cpu.getEflags() >>> 0;
  if (source === TASK_IRET) oldFlags &= ~FLAG_NT;
  if (oldIs32) {
    cpu.writeSys32((oldBase + 0x20) >>> 0, cpu.eip | 0);
    cpu.writeSys32((oldBase + 0x24) >>> 0, oldFlags | 0);
    for (let i = 0; i < 8; i++) cpu.writeSys32((oldBase + 0x28 + i * 4) >>> 0, cpu.regs[i]);
    for (let i = 0; i < 6; i++) cpu.writeSys16((oldBase + 0x48 + i * 4) >>> 0, cpu.segSel[TSS_SEG_ORDER[i]]);
  } else {
    cpu.writeSys16((oldBase + 0x0e) >>> 0, cpu.eip & 0xffff);
    cpu.writeSys16((oldBase + 0x10) >>> 0, oldFlags & 0xffff);
    for (let i = 0; i < 8; i++) cpu.writeSys16((oldBase + 0x12 + i * 2) >>> 0, cpu.regs[i] & 0xffff);
    for (let i = 0; i < 4; i++) cpu.writeSys16((oldBase + 0x22 + i * 2) >>> 0, cpu.segSel[TSS_SEG_ORDER[i]]);
  }

  // Busy bits and the link (SDM §7.4, Table 7-2).
  if (source === TASK_JMP || source === TASK_IRET) setBusy(cpu, oldSel, false);
  if (source === TASK_CALL || source === TASK_INT) {
    cpu.writeSys16(nb, oldSel);
    newFlags |= FLAG_NT;
  }
  if (source !== TASK_IRET) setBusy(cpu, sel, true);

  // Commit point: from here on faults belong to the new task.
  tss.decode(tss.lo, tss.hi | TSS_BUSY_BIT);
  setSegmentCache(cpu, TR, sel, tss);
  cpu.cr0 |= CR0_TS;
  if (newIs32 && cpu.cr0 & CR0_PG) {
    cpu.cr3 = newCr3;
    cpu.flushTlb();
  }
  cpu.eip = newEip;
  cpu.setEflags((newFlags | FLAG_RESERVED1) >>> 0);
  for (let i = 0; i < 8; i++) cpu.regs[i] = newRegs[i];
  cpu.dr[7] &= ~DR7_LOCAL_ENABLES;
  const v86 = (newFlags & FLAG_VM) !== 0;
  for (let i = 0; i < 6; i++) {
    if (v86) setV86Segment(cpu, TSS_SEG_ORDER[i], newSegs[i]);
    else setNullSegment(cpu, TSS_SEG_ORDER[i], newSegs[i]);
  }
  setNullSegment(cpu, LDTR, newLdt);
  cpu.cpl = v86 ? 3 : newSegs[1] & SEL_RPL;
  cpu.updateModes();

  loadTaskLdt(cpu, newLdt, ext);
  if (!v86) {
    loadTaskCode(cpu, newSegs[1], ext);
    loadTaskStack(cpu, newSegs[2], ext);
    loadTaskData(cpu, ES, newSegs[0], ext);
    loadTaskData(cpu, DS, newSegs[3], ext);
    loadTaskData(cpu, FS, newSegs[4], ext);
    loadTaskData(cpu, GS, newSegs[5], ext);
    cpu.updateModes();
  }
  if (cpu.eip > cpu.segLimit[CS] >>> 0) cpu.raise(EXC_GP, ext);
  if (errorCode >= 0) {
    stack.fromCurrent(cpu, true);
    const size = newIs32 ? 4 : 2;
    if (!stack.canPush(size)) cpu.raise(EXC_SS, ext);
    stack.push(cpu, errorCode, newIs32);
    stack.commit(cpu, cpu.regs[ESP]);
  }
}

/** Sets or clears the busy bit of the GDT TSS descriptor `sel` in memory. */
function setBusy(cpu: CpuCore, sel: number, busy: boolean): void {
  const addr = (cpu.gdtrBase + (sel & 0xfff8) + 4) >>> 0;
  const hi = cpu.readSys32(addr);
  cpu.writeSys32(addr, busy ? hi | TSS_BUSY_BIT : hi & ~TSS_BUSY_BIT);
}

/** New task's LDTR: null allowed; otherwise a present LDT descriptor in the GDT, else #TS(sel). */
function loadTaskLdt(cpu: CpuCore, sel: number, ext: number): void {
  if ((sel & SEL_INDEX) === 0) return;
  const err = (sel & SEL_INDEX) | ext;
  if (sel & SEL_TI) cpu.raise(EXC_TS, err);
  fetchDescriptor(cpu, sel, desc, EXC_TS, ext);
  if (desc.isSegment || desc.type !== SYS_LDT || !desc.present) cpu.raise(EXC_TS, err);
  setSegmentCache(cpu, LDTR, sel, desc);
}

/** New task's CS: a present code segment whose DPL matches its RPL (conforming: DPL <= RPL). */
function loadTaskCode(cpu: CpuCore, sel: number, ext: number): void {
  const err = (sel & SEL_INDEX) | ext;
  if ((sel & SEL_INDEX) === 0) cpu.raise(EXC_TS, err);
  fetchDescriptor(cpu, sel, desc, EXC_TS, ext);
  if (!desc.isCode) cpu.raise(EXC_TS, err);
  const rpl = sel & SEL_RPL;
  if (desc.isConforming ? desc.dpl > rpl : desc.dpl !== rpl) cpu.raise(EXC_TS, err);
  if (!desc.present) cpu.raise(EXC_NP, err);
  markAccessed(cpu, desc);
  setSegmentCache(cpu, CS, sel, desc);
}

/** New task's SS: a present writable data segment with DPL = RPL = CPL. */
function loadTaskStack(cpu: CpuCore, sel: number, ext: number): void {
  const err = (sel & SEL_INDEX) | ext;
  if ((sel & SEL_INDEX) === 0) cpu.raise(EXC_TS, err);
  fetchDescriptor(cpu, sel, desc, EXC_TS, ext);
  if (!desc.isWritableData || desc.dpl !== cpu.cpl || (sel & SEL_RPL) !== cpu.cpl) cpu.raise(EXC_TS, err);
  if (!desc.present) cpu.raise(EXC_SS, err);
  markAccessed(cpu, desc);
  setSegmentCache(cpu, SS, sel, desc);
}

/** New task's DS/ES/FS/GS: null allowed; otherwise readable and visible at CPL and RPL. */
function loadTaskData(cpu: CpuCore, segReg: number, sel: number, ext: number): void {
  if ((sel & SEL_INDEX) === 0) return;
  const err = (sel & SEL_INDEX) | ext;
  fetchDescriptor(cpu, sel, desc, EXC_TS, ext);
  if (!desc.isReadable) cpu.raise(EXC_TS, err);
  if (!desc.isConforming && (desc.dpl < cpu.cpl || desc.dpl < (sel & SEL_RPL))) cpu.raise(EXC_TS, err);
  if (!desc.present) cpu.raise(EXC_NP, err);
  markAccessed(cpu, desc);
  setSegmentCache(cpu, segReg, sel, desc);
}
