// The MMX, SSE, SSE2 and SSE3 opcodes of the 0F map (SDM Vol. 2, Table A-3) that are not float
// arithmetic: packed integers, logic, moves, shuffles, unpacks and masks, as QEMU 7.2's TCG runs them.
//
// A mandatory prefix selects the form: QEMU's rule is F2 or F3 (the last one given, prefixes.ts)
// over 66, and 66 over none. The no-prefix form of most integer opcodes works on MMX registers
// (and puts the x87 unit in MMX mode), the 66 form on XMM registers. A form the table leaves empty
// is #UD. exec-0f.ts calls execSimd for the opcodes it does not handle itself, so the rest of the
// CPU decodes as fast as before.

import { wrM8 } from "../access.ts";
import type { Cpu } from "../cpu.ts";
import { fetch8 } from "../decode.ts";
import { X87_REG_BYTES } from "../fpu-registers.ts";
import { getE, putE, setReg } from "../operands.ts";
import { DS, EDI, EXC_UD } from "../state.ts";
import { execSseFloat, isSseFloat } from "./exec-sse-float.ts";
import { isPackedInt, packedInt, shiftBytes, shiftLanes } from "./packed-int.ts";
import {
  A,
  B,
  beginMmx,
  checkSse,
  decodeRm,
  emptyMmx,
  enterMmx,
  loadMm,
  loadRm,
  loadRmAt,
  loadXmm,
  MM_BYTES,
  offsetBy,
  readVec,
  storeMm,
  storeRm,
  storeXmm,
  T,
  XMM_BYTES,
} from "./simd-operands.ts";

/** The mandatory-prefix column of an opcode: none, 66, F3, F2. */
export const P_NONE = 0;
export const P_66 = 1;
export const P_F3 = 2;
export const P_F2 = 3;

/** The mandatory-prefix column the current instruction's prefixes select (QEMU's rule). */
export function prefixColumn(c: Cpu): number {
  if (c.rep === 0xf3) return P_F3;
  if (c.rep === 0xf2) return P_F2;
  return c.o32 !== c.code32 ? P_66 : P_NONE;
}

/** #UD unless ModRM `m` names a register (mod = 3). */
function needReg(c: Cpu, m: number): void {
  if (m < 0xc0) c.raise(EXC_UD);
}

/** #UD unless ModRM `m` names memory (mod != 3). */
function needMem(c: Cpu, m: number): void {
  if (m >= 0xc0) c.raise(EXC_UD);
}

