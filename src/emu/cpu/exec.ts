// The one-byte opcode map, 0x00-0x7F here and 0x80-0xFF in exec-hi.ts: prefixes are consumed
// (prefixes.ts), then a 256-entry table of small handlers dispatches the opcode. Small handlers keep
// V8's inlining budget per opcode, so the memory/flag helpers they call are inlined.

import { ALU_CMP, aaaAas, alu, daa, das, dec, imulTrunc, inc } from "./alu.ts";
import { bound, popa, pusha } from "./control.ts";
import type { Cpu } from "./cpu.ts";
import { commitEip, fetch8, fetch8s, fetch16, fetch32, fetchImm, jumpTo, REG8 } from "./decode.ts";
import { exec0f } from "./exec-0f.ts";
import { cond } from "./flags.ts";
import { setZFlag } from "./groups.ts";
import { getE, getReg, loadSeg, peekStack, popV, probeE, pushV, setE, setReg } from "./operands.ts";
import { PREFIX, prefixes, resetPrefixes } from "./prefixes.ts";
import { EAX, EXC_UD } from "./state.ts";
import { stringOp } from "./string-ops.ts";

/** Decodes and executes one instruction; EIP is advanced by the caller from the fetch window. */
export function execOne(c: Cpu): void {
  if (c.prefixed) resetPrefixes(c);
  const op = fetch8(c);
  if (PREFIX[op] !== 0) exec(c, prefixes(c, op));
  else exec(c, op);
}

/** Operand size in bytes (2 or 4) for `v` operands. */
function vsize(c: Cpu): number {
  return c.o32 ? 4 : 2;
}

/** Conditional near jump by `disp` (relative to the next instruction). */
export function jcc(c: Cpu, cc: number, disp: number): void {
  if (cond(c, cc)) {
    commitEip(c);
    jumpTo(c, c.eip + disp);
  }
}

/** Executes opcode `op` (prefixes already consumed); called without a receiver (cheaper in V8). */
function exec(c: Cpu, op: number): void {
  const handler = OPS[op];
  handler(c, op);
}

// ALU Eb,Gb / Ev,Gv / Gb,Eb / Gv,Ev / AL,Ib / eAX,Iv for ADD OR ADC SBB AND SUB XOR CMP.
function op00(c: Cpu, op: number): void {
  const m = fetch8(c);
  const aop = op >> 3;
  const a = getE(c, m, 1);
  if (aop !== ALU_CMP) probeE(c, m, 1);
  const r = alu(c, aop, a, c.r8[REG8[(m >> 3) & 7]], 0xff);
  if (aop !== ALU_CMP) setE(c, m, 1, r);
  return;
}

function op01(c: Cpu, op: number): void {
  const m = fetch8(c);
  const aop = op >> 3;
  const sz = vsize(c);
  const a = getE(c, m, sz);
  if (aop !== ALU_CMP) probeE(c, m, sz);
  const r = alu(c, aop, a, getReg(c, (m >> 3) & 7, sz), sz === 4 ? 0xffffffff : 0xffff);
  if (aop !== ALU_CMP) setE(c, m, sz, r);
  return;
}

function op02(c: Cpu, op: number): void {
  const m = fetch8(c);
  const aop = op >> 3;
  const b = getE(c, m, 1);
  const ri = REG8[(m >> 3) & 7];
  const r = alu(c, aop, c.r8[ri], b, 0xff);
  if (aop !== ALU_CMP) c.r8[ri] = r;
  return;
}

function op03(c: Cpu, op: number): void {
  const m = fetch8(c);
  const aop = op >> 3;
  const sz = vsize(c);
  const b = getE(c, m, sz);
  const reg = (m >> 3) & 7;
  const r = alu(c, aop, getReg(c, reg, sz), b, sz === 4 ? 0xffffffff : 0xffff);
  if (aop !== ALU_CMP) setReg(c, reg, sz, r);
  return;
}

function op04(c: Cpu, op: number): void {
  const aop = op >> 3;
  const r = alu(c, aop, c.r8[0], fetch8(c), 0xff);
  if (aop !== ALU_CMP) c.r8[0] = r;
  return;
}

