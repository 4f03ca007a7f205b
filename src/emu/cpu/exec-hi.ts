// One-byte opcodes 0x80-0xFF (group 1, TEST/XCHG/MOV forms, string, shifts, RET/INT, I/O, flag
// control, groups 3-5); dispatched by the switch in dispatch.ts.

import { rdM8 } from "./access.ts";
import { ALU_CMP, aad, aam, alu, alu32, logicFlags, SAHF_MASK, shift, shift32 } from "./alu.ts";
import {
  callFar,
  callNear,
  cli,
  enter,
  halt,
  inPort,
  interruptInsn,
  iret,
  jumpFar,
  leave,
  loadFarPointer,
  outPort,
  popf,
  pushf,
  retFar,
  retNear,
  sti,
} from "./control.ts";
import type { Cpu } from "./cpu.ts";
import { commitEip, fetch8, fetch8s, fetch16, fetch32, fetchImm, jumpTo, modrmEA, REG8 } from "./decode.ts";
import { fwait, x87Escape } from "./exec-x87.ts";
import { cond, getCF, materialize } from "./flags.ts";
import { group3, group4, group5, loopInsn } from "./groups.ts";
import {
  aluMem32,
  getE,
  getReg,
  keepEspOnFault,
  loadSeg,
  memEA,
  peekStack,
  popV,
  probeE,
  putE,
  readMem,
  setE,
  setReg,
  vsize,
  writeMem,
} from "./operands.ts";
import {
  CS,
  DS,
  EAX,
  EBX,
  ECX,
  EDX,
  ES,
  EXC_DB,
  EXC_UD,
  FLAG_AF,
  FLAG_CF,
  FLAG_DF,
  FLAG_PF,
  FLAG_SF,
  FLAG_ZF,
} from "./state.ts";

/** Group 1 (ADD..CMP) on Eb/Ev with an immediate (80-83); EIP is advanced by the caller from the fetch window. */
export function group1EI(c: Cpu, op: number): void {
  const m = fetch8(c);
  const aop = (m >> 3) & 7;
  if (c.o32 && (op & 1) !== 0) {
    // Ev,Iz / Ev,Ib with a 32-bit operand (see alu32).
    if (m >= 0xc0) {
      const regs = c.regs;
      const r = alu32(c, aop, regs[m & 7], op === 0x81 ? fetch32(c) : fetch8s(c));
      if (aop !== ALU_CMP) regs[m & 7] = r;
      return;
    }
    const off = modrmEA(c, m);
    aluMem32(c, aop, c.eaSeg, off, op === 0x81 ? fetch32(c) : fetch8s(c));
    return;
  }
  if ((op & 1) === 0) aluRmImm(c, op, m, 1);
  else aluRmImm(c, op, m, 2);
}

/**
 * Group 1 on the r/m operand of `size` (1 or 2) bytes and the immediate. Called with a constant
 * size, so V8 specializes each call site rather than branching on the size at run time.
 */
function aluRmImm(c: Cpu, op: number, m: number, size: number): void {
  const aop = (m >> 3) & 7;
  const a = getE(c, m, size);
  const b = op === 0x81 ? fetch16(c) : op === 0x83 ? fetch8s(c) : fetch8(c);
  if (aop !== ALU_CMP) probeE(c, m, size);
  const r = alu(c, aop, a, b, size === 1 ? 0xff : 0xffff);
  if (aop !== ALU_CMP) setE(c, m, size, r);
}

export function testEG(c: Cpu, op: number): void {
  const m = fetch8(c);
  if (op === 0x85 && c.o32) {
    logicFlags(c, getE(c, m, 4) & c.regs[(m >> 3) & 7], 0xffffffff);
    return;
  }
  const sz = op === 0x84 ? 1 : vsize(c);
  const a = getE(c, m, sz);
  logicFlags(c, a & getReg(c, (m >> 3) & 7, sz), sz === 1 ? 0xff : sz === 2 ? 0xffff : 0xffffffff);
}

export function xchgEG(c: Cpu, op: number): void {
  const m = fetch8(c);
  const sz = op === 0x86 ? 1 : vsize(c);
  const reg = (m >> 3) & 7;
  const a = getE(c, m, sz);
  setE(c, m, sz, getReg(c, reg, sz));
  setReg(c, reg, sz, a);
}