/** Executes SIMD opcode 0F `op` (the byte after 0F); #UD for opcodes and forms that do not exist. */
export function execSimd(c: Cpu, op: number): void {
  const p = prefixColumn(c);
  if (isSseFloat(op)) {
    execSseFloat(c, op, p);
    return;
  }
  if (isPackedInt(op)) {
    packedIntInsn(c, op, p);
    return;
  }
  switch (op) {
    case 0x0d: {
      // PREFETCH/PREFETCHW (AMD's 0F 0D): QEMU 7.2 runs the memory forms as hints on every model.
      const m = fetch8(c);
      needMem(c, m);
      decodeRm(c, m);
      return;
    }
    case 0x10:
    case 0x11:
      movUnaligned(c, op, p);
      return;
    case 0x12:
    case 0x13:
    case 0x16:
    case 0x17:
      movHalf(c, op, p);
      return;
    case 0x14:
    case 0x15: {
      // UNPCKLPS/UNPCKHPS/UNPCKLPD/UNPCKHPD. Like ANDPS... and SHUFPS below, QEMU 7.2 does not
      // check the m128 operand's alignment (the SDM raises #GP).
      if (p > P_66) c.raise(EXC_UD);
      const m = sseModrm(c);
      loadXmm(c, (m >> 3) & 7, A);
      loadRm(c, m, B, XMM_BYTES, XMM_BYTES, false);
      const high = op === 0x15;
      if (p === P_NONE) interleave(4, high);
      else interleave(8, high);
      storeXmm(c, (m >> 3) & 7, A);
      return;
    }
    case 0x28:
    case 0x29:
    case 0x2b: {
      // MOVAPS/MOVAPD load and store, MOVNTPS/MOVNTPD (memory only).
      if (p > P_66) c.raise(EXC_UD);
      const m = fetch8(c);
      if (op === 0x2b) needMem(c, m);
      checkSse(c);
      const reg = (m >> 3) & 7;
      if (op === 0x28) {
        loadRm(c, m, A, XMM_BYTES, XMM_BYTES, true);
        storeXmm(c, reg, A);
      } else {
        loadXmm(c, reg, A);
        storeRm(c, m, A, XMM_BYTES, XMM_BYTES, true);
      }
      return;
    }
    case 0x50: {
      // MOVMSKPS/MOVMSKPD: the sign bits of the lanes.
      if (p > P_66) c.raise(EXC_UD);
      const m = fetch8(c);
      needReg(c, m);
      checkSse(c);
      loadXmm(c, m & 7, B);
      let mask = 0;
      if (p === P_NONE) for (let i = 0; i < 4; i++) mask |= (B.u32[i]! >>> 31) << i;
      else mask = (B.u32[1]! >>> 31) | ((B.u32[3]! >>> 31) << 1);
      c.regs[(m >> 3) & 7] = mask;
      return;
    }
    case 0x54:
    case 0x55:
    case 0x56:
    case 0x57: {
      // ANDPS, ANDNPS, ORPS, XORPS and their PD forms: the same bitwise operations.
      if (p > P_66) c.raise(EXC_UD);
      const m = sseModrm(c);
      loadXmm(c, (m >> 3) & 7, A);
      loadRm(c, m, B, XMM_BYTES, XMM_BYTES, false);
      packedInt(op === 0x54 ? 0xdb : op === 0x55 ? 0xdf : op === 0x56 ? 0xeb : 0xef, XMM_BYTES);
      storeXmm(c, (m >> 3) & 7, A);
      return;
    }
    case 0x6e:
    case 0x7e:
      movd(c, op, p);
      return;
    case 0x6f:
    case 0x7f:
      movq(c, op, p);
      return;
    case 0x70:
      pshuf(c, p);
      return;
    case 0x71:
    case 0x72:
    case 0x73:
      shiftImm(c, op, p);
      return;
    case 0x77:
      // EMMS: QEMU 7.2 runs it whatever CR0.TS and CR0.EM say (the SDM raises #NM and #UD) and
      // whatever prefix it has.
      emptyMmx(c);
      return;
    case 0xc3: {
      // MOVNTI m32, r32 (memory only; QEMU checks CPUID.SSE2 and nothing else).
      if ((c.cpuid.featuresEdx & CPUID_SSE2) === 0) c.raise(EXC_UD);
      const m = fetch8(c);
      needMem(c, m);
      putE(c, m, 4, c.regs[(m >> 3) & 7]!);
      return;
    }
    case 0xc4:
    case 0xc5:
      insertExtractWord(c, op, p);
      return;
    case 0xc6: {
      // SHUFPS/SHUFPD: low half from the destination, high half from the source.
      if (p > P_66) c.raise(EXC_UD);
      const m = sseModrm(c);
      const off = decodeRm(c, m);
      const imm = fetch8(c);
      loadXmm(c, (m >> 3) & 7, A);
      loadRmAt(c, m, off, B, XMM_BYTES, XMM_BYTES, false);
      if (p === P_NONE) {
        T.u32[0] = A.u32[imm & 3]!;
        T.u32[1] = A.u32[(imm >> 2) & 3]!;
        T.u32[2] = B.u32[(imm >> 4) & 3]!;
        T.u32[3] = B.u32[(imm >> 6) & 3]!;
      } else {
        const lo = (imm & 1) * 2;
        const hi = ((imm >> 1) & 1) * 2;
        T.u32[0] = A.u32[lo]!;
        T.u32[1] = A.u32[lo + 1]!;
        T.u32[2] = B.u32[hi]!;
        T.u32[3] = B.u32[hi + 1]!;
      }
      storeXmm(c, (m >> 3) & 7, T);
      return;
    }
    case 0xd6:
      movqD6(c, p);
      return;
    case 0xd7: {
      // PMOVMSKB r32, mm/xmm: the sign bits of the bytes.
      if (p > P_66) c.raise(EXC_UD);
      const m = fetch8(c);
      needReg(c, m);
      const bytes = vecBegin(c, p);
      if (bytes === XMM_BYTES) loadXmm(c, m & 7, B);
      else loadMm(c, m & 7, B);
      let mask = 0;
      for (let i = 0; i < bytes; i++) mask |= (B.u8[i]! >> 7) << i;
      c.regs[(m >> 3) & 7] = mask;
      return;
    }
    case 0xe7: {
      // MOVNTQ m64, mm / MOVNTDQ m128, xmm. QEMU 7.2 also runs the register form, as a move
      // from the reg register to the rm register (the SDM has it #UD).
      if (p > P_66) c.raise(EXC_UD);
      const m = fetch8(c);
      const bytes = vecBegin(c, p);
      if (bytes === XMM_BYTES) loadXmm(c, (m >> 3) & 7, A);
      else loadMm(c, (m >> 3) & 7, A);
      storeRm(c, m, A, bytes, bytes, true);
      return;
    }
    case 0xf0: {
      // LDDQU xmm, m128 (SSE3; unaligned).
      if (p !== P_F2) c.raise(EXC_UD);
      const m = fetch8(c);
      needMem(c, m);
      needSse3(c);
      checkSse(c);
      loadRm(c, m, A, XMM_BYTES, XMM_BYTES, false);
      storeXmm(c, (m >> 3) & 7, A);
      return;
    }
    case 0xf7:
      maskMove(c, p);
      return;
    default:
      c.raise(EXC_UD);
  }
}

