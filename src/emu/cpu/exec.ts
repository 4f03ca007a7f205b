// The one-byte opcode map, 0x00-0x7F here and 0x80-0xFF in exec-hi.ts: one small handler per
// opcode (or row of opcodes sharing a form), named for the instruction and its operand forms
// (dispatch.ts explains the notation), called from the switch in dispatch.ts once prefixes are consumed.
// Small handlers keep V8's inlining budget per opcode, so the memory/flag helpers they call are
// inlined.

import { pop16, pop32 } from "./access.ts";
import { ALU_CMP, aaaAas, alu, alu32, daa, das, dec, imulTrunc, inc } from "./alu.ts";
import { bound, popa, pusha } from "./control.ts";
import type { Cpu } from "./cpu.ts";
import { commitEip, fetch8, fetch8s, fetch16, fetch32, fetchImm, jumpTo, modrmEA, REG8 } from "./decode.ts";
import { exec0f } from "./exec-0f.ts";
import { cond, setZF } from "./flags.ts";
import { aluMem32, getE, loadSeg, peekStack, popV, probeE, pushV, setE, setReg, vsize } from "./operands.ts";
import { EAX, EXC_UD } from "./state.ts";
import { stringOp } from "./string-ops.ts";

/** Conditional near jump by `disp` (relative to the next instruction). */
export function jcc(c: Cpu, cc: number, disp: number): void {
  if (cond(c, cc)) {
    commitEip(c);
    jumpTo(c, c.eip + disp);
  }
}

// ALU Eb,Gb / Ev,Gv / Gb,Eb / Gv,Ev / AL,Ib / eAX,Iv for ADD OR ADC SBB AND SUB XOR CMP.
export function aluEbGb(c: Cpu, op: number): void {
  const m = fetch8(c);
  const aop = op >> 3;
  if (m >= 0xc0) {
    const r8 = c.r8;
    const d = REG8[m & 7];
    const r = alu(c, aop, r8[d], r8[REG8[(m >> 3) & 7]], 0xff);
    if (aop !== ALU_CMP) r8[d] = r;
    return;
  }
  const a = getE(c, m, 1);
  if (aop !== ALU_CMP) probeE(c, m, 1);
  const r = alu(c, aop, a, c.r8[REG8[(m >> 3) & 7]], 0xff);
  if (aop !== ALU_CMP) setE(c, m, 1, r);
}

export function aluEvGv(c: Cpu, op: number): void {
  const m = fetch8(c);
  const aop = op >> 3;
  if (c.o32) {
    // The common 32-bit forms first, each with one operand size (see alu32).
    if (m >= 0xc0) {
      const regs = c.regs;
      const r = alu32(c, aop, regs[m & 7], regs[(m >> 3) & 7]);
      if (aop !== ALU_CMP) regs[m & 7] = r;
      return;
    }
    const off = modrmEA(c, m);
    aluMem32(c, aop, c.eaSeg, off, c.regs[(m >> 3) & 7]);
    return;
  }
  const r16 = c.r16;
  if (m >= 0xc0) {
    const r = alu(c, aop, r16[(m & 7) << 1], r16[((m >> 3) & 7) << 1], 0xffff);
    if (aop !== ALU_CMP) r16[(m & 7) << 1] = r;
    return;
  }
  const a = getE(c, m, 2);
  if (aop !== ALU_CMP) probeE(c, m, 2);
  const r = alu(c, aop, a, r16[((m >> 3) & 7) << 1], 0xffff);
  if (aop !== ALU_CMP) setE(c, m, 2, r);
}

export function aluGbEb(c: Cpu, op: number): void {
  const m = fetch8(c);
  const aop = op >> 3;
  const b = getE(c, m, 1);
  const ri = REG8[(m >> 3) & 7];
  const r = alu(c, aop, c.r8[ri], b, 0xff);
  if (aop !== ALU_CMP) c.r8[ri] = r;
}

export function aluGvEv(c: Cpu, op: number): void {
  const m = fetch8(c);
  const aop = op >> 3;
  const reg = (m >> 3) & 7;
  if (c.o32) {
    const regs = c.regs;
    const r = alu32(c, aop, regs[reg], getE(c, m, 4));
    if (aop !== ALU_CMP) regs[reg] = r;
    return;
  }
  const r = alu(c, aop, c.r16[reg << 1], getE(c, m, 2), 0xffff);
  if (aop !== ALU_CMP) c.r16[reg << 1] = r;
}

