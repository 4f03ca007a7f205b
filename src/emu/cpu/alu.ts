// Arithmetic and logic: the eight classic ALU operations, INC/DEC, shifts and rotates, SHLD/SHRD,
// multiplication and division, and the BCD adjustments. Flags follow the SDM; where the SDM leaves
// a flag undefined we produce what QEMU produces (AF = 0 after shifts, MUL/IMUL's SF/ZF/PF from
// the low half of the result, DIV leaves the flags unchanged) so differential tests agree.

import type { Cpu } from "./cpu.ts";
import {
  getAF,
  getCF,
  LZ_ADD,
  LZ_DEC,
  LZ_INC,
  LZ_LOGIC,
  LZ_SUB,
  materialize,
  PARITY,
  recordFlags,
  setResultFlags,
  signOf,
} from "./flags.ts";
import { EAX, EDX, EXC_DE, FLAG_AF, FLAG_CF, FLAG_OF, FLAG_PF, FLAG_SF, FLAG_ZF } from "./state.ts";

/** ALU operation numbers as encoded in opcode bits 3-5 and group-1 ModRM reg. */
export const ALU_ADD = 0;
export const ALU_OR = 1;
export const ALU_ADC = 2;
export const ALU_SBB = 3;
export const ALU_AND = 4;
export const ALU_SUB = 5;
export const ALU_XOR = 6;
export const ALU_CMP = 7;

/** The sign bit of a 32-bit operand as int32. */
const SIGN32 = 1 << 31;

/**
 * Computes `a op b` on `mask`-sized operands, records the flags, returns the result (as int32: a
 * 32-bit result with bit 31 set is negative; 8/16-bit results are zero-extended).
 */
export function alu(c: Cpu, op: number, a: number, b: number, mask: number): number {
  a &= mask;
  b &= mask;
  let r: number;
  let carry = 0;
  let kind: number;
  switch (op) {
    case ALU_ADD:
      r = a + b;
      kind = LZ_ADD;
      break;
    case ALU_OR:
      r = a | b;
      kind = LZ_LOGIC;
      break;
    case ALU_ADC:
      carry = getCF(c);
      r = a + b + carry;
      kind = LZ_ADD;
      break;
    case ALU_SBB:
      carry = getCF(c);
      r = a - b - carry;
      kind = LZ_SUB;
      break;
    case ALU_AND:
      r = a & b;
      kind = LZ_LOGIC;
      break;
    case ALU_XOR:
      r = a ^ b;
      kind = LZ_LOGIC;
      break;
    default: // SUB, CMP
      r = a - b;
      kind = LZ_SUB;
      break;
  }
  r &= mask;
  recordFlags(c, kind, a, b, carry, r, mask);
  return r;
}

/**
 * alu() for 32-bit operands (int32 in, int32 out), with the same flag record. A separate function
 * so V8 keeps it on int32 arithmetic: the generic one's mask makes every operand size share (and
 * slow down) one compiled body.
 */
export function alu32(c: Cpu, op: number, a: number, b: number): number {
  let r: number;
  let carry = 0;
  let kind: number;
  // Literal labels (ALU_ADD = 0 ... ALU_CMP = 7) let V8 build a jump table.
  switch (op) {
    case 0:
      r = (a + b) | 0;
      kind = LZ_ADD;
      break;
    case 1:
      r = a | b;
      kind = LZ_LOGIC;
      break;
    case 2:
      carry = getCF(c);
      r = (a + b + carry) | 0;
      kind = LZ_ADD;
      break;
    case 3:
      carry = getCF(c);
      r = (a - b - carry) | 0;
      kind = LZ_SUB;
      break;
    case 4:
      r = a & b;
      kind = LZ_LOGIC;
      break;
    case 6:
      r = a ^ b;
      kind = LZ_LOGIC;
      break;
    default: // SUB, CMP
      r = (a - b) | 0;
      kind = LZ_SUB;
      break;
  }
  recordFlags(c, kind, a, b, carry, r, -1);
  return r;
}

