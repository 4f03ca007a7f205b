// IRET/IRETD in every mode: real mode, v86 mode (IOPL 3 only), nested-task returns through the TSS
// back link, protected-mode returns to the same or an outer privilege level, and the return to v86 mode.
// Reference: Intel SDM Vol. 2 "IRET/IRETD/IRETQ" pseudocode and its EFLAGS rules; Vol. 3A §7.4.
import {
  type CpuCore,
  CR0_PE,
  CS,
  DS,
  ES,
  ESP,
  EXC_GP,
  EXC_NP,
  EXC_SS,
  EXC_TS,
  FLAG_AC,
  FLAG_AF,
  FLAG_CF,
  FLAG_DF,
  FLAG_ID,
  FLAG_IF,
  FLAG_IOPL,
  FLAG_IOPL_SHIFT,
  FLAG_NT,
  FLAG_OF,
  FLAG_PF,
  FLAG_RESERVED1,
  FLAG_RF,
  FLAG_SF,
  FLAG_TF,
  FLAG_VIF,
  FLAG_VIP,
  FLAG_VM,
  FLAG_ZF,
  FS,
  GS,
  SS,
  SYS_TSS16_BUSY,
  SYS_TSS32_BUSY,
  TR,
} from "../state.ts";
import {
  Descriptor,
  fetchDescriptor,
  markAccessed,
  SEL_INDEX,
  SEL_RPL,
  SEL_TI,
  setRealSegment,
  setSegmentCache,
  setV86Segment,
} from "./descriptors.ts";
import { invalidateOuterSegments } from "./segments.ts";
import { StackCursor } from "./stack.ts";
import { TASK_IRET, taskSwitch } from "./task.ts";
import { checkOuterStack } from "./transfers.ts";

/** EFLAGS bits IRET may always load in protected mode (before the CPL/IOPL-dependent ones). */
const IRET_BASE_MASK =
  FLAG_CF |
  FLAG_PF |
  FLAG_AF |
  FLAG_ZF |
  FLAG_SF |
  FLAG_TF |
  FLAG_DF |
  FLAG_OF |
  FLAG_NT |
  FLAG_RF |
  FLAG_AC |
  FLAG_ID;
/** Real mode IRETD: EFLAGS ← (tempEFLAGS AND 257FD5H) OR (EFLAGS AND 1A0000H). */
const REAL_MASK32 = 0x257fd5;
/** Real mode IRET (16-bit): the defined bits of FLAGS. */
const REAL_MASK16 = 0x7fd5;

const code = new Descriptor();
const ssDesc = new Descriptor();
const tssDesc = new Descriptor();
const stack = new StackCursor();

/**
 * IRET with a 32-bit (`is32`) or 16-bit operand size. Raises before committing any register except
 * in a nested-task return, whose faults after the task switch belong to the old task.
 */
export function interruptReturn(cpu: CpuCore, is32: boolean): void {
  const eflags = cpu.getEflags() >>> 0;
  if ((cpu.cr0 & CR0_PE) === 0) {
    simpleIret(cpu, is32, eflags, is32 ? REAL_MASK32 : REAL_MASK16, cpu.segLimit[CS] >>> 0, false);
    return;
  }
  if (eflags & FLAG_VM) {
    // SDM §20.2.7: IRET in v86 mode is IOPL-sensitive (no VME); IOPL itself cannot change.
    if ((eflags & FLAG_IOPL) !== FLAG_IOPL) cpu.raise(EXC_GP, 0);
    simpleIret(cpu, is32, eflags, (is32 ? REAL_MASK32 : REAL_MASK16) & ~FLAG_IOPL, 0xffff, true);
    return;
  }
  if (eflags & FLAG_NT) {
    taskReturn(cpu);
    return;
  }
  const size = is32 ? 4 : 2;
  stack.fromCurrent(cpu, true);
  if (!stack.canPop(3 * size)) cpu.raise(EXC_SS, 0);
  const eip = stack.pop(cpu, is32);
  const sel = stack.pop(cpu, is32) & 0xffff;
  const popped = stack.pop(cpu, is32);
  const cpl = cpu.cpl;
  if (is32 && popped & FLAG_VM && cpl === 0) {
    returnToV86(cpu, eip, sel, popped);
    return;
  }
  if ((sel & SEL_INDEX) === 0) cpu.raise(EXC_GP, 0);
  fetchDescriptor(cpu, sel, code, EXC_GP);
  const rpl = sel & SEL_RPL;
  if (!code.isCode || rpl < cpl) cpu.raise(EXC_GP, sel & SEL_INDEX);
  if (code.isConforming ? code.dpl > rpl : code.dpl !== rpl) cpu.raise(EXC_GP, sel & SEL_INDEX);
  if (!code.present) cpu.raise(EXC_NP, sel & SEL_INDEX);

  // EFLAGS: IF only when CPL <= IOPL; IOPL, VIF, VIP only at CPL 0 (the CPL before the return).
  let mask = IRET_BASE_MASK;
  if (cpl <= (eflags & FLAG_IOPL) >>> FLAG_IOPL_SHIFT) mask |= FLAG_IF;
  if (cpl === 0) mask |= FLAG_IOPL | FLAG_VIF | FLAG_VIP;
  if (!is32) mask &= 0xffff;
  const newFlags = ((eflags & ~mask) | (popped & mask) | FLAG_RESERVED1) >>> 0;

  if (rpl === cpl) {
    if (eip > code.limit) cpu.raise(EXC_GP, 0);
    stack.commit(cpu, cpu.regs[ESP]);
  } else {
    if (!stack.canPop(2 * size)) cpu.raise(EXC_SS, 0);
    const newEsp = stack.pop(cpu, is32);
    const newSs = stack.pop(cpu, is32) & 0xffff;
    checkOuterStack(cpu, newSs, rpl, ssDesc);
    if (eip > code.limit) cpu.raise(EXC_GP, 0);
    markAccessed(cpu, ssDesc);
    setSegmentCache(cpu, SS, newSs, ssDesc);
    stack.init(ssDesc.base, newEsp, ssDesc.limit, ssDesc.attr, false, true);
    stack.commit(cpu, cpu.regs[ESP]);
  }
  markAccessed(cpu, code);
  setSegmentCache(cpu, CS, sel, code);
  cpu.cpl = rpl;
  cpu.eip = eip;
  cpu.setEflags(newFlags);
  if (rpl !== cpl) invalidateOuterSegments(cpu);
  cpu.updateModes();
}

