// Control transfer, stack-frame, flag-control, I/O and x87-escape instructions. Far transfers,
// INT/IRET and privilege-sensitive segment work are delegated to the system layer (system/),
// which sees EIP already pointing at the next instruction and refreshes the mode cache
// (updateModes) after every transfer it completes.

import { adjustSp, stackOffset } from "./access.ts";
import type { Cpu } from "./cpu.ts";
import { commitEip, fetch8 } from "./decode.ts";
import {
  getReg,
  keepEspOnFault,
  loadSeg,
  memEA,
  peekStack,
  popV,
  pushV,
  readMem,
  setReg,
} from "./operands.ts";
import {
  EAX,
  EBP,
  ESP,
  EXC_BR,
  EXC_GP,
  EXC_SS,
  FLAG_AC,
  FLAG_AF,
  FLAG_CF,
  FLAG_DF,
  FLAG_ID,
  FLAG_IF,
  FLAG_IOPL,
  FLAG_NT,
  FLAG_OF,
  FLAG_PF,
  FLAG_RF,
  FLAG_SF,
  FLAG_TF,
  FLAG_VM,
  FLAG_ZF,
  type InterruptKind,
  SS,
} from "./state.ts";
import {
  checkIoPermission,
  farCall,
  farJump,
  farReturn,
  interrupt,
  interruptReturn,
} from "./system/index.ts";

/** Current IOPL. */
function iopl(c: Cpu): number {
  return (c.flags >> 12) & 3;
}

/** Near CALL to `target` (EIP already committed): pushes the return address, then jumps. */
export function callNear(c: Cpu, target: number): void {
  const t = c.o32 ? target >>> 0 : target & 0xffff;
  if (t > c.csLimit) c.raise(EXC_GP, 0);
  pushV(c, c.eip);
  c.eip = t;
  c.fpStart = c.fp;
}

/** Near RET, releasing `imm` extra bytes of parameters. */
export function retNear(c: Cpu, imm: number): void {
  const t = c.o32 ? peekStack(c, 0) >>> 0 : peekStack(c, 0);
  if (t > c.csLimit) c.raise(EXC_GP, 0);
  adjustSp(c, (c.o32 ? 4 : 2) + imm);
  c.eip = t;
  c.fpStart = c.fp;
}

/** Far CALL sel:off in any mode (gates and task switches in the system layer). */
export function callFar(c: Cpu, sel: number, off: number): void {
  commitEip(c);
  farCall(c, sel & 0xffff, c.o32 ? off >>> 0 : off & 0xffff, c.o32 !== 0);
}

/** Far JMP sel:off in any mode. */
export function jumpFar(c: Cpu, sel: number, off: number): void {
  commitEip(c);
  farJump(c, sel & 0xffff, c.o32 ? off >>> 0 : off & 0xffff, c.o32 !== 0);
}

/** Far RET (imm16 extra bytes). */
export function retFar(c: Cpu, imm: number): void {
  commitEip(c);
  farReturn(c, c.o32 !== 0, imm);
}

/** IRET/IRETD in any mode. */
export function iret(c: Cpu): void {
  commitEip(c);
  interruptReturn(c, c.o32 !== 0);
}

/** INT n / INT3 / INTO / ICEBP: delivered with EIP pointing after the instruction. */
export function interruptInsn(c: Cpu, vector: number, kind: InterruptKind): void {
  commitEip(c);
  interrupt(c, vector, kind, -1);
}

/** LDS/LES/LSS/LFS/LGS Gv, Mp: loads the segment first so a fault leaves the register alone. */
export function loadFarPointer(c: Cpu, seg: number): void {
  const m = fetch8(c);
  const off = memEA(c, m);
  const s = c.eaSeg;
  const sz = c.o32 ? 4 : 2;
  const v = readMem(c, s, off, sz);
  const sel = readMem(c, s, c.a32 ? (off + sz) >>> 0 : (off + sz) & 0xffff, 2);
  loadSeg(c, seg, sel);
  setReg(c, (m >> 3) & 7, sz, v);
}

/** PUSHA/PUSHAD: all eight registers, the original (E)SP in its slot; all or nothing. */
export function pusha(c: Cpu): void {
  const sz = c.o32 ? 4 : 2;
  const sp = getReg(c, ESP, sz);
  keepEspOnFault(c, () => {
    for (let r = 0; r < 8; r++) pushV(c, r === ESP ? sp : getReg(c, r, sz));
  });
}

/** POPA/POPAD: reads all eight slots before writing any register; the (E)SP slot is skipped. */
export function popa(c: Cpu): void {
  const sz = c.o32 ? 4 : 2;
  const vals = [0, 0, 0, 0, 0, 0, 0, 0];
  for (let i = 0; i < 8; i++) vals[7 - i] = peekStack(c, i * sz);
  for (let r = 0; r < 8; r++) if (r !== ESP) setReg(c, r, sz, vals[r]);
  adjustSp(c, 8 * sz);
}

