// Interrupt and exception delivery: the real-mode IVT, the protected-mode IDT (interrupt, trap and task
// gates, privilege changes, interrupts from v86 mode) and the fault classification that turns nested
// faults into #DF and a fault during #DF into a triple fault. References: Intel SDM Vol. 2 "INT n/INTO/
// INT3/INT1" pseudocode; Vol. 3A §6.4-6.15 (Table 6-4/6-5 for #DF classes, Figure 6-4 for stack frames),
// §20.1.4 and §20.3 (interrupts in real-address and virtual-8086 mode).
import {
  type CpuCore,
  CpuFault,
  CR0_PE,
  CS,
  DS,
  ES,
  ESP,
  EXC_DF,
  EXC_GP,
  EXC_NP,
  EXC_PF,
  EXC_SS,
  FLAG_AC,
  FLAG_IF,
  FLAG_IOPL,
  FLAG_NT,
  FLAG_RF,
  FLAG_TF,
  FLAG_VM,
  FS,
  GS,
  type InterruptKind,
  SS,
  SYS_INT_GATE16,
  SYS_INT_GATE32,
  SYS_TASK_GATE,
  SYS_TRAP_GATE16,
  SYS_TRAP_GATE32,
  SYS_TSS16_AVAIL,
  SYS_TSS32_AVAIL,
} from "../state.ts";
import {
  Descriptor,
  fetchDescriptor,
  markAccessed,
  readIdtGate,
  SEL_INDEX,
  SEL_RPL,
  SEL_TI,
  setNullSegment,
  setRealSegment,
  setSegmentCache,
} from "./descriptors.ts";
import { checkInnerStack, readTssStack, TssStack } from "./inner-stack.ts";
import { StackCursor } from "./stack.ts";
import { TASK_INT, taskSwitch } from "./task.ts";

/** Exception vectors that push an error code in protected mode: #DF, #TS, #NP, #SS, #GP, #PF, #AC. */
const ERROR_CODE_VECTORS = (1 << 8) | (1 << 10) | (1 << 11) | (1 << 12) | (1 << 13) | (1 << 14) | (1 << 17);
/** EFLAGS bits every protected-mode delivery clears (SDM Vol. 2 INT n: TF, VM, RF, NT). */
const PM_CLEARED_FLAGS = FLAG_TF | FLAG_VM | FLAG_RF | FLAG_NT;
/** EFLAGS bits a real-mode delivery clears (SDM Vol. 2 INT n REAL-ADDRESS-MODE: IF, TF, AC). */
const REAL_CLEARED_FLAGS = FLAG_IF | FLAG_TF | FLAG_AC;

const gate = new Descriptor();
const code = new Descriptor();
const ssDesc = new Descriptor();
const tssDesc = new Descriptor();
const stack = new StackCursor();
const tssStack = new TssStack();

/** True when `vector` pushes an error code as an exception (protected and v86 mode only). */
function hasErrorCode(vector: number): boolean {
  return vector < 32 && ((ERROR_CODE_VECTORS >> vector) & 1) !== 0;
}

/**
 * Delivers interrupt `vector`. cpu.eip must already be the return address (faulting instruction for
 * faults, next instruction for traps and INT n). For kind "exception", `errorCode` (>= 0) is pushed when
 * the vector has one. Clears cpu.halted. Raises (without committing registers, except after a task
 * switch's commit point) when the delivery itself faults; deliverFault classifies that.
 */