/** INC: like ADD 1 but CF is preserved. */
export function inc(c: Cpu, a: number, mask: number): number {
  const cf = getCF(c);
  a &= mask;
  const r = (a + 1) & mask;
  recordFlags(c, LZ_INC, a, 1, cf, r, mask);
  return r;
}

/** DEC: like SUB 1 but CF is preserved. */
export function dec(c: Cpu, a: number, mask: number): number {
  const cf = getCF(c);
  a &= mask;
  const r = (a - 1) & mask;
  recordFlags(c, LZ_DEC, a, 1, cf, r, mask);
  return r;
}

/** NEG: 0 - a (CF = a != 0). */
export function neg(c: Cpu, a: number, mask: number): number {
  return alu(c, ALU_SUB, 0, a, mask);
}

/** Logic-op flags for a result (TEST). */
export function logicFlags(c: Cpu, r: number, mask: number): void {
  recordFlags(c, LZ_LOGIC, 0, 0, 0, r & mask, mask);
}

/** Sets CF and OF (other arithmetic flags unchanged) after a rotate. */
function rotateFlags(c: Cpu, cf: number, of: boolean): void {
  const f = materialize(c) & ~(FLAG_CF | FLAG_OF);
  c.flags = f | (cf & 1) | (of ? FLAG_OF : 0);
}

/**
 * Group-2 shift/rotate `kind` (0 ROL, 1 ROR, 2 RCL, 3 RCR, 4 SHL, 5 SHR, 6 SAL(=SHL), 7 SAR) of
 * value `v` by `count` (masked to 5 bits here), returned as int32. A masked count of 0 changes
 * nothing, flags included.
 */
export function shift(c: Cpu, kind: number, v: number, count: number, mask: number): number {
  count &= 0x1f;
  v = (v & mask) >>> 0;
  if (count === 0) return v;
  const bits = mask === 0xff ? 8 : mask === 0xffff ? 16 : 32;
  const sign = signOf(mask);
  switch (kind) {
    case 0: {
      // ROL: rotate by count mod width; CF = LSB(result); OF = MSB(result) ^ CF.
      const n = count & (bits - 1);
      const r = n === 0 ? v : (((v << n) | (v >>> (bits - n))) & mask) >>> 0;
      const cf = r & 1;
      rotateFlags(c, cf, ((r & sign) !== 0) !== (cf !== 0));
      return r | 0;
    }
    case 1: {
      // ROR: CF = MSB(result); OF = MSB(result) ^ next-to-MSB(result).
      const n = count & (bits - 1);
      const r = n === 0 ? v : (((v >>> n) | (v << (bits - n))) & mask) >>> 0;
      const msb = (r & sign) !== 0;
      rotateFlags(c, msb ? 1 : 0, msb !== ((r & (sign >>> 1)) !== 0));
      return r | 0;
    }
    case 2: {
      // RCL through CF over width+1 bits; count taken mod 9/17 for 8/16 bits.
      const n = bits === 32 ? count : count % (bits + 1);
      if (n === 0) return v;
      let r = v;
      let cf = getCF(c);
      for (let i = 0; i < n; i++) {
        const out = (r & sign) !== 0 ? 1 : 0;
        r = (((r << 1) | cf) & mask) >>> 0;
        cf = out;
      }
      // OF = MSB(original) ^ MSB(result) (for count 1 this is MSB(result) ^ CF).
      rotateFlags(c, cf, ((v ^ r) & sign) !== 0);
      return r | 0;
    }
    case 3: {
      // RCR through CF; OF = MSB(original) ^ MSB(result) (count 1: MSB(original) ^ old CF).
      const n = bits === 32 ? count : count % (bits + 1);
      if (n === 0) return v;
      let r = v;
      let cf = getCF(c);
      for (let i = 0; i < n; i++) {
        const out = r & 1;
        r = ((r >>> 1) | (cf !== 0 ? sign : 0)) >>> 0;
        cf = out;
      }
      rotateFlags(c, cf, ((v ^ r) & sign) !== 0);
      return r | 0;
    }
    case 4:
    case 6: {
      // SHL: CF = last bit shifted out; OF = MSB(result) ^ CF.
      const before = count > bits ? 0 : ((v << (count - 1)) & mask) >>> 0;
      const r = count >= bits ? 0 : ((v << count) & mask) >>> 0;
      const cf = (before & sign) !== 0 ? FLAG_CF : 0;
      const of = ((before ^ r) & sign) !== 0 ? FLAG_OF : 0;
      setResultFlags(c, r, mask, cf | of);
      return r | 0;
    }
    case 5: {
      // SHR: CF = last bit shifted out; OF = MSB of the operand before the last step.
      const before = count > bits ? 0 : v >>> (count - 1);
      const r = count >= bits ? 0 : v >>> count;
      const cf = before & 1;
      const of = ((before ^ r) & sign) !== 0 ? FLAG_OF : 0;
      setResultFlags(c, r, mask, cf | of);
      return r | 0;
    }
    default: {
      // SAR: sign-filling; OF = 0.
      const sv = bits === 32 ? v | 0 : bits === 16 ? (v << 16) >> 16 : (v << 24) >> 24;
      const before = sv >> Math.min(count - 1, 31);
      const r = ((sv >> Math.min(count, 31)) & mask) >>> 0;
      setResultFlags(c, r, mask, before & 1);
      return r;
    }
  }
}