/** ENTER size, level: builds a stack frame with `level` (mod 32) nesting pointers. */
export function enter(c: Cpu, size: number, level: number): void {
  level &= 31;
  const sz = c.o32 ? 4 : 2;
  keepEspOnFault(c, () => {
    pushV(c, getReg(c, EBP, sz));
    const frame = c.stack32 ? c.regs[ESP] : c.r16[ESP << 1];
    if (level > 0) {
      let p = c.stack32 ? c.regs[EBP] >>> 0 : c.r16[EBP << 1];
      for (let i = 1; i < level; i++) {
        p = c.stack32 ? (p - sz) >>> 0 : (p - sz) & 0xffff;
        pushV(c, readMem(c, SS, p, sz));
      }
      pushV(c, frame);
    }
    // The frame's lowest byte must be writable (SDM: #SS if ESP - size is beyond the limit).
    const low = stackOffset(c, -size);
    if (size !== 0 && (low < c.segWLo[SS] || low > c.segWHi[SS])) c.raise(EXC_SS, 0);
    setReg(c, EBP, sz, frame);
    adjustSp(c, -size);
  });
}

/** LEAVE: (E)SP = (E)BP, then pops (E)BP. */
export function leave(c: Cpu): void {
  const sz = c.o32 ? 4 : 2;
  const sp = c.stack32 ? c.regs[EBP] >>> 0 : c.r16[EBP << 1];
  const v = readMem(c, SS, sp, sz);
  if (c.stack32) c.regs[ESP] = sp + sz;
  else c.r16[ESP << 1] = sp + sz;
  setReg(c, EBP, sz, v);
}

/** BOUND Gv, Ma: #BR unless lower <= index <= upper (signed). */
export function bound(c: Cpu): void {
  const m = fetch8(c);
  const off = memEA(c, m);
  const s = c.eaSeg;
  const sz = c.o32 ? 4 : 2;
  const sext = (v: number): number => (sz === 4 ? v | 0 : (v << 16) >> 16);
  const idx = sext(getReg(c, (m >> 3) & 7, sz));
  const lo = sext(readMem(c, s, off, sz));
  const hi = sext(readMem(c, s, c.a32 ? (off + sz) >>> 0 : (off + sz) & 0xffff, sz));
  if (idx < lo || idx > hi) c.raise(EXC_BR);
}

/** PUSHF/PUSHFD: VM and RF read as 0 in the pushed image; #GP(0) in v86 with IOPL < 3. */
export function pushf(c: Cpu): void {
  if (c.v86 && iopl(c) < 3) c.raise(EXC_GP, 0);
  const f = c.getEflags() & ~(FLAG_VM | FLAG_RF);
  pushV(c, c.o32 ? f : f & 0xffff);
}

/** Flags POPF may always change. */
const POPF_BASE = FLAG_CF | FLAG_PF | FLAG_AF | FLAG_ZF | FLAG_SF | FLAG_TF | FLAG_DF | FLAG_OF | FLAG_NT;

/** POPF/POPFD: IOPL changes only at CPL 0, IF only when CPL <= IOPL; VM/VIF/VIP never; RF cleared. */
export function popf(c: Cpu): void {
  const pl = iopl(c);
  if (c.v86 && pl < 3) c.raise(EXC_GP, 0);
  const v = popV(c);
  let mask = POPF_BASE;
  if (c.o32) mask |= FLAG_AC | FLAG_ID;
  if (c.v86) mask |= FLAG_IF;
  else if (c.cpl === 0) mask |= FLAG_IF | FLAG_IOPL;
  else if (c.cpl <= pl) mask |= FLAG_IF;
  if (!c.o32) mask &= 0xffff;
  const old = c.getEflags();
  c.setEflags(((old & ~mask) | (v & mask)) & ~FLAG_RF);
}

/** CLI: IOPL-sensitive in protected and v86 mode. */
export function cli(c: Cpu): void {
  if (c.pmode ? c.cpl > iopl(c) : c.v86 && iopl(c) < 3) c.raise(EXC_GP, 0);
  c.flags &= ~FLAG_IF;
}

/** STI: IOPL-sensitive; enabling interrupts delays them by one instruction. */
export function sti(c: Cpu): void {
  if (c.pmode ? c.cpl > iopl(c) : c.v86 && iopl(c) < 3) c.raise(EXC_GP, 0);
  if ((c.flags & FLAG_IF) === 0) {
    c.flags |= FLAG_IF;
    c.interruptShadow = true;
    c.shadowEnd = c.instructions + 2;
  }
}

/** HLT: #GP(0) above CPL 0; otherwise the CPU waits for an interrupt. */
export function halt(c: Cpu): void {
  if (c.cpl > 0) c.raise(EXC_GP, 0);
  c.runControl.halt();
}

/** Raises #GP(0) when the TSS I/O bitmap denies the port (CPL > IOPL or v86). */
export function checkIo(c: Cpu, port: number, size: number): void {
  if (c.v86 || (c.pmode && c.cpl > iopl(c))) checkIoPermission(c, port, size);
}

/** IN AL/AX/EAX from `port`. */
export function inPort(c: Cpu, port: number, size: number): void {
  checkIo(c, port, size);
  const v = c.io.in(port, size as 1 | 2 | 4);
  setReg(c, EAX, size, v);
}

/** OUT `port` from AL/AX/EAX; the memory map may change (PAM, A20), so the TLB is rechecked. */
export function outPort(c: Cpu, port: number, size: number): void {
  checkIo(c, port, size);
  const v = getReg(c, EAX, size);
  c.io.out(port, size as 1 | 2 | 4, size === 4 ? v >>> 0 : v);
  c.checkMemGeneration();
}
