// Shift/rotate and multiply/divide tables (blink style): raw bytes, their NASM disassembly (checked against iced-x86),
// inputs and expected outputs. Expected values come from the Intel SDM's definitions; the
// reasoning is written next to the rows where it is not obvious. Flags the SDM leaves undefined
// are masked out with `flagMask` and the comment says which.

import { table } from "./helpers.ts";

const CF = 0x1;
const PF = 0x4;
const AF = 0x10;
const ZF = 0x40;
const SF = 0x80;
const OF = 0x800;
const ARITH = CF | PF | AF | ZF | SF | OF;
/** Everything but AF (undefined after logic ops, shifts by > 0, ...). */
const NO_AF = ARITH & ~AF;

table("shifts and rotates", 16, [
  // SHL by 1: CF = old MSB; OF = MSB(result) ^ CF. AF undefined for a nonzero count (masked).
  {
    code: [0xd0, 0xe0],
    asm: "shl al, 1",
    init: { eax: 0x80 },
    out: { eax: 0 },
    outFlags: CF | OF | ZF | PF,
    flagMask: NO_AF,
  },
  // A count of 0 changes nothing, flags included.
  {
    code: [0xc0, 0xe0, 0x00],
    asm: "shl al, 0",
    init: { eax: 0x81 },
    flags: CF | ZF | AF | OF,
    out: { eax: 0x81 },
    outFlags: CF | ZF | AF | OF,
  },
  // Counts are masked to 5 bits: CL = 0x21 shifts by 1. OF = MSB(0x8000) ^ CF(0) = 1.
  {
    code: [0xd3, 0xe0],
    asm: "shl ax, cl",
    init: { eax: 0x4000, ecx: 0x21 },
    out: { eax: 0x8000, ecx: 0x21 },
    outFlags: OF | SF | PF,
    flagMask: NO_AF,
  },
  // CL = 0x20 masks to 0: nothing changes.
  {
    code: [0xd3, 0xe0],
    asm: "shl ax, cl",
    init: { eax: 0x4000, ecx: 0x20 },
    flags: ZF,
    out: { eax: 0x4000 },
    outFlags: ZF,
  },
  // SHL r8 by 9: every bit leaves; CF and OF undefined (count > size), SF/ZF/PF from 0.
  {
    code: [0xd2, 0xe0],
    asm: "shl al, cl",
    init: { eax: 0xff, ecx: 9 },
    out: { eax: 0 },
    outFlags: ZF | PF,
    flagMask: ZF | PF | SF,
  },
  // SHR by 1: CF = old LSB; OF = old MSB.
  {
    code: [0xd0, 0xe8],
    asm: "shr al, 1",
    init: { eax: 0x81 },
    out: { eax: 0x40 },
    outFlags: CF | OF,
    flagMask: NO_AF,
  },
  // SHR by 4: CF = bit 3 of 0x88 = 1; OF undefined for count > 1 (masked).
  {
    code: [0xc0, 0xe8, 0x04],
    asm: "shr al, 4",
    init: { eax: 0x88 },
    out: { eax: 0x08 },
    outFlags: CF,
    flagMask: CF | ZF | SF | PF,
  },
  // SAR by 1: sign kept; CF = old LSB; OF = 0.
  {
    code: [0xd0, 0xf8],
    asm: "sar al, 1",
    init: { eax: 0x81 },
    out: { eax: 0xc0 },
    outFlags: CF | SF | PF,
    flagMask: NO_AF,
  },
  // SAR 16-bit by 31: all bits become the sign; the last bit out is a sign bit -> CF.
  {
    code: [0xd3, 0xf8],
    asm: "sar ax, cl",
    init: { eax: 0x8000, ecx: 31 },
    out: { eax: 0xffff },
    outFlags: CF | SF | PF,
    flagMask: CF | SF | ZF | PF,
  },
  // ROL by 1: CF = LSB(result), OF = MSB(result) ^ CF; SF/ZF/PF/AF untouched (all clear here).
  { code: [0xd0, 0xc0], asm: "rol al, 1", init: { eax: 0x81 }, out: { eax: 0x03 }, outFlags: CF | OF },
  // ROL keeps ZF/SF/PF/AF as they were.
  {
    code: [0xd0, 0xc0],
    asm: "rol al, 1",
    init: { eax: 0x40 },
    flags: ZF | SF | PF | AF,
    out: { eax: 0x80 },
    outFlags: ZF | SF | PF | AF | OF,
  },
  // ROR by 1: CF = MSB(result), OF = MSB(result) ^ bit 6 of the result.
  { code: [0xd0, 0xc8], asm: "ror al, 1", init: { eax: 0x01 }, out: { eax: 0x80 }, outFlags: CF | OF },
  // ROL r8 by 8: masked count 8 != 0 so CF = LSB(dest) is written; the value is unchanged; OF undefined.
  {
    code: [0xc0, 0xc0, 0x08],
    asm: "rol al, 8",
    init: { eax: 0x81 },
    out: { eax: 0x81 },
    outFlags: CF,
    flagMask: CF | ZF | SF | PF | AF,
  },
  // RCL by 1 with CF=1: 0x80 -> 0x01, CF = old MSB = 1, OF = MSB(result) ^ CF = 1.
  {
    code: [0xd0, 0xd0],
    asm: "rcl al, 1",
    init: { eax: 0x80 },
    flags: CF,
    out: { eax: 0x01 },
    outFlags: CF | OF,
  },
  // RCR by 1 with CF=0: OF = MSB(dest) ^ CF before the rotate = 0; ZF untouched even though the result is 0.
  { code: [0xd0, 0xd8], asm: "rcr al, 1", init: { eax: 0x01 }, out: { eax: 0 }, outFlags: CF },
  // RCL r8 by 9: (9 & 0x1f) mod 9 = 0, nothing rotates and CF stays; OF undefined.
  {
    code: [0xc0, 0xd0, 0x09],
    asm: "rcl al, 9",
    init: { eax: 0x81 },
    flags: CF,
    out: { eax: 0x81 },
    outFlags: CF,
    flagMask: CF | ZF | SF | PF | AF,
  },
  // RCR r16 by 17: 17 mod 17 = 0.
  {
    code: [0xd3, 0xd8],
    asm: "rcr ax, cl",
    init: { eax: 0x1234, ecx: 17 },
    out: { eax: 0x1234 },
    outFlags: 0,
    flagMask: CF | ZF | SF | PF | AF,
  },
  // RCR r16 by 2 with CF=1: 0x0001 -> CF:ax = 1:0x0001 rotated right twice -> ax = 0x c000? bits: ax>>2 | CF<<14 | bit0<<15 = 0xc000, CF = bit 1 = 0.
  {
    code: [0xc1, 0xd8, 0x02],
    asm: "rcr ax, 2",
    init: { eax: 0x0001 },
    flags: CF,
    out: { eax: 0xc000 },
    outFlags: 0,
    flagMask: CF | ZF | SF | PF | AF,
  },
  // SHLD by 4: 0x1234 << 4 | 0xabcd >> 12 = 0x234a; CF = bit 12 of 0x1234 = 1; OF undefined (count > 1).
  {
    code: [0x0f, 0xa4, 0xd8, 0x04],
    asm: "shld ax, bx, 4",
    init: { eax: 0x1234, ebx: 0xabcd },
    out: { eax: 0x234a },
    outFlags: CF,
    flagMask: CF | ZF | SF | PF,
  },
  // SHLD with CL = 0: nothing changes.
  {
    code: [0x0f, 0xa5, 0xd8],
    asm: "shld ax, bx, cl",
    init: { eax: 0x1234, ebx: 0xabcd },
    flags: OF | AF,
    out: { eax: 0x1234 },
    outFlags: OF | AF,
  },
]);