/**
 * shift() for a 32-bit operand (int32 in, int32 out) on int32 arithmetic only; RCL/RCR, rare,
 * take the generic path. Same results and flags as shift().
 */
export function shift32(c: Cpu, kind: number, v: number, count: number): number {
  count &= 0x1f;
  if (count === 0) return v;
  switch (kind) {
    case 0: {
      // ROL
      const r = (v << count) | (v >>> (32 - count));
      const cf = r & 1;
      rotateFlags(c, cf, r < 0 !== (cf !== 0));
      return r;
    }
    case 1: {
      // ROR
      const r = (v >>> count) | (v << (32 - count));
      rotateFlags(c, r < 0 ? 1 : 0, r < 0 !== ((r & (1 << 30)) !== 0));
      return r;
    }
    case 4:
    case 6: {
      // SHL: CF = last bit shifted out; OF = MSB(result) ^ CF.
      const before = v << (count - 1);
      const r = v << count;
      setResultFlags(c, r, -1, (before < 0 ? FLAG_CF : 0) | ((before ^ r) < 0 ? FLAG_OF : 0));
      return r;
    }
    case 5: {
      // SHR: OF = MSB of the operand before the last step.
      const before = v >>> (count - 1);
      const r = (v >>> count) | 0;
      setResultFlags(c, r, -1, (before & 1) | (((before ^ r) & SIGN32) !== 0 ? FLAG_OF : 0));
      return r;
    }
    case 7: {
      // SAR: sign-filling; OF = 0.
      const before = v >> (count - 1);
      const r = v >> count;
      setResultFlags(c, r, -1, before & 1);
      return r;
    }
    default:
      return shift(c, kind, v, count, 0xffffffff);
  }
}

/**
 * SHLD/SHRD: shifts `dst` left/right by `count` (masked to 5 bits), filling from `src`.
 * 16-bit counts above 16 shift through dst:src:dst as Intel processors do (QEMU agrees).
 */
