// The x87 FPU's register stack and instructions as QEMU 7.2's TCG executes them
// (target/i386/tcg/fpu_helper.c), on the CPU's register file (fpu-registers.ts) and with the
// arithmetic of floatx80*.ts. The decoder and the memory accesses stay with the CPU: an instruction
// reads its memory operand, calls one method here, and stores what the method leaves in `result`.
//
// QEMU's model, followed where it differs from the SDM so that differential runs compare byte for
// byte (each also noted where it applies):
//   - no stack-fault detection: a push onto a full stack overwrites, a pop of an empty register
//     reads what is there (FSW.SF and C1 are not set);
//   - C1 is not set on rounding up;
//   - the denormal-operand flag (DE) is never raised;
//   - unmasked exceptions only set ES and B; the CPU raises #MF (or FERR#) at the next FWAIT.

import { type FpuRegisters, FSW_TOP_MASK, FSW_TOP_SHIFT, X87_REG_BYTES } from "../fpu-registers.ts";
import { add80, compare80, div80, mul80, roundToInt80, sqrt80 } from "./floatx80.ts";
import {
  fromFloat32,
  fromFloat64,
  fromInt64,
  toFloat32,
  toFloat64,
  toInteger,
  Word64,
} from "./floatx80-convert.ts";
import {
  CMP_EQUAL,
  CMP_GREATER,
  CMP_LESS,
  EXP_MAX,
  Float80,
  FloatContext,
  INTEGER_BIT,
  PC_EXTENDED,
  RC_ZERO,
} from "./floatx80-parts.ts";
import { modRem80, remainderQuotient, scale80 } from "./floatx80-remainder.ts";

/** FSW bits (SDM vol. 1, 8.1.3). */
export const FSW_IE = 0x0001;
export const FSW_ZE = 0x0004;
export const FSW_SE = 0x0080;
export const FSW_C0 = 0x0100;
export const FSW_C1 = 0x0200;
export const FSW_C2 = 0x0400;
export const FSW_C3 = 0x4000;
export const FSW_B = 0x8000;
/** The exception flags (IE, DE, ZE, OE, UE, PE) and their masks in FCW. */
export const FSW_EXCEPTIONS = 0x3f;
const FSW_CONDITION = FSW_C0 | FSW_C1 | FSW_C2 | FSW_C3;
/** FCW fields. */
const FCW_PC_SHIFT = 8;
const FCW_RC_SHIFT = 10;

/** Tag values (two bits per physical register). */
const TAG_VALID = 0;
const TAG_ZERO = 1;
const TAG_SPECIAL = 2;
const TAG_EMPTY = 3;

/** Arithmetic operations in the order of the D8/DC opcodes' reg field. */
export const OP_ADD = 0;
export const OP_MUL = 1;
export const OP_COM = 2;
export const OP_COMP = 3;
export const OP_SUB = 4;
export const OP_SUBR = 5;
export const OP_DIV = 6;
export const OP_DIVR = 7;

/** fcom's relation -> C3, C2, C0 (QEMU's fcom_ccval): less C0, equal C3, greater none, unordered all. */
const COM_FLAGS = [FSW_C0, FSW_C3, 0, FSW_C3 | FSW_C2 | FSW_C0];
/** EFLAGS bits FCOMI writes. */
export const EFLAGS_CF = 0x001;
export const EFLAGS_PF = 0x004;
export const EFLAGS_ZF = 0x040;
/** fcomi's relation -> ZF, PF, CF (QEMU's fcomi_ccval). */
const COMI_FLAGS = [EFLAGS_CF, EFLAGS_ZF, 0, EFLAGS_ZF | EFLAGS_PF | EFLAGS_CF];

