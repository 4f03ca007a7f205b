// The two-byte (0F xx) opcode map of the i386/i486 (plus the P6 hint NOPs and, when CPUID
// advertises it, CMOVcc). System instructions decode here; their semantics come from system/.
// The MMX/SSE opcodes, and whatever else is left, go to sse/exec-simd.ts.

import { probeWrite, wrM32 } from "./access.ts";
import { ALU_ADD, ALU_CMP, alu, imulTrunc, logicFlags, shiftDouble } from "./alu.ts";
import { loadFarPointer } from "./control.ts";
import type { Cpu } from "./cpu.ts";
import { commitEip, fetch8, fetch16, fetch32, modrmEA } from "./decode.ts";
import { jcc } from "./exec.ts";
import { group15 } from "./exec-fxsave.ts";
import { cond, setCF, setZF } from "./flags.ts";
import {
  getE,
  getReg,
  loadSeg,
  maskOf,
  memEA,
  peekStack,
  popV,
  probeE,
  pushV,
  putE,
  readMem,
  setE,
  setReg,
  vsize,
  writeMem,
} from "./operands.ts";
import { execSimd } from "./sse/exec-simd.ts";
import { CR0_TS, CR4_TSD, EAX, EBX, ECX, EDX, EXC_GP, EXC_UD, FS, GS, LDTR, SS, TR } from "./state.ts";
import {
  cpuidInstruction,
  lar,
  lmsw,
  loadLdtr,
  loadTr,
  lsl,
  rdpmc,
  rdtsc,
  readControlRegister,
  readDebugRegister,
  readMsr,
  sysenter,
  sysexit,
  verifySegment,
  writeControlRegister,
  writeDebugRegister,
  writeMsr,
} from "./system/index.ts";

/** CPUID.1:EDX.CMOV. */
const CPUID_CMOV = 1 << 15;

/** #GP(0) unless running at CPL 0 (real mode counts as CPL 0; v86 as CPL 3). */
function needCpl0(c: Cpu): void {
  if (c.cpl !== 0) c.raise(EXC_GP, 0);
}

/** #UD in real and v86 mode (protected-mode-only instructions). */
function needProtected(c: Cpu): void {
  if (!c.pmode) c.raise(EXC_UD);
}