/** CPUID.1:EDX.SSE2 and CPUID.1:ECX.SSE3. */
const CPUID_SSE2 = 1 << 26;
const CPUID_SSE3 = 1 << 0;

/** #UD on a model without SSE3 (QEMU 7.2 checks it for the SSE3 forms, unlike SSE2's). */
export function needSse3(c: Cpu): void {
  if ((c.cpuid.featuresEcx & CPUID_SSE3) === 0) c.raise(EXC_UD);
}

/** Fetches the ModRM byte of an XMM instruction and runs the SSE checks. */
function sseModrm(c: Cpu): number {
  const m = fetch8(c);
  checkSse(c);
  return m;
}

/**
 * The checks and mode change of a no-prefix (MMX) form or a prefixed (XMM) form; returns the
 * vector size (8 or 16).
 */
function vecBegin(c: Cpu, p: number): number {
  if (p === P_NONE) {
    beginMmx(c);
    return MM_BYTES;
  }
  checkSse(c);
  return XMM_BYTES;
}

/** A packed-integer opcode (packed-int.ts): MMX without a prefix, XMM with 66 (0F 6C/6D: 66 only). */
function packedIntInsn(c: Cpu, op: number, p: number): void {
  if (p > P_66 || (p === P_NONE && (op === 0x6c || op === 0x6d))) c.raise(EXC_UD);
  const m = fetch8(c);
  const bytes = vecBegin(c, p);
  const reg = (m >> 3) & 7;
  if (bytes === XMM_BYTES) loadXmm(c, reg, A);
  else loadMm(c, reg, A);
  loadRm(c, m, B, bytes, bytes, true);
  packedInt(op, bytes);
  if (bytes === XMM_BYTES) storeXmm(c, reg, A);
  else storeMm(c, reg, A);
}

/** UNPCKL/UNPCKH of `e`-byte elements on XMM vectors A and B (result in A). */
function interleave(e: number, high: boolean): void {
  packedInt(e === 4 ? (high ? 0x6a : 0x62) : high ? 0x6d : 0x6c, XMM_BYTES);
}