/** The x87 unit of one CPU. */
export class X87 {
  /** Arithmetic context; follows FCW however FCW was written (FLDCW, FNINIT, a debugger, reset). */
  private readonly context = new FloatContext();
  /** The FCW `context` was last derived from. */
  private controlSeen = -1;
  /** The operand an instruction loaded from memory or another register (QEMU's FT0). */
  private readonly ft0 = new Float80();
  /** Scratch for results. */
  private readonly out = new Float80();
  private readonly view: DataView;
  /** What a store instruction produces: a 64-bit value (integers, binary64) or a binary32. */
  readonly result = new Word64();

  constructor(readonly regs: FpuRegisters) {
    this.view = new DataView(regs.data.buffer, regs.data.byteOffset, regs.data.byteLength);
  }

  /** The stack top (FSW.TOP). */
  get top(): number {
    return (this.regs.fsw & FSW_TOP_MASK) >> FSW_TOP_SHIFT;
  }

  /** Sets FSW.TOP. */
  private setTop(top: number): void {
    this.regs.fsw = (this.regs.fsw & ~FSW_TOP_MASK) | ((top & 7) << FSW_TOP_SHIFT);
  }

  /** The arithmetic context with rounding and precision control as FCW says now. */
  get ctx(): FloatContext {
    const fcw = this.regs.fcw;
    if (fcw !== this.controlSeen) {
      this.controlSeen = fcw;
      this.context.rounding = (fcw >> FCW_RC_SHIFT) & 3;
      const pc = (fcw >> FCW_PC_SHIFT) & 3;
      this.context.precision = pc === 1 ? PC_EXTENDED : pc;
    }
    return this.context;
  }

  /** Physical register of ST(i). */
  private phys(i: number): number {
    return (this.top + i) & 7;
  }

  /** Sign and exponent of physical register p. */
  private se(p: number): number {
    return this.view.getUint16(p * X87_REG_BYTES + 8, true);
  }

  /** High half of physical register p's significand. */
  private hi(p: number): number {
    return this.view.getUint32(p * X87_REG_BYTES + 4, true);
  }

  /** Low half of physical register p's significand. */
  private lo(p: number): number {
    return this.view.getUint32(p * X87_REG_BYTES, true);
  }

  /**
   * Writes physical register p. A register in use is re-tagged by what it holds; an empty one stays
   * empty, as under QEMU, where only pushes, pops, FFREE and the environment loads change emptiness
   * (so FST ST(i) into an empty register, or FXCH with one, leaves the tags where they were).
   */
  private write(p: number, se: number, hi: number, lo: number): void {
    const at = p * X87_REG_BYTES;
    this.view.setUint32(at, lo >>> 0, true);
    this.view.setUint32(at + 4, hi >>> 0, true);
    this.view.setUint16(at + 8, se & 0xffff, true);
    if (!this.isEmpty(p)) this.setTag(p, tagOf(se, hi, lo));
  }

  /** Sets physical register p's two tag bits. */
  private setTag(p: number, tag: number): void {
    this.regs.ftw = (this.regs.ftw & ~(3 << (2 * p))) | (tag << (2 * p));
  }

  /** True when physical register p is tagged empty. */
  isEmpty(p: number): boolean {
    return ((this.regs.ftw >> (2 * p)) & 3) === TAG_EMPTY;
  }

  /**
   * Folds the context's raised flags into FSW and clears them (QEMU's merge_exception_flags). Like
   * QEMU it re-evaluates ES and B even when nothing was raised: a flag FLDCW has since unmasked
   * turns into a pending exception at the next instruction that merges flags (FCOM, FLD m32...).
   */
  mergeFlags(): void {
    const raised = this.context.flags;
    this.context.flags = 0;
    this.raise(raised);
  }

  /** Sets exception flags; an unmasked one also sets ES and B (QEMU's fpu_set_exception). */
  raise(flags: number): void {
    this.regs.fsw |= flags;
    if ((this.regs.fsw & ~this.regs.fcw & FSW_EXCEPTIONS) !== 0) this.regs.fsw |= FSW_SE | FSW_B;
  }

  /** True when an unmasked exception is pending (FSW.ES): FWAIT and waiting instructions fault. */
  get pending(): boolean {
    return (this.regs.fsw & FSW_SE) !== 0;
  }

