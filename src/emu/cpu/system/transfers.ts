// Far control transfers: JMP ptr/m16:32, CALL ptr/m16:32 and RETF [imm16] in real, v86 and protected
// mode, including call gates (with the inner-stack switch and parameter copy), task gates and TSS
// descriptors. References: Intel SDM Vol. 2 JMP, CALL and RET pseudocode; Vol. 3A §5.8 (calling
// procedures through call gates), §7.3 (task switching).
import {
  type CpuCore,
  CR0_PE,
  CS,
  ESP,
  EXC_GP,
  EXC_NP,
  EXC_SS,
  SS,
  SYS_CALL_GATE16,
  SYS_CALL_GATE32,
  SYS_TASK_GATE,
  SYS_TSS16_AVAIL,
  SYS_TSS32_AVAIL,
} from "../state.ts";
import {
  Descriptor,
  fetchDescriptor,
  isV86,
  markAccessed,
  SEL_INDEX,
  SEL_RPL,
  SEL_TI,
  setRealSegment,
  setSegmentCache,
  setV86Segment,
} from "./descriptors.ts";
import { checkInnerStack, readTssStack, TssStack } from "./inner-stack.ts";
import { invalidateOuterSegments } from "./segments.ts";
import { StackCursor } from "./stack.ts";
import { TASK_CALL, TASK_JMP, taskSwitch } from "./task.ts";

const target = new Descriptor();
const code = new Descriptor();
const ssDesc = new Descriptor();
const tssDesc = new Descriptor();
const stack = new StackCursor();
const oldStack = new StackCursor();
const tssStack = new TssStack();

/** Loads CS:EIP outside protected mode (real: base only, keeping the cached limit; v86: 64 KiB). */
function loadRealCs(cpu: CpuCore, v86: boolean, selector: number, offset: number): void {
  if (v86) setV86Segment(cpu, CS, selector);
  else setRealSegment(cpu, CS, selector);
  cpu.eip = offset >>> 0;
  cpu.updateModes();
}

/** Loads CS from a checked code descriptor with RPL forced to `cpl`, and EIP. */
function loadProtectedCs(cpu: CpuCore, selector: number, d: Descriptor, cpl: number, offset: number): void {
  markAccessed(cpu, d);
  setSegmentCache(cpu, CS, (selector & ~SEL_RPL) | cpl, d);
  cpu.cpl = cpl;
  cpu.eip = offset >>> 0;
  cpu.updateModes();
}

/** Code segment checks of a direct far JMP/CALL (SDM Vol. 2 JMP "IF segment type is ..."). */
function checkDirectCode(cpu: CpuCore, sel: number, d: Descriptor): void {
  const cpl = cpu.cpl;
  const allowed = d.isConforming ? d.dpl <= cpl : (sel & SEL_RPL) <= cpl && d.dpl === cpl;
  if (!allowed) cpu.raise(EXC_GP, sel & SEL_INDEX);
  if (!d.present) cpu.raise(EXC_NP, sel & SEL_INDEX);
}

/**
 * Checks a gate or TSS descriptor `d` named by `sel` against CPL and RPL (DPL >= both, else #GP(sel))
 * and its present bit (#NP(sel)).
 */
function checkGate(cpu: CpuCore, sel: number, d: Descriptor): void {
  if (d.dpl < cpu.cpl || d.dpl < (sel & SEL_RPL)) cpu.raise(EXC_GP, sel & SEL_INDEX);
  if (!d.present) cpu.raise(EXC_NP, sel & SEL_INDEX);
}

/**
 * Fetches the target code segment of a call gate into `code`: #GP(0) for a null selector, #GP(sel)
 * when not code or DPL > CPL, #NP(sel) when not present.
 */
function fetchGateTarget(cpu: CpuCore, sel: number): void {
  if ((sel & SEL_INDEX) === 0) cpu.raise(EXC_GP, 0);
  fetchDescriptor(cpu, sel, code, EXC_GP);
  if (!code.isCode || code.dpl > cpu.cpl) cpu.raise(EXC_GP, sel & SEL_INDEX);
  if (!code.present) cpu.raise(EXC_NP, sel & SEL_INDEX);
}

