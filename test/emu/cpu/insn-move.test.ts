// Instruction tables for data movement, address computation, prefixes, segment limits and the
// stack (raw bytes, NASM disassembly checked with iced-x86, SDM-derived expectations).

import { table } from "./helpers.ts";

const CF = 0x1;
const ZF = 0x40;
const GP = 13;
const SS_FAULT = 12;
const UD = 6;

table("moves, 16-bit", 16, [
  { code: [0xa0, 0x34, 0x12], asm: "mov al, [0x1234]", mem: [[0x1234, [0x5a]]], out: { eax: 0x5a } },
  {
    code: [0xa3, 0x00, 0x20],
    asm: "mov [0x2000], ax",
    init: { eax: 0xbeef },
    outMem: [[0x2000, [0xef, 0xbe]]],
  },
  {
    code: [0x8b, 0x47, 0x10],
    asm: "mov ax, [bx+0x10]",
    init: { ebx: 0x1ff0 },
    mem: [[0x2000, [0x11, 0x22]]],
    out: { eax: 0x2211 },
  },
  // 16-bit addressing wraps the effective address at 64 KiB: 0xfff8 + 0x10 = 0x0008.
  {
    code: [0x8a, 0x47, 0x10],
    asm: "mov al, [bx+0x10]",
    init: { ebx: 0xfff8 },
    mem: [[0x0008, [0x77]]],
    out: { eax: 0x77 },
  },
  // [bp+...] defaults to SS: SS=0x100 -> linear 0x1000 + 0x1000 + 4.
  {
    code: [0x8b, 0x46, 0x04],
    asm: "mov ax, [bp+4]",
    init: { ebp: 0x1000 },
    segs: { ss: 0x100 },
    mem: [[0x2004, [0x34, 0x12]]],
    out: { eax: 0x1234 },
  },
  {
    code: [0x26, 0x8a, 0x07],
    asm: "mov al, [es:bx]",
    init: { ebx: 0x10 },
    segs: { es: 0x300 },
    mem: [[0x3010, [0x99]]],
    out: { eax: 0x99 },
  },
  // Repeated and mixed prefixes: the last segment override wins.
  {
    code: [0x26, 0x64, 0x8a, 0x07],
    asm: "mov al, [fs:bx]",
    init: { ebx: 0x10 },
    segs: { es: 0x300, fs: 0x400 },
    mem: [[0x4010, [0x42]]],
    out: { eax: 0x42 },
  },
  // Operand-size prefix in 16-bit code: a 32-bit load.
  {
    code: [0x66, 0x8b, 0x07],
    asm: "mov eax, [bx]",
    init: { ebx: 0x2000 },
    mem: [[0x2000, [1, 2, 3, 4]]],
    out: { eax: 0x04030201 },
  },
  // Address-size prefix: 32-bit addressing in real mode, within the 64 KiB limit.
  {
    code: [0x67, 0x8a, 0x03],
    asm: "mov al, [ebx]",
    init: { ebx: 0x2000 },
    mem: [[0x2000, [0x5]]],
    out: { eax: 5 },
  },
  // ... and beyond the cached 64 KiB limit: #GP(0) (real mode keeps the segment limit).
  { code: [0x67, 0x8a, 0x03], asm: "mov al, [ebx]", init: { ebx: 0x12345 }, fault: GP },
  // A word at offset 0xffff straddles the limit: #GP(0).
  { code: [0xa1, 0xff, 0xff], asm: "mov ax, [0xffff]", fault: GP },
  // Through SS the limit violation is #SS(0).
  { code: [0x8b, 0x46, 0x00], asm: "mov ax, [bp]", init: { ebp: 0xffff }, fault: SS_FAULT },
  {
    code: [0x66, 0x0f, 0xb6, 0x07],
    asm: "movzx eax, byte [bx]",
    init: { eax: 0xffffffff, ebx: 0x2000 },
    mem: [[0x2000, [0x80]]],
    out: { eax: 0x80 },
  },
  { code: [0x0f, 0xbe, 0xc3], asm: "movsx ax, bl", init: { ebx: 0x80 }, out: { eax: 0xff80 } },
  { code: [0x66, 0x0f, 0xbf, 0xc3], asm: "movsx eax, bx", init: { ebx: 0x8001 }, out: { eax: 0xffff8001 } },
  // LEA computes the offset only and wraps it to 16 bits: 0x20 + 0 - 0x10.
  { code: [0x8d, 0x80, 0xf0, 0xff], asm: "lea ax, [bx+si-0x10]", init: { ebx: 0x20 }, out: { eax: 0x10 } },
  { code: [0x8d, 0xc0], asm: "(bad)", fault: UD },
  { code: [0xb4, 0x12], asm: "mov ah, 0x12", init: { eax: 0xffff }, out: { eax: 0x12ff } },
  { code: [0xc6, 0x07, 0xab], asm: "mov byte [bx], 0xab", init: { ebx: 0x2000 }, outMem: [[0x2000, [0xab]]] },
  { code: [0xc6, 0x0f, 0xab], asm: "(bad)", fault: UD },
  { code: [0x86, 0xc4], asm: "xchg al, ah", init: { eax: 0x1234 }, out: { eax: 0x3412 } },
  { code: [0x93], asm: "xchg bx, ax", init: { eax: 1, ebx: 2 }, out: { eax: 2, ebx: 1 } },
  {
    code: [0x87, 0x07],
    asm: "xchg ax, [bx]",
    init: { eax: 0x1111, ebx: 0x2000 },
    mem: [[0x2000, [0x22, 0x22]]],
    out: { eax: 0x2222 },
    outMem: [[0x2000, [0x11, 0x11]]],
  },
  { code: [0x98], asm: "cbw", init: { eax: 0x80 }, out: { eax: 0xff80 } },
  { code: [0x66, 0x98], asm: "cwde", init: { eax: 0x8000 }, out: { eax: 0xffff8000 } },
  { code: [0x99], asm: "cwd", init: { eax: 0x8000 }, out: { edx: 0xffff } },
  { code: [0xd7], asm: "xlatb", init: { eax: 3, ebx: 0x2000 }, mem: [[0x2003, [0x77]]], out: { eax: 0x77 } },
  { code: [0x9f], asm: "lahf", flags: CF | ZF, out: { eax: 0x4300 } },
  // SAHF loads SF ZF AF PF CF from AH.
  { code: [0x9e], asm: "sahf", init: { eax: 0xd500 }, outFlags: 0xd5, flagMask: 0x8d5 },
  // SALC (undocumented, as QEMU): AL = CF ? 0xff : 0.
  { code: [0xd6], asm: "salc", flags: CF, out: { eax: 0xff } },
  { code: [0x8c, 0xd8], asm: "mov ax, ds", segs: { ds: 0x1234 }, out: { eax: 0x1234 } },
  // MOV CS, r/m is #UD (iced calls these encodings "(bad)" too).
  { code: [0x8e, 0xc8], asm: "(bad)", fault: UD },
  { code: [0x0f, 0x94, 0xc0], asm: "sete al", flags: ZF, init: { eax: 0xff00 }, out: { eax: 0xff01 } },
  { code: [0x0f, 0x9c, 0xc0], asm: "setl al", flags: 0x800, out: { eax: 1 } },
  // CMPXCHG equal: ZF=1, dest = source. Not equal: ZF=0, AX = dest.
  {
    code: [0x0f, 0xb1, 0x0f],
    asm: "cmpxchg [bx], cx",
    init: { eax: 5, ebx: 0x2000, ecx: 9 },
    mem: [[0x2000, [5, 0]]],
    outMem: [[0x2000, [9, 0]]],
    outFlags: ZF,
    flagMask: ZF,
  },
  {
    code: [0x0f, 0xb1, 0x0f],
    asm: "cmpxchg [bx], cx",
    init: { eax: 4, ebx: 0x2000, ecx: 9 },
    mem: [[0x2000, [5, 0]]],
    out: { eax: 5 },
    outMem: [[0x2000, [5, 0]]],
    outFlags: 0,
    flagMask: ZF,
  },
  { code: [0x0f, 0xc1, 0xd8], asm: "xadd ax, bx", init: { eax: 1, ebx: 2 }, out: { eax: 3, ebx: 1 } },
  // LOCK: valid on a read-modify-write memory destination, #UD elsewhere.
  {
    code: [0xf0, 0x01, 0x07],
    asm: "lock add [bx], ax",
    init: { eax: 1, ebx: 0x2000 },
    outMem: [[0x2000, [1, 0]]],
  },
  { code: [0xf0, 0x01, 0xd8], asm: "(bad)", fault: UD },
  { code: [0xf0, 0x89, 0x07], asm: "(bad)", fault: UD },
  {
    code: [0xf0, 0x0f, 0xab, 0x07],
    asm: "lock bts [bx], ax",
    init: { ebx: 0x2000 },
    outMem: [[0x2000, [1]]],
  },
  { code: [0xf0, 0x90], asm: "(bad)", fault: UD },
  { code: [0x0f, 0x0b], asm: "ud2", fault: UD },
  { code: [0x0f, 0xff, 0x00], asm: "ud0 ax, [bx+si]", fault: UD },
]);