export function shiftDouble(
  c: Cpu,
  left: boolean,
  dst: number,
  src: number,
  count: number,
  mask: number,
): number {
  count &= 0x1f;
  dst = (dst & mask) >>> 0;
  if (count === 0) return dst;
  src = (src & mask) >>> 0;
  const bits = mask === 0xff ? 8 : mask === 0xffff ? 16 : 32;
  const sign = signOf(mask);
  let r: number;
  let before: number;
  if (bits === 32) {
    if (left) {
      before = count === 1 ? dst : ((dst << (count - 1)) | (src >>> (33 - count))) >>> 0;
      r = ((dst << count) | (src >>> (32 - count))) >>> 0;
    } else {
      before = count === 1 ? dst : ((dst >>> (count - 1)) | (src << (33 - count))) >>> 0;
      r = ((dst >>> count) | (src << (32 - count))) >>> 0;
    }
  } else {
    // The 48-bit composite dst:src:dst as an exact double; left takes the bits below the top
    // after shifting, right takes the low bits after shifting (Intel's behaviour for counts > 16).
    const t = dst * 2 ** 32 + src * 65536 + dst;
    if (left) {
      before = Math.floor(t / 2 ** (33 - count)) % 65536;
      r = Math.floor(t / 2 ** (32 - count)) % 65536;
    } else {
      before = Math.floor(t / 2 ** (count - 1)) % 65536;
      r = Math.floor(t / 2 ** count) % 65536;
    }
  }
  const cf = left ? ((before & sign) !== 0 ? FLAG_CF : 0) : before & 1;
  const of = ((r ^ before) & sign) !== 0 ? FLAG_OF : 0;
  setResultFlags(c, r, mask, cf | of);
  return r;
}

/** MUL/IMUL/DIV/IDIV of group 3 on the accumulator; `v` is the r/m operand. */
export function mulDiv(c: Cpu, kind: number, v: number, size: number): void {
  const regs = c.regs;
  if (size === 1) {
    const al = regs[EAX] & 0xff;
    if (kind === 4) {
      const r = al * (v & 0xff);
      c.r16[0] = r;
      setResultFlags(c, r, 0xff, r > 0xff ? FLAG_CF | FLAG_OF : 0);
    } else if (kind === 5) {
      const r = ((al << 24) >> 24) * ((v << 24) >> 24);
      c.r16[0] = r;
      setResultFlags(c, r, 0xff, r !== (r << 24) >> 24 ? FLAG_CF | FLAG_OF : 0);
    } else {
      const ax = c.r16[0];
      if (kind === 6) {
        const d = v & 0xff;
        if (d === 0) c.raise(EXC_DE);
        const q = Math.floor(ax / d);
        if (q > 0xff) c.raise(EXC_DE);
        c.r8[0] = q;
        c.r8[1] = ax % d;
      } else {
        const d = (v << 24) >> 24;
        if (d === 0) c.raise(EXC_DE);
        const n = (ax << 16) >> 16;
        const q = Math.trunc(n / d);
        if (q > 127 || q < -128) c.raise(EXC_DE);
        c.r8[0] = q;
        c.r8[1] = n % d;
      }
    }
    return;
  }
  if (size === 2) {
    const ax = c.r16[0];
    if (kind === 4) {
      const r = ax * (v & 0xffff);
      c.r16[0] = r;
      c.r16[EDX << 1] = r >>> 16;
      setResultFlags(c, r, 0xffff, r > 0xffff ? FLAG_CF | FLAG_OF : 0);
    } else if (kind === 5) {
      const r = ((ax << 16) >> 16) * ((v << 16) >> 16);
      c.r16[0] = r;
      c.r16[EDX << 1] = r >> 16;
      setResultFlags(c, r, 0xffff, r !== (r << 16) >> 16 ? FLAG_CF | FLAG_OF : 0);
    } else {
      const n = (c.r16[EDX << 1] * 65536 + ax) >>> 0;
      if (kind === 6) {
        const d = v & 0xffff;
        if (d === 0) c.raise(EXC_DE);
        const q = Math.floor(n / d);
        if (q > 0xffff) c.raise(EXC_DE);
        c.r16[0] = q;
        c.r16[EDX << 1] = n % d;
      } else {
        const d = (v << 16) >> 16;
        if (d === 0) c.raise(EXC_DE);
        const sn = n | 0;
        const q = Math.trunc(sn / d);
        if (q > 0x7fff || q < -0x8000) c.raise(EXC_DE);
        c.r16[0] = q;
        c.r16[EDX << 1] = sn % d;
      }
    }
    return;
  }
  const eax = regs[EAX];
  if (kind === 4) {
    const a = eax >>> 0;
    const b = v >>> 0;
    const lo = Math.imul(a, b) >>> 0;
    const hi = mulHigh(a, b);
    regs[EAX] = lo;
    regs[EDX] = hi;
    setResultFlags(c, lo, 0xffffffff, hi !== 0 ? FLAG_CF | FLAG_OF : 0);
  } else if (kind === 5) {
    // The signed high half is the unsigned one less each negative operand's partner (mod 2^32).
    const lo = Math.imul(eax, v);
    const hi = (mulHigh(eax >>> 0, v >>> 0) - (eax < 0 ? v : 0) - ((v | 0) < 0 ? eax : 0)) | 0;
    regs[EAX] = lo;
    regs[EDX] = hi;
    setResultFlags(c, lo, 0xffffffff, hi !== lo >> 31 ? FLAG_CF | FLAG_OF : 0);
  } else if (kind === 6) {
    const d = v >>> 0;
    if (d === 0) c.raise(EXC_DE);
    // The quotient fits in 32 bits exactly when EDX < the divisor.
    if (regs[EDX] >>> 0 >= d) c.raise(EXC_DE);
    divide64(regs[EDX] >>> 0, eax >>> 0, d);
    regs[EAX] = quotient;
    regs[EDX] = remainder;
  } else {
    const d = v | 0;
    if (d === 0) c.raise(EXC_DE);
    // Divides the magnitudes; the quotient is negative when the signs differ, the remainder has
    // the dividend's sign.
    let hi = regs[EDX] | 0;
    let lo = eax >>> 0;
    const negative = hi < 0;
    if (negative) {
      lo = -lo >>> 0;
      hi = (~hi + (lo === 0 ? 1 : 0)) >>> 0;
    }
    const m = Math.abs(d);
    if (hi >>> 0 >= m) c.raise(EXC_DE);
    divide64(hi >>> 0, lo, m);
    const q = negative !== d < 0 ? -quotient : quotient;
    if (q > 0x7fffffff || q < -0x80000000) c.raise(EXC_DE);
    regs[EAX] = q;
    regs[EDX] = negative ? -remainder : remainder;
  }
}

