// The SSE/SSE2/SSE3 float instructions of the 0F map, as QEMU 7.2's TCG runs them (ops_sse.h on
// its softfloat, here softfloat*.ts): arithmetic 0F 51-53 and 58-5F, the conversions 0F 2A, 2C,
// 2D, 5A, 5B and E6, (U)COMIS 0F 2E/2F, CMPcc 0F C2, and SSE3's HADD/HSUB (0F 7C/7D) and ADDSUB
// (0F D0). The mandatory prefix picks the form (exec-simd.ts's prefixColumn): none = packed
// single, 66 = packed double, F3 = scalar single, F2 = scalar double.
//
// As QEMU 7.2 does (firmware/tests/sse-float checks each against it):
// - no #XM: exception flags are ORed into MXCSR whatever its mask bits, and the result is written;
// - scalar forms keep the destination's other lanes;
// - 16-byte memory operands must be aligned (#GP) for 0F 51-53, 58-5F and C2 only: not for the
//   conversions (0F 5A, 5B, E6, 2C, 2D) nor SSE3 (0F 7C, 7D, D0);
// - the forms with an MMX operand (CVTPI2PS, CVTPI2PD, CVT(T)PS2PI, CVT(T)PD2PI) skip every check
//   (CR4.OSFXSR, CR0.TS, CR0.EM) and put the x87 unit in MMX mode, a memory operand included.

import type { Cpu } from "../cpu.ts";
import { fetch8 } from "../decode.ts";
import { materialize } from "../flags.ts";
import type { FpuRegisters } from "../fpu-registers.ts";
import { getE } from "../operands.ts";
import { EXC_UD, FLAGS_ARITH } from "../state.ts";
import { needSse3, P_66, P_F2, P_F3, P_NONE } from "./exec-simd.ts";
import {
  A,
  B,
  checkSse,
  decodeRm,
  enterMmx,
  type Lanes,
  loadMm,
  loadRmAt,
  loadXmm,
  MM_BYTES,
  storeMm,
  storeXmm,
  XMM_BYTES,
} from "./simd-operands.ts";
import {
  add32,
  cmp32,
  comi32,
  div32,
  max32,
  min32,
  mul32,
  rcp32,
  rsqrt32,
  sqrt32,
  sub32,
} from "./softfloat.ts";
import {
  f32ToF64,
  f32ToI32,
  f32ToI32Trunc,
  f64ToF32,
  f64ToI32,
  f64ToI32Trunc,
  i32ToF32,
  i32ToF64,
} from "./softfloat-convert.ts";
import { f64Out } from "./softfloat-core.ts";
import { add64, cmp64, comi64, div64, max64, min64, mul64, sqrt64, sub64 } from "./softfloat-f64.ts";

/** Bytes of a single and of a double. */
const F32_BYTES = 4;
const F64_BYTES = 8;

/** True for the opcodes (the byte after 0F) this file executes. */
export function isSseFloat(op: number): boolean {
  return (
    op === 0x2a ||
    (op >= 0x2c && op <= 0x2f) ||
    (op >= 0x51 && op <= 0x53) ||
    (op >= 0x58 && op <= 0x5f) ||
    op === 0x7c ||
    op === 0x7d ||
    op === 0xc2 ||
    op === 0xd0 ||
    op === 0xe6
  );
}