  /** Decrements TOP and marks the new ST(0) in use (no overflow check, as QEMU). */
  private push(): void {
    this.setTop(this.top - 1);
    this.setTag(this.phys(0), TAG_VALID);
  }

  /** Marks ST(0) empty and increments TOP. */
  pop(): void {
    this.setTag(this.phys(0), TAG_EMPTY);
    this.setTop(this.top + 1);
  }

  /** Pushes the value (se, hi, lo). */
  pushValue(se: number, hi: number, lo: number): void {
    this.push();
    this.write(this.phys(0), se, hi, lo);
  }

  // ---- control ----

  /** FNINIT. */
  init(): void {
    this.regs.init();
  }

  /** FLDCW. */
  loadControl(value: number): void {
    this.regs.fcw = value & 0xffff;
    // A newly unmasked pending exception is not re-evaluated until the next one (QEMU).
  }

  /** FNSTSW: the status word with TOP. */
  status(): number {
    return this.regs.fsw & 0xffff;
  }

  /** FNCLEX: clears the exception flags, ES and B (QEMU keeps SF; it never sets it). */
  clearExceptions(): void {
    this.regs.fsw &= 0x7f00 | FSW_TOP_MASK;
  }

  /** FINCSTP / FDECSTP: moves TOP, clears C0-C3 as QEMU does. */
  moveTop(delta: number): void {
    this.setTop(this.top + delta);
    this.regs.fsw &= ~FSW_CONDITION;
  }

  /** FFREE ST(i). */
  free(i: number): void {
    this.setTag(this.phys(i), TAG_EMPTY);
  }

  // ---- loads ----

  /** FLD m80 (and FLD ST(i) with the register's bytes): pushes the value as it is. */
  loadExtended(se: number, hi: number, lo: number): void {
    this.pushValue(se, hi, lo);
  }

  /** FLD ST(i). */
  loadRegister(i: number): void {
    const p = this.phys(i);
    this.pushValue(this.se(p), this.hi(p), this.lo(p));
  }

  /** FLD m32: pushes the widened value (rounded to the precision control, as QEMU does). */
  loadFloat32(bits: number): void {
    fromFloat32(bits, this.ctx, this.out);
    this.mergeFlags();
    this.pushValue(this.out.se, this.out.hi, this.out.lo);
  }

  /** FLD m64. */
  loadFloat64(hi: number, lo: number): void {
    fromFloat64(hi, lo, this.ctx, this.out);
    this.mergeFlags();
    this.pushValue(this.out.se, this.out.hi, this.out.lo);
  }

  /** FILD m16/m32/m64 (the value sign-extended to hi:lo): exact, at full precision as QEMU. */
  loadInteger(hi: number, lo: number): void {
    const precision = this.ctx.precision;
    this.ctx.precision = PC_EXTENDED;
    fromInt64(hi, lo, this.ctx, this.out);
    this.ctx.precision = precision;
    this.ctx.flags = 0;
    this.pushValue(this.out.se, this.out.hi, this.out.lo);
  }

  /** Pushes one of the constants (FLD1, FLDZ, FLDPI...). */
  loadConstant(se: number, hi: number, lo: number): void {
    this.pushValue(se, hi, lo);
  }

  // ---- stores ----

  /** Reads ST(i) as (se, hi, lo) into `into`. */
  read(i: number, into: Float80): void {
    const p = this.phys(i);
    into.se = this.se(p);
    into.hi = this.hi(p);
    into.lo = this.lo(p);
  }

  /** FST/FSTP m32: result.lo = ST(0) rounded to binary32. */
  storeFloat32(): void {
    const p = this.phys(0);
    this.result.lo = toFloat32(this.se(p), this.hi(p), this.lo(p), this.ctx);
    this.result.hi = 0;
    this.mergeFlags();
  }