/** JMP/CALL to a task gate or TSS descriptor `d`: checks it (and the gate's TSS), then switches task. */
function taskTransfer(cpu: CpuCore, sel: number, d: Descriptor, source: number): void {
  checkGate(cpu, sel, d);
  let tssSel = sel;
  let tss = d;
  if (d.type === SYS_TASK_GATE) {
    tssSel = d.gateSelector;
    if (tssSel & SEL_TI) cpu.raise(EXC_GP, tssSel & SEL_INDEX);
    fetchDescriptor(cpu, tssSel, tssDesc, EXC_GP);
    if (tssDesc.isSegment || (tssDesc.type !== SYS_TSS16_AVAIL && tssDesc.type !== SYS_TSS32_AVAIL)) {
      cpu.raise(EXC_GP, tssSel & SEL_INDEX);
    }
    if (!tssDesc.present) cpu.raise(EXC_NP, tssSel & SEL_INDEX);
    tss = tssDesc;
  }
  taskSwitch(cpu, tssSel, tss, source, -1, 0);
}

/**
 * JMP far: real/v86 mode loads CS:EIP directly; protected mode jumps to a code segment, through a call
 * gate (no privilege change), or switches task through a task gate or TSS. Raises before committing.
 */
export function farJump(cpu: CpuCore, selector: number, offset: number, is32: boolean): void {
  selector &= 0xffff;
  if (!is32) offset &= 0xffff;
  const v86 = isV86(cpu);
  if ((cpu.cr0 & CR0_PE) === 0 || v86) {
    if (offset > (v86 ? 0xffff : cpu.segLimit[CS] >>> 0)) cpu.raise(EXC_GP, 0);
    loadRealCs(cpu, v86, selector, offset);
    return;
  }
  if ((selector & SEL_INDEX) === 0) cpu.raise(EXC_GP, 0);
  fetchDescriptor(cpu, selector, target, EXC_GP);
  if (target.isSegment) {
    if (!target.isCode) cpu.raise(EXC_GP, selector & SEL_INDEX);
    checkDirectCode(cpu, selector, target);
    if (offset > target.limit) cpu.raise(EXC_GP, 0);
    loadProtectedCs(cpu, selector, target, cpu.cpl, offset);
    return;
  }
  switch (target.type) {
    case SYS_CALL_GATE16:
    case SYS_CALL_GATE32: {
      checkGate(cpu, selector, target);
      const sel = target.gateSelector;
      fetchGateTarget(cpu, sel);
      if (!code.isConforming && code.dpl !== cpu.cpl) cpu.raise(EXC_GP, sel & SEL_INDEX);
      const off = target.gateOffset;
      if (off > code.limit) cpu.raise(EXC_GP, 0);
      loadProtectedCs(cpu, sel, code, cpu.cpl, off);
      return;
    }
    case SYS_TASK_GATE:
    case SYS_TSS16_AVAIL:
    case SYS_TSS32_AVAIL:
      taskTransfer(cpu, selector, target, TASK_JMP);
      return;
    default:
      cpu.raise(EXC_GP, selector & SEL_INDEX);
  }
}

/**
 * CALL far: pushes the return CS:EIP (cpu.segSel[CS], cpu.eip, already advanced by the interpreter)
 * then transfers like farJump; a call gate to a more privileged non-conforming segment switches to
 * the TSS stack for that level and copies the gate's parameters (SDM Vol. 3A §5.8.5, Figure 5-13).
 */