table("shifts, 32-bit", 32, [
  // SHRD by 8: 0x12345678 >> 8 | 0xdd << 24; CF = bit 7 of 0x12345678 = 0.
  {
    code: [0x0f, 0xac, 0xd8, 0x08],
    asm: "shrd eax, ebx, 8",
    init: { eax: 0x12345678, ebx: 0xaabbccdd },
    out: { eax: 0xdd123456 },
    outFlags: SF | PF,
    flagMask: CF | ZF | SF | PF,
  },
  // SHLD by 1: OF = sign change = MSB(0x40000000) ^ MSB(0x80000001) = 1.
  {
    code: [0x0f, 0xa4, 0xd8, 0x01],
    asm: "shld eax, ebx, 1",
    init: { eax: 0x40000000, ebx: 0x80000000 },
    out: { eax: 0x80000001 },
    outFlags: OF | SF,
    flagMask: CF | OF | ZF | SF,
  },
  {
    code: [0xc1, 0xe0, 0x1f],
    asm: "shl eax, 0x1f",
    init: { eax: 3 },
    out: { eax: 0x80000000 },
    outFlags: CF | SF | PF,
    flagMask: CF | ZF | SF | PF,
  },
  {
    code: [0xd1, 0xf8],
    asm: "sar eax, 1",
    init: { eax: 0x80000001 },
    out: { eax: 0xc0000000 },
    outFlags: CF | SF | PF,
    flagMask: NO_AF,
  },
  {
    code: [0xd3, 0xc0],
    asm: "rol eax, cl",
    init: { eax: 0x80000001, ecx: 4 },
    out: { eax: 0x18 },
    outFlags: 0,
    flagMask: CF,
  },
]);

