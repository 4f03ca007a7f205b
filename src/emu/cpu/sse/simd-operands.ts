// Operands of the MMX and SSE instructions: the MMX registers (the low 64 bits of the x87 data
// registers), the XMM registers, their ModRM forms and memory operands of 4, 8 or 16 bytes, and the
// checks that gate execution (CR0.TS, CR0.EM, CR4.OSFXSR) as QEMU 7.2's TCG orders them.
//
// Instructions work on three scratch vectors (A: destination and result, B: source, T: temporary),
// each viewed as lanes of every width, so one implementation serves the 8-byte MMX and the 16-byte
// SSE form of an operation without allocating.

import { probeWrite, rdM32, wrM32 } from "../access.ts";
import type { Cpu } from "../cpu.ts";
import { modrmEA } from "../decode.ts";
import {
  type FpuRegisters,
  FSW_TOP_MASK,
  FTW_ALL_EMPTY,
  X87_REG_BYTES,
  XMM_REG_BYTES,
} from "../fpu-registers.ts";
import { CR0_EM, CR0_TS, CR4_OSFXSR, EXC_GP, EXC_NM, EXC_UD } from "../state.ts";

/** Bytes of an MMX register and of an XMM register. */
export const MM_BYTES = 8;
export const XMM_BYTES = XMM_REG_BYTES;
/** Bytes in a page (stores are checked page by page). */
const PAGE_BYTES = 0x1000;
/** FTW with every register tagged valid: what an MMX instruction leaves. */
const FTW_ALL_VALID = 0;

/** One 128-bit value seen as lanes of every width (little-endian, as the registers are stored). */
export class Lanes {
  readonly u8 = new Uint8Array(16);
  readonly i8 = new Int8Array(this.u8.buffer);
  readonly u16 = new Uint16Array(this.u8.buffer);
  readonly i16 = new Int16Array(this.u8.buffer);
  readonly i32 = new Int32Array(this.u8.buffer);
  readonly u32 = new Uint32Array(this.u8.buffer);

  /** Copies all 16 bytes of `o`. */
  copy(o: Lanes): void {
    this.u8.set(o.u8);
  }

  /** Sets bytes [from, 16) to zero. */
  clearFrom(from: number): void {
    this.u8.fill(0, from);
  }
}

/** The destination (and result), the source, and a temporary. */
export const A = new Lanes();
export const B = new Lanes();
export const T = new Lanes();

/**
 * The checks before an MMX-form instruction (QEMU 7.2: CR0.TS gives #NM before CR0.EM gives #UD;
 * no CPUID.MMX check, so the MMX forms run on every model as under QEMU's TCG).
 */
export function checkMmx(c: Cpu): void {
  if (c.cr0 & CR0_TS) c.raise(EXC_NM);
  if (c.cr0 & CR0_EM) c.raise(EXC_UD);
}

/** Checks an MMX-form instruction, then enters MMX mode: TOP = 0 and every tag valid (QEMU's enter_mmx). */
export function beginMmx(c: Cpu): void {
  checkMmx(c);
  enterMmx(c);
}

/** MMX mode: FSW.TOP = 0 and every register tagged valid. */
export function enterMmx(c: Cpu): void {
  c.fpu.fsw &= ~FSW_TOP_MASK;
  c.fpu.ftw = FTW_ALL_VALID;
}

/** EMMS: every x87 register tagged empty (TOP kept, as QEMU's helper_emms). */
export function emptyMmx(c: Cpu): void {
  c.fpu.ftw = FTW_ALL_EMPTY;
}

/**
 * The checks before an SSE instruction (any XMM operand or a 66/F2/F3 form): #UD without
 * CR4.OSFXSR, then #NM with CR0.TS, then #UD with CR0.EM (QEMU 7.2's order; the SDM puts EM
 * first). There is no CPUID check here: QEMU 7.2's TCG runs SSE2 forms on a model without SSE2
 * (the SSE3 forms check CPUID, exec-simd.ts needSse3), and a model without SSE cannot set
 * CR4.OSFXSR (system/control.ts).
 */
