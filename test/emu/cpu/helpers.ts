// Test harness for the CPU: a PhysicalMemory over one Uint8Array (RAM from 0, everything else
// unmapped), a PortIo that records accesses and answers from a table, and helpers that put the
// CPU in real mode or flat 32-bit protected mode with code at a chosen address.

import { Decoder, DecoderOptions, Formatter, FormatterSyntax } from "iced-x86";
import { describe, expect, test } from "vitest";
import { Cpu } from "../../../src/emu/cpu/cpu.ts";
import {
  ATTR_CODE,
  ATTR_DB,
  ATTR_G,
  ATTR_P,
  ATTR_RW,
  ATTR_S,
  CR0_PE,
  CS,
  type PhysicalMemory,
  type PortIo,
} from "../../../src/emu/cpu/state.ts";
import type { StopEvent } from "../../../src/emu/debug-target.ts";

/** RAM of `size` bytes at physical 0; other addresses read as all ones and ignore writes. */
export class TestMemory implements PhysicalMemory {
  readonly buffer: Uint8Array;
  /** ~n for buffer page n, 0 for the slow path (PhysicalMemory). */
  readonly readPage = new Int32Array(1 << 20);
  readonly writePage = new Int32Array(1 << 20);
  generation = 0;
  onBufferWrite: ((index: number, length: number) => void) | null = null;
  readonly slowWrites: { addr: number; size: number; value: number }[] = [];

  constructor(size = 2 << 20) {
    this.buffer = new Uint8Array(size);
    for (let p = 0; p < size >>> 12; p++) {
      this.readPage[p] = ~p;
      this.writePage[p] = ~p;
    }
  }

  /** Makes page `ppn` read-only (writes take the slow path and are dropped). */
  makeReadOnly(ppn: number): void {
    this.writePage[ppn] = 0;
    this.generation++;
  }

  readSlow(addr: number, size: 1 | 2 | 4): number {
    const n = ~this.readPage[addr >>> 12];
    if (n < 0) return size === 4 ? 0xffffffff : (1 << (8 * size)) - 1;
    let v = 0;
    for (let i = 0; i < size; i++) v += this.buffer[n * 4096 + (addr & 0xfff) + i] * 2 ** (8 * i);
    return v;
  }

  writeSlow(addr: number, size: 1 | 2 | 4, value: number): void {
    this.slowWrites.push({ addr, size, value });
  }

  /** A debugger's write: the RAM's bytes (read-only pages included), nothing elsewhere. */
  writeDebug(addr: number, data: Uint8Array): number {
    if (addr + data.length > this.buffer.length) return 0;
    this.buffer.set(data, addr);
    this.onBufferWrite?.(addr, data.length);
    return data.length;
  }

  load(addr: number, bytes: ArrayLike<number>): void {
    this.buffer.set(bytes, addr);
  }

  read32(addr: number): number {
    const b = this.buffer;
    return (b[addr] | (b[addr + 1] << 8) | (b[addr + 2] << 16) | (b[addr + 3] << 24)) >>> 0;
  }

  write32(addr: number, v: number): void {
    const b = this.buffer;
    b[addr] = v;
    b[addr + 1] = v >>> 8;
    b[addr + 2] = v >>> 16;
    b[addr + 3] = v >>> 24;
  }
}

/** Port I/O that records every access; reads answer from `inputs` (default all ones). */
export class TestPorts implements PortIo {
  readonly log: { dir: "in" | "out"; port: number; size: number; value: number }[] = [];
  readonly inputs = new Map<number, number>();

  in(port: number, size: 1 | 2 | 4): number {
    const mask = size === 4 ? 0xffffffff : (1 << (8 * size)) - 1;
    const value = (this.inputs.get(port) ?? 0xffffffff) & mask;
    this.log.push({ dir: "in", port, size, value: value >>> 0 });
    return value >>> 0;
  }

  out(port: number, size: 1 | 2 | 4, value: number): void {
    this.log.push({ dir: "out", port, size, value });
  }
}

export interface Machine {
  cpu: Cpu;
  mem: TestMemory;
  io: TestPorts;
}

/** Exception handlers: vector v lands on a HLT at HANDLER_BASE + v (real mode IVT and flat IDT). */
export const HANDLER_BASE = 0x600;
export const GDT_BASE = 0x500;
export const IDT_BASE = 0x800;

/**
 * A CPU in real mode with CS=DS=ES=SS=0, EIP=`at`, SP=0x8000 and `code` loaded at `at`. The IVT
 * sends every vector v to 0000:HANDLER_BASE+v, where a HLT waits.
 */
export function realMode(code: ArrayLike<number>, at = 0x1000, mem = new TestMemory()): Machine {
  const io = new TestPorts();
  const cpu = new Cpu(mem, io);
  cpu.segSel[CS] = 0;
  cpu.segBase[CS] = 0;
  cpu.eip = at;
  cpu.regs[4] = 0x8000;
  cpu.updateModes();
  for (let v = 0; v < 32; v++) {
    mem.write32(v * 4, HANDLER_BASE + v);
    mem.buffer[HANDLER_BASE + v] = 0xf4;
  }
  mem.load(at, code);
  return { cpu, mem, io };
}