function op05(c: Cpu, op: number): void {
  const regs = c.regs;
  const aop = op >> 3;
  if (c.o32) {
    const r = alu(c, aop, regs[EAX], fetch32(c), 0xffffffff);
    if (aop !== ALU_CMP) regs[EAX] = r;
  } else {
    const r = alu(c, aop, c.r16[0], fetch16(c), 0xffff);
    if (aop !== ALU_CMP) c.r16[0] = r;
  }
  return;
}

function op06(c: Cpu, op: number): void {
  pushV(c, c.segSel[op >> 3] & 0xffff);
  return;
}

function op07(c: Cpu, op: number): void {
  // Load first, pop after: a faulting load leaves ESP unchanged.
  const sel = peekStack(c, 0);
  loadSeg(c, op >> 3, sel);
  popV(c);
  return;
}

function op0f(c: Cpu, _op: number): void {
  exec0f(c);
  return;
}

function op27(c: Cpu, _op: number): void {
  daa(c);
  return;
}

function op2f(c: Cpu, _op: number): void {
  das(c);
  return;
}

function op37(c: Cpu, _op: number): void {
  aaaAas(c, false);
  return;
}

function op3f(c: Cpu, _op: number): void {
  aaaAas(c, true);
  return;
}

function op40(c: Cpu, op: number): void {
  const regs = c.regs;
  if (c.o32) regs[op & 7] = inc(c, regs[op & 7], 0xffffffff);
  else c.r16[(op & 7) << 1] = inc(c, c.r16[(op & 7) << 1], 0xffff);
  return;
}

function op48(c: Cpu, op: number): void {
  const regs = c.regs;
  if (c.o32) regs[op & 7] = dec(c, regs[op & 7], 0xffffffff);
  else c.r16[(op & 7) << 1] = dec(c, c.r16[(op & 7) << 1], 0xffff);
  return;
}

function op50(c: Cpu, op: number): void {
  const regs = c.regs;
  pushV(c, c.o32 ? regs[op & 7] : c.r16[(op & 7) << 1]);
  return;
}

function op58(c: Cpu, op: number): void {
  const v = popV(c);
  setReg(c, op & 7, vsize(c), v);
  return;
}

function op60(c: Cpu, _op: number): void {
  pusha(c);
  return;
}

function op61(c: Cpu, _op: number): void {
  popa(c);
  return;
}

function op62(c: Cpu, _op: number): void {
  bound(c);
  return;
}

function op63(c: Cpu, _op: number): void {
  // ARPL Ew, Gw: raise the destination selector's RPL to the source's.
  if (!c.pmode) c.raise(EXC_UD);
  const m = fetch8(c);
  const dst = getE(c, m, 2);
  const src = c.r16[((m >> 3) & 7) << 1];
  if ((dst & 3) < (src & 3)) {
    probeE(c, m, 2);
    setE(c, m, 2, (dst & ~3) | (src & 3));
    setZFlag(c, true);
  } else {
    setZFlag(c, false);
  }
  return;
}

function op68(c: Cpu, _op: number): void {
  pushV(c, fetchImm(c));
  return;
}

function op69(c: Cpu, op: number): void {
  const m = fetch8(c);
  const sz = vsize(c);
  const a = getE(c, m, sz);
  const b = op === 0x6b ? fetch8s(c) : sz === 4 ? fetch32(c) : fetch16(c);
  setReg(c, (m >> 3) & 7, sz, imulTrunc(c, a, b, sz));
  return;
}

function op6a(c: Cpu, _op: number): void {
  pushV(c, fetch8s(c));
  return;
}

function op6c(c: Cpu, op: number): void {
  stringOp(c, op);
  return;
}

function op70(c: Cpu, op: number): void {
  jcc(c, op & 15, fetch8s(c));
  return;
}

import {
  op8a,
  op8b,
  op8c,
  op8d,
  op8e,
  op8f,
  op9a,
  op9b,
  op9c,
  op9d,
  op9e,
  op9f,
  op80,
  op84,
  op86,
  op88,
  op89,
  op90,
  op91,
  op98,
  op99,
  opa0,
  opa8,
  opa9,
  opb0,
  opb8,
  opc0,
  opc2,
  opc3,
  opc4,
  opc5,
  opc6,
  opc7,
  opc8,
  opc9,
  opca,
  opcb,
  opcc,
  opcd,
  opce,
  opcf,
  opDefault,
  opd4,
  opd5,
  opd6,
  opd7,
  opd8,
  ope0,
  ope4,
  ope5,
  ope6,
  ope7,
  ope8,
  ope9,
  opea,
  opeb,
  opec,
  oped,
  opee,
  opef,
  opf1,
  opf4,
  opf5,
  opf6,
  opf8,
  opfa,
  opfb,
  opfc,
  opfd,
  opfe,
  opff,
} from "./exec-hi.ts";