export function farCall(cpu: CpuCore, selector: number, offset: number, is32: boolean): void {
  selector &= 0xffff;
  if (!is32) offset &= 0xffff;
  const size = is32 ? 4 : 2;
  const v86 = isV86(cpu);
  if ((cpu.cr0 & CR0_PE) === 0 || v86) {
    if (offset > (v86 ? 0xffff : cpu.segLimit[CS] >>> 0)) cpu.raise(EXC_GP, 0);
    stack.fromCurrent(cpu, v86);
    if (!stack.canPush(2 * size)) cpu.raise(EXC_SS, 0);
    stack.push(cpu, cpu.segSel[CS], is32);
    stack.push(cpu, cpu.eip, is32);
    stack.commit(cpu, cpu.regs[ESP]);
    loadRealCs(cpu, v86, selector, offset);
    return;
  }
  if ((selector & SEL_INDEX) === 0) cpu.raise(EXC_GP, 0);
  fetchDescriptor(cpu, selector, target, EXC_GP);
  if (target.isSegment) {
    if (!target.isCode) cpu.raise(EXC_GP, selector & SEL_INDEX);
    checkDirectCode(cpu, selector, target);
    stack.fromCurrent(cpu, true);
    if (!stack.canPush(2 * size)) cpu.raise(EXC_SS, 0);
    if (offset > target.limit) cpu.raise(EXC_GP, 0);
    stack.push(cpu, cpu.segSel[CS], is32);
    stack.push(cpu, cpu.eip, is32);
    stack.commit(cpu, cpu.regs[ESP]);
    loadProtectedCs(cpu, selector, target, cpu.cpl, offset);
    return;
  }
  switch (target.type) {
    case SYS_CALL_GATE16:
    case SYS_CALL_GATE32:
      callGate(cpu, selector);
      return;
    case SYS_TASK_GATE:
    case SYS_TSS16_AVAIL:
    case SYS_TSS32_AVAIL:
      taskTransfer(cpu, selector, target, TASK_CALL);
      return;
    default:
      cpu.raise(EXC_GP, selector & SEL_INDEX);
  }
}

/** CALL through the call gate in `target` (SDM Vol. 2 CALL "CALL-GATE" pseudocode). */
function callGate(cpu: CpuCore, gateSel: number): void {
  checkGate(cpu, gateSel, target);
  const sel = target.gateSelector;
  fetchGateTarget(cpu, sel);
  const gate32 = (target.type & 8) !== 0;
  const size = gate32 ? 4 : 2;
  const off = target.gateOffset;
  const retCs = cpu.segSel[CS];
  const retEip = cpu.eip;
  if (!code.isConforming && code.dpl < cpu.cpl) {
    // MORE-PRIVILEGE: new stack from the TSS, then SS, ESP, parameters, CS, EIP on it.
    const dpl = code.dpl;
    readTssStack(cpu, dpl, tssStack, 0);
    checkInnerStack(cpu, tssStack.ss, dpl, ssDesc, 0);
    const params = target.gateParams;
    stack.init(ssDesc.base, tssStack.esp, ssDesc.limit, ssDesc.attr, true, true);
    if (!stack.canPush((4 + params) * size)) cpu.raise(EXC_SS, tssStack.ss & SEL_INDEX);
    if (off > code.limit) cpu.raise(EXC_GP, 0);
    oldStack.fromCurrent(cpu, true);
    if (!oldStack.canPop(params * size)) cpu.raise(EXC_SS, 0);
    stack.push(cpu, cpu.segSel[SS], gate32);
    stack.push(cpu, cpu.regs[ESP], gate32);
    const paramBase = oldStack.sp;
    for (let i = params - 1; i >= 0; i--) {
      oldStack.sp = ((paramBase + i * size) & oldStack.mask) >>> 0;
      stack.push(cpu, oldStack.pop(cpu, gate32), gate32);
    }
    stack.push(cpu, retCs, gate32);
    stack.push(cpu, retEip, gate32);
    markAccessed(cpu, ssDesc);
    setSegmentCache(cpu, SS, (tssStack.ss & ~SEL_RPL) | dpl, ssDesc);
    stack.commit(cpu, tssStack.esp);
    loadProtectedCs(cpu, sel, code, dpl, off);
    return;
  }
  // SAME-PRIVILEGE through the gate.
  stack.fromCurrent(cpu, true);
  if (!stack.canPush(2 * size)) cpu.raise(EXC_SS, 0);
  if (off > code.limit) cpu.raise(EXC_GP, 0);
  stack.push(cpu, retCs, gate32);
  stack.push(cpu, retEip, gate32);
  stack.commit(cpu, cpu.regs[ESP]);
  loadProtectedCs(cpu, sel, code, cpu.cpl, off);
}