export function movEbGb(c: Cpu, _op: number): void {
  const m = fetch8(c);
  putE(c, m, 1, c.r8[REG8[(m >> 3) & 7]]);
}

export function movEvGv(c: Cpu, _op: number): void {
  const regs = c.regs;
  const m = fetch8(c);
  if (c.o32) putE(c, m, 4, regs[(m >> 3) & 7]);
  else putE(c, m, 2, c.r16[((m >> 3) & 7) << 1]);
}

export function movGbEb(c: Cpu, _op: number): void {
  const m = fetch8(c);
  c.r8[REG8[(m >> 3) & 7]] = getE(c, m, 1);
}

export function movGvEv(c: Cpu, _op: number): void {
  const regs = c.regs;
  const m = fetch8(c);
  if (c.o32) regs[(m >> 3) & 7] = getE(c, m, 4);
  else c.r16[((m >> 3) & 7) << 1] = getE(c, m, 2);
}

export function movEwSreg(c: Cpu, _op: number): void {
  // MOV Ew, Sreg: a register destination gets the selector zero-extended to the operand size.
  const m = fetch8(c);
  const s = (m >> 3) & 7;
  if (s > 5) c.raise(EXC_UD);
  const sel = c.segSel[s] & 0xffff;
  if (m >= 0xc0) setReg(c, m & 7, vsize(c), sel);
  else putE(c, m, 2, sel);
}

export function leaGvM(c: Cpu, _op: number): void {
  const m = fetch8(c);
  const off = memEA(c, m);
  if (c.o32) c.regs[(m >> 3) & 7] = off;
  else c.r16[((m >> 3) & 7) << 1] = off;
}

export function movSregEw(c: Cpu, _op: number): void {
  const m = fetch8(c);
  const s = (m >> 3) & 7;
  if (s === CS || s > 5) c.raise(EXC_UD);
  loadSeg(c, s, getE(c, m, 2));
}

export function popEv(c: Cpu, _op: number): void {
  // POP Ev: an ESP-based address is computed after ESP is incremented.
  const m = fetch8(c);
  if ((m & 0x38) !== 0) c.raise(EXC_UD);
  const sz = vsize(c);
  const v = peekStack(c, 0);
  keepEspOnFault(c, () => {
    popV(c);
    putE(c, m, sz, v);
  });
}

/** NOP (and PAUSE with F3). */
export function nop(_c: Cpu, _op: number): void {}

export function xchgAxReg(c: Cpu, op: number): void {
  const sz = vsize(c);
  const t = getReg(c, op & 7, sz);
  setReg(c, op & 7, sz, getReg(c, EAX, sz));
  setReg(c, EAX, sz, t);
}

export function cbwCwde(c: Cpu, _op: number): void {
  const regs = c.regs;
  if (c.o32) regs[EAX] = (regs[EAX] << 16) >> 16;
  else c.r16[0] = (regs[EAX] << 24) >> 24;
}

export function cwdCdq(c: Cpu, _op: number): void {
  const regs = c.regs;
  if (c.o32) regs[EDX] = regs[EAX] >> 31;
  else c.r16[EDX << 1] = (regs[EAX] << 16) >> 31;
}

export function callAp(c: Cpu, _op: number): void {
  const off = fetchImm(c);
  const sel = fetch16(c);
  callFar(c, sel, off);
}

export function waitFpu(c: Cpu, _op: number): void {
  fwait(c);
}

export function pushFlags(c: Cpu, _op: number): void {
  pushf(c);
}

export function popFlags(c: Cpu, _op: number): void {
  popf(c);
}

export function sahf(c: Cpu, _op: number): void {
  const f = materialize(c);
  c.flags = (f & ~SAHF_MASK) | (c.r8[1] & SAHF_MASK);
}

export function lahf(c: Cpu, _op: number): void {
  const f = materialize(c);
  c.r8[1] = (f & (FLAG_SF | FLAG_ZF | FLAG_AF | FLAG_PF | FLAG_CF)) | 2;
}

