// The table-driven instruction decoder: one opcode table says, for every opcode of the one-byte
// and 0F maps, whether a ModRM byte follows, which immediate follows and whether the instruction
// ends a translated block (it may change control flow, the mode, EFLAGS.IF, the interrupt line or
// retire a variable number of instructions). decodeInsn() fills a reusable DecodedInsn record
// (length, prefixes, operand/address size, ModRM/SIB operands, displacement, immediates) from
// bytes in the host buffer, allocation-free, and says which instructions LOCK may prefix. The
// translator (jit/) decodes with it; the interpreter decodes lazily in its handlers (faster per
// execution, see dispatch.ts) and asks it only whether LOCK is allowed; test/emu/cpu/dispatch.test.ts
// checks that the two agree on every instruction's length.

import { DS, SS } from "./state.ts";

/** Table bit: a ModRM byte follows the opcode. */
const T_MODRM = 1;
/** Immediate kinds (table bits 1-3). */
const IMM_SHIFT = 1;
const IMM_NONE = 0;
/** An imm8. */
const IMM_B = 1;
/** An imm16. */
const IMM_W = 2;
/** An imm16 or imm32 by operand size. */
const IMM_Z = 3;
/** A moffs16/moffs32 by address size (MOV AL/eAX <-> moffs). */
const IMM_MOFFS = 4;
/** imm16 then imm8 (ENTER). */
const IMM_WB = 5;
/** A far pointer: imm16/32 offset then a 16-bit selector. */
const IMM_ZW = 6;
/** Group 3 (F6/F7): TEST has an immediate (imm8 / immz), the other members none. */
const IMM_GRP3 = 7;
/** Table bit: the instruction ends a translated block (executed last in it). */
const T_END = 16;
/** Table bit: the ModRM byte always names a register (MOV to/from CRn/DRn: mod is ignored). */
const T_REGONLY = 32;
/** Table bit: a legacy prefix byte, not an opcode. */
const T_PREFIX = 64;

/** Opcode number of the 0F map's opcodes in DecodedInsn.op (0x100 + second byte). */
export const OP_0F = 0x100;
/** 0F 38 xx and 0F 3A xx opcodes (0x200 + xx, 0x300 + xx). */
export const OP_0F38 = 0x200;
export const OP_0F3A = 0x300;

/** The longest legal instruction, in bytes. */
const MAX_LENGTH = 15;

/** A decoded instruction; decodeInsn() overwrites every field. */
export class DecodedInsn {
  /** Length in bytes (> 15: not a legal instruction, stop decoding there). */
  len = 0;
  /** Opcode: 0x00-0xFF one-byte map, OP_0F + b for 0F b, OP_0F38/OP_0F3A + b for the 3-byte maps. */
  op = 0;
  /** Bytes of prefixes before the opcode. */
  prefixLen = 0;
  /** Operand and address size: 1 = 32-bit, 0 = 16-bit. */
  o32 = 0;
  a32 = 0;
  /** Segment override (-1: none). */
  segOvr = -1;
  /** 0, 0xF2 or 0xF3. */
  rep = 0;
  lock = false;
  /** ModRM byte (-1: none) and its fields. */
  modrm = -1;
  mod = 0;
  reg = 0;
  rm = 0;
  /** Memory operand (mod != 3): base and index registers (-1: none), scale shift, displacement. */
  base = -1;
  index = -1;
  scale = 0;
  disp = 0;
  /** The segment the memory operand uses (the override, or DS/SS by its base). */
  eaSeg = DS;
  /** Immediates (imm2: ENTER's level, a far pointer's selector); int32, sign-extended when imm8/16 is signed by the opcode. */
  imm = 0;
  imm2 = 0;
  /** The instruction ends a translated block. */
  endsBlock = false;
}

/** The one-byte map. */
const ONE = new Uint8Array(256);
/** The 0F map. */
const TWO = new Uint8Array(256);

function set(table: Uint8Array, from: number, to: number, bits: number): void {
  for (let op = from; op <= to; op++) table[op] = bits;
}

const M = T_MODRM;
const B = IMM_B << IMM_SHIFT;
const W = IMM_W << IMM_SHIFT;
const Z = IMM_Z << IMM_SHIFT;
const E = T_END;

