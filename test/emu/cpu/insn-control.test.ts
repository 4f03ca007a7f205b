// Instruction tables for jumps, calls, loops, interrupts, flag control, I/O and string
// instructions (raw bytes, NASM disassembly checked with iced-x86, SDM-derived expectations).
// Code sits at 0x1000; exception/interrupt vector v enters a handler at 0x600 + v.

import { describe, expect, test } from "vitest";
import { faultReturnAddress, realMode, stepInstruction, table } from "./helpers.ts";

const CF = 0x1;
const ZF = 0x40;
const IF = 0x200;
const DF = 0x400;
const OF = 0x800;

table("jumps and calls, 16-bit", 16, [
  { code: [0xeb, 0x10], asm: "jmp 0x1012", outEip: 0x1012 },
  { code: [0xe9, 0x00, 0x01], asm: "jmp 0x1103", outEip: 0x1103 },
  // A near jump's 16-bit target wraps: 0x1003 + 0xf000 = 0x10003 -> 0x0003.
  { code: [0xe9, 0x00, 0xf0], asm: "jmp 3", outEip: 0x0003 },
  { code: [0x74, 0x05], asm: "je 0x1007", flags: ZF, outEip: 0x1007 },
  { code: [0x74, 0x05], asm: "je 0x1007", outEip: 0x1002 },
  { code: [0x0f, 0x8c, 0x00, 0x01], asm: "jl 0x1104", flags: OF, outEip: 0x1104 },
  // JBE: CF or ZF.
  { code: [0x76, 0xfe], asm: "jbe 0x1000", flags: CF, outEip: 0x1000 },
  // JG: ZF clear and SF == OF.
  { code: [0x7f, 0x02], asm: "jg 0x1004", flags: OF, outEip: 0x1002 },
  {
    code: [0xe8, 0xfd, 0x00],
    asm: "call 0x1100",
    out: { esp: 0x7ffe },
    outEip: 0x1100,
    outMem: [[0x7ffe, [0x03, 0x10]]],
  },
  {
    code: [0xff, 0xd3],
    asm: "call bx",
    init: { ebx: 0x2345 },
    outEip: 0x2345,
    outMem: [[0x7ffe, [0x02, 0x10]]],
  },
  {
    code: [0xff, 0x27],
    asm: "jmp word [bx]",
    init: { ebx: 0x2000 },
    mem: [[0x2000, [0x34, 0x12]]],
    outEip: 0x1234,
  },
  { code: [0xc3], asm: "ret", mem: [[0x8000, [0x34, 0x12]]], out: { esp: 0x8002 }, outEip: 0x1234 },
  {
    code: [0xc2, 0x04, 0x00],
    asm: "ret 4",
    mem: [[0x8000, [0x34, 0x12]]],
    out: { esp: 0x8006 },
    outEip: 0x1234,
  },
  // LOOP decrements CX first: CX=1 -> 0, not taken.
  { code: [0xe2, 0xfe], asm: "loop 0x1000", init: { ecx: 1 }, out: { ecx: 0 }, outEip: 0x1002 },
  { code: [0xe2, 0xfe], asm: "loop 0x1000", init: { ecx: 5 }, out: { ecx: 4 }, outEip: 0x1000 },
  // CX=0 wraps to 0xffff and loops.
  { code: [0xe2, 0xfe], asm: "loop 0x1000", init: { ecx: 0x30000 }, out: { ecx: 0x3ffff }, outEip: 0x1000 },
  // The address size picks ECX: 0x10000 - 1 = 0xffff != 0.
  {
    code: [0x67, 0xe2, 0xfd],
    asm: "loop 0x1000, ecx",
    init: { ecx: 0x10000 },
    out: { ecx: 0xffff },
    outEip: 0x1000,
  },
  { code: [0xe1, 0xfe], asm: "loope 0x1000", init: { ecx: 5 }, outEip: 0x1002 },
  { code: [0xe0, 0xfe], asm: "loopne 0x1000", init: { ecx: 5 }, outEip: 0x1000 },
  { code: [0xe3, 0x05], asm: "jcxz 0x1007", init: { ecx: 0x10000 }, outEip: 0x1007 },
  { code: [0x67, 0xe3, 0x05], asm: "jecxz 0x1008", init: { ecx: 0x10000 }, outEip: 0x1003 },
  // INT n through the IVT: FLAGS, CS, IP (next instruction) pushed; IF and TF cleared.
  {
    code: [0xcd, 0x10],
    asm: "int 0x10",
    flags: IF | CF,
    out: { esp: 0x7ffa },
    fault: 0x10,
    outFlags: CF,
    flagMask: IF | CF,
    outMem: [[0x7ffa, [0x02, 0x10, 0, 0, 0x03, 0x02]]],
  },
  { code: [0xcc], asm: "int3", out: { esp: 0x7ffa }, fault: 3, outMem: [[0x7ffa, [0x01, 0x10]]] },
  { code: [0xce], asm: "into", flags: OF, fault: 4 },
  { code: [0xce], asm: "into", outEip: 0x1001 },
  // IRET pops IP, CS, FLAGS.
  {
    code: [0xcf],
    asm: "iret",
    mem: [[0x8000, [0x00, 0x20, 0x00, 0x00, 0xd5, 0x08]]],
    out: { esp: 0x8006 },
    outEip: 0x2000,
    outFlags: 0x8d5,
    flagMask: 0x8d5,
  },
  // BOUND: index 5 outside [0, 4] -> #BR (vector 5).
  {
    code: [0x62, 0x07],
    asm: "bound ax, [bx]",
    init: { eax: 5, ebx: 0x2000 },
    mem: [[0x2000, [0, 0, 4, 0]]],
    fault: 5,
  },
  {
    code: [0x62, 0x07],
    asm: "bound ax, [bx]",
    init: { eax: 0xffff, ebx: 0x2000 },
    mem: [[0x2000, [0xfe, 0xff, 4, 0]]],
    outEip: 0x1002,
  },
  { code: [0xf5], asm: "cmc", flags: CF, outFlags: 0 },
  { code: [0xf9], asm: "stc", outFlags: CF },
  { code: [0xfd], asm: "std", outFlags: DF, flagMask: DF },
  { code: [0xfa], asm: "cli", flags: IF, outFlags: 0, flagMask: IF },
  { code: [0xfb], asm: "sti", outFlags: IF, flagMask: IF },
  { code: [0xe4, 0x60], asm: "in al, 0x60", init: { eax: 0x1234 }, out: { eax: 0x12ff } },
  { code: [0x9b], asm: "wait", outEip: 0x1001 },
  { code: [0xdb, 0xe3], asm: "fninit", outEip: 0x1002 },
]);