/** Flat 32-bit protected mode at CPL 0 (caches set directly, no GDT needed), code at `at`. */
export function flat32(code: ArrayLike<number>, at = 0x1000, mem = new TestMemory()): Machine {
  const m = realMode(code, at, mem);
  const { cpu } = m;
  cpu.cr0 |= CR0_PE;
  for (let s = 0; s < 6; s++) {
    cpu.segSel[s] = s === CS ? 0x08 : 0x10;
    cpu.segBase[s] = 0;
    cpu.segLimit[s] = -1;
    cpu.segAttr[s] = ATTR_P | ATTR_S | ATTR_RW | ATTR_DB | ATTR_G | 1 | (s === CS ? ATTR_CODE : 0);
  }
  cpu.regs[4] = 0x80000;
  // GDT: null, flat 32-bit code (0x08), flat data (0x10); IDT: 32-bit interrupt gates to the handlers.
  mem.write32(GDT_BASE + 8, 0x0000ffff);
  mem.write32(GDT_BASE + 12, 0x00cf9b00);
  mem.write32(GDT_BASE + 16, 0x0000ffff);
  mem.write32(GDT_BASE + 20, 0x00cf9300);
  cpu.gdtrBase = GDT_BASE;
  cpu.gdtrLimit = 23;
  for (let v = 0; v < 32; v++) {
    mem.write32(IDT_BASE + v * 8, (0x08 << 16) | (HANDLER_BASE + v));
    mem.write32(IDT_BASE + v * 8 + 4, 0x8e00);
  }
  cpu.idtrBase = IDT_BASE;
  cpu.idtrLimit = 32 * 8 - 1;
  cpu.updateModes();
  return m;
}

/** Steps until HLT (or `max` steps); returns the last stop event. */
export function runToHalt(cpu: Cpu, max = 10000): StopEvent {
  let ev: StopEvent = { kind: "step" };
  for (let i = 0; i < max; i++) {
    ev = cpu.run(1000);
    if (ev.kind !== "budget") return ev;
  }
  return ev;
}

/** Register names a table row may set or check. */
export type RegName = "eax" | "ecx" | "edx" | "ebx" | "esp" | "ebp" | "esi" | "edi";
const REG_INDEX: Record<RegName, number> = { eax: 0, ecx: 1, edx: 2, ebx: 3, esp: 4, ebp: 5, esi: 6, edi: 7 };

/** One instruction test: raw bytes, their disassembly (NASM syntax), inputs and expected outputs. */
export interface Row {
  code: number[];
  asm: string;
  /** Registers before (unset ones are 0, ESP as the mode sets it). */
  init?: Partial<Record<RegName, number>>;
  /** EFLAGS before (bit 1 is added). */
  flags?: number;
  /** Memory before: [physical address, bytes]. */
  mem?: [number, number[]][];
  /** Real-mode segment selectors before (base = selector << 4). */
  segs?: Partial<Record<"es" | "ss" | "ds" | "fs" | "gs", number>>;
  /** Registers expected after. */
  out?: Partial<Record<RegName, number>>;
  /** Expected EFLAGS bits (compared under flagMask). */
  outFlags?: number;
  /** Which EFLAGS bits to compare (default: the six arithmetic flags). */
  flagMask?: number;
  /** Memory expected after. */
  outMem?: [number, number[]][];
  /** EIP expected after. */
  outEip?: number;
  /** The exception vector expected to be delivered (the handler is entered). */
  fault?: number;
  /** Instructions to run (default 1; a REP instruction counts as one, see stepInstruction). */
  steps?: number;
}

/** Disassembles one instruction with iced-x86 in the style the tables use ("add al, bl", 0x hex). */
export function disassemble(bits: 16 | 32, bytes: number[], ip = 0x1000): string {
  const d = new Decoder(bits, new Uint8Array(bytes), DecoderOptions.None);
  d.ip = BigInt(ip);
  const f = new Formatter(FormatterSyntax.Nasm);
  f.spaceAfterOperandSeparator = true;
  f.showBranchSize = false;
  f.hexPrefix = "0x";
  f.hexSuffix = "";
  f.uppercaseHex = false;
  const i = d.decode();
  const text = f.format(i);
  i.free();
  f.free();
  d.free();
  return text;
}