/**
 * RETF [imm16]: pops EIP and CS (and, returning to an outer level, ESP and SS), releasing `popBytes`
 * of parameters on each stack; outer returns null ES/DS/FS/GS that the new CPL may not use
 * (SDM Vol. 2 RET "RETURN-TO-OUTER-PRIVILEGE-LEVEL").
 */
export function farReturn(cpu: CpuCore, is32: boolean, popBytes: number): void {
  const size = is32 ? 4 : 2;
  const v86 = isV86(cpu);
  const prot = (cpu.cr0 & CR0_PE) !== 0;
  stack.fromCurrent(cpu, prot);
  if (!stack.canPop(2 * size)) cpu.raise(EXC_SS, 0);
  const eip = stack.pop(cpu, is32);
  const sel = stack.pop(cpu, is32) & 0xffff;
  if (!prot || v86) {
    if (eip > (v86 ? 0xffff : cpu.segLimit[CS] >>> 0)) cpu.raise(EXC_GP, 0);
    stack.skip(popBytes);
    stack.commit(cpu, cpu.regs[ESP]);
    loadRealCs(cpu, v86, sel, eip);
    return;
  }
  if ((sel & SEL_INDEX) === 0) cpu.raise(EXC_GP, 0);
  fetchDescriptor(cpu, sel, code, EXC_GP);
  const rpl = sel & SEL_RPL;
  if (!code.isCode || rpl < cpu.cpl) cpu.raise(EXC_GP, sel & SEL_INDEX);
  if (code.isConforming ? code.dpl > rpl : code.dpl !== rpl) cpu.raise(EXC_GP, sel & SEL_INDEX);
  if (!code.present) cpu.raise(EXC_NP, sel & SEL_INDEX);
  stack.skip(popBytes);
  if (rpl === cpu.cpl) {
    if (eip > code.limit) cpu.raise(EXC_GP, 0);
    stack.commit(cpu, cpu.regs[ESP]);
    loadProtectedCs(cpu, sel, code, rpl, eip);
    return;
  }
  if (!stack.canPop(2 * size)) cpu.raise(EXC_SS, 0);
  const newEsp = stack.pop(cpu, is32);
  const newSs = stack.pop(cpu, is32) & 0xffff;
  checkOuterStack(cpu, newSs, rpl, ssDesc);
  if (eip > code.limit) cpu.raise(EXC_GP, 0);
  markAccessed(cpu, ssDesc);
  setSegmentCache(cpu, SS, newSs, ssDesc);
  stack.init(ssDesc.base, newEsp + popBytes, ssDesc.limit, ssDesc.attr, false, true);
  stack.commit(cpu, cpu.regs[ESP]);
  loadProtectedCs(cpu, sel, code, rpl, eip);
  invalidateOuterSegments(cpu);
  cpu.updateModes();
}

/**
 * Checks the SS popped by a return to outer level `rpl`: #GP(0) when null, #GP(sel) when its RPL
 * differs from the return CS's RPL, or it is not writable data with DPL = RPL; #SS(sel) not present.
 */
export function checkOuterStack(cpu: CpuCore, sel: number, rpl: number, d: Descriptor): void {
  if ((sel & SEL_INDEX) === 0) cpu.raise(EXC_GP, 0);
  fetchDescriptor(cpu, sel, d, EXC_GP);
  if ((sel & SEL_RPL) !== rpl || !d.isWritableData || d.dpl !== rpl) cpu.raise(EXC_GP, sel & SEL_INDEX);
  if (!d.present) cpu.raise(EXC_SS, sel & SEL_INDEX);
}
