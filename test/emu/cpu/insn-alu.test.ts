// Instruction tables (blink style): raw bytes, their NASM disassembly (checked against iced-x86),
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

table("ALU, 16-bit", 16, [
  // 0xff + 1 = 0x100: CF out of bit 7, AF out of bit 3, result 0 (ZF, even parity).
  {
    code: [0x00, 0xd8],
    asm: "add al, bl",
    init: { eax: 0xff, ebx: 1 },
    out: { eax: 0 },
    outFlags: CF | PF | AF | ZF,
  },
  // 0x7fff + 1: positive + positive = negative -> OF; low byte 0x00 -> PF.
  {
    code: [0x01, 0xd8],
    asm: "add ax, bx",
    init: { eax: 0x7fff, ebx: 1 },
    out: { eax: 0x8000 },
    outFlags: OF | SF | AF | PF,
  },
  // 0xffff + 0 + CF(1) = 0x10000: carry out, AF from the +1 into bit 4.
  {
    code: [0x11, 0xd8],
    asm: "adc ax, bx",
    init: { eax: 0xffff },
    flags: CF,
    out: { eax: 0 },
    outFlags: CF | PF | AF | ZF,
  },
  // 0 - 0 - CF(1) = 0xff: borrow -> CF and AF; 0xff has eight ones -> PF.
  { code: [0x18, 0xd8], asm: "sbb al, bl", flags: CF, out: { eax: 0xff }, outFlags: CF | PF | AF | SF },
  // 0x80 - 1 = 0x7f: negative - positive = positive -> OF; borrow into bit 3 -> AF; 7 ones -> no PF.
  {
    code: [0x28, 0xd8],
    asm: "sub al, bl",
    init: { eax: 0x80, ebx: 1 },
    out: { eax: 0x7f },
    outFlags: OF | AF,
  },
  // CMP 1, 2: result 0xffff not stored.
  {
    code: [0x39, 0xd8],
    asm: "cmp ax, bx",
    init: { eax: 1, ebx: 2 },
    out: { eax: 1 },
    outFlags: CF | PF | AF | SF,
  },
  // Logic ops: CF = OF = 0; AF undefined (masked).
  {
    code: [0x20, 0xd8],
    asm: "and al, bl",
    init: { eax: 0xf0, ebx: 0x3c },
    out: { eax: 0x30 },
    outFlags: PF,
    flagMask: NO_AF,
  },
  {
    code: [0x09, 0xd8],
    asm: "or ax, bx",
    init: { eax: 0x8000, ebx: 1 },
    flags: CF | OF,
    out: { eax: 0x8001 },
    outFlags: SF,
    flagMask: NO_AF,
  },
  {
    code: [0x32, 0xc3],
    asm: "xor al, bl",
    init: { eax: 0x5a, ebx: 0x5a },
    out: { eax: 0 },
    outFlags: ZF | PF,
    flagMask: NO_AF,
  },
  // ADD r/m8, imm8 to memory: 0x0f + 1 carries out of bit 3.
  {
    code: [0x80, 0x07, 0x01],
    asm: "add byte [bx], 1",
    init: { ebx: 0x2000 },
    mem: [[0x2000, [0x0f]]],
    outMem: [[0x2000, [0x10]]],
    outFlags: AF,
  },
  // 83 /0 sign-extends its imm8: ax + 0xffff.
  {
    code: [0x83, 0xc0, 0xff],
    asm: "add ax, 0xffff",
    init: { eax: 1 },
    out: { eax: 0 },
    outFlags: CF | PF | AF | ZF,
  },
  { code: [0x3c, 0x05], asm: "cmp al, 5", init: { eax: 5 }, outFlags: ZF | PF },
  {
    code: [0x2d, 0x01, 0x00],
    asm: "sub ax, 1",
    init: { eax: 0 },
    out: { eax: 0xffff },
    outFlags: CF | PF | AF | SF,
  },
  // SUB word [bx+si+0x10] (0x2020): 0x1234 - 0x2000 = 0xf234 with a borrow (CF), sign set; 0x34 has
  // three ones (no PF); no borrow out of bit 3 (no AF); positive - positive (no OF).
  {
    code: [0x29, 0x58, 0x10],
    asm: "sub [bx+si+0x10], bx",
    init: { ebx: 0x2000, esi: 0x10 },
    mem: [[0x2020, [0x34, 0x12]]],
    outMem: [[0x2020, [0x34, 0xf2]]],
    outFlags: CF | SF,
  },
  // INC keeps CF (set before), 0xffff + 1 = 0.
  {
    code: [0x40],
    asm: "inc ax",
    init: { eax: 0xffff },
    flags: CF,
    out: { eax: 0 },
    outFlags: CF | ZF | AF | PF,
  },
  // DEC 0x80 = 0x7f: signed overflow; borrow into bit 3; CF (clear) kept.
  { code: [0xfe, 0xc8], asm: "dec al", init: { eax: 0x80 }, out: { eax: 0x7f }, outFlags: OF | AF },
  // NEG 0: CF = (operand != 0) = 0.
  { code: [0xf7, 0xd8], asm: "neg ax", flags: CF, out: { eax: 0 }, outFlags: ZF | PF },
  // NEG 0x80 = 0x80: CF (nonzero), OF (the most negative value), one bit -> PF clear.
  { code: [0xf6, 0xd8], asm: "neg al", init: { eax: 0x80 }, out: { eax: 0x80 }, outFlags: CF | OF | SF },
  // NOT changes no flags.
  {
    code: [0xf7, 0xd0],
    asm: "not ax",
    init: { eax: 0x00ff },
    flags: CF | ZF,
    out: { eax: 0xff00 },
    outFlags: CF | ZF,
  },
  {
    code: [0xa8, 0x80],
    asm: "test al, 0x80",
    init: { eax: 0x80 },
    flags: CF | OF,
    out: { eax: 0x80 },
    outFlags: SF,
    flagMask: NO_AF,
  },
  {
    code: [0x85, 0xd8],
    asm: "test ax, bx",
    init: { eax: 0x0f0f, ebx: 0xf0f0 },
    outFlags: ZF | PF,
    flagMask: NO_AF,
  },
  // F6 /1 is an undocumented alias of TEST Eb, Ib.
  { code: [0xf6, 0xc8, 0x01], asm: "test al, 1", init: { eax: 1 }, outFlags: 0, flagMask: NO_AF },
]);