  /** FST/FSTP m64: result = ST(0) rounded to binary64. */
  storeFloat64(): void {
    const p = this.phys(0);
    toFloat64(this.se(p), this.hi(p), this.lo(p), this.ctx, this.result);
    this.mergeFlags();
  }

  /**
   * FIST/FISTP m16/m32/m64 and FISTTP (truncate): result = ST(0) as an integer of `bits`; the
   * indefinite (0x8000...) with #IA when it does not fit. m16 goes through int32 as QEMU does:
   * out of int16 range it stores -32768 with invalid replacing the other flags.
   */
  storeInteger(bits: number, truncate: boolean): void {
    const p = this.phys(0);
    const rounding = truncate ? RC_ZERO : this.ctx.rounding;
    toInteger(this.se(p), this.hi(p), this.lo(p), bits === 64 ? 64 : 32, rounding, this.ctx, this.result);
    if (bits === 16) {
      const v = this.result.lo | 0;
      if (v !== (v << 16) >> 16) {
        this.ctx.flags = 0x01;
        this.result.lo = 0xffff8000;
        this.result.hi = 0xffffffff;
      }
    }
    this.mergeFlags();
  }

  /** ST(0) = ST(i), value only (FCMOVcc). */
  copyToTop(i: number): void {
    const s = this.phys(i);
    this.write(this.phys(0), this.se(s), this.hi(s), this.lo(s));
  }

  /** ST(i) = (se, hi, lo), re-tagged unless empty (the instructions of x87-misc.ts and transcendental.ts). */
  writeST(i: number, se: number, hi: number, lo: number): void {
    this.write(this.phys(i), se, hi, lo);
  }

  /** FST ST(i) / FSTP ST(i): copies ST(0) to ST(i). */
  storeRegister(i: number): void {
    const s = this.phys(0);
    this.write(this.phys(i), this.se(s), this.hi(s), this.lo(s));
  }

  // ---- arithmetic ----

  /** Sets FT0, the second operand of the next arithmetic or compare, from (se, hi, lo). */
  setOperand(se: number, hi: number, lo: number): void {
    this.ft0.se = se;
    this.ft0.hi = hi;
    this.ft0.lo = lo;
  }

  /** FT0 = a binary32 memory operand (QEMU's flds_FT0). */
  setOperandFloat32(bits: number): void {
    fromFloat32(bits, this.ctx, this.ft0);
    this.mergeFlags();
  }

  /** FT0 = a binary64 memory operand. */
  setOperandFloat64(hi: number, lo: number): void {
    fromFloat64(hi, lo, this.ctx, this.ft0);
    this.mergeFlags();
  }

  /** FT0 = an integer memory operand, at the precision control (QEMU's fildl_FT0 does not maximise it). */
  setOperandInteger(hi: number, lo: number): void {
    fromInt64(hi, lo, this.ctx, this.ft0);
    this.ctx.flags = 0;
  }

  /** FT0 = ST(i). */
  setOperandRegister(i: number): void {
    this.read(i, this.ft0);
  }

  /**
   * The D8 forms: ST(0) = ST(0) op FT0 for add, mul, sub, subr, div, divr; com/comp compare ST(0)
   * with FT0 into C3/C2/C0 (comp then pops).
   */
  arithmeticST0(op: number): void {
    const p = this.phys(0);
    if (op === OP_COM || op === OP_COMP) {
      this.compare(p, this.ft0.se, this.ft0.hi, this.ft0.lo, false);
      if (op === OP_COMP) this.pop();
      return;
    }
    this.compute(op, this.se(p), this.hi(p), this.lo(p), this.ft0.se, this.ft0.hi, this.ft0.lo);
    this.write(p, this.out.se, this.out.hi, this.out.lo);
  }

