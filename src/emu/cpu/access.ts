// Memory accesses as instructions make them: linear reads/writes through the TLB at the current
// privilege, segmented reads/writes with the cached segment's limit and type checks (#GP(0), or
// #SS(0) for SS), and the stack. Fast paths are one TLB array read plus buffer accesses at
// `((n << 12) | offset) >>> 0`, n = ~entry being the buffer page number (mmu.ts).

import type { Cpu } from "./cpu.ts";
import { readSlow, translate, writeSlow } from "./mmu.ts";
import { ESP, EXC_GP, EXC_SS, SS } from "./state.ts";

/** Raises the fault for a segment limit/type violation on `seg`. */
export function segFault(c: Cpu, seg: number): never {
  return c.raise(seg === SS ? EXC_SS : EXC_GP, 0);
}

/** The little-endian dword at buffer index i (int32), through the buffer's DataView (Cpu.view). */
export function bufRead32(view: DataView, i: number): number {
  return view.getInt32(i, true);
}

/** Stores dword v little-endian at buffer index i, through the buffer's DataView (Cpu.view). */
export function bufWrite32(view: DataView, i: number, v: number): void {
  view.setInt32(i, v, true);
}

/** Linear byte read at the current privilege. */
export function rdL8(c: Cpu, lin: number): number {
  const n = ~c.tlbR[lin >>> 12];
  if (n >= 0) return c.buf[((n << 12) | (lin & 0xfff)) >>> 0];
  return readSlow(c, lin, 1, c.cpl === 3);
}

/** Linear word read at the current privilege. */
export function rdL16(c: Cpu, lin: number): number {
  const p = lin & 0xfff;
  const n = ~c.tlbR[lin >>> 12];
  if (n >= 0 && p !== 0xfff) return c.view.getUint16(((n << 12) | p) >>> 0, true);
  return readSlow(c, lin, 2, c.cpl === 3);
}

/** Linear dword read at the current privilege (returned as int32). */
export function rdL32(c: Cpu, lin: number): number {
  const p = lin & 0xfff;
  const n = ~c.tlbR[lin >>> 12];
  if (n >= 0 && p <= 0xffc) return bufRead32(c.view, ((n << 12) | p) >>> 0);
  return readSlow(c, lin, 4, c.cpl === 3) | 0;
}

/** Linear byte write at the current privilege. */
export function wrL8(c: Cpu, lin: number, v: number): void {
  const n = ~c.tlbW[lin >>> 12];
  if (n >= 0) {
    c.buf[((n << 12) | (lin & 0xfff)) >>> 0] = v;
    return;
  }
  writeSlow(c, lin, 1, v & 0xff, c.cpl === 3);
}

/** Linear word write at the current privilege. */
export function wrL16(c: Cpu, lin: number, v: number): void {
  const p = lin & 0xfff;
  const n = ~c.tlbW[lin >>> 12];
  if (n >= 0 && p !== 0xfff) {
    c.view.setUint16(((n << 12) | p) >>> 0, v, true);
    return;
  }
  writeSlow(c, lin, 2, v & 0xffff, c.cpl === 3);
}

/** Linear dword write at the current privilege. */
export function wrL32(c: Cpu, lin: number, v: number): void {
  const p = lin & 0xfff;
  const n = ~c.tlbW[lin >>> 12];
  if (n >= 0 && p <= 0xffc) {
    bufWrite32(c.view, ((n << 12) | p) >>> 0, v);
    return;
  }
  writeSlow(c, lin, 4, v, c.cpl === 3);
}

/** Supervisor (system) linear accesses: descriptor tables and the TSS, whatever the CPL. */
export function rdSys(c: Cpu, lin: number, size: 1 | 2 | 4): number {
  lin |= 0;
  const p = lin & 0xfff;
  const n = ~c.tlb.readSup[lin >>> 12];
  if (n >= 0 && p + size <= 0x1000) {
    const b = c.buf;
    const i = ((n << 12) | p) >>> 0;
    if (size === 1) return b[i];
    if (size === 2) return b[i] | (b[i + 1] << 8);
    return (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)) >>> 0;
  }
  return readSlow(c, lin, size, false);
}

/** Supervisor linear write. */
export function wrSys(c: Cpu, lin: number, size: 1 | 2 | 4, v: number): void {
  lin |= 0;
  const p = lin & 0xfff;
  const n = ~c.tlb.writeSup[lin >>> 12];
  if (n >= 0 && p + size <= 0x1000) {
    const b = c.buf;
    const i = ((n << 12) | p) >>> 0;
    b[i] = v;
    if (size >= 2) b[i + 1] = v >> 8;
    if (size === 4) {
      b[i + 2] = v >> 16;
      b[i + 3] = v >> 24;
    }
    return;
  }
  writeSlow(c, lin, size, size === 4 ? v >>> 0 : v & (size === 1 ? 0xff : 0xffff), false);
}

// Segmented accesses: `off` is the unsigned effective address (already wrapped to the address size).

/** Byte read at seg:off. */
export function rdM8(c: Cpu, seg: number, off: number): number {
  if (off < c.segRLo[seg] || off > c.segRHi[seg]) segFault(c, seg);
  return rdL8(c, (c.segBase[seg] + off) | 0);
}

/**
 * Word read at seg:off. A word at offset 0xFFFF of a 64 KiB segment ends past the limit: #GP(0)
 * (#SS(0) for SS), in real mode too, as a 386 raises it. QEMU's TCG does not check real-mode
 * limits and reads the bytes at base+0xFFFF and base+0x10000: a deliberate difference, which
 * `pcscope diff --against qemu` reports (firmware/tests/diff/wrap.asm).
 */