table("ALU, 32-bit", 32, [
  // 0xf0000000 + 0x12345678 wraps: CF; 0x78 has four ones -> PF.
  {
    code: [0x05, 0x78, 0x56, 0x34, 0x12],
    asm: "add eax, 0x12345678",
    init: { eax: 0xf0000000 },
    out: { eax: 0x02345678 },
    outFlags: CF | PF,
  },
  {
    code: [0x31, 0xc0],
    asm: "xor eax, eax",
    init: { eax: 0x12345678 },
    out: { eax: 0 },
    outFlags: ZF | PF,
    flagMask: NO_AF,
  },
  {
    code: [0x40],
    asm: "inc eax",
    init: { eax: 0x7fffffff },
    out: { eax: 0x80000000 },
    outFlags: OF | SF | AF | PF,
  },
  // SBB with borrow in: 0x80000000 - 0x7fffffff - 1 = 0: signed overflow (neg - pos = 0 is fine? -2^31 - (2^31-1) - 1 = -2^32 -> OF).
  {
    code: [0x19, 0xd8],
    asm: "sbb eax, ebx",
    init: { eax: 0x80000000, ebx: 0x7fffffff },
    flags: CF,
    out: { eax: 0 },
    outFlags: OF | ZF | PF | AF,
  },
  // ADC 0xffffffff + 0xffffffff + 1 = 0x1_ffffffff: CF, result 0xffffffff, AF (0xf + 0xf + 1 > 0xf).
  {
    code: [0x11, 0xd8],
    asm: "adc eax, ebx",
    init: { eax: 0xffffffff, ebx: 0xffffffff },
    flags: CF,
    out: { eax: 0xffffffff },
    outFlags: CF | SF | PF | AF,
  },
  {
    code: [0x81, 0xfb, 0x00, 0x00, 0x00, 0x80],
    asm: "cmp ebx, 0x80000000",
    init: { ebx: 0 },
    outFlags: CF | OF | SF | PF,
  },
  {
    code: [0x66, 0x05, 0x01, 0x00],
    asm: "add ax, 1",
    init: { eax: 0x1234ffff },
    out: { eax: 0x12340000 },
    outFlags: CF | ZF | PF | AF,
  },
]);