/** divide64's results. */
let quotient = 0;
let remainder = 0;

/**
 * Sets quotient and remainder of the unsigned 64-bit hi:lo by d, given hi < d (so the quotient fits
 * in 32 bits): long division in 16-bit digits, every step exact in doubles (below 2^48).
 */
function divide64(hi: number, lo: number, d: number): void {
  const t1 = hi * 65536 + (lo >>> 16);
  const q1 = Math.floor(t1 / d);
  const t0 = (t1 - q1 * d) * 65536 + (lo & 0xffff);
  const q0 = Math.floor(t0 / d);
  quotient = q1 * 65536 + q0;
  remainder = t0 - q0 * d;
}

/** High 32 bits of the unsigned 64-bit product a*b. */
function mulHigh(a: number, b: number): number {
  const aLo = a & 0xffff;
  const aHi = a >>> 16;
  const bLo = b & 0xffff;
  const bHi = b >>> 16;
  const mid = aHi * bLo + aLo * bHi + ((aLo * bLo) >>> 16);
  return (aHi * bHi + Math.floor(mid / 65536)) >>> 0;
}

/** Two/three-operand IMUL: truncated signed product, CF = OF = the product did not fit. */
export function imulTrunc(c: Cpu, a: number, b: number, size: number): number {
  if (size === 2) {
    const p = ((a << 16) >> 16) * ((b << 16) >> 16);
    setResultFlags(c, p, 0xffff, p !== (p << 16) >> 16 ? FLAG_CF | FLAG_OF : 0);
    return p & 0xffff;
  }
  const lo = Math.imul(a, b);
  // The double product is exact below 2^53; above that it cannot equal an int32 anyway.
  const p = (a | 0) * (b | 0);
  setResultFlags(c, lo, 0xffffffff, p !== lo ? FLAG_CF | FLAG_OF : 0);
  return lo;
}