// One-byte map (SDM Vol. 2 Table A-2).
for (let row = 0; row < 0x40; row += 8) {
  set(ONE, row, row + 3, M);
  ONE[row + 4] = B;
  ONE[row + 5] = Z;
}
for (const p of [0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65, 0x66, 0x67, 0xf0, 0xf2, 0xf3]) ONE[p] = T_PREFIX;
// POP ES/SS/DS load a segment (SS: the stack size and an interrupt shadow).
ONE[0x07] = E;
ONE[0x17] = E;
ONE[0x1f] = E;
ONE[0x62] = M;
ONE[0x63] = M | E; // ARPL in protected mode, #UD in real mode
ONE[0x68] = Z;
ONE[0x69] = M | Z;
ONE[0x6a] = B;
ONE[0x6b] = M | B;
set(ONE, 0x6c, 0x6f, E); // INS/OUTS: port I/O
set(ONE, 0x70, 0x7f, B | E);
ONE[0x80] = M | B;
ONE[0x81] = M | Z;
ONE[0x82] = M | B;
ONE[0x83] = M | B;
set(ONE, 0x84, 0x8d, M);
ONE[0x8e] = M | E;
ONE[0x8f] = M;
ONE[0x9a] = (IMM_ZW << IMM_SHIFT) | E;
ONE[0x9b] = 0;
ONE[0x9d] = E; // POPF: IF, TF
set(ONE, 0xa0, 0xa3, IMM_MOFFS << IMM_SHIFT);
ONE[0xa8] = B;
ONE[0xa9] = Z;
set(ONE, 0xb0, 0xb7, B);
set(ONE, 0xb8, 0xbf, Z);
ONE[0xc0] = M | B;
ONE[0xc1] = M | B;
ONE[0xc2] = W | E;
ONE[0xc3] = E;
ONE[0xc4] = M | E;
ONE[0xc5] = M | E;
ONE[0xc6] = M | B;
ONE[0xc7] = M | Z;
ONE[0xc8] = IMM_WB << IMM_SHIFT;
ONE[0xca] = W | E;
ONE[0xcb] = E;
ONE[0xcc] = E;
ONE[0xcd] = B | E;
ONE[0xce] = E;
ONE[0xcf] = E;
set(ONE, 0xd0, 0xd3, M);
ONE[0xd4] = B;
ONE[0xd5] = B;
set(ONE, 0xd8, 0xdf, M);
set(ONE, 0xe0, 0xe3, B | E);
set(ONE, 0xe4, 0xe7, B | E);
ONE[0xe8] = Z | E;
ONE[0xe9] = Z | E;
ONE[0xea] = (IMM_ZW << IMM_SHIFT) | E;
ONE[0xeb] = B | E;
set(ONE, 0xec, 0xef, E);
ONE[0xf1] = E;
ONE[0xf4] = E; // HLT
ONE[0xf6] = M | (IMM_GRP3 << IMM_SHIFT);
ONE[0xf7] = M | (IMM_GRP3 << IMM_SHIFT);
ONE[0xfa] = E; // CLI
ONE[0xfb] = E; // STI
ONE[0xfe] = M;
ONE[0xff] = M; // group 5: CALL/JMP members end the block (see decodeInsn)

// 0F map (SDM Vol. 2 Table A-3). Everything with a ModRM byte unless listed otherwise.
set(TWO, 0x00, 0xff, M);
TWO[0x00] = M | E; // LLDT/LTR/VERR...
TWO[0x01] = M | E; // LGDT/LIDT/LMSW/INVLPG...
TWO[0x02] = M | E;
TWO[0x03] = M | E;
set(TWO, 0x04, 0x0b, E); // SYSCALL, CLTS, SYSRET, INVD, WBINVD, UD2...
TWO[0x0d] = M;
TWO[0x0e] = E;
TWO[0x0f] = M | B; // 3DNow!: the opcode is an imm8 suffix
set(TWO, 0x20, 0x27, M | E | T_REGONLY); // MOV to/from CRn, DRn, TRn
set(TWO, 0x30, 0x37, E); // WRMSR, RDTSC, RDMSR, RDPMC, SYSENTER, SYSEXIT, GETSEC
TWO[0x38] = 0; // three-byte escape (decodeInsn)
TWO[0x3a] = 0;
set(TWO, 0x70, 0x73, M | B);
TWO[0x77] = 0;
set(TWO, 0x80, 0x8f, Z | E);
TWO[0xa0] = 0;
TWO[0xa1] = E; // POP FS
TWO[0xa2] = 0; // CPUID
TWO[0xa4] = M | B;
TWO[0xa8] = 0;
TWO[0xa9] = E; // POP GS
TWO[0xaa] = E; // RSM
TWO[0xac] = M | B;
TWO[0xb2] = M | E; // LSS
TWO[0xb4] = M | E; // LFS
TWO[0xb5] = M | E; // LGS
TWO[0xba] = M | B;
TWO[0xc2] = M | B;
TWO[0xc4] = M | B;
TWO[0xc5] = M | B;
TWO[0xc6] = M | B;
set(TWO, 0xc8, 0xcf, 0); // BSWAP
TWO[0xff] = M | E; // UD0

