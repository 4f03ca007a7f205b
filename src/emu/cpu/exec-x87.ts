// The x87 escape opcodes D8-DF and FWAIT: decodes ModRM, reads memory operands (faulting before any
// FPU state changes), calls the x87 unit (fpu/x87.ts) and writes results. A store computes its value
// first, as QEMU's helpers do, so a faulting store leaves the exception flags it raised (FST of an
// SNaN: IE) and nothing else: the pop comes after the write.
// Opcode map: SDM vol. 2, appendix A.5 (escape opcodes).

import { probeWrite, rdM16, rdM32, wrM8, wrM16, wrM32 } from "./access.ts";
import type { Cpu } from "./cpu.ts";
import { fetch8, modrmEA } from "./decode.ts";
import { materialize } from "./flags.ts";
import { partialArctangent } from "./fpu/arctangent.ts";
import { Float80 } from "./fpu/floatx80-parts.ts";
import { twoToXMinusOne, yLog2X, yLog2XPlusOne } from "./fpu/transcendental.ts";
import { EFLAGS_CF, EFLAGS_PF, EFLAGS_ZF, OP_COM, OP_COMP, type X87 } from "./fpu/x87.ts";
import {
  extract,
  loadBcd,
  partialTangent,
  scale,
  sineCosine,
  sineOrCosine,
  storeBcd,
} from "./fpu/x87-misc.ts";
import { CR0_EM, CR0_MP, CR0_NE, CR0_TS, CS, EXC_MF, EXC_NM, EXC_UD } from "./state.ts";

/** Constants FLD1...FLDZ load (D9 E8-EE): [se, hi, lo, lo when rounding down or toward zero]. */
const ONE: readonly number[] = [0x3fff, 0x80000000, 0, 0];
const L2T: readonly number[] = [0x4000, 0xd49a784b, 0xcd1b8afe, 0xcd1b8afe];
const L2E: readonly number[] = [0x3fff, 0xb8aa3b29, 0x5c17f0bc, 0x5c17f0bb];
const PI: readonly number[] = [0x4000, 0xc90fdaa2, 0x2168c235, 0x2168c234];
const LG2: readonly number[] = [0x3ffd, 0x9a209a84, 0xfbcff799, 0xfbcff798];
const LN2: readonly number[] = [0x3ffe, 0xb17217f7, 0xd1cf79ac, 0xd1cf79ab];
const ZERO: readonly number[] = [0, 0, 0, 0];
const CONSTANTS = [ONE, L2T, L2E, PI, LG2, LN2, ZERO];
/** FLDL2T rounds up to ...8aff when rounding up (QEMU's floatx80_l2t_u). */
const L2T_UP_LO = 0xcd1b8aff;
/** FCW.RC values. */
const RC_DOWN = 1;
const RC_UP = 2;
const RC_CHOP = 3;

/** CPUID.1:EDX.CMOV: FCMOVcc and FCOMI/FUCOMI(P) exist (QEMU 7.2 raises #UD without it). */
const CPUID_CMOV = 1 << 15;

/** EFLAGS bits FCMOVcc tests. */
const FL_CF = 0x001;
const FL_PF = 0x004;
const FL_ZF = 0x040;

/** Scratch for register copies. */
const scratch = new Float80();
/** The 10 bytes FBSTP stores. */
const bcd = new Uint8Array(10);

/** FWAIT: #NM when CR0.MP and CR0.TS are set; #MF for a pending unmasked exception when CR0.NE. */
export function fwait(c: Cpu): void {
  if ((c.cr0 & (CR0_MP | CR0_TS)) === (CR0_MP | CR0_TS)) c.raise(EXC_NM);
  if (c.x87.pending && (c.cr0 & CR0_NE) !== 0) c.raise(EXC_MF);
}

/**
 * One x87 escape instruction, opcode `op` (D8-DF). #NM when CR0.EM or CR0.TS is set. Afterwards
 * a non-control instruction leaves its CS:EIP in FCS:FIP, and one with a memory operand that
 * operand's selector and offset in FDS:FDP, as QEMU 7.2 records them.
 */