export function checkSse(c: Cpu): void {
  if ((c.cr4 & CR4_OSFXSR) === 0) c.raise(EXC_UD);
  if (c.cr0 & CR0_TS) c.raise(EXC_NM);
  if (c.cr0 & CR0_EM) c.raise(EXC_UD);
}

/** The register file the views below were made for, and its data (x87/MMX) and XMM bytes as words. */
let viewed: FpuRegisters | null = null;
let data16 = new Uint16Array(0);
let xmm32 = new Int32Array(0);

/** Points data16/xmm32 at `c`'s register file (a pointer test after the first call). */
function view(c: Cpu): void {
  const f = c.fpu;
  if (f === viewed) return;
  viewed = f;
  data16 = new Uint16Array(f.data.buffer, f.data.byteOffset, f.data.length >> 1);
  xmm32 = new Int32Array(f.xmm.buffer, f.xmm.byteOffset, f.xmm.length >> 2);
}

/** Loads MMX register r (physical x87 register r's significand) into lanes 0-7 of `v`. */
export function loadMm(c: Cpu, r: number, v: Lanes): void {
  view(c);
  const at = (r * X87_REG_BYTES) >> 1;
  const w = v.u16;
  w[0] = data16[at]!;
  w[1] = data16[at + 1]!;
  w[2] = data16[at + 2]!;
  w[3] = data16[at + 3]!;
}

/**
 * Stores lanes 0-7 of `v` in MMX register r. Only the significand is written: QEMU 7.2 leaves the
 * sign and exponent as they were (the SDM sets them to all ones). `bytes` = 10 writes lanes 8-9
 * over the sign and exponent too.
 */
export function storeMm(c: Cpu, r: number, v: Lanes, bytes = MM_BYTES): void {
  view(c);
  const at = (r * X87_REG_BYTES) >> 1;
  const w = v.u16;
  for (let i = 0; i < bytes >> 1; i++) data16[at + i] = w[i]!;
}

/** Loads XMM register r into `v`. */
export function loadXmm(c: Cpu, r: number, v: Lanes): void {
  view(c);
  const at = r << 2;
  const d = v.i32;
  d[0] = xmm32[at]!;
  d[1] = xmm32[at + 1]!;
  d[2] = xmm32[at + 2]!;
  d[3] = xmm32[at + 3]!;
}

/** Stores the first `bytes` (4, 8 or 16) bytes of `v` in XMM register r (the rest is kept). */
export function storeXmm(c: Cpu, r: number, v: Lanes, bytes = XMM_BYTES): void {
  view(c);
  const at = r << 2;
  const d = v.i32;
  for (let i = 0; i < bytes >> 2; i++) xmm32[at + i] = d[i]!;
}

/** Loads register r of the kind `bytes` selects (8: MMX, 16: XMM). */
export function loadVec(c: Cpu, r: number, v: Lanes, bytes: number): void {
  if (bytes === XMM_BYTES) loadXmm(c, r, v);
  else loadMm(c, r, v);
}

/** Stores register r of the kind `bytes` selects (8: MMX, 16: XMM, whole register). */
export function storeVec(c: Cpu, r: number, v: Lanes, bytes: number): void {
  if (bytes === XMM_BYTES) storeXmm(c, r, v);
  else storeMm(c, r, v);
}

/**
 * The offset `delta` bytes past `off`, not wrapped at 64 KiB: a 16-byte operand that runs past
 * the end of a 16-bit segment exceeds its limit (#GP or #SS, as on the CPU; QEMU checks no limits
 * and reads on linearly).
 */
export function offsetBy(off: number, delta: number): number {
  return off + delta;
}

/** #GP(0) unless the linear address of seg:off is 16-byte aligned. */
export function checkAligned16(c: Cpu, seg: number, off: number): void {
  if (((c.segBase[seg] + off) & 15) !== 0) c.raise(EXC_GP, 0);
}