export function movAccMoffs(c: Cpu, op: number): void {
  const off = c.a32 ? fetch32(c) >>> 0 : fetch16(c);
  const seg = c.segOvr >= 0 ? c.segOvr : DS;
  const sz = op & 1 ? vsize(c) : 1;
  if (op < 0xa2) setReg(c, EAX, sz, readMem(c, seg, off, sz));
  else writeMem(c, seg, off, sz, getReg(c, EAX, sz));
}

export function testAlIb(c: Cpu, _op: number): void {
  logicFlags(c, c.r8[0] & fetch8(c), 0xff);
}

export function testAxIz(c: Cpu, _op: number): void {
  const regs = c.regs;
  if (c.o32) logicFlags(c, regs[EAX] & fetch32(c), 0xffffffff);
  else logicFlags(c, c.r16[0] & fetch16(c), 0xffff);
}

export function movRegIb(c: Cpu, op: number): void {
  c.r8[REG8[op & 7]] = fetch8(c);
}

export function movRegIv(c: Cpu, op: number): void {
  const regs = c.regs;
  if (c.o32) regs[op & 7] = fetch32(c);
  else c.r16[(op & 7) << 1] = fetch16(c);
}

export function group2E(c: Cpu, op: number): void {
  const regs = c.regs;
  const m = fetch8(c);
  if (m >= 0xc0 && c.o32 && (op & 1) !== 0) {
    // A 32-bit register operand (see shift32): half the cost of going through shiftRm.
    const count = op === 0xc1 ? fetch8(c) : op === 0xd1 ? 1 : regs[ECX] & 0xff;
    if ((count & 0x1f) !== 0) regs[m & 7] = shift32(c, (m >> 3) & 7, regs[m & 7], count);
    return;
  }
  if ((op & 1) === 0) shiftRm(c, op, m, 1);
  else if (c.o32) shiftRm(c, op, m, 4);
  else shiftRm(c, op, m, 2);
}

/** Group 2 on the r/m operand of `size` bytes; a constant size per call site (see aluRmImm). */
function shiftRm(c: Cpu, op: number, m: number, size: number): void {
  const v = getE(c, m, size);
  const count = op <= 0xc1 ? fetch8(c) : op <= 0xd1 ? 1 : c.regs[ECX] & 0xff;
  if ((count & 0x1f) === 0) return;
  probeE(c, m, size);
  const kind = (m >> 3) & 7;
  setE(
    c,
    m,
    size,
    size === 4 ? shift32(c, kind, v, count) : shift(c, kind, v, count, size === 1 ? 0xff : 0xffff),
  );
}

export function retIw(c: Cpu, _op: number): void {
  retNear(c, fetch16(c));
}

export function ret(c: Cpu, _op: number): void {
  retNear(c, 0);
}

export function lesGvMp(c: Cpu, _op: number): void {
  loadFarPointer(c, ES);
}

export function ldsGvMp(c: Cpu, _op: number): void {
  loadFarPointer(c, DS);
}

export function movEbIb(c: Cpu, _op: number): void {
  const m = fetch8(c);
  if ((m & 0x38) !== 0) c.raise(EXC_UD);
  if (m >= 0xc0) c.r8[REG8[m & 7]] = fetch8(c);
  else {
    const off = modrmEA(c, m);
    writeMem(c, c.eaSeg, off, 1, fetch8(c));
  }
}

export function movEvIz(c: Cpu, _op: number): void {
  const m = fetch8(c);
  if ((m & 0x38) !== 0) c.raise(EXC_UD);
  const sz = vsize(c);
  if (m >= 0xc0) setReg(c, m & 7, sz, fetchImm(c));
  else {
    const off = modrmEA(c, m);
    writeMem(c, c.eaSeg, off, sz, fetchImm(c));
  }
}

export function enterIwIb(c: Cpu, _op: number): void {
  const size = fetch16(c);
  enter(c, size, fetch8(c));
}

export function leaveFrame(c: Cpu, _op: number): void {
  leave(c);
}

export function retfIw(c: Cpu, _op: number): void {
  retFar(c, fetch16(c));
}

export function retf(c: Cpu, _op: number): void {
  retFar(c, 0);
}

export function int3(c: Cpu, _op: number): void {
  interruptInsn(c, 3, "int3");
}

