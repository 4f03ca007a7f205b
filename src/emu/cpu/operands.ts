// Operand helpers shared by the instruction groups: registers by size, the r/m operand of a
// ModRM byte (remembering a memory operand's address for the write-back of read-modify-write
// instructions), pushes/pops of the operand size, and segment register loads.

import {
  bufRead32,
  bufWrite32,
  pop16,
  pop32,
  probeWrite,
  push16,
  push32,
  rdM8,
  rdM16,
  rdM32,
  rmwIndex,
  stackOffset,
  wrM8,
  wrM16,
  wrM32,
} from "./access.ts";
import { ALU_CMP, alu32 } from "./alu.ts";
import type { Cpu } from "./cpu.ts";
import { modrmEA, REG8 } from "./decode.ts";
import { ESP, EXC_UD, SS } from "./state.ts";
import { loadSegment } from "./system/index.ts";

/** Operand mask for a size in bytes. */
export function maskOf(size: number): number {
  return size === 1 ? 0xff : size === 2 ? 0xffff : 0xffffffff;
}

/** Operand size in bytes (2 or 4) of `v` operands under the current operand-size attribute. */
export function vsize(c: Cpu): number {
  return c.o32 ? 4 : 2;
}

/** Register r of `size` bytes (1: AL..BH encoding, 2: AX.., 4: EAX.. as int32). */
export function getReg(c: Cpu, r: number, size: number): number {
  if (size === 4) return c.regs[r];
  if (size === 2) return c.r16[r << 1];
  return c.r8[REG8[r]];
}

/** Writes register r of `size` bytes (partial registers keep their other bits). */
export function setReg(c: Cpu, r: number, size: number, v: number): void {
  if (size === 4) c.regs[r] = v;
  else if (size === 2) c.r16[r << 1] = v;
  else c.r8[REG8[r]] = v;
}

/** Reads the r/m operand of ModRM `m`; for memory, remembers the address in eaOff/eaSeg. */
export function getE(c: Cpu, m: number, size: number): number {
  if (m >= 0xc0) return getReg(c, m & 7, size);
  const off = modrmEA(c, m);
  c.eaOff = off;
  if (size === 4) return rdM32(c, c.eaSeg, off);
  if (size === 2) return rdM16(c, c.eaSeg, off);
  return rdM8(c, c.eaSeg, off);
}

/** Before the write-back of a read-modify-write: faults now if the operand read by getE is not writable. */
export function probeE(c: Cpu, m: number, size: number): void {
  if (m < 0xc0) probeWrite(c, c.eaSeg, c.eaOff, size);
}

/** Writes the r/m operand already located by getE (same ModRM). */
export function setE(c: Cpu, m: number, size: number, v: number): void {
  if (m >= 0xc0) {
    setReg(c, m & 7, size, v);
    return;
  }
  writeMem(c, c.eaSeg, c.eaOff, size, v);
}

/** Writes the r/m operand of ModRM `m`, decoding its address now (write-only operands). */
export function putE(c: Cpu, m: number, size: number, v: number): void {
  if (m >= 0xc0) {
    setReg(c, m & 7, size, v);
    return;
  }
  const off = modrmEA(c, m);
  writeMem(c, c.eaSeg, off, size, v);
}

/** Memory operand address of ModRM `m`; #UD for a register operand. */
export function memEA(c: Cpu, m: number): number {
  if (m >= 0xc0) c.raise(EXC_UD);
  return modrmEA(c, m);
}

/** Reads `size` bytes at seg:off. */
export function readMem(c: Cpu, seg: number, off: number, size: number): number {
  if (size === 4) return rdM32(c, seg, off);
  if (size === 2) return rdM16(c, seg, off);
  return rdM8(c, seg, off);
}

/** Writes `size` bytes at seg:off. */
export function writeMem(c: Cpu, seg: number, off: number, size: number, v: number): void {
  if (size === 4) wrM32(c, seg, off, v);
  else if (size === 2) wrM16(c, seg, off, v);
  else wrM8(c, seg, off, v);
}

/** Pushes a value of the operand size. */
export function pushV(c: Cpu, v: number): void {
  if (c.o32) push32(c, v);
  else push16(c, v);
}

/** Pops a value of the operand size. */
export function popV(c: Cpu): number {
  return c.o32 ? pop32(c) : pop16(c);
}

/** Reads the operand-size value at the top of the stack without popping it. */
export function peekStack(c: Cpu, delta: number): number {
  const off = stackOffset(c, delta);
  return c.o32 ? rdM32(c, SS, off) : rdM16(c, SS, off);
}

/**
 * Loads segment register `seg` (ES, SS, DS, FS, GS) as MOV/POP/LxS do. Real mode is done inline
 * (selector and base only; limit and attributes stay cached, which keeps unreal mode working);
 * protected and v86 mode go through the system layer. SS loads start the interrupt shadow.
 */
export function loadSeg(c: Cpu, seg: number, sel: number): void {
  sel &= 0xffff;
  if (!c.pmode && !c.v86) {
    c.segSel[seg] = sel;
    c.segBase[seg] = sel << 4;
  } else {
    loadSegment(c, seg, sel);
    c.updateModes();
  }
  if (seg === SS) {
    c.interruptShadow = true;
    c.shadowEnd = c.instructions + 2;
  }
}

/** Runs `f`, restoring ESP if it faults (for multi-push instructions that must not half-complete). */
export function keepEspOnFault(c: Cpu, f: () => void): void {
  const esp = c.regs[ESP];
  try {
    f();
  } catch (e) {
    c.regs[ESP] = esp;
    throw e;
  }
}

/**
 * ALU operation `aop` on the dword at seg:off and `b`, written back unless it is CMP: in place when
 * rmwIndex allows, else through the checked accesses (a faulting write leaves no effect).
 */
export function aluMem32(c: Cpu, aop: number, seg: number, off: number, b: number): void {
  const i = rmwIndex(c, seg, off, 4);
  if (i >= 0) {
    const r = alu32(c, aop, bufRead32(c.view, i), b);
    if (aop !== ALU_CMP) bufWrite32(c.view, i, r);
    return;
  }
  const d = rdM32(c, seg, off);
  if (aop !== ALU_CMP) probeWrite(c, seg, off, 4);
  const r = alu32(c, aop, d, b);
  if (aop !== ALU_CMP) wrM32(c, seg, off, r);
}