table("moves, 32-bit", 32, [
  // SIB: ebx + ecx*4 + 0x10.
  {
    code: [0x8b, 0x44, 0x8b, 0x10],
    asm: "mov eax, [ebx+ecx*4+0x10]",
    init: { ebx: 0x2000, ecx: 3 },
    mem: [[0x201c, [0x78, 0x56, 0x34, 0x12]]],
    out: { eax: 0x12345678 },
  },
  {
    code: [0x8b, 0x04, 0x25, 0x00, 0x20, 0x00, 0x00],
    asm: "mov eax, [0x2000]",
    mem: [[0x2000, [1, 0, 0, 0]]],
    out: { eax: 1 },
  },
  {
    code: [0x8d, 0x44, 0x4b, 0xff],
    asm: "lea eax, [ebx+ecx*2-1]",
    init: { ebx: 0x100, ecx: 0x10 },
    out: { eax: 0x11f },
  },
  // Address-size override in 32-bit code: 16-bit addressing.
  {
    code: [0x67, 0x8b, 0x07],
    asm: "mov eax, [bx]",
    init: { ebx: 0xffff2000 },
    mem: [[0x2000, [7, 0, 0, 0]]],
    out: { eax: 7 },
  },
  {
    code: [0x66, 0xb8, 0x34, 0x12],
    asm: "mov ax, 0x1234",
    init: { eax: 0xffffffff },
    out: { eax: 0xffff1234 },
  },
  { code: [0x99], asm: "cdq", init: { eax: 0x80000000 }, out: { edx: 0xffffffff } },
  { code: [0x0f, 0xc8], asm: "bswap eax", init: { eax: 0x12345678 }, out: { eax: 0x78563412 } },
  // CMPXCHG8B equal: m64 = ECX:EBX, ZF=1.
  {
    code: [0x0f, 0xc7, 0x0e],
    asm: "cmpxchg8b [esi]",
    init: { eax: 1, edx: 2, ebx: 3, ecx: 4, esi: 0x2000 },
    mem: [[0x2000, [1, 0, 0, 0, 2, 0, 0, 0]]],
    outMem: [[0x2000, [3, 0, 0, 0, 4, 0, 0, 0]]],
    outFlags: ZF,
    flagMask: ZF,
  },
  {
    code: [0x0f, 0xc7, 0x0e],
    asm: "cmpxchg8b [esi]",
    init: { eax: 1, edx: 3, esi: 0x2000 },
    mem: [[0x2000, [1, 0, 0, 0, 2, 0, 0, 0]]],
    out: { eax: 1, edx: 2 },
    outFlags: 0,
    flagMask: ZF,
  },
  { code: [0x0f, 0xc7, 0xc8], asm: "(bad)", fault: UD },
  { code: [0x0f, 0xb6, 0xc4], asm: "movzx eax, ah", init: { eax: 0xff80 }, out: { eax: 0xff } },
  { code: [0x0f, 0x1f, 0x44, 0x00, 0x00], asm: "nop dword [eax+eax]", init: { eax: 0x7fffffff } },
  // More than 15 bytes of instruction: #GP(0) (14 ES prefixes + 8A 07).
  { code: [...new Array(14).fill(0x26), 0x8a, 0x07], asm: "(bad)", fault: GP },
]);