/** Reads `bytes` (4, 8 or 16) at seg:off into `v`'s first lanes (the other lanes are kept). */
export function readVec(c: Cpu, seg: number, off: number, v: Lanes, bytes: number): void {
  for (let k = 0; k < bytes; k += 4) v.i32[k >> 2] = rdM32(c, seg, offsetBy(off, k));
}

/**
 * Writes `v`'s first `bytes` (4, 8 or 16) at seg:off as QEMU 7.2 stores them: in 8-byte parts,
 * each checked whole before it is written (both pages when it crosses a page boundary, the fault
 * naming the first byte of the second page), so a 16-byte store that faults in its second half
 * has written its first.
 */
export function writeVec(c: Cpu, seg: number, off: number, v: Lanes, bytes: number): void {
  if (bytes === 4) {
    wrM32(c, seg, off, v.i32[0]!);
    return;
  }
  for (let k = 0; k < bytes; k += 8) {
    const at = offsetBy(off, k);
    probe8(c, seg, at);
    wrM32(c, seg, at, v.i32[k >> 2]!);
    wrM32(c, seg, offsetBy(at, 4), v.i32[(k >> 2) + 1]!);
  }
}

/** Checks that the 8 bytes at seg:off can be written, page by page, without writing. */
function probe8(c: Cpu, seg: number, off: number): void {
  const inFirstPage = PAGE_BYTES - ((c.segBase[seg]! + off) & (PAGE_BYTES - 1));
  if (inFirstPage >= 8) {
    probeWrite(c, seg, off, 8);
    return;
  }
  probeWrite(c, seg, off, inFirstPage);
  probeWrite(c, seg, offsetBy(off, inFirstPage), 8 - inFirstPage);
}

/**
 * Decodes the r/m operand of ModRM `m`: its offset (c.eaSeg set) for a memory operand, -1 for a
 * register. Instructions with an immediate decode first, fetch the immediate, then access.
 */
export function decodeRm(c: Cpu, m: number): number {
  return m >= 0xc0 ? -1 : modrmEA(c, m);
}

/**
 * Loads the r/m operand of ModRM `m` decoded at `off` (decodeRm) into `v`: register rm of the kind
 * `regBytes` selects, or `memBytes` from memory (16-byte operands need alignment when `aligned`).
 * Memory leaves the lanes past `memBytes` as they were.
 */
export function loadRmAt(
  c: Cpu,
  m: number,
  off: number,
  v: Lanes,
  regBytes: number,
  memBytes: number,
  aligned: boolean,
): void {
  if (m >= 0xc0) {
    loadVec(c, m & 7, v, regBytes);
    return;
  }
  const seg = c.eaSeg;
  if (aligned && memBytes === XMM_BYTES) checkAligned16(c, seg, off);
  readVec(c, seg, off, v, memBytes);
}

/** decodeRm then loadRmAt, for instructions without an immediate. */
export function loadRm(
  c: Cpu,
  m: number,
  v: Lanes,
  regBytes: number,
  memBytes: number,
  aligned: boolean,
): void {
  loadRmAt(c, m, decodeRm(c, m), v, regBytes, memBytes, aligned);
}

/**
 * Stores `v` in the r/m operand of ModRM `m`: the whole register rm of the kind `regBytes`
 * selects, or `memBytes` to memory (aligned when `aligned` and 16 bytes).
 */
export function storeRm(
  c: Cpu,
  m: number,
  v: Lanes,
  regBytes: number,
  memBytes: number,
  aligned: boolean,
): void {
  if (m >= 0xc0) {
    storeVec(c, m & 7, v, regBytes);
    return;
  }
  const off = modrmEA(c, m);
  const seg = c.eaSeg;
  if (aligned && memBytes === XMM_BYTES) checkAligned16(c, seg, off);
  writeVec(c, seg, off, v, memBytes);
}