export function x87Escape(c: Cpu, op: number): void {
  if ((c.cr0 & (CR0_EM | CR0_TS)) !== 0) c.raise(EXC_NM);
  const m = fetch8(c);
  const fpu = c.fpu;
  if (m >= 0xc0) {
    registerForm(c, c.x87, op, m);
    if (isControlRegisterForm(op, m)) return;
  } else {
    const off = modrmEA(c, m);
    const seg = c.eaSeg;
    memoryForm(c, c.x87, op, m, off, seg);
    if (isControlMemoryForm(op, (m >> 3) & 7)) return;
    fpu.fds = c.segSel[seg]! & 0xffff;
    fpu.fdp = off;
  }
  fpu.fcs = c.segSel[CS]! & 0xffff;
  fpu.fip = c.startEip;
}

/** The memory forms that leave the pointer registers alone: FLDENV, FLDCW, FNSTENV, FNSTCW, FRSTOR, FNSAVE, FNSTSW. */
function isControlMemoryForm(op: number, reg: number): boolean {
  return (op === 0xd9 && reg >= 4) || (op === 0xdd && reg >= 4 && reg !== 5);
}

/** The register forms that leave them alone under QEMU 7.2: FNCLEX, FNINIT and FNOP (not FNSTSW AX). */
function isControlRegisterForm(op: number, m: number): boolean {
  return (op === 0xdb && (m === 0xe2 || m === 0xe3)) || (op === 0xd9 && m === 0xd0);
}

/** Reads a 64-bit memory operand into scratch words: [lo, hi]. */
function read64(c: Cpu, seg: number, off: number, into: Float80): void {
  into.lo = rdM32(c, seg, off);
  into.hi = rdM32(c, seg, (off + 4) >>> 0);
}

/** The memory forms (mod != 3), the operand at seg:off. */
function memoryForm(c: Cpu, x: X87, op: number, m: number, off: number, seg: number): void {
  const reg = (m >> 3) & 7;
  const next = (off + 4) >>> 0;
  switch (op) {
    case 0xd8: // arithmetic with m32real
      x.setOperandFloat32(rdM32(c, seg, off));
      x.arithmeticST0(reg);
      return;
    case 0xda: // arithmetic with m32int
      x.setOperandInteger(rdM32(c, seg, off) >> 31, rdM32(c, seg, off));
      x.arithmeticST0(reg);
      return;
    case 0xdc: // arithmetic with m64real
      read64(c, seg, off, scratch);
      x.setOperandFloat64(scratch.hi, scratch.lo);
      x.arithmeticST0(reg);
      return;
    case 0xde: {
      // arithmetic with m16int
      const v = (rdM16(c, seg, off) << 16) >> 16;
      x.setOperandInteger(v >> 31, v);
      x.arithmeticST0(reg);
      return;
    }
    case 0xd9:
      switch (reg) {
        case 0:
          x.loadFloat32(rdM32(c, seg, off));
          return;
        case 2:
        case 3:
          x.storeFloat32();
          wrM32(c, seg, off, x.result.lo);
          if (reg === 3) x.pop();
          return;
        case 4:
          loadEnvironment(c, x, seg, off);
          return;
        case 5:
          x.loadControl(rdM16(c, seg, off));
          return;
        case 6:
          storeEnvironment(c, x, seg, off);
          return;
        case 7:
          wrM16(c, seg, off, x.regs.fcw);
          return;
        default:
          c.raise(EXC_UD);
      }
      return;
    case 0xdb:
      switch (reg) {
        case 0: {
          const v = rdM32(c, seg, off);
          x.loadInteger(v >> 31, v);
          return;
        }
        case 1:
        case 2:
        case 3:
          x.storeInteger(32, reg === 1);
          wrM32(c, seg, off, x.result.lo);
          if (reg !== 2) x.pop();
          return;
        case 5: {
          const lo = rdM32(c, seg, off);
          const hi = rdM32(c, seg, next);
          x.loadExtended(rdM16(c, seg, (off + 8) >>> 0), hi, lo);
          return;
        }
        case 7:
          // The significand as one 8-byte store, then the exponent (QEMU's do_fstt).
          probeWrite(c, seg, off, 8);
          x.read(0, scratch);
          wrM32(c, seg, off, scratch.lo);
          wrM32(c, seg, next, scratch.hi);
          wrM16(c, seg, (off + 8) >>> 0, scratch.se);
          x.pop();
          return;
        default:
          c.raise(EXC_UD);
      }
      return;
    case 0xdd:
      switch (reg) {
        case 0:
          read64(c, seg, off, scratch);
          x.loadFloat64(scratch.hi, scratch.lo);
          return;
        case 1:
        case 2:
        case 3:
          if (reg === 1) x.storeInteger(64, true);
          else x.storeFloat64();
          probeWrite(c, seg, off, 8);
          wrM32(c, seg, off, x.result.lo);
          wrM32(c, seg, next, x.result.hi);
          if (reg !== 2) x.pop();
          return;
        case 4:
          restoreState(c, x, seg, off);
          return;
        case 6:
          saveState(c, x, seg, off);
          return;
        case 7:
          wrM16(c, seg, off, x.status());
          return;
        default:
          c.raise(EXC_UD);
      }
      return;
    default: // 0xdf
      switch (reg) {
        case 0: {
          const v = (rdM16(c, seg, off) << 16) >> 16;
          x.loadInteger(v >> 31, v);
          return;
        }
        case 1:
        case 2:
        case 3:
          x.storeInteger(16, reg === 1);
          wrM16(c, seg, off, x.result.lo & 0xffff);
          if (reg !== 2) x.pop();
          return;
        case 5:
          read64(c, seg, off, scratch);
          x.loadInteger(scratch.hi, scratch.lo);
          return;
        case 7:
          x.storeInteger(64, false);
          probeWrite(c, seg, off, 8);
          wrM32(c, seg, off, x.result.lo);
          wrM32(c, seg, next, x.result.hi);
          x.pop();
          return;
        case 4:
          loadBcd(x, rdM32(c, seg, off), rdM32(c, seg, next), rdM16(c, seg, (off + 8) >>> 0));
          return;
        default: {
          // 6: FBSTP. Byte by byte as QEMU stores it: the sign byte first, then the digits (the
          // indefinite in address order); the flags only once every byte is written.
          const flags = storeBcd(x, bcd);
          if (bcd[9] !== 0xff) wrM8(c, seg, (off + 9) >>> 0, bcd[9]!);
          for (let k = 0; k < 9; k++) wrM8(c, seg, (off + k) >>> 0, bcd[k]!);
          if (bcd[9] === 0xff) wrM8(c, seg, (off + 9) >>> 0, bcd[9]!);
          x.raise(flags);
          x.pop();
        }
      }
  }
}