table("stack, 16-bit", 16, [
  {
    code: [0x50],
    asm: "push ax",
    init: { eax: 0x1234 },
    out: { esp: 0x7ffe },
    outMem: [[0x7ffe, [0x34, 0x12]]],
  },
  // PUSH SP pushes the value before the decrement (286+).
  { code: [0x54], asm: "push sp", out: { esp: 0x7ffe }, outMem: [[0x7ffe, [0x00, 0x80]]] },
  { code: [0x5b], asm: "pop bx", mem: [[0x8000, [0x11, 0x22]]], out: { ebx: 0x2211, esp: 0x8002 } },
  // POP SP: SP gets the popped value.
  { code: [0x5c], asm: "pop sp", mem: [[0x8000, [0x00, 0x40]]], out: { esp: 0x4000 } },
  { code: [0x6a, 0xff], asm: "push 0xffff", out: { esp: 0x7ffe }, outMem: [[0x7ffe, [0xff, 0xff]]] },
  {
    code: [0x66, 0x68, 0x78, 0x56, 0x34, 0x12],
    asm: "push 0x12345678",
    out: { esp: 0x7ffc },
    outMem: [[0x7ffc, [0x78, 0x56, 0x34, 0x12]]],
  },
  // POP [SP-based]: the address uses SP after the increment.
  {
    code: [0x8f, 0x06, 0x00, 0x30],
    asm: "pop word [0x3000]",
    mem: [[0x8000, [0xcd, 0xab]]],
    out: { esp: 0x8002 },
    outMem: [[0x3000, [0xcd, 0xab]]],
  },
  // SP wraps within the 64 KiB stack segment: SP=0 -> writes at 0xfffe.
  {
    code: [0x50],
    asm: "push ax",
    init: { eax: 0x4321, esp: 0 },
    out: { esp: 0xfffe },
    outMem: [[0xfffe, [0x21, 0x43]]],
  },
  // PUSHA: AX CX DX BX SP(original) BP SI DI.
  {
    code: [0x60],
    asm: "pusha",
    init: { eax: 1, ecx: 2, edx: 3, ebx: 4, ebp: 6, esi: 7, edi: 8 },
    out: { esp: 0x7ff0 },
    outMem: [[0x7ff0, [8, 0, 7, 0, 6, 0, 0, 0x80, 4, 0, 3, 0, 2, 0, 1, 0]]],
  },
  // POPA skips the SP slot.
  {
    code: [0x61],
    asm: "popa",
    mem: [[0x8000, [8, 0, 7, 0, 6, 0, 0x55, 0x55, 4, 0, 3, 0, 2, 0, 1, 0]]],
    out: { eax: 1, ecx: 2, edx: 3, ebx: 4, ebp: 6, esi: 7, edi: 8, esp: 0x8010 },
  },
  // ENTER 8, 0: push BP, BP = SP, SP -= 8.
  {
    code: [0xc8, 0x08, 0x00, 0x00],
    asm: "enter 8, 0",
    init: { ebp: 0x1234 },
    out: { ebp: 0x7ffe, esp: 0x7ff6 },
    outMem: [[0x7ffe, [0x34, 0x12]]],
  },
  // ENTER 4, 2: push BP (0x9000); copy one outer frame pointer from [BP-2]; push the new frame (0x7ffe).
  {
    code: [0xc8, 0x04, 0x00, 0x02],
    asm: "enter 4, 2",
    init: { ebp: 0x9000 },
    mem: [[0x8ffe, [0xaa, 0xaa]]],
    out: { ebp: 0x7ffe, esp: 0x7ff6 },
    outMem: [[0x7ffa, [0xfe, 0x7f, 0xaa, 0xaa, 0x00, 0x90]]],
  },
  {
    code: [0xc9],
    asm: "leave",
    init: { ebp: 0x7000 },
    mem: [[0x7000, [0x34, 0x12]]],
    out: { ebp: 0x1234, esp: 0x7002 },
  },
  // PUSHF/POPF in real mode: all flags writable at CPL 0.
  { code: [0x9c], asm: "pushf", flags: CF | ZF, out: { esp: 0x7ffe }, outMem: [[0x7ffe, [0x43, 0x00]]] },
  // Bit 1 always reads as 1.
  { code: [0x9d], asm: "popf", mem: [[0x8000, [0xd5, 0x0a]]], outFlags: 0xad7, flagMask: 0xfff },
  { code: [0x1f], asm: "pop ds", mem: [[0x8000, [0x34, 0x12]]], out: { esp: 0x8002 } },
]);

table("stack, 32-bit", 32, [
  {
    code: [0x50],
    asm: "push eax",
    init: { eax: 0x12345678 },
    out: { esp: 0x7fffc },
    outMem: [[0x7fffc, [0x78, 0x56, 0x34, 0x12]]],
  },
  { code: [0x66, 0x50], asm: "push ax", init: { eax: 0x12345678 }, out: { esp: 0x7fffe } },
  { code: [0x0e], asm: "push cs", out: { esp: 0x7fffc }, outMem: [[0x7fffc, [0x08, 0, 0, 0]]] },
  // PUSHFD clears VM and RF in the image; bit 1 is always set.
  {
    code: [0x9c],
    asm: "pushf",
    flags: 0x10000 | CF,
    out: { esp: 0x7fffc },
    outMem: [[0x7fffc, [0x03, 0, 0, 0]]],
  },
]);