/** Executes float opcode 0F `op` (isSseFloat) in prefix column `p`; #UD for forms that do not exist. */
export function execSseFloat(c: Cpu, op: number, p: number): void {
  switch (op) {
    case 0x2a:
      convertFromInt(c, p);
      return;
    case 0x2c:
    case 0x2d:
      convertToInt(c, p, op === 0x2c);
      return;
    case 0x2e:
    case 0x2f:
      compareToFlags(c, p, op === 0x2f);
      return;
    case 0x52:
    case 0x53:
      if (p !== P_NONE && p !== P_F3) c.raise(EXC_UD);
      arith(c, op, p);
      return;
    case 0x5a:
      convertFloat(c, p);
      return;
    case 0x5b:
      if (p === P_F2) c.raise(EXC_UD);
      packedConvert(c, p === P_NONE ? CVT_DQ2PS : p === P_66 ? CVT_PS2DQ : CVT_TPS2DQ);
      return;
    case 0xe6:
      if (p === P_NONE) c.raise(EXC_UD);
      packedConvert(c, p === P_F3 ? CVT_DQ2PD : p === P_F2 ? CVT_PD2DQ : CVT_TPD2DQ);
      return;
    case 0x7c:
    case 0x7d:
    case 0xd0:
      if (p !== P_66 && p !== P_F2) c.raise(EXC_UD);
      needSse3(c);
      sse3(c, op, p === P_66);
      return;
    default:
      // 0F 51, 58-5F and C2: all four forms.
      arith(c, op, p);
  }
}

/** Bytes of the r/m operand of form `p`: 16 for the packed forms, the element for the scalar ones. */
function operandBytes(p: number): number {
  if (p === P_F3) return F32_BYTES;
  if (p === P_F2) return F64_BYTES;
  return XMM_BYTES;
}

/**
 * Fetches ModRM (and the CMPcc immediate after the displacement), runs the SSE checks and loads the
 * destination register into A and the source into B; a 16-byte memory operand must be aligned
 * when `aligned` (QEMU 7.2 checks it for 0F 51-53, 58-5F and C2, not for the SSE3 forms).
 * Returns ModRM in bits 8-15 and the immediate in bits 0-7.
 */
function loadOperands(c: Cpu, p: number, withImm: boolean, aligned: boolean): number {
  const m = fetch8(c);
  const off = decodeRm(c, m);
  const imm = withImm ? fetch8(c) : 0;
  checkSse(c);
  loadXmm(c, (m >> 3) & 7, A);
  loadRmAt(c, m, off, B, XMM_BYTES, operandBytes(p), aligned);
  return (m << 8) | imm;
}

/** 0F 51-53, 58-5F and C2: A = A op B lane by lane (SQRT, RSQRT, RCP: op B), result to the register. */
function arith(c: Cpu, op: number, p: number): void {
  const mi = loadOperands(c, p, op === 0xc2, true);
  const st = c.fpu;
  const a = A.u32;
  const b = B.u32;
  if (p === P_NONE || p === P_F3) {
    const lanes = p === P_NONE ? 4 : 1;
    for (let i = 0; i < lanes; i++) a[i] = single(op, a[i]!, b[i]!, mi & 0xff, st);
  } else {
    const lanes = p === P_66 ? 2 : 1;
    for (let i = 0; i < lanes; i++) double(op, a, b, 2 * i, mi & 0xff, st);
  }
  storeXmm(c, (mi >> 11) & 7, A);
}

/** One float32 lane of arithmetic opcode `op` (predicate `imm` for CMPcc). */
function single(op: number, x: number, y: number, imm: number, st: FpuRegisters): number {
  switch (op) {
    case 0x51:
      return sqrt32(y, st);
    case 0x52:
      return rsqrt32(y, st);
    case 0x53:
      return rcp32(y, st);
    case 0x58:
      return add32(x, y, st);
    case 0x59:
      return mul32(x, y, st);
    case 0x5c:
      return sub32(x, y, st);
    case 0x5d:
      return min32(x, y, st);
    case 0x5e:
      return div32(x, y, st);
    case 0x5f:
      return max32(x, y, st);
    default:
      return cmp32(x, y, imm, st) ? 0xffffffff : 0;
  }
}