table("BCD adjust", 16, [
  // DAA: low nibble 0xf > 9 -> AL += 6 (0x15), AF; old AL <= 0x99 and CF clear -> CF = 0. OF undefined.
  { code: [0x27], asm: "daa", init: { eax: 0x0f }, out: { eax: 0x15 }, outFlags: AF, flagMask: ARITH & ~OF },
  // DAA on 0x9a: +6 -> 0xa0 (AF); old AL > 0x99 -> +0x60 -> 0x00 (CF).
  {
    code: [0x27],
    asm: "daa",
    init: { eax: 0x9a },
    out: { eax: 0x00 },
    outFlags: CF | AF | ZF | PF,
    flagMask: ARITH & ~OF,
  },
  // DAS with CF set on 0x00: no low adjust; CF -> AL -= 0x60 = 0xa0, CF stays set.
  {
    code: [0x2f],
    asm: "das",
    init: { eax: 0x00 },
    flags: CF,
    out: { eax: 0xa0 },
    outFlags: CF | SF | PF,
    flagMask: ARITH & ~OF,
  },
  // DAS on 0x00 with AF set, CF clear: AL - 6 = 0xfa borrows, and the SDM's "CF <- old_CF or
  // (Borrow from AL <- AL - 6)" sets CF; old AL <= 0x99 so no high adjust. (QEMU: fl=0x97.)
  {
    code: [0x2f],
    asm: "das",
    init: { eax: 0x00 },
    flags: AF,
    out: { eax: 0xfa },
    outFlags: CF | AF | SF | PF,
    flagMask: ARITH & ~OF,
  },
  // AAA on 0x0b: AX += 0x106 -> 0x0111, AL &= 0xf -> 0x0101, CF = AF = 1. Others undefined.
  {
    code: [0x37],
    asm: "aaa",
    init: { eax: 0x0b },
    out: { eax: 0x0101 },
    outFlags: CF | AF,
    flagMask: CF | AF,
  },
  // AAA on 0xfa: AX + 0x106 = 0x0200 (the carry out of AL reaches AH), AL = 0.
  {
    code: [0x37],
    asm: "aaa",
    init: { eax: 0xfa },
    out: { eax: 0x0200 },
    outFlags: CF | AF,
    flagMask: CF | AF,
  },
  {
    code: [0x37],
    asm: "aaa",
    init: { eax: 0x35 },
    flags: CF | AF,
    out: { eax: 0x010b },
    outFlags: CF | AF,
    flagMask: CF | AF,
  },
  // AAA with nothing to adjust: AL &= 0xf, CF = AF = 0.
  {
    code: [0x37],
    asm: "aaa",
    init: { eax: 0x0134 },
    flags: CF,
    out: { eax: 0x0104 },
    outFlags: 0,
    flagMask: CF | AF,
  },
  // AAS: AX -= 6 (0x0205), AH -= 1 -> 0x0105, AL &= 0xf.
  {
    code: [0x3f],
    asm: "aas",
    init: { eax: 0x020b },
    out: { eax: 0x0105 },
    outFlags: CF | AF,
    flagMask: CF | AF,
  },
  // AAS with AF and AL = 2: AX - 6 = 0x04fc (borrow into AH), AH - 1 = 3, AL & 0xf = 0xc.
  {
    code: [0x3f],
    asm: "aas",
    init: { eax: 0x0502 },
    flags: AF,
    out: { eax: 0x030c },
    outFlags: CF | AF,
    flagMask: CF | AF,
  },
  // AAM 10: 63 -> AH 6, AL 3; SF/ZF/PF from AL (3 has two ones -> PF).
  {
    code: [0xd4, 0x0a],
    asm: "aam",
    init: { eax: 0x3f },
    out: { eax: 0x0603 },
    outFlags: PF,
    flagMask: SF | ZF | PF,
  },
  { code: [0xd4, 0x00], asm: "aam 0", init: { eax: 0x3f }, fault: 0 },
  // AAD 10: AL = 7 + 6 * 10 = 67 = 0x43, AH = 0; 0x43 has three ones -> no PF.
  {
    code: [0xd5, 0x0a],
    asm: "aad",
    init: { eax: 0x0607 },
    out: { eax: 0x43 },
    outFlags: 0,
    flagMask: SF | ZF | PF,
  },
  {
    code: [0xd5, 0x10],
    asm: "aad 0x10",
    init: { eax: 0x0102 },
    out: { eax: 0x12 },
    outFlags: PF,
    flagMask: SF | ZF | PF,
  },
]);