/** The register forms (mod = 3); i is the ModRM rm field. */
function registerForm(c: Cpu, x: X87, op: number, m: number): void {
  const reg = (m >> 3) & 7;
  const i = m & 7;
  switch (op) {
    case 0xd8:
      x.setOperandRegister(i);
      x.arithmeticST0(reg);
      return;
    case 0xdc:
      if (reg === OP_COM || reg === OP_COMP) {
        // DC D0+i / D8+i: FCOM2/FCOMP3, aliases of FCOM/FCOMP ST(i).
        x.compareRegister(i, false);
        if (reg === OP_COMP) x.pop();
      } else x.arithmeticSTi(reg, i, false);
      return;
    case 0xde:
      if (reg === OP_COMP) {
        if (i !== 1) c.raise(EXC_UD);
        x.compareRegister(1, false); // FCOMPP
        x.pop();
        x.pop();
      } else if (reg === OP_COM) {
        x.compareRegister(i, false); // FCOMP5 alias
        x.pop();
      } else x.arithmeticSTi(reg, i, true);
      return;
    case 0xd9:
      d9Register(c, x, m, reg, i);
      return;
    case 0xda:
      if (reg < 4) {
        requireCmov(c);
        if (fcmovTaken(c, reg, false)) copyToTop(x, i);
      } else if (m === 0xe9) {
        x.compareRegister(1, true); // FUCOMPP
        x.pop();
        x.pop();
      } else c.raise(EXC_UD);
      return;
    case 0xdb:
      if (reg < 4) {
        requireCmov(c);
        if (fcmovTaken(c, reg, true)) copyToTop(x, i);
      } else if (m === 0xe2) x.clearExceptions();
      else if (m === 0xe3) x.init();
      else if (m === 0xe0 || m === 0xe1 || m === 0xe4) {
        // FENI, FDISI, FSETPM: no-ops on a 387 and later
      } else if (reg === 5 || reg === 6) {
        requireCmov(c);
        setEflagsFromCompare(c, x.compareToEflags(i, reg === 5));
      } else c.raise(EXC_UD);
      return;
    case 0xdd:
      switch (reg) {
        case 0:
          x.free(i);
          return;
        case 1:
          x.exchange(i); // FXCH4 alias
          return;
        case 2:
          x.storeRegister(i);
          return;
        case 3:
          x.storeRegister(i);
          x.pop();
          return;
        case 4:
        case 5:
          x.compareRegister(i, true);
          if (reg === 5) x.pop();
          return;
        default:
          c.raise(EXC_UD);
      }
      return;
    default: // 0xdf
      if (m === 0xe0) {
        c.regs[0] = (c.regs[0]! & 0xffff0000) | x.status();
      } else if (reg === 0) {
        x.free(i); // FFREEP
        x.pop();
      } else if (reg === 1)
        x.exchange(i); // FXCH7 alias
      else if (reg === 2 || reg === 3) {
        x.storeRegister(i); // FSTP8/FSTP9 aliases
        x.pop();
      } else if (reg === 5 || reg === 6) {
        requireCmov(c);
        setEflagsFromCompare(c, x.compareToEflags(i, reg === 5));
        x.pop();
      } else c.raise(EXC_UD);
  }
}

