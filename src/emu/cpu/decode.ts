// Instruction fetch and ModRM/SIB decoding. An instruction's bytes are read from a window of the
// host buffer when the whole instruction fits in one cached code page inside the CS limit
// (the common case); otherwise each byte goes through the checked slow path, which raises #GP for
// the CS limit or an instruction longer than 15 bytes, and #PF for a missing code page.

import type { Cpu } from "./cpu.ts";
import { type DecodedInsn, decodeInsn } from "./decoder.ts";
import { physRead, translate } from "./mmu.ts";
import { DS, EBP, EBX, EDI, ESI, EXC_GP, SS } from "./state.ts";

/** The longest legal instruction. */
export const MAX_INSN = 15;

/**
 * Starts decoding the instruction at CS:EIP (linear `lin`) when the run loop's fast case does not
 * apply (TLB miss, near a page end or the CS limit): records its start and opens a fetch window
 * that stops at the page end or the CS limit (possibly empty, so every byte is checked).
 */
export function beginInsnSlow(c: Cpu, lin: number): void {
  const eip = c.eip;
  c.startEip = eip;
  c.fp = 0;
  c.fpStart = 0;
  c.fpEnd = 0;
  if (eip > c.csLimit) return;
  translate(c, lin, false, c.cpl === 3);
  const o = ~c.tlbR[lin >>> 12];
  if (o < 0) return;
  const p = lin & 0xfff;
  let n = 0x1000 - p;
  if (n > MAX_INSN) n = MAX_INSN;
  const room = c.csLimit - eip + 1;
  if (room < n) n = room;
  c.fp = ((o << 12) | p) >>> 0;
  c.fpStart = c.fp;
  c.fpEnd = c.fp + n;
}

/** Fetches one byte outside the window: checks length, CS limit and paging for it. */
function fetchSlow(c: Cpu): number {
  const n = c.fp - c.fpStart;
  if (n >= MAX_INSN) c.raise(EXC_GP, 0);
  const off = c.startEip + n;
  if (off > c.csLimit) c.raise(EXC_GP, 0);
  const lin = (c.csBase + off) | 0;
  c.fp++;
  const o = ~c.tlbR[lin >>> 12];
  if (o >= 0) return c.buf[((o << 12) | (lin & 0xfff)) >>> 0];
  return physRead(c, translate(c, lin, false, c.cpl === 3), 1);
}

/** Next instruction byte. */
export function fetch8(c: Cpu): number {
  const p = c.fp;
  if (p >= c.fpEnd) return fetchSlow(c);
  c.fp = p + 1;
  return c.buf[p];
}

/** Next byte sign-extended. */
export function fetch8s(c: Cpu): number {
  return (fetch8(c) << 24) >> 24;
}

/** Next little-endian word. */
export function fetch16(c: Cpu): number {
  const p = c.fp;
  if (p + 2 > c.fpEnd) return fetch8(c) | (fetch8(c) << 8);
  c.fp = p + 2;
  const b = c.buf;
  return b[p] | (b[p + 1] << 8);
}

/** Next little-endian dword (int32). */
export function fetch32(c: Cpu): number {
  const p = c.fp;
  if (p + 4 > c.fpEnd) return fetch8(c) | (fetch8(c) << 8) | (fetch8(c) << 16) | (fetch8(c) << 24);
  c.fp = p + 4;
  const b = c.buf;
  return b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24);
}

/** Next immediate of the operand size: a word or a dword. */
export function fetchImm(c: Cpu): number {
  return c.o32 ? fetch32(c) : fetch16(c);
}

/** The bytes of an instruction that does not fit in the fetch window (see decodeCurrent). */
const gathered = new Uint8Array(MAX_INSN);

/**
 * Decodes the whole instruction being executed (from its first prefix) into `d` with the
 * decoder's table, leaving the fetch position where it was. Bytes the window does not hold are
 * fetched as the handlers would fetch them, so a missing page, the CS limit or a 16th byte faults
 * (#PF at the first byte not mapped, #GP) before anything else of the instruction happens.
 */
export function decodeCurrent(c: Cpu, d: DecodedInsn): void {
  decodeInsn(d, c.buf, c.fpStart, c.fpEnd, c.code32);
  if (d.len <= MAX_INSN) return;
  const save = c.fp;
  c.fp = c.fpStart;
  let n = 0;
  do {
    gathered[n++] = fetch8(c);
    decodeInsn(d, gathered, 0, n, c.code32);
  } while (d.len > MAX_INSN);
  c.fp = save;
}

/** Makes EIP point after the bytes fetched so far (before pushing it or jumping). */
export function commitEip(c: Cpu): void {
  c.eip = ((c.eip + (c.fp - c.fpStart)) & c.ipMask) >>> 0;
  c.fpStart = c.fp;
}

/** Sets EIP to a near branch target (masked to 16 bits for a 16-bit operand size); #GP(0) beyond the CS limit. */
export function jumpTo(c: Cpu, target: number): void {
  const t = c.o32 ? target >>> 0 : target & 0xffff;
  if (t > c.csLimit) c.raise(EXC_GP, 0);
  c.eip = t;
  c.fpStart = c.fp;
}

/**
 * Decodes the memory operand of ModRM byte `m` (mod != 3) and its SIB/displacement bytes.
 * Returns the offset wrapped to the address size; sets c.eaSeg to the segment to use.
 */
export function modrmEA(c: Cpu, m: number): number {
  return c.a32 ? ea32(c, m) : ea16(c, m);
}

function ea16(c: Cpu, m: number): number {
  const r = c.regs;
  const mod = m >> 6;
  let off: number;
  let seg = DS;
  switch (m & 7) {
    case 0:
      off = r[EBX] + r[ESI];
      break;
    case 1:
      off = r[EBX] + r[EDI];
      break;
    case 2:
      off = r[EBP] + r[ESI];
      seg = SS;
      break;
    case 3:
      off = r[EBP] + r[EDI];
      seg = SS;
      break;
    case 4:
      off = r[ESI];
      break;
    case 5:
      off = r[EDI];
      break;
    case 6:
      if (mod === 0) {
        off = fetch16(c);
      } else {
        off = r[EBP];
        seg = SS;
      }
      break;
    default:
      off = r[EBX];
      break;
  }
  if (mod === 1) off += fetch8s(c);
  else if (mod === 2) off += fetch16(c);
  c.eaSeg = c.segOvr >= 0 ? c.segOvr : seg;
  return off & 0xffff;
}

function ea32(c: Cpu, m: number): number {
  const r = c.regs;
  const mod = m >> 6;
  const rm = m & 7;
  let off: number;
  let seg = DS;
  if (rm === 4) {
    const sib = fetch8(c);
    const base = sib & 7;
    const idx = (sib >> 3) & 7;
    if (base === 5 && mod === 0) {
      off = fetch32(c);
    } else {
      off = r[base];
      if (base === 4 || base === 5) seg = SS;
    }
    if (idx !== 4) off += r[idx] * (1 << (sib >> 6));
  } else if (rm === 5 && mod === 0) {
    off = fetch32(c);
  } else {
    off = r[rm];
    if (rm === 5) seg = SS;
  }
  if (mod === 1) off += fetch8s(c);
  else if (mod === 2) off += fetch32(c);
  c.eaSeg = c.segOvr >= 0 ? c.segOvr : seg;
  return off >>> 0;
}

/** Index into Cpu.r8 of 8-bit register r (AL, CL, DL, BL, AH, CH, DH, BH). */
export const REG8 = new Uint8Array([0, 4, 8, 12, 1, 5, 9, 13]);