/** Runs one row in a fresh machine (real mode for 16, flat protected mode for 32); returns the machine. */
export function runRow(bits: 16 | 32, row: Row): Machine {
  const m = bits === 16 ? realMode(row.code) : flat32(row.code);
  const { cpu, mem } = m;
  for (const [name, v] of Object.entries(row.init ?? {})) cpu.regs[REG_INDEX[name as RegName]] = v;
  if (row.flags !== undefined) cpu.setEflags(row.flags);
  const segIndex = { es: 0, ss: 2, ds: 3, fs: 4, gs: 5 };
  for (const [name, sel] of Object.entries(row.segs ?? {})) {
    const s = segIndex[name as keyof typeof segIndex];
    cpu.segSel[s] = sel;
    cpu.segBase[s] = sel << 4;
  }
  cpu.updateModes();
  for (const [addr, bytes] of row.mem ?? []) mem.load(addr, bytes);
  for (let i = 0; i < (row.steps ?? 1); i++) stepInstruction(cpu);
  return m;
}

/**
 * Steps one whole instruction. A REP instruction retires one iteration per step (as under TF and
 * QEMU's gdbstub), leaving EIP on itself until the count runs out: step until EIP moves.
 */
export function stepInstruction(cpu: Cpu): void {
  const eip = cpu.eip;
  const rep = isRepString(cpu);
  for (let n = 0; n < 1 << 20; n++) {
    cpu.step();
    if (!rep || cpu.eip !== eip || cpu.halted) return;
  }
}

const PREFIXES = [0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65, 0x66, 0x67, 0xf0, 0xf2, 0xf3];
const STRING_OPS = [0x6c, 0x6d, 0x6e, 0x6f, 0xa4, 0xa5, 0xa6, 0xa7, 0xaa, 0xab, 0xac, 0xad, 0xae, 0xaf];

/** Whether the instruction at CS:EIP is a REP/REPNE-prefixed string instruction. */
function isRepString(cpu: Cpu): boolean {
  const bytes = cpu.readLinearDebug((cpu.segBase[CS] + cpu.eip) | 0, 15);
  if (bytes === null) return false;
  let rep = false;
  let i = 0;
  for (; i < 15 && PREFIXES.includes(bytes[i]); i++) {
    if (bytes[i] >= 0xf2) rep = true;
  }
  return rep && STRING_OPS.includes(bytes[i]);
}

/** Checks a row's outcome; returns a list of mismatches (empty when it passed). */
export function checkRow(bits: 16 | 32, row: Row): string[] {
  const errors: string[] = [];
  const dis = disassemble(bits, row.code);
  if (dis !== row.asm) errors.push(`disassembly is "${dis}"`);
  const { cpu, mem } = runRow(bits, row);
  const hex = (v: number): string => `0x${(v >>> 0).toString(16)}`;
  if (row.fault !== undefined) {
    if (cpu.eip !== HANDLER_BASE + row.fault) errors.push(`expected fault ${row.fault}, eip=${hex(cpu.eip)}`);
  } else if (
    cpu.eip === HANDLER_BASE + (cpu.eip - HANDLER_BASE) &&
    cpu.eip >= HANDLER_BASE &&
    cpu.eip < HANDLER_BASE + 32
  ) {
    errors.push(`unexpected fault ${cpu.eip - HANDLER_BASE}`);
  }
  for (const [name, v] of Object.entries(row.out ?? {})) {
    const got = cpu.regs[REG_INDEX[name as RegName]] >>> 0;
    if (got !== v >>> 0) errors.push(`${name}=${hex(got)} want ${hex(v)}`);
  }
  if (row.outFlags !== undefined) {
    const mask = row.flagMask ?? 0x8d5;
    const got = cpu.getEflags() & mask;
    if (got !== (row.outFlags & mask)) errors.push(`flags=${hex(got)} want ${hex(row.outFlags & mask)}`);
  }
  if (row.outEip !== undefined && cpu.eip !== row.outEip)
    errors.push(`eip=${hex(cpu.eip)} want ${hex(row.outEip)}`);
  for (const [addr, bytes] of row.outMem ?? []) {
    const got = Array.from(mem.buffer.subarray(addr, addr + bytes.length));
    if (got.join() !== bytes.join())
      errors.push(`mem[${hex(addr)}]=${got.map(hex).join(",")} want ${bytes.map(hex).join(",")}`);
  }
  return errors;
}

/** Pushed return EIP/IP of the exception frame at the top of the handler's stack. */
export function faultReturnAddress(m: Machine, bits: 16 | 32): number {
  const sp = m.cpu.regs[4] >>> 0;
  const lin = (m.cpu.segBase[2] + (bits === 16 ? sp & 0xffff : sp)) >>> 0;
  return bits === 16 ? m.mem.buffer[lin] | (m.mem.buffer[lin + 1] << 8) : m.mem.read32(lin);
}

/** Declares one test per row, named by its disassembly and bytes, each checked with checkRow. */
export function table(name: string, bits: 16 | 32, rows: Row[]): void {
  describe(name, () => {
    for (const row of rows) {
      test(`${row.asm} [${row.code.map((b) => b.toString(16).padStart(2, "0")).join(" ")}]`, () => {
        expect(checkRow(bits, row)).toEqual([]);
      });
    }
  });
}