/** D9 register forms: FLD, FXCH, FNOP, FSTP1, the E0-FF group. */
function d9Register(c: Cpu, x: X87, m: number, reg: number, i: number): void {
  switch (reg) {
    case 0:
      x.loadRegister(i);
      return;
    case 1:
      x.exchange(i);
      return;
    case 2:
      if (i !== 0) c.raise(EXC_UD);
      return; // FNOP
    case 3:
      x.storeRegister(i); // FSTP1 alias
      x.pop();
      return;
  }
  switch (m) {
    case 0xe0:
      x.changeSign();
      return;
    case 0xe1:
      x.absolute();
      return;
    case 0xe4:
      x.test();
      return;
    case 0xe5:
      x.examine();
      return;
    case 0xe8:
    case 0xe9:
    case 0xea:
    case 0xeb:
    case 0xec:
    case 0xed:
    case 0xee: {
      const k = CONSTANTS[m - 0xe8]!;
      const rc = (x.regs.fcw >> 10) & 3;
      let lo = rc === RC_DOWN || rc === RC_CHOP ? k[3]! : k[2]!;
      if (k === L2T) lo = rc === RC_UP ? L2T_UP_LO : k[2]!;
      x.loadConstant(k[0]!, k[1]!, lo);
      return;
    }
    case 0xf5:
      x.partialRemainder(false);
      return;
    case 0xf6:
      x.moveTop(-1);
      return;
    case 0xf7:
      x.moveTop(1);
      return;
    case 0xf8:
      x.partialRemainder(true);
      return;
    case 0xfa:
      x.squareRoot();
      return;
    case 0xfc:
      x.roundToInteger();
      return;
    case 0xf0:
      twoToXMinusOne(x);
      return;
    case 0xf1:
      yLog2X(x);
      return;
    case 0xf2:
      partialTangent(x);
      return;
    case 0xf3:
      partialArctangent(x);
      return;
    case 0xf4:
      extract(x);
      return;
    case 0xf9:
      yLog2XPlusOne(x);
      return;
    case 0xfb:
      sineCosine(x);
      return;
    case 0xfd:
      scale(x);
      return;
    case 0xfe:
      sineOrCosine(x, false);
      return;
    case 0xff:
      sineOrCosine(x, true);
      return;
  }
  c.raise(EXC_UD);
}

/** #UD unless the CPU model has CMOV (FCMOVcc, FCOMI and FUCOMI came with the P6). */
function requireCmov(c: Cpu): void {
  if ((c.cpuid.featuresEdx & CPUID_CMOV) === 0) c.raise(EXC_UD);
}

/** FCMOVcc's condition (DA: B, E, BE, U; DB with `negate`: NB, NE, NBE, NU). */
function fcmovTaken(c: Cpu, reg: number, negate: boolean): boolean {
  const f = materialize(c);
  let taken: boolean;
  if (reg === 0) taken = (f & FL_CF) !== 0;
  else if (reg === 1) taken = (f & FL_ZF) !== 0;
  else if (reg === 2) taken = (f & (FL_CF | FL_ZF)) !== 0;
  else taken = (f & FL_PF) !== 0;
  return taken !== negate;
}