/** 0F 10/11: MOVUPS, MOVUPD, MOVSS, MOVSD (load and store forms). */
function movUnaligned(c: Cpu, op: number, p: number): void {
  const m = sseModrm(c);
  const reg = (m >> 3) & 7;
  const scalar = p === P_F3 ? 4 : p === P_F2 ? 8 : 0;
  if (op === 0x10) {
    if (scalar === 0) {
      loadRm(c, m, A, XMM_BYTES, XMM_BYTES, false);
      storeXmm(c, reg, A);
    } else if (m >= 0xc0) {
      loadXmm(c, m & 7, A);
      storeXmm(c, reg, A, scalar);
    } else {
      A.clearFrom(0);
      loadRm(c, m, A, XMM_BYTES, scalar, false);
      storeXmm(c, reg, A);
    }
    return;
  }
  loadXmm(c, reg, A);
  if (scalar === 0) storeRm(c, m, A, XMM_BYTES, XMM_BYTES, false);
  else if (m >= 0xc0) storeXmm(c, m & 7, A, scalar);
  else storeRm(c, m, A, XMM_BYTES, scalar, false);
}

/**
 * 0F 12/13/16/17 (memory operands unaligned, as in QEMU 7.2): the half moves MOVLPS/MOVHPS/MOVLPD/MOVHPD (memory), MOVHLPS/MOVLHPS
 * (register), and the SSE3 duplicating loads MOVSLDUP/MOVSHDUP (F3 12/16) and MOVDDUP (F2 12).
 */
function movHalf(c: Cpu, op: number, p: number): void {
  const store = op === 0x13 || op === 0x17;
  const high = op >= 0x16;
  if ((store && p > P_66) || (op === 0x16 && p === P_F2)) c.raise(EXC_UD);
  const m = fetch8(c);
  if (store && m >= 0xc0) c.raise(EXC_UD);
  if (p >= P_F3) needSse3(c);
  checkSse(c);
  const reg = (m >> 3) & 7;
  if (p === P_F3) {
    loadRm(c, m, B, XMM_BYTES, XMM_BYTES, false);
    const k = high ? 1 : 0;
    A.u32[0] = B.u32[k]!;
    A.u32[1] = B.u32[k]!;
    A.u32[2] = B.u32[k + 2]!;
    A.u32[3] = B.u32[k + 2]!;
    storeXmm(c, reg, A);
    return;
  }
  if (p === P_F2) {
    loadRm(c, m, B, XMM_BYTES, 8, false);
    A.u32[0] = A.u32[2] = B.u32[0]!;
    A.u32[1] = A.u32[3] = B.u32[1]!;
    storeXmm(c, reg, A);
    return;
  }
  loadXmm(c, reg, A);
  if (store) {
    if (high) {
      B.u32[0] = A.u32[2]!;
      B.u32[1] = A.u32[3]!;
      storeRm(c, m, B, XMM_BYTES, 8, false);
    } else {
      storeRm(c, m, A, XMM_BYTES, 8, false);
    }
    return;
  }
  // Loads: MOVLPS/MOVLPD/MOVHPS/MOVHPD from memory; MOVHLPS/MOVLHPS from a register. QEMU 7.2
  // runs the register forms of MOVLPD and MOVHPD (#UD in the SDM) as its decoder reads them:
  // 66 0F 12 rewrites the rm register with itself, 66 0F 16 copies the rm register's high half.
  const at = high ? 2 : 0;
  if (m >= 0xc0 && p === P_66) {
    if (high) {
      loadXmm(c, m & 7, B);
      A.u32[2] = B.u32[2]!;
      A.u32[3] = B.u32[3]!;
      storeXmm(c, reg, A);
    }
    return;
  }
  if (m >= 0xc0) {
    loadXmm(c, m & 7, B);
    const from = high ? 0 : 2;
    A.u32[at] = B.u32[from]!;
    A.u32[at + 1] = B.u32[from + 1]!;
  } else {
    loadRm(c, m, B, XMM_BYTES, 8, false);
    A.u32[at] = B.u32[0]!;
    A.u32[at + 1] = B.u32[1]!;
  }
  storeXmm(c, reg, A);
}