table("jumps and calls, 32-bit", 32, [
  {
    code: [0xe8, 0xfb, 0x00, 0x00, 0x00],
    asm: "call 0x00001100",
    out: { esp: 0x7fffc },
    outEip: 0x1100,
    outMem: [[0x7fffc, [0x05, 0x10, 0, 0]]],
  },
  // An operand-size prefix truncates the target to 16 bits.
  { code: [0x66, 0xe9, 0x00, 0x10], asm: "jmp 0x2004", outEip: 0x2004 },
  { code: [0xc3], asm: "ret", mem: [[0x80000, [0x78, 0x56, 0x34, 0x00]]], outEip: 0x345678 },
  { code: [0xcd, 0x1f], asm: "int 0x1f", fault: 0x1f },
  // Divide error in protected mode: the handler gets EIP of the faulting instruction.
  { code: [0xf7, 0xf1], asm: "div ecx", fault: 0 },
  { code: [0xe4, 0x71], asm: "in al, 0x71", out: { eax: 0xff } },
]);

describe("fault frames", () => {
  test("a fault pushes the address of the faulting instruction, a trap the next one", () => {
    const div = realMode([0xf6, 0xf3]); // div bl with BL = 0
    div.cpu.step();
    expect(div.cpu.eip).toBe(0x600);
    expect(faultReturnAddress(div, 16)).toBe(0x1000);
    const int3 = realMode([0x90, 0xcc]);
    int3.cpu.step();
    int3.cpu.step();
    expect(faultReturnAddress(int3, 16)).toBe(0x1002);
  });
});