/**
 * Whether LOCK may prefix the instruction in `d` (anything else with LOCK is #UD): the
 * read-modify-write instructions with a memory destination (SDM Vol. 2 "LOCK").
 */
export function lockable(d: DecodedInsn): boolean {
  if (d.modrm < 0 || d.mod === 3) return false;
  const op = d.op;
  const reg = d.reg;
  if (op < 0x40) return (op & 7) < 2 && op !== 0x38 && op !== 0x39; // ALU Eb,Gb / Ev,Gv but CMP
  if (op <= 0xff) {
    if (op >= 0x80 && op <= 0x83) return reg !== 7; // group 1 but CMP
    if (op === 0x86 || op === 0x87) return true; // XCHG
    if (op === 0xf6 || op === 0xf7) return reg === 2 || reg === 3; // NOT, NEG
    return (op === 0xfe || op === 0xff) && reg < 2; // INC, DEC
  }
  switch (op - OP_0F) {
    case 0xab: // BTS
    case 0xb3: // BTR
    case 0xbb: // BTC
    case 0xb0: // CMPXCHG
    case 0xb1:
    case 0xc0: // XADD
    case 0xc1:
    // QEMU 7.2 ignores LOCK on the 0F 18 hints and MOVNTI (the SDM: #UD).
    case 0x18:
    case 0xc3:
      return true;
    case 0xba: // group 8: BTS, BTR, BTC
      return reg >= 5;
    case 0xc7: // CMPXCHG8B
      return reg === 1;
    case 0xae: // QEMU 7.2 ignores LOCK on LDMXCSR and STMXCSR (the SDM: #UD).
      return reg === 2 || reg === 3;
    default:
      return false;
  }
}

/** Little-endian word at b[i]. */
function le16(b: Uint8Array, i: number): number {
  return b[i] | (b[i + 1] << 8);
}

/** Little-endian dword at b[i] (int32). */
function le32(b: Uint8Array, i: number): number {
  return b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24);
}

/**
 * Decodes the instruction at b[at] for code of default size `code32` (1: 32-bit) into `d`.
 * Needs: at least 15 readable bytes from `at`, or `end` (exclusive) marking where they stop;
 * bytes past `end` are not read: d.len > 15 then says the instruction does not fit.
 * Guarantees: allocation-free; every field of `d` is rewritten (each once on the common path:
 * the interpreter decodes every instruction it runs with this).
 */
export function decodeInsn(d: DecodedInsn, b: Uint8Array, at: number, end: number, code32: number): void {
  const p = decodeFields(d, b, at, end - at > MAX_LENGTH ? at + MAX_LENGTH : end, code32);
  if (p < 0) {
    notFit(d, code32);
    return;
  }
  d.len = p - at;
}