/**
 * IRET in real mode or v86 mode: pops IP/EIP, CS and FLAGS/EFLAGS; `mask` selects the EFLAGS bits
 * taken from the stack; #GP(0) when the new EIP exceeds `limit`.
 */
function simpleIret(
  cpu: CpuCore,
  is32: boolean,
  eflags: number,
  mask: number,
  limit: number,
  v86: boolean,
): void {
  const size = is32 ? 4 : 2;
  stack.fromCurrent(cpu, v86);
  if (!stack.canPop(3 * size)) cpu.raise(EXC_SS, 0);
  const eip = stack.pop(cpu, is32);
  const sel = stack.pop(cpu, is32) & 0xffff;
  const popped = stack.pop(cpu, is32);
  if (eip > limit) cpu.raise(EXC_GP, 0);
  stack.commit(cpu, cpu.regs[ESP]);
  if (v86) setV86Segment(cpu, CS, sel);
  else setRealSegment(cpu, CS, sel);
  cpu.eip = eip;
  cpu.setEflags(((eflags & ~mask) | (popped & mask) | FLAG_RESERVED1) >>> 0);
  cpu.updateModes();
}

/**
 * RETURN-TO-VIRTUAL-8086-MODE (IRETD at CPL 0 with VM in the popped EFLAGS): pops ESP, SS, ES, DS,
 * FS, GS after EIP/CS/EFLAGS, loads every segment the v86 way, CPL 3, EIP masked to 16 bits.
 */
function returnToV86(cpu: CpuCore, eip: number, cs: number, popped: number): void {
  if (!stack.canPop(24)) cpu.raise(EXC_SS, 0);
  const esp = stack.pop32(cpu);
  const ss = stack.pop32(cpu);
  const es = stack.pop32(cpu);
  const ds = stack.pop32(cpu);
  const fs = stack.pop32(cpu);
  const gs = stack.pop32(cpu);
  cpu.setEflags((popped | FLAG_RESERVED1) >>> 0);
  setV86Segment(cpu, CS, cs);
  setV86Segment(cpu, SS, ss);
  setV86Segment(cpu, ES, es);
  setV86Segment(cpu, DS, ds);
  setV86Segment(cpu, FS, fs);
  setV86Segment(cpu, GS, gs);
  cpu.regs[ESP] = esp | 0;
  cpu.eip = eip & 0xffff;
  cpu.cpl = 3;
  cpu.updateModes();
}

/**
 * Nested-task return (NT=1): switches back to the task named by the current TSS's previous-task
 * link, which must be a busy TSS in the GDT (#TS(link) otherwise, #NP(link) when not present).
 */
function taskReturn(cpu: CpuCore): void {
  const link = cpu.readSys16(cpu.segBase[TR] >>> 0) & 0xffff;
  if (link & SEL_TI) cpu.raise(EXC_TS, link & SEL_INDEX);
  fetchDescriptor(cpu, link, tssDesc, EXC_TS);
  if (tssDesc.isSegment || (tssDesc.type !== SYS_TSS16_BUSY && tssDesc.type !== SYS_TSS32_BUSY)) {
    cpu.raise(EXC_TS, link & SEL_INDEX);
  }
  if (!tssDesc.present) cpu.raise(EXC_NP, link & SEL_INDEX);
  taskSwitch(cpu, link, tssDesc, TASK_IRET, -1, 0);
}
