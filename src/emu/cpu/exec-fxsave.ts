// Group 15 (0F AE): LDMXCSR/STMXCSR, the fences and CLFLUSH, and FXSAVE and FXRSTOR (/0 and /1):
// the x87 state, MXCSR and XMM0-7 in the 512-byte image (SDM Vol. 2A FXSAVE, Table 3-53), as QEMU 7.2's TCG stores it (fpu_helper.c do_fxsave):
// - FCW, FSW with TOP, and the abridged tag byte with a zero byte after it; FOP (bytes 6-7) and the
//   reserved bytes are left as they were; the instruction and data pointers are written as zeros.
// - ST(0)-ST(7) as 10 bytes in 16-byte slots (the slots' last 6 bytes left as they were).
// - MXCSR, MXCSR_MASK (0xFFFF) and XMM0-7 only when CR4.OSFXSR is set.
// FXRSTOR loads the same fields back (QEMU's do_fxrstor), reading the whole image before it changes
// anything. Both need a 16-byte aligned operand (#GP(0)), raise #NM with CR0.EM or CR0.TS, and are
// #UD on a CPU model without CPUID.FXSR.

import { probeWrite, rdM8, rdM16, rdM32, wrM8, wrM16, wrM32 } from "./access.ts";
import type { Cpu } from "./cpu.ts";
import { fetch8 } from "./decode.ts";
import { Float80 } from "./fpu/floatx80-parts.ts";
import { XMM_REG_BYTES } from "./fpu-registers.ts";
import { memEA } from "./operands.ts";
import { CR0_EM, CR0_TS, CR4_OSFXSR, EXC_GP, EXC_NM, EXC_UD } from "./state.ts";

/** CPUID.1:EDX bits: CLFLUSH, FXSAVE/FXRSTOR, SSE, SSE2. */
const CPUID_CLFSH = 1 << 19;
const CPUID_FXSR = 1 << 24;
const CPUID_SSE = 1 << 25;
const CPUID_SSE2 = 1 << 26;
/** The image's size and required alignment. */
const IMAGE_BYTES = 512;
const IMAGE_ALIGN = 16;
/** Field offsets in the image. */
const AT_FCW = 0;
const AT_FSW = 2;
const AT_FTW = 4;
/** FIP, FCS, FDP and FDS: 16 bytes QEMU writes as zeros. */
const AT_POINTERS = 8;
const AT_MXCSR = 24;
const AT_MXCSR_MASK = 28;
const AT_ST0 = 32;
const AT_XMM0 = 160;
/** Bytes between consecutive ST(i) slots. */
const ST_SLOT_BYTES = 16;
/** The MXCSR bits software may set, stored as MXCSR_MASK (QEMU's constant). */
const MXCSR_MASK = 0xffff;

const scratch = new Float80();
/** FXRSTOR's image of ST(0)-ST(7): lo, hi, se per register, read before anything changes. */
const loaded = new Int32Array(24);
/** FXRSTOR's image of XMM0-7. */
const loadedXmm = new Uint8Array(8 * XMM_REG_BYTES);

/**
 * 0F AE (group 15): /0 FXSAVE, /1 FXRSTOR, /2 LDMXCSR, /3 STMXCSR, /7 CLFLUSH with a memory
 * operand; LFENCE, MFENCE and SFENCE (/5, /6, /7 with a register operand). Every other form is #UD.
 */
export function group15(c: Cpu): void {
  const m = fetch8(c);
  const reg = (m >> 3) & 7;
  if (m >= 0xc0) {
    fence(c, reg);
    return;
  }
  if (reg === 2 || reg === 3) {
    mxcsrAccess(c, m, reg === 2);
    return;
  }
  if (reg === 7) {
    // CLFLUSH (CLFLUSHOPT with 66): decoded, no access; #UD without the CPUID bit.
    if (c.o32 !== c.code32 || (c.cpuid.featuresEdx & CPUID_CLFSH) === 0) c.raise(EXC_UD);
    memEA(c, m);
    return;
  }
  if (reg > 1 || (c.cpuid.featuresEdx & CPUID_FXSR) === 0) c.raise(EXC_UD);
  if (c.cr0 & (CR0_EM | CR0_TS)) c.raise(EXC_NM);
  const off = memEA(c, m);
  const seg = c.eaSeg;
  if (((c.segBase[seg] + off) & (IMAGE_ALIGN - 1)) !== 0) c.raise(EXC_GP, 0);
  if (reg === 0) fxsave(c, seg, off);
  else fxrstor(c, seg, off);
}

/**
 * LFENCE (/5) and SFENCE (/7) need CPUID.SSE, MFENCE (/6) CPUID.SSE2, as QEMU 7.2 gates them (the
 * SDM has LFENCE with SSE2); they order nothing in a single-threaded interpreter.
 */