  /**
   * The DC/DE register forms: ST(i) = ST(i) op ST(0) (sub/subr and div/divr swap their roles as
   * the encoding says), popping after when `popAfter` (the DE forms).
   */
  arithmeticSTi(op: number, i: number, popAfter: boolean): void {
    const d = this.phys(i);
    const s = this.phys(0);
    // In the DC/DE forms, the reg field's SUB means ST(i) = ST(0) - ST(i) (QEMU's fsubr_STN_ST0).
    const swapped =
      op === OP_SUB
        ? OP_SUBR
        : op === OP_SUBR
          ? OP_SUB
          : op === OP_DIV
            ? OP_DIVR
            : op === OP_DIVR
              ? OP_DIV
              : op;
    this.compute(swapped, this.se(d), this.hi(d), this.lo(d), this.se(s), this.hi(s), this.lo(s));
    this.write(d, this.out.se, this.out.hi, this.out.lo);
    if (popAfter) this.pop();
  }

  /** out = a op b (add, mul, sub, subr, div, divr), flags merged. */
  private compute(
    op: number,
    aSe: number,
    aHi: number,
    aLo: number,
    bSe: number,
    bHi: number,
    bLo: number,
  ): void {
    const ctx = this.ctx;
    const out = this.out;
    switch (op) {
      case OP_ADD:
        add80(aSe, aHi, aLo, bSe, bHi, bLo, 0, ctx, out);
        break;
      case OP_MUL:
        mul80(aSe, aHi, aLo, bSe, bHi, bLo, ctx, out);
        break;
      case OP_SUB:
        add80(aSe, aHi, aLo, bSe, bHi, bLo, 1, ctx, out);
        break;
      case OP_SUBR:
        add80(bSe, bHi, bLo, aSe, aHi, aLo, 1, ctx, out);
        break;
      case OP_DIV:
        div80(aSe, aHi, aLo, bSe, bHi, bLo, ctx, out);
        break;
      default:
        div80(bSe, bHi, bLo, aSe, aHi, aLo, ctx, out);
    }
    this.mergeFlags();
  }

  /** Compares physical register p with (se, hi, lo) into C3/C2/C0 (C1 kept, as QEMU). */
  private compare(p: number, se: number, hi: number, lo: number, quiet: boolean): void {
    const rel = compare80(this.se(p), this.hi(p), this.lo(p), se, hi, lo, quiet, this.ctx);
    this.regs.fsw = (this.regs.fsw & ~(FSW_C0 | FSW_C2 | FSW_C3)) | COM_FLAGS[relationIndex(rel)]!;
    this.mergeFlags();
  }

  /** FCOM/FCOMP/FUCOM/FUCOMP ST(i) (the pops are the caller's: 0, 1 or 2 for FCOMPP/FUCOMPP). */
  compareRegister(i: number, quiet: boolean): void {
    const q = this.phys(i);
    this.compare(this.phys(0), this.se(q), this.hi(q), this.lo(q), quiet);
  }

  /** FTST: ST(0) compared with +0. */
  test(): void {
    this.compare(this.phys(0), 0, 0, 0, false);
  }

  /**
   * FCOMI/FUCOMI(P) ST(i): returns the ZF, PF, CF bits for EFLAGS; the caller replaces those three
   * and keeps the other flags, as QEMU does.
   */
  compareToEflags(i: number, quiet: boolean): number {
    const q = this.phys(i);
    const p = this.phys(0);
    const rel = compare80(
      this.se(p),
      this.hi(p),
      this.lo(p),
      this.se(q),
      this.hi(q),
      this.lo(q),
      quiet,
      this.ctx,
    );
    this.mergeFlags();
    return COMI_FLAGS[relationIndex(rel)]!;
  }

  /** FCHS. */
  changeSign(): void {
    const p = this.phys(0);
    this.write(p, this.se(p) ^ 0x8000, this.hi(p), this.lo(p));
  }

  /** FABS. */
  absolute(): void {
    const p = this.phys(0);
    this.write(p, this.se(p) & 0x7fff, this.hi(p), this.lo(p));
  }

  /** FXCH ST(i). */
  exchange(i: number): void {
    const a = this.phys(0);
    const b = this.phys(i);
    const se = this.se(a);
    const hi = this.hi(a);
    const lo = this.lo(a);
    this.write(a, this.se(b), this.hi(b), this.lo(b));
    this.write(b, se, hi, lo);
  }