/** Executes the instruction after a 0F byte. */
export function exec0f(c: Cpu): void {
  const op = fetch8(c);
  const regs = c.regs;
  if (op >= 0x80 && op <= 0x8f) {
    const disp = c.o32 ? fetch32(c) : (fetch16(c) << 16) >> 16;
    jcc(c, op & 15, disp);
    return;
  }
  if (op >= 0x90 && op <= 0x9f) {
    const m = fetch8(c);
    putE(c, m, 1, cond(c, op & 15) ? 1 : 0);
    return;
  }
  if (op >= 0x40 && op <= 0x4f) {
    if ((c.cpuid.featuresEdx & CPUID_CMOV) === 0) c.raise(EXC_UD);
    const m = fetch8(c);
    const sz = vsize(c);
    const v = getE(c, m, sz);
    const reg = (m >> 3) & 7;
    if (cond(c, op & 15)) setReg(c, reg, sz, v);
    return;
  }
  if (op >= 0xc8 && op <= 0xcf) {
    const v = regs[op & 7];
    regs[op & 7] = ((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24);
    return;
  }
  switch (op) {
    case 0x00:
      group6(c);
      return;
    case 0x01:
      group7(c);
      return;
    case 0x02:
    case 0x03: {
      needProtected(c);
      const m = fetch8(c);
      const sel = getE(c, m, 2);
      const r = op === 0x02 ? lar(c, sel) : lsl(c, sel);
      if (r === null) {
        setZF(c, false);
      } else {
        setReg(c, (m >> 3) & 7, vsize(c), op === 0x02 && !c.o32 ? r & 0xff00 : r);
        setZF(c, true);
      }
      return;
    }
    case 0x06:
      needCpl0(c);
      c.cr0 &= ~CR0_TS;
      return;
    case 0x08:
    case 0x09:
      needCpl0(c);
      return;
    case 0x18:
    case 0x19:
    case 0x1a:
    case 0x1b:
    case 0x1c:
    case 0x1d:
    case 0x1e:
    case 0x1f: {
      // Hint NOPs (NOP Ev): the operand is decoded, never accessed.
      const m = fetch8(c);
      if (m < 0xc0) modrmEA(c, m);
      return;
    }
    case 0x20:
    case 0x22: {
      const m = fetch8(c);
      const n = (m >> 3) & 7;
      if (n !== 0 && n !== 2 && n !== 3 && n !== 4) c.raise(EXC_UD);
      needCpl0(c);
      if (op === 0x20) regs[m & 7] = readControlRegister(c, n);
      else {
        writeControlRegister(c, n, regs[m & 7] >>> 0);
        c.updateModes();
      }
      return;
    }
    case 0x21:
    case 0x23: {
      const m = fetch8(c);
      const n = (m >> 3) & 7;
      needCpl0(c);
      if (op === 0x21) regs[m & 7] = readDebugRegister(c, n);
      else writeDebugRegister(c, n, regs[m & 7] >>> 0);
      return;
    }
    case 0x30:
      needCpl0(c);
      writeMsr(c);
      return;
    case 0x31:
      if ((c.cr4 & CR4_TSD) !== 0) needCpl0(c);
      rdtsc(c);
      return;
    case 0x32:
      needCpl0(c);
      readMsr(c);
      return;
    case 0x33:
      rdpmc(c);
      return;
    case 0x34:
      commitEip(c);
      sysenter(c);
      return;
    case 0x35:
      commitEip(c);
      sysexit(c);
      return;
    case 0xa0:
    case 0xa8:
      pushV(c, c.segSel[op === 0xa0 ? FS : GS] & 0xffff);
      return;
    case 0xa1:
    case 0xa9: {
      const sel = peekStack(c, 0);
      loadSeg(c, op === 0xa1 ? FS : GS, sel);
      popV(c);
      return;
    }
    case 0xa2:
      cpuidInstruction(c);
      return;
    case 0xae:
      group15(c);
      return;
    case 0xa3:
    case 0xab:
    case 0xb3:
    case 0xbb:
      bitOp(c, (op >> 3) & 3, false);
      return;
    case 0xba:
      bitOp(c, 0, true);
      return;
    case 0xa4:
    case 0xa5:
    case 0xac:
    case 0xad: {
      const m = fetch8(c);
      const sz = vsize(c);
      const v = getE(c, m, sz);
      const count = (op & 1) === 0 ? fetch8(c) : regs[ECX] & 0xff;
      if ((count & 0x1f) === 0) return;
      const src = getReg(c, (m >> 3) & 7, sz);
      probeE(c, m, sz);
      setE(c, m, sz, shiftDouble(c, op < 0xa8, v, src, count, maskOf(sz)));
      return;
    }
    case 0xaf: {
      const m = fetch8(c);
      const sz = vsize(c);
      const b = getE(c, m, sz);
      const reg = (m >> 3) & 7;
      setReg(c, reg, sz, imulTrunc(c, getReg(c, reg, sz), b, sz));
      return;
    }
    case 0xb0:
    case 0xb1: {
      // CMPXCHG: flags as CMP accumulator, dest; the destination is always written.
      const m = fetch8(c);
      const sz = op === 0xb0 ? 1 : vsize(c);
      const mask = maskOf(sz);
      const d = getE(c, m, sz);
      const acc = getReg(c, EAX, sz);
      probeE(c, m, sz);
      alu(c, ALU_CMP, acc, d, mask);
      if (((acc ^ d) & mask) === 0) setE(c, m, sz, getReg(c, (m >> 3) & 7, sz));
      else {
        setE(c, m, sz, d);
        setReg(c, EAX, sz, d);
      }
      return;
    }
    case 0xb2:
      loadFarPointer(c, SS);
      return;
    case 0xb4:
      loadFarPointer(c, FS);
      return;
    case 0xb5:
      loadFarPointer(c, GS);
      return;
    case 0xb6:
    case 0xb7:
    case 0xbe:
    case 0xbf: {
      const m = fetch8(c);
      const byte = (op & 1) === 0;
      let v = getE(c, m, byte ? 1 : 2);
      if (op >= 0xbe) v = byte ? (v << 24) >> 24 : (v << 16) >> 16;
      setReg(c, (m >> 3) & 7, vsize(c), v);
      return;
    }
    case 0xbc:
    case 0xbd: {
      // BSF/BSR: ZF=1 and the destination unchanged for a zero source; other flags as QEMU
      // computes them (from the source, as a logic result).
      const m = fetch8(c);
      const sz = vsize(c);
      const v = getE(c, m, sz) & maskOf(sz);
      logicFlags(c, v, maskOf(sz));
      if (v !== 0) setReg(c, (m >> 3) & 7, sz, op === 0xbc ? 31 - Math.clz32(v & -v) : 31 - Math.clz32(v));
      return;
    }
    case 0xc0:
    case 0xc1: {
      const m = fetch8(c);
      const sz = op === 0xc0 ? 1 : vsize(c);
      const reg = (m >> 3) & 7;
      const d = getE(c, m, sz);
      probeE(c, m, sz);
      const sum = alu(c, ALU_ADD, d, getReg(c, reg, sz), maskOf(sz));
      setReg(c, reg, sz, d);
      setE(c, m, sz, sum);
      return;
    }
    case 0xc7: {
      const m = fetch8(c);
      if ((m & 0x38) !== 0x08) c.raise(EXC_UD);
      const off = memEA(c, m);
      const seg = c.eaSeg;
      const hiOff = c.a32 ? (off + 4) >>> 0 : (off + 4) & 0xffff;
      const lo = readMem(c, seg, off, 4);
      const hi = readMem(c, seg, hiOff, 4);
      probeWrite(c, seg, off, 4);
      probeWrite(c, seg, hiOff, 4);
      if (lo === regs[EAX] && hi === regs[EDX]) {
        wrM32(c, seg, off, regs[EBX]);
        wrM32(c, seg, hiOff, regs[ECX]);
        setZF(c, true);
      } else {
        wrM32(c, seg, off, lo);
        wrM32(c, seg, hiOff, hi);
        regs[EAX] = lo;
        regs[EDX] = hi;
        setZF(c, false);
      }
      return;
    }
    default:
      // MMX/SSE opcodes, and #UD for what is neither.
      execSimd(c, op);
  }
}

/**
 * BT/BTS/BTR/BTC (kind 0-3). With a register bit offset on a memory operand the offset is
 * signed and selects the operand-sized unit at EA + (offset div width) * size; with an
 * immediate (0F BA) the offset is taken modulo the width. CF = the selected bit; other flags kept.
 */
function bitOp(c: Cpu, kind: number, imm: boolean): void {
  const m = fetch8(c);
  const sz = vsize(c);
  const bits = sz * 8;
  if (imm) {
    const k = (m >> 3) & 7;
    if (k < 4) c.raise(EXC_UD);
    kind = k - 4;
  }
  let v: number;
  let bit: number;
  let seg = 0;
  let addr = 0;
  const reg = m >= 0xc0;
  if (reg) {
    v = getReg(c, m & 7, sz);
    bit = (imm ? fetch8(c) : getReg(c, (m >> 3) & 7, sz)) & (bits - 1);
  } else {
    const off = modrmEA(c, m);
    seg = c.eaSeg;
    if (imm) {
      bit = fetch8(c) & (bits - 1);
      addr = off;
    } else {
      const raw = getReg(c, (m >> 3) & 7, sz);
      const sOff = sz === 4 ? raw | 0 : (raw << 16) >> 16;
      bit = sOff & (bits - 1);
      const disp = Math.floor(sOff / bits) * sz;
      addr = c.a32 ? (off + disp) >>> 0 : (off + disp) & 0xffff;
    }
    v = readMem(c, seg, addr, sz);
    if (kind !== 0) probeWrite(c, seg, addr, sz);
  }
  const cf = (v >>> bit) & 1;
  setCF(c, cf);
  if (kind === 0) return;
  const b = 1 << bit;
  const nv = kind === 1 ? v | b : kind === 2 ? v & ~b : v ^ b;
  if (reg) setReg(c, m & 7, sz, nv);
  else writeMem(c, seg, addr, sz, nv);
}

/** 0F 00: SLDT, STR, LLDT, LTR, VERR, VERW (protected mode only). */
function group6(c: Cpu): void {
  const m = fetch8(c);
  const k = (m >> 3) & 7;
  if (k > 5) c.raise(EXC_UD);
  needProtected(c);
  switch (k) {
    case 0:
    case 1: {
      const sel = c.segSel[k === 0 ? LDTR : TR] & 0xffff;
      if (m >= 0xc0) setReg(c, m & 7, vsize(c), sel);
      else putE(c, m, 2, sel);
      return;
    }
    case 2:
    case 3: {
      const sel = getE(c, m, 2);
      needCpl0(c);
      if (k === 2) loadLdtr(c, sel);
      else loadTr(c, sel);
      return;
    }
    default:
      setZF(c, verifySegment(c, getE(c, m, 2), k === 5));
  }
}

/** 0F 01: SGDT, SIDT, LGDT, LIDT, SMSW, LMSW, INVLPG. */
function group7(c: Cpu): void {
  const m = fetch8(c);
  const k = (m >> 3) & 7;
  switch (k) {
    case 0:
    case 1: {
      const off = memEA(c, m);
      const seg = c.eaSeg;
      const limit = k === 0 ? c.gdtrLimit : c.idtrLimit;
      let base = k === 0 ? c.gdtrBase : c.idtrBase;
      if (!c.o32) base &= 0xffffff;
      writeMem(c, seg, off, 2, limit);
      writeMem(c, seg, c.a32 ? (off + 2) >>> 0 : (off + 2) & 0xffff, 4, base);
      return;
    }
    case 2:
    case 3: {
      const off = memEA(c, m);
      needCpl0(c);
      const seg = c.eaSeg;
      const limit = readMem(c, seg, off, 2);
      let base = readMem(c, seg, c.a32 ? (off + 2) >>> 0 : (off + 2) & 0xffff, 4) >>> 0;
      if (!c.o32) base &= 0xffffff;
      if (k === 2) {
        c.gdtrBase = base;
        c.gdtrLimit = limit;
      } else {
        c.idtrBase = base;
        c.idtrLimit = limit;
      }
      return;
    }
    case 4: {
      const cr0 = c.cr0;
      if (m >= 0xc0) setReg(c, m & 7, vsize(c), cr0);
      else putE(c, m, 2, cr0 & 0xffff);
      return;
    }
    case 6: {
      const v = getE(c, m, 2);
      needCpl0(c);
      lmsw(c, v);
      c.updateModes();
      return;
    }
    case 7: {
      const off = memEA(c, m);
      needCpl0(c);
      c.invalidatePage((c.segBase[c.eaSeg] + off) | 0);
      return;
    }
    default:
      c.raise(EXC_UD);
  }
}