/** ST(0) = ST(i) (FCMOVcc when taken; tags unchanged, as QEMU's fmov_ST0_STN). */
function copyToTop(x: X87, i: number): void {
  x.copyToTop(i);
}

/** Replaces ZF, PF, CF with FCOMI's result, keeping the other flags (QEMU's helper_fcomi). */
function setEflagsFromCompare(c: Cpu, bits: number): void {
  c.flags = (materialize(c) & ~(EFLAGS_ZF | EFLAGS_PF | EFLAGS_CF)) | bits;
}

/** Bytes of the FSTENV/FLDENV image: 28 with a 32-bit operand size, 14 with 16. */
function envBytes(c: Cpu): number {
  return c.o32 ? 28 : 14;
}

/**
 * FNSTENV: control, status (with TOP), full tag word and the pointer registers, in the 32-bit
 * (dwords) or 16-bit (words) layout by operand size only, as QEMU stores it (it has no separate
 * real-mode layout).
 */
function storeEnvironment(c: Cpu, x: X87, seg: number, off: number): void {
  probeWrite(c, seg, off, envBytes(c));
  writeEnvironment(c, x, seg, off);
}

/** Writes the environment image (the caller probed it). */
function writeEnvironment(c: Cpu, x: X87, seg: number, off: number): void {
  const r = x.regs;
  const fields = [r.fcw, x.status(), x.fullTagWord(), r.fip, r.fcs, r.fdp, r.fds];
  const step = c.o32 ? 4 : 2;
  for (let k = 0; k < fields.length; k++) {
    const at = (off + k * step) >>> 0;
    if (step === 4) wrM32(c, seg, at, fields[k]! & 0xffff);
    else wrM16(c, seg, at, fields[k]! & 0xffff);
  }
}

/** FLDENV: control, status and the emptiness of each register from the image. */
function loadEnvironment(c: Cpu, x: X87, seg: number, off: number): void {
  const step = c.o32 ? 4 : 2;
  const fcw = rdM16(c, seg, off);
  const fsw = rdM16(c, seg, (off + step) >>> 0);
  const tags = rdM16(c, seg, (off + 2 * step) >>> 0);
  applyEnvironment(x, fcw, fsw, tags);
}

/** Applies FLDENV's three words. */
function applyEnvironment(x: X87, fcw: number, fsw: number, tags: number): void {
  x.loadControl(fcw);
  x.loadStatus(fsw);
  x.loadTagWord(tags);
}

/** FNSAVE: the environment, ST(0)-ST(7) as 10-byte reals, then FNINIT. */
function saveState(c: Cpu, x: X87, seg: number, off: number): void {
  const base = envBytes(c);
  probeWrite(c, seg, off, base + 80);
  writeEnvironment(c, x, seg, off);
  for (let i = 0; i < 8; i++) {
    x.read(i, scratch);
    const at = (off + base + 10 * i) >>> 0;
    wrM32(c, seg, at, scratch.lo);
    wrM32(c, seg, (at + 4) >>> 0, scratch.hi);
    wrM16(c, seg, (at + 8) >>> 0, scratch.se);
  }
  x.init();
}

/** FRSTOR: the environment, then ST(0)-ST(7) (read entirely before anything changes). */
function restoreState(c: Cpu, x: X87, seg: number, off: number): void {
  const step = c.o32 ? 4 : 2;
  const base = envBytes(c);
  const fcw = rdM16(c, seg, off);
  const fsw = rdM16(c, seg, (off + step) >>> 0);
  const tags = rdM16(c, seg, (off + 2 * step) >>> 0);
  const values = new Array<number>(24);
  for (let i = 0; i < 8; i++) {
    const at = (off + base + 10 * i) >>> 0;
    values[3 * i] = rdM32(c, seg, at);
    values[3 * i + 1] = rdM32(c, seg, (at + 4) >>> 0);
    values[3 * i + 2] = rdM16(c, seg, (at + 8) >>> 0);
  }
  applyEnvironment(x, fcw, fsw, tags);
  for (let i = 0; i < 8; i++)
    x.loadPhysical(x.physicalOf(i), values[3 * i + 2]!, values[3 * i + 1]!, values[3 * i]!);
  // Emptiness came from the image's tag word; the loaded contents re-tag the rest.
  x.loadTagWord(tags);
}