/** One handler per one-byte opcode (prefix bytes and unassigned opcodes reach opDefault). */
const OPS: ((c: Cpu, op: number) => void)[] = [
  op00,
  op01,
  op02,
  op03,
  op04,
  op05,
  op06,
  op07,
  op00,
  op01,
  op02,
  op03,
  op04,
  op05,
  op06,
  op0f,
  op00,
  op01,
  op02,
  op03,
  op04,
  op05,
  op06,
  op07,
  op00,
  op01,
  op02,
  op03,
  op04,
  op05,
  op06,
  op07,
  op00,
  op01,
  op02,
  op03,
  op04,
  op05,
  opDefault,
  op27,
  op00,
  op01,
  op02,
  op03,
  op04,
  op05,
  opDefault,
  op2f,
  op00,
  op01,
  op02,
  op03,
  op04,
  op05,
  opDefault,
  op37,
  op00,
  op01,
  op02,
  op03,
  op04,
  op05,
  opDefault,
  op3f,
  op40,
  op40,
  op40,
  op40,
  op40,
  op40,
  op40,
  op40,
  op48,
  op48,
  op48,
  op48,
  op48,
  op48,
  op48,
  op48,
  op50,
  op50,
  op50,
  op50,
  op50,
  op50,
  op50,
  op50,
  op58,
  op58,
  op58,
  op58,
  op58,
  op58,
  op58,
  op58,
  op60,
  op61,
  op62,
  op63,
  opDefault,
  opDefault,
  opDefault,
  opDefault,
  op68,
  op69,
  op6a,
  op69,
  op6c,
  op6c,
  op6c,
  op6c,
  op70,
  op70,
  op70,
  op70,
  op70,
  op70,
  op70,
  op70,
  op70,
  op70,
  op70,
  op70,
  op70,
  op70,
  op70,
  op70,
  op80,
  op80,
  op80,
  op80,
  op84,
  op84,
  op86,
  op86,
  op88,
  op89,
  op8a,
  op8b,
  op8c,
  op8d,
  op8e,
  op8f,
  op90,
  op91,
  op91,
  op91,
  op91,
  op91,
  op91,
  op91,
  op98,
  op99,
  op9a,
  op9b,
  op9c,
  op9d,
  op9e,
  op9f,
  opa0,
  opa0,
  opa0,
  opa0,
  op6c,
  op6c,
  op6c,
  op6c,
  opa8,
  opa9,
  op6c,
  op6c,
  op6c,
  op6c,
  op6c,
  op6c,
  opb0,
  opb0,
  opb0,
  opb0,
  opb0,
  opb0,
  opb0,
  opb0,
  opb8,
  opb8,
  opb8,
  opb8,
  opb8,
  opb8,
  opb8,
  opb8,
  opc0,
  opc0,
  opc2,
  opc3,
  opc4,
  opc5,
  opc6,
  opc7,
  opc8,
  opc9,
  opca,
  opcb,
  opcc,
  opcd,
  opce,
  opcf,
  opc0,
  opc0,
  opc0,
  opc0,
  opd4,
  opd5,
  opd6,
  opd7,
  opd8,
  opd8,
  opd8,
  opd8,
  opd8,
  opd8,
  opd8,
  opd8,
  ope0,
  ope0,
  ope0,
  ope0,
  ope4,
  ope5,
  ope6,
  ope7,
  ope8,
  ope9,
  opea,
  opeb,
  opec,
  oped,
  opee,
  opef,
  opDefault,
  opf1,
  opDefault,
  opDefault,
  opf4,
  opf5,
  opf6,
  opf6,
  opf8,
  opf8,
  opfa,
  opfb,
  opfc,
  opfd,
  opfe,
  opff,
];