export function rdM16(c: Cpu, seg: number, off: number): number {
  if (off < c.segRLo[seg] || off + 1 > c.segRHi[seg]) segFault(c, seg);
  return rdL16(c, (c.segBase[seg] + off) | 0);
}

/** Dword read at seg:off (int32). */
export function rdM32(c: Cpu, seg: number, off: number): number {
  if (off < c.segRLo[seg] || off + 3 > c.segRHi[seg]) segFault(c, seg);
  return rdL32(c, (c.segBase[seg] + off) | 0);
}

/** Byte write at seg:off. */
export function wrM8(c: Cpu, seg: number, off: number, v: number): void {
  if (off < c.segWLo[seg] || off > c.segWHi[seg]) segFault(c, seg);
  wrL8(c, (c.segBase[seg] + off) | 0, v);
}

/** Word write at seg:off. */
export function wrM16(c: Cpu, seg: number, off: number, v: number): void {
  if (off < c.segWLo[seg] || off + 1 > c.segWHi[seg]) segFault(c, seg);
  wrL16(c, (c.segBase[seg] + off) | 0, v);
}

/** Dword write at seg:off. */
export function wrM32(c: Cpu, seg: number, off: number, v: number): void {
  if (off < c.segWLo[seg] || off + 3 > c.segWHi[seg]) segFault(c, seg);
  wrL32(c, (c.segBase[seg] + off) | 0, v);
}

/**
 * Checks that `size` bytes at seg:off can be written (segment limit/type, then every page touched,
 * with the fault a write there would raise) without writing. Read-modify-write instructions call
 * it after their read and before changing flags or registers, so a faulting write leaves the
 * instruction without effect, as on the real CPU (and QEMU).
 */
export function probeWrite(c: Cpu, seg: number, off: number, size: number): void {
  if (off < c.segWLo[seg] || off + size - 1 > c.segWHi[seg]) segFault(c, seg);
  const lin = (c.segBase[seg] + off) | 0;
  if (~c.tlbW[lin >>> 12] >= 0 && (lin & 0xfff) <= 0x1000 - size) return;
  const user = c.cpl === 3;
  translate(c, lin, true, user);
  const last = (lin + size - 1) | 0;
  if (last >>> 12 !== lin >>> 12) translate(c, last, true, user);
}

/**
 * Buffer index of the `size` bytes at seg:off when a read-modify-write can work on them in place:
 * the segment allows writing there (so reading too) and they sit in one page the TLB holds as
 * readable and writable at the current privilege. -1 otherwise: the caller takes the checked
 * path, which raises the right fault. Watched, ROM and MMIO pages are never writable in the TLB.
 */
export function rmwIndex(c: Cpu, seg: number, off: number, size: number): number {
  if (off < c.segWLo[seg] || off + size - 1 > c.segWHi[seg]) return -1;
  const lin = (c.segBase[seg] + off) | 0;
  const n = ~c.tlbW[lin >>> 12];
  const p = lin & 0xfff;
  // The read entry too: a page with a read watch has a write entry but no read entry.
  return n >= 0 && ~c.tlbR[lin >>> 12] >= 0 && p <= 0x1000 - size ? ((n << 12) | p) >>> 0 : -1;
}

/** Checks that seg:off..off+len-1 is writable without writing (for multi-part stores). */
export function checkWrite(c: Cpu, seg: number, off: number, len: number): void {
  if (off < c.segWLo[seg] || off + len - 1 > c.segWHi[seg]) segFault(c, seg);
}

/** Pushes a word on SS:(E)SP; ESP changes only if the write succeeds. */
export function push16(c: Cpu, v: number): void {
  const esp = c.regs[ESP];
  if (c.stack32) {
    const n = (esp - 2) >>> 0;
    wrM16(c, SS, n, v);
    c.regs[ESP] = n;
  } else {
    const n = (esp - 2) & 0xffff;
    wrM16(c, SS, n, v);
    c.r16[ESP << 1] = n;
  }
}

/** Pushes a dword on SS:(E)SP. */
export function push32(c: Cpu, v: number): void {
  const esp = c.regs[ESP];
  if (c.stack32) {
    const n = (esp - 4) >>> 0;
    wrM32(c, SS, n, v);
    c.regs[ESP] = n;
  } else {
    const n = (esp - 4) & 0xffff;
    wrM32(c, SS, n, v);
    c.r16[ESP << 1] = n;
  }
}

/** Pops a word from SS:(E)SP. */
export function pop16(c: Cpu): number {
  if (c.stack32) {
    const esp = c.regs[ESP] >>> 0;
    const v = rdM16(c, SS, esp);
    c.regs[ESP] = esp + 2;
    return v;
  }
  const sp = c.r16[ESP << 1];
  const v = rdM16(c, SS, sp);
  c.r16[ESP << 1] = sp + 2;
  return v;
}

/** Pops a dword from SS:(E)SP (int32). */
export function pop32(c: Cpu): number {
  if (c.stack32) {
    const esp = c.regs[ESP] >>> 0;
    const v = rdM32(c, SS, esp);
    c.regs[ESP] = esp + 4;
    return v;
  }
  const sp = c.r16[ESP << 1];
  const v = rdM32(c, SS, sp);
  c.r16[ESP << 1] = sp + 4;
  return v;
}

/** Reads the stack at (E)SP + delta without popping (for POPF-style checks and RET imm). */
export function stackOffset(c: Cpu, delta: number): number {
  return c.stack32 ? (c.regs[ESP] + delta) >>> 0 : (c.regs[ESP] + delta) & 0xffff;
}

/** Adds `delta` to (E)SP honouring the stack size. */
export function adjustSp(c: Cpu, delta: number): void {
  if (c.stack32) c.regs[ESP] = c.regs[ESP] + delta;
  else c.r16[ESP << 1] = c.r16[ESP << 1] + delta;
}