/** One float64 lane (words i, i+1 of a and b) of arithmetic opcode `op`, written back to a. */
function double(op: number, a: Uint32Array, b: Uint32Array, i: number, imm: number, st: FpuRegisters): void {
  const xl = a[i]!;
  const xh = a[i + 1]!;
  const yl = b[i]!;
  const yh = b[i + 1]!;
  switch (op) {
    case 0x51:
      sqrt64(yl, yh, st);
      break;
    case 0x58:
      add64(xl, xh, yl, yh, st);
      break;
    case 0x59:
      mul64(xl, xh, yl, yh, st);
      break;
    case 0x5c:
      sub64(xl, xh, yl, yh, st);
      break;
    case 0x5d:
      min64(xl, xh, yl, yh, st);
      break;
    case 0x5e:
      div64(xl, xh, yl, yh, st);
      break;
    case 0x5f:
      max64(xl, xh, yl, yh, st);
      break;
    default: {
      const mask = cmp64(xl, xh, yl, yh, imm, st) ? 0xffffffff : 0;
      a[i] = mask;
      a[i + 1] = mask;
      return;
    }
  }
  a[i] = f64Out.lo;
  a[i + 1] = f64Out.hi;
}

/**
 * SSE3 on A and B: HADDPS/HADDPD (0F 7C), HSUBPS/HSUBPD (0F 7D), ADDSUBPS/ADDSUBPD (0F D0); `pd`
 * selects the double forms. The horizontal forms pair adjacent lanes of A, then of B.
 */
function sse3(c: Cpu, op: number, pd: boolean): void {
  const mi = loadOperands(c, P_66, false, false);
  const st = c.fpu;
  const a = A.u32;
  const b = B.u32;
  if (!pd) {
    if (op === 0xd0) {
      a[0] = sub32(a[0]!, b[0]!, st);
      a[1] = add32(a[1]!, b[1]!, st);
      a[2] = sub32(a[2]!, b[2]!, st);
      a[3] = add32(a[3]!, b[3]!, st);
    } else {
      const f = op === 0x7c ? add32 : sub32;
      const r0 = f(a[0]!, a[1]!, st);
      const r1 = f(a[2]!, a[3]!, st);
      const r2 = f(b[0]!, b[1]!, st);
      const r3 = f(b[2]!, b[3]!, st);
      a[0] = r0;
      a[1] = r1;
      a[2] = r2;
      a[3] = r3;
    }
  } else if (op === 0xd0) {
    sub64(a[0]!, a[1]!, b[0]!, b[1]!, st);
    a[0] = f64Out.lo;
    a[1] = f64Out.hi;
    add64(a[2]!, a[3]!, b[2]!, b[3]!, st);
    a[2] = f64Out.lo;
    a[3] = f64Out.hi;
  } else {
    const f = op === 0x7c ? add64 : sub64;
    f(a[0]!, a[1]!, a[2]!, a[3]!, st);
    a[0] = f64Out.lo;
    a[1] = f64Out.hi;
    f(b[0]!, b[1]!, b[2]!, b[3]!, st);
    a[2] = f64Out.lo;
    a[3] = f64Out.hi;
  }
  storeXmm(c, (mi >> 11) & 7, A);
}

/**
 * 0F 2E/2F: UCOMISS/COMISS (no prefix), UCOMISD/COMISD (66): ZF, PF, CF from the comparison,
 * OF, SF, AF cleared; `signalling` (COMIS) raises IE for quiet NaNs too.
 */
function compareToFlags(c: Cpu, p: number, signalling: boolean): void {
  if (p > P_66) c.raise(EXC_UD);
  const m = fetch8(c);
  const off = decodeRm(c, m);
  checkSse(c);
  loadXmm(c, (m >> 3) & 7, A);
  loadRmAt(c, m, off, B, XMM_BYTES, p === P_NONE ? F32_BYTES : F64_BYTES, false);
  const a = A.u32;
  const b = B.u32;
  const bits =
    p === P_NONE
      ? comi32(a[0]!, b[0]!, signalling, c.fpu)
      : comi64(a[0]!, a[1]!, b[0]!, b[1]!, signalling, c.fpu);
  c.flags = (materialize(c) & ~FLAGS_ARITH) | bits;
}

