// The table-driven decoder against iced-x86: lengths, memory operands (base, index, scale,
// displacement, segment) and immediates of many instruction byte sequences in 16- and 32-bit code:
// every one-byte and 0F opcode with varied ModRM/SIB bytes and prefixes, plus random bytes.

import { createRequire } from "node:module";
import { describe, expect, test } from "vitest";
import { DecodedInsn, decodeInsn } from "../../../src/emu/cpu/decoder.ts";

const { Code, Decoder, DecoderOptions, EncodingKind, Mnemonic, OpKind, Register } = createRequire(
  import.meta.url,
)("iced-x86") as typeof import("iced-x86");

/** iced's 16/32-bit general registers by our encoding (AX..DI, EAX..EDI). */
const REG16 = [
  Register.AX,
  Register.CX,
  Register.DX,
  Register.BX,
  Register.SP,
  Register.BP,
  Register.SI,
  Register.DI,
];
const REG32 = [
  Register.EAX,
  Register.ECX,
  Register.EDX,
  Register.EBX,
  Register.ESP,
  Register.EBP,
  Register.ESI,
  Register.EDI,
];
const SEGS = [Register.ES, Register.CS, Register.SS, Register.DS, Register.FS, Register.GS];

/** A deterministic byte generator (xorshift32). */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s & 0xff;
  };
}

/** Compares one decode of `bytes` with iced; returns a description of the first difference or null. */
function compare(bytes: Uint8Array, bitness: 16 | 32): string | null {
  const iced = new Decoder(bitness, bytes, DecoderOptions.None);
  const insn = iced.decode();
  const code = insn.code;
  // VEX/EVEX/XOP (C4/C5/62/8F with a register ModRM): the P6/SSE3 CPUs emulated raise #UD there.
  // AMD's SSE4a EXTRQ/INSERTQ (66/F2 0F 78 with two imm8) are #UD on the Intel models emulated.
  const legacy =
    insn.encoding === EncodingKind.Legacy &&
    insn.mnemonic !== Mnemonic.Extrq &&
    insn.mnemonic !== Mnemonic.Insertq;
  const len = insn.length;
  const memBase = insn.memoryBase;
  const memIndex = insn.memoryIndex;
  const memScale = insn.memoryIndexScale;
  const memDisp = Number(insn.memoryDisplacement) >>> 0;
  const memSeg = insn.memorySegment;
  let hasMem = false;
  for (let i = 0; i < insn.opCount; i++) if (insn.opKind(i) === OpKind.Memory) hasMem = true;
  insn.free();
  iced.free();
  if (code === Code.INVALID || !legacy) return null;
  const d = new DecodedInsn();
  decodeInsn(d, bytes, 0, bytes.length, bitness === 32 ? 1 : 0);
  const hex = Buffer.from(bytes.subarray(0, Math.max(len, 1))).toString("hex");
  if (d.len !== len) return `${bitness}-bit ${hex}: length ${d.len}, iced ${len}`;
  if (hasMem && d.op >= 0xa0 && d.op <= 0xa3 && SEGS[d.eaSeg] !== memSeg)
    return `${bitness}-bit ${hex}: moffs segment ${d.eaSeg}`;
  if (hasMem && d.modrm >= 0 && d.mod !== 3) {
    const regs = d.a32 ? REG32 : REG16;
    const base = d.base < 0 ? Register.None : regs[d.base];
    const index = d.index < 0 ? Register.None : regs[d.index];
    const disp = d.a32 ? d.disp >>> 0 : d.disp & 0xffff;
    if (base !== memBase || index !== memIndex || (index !== Register.None && 1 << d.scale !== memScale))
      return `${bitness}-bit ${hex}: base/index differ`;
    if (disp !== memDisp)
      return `${bitness}-bit ${hex}: displacement 0x${disp.toString(16)}, iced 0x${memDisp.toString(16)}`;
    if (SEGS[d.eaSeg] !== memSeg) return `${bitness}-bit ${hex}: segment ${d.eaSeg}`;
  }
  return null;
}