table("string instructions, 16-bit", 16, [
  // REP with CX = 0 does nothing.
  {
    code: [0xf3, 0xa4],
    asm: "rep movsb",
    init: { esi: 0x2000, edi: 0x3000 },
    mem: [[0x2000, [1]]],
    out: { esi: 0x2000, edi: 0x3000 },
    outMem: [[0x3000, [0]]],
  },
  {
    code: [0xf3, 0xa5],
    asm: "rep movsw",
    init: { ecx: 3, esi: 0x2000, edi: 0x3000 },
    mem: [[0x2000, [1, 2, 3, 4, 5, 6, 7]]],
    out: { ecx: 0, esi: 0x2006, edi: 0x3006 },
    outMem: [[0x3000, [1, 2, 3, 4, 5, 6, 0]]],
  },
  // DF set: the indexes go down.
  {
    code: [0xa4],
    asm: "movsb",
    flags: DF,
    init: { esi: 0x2000, edi: 0x3000 },
    mem: [[0x2000, [9]]],
    out: { esi: 0x1fff, edi: 0x2fff },
    outMem: [[0x3000, [9]]],
  },
  {
    code: [0xf3, 0xa5],
    asm: "rep movsw",
    flags: DF,
    init: { ecx: 2, esi: 0x2002, edi: 0x3002 },
    mem: [[0x2000, [1, 2, 3, 4]]],
    out: { ecx: 0, esi: 0x1ffe, edi: 0x2ffe },
    outMem: [[0x3000, [1, 2, 3, 4]]],
  },
  // The source segment can be overridden; the destination is always ES.
  {
    code: [0x2e, 0xa4],
    asm: "cs movsb",
    init: { esi: 0x10, edi: 0x10 },
    segs: { ds: 0x100, es: 0x300 },
    mem: [
      [0x0010, [0x44]],
      [0x1010, [0x55]],
    ],
    outMem: [[0x3010, [0x44]]],
  },
  // Overlapping forward copy repeats the pattern byte by byte.
  {
    code: [0xf3, 0xa4],
    asm: "rep movsb",
    init: { ecx: 4, esi: 0x2000, edi: 0x2001 },
    mem: [[0x2000, [7, 0, 0, 0, 0]]],
    outMem: [[0x2000, [7, 7, 7, 7, 7]]],
  },
  // SI wraps at 64 KiB.
  { code: [0xac], asm: "lodsb", init: { esi: 0xffff }, mem: [[0xffff, [0x5a]]], out: { eax: 0x5a, esi: 0 } },
  {
    code: [0xf3, 0x66, 0xab],
    asm: "rep stosd",
    init: { ecx: 2, eax: 0x11223344, edi: 0x3000 },
    out: { ecx: 0, edi: 0x3008 },
    outMem: [[0x3000, [0x44, 0x33, 0x22, 0x11, 0x44, 0x33, 0x22, 0x11]]],
  },
  // The address size selects ECX/ESI/EDI.
  {
    code: [0x67, 0xf3, 0xa4],
    asm: "a32 rep movsb",
    init: { ecx: 2, esi: 0x2000, edi: 0x3000 },
    mem: [[0x2000, [1, 2, 3]]],
    out: { ecx: 0, esi: 0x2002, edi: 0x3002 },
    outMem: [[0x3000, [1, 2, 0]]],
  },
  // REPE CMPSB stops after the first mismatch (4th byte): CX = 10 - 4, ZF = 0.
  {
    code: [0xf3, 0xa6],
    asm: "repe cmpsb",
    init: { ecx: 10, esi: 0x2000, edi: 0x3000 },
    mem: [
      [0x2000, [0x61, 0x62, 0x63, 0x58]],
      [0x3000, [0x61, 0x62, 0x63, 0x59]],
    ],
    out: { ecx: 6, esi: 0x2004, edi: 0x3004 },
    outFlags: 0,
    flagMask: ZF,
  },
  // REPNE SCASB finds the 0 at index 5: CX = 0xffff - 6, ZF = 1.
  {
    code: [0xf2, 0xae],
    asm: "repne scasb",
    init: { ecx: 0xffff, edi: 0x3000 },
    mem: [[0x3000, [0x68, 0x65, 0x6c, 0x6c, 0x6f, 0]]],
    out: { ecx: 0xfff9, edi: 0x3006 },
    outFlags: ZF,
    flagMask: ZF,
  },
  // A REP count of 0 leaves the flags alone.
  { code: [0xf3, 0xa6], asm: "repe cmpsb", flags: CF | OF, outFlags: CF | OF },
  {
    code: [0xaf],
    asm: "scasw",
    init: { eax: 0x1234, edi: 0x3000 },
    mem: [[0x3000, [0x34, 0x12]]],
    out: { edi: 0x3002 },
    outFlags: ZF,
    flagMask: ZF,
  },
  {
    code: [0x6c],
    asm: "insb",
    init: { edx: 0x60, edi: 0x3000 },
    out: { edi: 0x3001 },
    outMem: [[0x3000, [0xff]]],
  },
  {
    code: [0xf3, 0x6e],
    asm: "rep outsb",
    init: { ecx: 2, edx: 0x80, esi: 0x2000 },
    out: { ecx: 0, esi: 0x2002 },
  },
]);