/** Every field of `d` but len from the bytes b[at, limit); returns the position after them, -1 if they do not fit. */
function decodeFields(d: DecodedInsn, b: Uint8Array, at: number, limit: number, code32: number): number {
  let p = at;
  if (p >= limit) return -1;
  let op = b[p++];
  let bits = ONE[op];
  if ((bits & T_PREFIX) === 0) {
    d.o32 = code32;
    d.a32 = code32;
    d.segOvr = -1;
    d.rep = 0;
    d.lock = false;
    d.prefixLen = 0;
  } else {
    p = prefixes(d, b, p, limit, op, code32);
    if (p < 0) return -1;
    op = b[p - 1];
    bits = ONE[op];
  }
  if (op === 0x0f) {
    if (p >= limit) return -1;
    const op2 = b[p++];
    if (op2 === 0x38 || op2 === 0x3a) {
      if (p >= limit) return -1;
      op = (op2 === 0x38 ? OP_0F38 : OP_0F3A) + b[p++];
      bits = op2 === 0x38 ? M : M | B;
    } else {
      op = OP_0F + op2;
      bits = TWO[op2];
    }
  }
  d.op = op;
  let imm = (bits >> IMM_SHIFT) & 7;
  if ((bits & T_MODRM) !== 0) {
    if (p >= limit) return -1;
    const m = b[p++];
    d.modrm = m;
    const mod = m >> 6;
    d.mod = mod;
    d.reg = (m >> 3) & 7;
    d.rm = m & 7;
    if (mod !== 3 && (bits & T_REGONLY) === 0) {
      p = d.a32 ? modrm32(d, b, p, limit, m) : modrm16(d, b, p, limit, m);
      if (p < 0) return -1;
    } else {
      noMemory(d);
    }
    if (imm === IMM_GRP3) imm = (m & 0x30) === 0 ? (op === 0xf6 ? IMM_B : IMM_Z) : IMM_NONE;
  } else {
    d.modrm = -1;
    d.mod = 0;
    d.reg = 0;
    d.rm = 0;
    noMemory(d);
  }
  if (imm === IMM_NONE) {
    d.imm = 0;
    d.imm2 = 0;
  } else {
    p = immediate(d, b, p, limit, imm);
    if (p < 0) return -1;
  }
  // REP string instructions retire one instruction per iteration; group 5's CALL/JMP branch.
  d.endsBlock =
    (bits & T_END) !== 0 ||
    (op === 0xff && d.reg >= 2 && d.reg <= 5) ||
    (d.rep !== 0 && ((op >= 0xa4 && op <= 0xa7) || (op >= 0xaa && op <= 0xaf)));
  return p;
}

/** Legacy prefixes from b[p - 1] (`op`, a prefix) on; returns the position after the opcode, -1 if it does not fit. */
function prefixes(
  d: DecodedInsn,
  b: Uint8Array,
  p: number,
  limit: number,
  op: number,
  code32: number,
): number {
  const at = p - 1;
  let o32 = code32;
  let a32 = code32;
  let seg = -1;
  let rep = 0;
  let lock = false;
  for (;;) {
    if (op === 0x66) o32 = code32 ^ 1;
    else if (op === 0x67) a32 = code32 ^ 1;
    else if (op === 0xf0) lock = true;
    else if (op === 0xf2 || op === 0xf3) rep = op;
    else seg = op === 0x26 ? 0 : op === 0x2e ? 1 : op === 0x36 ? 2 : op === 0x3e ? 3 : op === 0x64 ? 4 : 5;
    if (p >= limit) return -1;
    op = b[p++];
    if ((ONE[op] & T_PREFIX) === 0) break;
  }
  d.o32 = o32;
  d.a32 = a32;
  d.segOvr = seg;
  d.rep = rep;
  d.lock = lock;
  d.prefixLen = p - at - 1;
  return p;
}

/** The immediate of kind `imm` at b[p]; returns the position after it, -1 if it does not fit. */
function immediate(d: DecodedInsn, b: Uint8Array, p: number, limit: number, imm: number): number {
  d.imm2 = 0;
  switch (imm) {
    case IMM_B:
      if (p + 1 > limit) return -1;
      d.imm = (b[p] << 24) >> 24;
      return p + 1;
    case IMM_W:
      if (p + 2 > limit) return -1;
      d.imm = le16(b, p);
      return p + 2;
    case IMM_Z:
      if (d.o32) {
        if (p + 4 > limit) return -1;
        d.imm = le32(b, p);
        return p + 4;
      }
      if (p + 2 > limit) return -1;
      d.imm = (le16(b, p) << 16) >> 16;
      return p + 2;
    case IMM_MOFFS:
      // The offset is a memory operand: DS unless overridden.
      d.eaSeg = d.segOvr >= 0 ? d.segOvr : DS;
      if (d.a32) {
        if (p + 4 > limit) return -1;
        d.imm = le32(b, p);
        return p + 4;
      }
      if (p + 2 > limit) return -1;
      d.imm = le16(b, p);
      return p + 2;
    case IMM_WB:
      if (p + 3 > limit) return -1;
      d.imm = le16(b, p);
      d.imm2 = b[p + 2];
      return p + 3;
    default: {
      // IMM_ZW: a far pointer.
      const n = d.o32 ? 4 : 2;
      if (p + n + 2 > limit) return -1;
      d.imm = d.o32 ? le32(b, p) : le16(b, p);
      d.imm2 = le16(b, p + n);
      return p + n + 2;
    }
  }
}