export function interrupt(cpu: CpuCore, vector: number, kind: InterruptKind, errorCode: number): void {
  vector &= 0xff;
  cpu.halted = false;
  if ((cpu.cr0 & CR0_PE) === 0) {
    realModeInterrupt(cpu, vector);
    return;
  }
  const eflags = cpu.getEflags() >>> 0;
  const v86 = (eflags & FLAG_VM) !== 0;
  const external = kind === "exception" || kind === "hardware";
  // INT n in v86 mode is IOPL-sensitive (no VME): SDM §20.3.1.
  if (v86 && kind === "software" && (eflags & FLAG_IOPL) !== FLAG_IOPL) cpu.raise(EXC_GP, 0);
  const ext = external ? 1 : 0;
  const idtErr = vector * 8 + 2 + ext;
  if (!readIdtGate(cpu, vector, gate)) cpu.raise(EXC_GP, idtErr);
  if (gate.isSegment || !isIdtGateType(gate.type)) cpu.raise(EXC_GP, idtErr);
  if (!external && gate.dpl < cpu.cpl) cpu.raise(EXC_GP, vector * 8 + 2);
  if (!gate.present) cpu.raise(EXC_NP, idtErr);
  const pushCode = kind === "exception" && hasErrorCode(vector);
  const errCode = Math.max(errorCode, 0);

  if (gate.type === SYS_TASK_GATE) {
    const tssSel = gate.gateSelector;
    if (tssSel & SEL_TI) cpu.raise(EXC_GP, (tssSel & SEL_INDEX) | ext);
    fetchDescriptor(cpu, tssSel, tssDesc, EXC_GP, ext);
    if (tssDesc.isSegment || (tssDesc.type !== SYS_TSS16_AVAIL && tssDesc.type !== SYS_TSS32_AVAIL)) {
      cpu.raise(EXC_GP, (tssSel & SEL_INDEX) | ext);
    }
    if (!tssDesc.present) cpu.raise(EXC_NP, (tssSel & SEL_INDEX) | ext);
    taskSwitch(cpu, tssSel, tssDesc, TASK_INT, pushCode ? errCode : -1, ext);
    return;
  }

  const sel = gate.gateSelector;
  const offset = gate.gateOffset;
  const gate32 = (gate.type & 8) !== 0;
  const size = gate32 ? 4 : 2;
  if ((sel & SEL_INDEX) === 0) cpu.raise(EXC_GP, ext);
  fetchDescriptor(cpu, sel, code, EXC_GP, ext);
  if (!code.isCode || code.dpl > cpu.cpl) cpu.raise(EXC_GP, (sel & SEL_INDEX) | ext);
  if (!code.present) cpu.raise(EXC_NP, (sel & SEL_INDEX) | ext);
  let newCpl = cpu.cpl;
  if (!code.isConforming && code.dpl < cpu.cpl) {
    // INTER-PRIVILEGE-LEVEL-INTERRUPT (and INTERRUPT-FROM-VIRTUAL-8086-MODE when VM=1).
    if (v86 && code.dpl !== 0) cpu.raise(EXC_GP, (sel & SEL_INDEX) | ext);
    newCpl = code.dpl;
    readTssStack(cpu, newCpl, tssStack, ext);
    checkInnerStack(cpu, tssStack.ss, newCpl, ssDesc, ext);
    stack.init(ssDesc.base, tssStack.esp, ssDesc.limit, ssDesc.attr, true, true);
    const words = (v86 ? 9 : 5) + (pushCode ? 1 : 0);
    if (!stack.canPush(words * size)) cpu.raise(EXC_SS, (tssStack.ss & SEL_INDEX) | ext);
    if (offset > code.limit) cpu.raise(EXC_GP, ext);
    if (v86) {
      stack.push(cpu, cpu.segSel[GS], gate32);
      stack.push(cpu, cpu.segSel[FS], gate32);
      stack.push(cpu, cpu.segSel[DS], gate32);
      stack.push(cpu, cpu.segSel[ES], gate32);
    }
    stack.push(cpu, cpu.segSel[SS], gate32);
    stack.push(cpu, cpu.regs[ESP], gate32);
    pushReturnFrame(cpu, eflags, pushCode, errCode, gate32);
    markAccessed(cpu, ssDesc);
    setSegmentCache(cpu, SS, (tssStack.ss & ~SEL_RPL) | newCpl, ssDesc);
    stack.commit(cpu, tssStack.esp);
    if (v86) {
      setNullSegment(cpu, GS, 0);
      setNullSegment(cpu, FS, 0);
      setNullSegment(cpu, DS, 0);
      setNullSegment(cpu, ES, 0);
    }
  } else {
    // INTRA-PRIVILEGE-LEVEL-INTERRUPT; from v86 mode only a ring-0 non-conforming handler is allowed.
    if (v86) cpu.raise(EXC_GP, (sel & SEL_INDEX) | ext);
    stack.fromCurrent(cpu, true);
    if (!stack.canPush((pushCode ? 4 : 3) * size)) cpu.raise(EXC_SS, ext);
    if (offset > code.limit) cpu.raise(EXC_GP, ext);
    pushReturnFrame(cpu, eflags, pushCode, errCode, gate32);
    stack.commit(cpu, cpu.regs[ESP]);
  }
  markAccessed(cpu, code);
  setSegmentCache(cpu, CS, (sel & ~SEL_RPL) | newCpl, code);
  cpu.cpl = newCpl;
  cpu.eip = offset;
  const isInterruptGate = gate.type === SYS_INT_GATE16 || gate.type === SYS_INT_GATE32;
  cpu.setEflags((eflags & ~PM_CLEARED_FLAGS & ~(isInterruptGate ? FLAG_IF : 0)) >>> 0);
  cpu.updateModes();
}