table("string instructions, 32-bit", 32, [
  // a16 in 32-bit code: CX (2) is the count, the upper half of ECX is kept; SI/DI are 16-bit.
  {
    code: [0x67, 0xf3, 0xa4],
    asm: "a16 rep movsb",
    init: { ecx: 0x10002, esi: 0xffff2000, edi: 0x3000 },
    mem: [[0x2000, [1, 2, 3]]],
    out: { ecx: 0x10000, esi: 0xffff2002, edi: 0x3002 },
    outMem: [[0x3000, [1, 2, 0]]],
  },
  {
    code: [0xf3, 0xa5],
    asm: "rep movsd",
    init: { ecx: 0x401, esi: 0x20000, edi: 0x30000 },
    out: { ecx: 0, esi: 0x21004, edi: 0x31004 },
  },
  {
    code: [0xf3, 0xab],
    asm: "rep stosd",
    flags: DF,
    init: { ecx: 2, eax: 0xaabbccdd, edi: 0x3004 },
    out: { ecx: 0, edi: 0x2ffc },
    outMem: [[0x3000, [0xdd, 0xcc, 0xbb, 0xaa, 0xdd, 0xcc, 0xbb, 0xaa]]],
  },
]);

describe("string I/O", () => {
  test("REP OUTSB writes each byte to DX in order", () => {
    const m = realMode([0xf3, 0x6e]);
    m.cpu.regs[1] = 3;
    m.cpu.regs[2] = 0x402;
    m.cpu.regs[6] = 0x2000;
    m.mem.load(0x2000, [0x68, 0x69, 0x0a]);
    stepInstruction(m.cpu); // three iterations
    expect(m.io.log).toEqual([
      { dir: "out", port: 0x402, size: 1, value: 0x68 },
      { dir: "out", port: 0x402, size: 1, value: 0x69 },
      { dir: "out", port: 0x402, size: 1, value: 0x0a },
    ]);
  });

  test("OUT DX, EAX and IN AX, DX use the operand size", () => {
    const m = realMode([0x66, 0xef, 0xed]);
    m.cpu.regs[0] = 0x12345678;
    m.cpu.regs[2] = 0xcfc;
    m.io.inputs.set(0xcfc, 0xabcd);
    m.cpu.step();
    m.cpu.step();
    expect(m.io.log).toEqual([
      { dir: "out", port: 0xcfc, size: 4, value: 0x12345678 },
      { dir: "in", port: 0xcfc, size: 2, value: 0xabcd },
    ]);
    expect(m.cpu.regs[0] >>> 0).toBe(0x1234abcd);
  });
});