  /** FSQRT; a negative operand also sets C3-C0 to 0100 first, as QEMU does. */
  squareRoot(): void {
    const p = this.phys(0);
    if ((this.se(p) & 0x8000) !== 0) this.regs.fsw = (this.regs.fsw & ~FSW_CONDITION) | FSW_C2;
    sqrt80(this.se(p), this.hi(p), this.lo(p), this.ctx, this.out);
    this.mergeFlags();
    this.write(p, this.out.se, this.out.hi, this.out.lo);
  }

  /** FRNDINT. */
  roundToInteger(): void {
    const p = this.phys(0);
    roundToInt80(this.se(p), this.hi(p), this.lo(p), this.ctx, this.out);
    this.mergeFlags();
    this.write(p, this.out.se, this.out.hi, this.out.lo);
  }

  /**
   * FPREM (truncating) and FPREM1: ST(0) = the partial remainder of ST(0) / ST(1). C2 set when the
   * reduction is incomplete (exponents 64 or more apart: reduced by a multiple of 2^(32..63));
   * else the quotient's low bits in C0 (q2), C3 (q1), C1 (q0), which QEMU 7.2 reports for FPREM
   * only (see floatx80-remainder.ts remainderQuotient).
   */
  partialRemainder(truncating: boolean): void {
    const p0 = this.phys(0);
    const p1 = this.phys(1);
    const aSe = this.se(p0);
    const aHi = this.hi(p0);
    const aLo = this.lo(p0);
    let bSe = this.se(p1);
    const bHi = this.hi(p1);
    const bLo = this.lo(p1);
    this.regs.fsw &= ~FSW_CONDITION;
    const special =
      isZero(aSe, aHi, aLo) ||
      isZero(bSe, bHi, bLo) ||
      (aSe & EXP_MAX) === EXP_MAX ||
      (bSe & EXP_MAX) === EXP_MAX ||
      isUnnormal(aSe, aHi) ||
      isUnnormal(bSe, bHi);
    if (!special) {
      const expDiff = effectiveExponent(aSe, aHi, aLo) - effectiveExponent(bSe, bHi, bLo);
      if (expDiff >= 64) {
        const n = 32 + (expDiff % 32);
        scale80(bSe, bHi, bLo, expDiff - n, this.ctx, this.out);
        bSe = this.out.se;
        modRem80(aSe, aHi, aLo, bSe, this.out.hi, this.out.lo, true, this.ctx, this.out);
        this.regs.fsw |= FSW_C2;
        this.mergeFlags();
        this.write(p0, this.out.se, this.out.hi, this.out.lo);
        return;
      }
    }
    modRem80(aSe, aHi, aLo, bSe, bHi, bLo, truncating, this.ctx, this.out);
    if (!special) {
      const q = remainderQuotient;
      if ((q & 4) !== 0) this.regs.fsw |= FSW_C0;
      if ((q & 2) !== 0) this.regs.fsw |= FSW_C3;
      if ((q & 1) !== 0) this.regs.fsw |= FSW_C1;
    }
    this.mergeFlags();
    this.write(p0, this.out.se, this.out.hi, this.out.lo);
  }

  /** FXAM: classifies ST(0) into C3, C2, C0 and its sign into C1 (QEMU's helper_fxam_ST0). */
  examine(): void {
    const p = this.phys(0);
    const se = this.se(p);
    const hi = this.hi(p);
    const lo = this.lo(p);
    let fsw = this.regs.fsw & ~FSW_CONDITION;
    if ((se & 0x8000) !== 0) fsw |= FSW_C1;
    const e = se & EXP_MAX;
    if (this.isEmpty(p)) fsw |= FSW_C3 | FSW_C0;
    else if (e === EXP_MAX) {
      if (hi === INTEGER_BIT && lo === 0) fsw |= FSW_C2 | FSW_C0;
      else if (hi >= INTEGER_BIT) fsw |= FSW_C0;
    } else if (e === 0) fsw |= hi === 0 && lo === 0 ? FSW_C3 : FSW_C3 | FSW_C2;
    else if (hi >= INTEGER_BIT) fsw |= FSW_C2;
    this.regs.fsw = fsw;
  }