function fence(c: Cpu, reg: number): void {
  const need = reg === 6 ? CPUID_SSE2 : CPUID_SSE;
  if (reg < 5 || (c.cpuid.featuresEdx & need) === 0) c.raise(EXC_UD);
  // 66 0F AE /7 with a register operand is not SFENCE (QEMU: #UD); 66 LFENCE/MFENCE run.
  if (reg === 7 && c.o32 !== c.code32) c.raise(EXC_UD);
}

/**
 * LDMXCSR m32 / STMXCSR m32: #UD with CR0.EM or without CR4.OSFXSR, then #NM with CR0.TS (QEMU's
 * order). QEMU 7.2 loads reserved bits without the #GP(0) the SDM requires.
 */
function mxcsrAccess(c: Cpu, m: number, load: boolean): void {
  if (c.cr0 & CR0_EM || (c.cr4 & CR4_OSFXSR) === 0) c.raise(EXC_UD);
  if (c.cr0 & CR0_TS) c.raise(EXC_NM);
  const off = memEA(c, m);
  const seg = c.eaSeg;
  if (load) {
    c.fpu.mxcsr = rdM32(c, seg, off) >>> 0;
  } else {
    wrM32(c, seg, off, c.fpu.mxcsr);
  }
}

/** The offset `delta` bytes past `off` (wrapping at 64 KiB with a 16-bit address size). */
function at(c: Cpu, off: number, delta: number): number {
  return c.a32 ? (off + delta) >>> 0 : (off + delta) & 0xffff;
}

/** FXSAVE to seg:off (aligned; probed whole before the first byte is written). */
function fxsave(c: Cpu, seg: number, off: number): void {
  probeWrite(c, seg, off, IMAGE_BYTES);
  const x = c.x87;
  const r = c.fpu;
  wrM16(c, seg, at(c, off, AT_FCW), r.fcw);
  wrM16(c, seg, at(c, off, AT_FSW), x.status());
  wrM16(c, seg, at(c, off, AT_FTW), x.abridgedTags());
  for (let k = 0; k < 4; k++) {
    wrM32(c, seg, at(c, off, AT_POINTERS + 4 * k), 0);
  }
  for (let i = 0; i < 8; i++) {
    x.read(i, scratch);
    const slot = AT_ST0 + ST_SLOT_BYTES * i;
    wrM32(c, seg, at(c, off, slot), scratch.lo);
    wrM32(c, seg, at(c, off, slot + 4), scratch.hi);
    wrM16(c, seg, at(c, off, slot + 8), scratch.se);
  }
  if ((c.cr4 & CR4_OSFXSR) === 0) return;
  wrM32(c, seg, at(c, off, AT_MXCSR), r.mxcsr);
  wrM32(c, seg, at(c, off, AT_MXCSR_MASK), MXCSR_MASK);
  for (let b = 0; b < r.xmm.length; b++) wrM8(c, seg, at(c, off, AT_XMM0 + b), r.xmm[b]!);
}

/** FXRSTOR from seg:off (aligned): reads every field first, so a fault changes nothing. */
function fxrstor(c: Cpu, seg: number, off: number): void {
  const x = c.x87;
  const r = c.fpu;
  const withSse = (c.cr4 & CR4_OSFXSR) !== 0;
  const fcw = rdM16(c, seg, at(c, off, AT_FCW));
  const fsw = rdM16(c, seg, at(c, off, AT_FSW));
  const tags = rdM8(c, seg, at(c, off, AT_FTW));
  for (let i = 0; i < 8; i++) {
    const slot = AT_ST0 + ST_SLOT_BYTES * i;
    loaded[3 * i] = rdM32(c, seg, at(c, off, slot));
    loaded[3 * i + 1] = rdM32(c, seg, at(c, off, slot + 4));
    loaded[3 * i + 2] = rdM16(c, seg, at(c, off, slot + 8));
  }
  let mxcsr = r.mxcsr;
  if (withSse) {
    mxcsr = rdM32(c, seg, at(c, off, AT_MXCSR));
    for (let b = 0; b < loadedXmm.length; b++) loadedXmm[b] = rdM8(c, seg, at(c, off, AT_XMM0 + b));
  }
  x.loadControl(fcw);
  x.loadStatus(fsw);
  for (let i = 0; i < 8; i++) {
    x.loadPhysical(x.physicalOf(i), loaded[3 * i + 2]! & 0xffff, loaded[3 * i + 1]!, loaded[3 * i]!);
  }
  x.loadAbridgedTags(tags);
  if (withSse) {
    r.mxcsr = mxcsr >>> 0;
    r.xmm.set(loadedXmm);
  }
}