export function intIb(c: Cpu, _op: number): void {
  interruptInsn(c, fetch8(c), "software");
}

export function into(c: Cpu, _op: number): void {
  if (cond(c, 0)) interruptInsn(c, 4, "into");
}

export function interruptReturn(c: Cpu, _op: number): void {
  iret(c);
}

export function aamIb(c: Cpu, _op: number): void {
  aam(c, fetch8(c));
}

export function aadIb(c: Cpu, _op: number): void {
  aad(c, fetch8(c));
}

export function salc(c: Cpu, _op: number): void {
  c.r8[0] = getCF(c) !== 0 ? 0xff : 0;
}

export function xlat(c: Cpu, _op: number): void {
  const regs = c.regs;
  const base = c.a32 ? (regs[EBX] + c.r8[0]) >>> 0 : (regs[EBX] + c.r8[0]) & 0xffff;
  c.r8[0] = rdM8(c, c.segOvr >= 0 ? c.segOvr : DS, base);
}

export function escapeX87(c: Cpu, op: number): void {
  x87Escape(c, op);
}

export function loopJb(c: Cpu, op: number): void {
  loopInsn(c, op);
}

export function inAlIb(c: Cpu, _op: number): void {
  inPort(c, fetch8(c), 1);
}

export function inAxIb(c: Cpu, _op: number): void {
  inPort(c, fetch8(c), vsize(c));
}

export function outIbAl(c: Cpu, _op: number): void {
  outPort(c, fetch8(c), 1);
}

export function outIbAx(c: Cpu, _op: number): void {
  outPort(c, fetch8(c), vsize(c));
}

export function callJz(c: Cpu, _op: number): void {
  const disp = fetchImm(c);
  commitEip(c);
  callNear(c, c.eip + disp);
}

export function jmpJz(c: Cpu, _op: number): void {
  const disp = fetchImm(c);
  commitEip(c);
  jumpTo(c, c.eip + disp);
}

export function jmpAp(c: Cpu, _op: number): void {
  const off = fetchImm(c);
  const sel = fetch16(c);
  jumpFar(c, sel, off);
}

export function jmpJb(c: Cpu, _op: number): void {
  const disp = fetch8s(c);
  commitEip(c);
  jumpTo(c, c.eip + disp);
}

export function inAlDx(c: Cpu, _op: number): void {
  inPort(c, c.r16[EDX << 1], 1);
}

export function inAxDx(c: Cpu, _op: number): void {
  inPort(c, c.r16[EDX << 1], vsize(c));
}

export function outDxAl(c: Cpu, _op: number): void {
  outPort(c, c.r16[EDX << 1], 1);
}

export function outDxAx(c: Cpu, _op: number): void {
  outPort(c, c.r16[EDX << 1], vsize(c));
}

export function icebp(c: Cpu, _op: number): void {
  // ICEBP: a #DB trap without the INT n privilege checks.
  interruptInsn(c, EXC_DB, "exception");
}

export function hlt(c: Cpu, _op: number): void {
  halt(c);
}

export function cmc(c: Cpu, _op: number): void {
  const f = materialize(c);
  c.flags = f ^ FLAG_CF;
}

export function group3E(c: Cpu, op: number): void {
  group3(c, op === 0xf6 ? 1 : vsize(c));
}

export function clcStc(c: Cpu, op: number): void {
  const f = materialize(c);
  c.flags = op === 0xf8 ? f & ~FLAG_CF : f | FLAG_CF;
}

export function clearIf(c: Cpu, _op: number): void {
  cli(c);
}

export function setIf(c: Cpu, _op: number): void {
  sti(c);
}

export function cld(c: Cpu, _op: number): void {
  c.flags &= ~FLAG_DF;
}

export function std(c: Cpu, _op: number): void {
  c.flags |= FLAG_DF;
}

export function group4Eb(c: Cpu, _op: number): void {
  group4(c);
}

export function group5Ev(c: Cpu, _op: number): void {
  group5(c);
}

export function invalidOpcode(c: Cpu, _op: number): void {
  // 0x26/0x2e/... prefixes never reach here; what remains is invalid.
  c.raise(EXC_UD);
}