/**
 * Pushes EFLAGS, CS, EIP and the optional error code on `stack`. The EFLAGS image is pushed as it is:
 * RF is not set for fault-class exceptions (QEMU 7.2 does not either; the SDM sets it, which only
 * matters for DR7 instruction breakpoints, not emulated here).
 */
function pushReturnFrame(
  cpu: CpuCore,
  eflags: number,
  pushCode: boolean,
  errCode: number,
  is32: boolean,
): void {
  stack.push(cpu, eflags, is32);
  stack.push(cpu, cpu.segSel[CS], is32);
  stack.push(cpu, cpu.eip, is32);
  if (pushCode) stack.push(cpu, errCode, is32);
}

/** Interrupt, trap and task gates are the only descriptors allowed in the IDT (SDM §6.11). */
function isIdtGateType(type: number): boolean {
  return (
    type === SYS_TASK_GATE ||
    type === SYS_INT_GATE16 ||
    type === SYS_TRAP_GATE16 ||
    type === SYS_INT_GATE32 ||
    type === SYS_TRAP_GATE32
  );
}

/**
 * Real-address-mode delivery through the IVT at IDTR.base: #GP when the 4-byte vector lies beyond
 * IDTR.limit, then FLAGS, CS, IP pushed as words and IF, TF, AC cleared (SDM Vol. 2 INT n
 * REAL-ADDRESS-MODE). The new CS keeps its cached limit and attributes.
 */
function realModeInterrupt(cpu: CpuCore, vector: number): void {
  if (vector * 4 + 3 > cpu.idtrLimit >>> 0) cpu.raise(EXC_GP, vector * 8 + 2);
  const entry = (cpu.idtrBase + vector * 4) >>> 0;
  const ip = cpu.readSys16(entry) & 0xffff;
  const cs = cpu.readSys16((entry + 2) >>> 0) & 0xffff;
  const eflags = cpu.getEflags() >>> 0;
  stack.fromCurrent(cpu, false);
  stack.push16(cpu, eflags);
  stack.push16(cpu, cpu.segSel[CS]);
  stack.push16(cpu, cpu.eip);
  stack.commit(cpu, cpu.regs[ESP]);
  setRealSegment(cpu, CS, cs);
  cpu.eip = ip;
  cpu.setEflags((eflags & ~REAL_CLEARED_FLAGS) >>> 0);
  cpu.updateModes();
}

/** Contributory exceptions: #DE, #TS, #NP, #SS, #GP (SDM Table 6-4). */
function isContributory(vector: number): boolean {
  return vector === 0 || (vector >= 10 && vector <= 13);
}

/**
 * Delivers a fault raised by an instruction (EIP already rewound to it by the run loop). A fault raised
 * while delivering is combined per SDM Table 6-5: contributory then contributory, or #PF then
 * contributory/#PF, becomes #DF (error code 0); anything else is delivered serially. A fault while
 * delivering #DF sets cpu.tripleFault (shutdown) and returns. Never throws a CpuFault.
 */
export function deliverFault(cpu: CpuCore, fault: CpuFault): void {
  let vector = fault.vector;
  let errorCode = fault.errorCode;
  try {
    for (;;) {
      cpu.deliveringVector = vector;
      cpu.exceptionDepth++;
      try {
        interrupt(cpu, vector, "exception", errorCode);
        return;
      } catch (e) {
        if (!(e instanceof CpuFault)) throw e;
        const second = e.vector;
        if (vector === EXC_DF) {
          cpu.tripleFault = true;
          return;
        }
        const first = vector;
        const double =
          (isContributory(first) && isContributory(second)) ||
          (first === EXC_PF && (second === EXC_PF || isContributory(second)));
        vector = double ? EXC_DF : second;
        errorCode = double ? 0 : e.errorCode;
      }
    }
  } finally {
    cpu.exceptionDepth = 0;
    cpu.deliveringVector = -1;
  }
}