  // ---- environment images ----

  /**
   * The tag word as FSTENV/FNSAVE store it: empty from the tags, the rest classified from the
   * register contents (valid, zero, special).
   */
  fullTagWord(): number {
    let tags = 0;
    for (let p = 7; p >= 0; p--) {
      tags <<= 2;
      tags |= this.isEmpty(p) ? TAG_EMPTY : tagOf(this.se(p), this.hi(p), this.lo(p));
    }
    return tags;
  }

  /** Loads a tag word as FLDENV/FRSTOR do: only "empty" is taken; the rest is recomputed. */
  loadTagWord(tags: number): void {
    for (let p = 0; p < 8; p++) {
      this.setTag(
        p,
        ((tags >> (2 * p)) & 3) === TAG_EMPTY ? TAG_EMPTY : tagOf(this.se(p), this.hi(p), this.lo(p)),
      );
    }
  }

  /** Loads FSW as FLDENV/FRSTOR/FXRSTOR do: B follows ES (QEMU's cpu_set_fpus). */
  loadStatus(fsw: number): void {
    let value = fsw & 0xffff & ~FSW_B;
    if ((value & FSW_SE) !== 0) value |= FSW_B;
    this.regs.fsw = value;
  }

  /** Writes physical register p from an image (FRSTOR/FXRSTOR); its emptiness stays as loaded. */
  loadPhysical(p: number, se: number, hi: number, lo: number): void {
    this.write(p, se, hi, lo);
  }

  /** The abridged tag byte FXSAVE stores: bit p set when physical register p is not empty. */
  abridgedTags(): number {
    let tags = 0;
    for (let p = 0; p < 8; p++) if (!this.isEmpty(p)) tags |= 1 << p;
    return tags;
  }

  /** Loads the abridged tag byte (FXRSTOR): set bits are in use, tags recomputed from contents. */
  loadAbridgedTags(tags: number): void {
    for (let p = 0; p < 8; p++) {
      this.setTag(p, (tags & (1 << p)) === 0 ? TAG_EMPTY : tagOf(this.se(p), this.hi(p), this.lo(p)));
    }
  }

  /** The physical register number of ST(i) (for images, which store in stack order). */
  physicalOf(i: number): number {
    return this.phys(i);
  }
}

/** Index into the COM tables for a compare80 relation. */
function relationIndex(rel: number): number {
  if (rel === CMP_LESS) return 0;
  if (rel === CMP_EQUAL) return 1;
  if (rel === CMP_GREATER) return 2;
  return 3;
}

/** The tag of a non-empty register by its contents. */
function tagOf(se: number, hi: number, lo: number): number {
  const e = se & EXP_MAX;
  if (e === 0 && hi === 0 && lo === 0) return TAG_ZERO;
  if (e === 0 || e === EXP_MAX || hi >>> 0 < INTEGER_BIT) return TAG_SPECIAL;
  return TAG_VALID;
}

/** True for +-0. */
function isZero(se: number, hi: number, lo: number): boolean {
  return (se & EXP_MAX) === 0 && hi === 0 && lo === 0;
}

/** True for an unnormal (non-zero exponent, integer bit clear): an invalid encoding. */
function isUnnormal(se: number, hi: number): boolean {
  return (se & EXP_MAX) !== 0 && hi >>> 0 < INTEGER_BIT;
}

/** The biased exponent, a denormal's counted from its leading one (QEMU's fprem: 1 - clz). */
function effectiveExponent(se: number, hi: number, lo: number): number {
  const e = se & EXP_MAX;
  if (e !== 0) return e;
  return 1 - (hi !== 0 ? Math.clz32(hi) : 32 + Math.clz32(lo));
}