/** Byte sequences: each opcode (after optional prefixes) followed by pseudo-random bytes. */
function* sequences(seed: number, perOpcode: number): Generator<Uint8Array> {
  const next = rng(seed);
  const prefixes = [[], [0x66], [0x67], [0x66, 0x67], [0x26], [0x64, 0x67], [0xf3], [0xf2, 0x66]];
  for (const lead of [[], [0x0f], [0x0f, 0x38], [0x0f, 0x3a]]) {
    for (let op = 0; op < 256; op++) {
      for (let k = 0; k < perOpcode; k++) {
        const pre = prefixes[k % prefixes.length]!;
        const b = new Uint8Array(20);
        let n = 0;
        for (const x of pre) b[n++] = x;
        for (const x of lead) b[n++] = x;
        b[n++] = op;
        while (n < b.length) b[n++] = next();
        yield b;
      }
    }
  }
  for (let k = 0; k < 4000; k++) {
    const b = new Uint8Array(20);
    for (let i = 0; i < b.length; i++) b[i] = next();
    yield b;
  }
}

describe("decodeInsn against iced-x86", () => {
  for (const bitness of [16, 32] as const) {
    test(`${bitness}-bit code: lengths and memory operands agree`, () => {
      const failures: string[] = [];
      let compared = 0;
      for (const bytes of sequences(bitness, 24)) {
        const diff = compare(bytes, bitness);
        compared++;
        if (diff !== null) failures.push(diff);
      }
      expect(compared).toBeGreaterThan(20000);
      expect(failures.slice(0, 20)).toEqual([]);
    });
  }

  test("immediates and the block-end flag of common instructions", () => {
    const d = new DecodedInsn();
    // 81 C1 78 56 34 12    add ecx, 0x12345678
    decodeInsn(d, new Uint8Array([0x81, 0xc1, 0x78, 0x56, 0x34, 0x12]), 0, 6, 1);
    expect([d.len, d.op, d.reg, d.rm, d.imm, d.endsBlock]).toEqual([6, 0x81, 0, 1, 0x12345678, false]);
    // 66 6A FE             push word -2 (32-bit code)
    decodeInsn(d, new Uint8Array([0x66, 0x6a, 0xfe]), 0, 3, 1);
    expect([d.len, d.o32, d.imm]).toEqual([3, 0, -2]);
    // 0F 85 10 00          jnz +0x10 (16-bit code)
    decodeInsn(d, new Uint8Array([0x0f, 0x85, 0x10, 0x00]), 0, 4, 0);
    expect([d.len, d.op, d.imm, d.endsBlock]).toEqual([4, 0x185, 0x10, true]);
    // F3 A5                rep movsw: retires one instruction per iteration, so it ends a block
    decodeInsn(d, new Uint8Array([0xf3, 0xa5]), 0, 2, 0);
    expect([d.len, d.rep, d.endsBlock]).toEqual([2, 0xf3, true]);
    // A5                   movsw: one instruction
    decodeInsn(d, new Uint8Array([0xa5]), 0, 1, 0);
    expect(d.endsBlock).toBe(false);
    // 64 A1 00 20 00 00    mov eax, fs:[0x2000] (moffs: the override applies, as to any memory operand)
    decodeInsn(d, new Uint8Array([0x64, 0xa1, 0x00, 0x20, 0x00, 0x00]), 0, 6, 1);
    expect([d.len, d.imm, d.eaSeg]).toEqual([6, 0x2000, 4]);
    // 8B 44 24 08          mov eax, [esp+8] (with only 3 bytes readable: does not fit)
    decodeInsn(d, new Uint8Array([0x8b, 0x44, 0x24, 0x08]), 0, 3, 1);
    expect(d.len).toBeGreaterThan(15);
  });
});