table("multiply and divide", 16, [
  // MUL: CF = OF = upper half nonzero; SF/ZF/AF/PF undefined (masked).
  {
    code: [0xf6, 0xe3],
    asm: "mul bl",
    init: { eax: 0x80, ebx: 2 },
    out: { eax: 0x100 },
    outFlags: CF | OF,
    flagMask: CF | OF,
  },
  {
    code: [0xf6, 0xe3],
    asm: "mul bl",
    init: { eax: 2, ebx: 3 },
    flags: CF | OF,
    out: { eax: 6 },
    outFlags: 0,
    flagMask: CF | OF,
  },
  {
    code: [0xf7, 0xe3],
    asm: "mul bx",
    init: { eax: 0x1234, ebx: 0x10 },
    out: { eax: 0x2340, edx: 1 },
    outFlags: CF | OF,
    flagMask: CF | OF,
  },
  // IMUL r8: -1 * 2 = -2 fits in a signed byte -> CF = OF = 0; AX = 0xfffe.
  {
    code: [0xf6, 0xeb],
    asm: "imul bl",
    init: { eax: 0xff, ebx: 2 },
    out: { eax: 0xfffe },
    outFlags: 0,
    flagMask: CF | OF,
  },
  // 64 * 2 = 128 does not fit in a signed byte.
  {
    code: [0xf6, 0xeb],
    asm: "imul bl",
    init: { eax: 0x40, ebx: 2 },
    out: { eax: 0x80 },
    outFlags: CF | OF,
    flagMask: CF | OF,
  },
  {
    code: [0x6b, 0xc3, 0x10],
    asm: "imul ax, bx, 0x10",
    init: { ebx: 0x1000 },
    out: { eax: 0 },
    outFlags: CF | OF,
    flagMask: CF | OF,
  },
  {
    code: [0x69, 0xc3, 0xfe, 0xff],
    asm: "imul ax, bx, 0xfffe",
    init: { ebx: 3 },
    out: { eax: 0xfffa },
    outFlags: 0,
    flagMask: CF | OF,
  },
  // DIV r8: AX / BL -> AL quotient, AH remainder. 261 / 16 = 16 r 5.
  { code: [0xf6, 0xf3], asm: "div bl", init: { eax: 0x0105, ebx: 0x10 }, out: { eax: 0x0510 } },
  { code: [0xf6, 0xf3], asm: "div bl", init: { eax: 0x0105 }, fault: 0 },
  // 0x1000 / 0x10 = 0x100 does not fit in AL -> #DE.
  { code: [0xf6, 0xf3], asm: "div bl", init: { eax: 0x1000, ebx: 0x10 }, fault: 0 },
  { code: [0xf7, 0xf3], asm: "div bx", init: { eax: 0, edx: 1, ebx: 0x10 }, out: { eax: 0x1000, edx: 0 } },
  // IDIV truncates toward zero: -7 / 2 = -3 r -1.
  { code: [0xf6, 0xfb], asm: "idiv bl", init: { eax: 0xfff9, ebx: 2 }, out: { eax: 0xfffd } },
  // -128 / -1 = 128 overflows a signed byte -> #DE.
  { code: [0xf6, 0xfb], asm: "idiv bl", init: { eax: 0xff80, ebx: 0xff }, fault: 0 },
  { code: [0xf7, 0xfb], asm: "idiv bx", init: { eax: 0x0000, edx: 0x8000, ebx: 0xffff }, fault: 0 },
]);

table("multiply and divide, 32-bit", 32, [
  {
    code: [0xf7, 0xe3],
    asm: "mul ebx",
    init: { eax: 0xffffffff, ebx: 0xffffffff },
    out: { eax: 1, edx: 0xfffffffe },
    outFlags: CF | OF,
    flagMask: CF | OF,
  },
  {
    code: [0x0f, 0xaf, 0xc3],
    asm: "imul eax, ebx",
    init: { eax: 0xfffffffe, ebx: 3 },
    out: { eax: 0xfffffffa },
    outFlags: 0,
    flagMask: CF | OF,
  },
  {
    code: [0x0f, 0xaf, 0xc3],
    asm: "imul eax, ebx",
    init: { eax: 0x10000, ebx: 0x10000 },
    out: { eax: 0 },
    outFlags: CF | OF,
    flagMask: CF | OF,
  },
  // -2^31 * 2 = -2^32: EDX:EAX = 0xffffffff:00000000, EDX is not the sign extension of EAX.
  {
    code: [0xf7, 0xe9],
    asm: "imul ecx",
    init: { eax: 0x80000000, ecx: 2 },
    out: { eax: 0, edx: 0xffffffff },
    outFlags: CF | OF,
    flagMask: CF | OF,
  },
  {
    code: [0xf7, 0xf9],
    asm: "idiv ecx",
    init: { eax: 0xfffffff9, edx: 0xffffffff, ecx: 2 },
    out: { eax: 0xfffffffd, edx: 0xffffffff },
  },
  { code: [0xf7, 0xf1], asm: "div ecx", init: { eax: 0, edx: 1, ecx: 2 }, out: { eax: 0x80000000, edx: 0 } },
  { code: [0xf7, 0xf1], asm: "div ecx", init: { eax: 0, edx: 2, ecx: 2 }, fault: 0 },
  { code: [0xf7, 0xf1], asm: "div ecx", init: { eax: 5, edx: 0, ecx: 0 }, fault: 0 },
]);