/** 0F 6E/7E: MOVD mm/xmm, r/m32 and MOVD r/m32, mm/xmm; F3 0F 7E: MOVQ xmm, xmm/m64. */
function movd(c: Cpu, op: number, p: number): void {
  if (p === P_F2 || (p === P_F3 && op === 0x6e)) c.raise(EXC_UD);
  const m = fetch8(c);
  const reg = (m >> 3) & 7;
  if (p === P_F3) {
    checkSse(c);
    loadRm(c, m, B, XMM_BYTES, 8, false);
    A.clearFrom(0);
    A.u32[0] = B.u32[0]!;
    A.u32[1] = B.u32[1]!;
    storeXmm(c, reg, A);
    return;
  }
  const bytes = vecBegin(c, p);
  if (op === 0x6e) {
    A.clearFrom(0);
    A.i32[0] = getE(c, m, 4);
    if (bytes === XMM_BYTES) storeXmm(c, reg, A);
    else storeMm(c, reg, A);
    return;
  }
  if (bytes === XMM_BYTES) loadXmm(c, reg, A);
  else loadMm(c, reg, A);
  putE(c, m, 4, A.i32[0]!);
}

/** 0F 6F/7F: MOVQ mm, mm/m64 (and store); 66: MOVDQA (aligned); F3: MOVDQU. */
function movq(c: Cpu, op: number, p: number): void {
  if (p === P_F2) c.raise(EXC_UD);
  const m = fetch8(c);
  const reg = (m >> 3) & 7;
  const bytes = vecBegin(c, p);
  const aligned = p === P_66;
  if (op === 0x6f) {
    loadRm(c, m, A, bytes, bytes, aligned);
    if (bytes === XMM_BYTES) storeXmm(c, reg, A);
    else storeMm(c, reg, A);
    return;
  }
  if (bytes === XMM_BYTES) loadXmm(c, reg, A);
  else loadMm(c, reg, A);
  storeRm(c, m, A, bytes, bytes, aligned);
}

/** 0F 70: PSHUFW (MMX), 66 PSHUFD, F3 PSHUFHW, F2 PSHUFLW, with an immediate order. */
function pshuf(c: Cpu, p: number): void {
  const m = fetch8(c);
  const bytes = vecBegin(c, p);
  const off = decodeRm(c, m);
  const imm = fetch8(c);
  loadRmAt(c, m, off, B, bytes, bytes, true);
  A.copy(B);
  if (p === P_66) {
    for (let i = 0; i < 4; i++) A.u32[i] = B.u32[(imm >> (2 * i)) & 3]!;
  } else {
    // PSHUFW and PSHUFLW shuffle words 0-3, PSHUFHW words 4-7.
    const base = p === P_F3 ? 4 : 0;
    for (let i = 0; i < 4; i++) A.u16[base + i] = B.u16[base + ((imm >> (2 * i)) & 3)]!;
  }
  const reg = (m >> 3) & 7;
  if (bytes === XMM_BYTES) storeXmm(c, reg, A);
  else storeMm(c, reg, A);
}

/**
 * 0F 71/72/73: shifts of a register by an immediate: /2 PSRLx, /4 PSRAx, /6 PSLLx (word, dword,
 * qword by opcode; no PSRAQ), and 66 0F 73 /3 PSRLDQ and /7 PSLLDQ (bytes).
 */
function shiftImm(c: Cpu, op: number, p: number): void {
  const m = fetch8(c);
  const k = (m >> 3) & 7;
  const valid =
    m >= 0xc0 &&
    p <= P_66 &&
    (k === 2 || k === 6 || (k === 4 && op !== 0x73) || (op === 0x73 && p === P_66 && (k === 3 || k === 7)));
  if (!valid) c.raise(EXC_UD);
  const bytes = vecBegin(c, p);
  const count = fetch8(c);
  const r = m & 7;
  if (bytes === XMM_BYTES) loadXmm(c, r, A);
  else loadMm(c, r, A);
  if (k === 3 || k === 7) shiftBytes(count, k === 7);
  else shiftLanes(bytes, op === 0x71 ? 16 : op === 0x72 ? 32 : 64, count, k === 6, k === 4);
  if (bytes === XMM_BYTES) storeXmm(c, r, A);
  else storeMm(c, r, A);
}