/**
 * 0F 2A: CVTPI2PS (no prefix: two int32 of an MMX register or m64 to the low two singles),
 * CVTPI2PD (66: to two doubles), CVTSI2SS (F3) and CVTSI2SD (F2) from r/m32.
 */
function convertFromInt(c: Cpu, p: number): void {
  const m = fetch8(c);
  const st = c.fpu;
  const reg = (m >> 3) & 7;
  const a = A.u32;
  if (p === P_F3 || p === P_F2) {
    checkSse(c);
    const v = getE(c, m, 4);
    loadXmm(c, reg, A);
    if (p === P_F3) a[0] = i32ToF32(v, st);
    else {
      i32ToF64(v);
      a[0] = f64Out.lo;
      a[1] = f64Out.hi;
    }
    storeXmm(c, reg, A);
    return;
  }
  const off = decodeRm(c, m);
  enterMmx(c);
  loadMmOperand(c, m, off, B);
  loadXmm(c, reg, A);
  const b = B.u32;
  if (p === P_NONE) {
    a[0] = i32ToF32(b[0]!, st);
    a[1] = i32ToF32(b[1]!, st);
  } else {
    const b1 = b[1]!;
    i32ToF64(b[0]!);
    a[0] = f64Out.lo;
    a[1] = f64Out.hi;
    i32ToF64(b1);
    a[2] = f64Out.lo;
    a[3] = f64Out.hi;
  }
  storeXmm(c, reg, A);
}

/** Loads the MMX register or m64 operand of ModRM `m` (decoded at `off`) into `v`'s low 8 bytes. */
function loadMmOperand(c: Cpu, m: number, off: number, v: Lanes): void {
  if (m >= 0xc0) loadMm(c, m & 7, v);
  else loadRmAt(c, m, off, v, MM_BYTES, MM_BYTES, false);
}

/**
 * 0F 2C (truncating) / 2D (MXCSR.RC): CVT(T)PS2PI (no prefix: the low two singles of an XMM
 * register or m64 to an MMX register), CVT(T)PD2PI (66: two doubles, xmm/m128), CVT(T)SS2SI (F3)
 * and CVT(T)SD2SI (F2) to a 32-bit register. Invalid conversions give 0x80000000.
 */
function convertToInt(c: Cpu, p: number, truncate: boolean): void {
  const m = fetch8(c);
  const off = decodeRm(c, m);
  const st = c.fpu;
  const reg = (m >> 3) & 7;
  const b = B.u32;
  if (p === P_F3 || p === P_F2) {
    checkSse(c);
    loadRmAt(c, m, off, B, XMM_BYTES, p === P_F3 ? F32_BYTES : F64_BYTES, false);
    let r: number;
    if (p === P_F3) r = truncate ? f32ToI32Trunc(b[0]!, st) : f32ToI32(b[0]!, st);
    else r = truncate ? f64ToI32Trunc(b[0]!, b[1]!, st) : f64ToI32(b[0]!, b[1]!, st);
    c.regs[reg] = r;
    return;
  }
  enterMmx(c);
  loadRmAt(c, m, off, B, XMM_BYTES, p === P_NONE ? F64_BYTES : XMM_BYTES, false);
  const a = A.u32;
  if (p === P_NONE) {
    a[0] = truncate ? f32ToI32Trunc(b[0]!, st) : f32ToI32(b[0]!, st);
    a[1] = truncate ? f32ToI32Trunc(b[1]!, st) : f32ToI32(b[1]!, st);
  } else {
    a[0] = truncate ? f64ToI32Trunc(b[0]!, b[1]!, st) : f64ToI32(b[0]!, b[1]!, st);
    a[1] = truncate ? f64ToI32Trunc(b[2]!, b[3]!, st) : f64ToI32(b[2]!, b[3]!, st);
  }
  storeMm(c, reg, A);
}