/** The memory-operand fields of an instruction without one. */
function noMemory(d: DecodedInsn): void {
  d.base = -1;
  d.index = -1;
  d.scale = 0;
  d.disp = 0;
  d.eaSeg = DS;
}

/** Marks `d` as not fitting in the bytes given (len 16), every other field reset. */
function notFit(d: DecodedInsn, code32: number): void {
  d.len = MAX_LENGTH + 1;
  d.op = 0;
  d.prefixLen = 0;
  d.o32 = code32;
  d.a32 = code32;
  d.segOvr = -1;
  d.rep = 0;
  d.lock = false;
  d.modrm = -1;
  d.mod = 0;
  d.reg = 0;
  d.rm = 0;
  noMemory(d);
  d.imm = 0;
  d.imm2 = 0;
  d.endsBlock = true;
}

/**
 * The 16-bit memory operand of ModRM byte `m` (mod != 3) and its displacement at b[p]: sets base,
 * index, scale, disp and eaSeg. Returns the position after it, or -1 if it does not fit.
 */
function modrm16(d: DecodedInsn, b: Uint8Array, p: number, limit: number, m: number): number {
  const mod = m >> 6;
  const rm = m & 7;
  // BX+SI, BX+DI, BP+SI, BP+DI, SI, DI, BP (disp16 with mod 0), BX
  d.index = INDEX16[rm];
  d.scale = 0;
  const ovr = d.segOvr;
  if (mod === 0) {
    d.disp = 0;
    if (rm === 6) {
      if (p + 2 > limit) return -1;
      d.base = -1;
      d.disp = le16(b, p);
      d.eaSeg = ovr >= 0 ? ovr : DS;
      return p + 2;
    }
  } else if (mod === 1) {
    if (p + 1 > limit) return -1;
    d.disp = (b[p++] << 24) >> 24;
  } else {
    if (p + 2 > limit) return -1;
    d.disp = le16(b, p);
    p += 2;
  }
  d.base = BASE16[rm];
  d.eaSeg = ovr >= 0 ? ovr : SEG16[rm];
  return p;
}

const BASE16 = new Int8Array([3, 3, 5, 5, 6, 7, 5, 3]);
const INDEX16 = new Int8Array([6, 7, 6, 7, -1, -1, -1, -1]);
/** The default segment of each 16-bit r/m (BP-based: SS); r/m 6 with mod 0 is DS (handled apart). */
const SEG16 = new Uint8Array([DS, DS, SS, SS, DS, DS, SS, DS]);

/**
 * The 32-bit memory operand of ModRM byte `m` (mod != 3): its SIB and displacement at b[p]; sets
 * base, index, scale, disp and eaSeg. Returns the position after it, or -1 if it does not fit.
 */
function modrm32(d: DecodedInsn, b: Uint8Array, p: number, limit: number, m: number): number {
  const mod = m >> 6;
  let base = m & 7;
  const ovr = d.segOvr;
  if (base === 4) {
    if (p >= limit) return -1;
    const sib = b[p++];
    base = sib & 7;
    const idx = (sib >> 3) & 7;
    d.index = idx === 4 ? -1 : idx;
    d.scale = sib >> 6;
  } else {
    d.index = -1;
    d.scale = 0;
  }
  if (mod === 0) {
    if (base === 5) {
      if (p + 4 > limit) return -1;
      d.base = -1;
      d.disp = le32(b, p);
      d.eaSeg = ovr >= 0 ? ovr : DS;
      return p + 4;
    }
    d.disp = 0;
  } else if (mod === 1) {
    if (p + 1 > limit) return -1;
    d.disp = (b[p++] << 24) >> 24;
  } else {
    if (p + 4 > limit) return -1;
    d.disp = le32(b, p);
    p += 4;
  }
  d.base = base;
  d.eaSeg = ovr >= 0 ? ovr : base === 4 || base === 5 ? SS : DS;
  return p;
}