/** 0F C4 PINSRW mm/xmm, r32/m16, imm8 and 0F C5 PEXTRW r32, mm/xmm, imm8 (register only). */
function insertExtractWord(c: Cpu, op: number, p: number): void {
  if (p > P_66) c.raise(EXC_UD);
  const m = fetch8(c);
  if (op === 0xc5) needReg(c, m);
  const bytes = vecBegin(c, p);
  const lanes = bytes >> 1;
  if (op === 0xc5) {
    const imm = fetch8(c);
    if (bytes === XMM_BYTES) loadXmm(c, m & 7, B);
    else loadMm(c, m & 7, B);
    setReg(c, (m >> 3) & 7, 4, B.u16[imm & (lanes - 1)]!);
    return;
  }
  const reg = (m >> 3) & 7;
  const off = decodeRm(c, m);
  const imm = fetch8(c);
  const v = m >= 0xc0 ? c.regs[m & 7]! : readWord(c, off);
  if (bytes === XMM_BYTES) loadXmm(c, reg, A);
  else loadMm(c, reg, A);
  A.u16[imm & (lanes - 1)] = v;
  if (bytes === XMM_BYTES) storeXmm(c, reg, A);
  else storeMm(c, reg, A);
}

/** The word at c.eaSeg:off (PINSRW's memory operand). */
function readWord(c: Cpu, off: number): number {
  readVec(c, c.eaSeg, off, T, 4);
  return T.u16[0]!;
}

/** 66 0F D6 MOVQ xmm/m64, xmm; F3 0F D6 MOVQ2DQ xmm, mm; F2 0F D6 MOVDQ2Q mm, xmm. */
function movqD6(c: Cpu, p: number): void {
  if (p === P_NONE) c.raise(EXC_UD);
  const m = fetch8(c);
  if (p !== P_66) needReg(c, m);
  // QEMU 7.2 runs MOVQ2DQ and MOVDQ2Q without any check: not CR4.OSFXSR, CR0.TS or CR0.EM.
  if (p === P_66) checkSse(c);
  const reg = (m >> 3) & 7;
  if (p === P_66) {
    loadXmm(c, reg, A);
    if (m >= 0xc0) {
      A.clearFrom(8);
      storeXmm(c, m & 7, A);
    } else {
      storeRm(c, m, A, XMM_BYTES, 8, false);
    }
    return;
  }
  enterMmx(c);
  if (p === P_F3) {
    loadMm(c, m & 7, A);
    A.clearFrom(8);
    storeXmm(c, reg, A);
  } else {
    // QEMU 7.2 copies 16 bytes into the x87 register's slot: the sign and exponent become zero.
    loadXmm(c, m & 7, A);
    A.clearFrom(8);
    storeMm(c, reg, A, X87_REG_BYTES);
  }
}

/**
 * 0F F7 MASKMOVQ mm, mm and 66 0F F7 MASKMOVDQU xmm, xmm: the bytes of the first register whose
 * mask byte (second register) has bit 7 set go to DS:(E)DI (segment override allowed), one byte at
 * a time as QEMU's helper stores them.
 */
function maskMove(c: Cpu, p: number): void {
  if (p > P_66) c.raise(EXC_UD);
  const m = fetch8(c);
  needReg(c, m);
  const bytes = vecBegin(c, p);
  if (bytes === XMM_BYTES) {
    loadXmm(c, (m >> 3) & 7, A);
    loadXmm(c, m & 7, B);
  } else {
    loadMm(c, (m >> 3) & 7, A);
    loadMm(c, m & 7, B);
  }
  const seg = c.segOvr >= 0 ? c.segOvr : DS;
  const base = c.a32 ? c.regs[EDI]! >>> 0 : c.regs[EDI]! & 0xffff;
  for (let i = 0; i < bytes; i++) {
    if (B.u8[i]! & 0x80) wrM8(c, seg, offsetBy(base, i), A.u8[i]!);
  }
}