/**
 * 0F 5A: CVTPS2PD (no prefix: two singles of xmm/m64 to two doubles), CVTPD2PS (66: two doubles
 * to the low two singles, the high quadword zeroed), CVTSS2SD (F3, m32) and CVTSD2SS (F2, m64),
 * which keep the destination's other lanes.
 */
function convertFloat(c: Cpu, p: number): void {
  const m = fetch8(c);
  const off = decodeRm(c, m);
  checkSse(c);
  const st = c.fpu;
  const reg = (m >> 3) & 7;
  loadXmm(c, reg, A);
  const memBytes = p === P_66 ? XMM_BYTES : p === P_F3 ? F32_BYTES : F64_BYTES;
  loadRmAt(c, m, off, B, XMM_BYTES, memBytes, false);
  const a = A.u32;
  const b = B.u32;
  if (p === P_NONE) {
    const b1 = b[1]!;
    f32ToF64(b[0]!, st);
    a[0] = f64Out.lo;
    a[1] = f64Out.hi;
    f32ToF64(b1, st);
    a[2] = f64Out.lo;
    a[3] = f64Out.hi;
  } else if (p === P_66) {
    a[0] = f64ToF32(b[0]!, b[1]!, st);
    a[1] = f64ToF32(b[2]!, b[3]!, st);
    a[2] = 0;
    a[3] = 0;
  } else if (p === P_F3) {
    f32ToF64(b[0]!, st);
    a[0] = f64Out.lo;
    a[1] = f64Out.hi;
  } else a[0] = f64ToF32(b[0]!, b[1]!, st);
  storeXmm(c, reg, A);
}

// The packed int32 conversions of 0F 5B and 0F E6.
const CVT_DQ2PS = 0;
const CVT_PS2DQ = 1;
const CVT_TPS2DQ = 2;
const CVT_DQ2PD = 3;
const CVT_PD2DQ = 4;
const CVT_TPD2DQ = 5;

/**
 * CVTDQ2PS, CVTPS2DQ, CVTTPS2DQ (four lanes, xmm/m128), CVTDQ2PD (two int32 of xmm/m64 to
 * doubles), CVTPD2DQ and CVTTPD2DQ (two doubles to the low two int32, the high quadword zeroed).
 */
function packedConvert(c: Cpu, kind: number): void {
  const m = fetch8(c);
  const off = decodeRm(c, m);
  checkSse(c);
  const st = c.fpu;
  const memBytes = kind === CVT_DQ2PD ? F64_BYTES : XMM_BYTES;
  loadRmAt(c, m, off, B, XMM_BYTES, memBytes, false);
  const a = A.u32;
  const b = B.u32;
  switch (kind) {
    case CVT_DQ2PS:
      for (let i = 0; i < 4; i++) a[i] = i32ToF32(b[i]!, st);
      break;
    case CVT_PS2DQ:
      for (let i = 0; i < 4; i++) a[i] = f32ToI32(b[i]!, st);
      break;
    case CVT_TPS2DQ:
      for (let i = 0; i < 4; i++) a[i] = f32ToI32Trunc(b[i]!, st);
      break;
    case CVT_DQ2PD: {
      const b1 = b[1]!;
      i32ToF64(b[0]!);
      a[0] = f64Out.lo;
      a[1] = f64Out.hi;
      i32ToF64(b1);
      a[2] = f64Out.lo;
      a[3] = f64Out.hi;
      break;
    }
    default: {
      const trunc = kind === CVT_TPD2DQ;
      a[0] = trunc ? f64ToI32Trunc(b[0]!, b[1]!, st) : f64ToI32(b[0]!, b[1]!, st);
      a[1] = trunc ? f64ToI32Trunc(b[2]!, b[3]!, st) : f64ToI32(b[2]!, b[3]!, st);
      a[2] = 0;
      a[3] = 0;
    }
  }
  storeXmm(c, (m >> 3) & 7, A);
}