/** Sets SF/ZF/PF from AL, keeping the given CF/AF/OF bits (BCD instructions). */
function bcdFlags(c: Cpu, al: number, explicit: number): void {
  setResultFlags(c, al, 0xff, explicit);
}

/** DAA (SDM algorithm); OF is undefined: 0 as QEMU leaves it. */
export function daa(c: Cpu): void {
  const oldAl = c.r8[0];
  const oldCf = getCF(c);
  let al = oldAl;
  let cf = 0;
  let af = 0;
  if ((al & 0xf) > 9 || getAF(c) !== 0) {
    al = (al + 6) & 0xff;
    af = FLAG_AF;
  }
  if (oldAl > 0x99 || oldCf !== 0) {
    al = (al + 0x60) & 0xff;
    cf = FLAG_CF;
  }
  c.r8[0] = al;
  bcdFlags(c, al, cf | af);
}

/**
 * DAS (SDM algorithm); OF undefined: 0. The low adjustment's borrow sets CF (SDM: "CF <- old_CF
 * or (Borrow from AL <- AL - 6)"), so AL = 0x00..0x05 with AF set ends with CF set.
 */
export function das(c: Cpu): void {
  const oldAl = c.r8[0];
  const oldCf = getCF(c);
  let al = oldAl;
  let cf = 0;
  let af = 0;
  if ((al & 0xf) > 9 || getAF(c) !== 0) {
    if (al < 6) cf = FLAG_CF;
    al = (al - 6) & 0xff;
    af = FLAG_AF;
  }
  if (oldAl > 0x99 || oldCf !== 0) {
    al = (al - 0x60) & 0xff;
    cf = FLAG_CF;
  }
  c.r8[0] = al;
  bcdFlags(c, al, cf | af);
}

/** AAA/AAS: adjust AL/AH after unpacked BCD add/sub; only CF/AF change (QEMU keeps the rest). */
export function aaaAas(c: Cpu, sub: boolean): void {
  const f = materialize(c);
  let ax = c.r16[0];
  let adj = 0;
  if ((ax & 0xf) > 9 || (f & FLAG_AF) !== 0) {
    if (sub) {
      // AX - 6 then AH - 1: the borrow out of AL also reaches AH (SDM: AX <- AX - 6).
      const al = ((ax & 0xff) - 6) & 0xff;
      const ah = ((ax >> 8) - 1 - ((ax & 0xff) < 6 ? 1 : 0)) & 0xff;
      ax = (ah << 8) | al;
    } else {
      // The 386 adds 6 to AL and 1 to AH separately (QEMU: al += 6, ah += 1 + carry-out of al).
      const al = (ax & 0xff) + 6;
      const ah = ((ax >> 8) + 1 + (al > 0xff ? 1 : 0)) & 0xff;
      ax = (ah << 8) | (al & 0xff);
    }
    adj = FLAG_AF | FLAG_CF;
  }
  c.r16[0] = ax & 0xff0f;
  c.flags = (f & ~(FLAG_AF | FLAG_CF)) | adj;
}

/** AAM imm8: AH = AL / imm, AL = AL % imm; #DE when imm is 0. */
export function aam(c: Cpu, imm: number): void {
  if (imm === 0) c.raise(EXC_DE);
  const al = c.r8[0];
  c.r8[1] = Math.floor(al / imm);
  c.r8[0] = al % imm;
  logicFlags(c, c.r8[0], 0xff);
}

/** AAD imm8: AL = AL + AH * imm, AH = 0. */
export function aad(c: Cpu, imm: number): void {
  const al = (c.r8[0] + c.r8[1] * imm) & 0xff;
  c.r16[0] = al;
  logicFlags(c, al, 0xff);
}

/** Flag bits SAHF loads from AH. */
export const SAHF_MASK = FLAG_SF | FLAG_ZF | FLAG_AF | FLAG_PF | FLAG_CF;

/** PARITY re-exported for callers that compute PF directly. */
export { PARITY };