table("bit test and scan", 16, [
  // BT m16, r16 with offset 35: word at EA + (35 >> 4) * 2 = 0x2004, bit 3.
  {
    code: [0x0f, 0xa3, 0x07],
    asm: "bt [bx], ax",
    init: { eax: 35, ebx: 0x2000 },
    mem: [[0x2004, [0x08]]],
    outFlags: CF,
    flagMask: CF,
  },
  // Offset -1 (0xffff, signed): word at EA - 2, bit 15.
  {
    code: [0x0f, 0xa3, 0x07],
    asm: "bt [bx], ax",
    init: { eax: 0xffff, ebx: 0x2000 },
    mem: [[0x1fff, [0x80]]],
    outFlags: CF,
    flagMask: CF,
  },
  // BTS reg, imm: the immediate is taken modulo 16 (17 -> bit 1).
  {
    code: [0x0f, 0xba, 0xe8, 0x11],
    asm: "bts ax, 0x11",
    init: { eax: 0 },
    out: { eax: 2 },
    outFlags: 0,
    flagMask: CF,
  },
  {
    code: [0x0f, 0xba, 0xf8, 0x01],
    asm: "btc ax, 1",
    init: { eax: 3 },
    out: { eax: 1 },
    outFlags: CF,
    flagMask: CF,
  },
  // BT keeps ZF (SDM: ZF unaffected).
  {
    code: [0x0f, 0xa3, 0xc8],
    asm: "bt ax, cx",
    init: { eax: 1, ecx: 16 },
    flags: ZF,
    outFlags: ZF | CF,
    flagMask: CF | ZF,
  },
  // BSF/BSR: index of the lowest/highest set bit, ZF = 0.
  {
    code: [0x0f, 0xbc, 0xc3],
    asm: "bsf ax, bx",
    init: { ebx: 0x0050 },
    out: { eax: 4 },
    outFlags: 0,
    flagMask: ZF,
  },
  {
    code: [0x0f, 0xbd, 0xc3],
    asm: "bsr ax, bx",
    init: { ebx: 0x0050 },
    out: { eax: 6 },
    outFlags: 0,
    flagMask: ZF,
  },
  // Zero source: ZF = 1; the destination is undefined by Intel, left unchanged by AMD and QEMU (as here).
  {
    code: [0x0f, 0xbc, 0xc3],
    asm: "bsf ax, bx",
    init: { eax: 0x1234 },
    out: { eax: 0x1234 },
    outFlags: ZF,
    flagMask: ZF,
  },
]);

table("bit test, 32-bit", 32, [
  // BTS m32, r32 with offset 256: dword at EA + 32, bit 0.
  {
    code: [0x0f, 0xab, 0x03],
    asm: "bts [ebx], eax",
    init: { eax: 256, ebx: 0x3000 },
    outMem: [[0x3020, [1, 0, 0, 0]]],
    outFlags: 0,
    flagMask: CF,
  },
  // Offset -33: floor(-33 / 32) = -2 -> dword at EA - 8, bit (-33 & 31) = 31.
  {
    code: [0x0f, 0xb3, 0x03],
    asm: "btr [ebx], eax",
    init: { eax: 0xffffffdf, ebx: 0x3000 },
    mem: [[0x2ff8, [0, 0, 0, 0x80]]],
    outMem: [[0x2ff8, [0, 0, 0, 0]]],
    outFlags: CF,
    flagMask: CF,
  },
  // Offset 2^31 - 1: dword at EA + 0x0ffffffc, far beyond RAM (reads as ones): bit 31 set.
  {
    code: [0x0f, 0xa3, 0x03],
    asm: "bt [ebx], eax",
    init: { eax: 0x7fffffff, ebx: 0x3000 },
    outFlags: CF,
    flagMask: CF,
  },
  {
    code: [0x0f, 0xbb, 0xc8],
    asm: "btc eax, ecx",
    init: { eax: 0, ecx: 33 },
    out: { eax: 2 },
    outFlags: 0,
    flagMask: CF,
  },
  {
    code: [0x0f, 0xbd, 0xc3],
    asm: "bsr eax, ebx",
    init: { ebx: 0x80000001 },
    out: { eax: 31 },
    outFlags: 0,
    flagMask: ZF,
  },
  {
    code: [0x0f, 0xbc, 0xc3],
    asm: "bsf eax, ebx",
    init: { ebx: 0x80000000 },
    out: { eax: 31 },
    outFlags: 0,
    flagMask: ZF,
  },
]);