export function aluAlIb(c: Cpu, op: number): void {
  const aop = op >> 3;
  const r = alu(c, aop, c.r8[0], fetch8(c), 0xff);
  if (aop !== ALU_CMP) c.r8[0] = r;
}

export function aluAxIz(c: Cpu, op: number): void {
  const regs = c.regs;
  const aop = op >> 3;
  if (c.o32) {
    const r = alu32(c, aop, regs[EAX], fetch32(c));
    if (aop !== ALU_CMP) regs[EAX] = r;
  } else {
    const r = alu(c, aop, c.r16[0], fetch16(c), 0xffff);
    if (aop !== ALU_CMP) c.r16[0] = r;
  }
}

export function pushSreg(c: Cpu, op: number): void {
  pushV(c, c.segSel[op >> 3] & 0xffff);
}

export function popSreg(c: Cpu, op: number): void {
  // Load first, pop after: a faulting load leaves ESP unchanged.
  const sel = peekStack(c, 0);
  loadSeg(c, op >> 3, sel);
  popV(c);
}

export function escape0f(c: Cpu, _op: number): void {
  exec0f(c);
}

export function daaAl(c: Cpu, _op: number): void {
  daa(c);
}

export function dasAl(c: Cpu, _op: number): void {
  das(c);
}

export function aaaAl(c: Cpu, _op: number): void {
  aaaAas(c, false);
}

export function aasAl(c: Cpu, _op: number): void {
  aaaAas(c, true);
}

export function incReg(c: Cpu, op: number): void {
  const regs = c.regs;
  if (c.o32) regs[op & 7] = inc(c, regs[op & 7], 0xffffffff);
  else c.r16[(op & 7) << 1] = inc(c, c.r16[(op & 7) << 1], 0xffff);
}

export function decReg(c: Cpu, op: number): void {
  const regs = c.regs;
  if (c.o32) regs[op & 7] = dec(c, regs[op & 7], 0xffffffff);
  else c.r16[(op & 7) << 1] = dec(c, c.r16[(op & 7) << 1], 0xffff);
}

export function pushReg(c: Cpu, op: number): void {
  const regs = c.regs;
  pushV(c, c.o32 ? regs[op & 7] : c.r16[(op & 7) << 1]);
}

export function popReg(c: Cpu, op: number): void {
  if (c.o32) c.regs[op & 7] = pop32(c);
  else c.r16[(op & 7) << 1] = pop16(c);
}

export function pushAll(c: Cpu, _op: number): void {
  pusha(c);
}

export function popAll(c: Cpu, _op: number): void {
  popa(c);
}

export function boundGvMa(c: Cpu, _op: number): void {
  bound(c);
}

export function arplEwGw(c: Cpu, _op: number): void {
  // ARPL Ew, Gw: raise the destination selector's RPL to the source's.
  if (!c.pmode) c.raise(EXC_UD);
  const m = fetch8(c);
  const dst = getE(c, m, 2);
  const src = c.r16[((m >> 3) & 7) << 1];
  if ((dst & 3) < (src & 3)) {
    probeE(c, m, 2);
    setE(c, m, 2, (dst & ~3) | (src & 3));
    setZF(c, true);
  } else {
    setZF(c, false);
  }
}

export function pushIz(c: Cpu, _op: number): void {
  pushV(c, fetchImm(c));
}

export function imulGvEvI(c: Cpu, op: number): void {
  const m = fetch8(c);
  const sz = vsize(c);
  const a = getE(c, m, sz);
  const b = op === 0x6b ? fetch8s(c) : sz === 4 ? fetch32(c) : fetch16(c);
  setReg(c, (m >> 3) & 7, sz, imulTrunc(c, a, b, sz));
}

export function pushIb(c: Cpu, _op: number): void {
  pushV(c, fetch8s(c));
}

export function stringInsn(c: Cpu, op: number): void {
  stringOp(c, op);
}

export function jccJb(c: Cpu, op: number): void {
  jcc(c, op & 15, fetch8s(c));
}
