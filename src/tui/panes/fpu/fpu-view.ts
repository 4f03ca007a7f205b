// The FPU/SSE pane's content from the `g` registers any i386 stub serves (st0-7, fctrl..fop,
// xmm0-7/15, mxcsr): the physical register stack R7..R0 with gdb's tags, ST(i) names and TOP, values
// as `info float` prints them, the status, control and tag words and pointers decoded with gdb's
// words, MXCSR decoded, and the XMM registers as hex, 4 floats or 2 doubles. Pure: tested against
// gdb 13's `info float` on the same state. Where the stub's monitor dump gives the registers by
// physical number (QEMU), those are used: QEMU 7.2's stub sends R0-R7 as st0-7 and a zero tag word,
// so gdb's own `info float` shows its stack rotated by TOP and every register Valid.
import { reg } from "../../logic/cpu-mode.ts";
import { describeX87, formatF32, formatF64, x87Hex, x87Tag } from "../../logic/x87-float.ts";
import type { PhysicalX87, RegisterSet } from "../../session/debug-session.ts";

/** gdb's names of the two tag bits of a physical register (full tag word: 00, 01, 10, 11). */
export const TAG_NAMES = ["Valid", "Zero", "Special", "Empty"] as const;
export type X87Tag = (typeof TAG_NAMES)[number];
const TAG_EMPTY = 3;

// FSW (Intel SDM vol. 1, 8.1.3): exception flags, SF, ES, condition codes, TOP.
const FSW_TOP_SHIFT = 11;
/** FSW bits as gdb's `info float` lists them, in its order. */
const FSW_BITS: ReadonlyArray<readonly [number, string]> = [
  [0x0001, "IE"],
  [0x0002, "DE"],
  [0x0004, "ZE"],
  [0x0008, "OE"],
  [0x0010, "UE"],
  [0x0020, "PE"],
  [0x0080, "ES"],
  [0x0040, "SF"],
  [0x0100, "C0"],
  [0x0200, "C1"],
  [0x0400, "C2"],
  [0x4000, "C3"],
];
// FCW (SDM 8.1.5): exception masks, precision control (bits 8-9), rounding control (bits 10-11).
const FCW_MASKS: ReadonlyArray<readonly [number, string]> = [
  [0x0001, "IM"],
  [0x0002, "DM"],
  [0x0004, "ZM"],
  [0x0008, "OM"],
  [0x0010, "UM"],
  [0x0020, "PM"],
];
const FCW_PC_SHIFT = 8;
const FCW_RC_SHIFT = 10;
/** gdb's words for FCW.PC and for a rounding-control field (FCW.RC, MXCSR.RC). */
const PRECISION_NAMES = [
  "Single Precision (24-bits)",
  "Reserved",
  "Double Precision (53-bits)",
  "Extended Precision (64-bits)",
];
const ROUNDING_NAMES = ["Round to nearest", "Round down", "Round up", "Round toward zero"];
/** FOP holds the low 11 bits of the opcode; gdb shows it with the D8 escape bits put back. */
const FOP_ESCAPE = 0xd800;
// MXCSR (SDM vol. 1, 10.2.3): flags, DAZ, masks, RC (bits 13-14), FZ; gdb's i386_mxcsr flag names.
const MXCSR_BITS: ReadonlyArray<readonly [number, string]> = [
  [0x0001, "IE"],
  [0x0002, "DE"],
  [0x0004, "ZE"],
  [0x0008, "OE"],
  [0x0010, "UE"],
  [0x0020, "PE"],
  [0x0040, "DAZ"],
  [0x0080, "IM"],
  [0x0100, "DM"],
  [0x0200, "ZM"],
  [0x0400, "OM"],
  [0x0800, "UM"],
  [0x1000, "PM"],
  [0x8000, "FZ"],
];
const MXCSR_RC_SHIFT = 13;

/** One physical x87 register as `info float` lists it. */
export interface X87Row {
  /** R0-R7. */
  readonly physical: number;
  /** Its ST(i) name: i = (physical - TOP) mod 8. */
  readonly st: number;
  readonly top: boolean;
  readonly tag: X87Tag;
  /** 20 hex digits, sign and exponent first. */
  readonly hex: string;
  /** What gdb prints after the hex: "" for an empty register, else `+1`, `QNaN`, `+4e-4940 Denormal`... */
  readonly value: string;
  /** Tag or contents differ from the previous stop. */
  readonly changed: boolean;
}

/** One XMM register. */
export interface XmmRow {
  readonly name: string;
  /** 32 hex digits, most significant first. */
  readonly hex: string;
  /** The lanes from the lowest, as `p $xmmN.v4_float` and `.v2_double` print them. */
  readonly floats: readonly string[];
  readonly doubles: readonly string[];
  readonly changed: boolean;
}

/** A 16-bit word with the names of its set bits. */
export interface DecodedWord {
  readonly value: number;
  readonly set: readonly string[];
}

/** The pane's content; `x87` false when the stub describes no x87 registers. */
export interface FpuView {
  readonly x87: boolean;
  /** R7 first, as gdb lists them. */
  readonly stack: readonly X87Row[];
  readonly top: number;
  /** FSW and the gdb names of its set bits (IE..PE, ES, SF, C0..C3). */
  readonly status: DecodedWord;
  /** FCW, its set exception masks, and PC and RC in gdb's words. */
  readonly control: DecodedWord;
  readonly precision: string;
  readonly rounding: string;
  /** The full tag word: the stub's, or completed from QEMU's abridged tags as gdb completes them. */
  readonly tagWord: number;
  /** `0x00:0x00000000` (selector:offset) and FOP `0xd9e8`, as `info float` prints them. */
  readonly instructionPointer: string;
  readonly operandPointer: string;
  readonly opcode: string;
  /** Null when the stub describes no MXCSR. */
  readonly mxcsr: (DecodedWord & { readonly rounding: string }) | null;
  readonly xmm: readonly XmmRow[];
}

/** `n` in hex, padded to `digits`, with 0x (gdb's hex_string_custom). */
function hex(n: number | bigint, digits: number): string {
  return `0x${n.toString(16).padStart(digits, "0")}`;
}

/** The names of the bits of `value` that are set. */
function setBits(value: number, bits: ReadonlyArray<readonly [number, string]>): string[] {
  return bits.filter(([bit]) => (value & bit) !== 0).map(([, name]) => name);
}

/** R0-R7 and the full tag word: from `physical` when given, else from st0-7 and ftag (ST(i) = R((TOP + i) mod 8)). */
function physicalRegisters(regs: RegisterSet, top: number, physical: PhysicalX87 | null) {
  if (physical === null)
    return {
      raw: Array.from({ length: 8 }, (_, p) => reg(regs, `st${(p - top + 8) % 8}`)),
      tagWord: Number(reg(regs, "ftag") & 0xffffn),
    };
  let tagWord = 0;
  for (let p = 0; p < 8; p++) {
    const inUse = ((physical.abridgedTags >> p) & 1) !== 0;
    tagWord |= (inUse ? x87Tag(physical.registers[p]!) : TAG_EMPTY) << (2 * p);
  }
  return { raw: [...physical.registers], tagWord };
}

/** The 32-bit lanes (`size` 4) or 64-bit lanes (`size` 8) of a 128-bit value, lowest first. */
function lanes(value: bigint, size: 4 | 8): bigint[] {
  const bits = BigInt(size * 8);
  const mask = (1n << bits) - 1n;
  return Array.from({ length: 16 / size }, (_, i) => (value >> (bits * BigInt(i))) & mask);
}

/**
 * Builds the pane's view from one stop's registers, with R0-R7 from `physical` when the stub's dump
 * gave them; `prev` (the view of the stop before, or null) marks changes. Needs: registers named as
 * gdb's i386 features name them. Guarantees: a register the stub did not report reads as 0.
 */
export function fpuView(regs: RegisterSet, physical: PhysicalX87 | null, prev: FpuView | null): FpuView {
  const v = regs.values;
  const fsw = Number(reg(regs, "fstat") & 0xffffn);
  const fcw = Number(reg(regs, "fctrl") & 0xffffn);
  const top = (fsw >> FSW_TOP_SHIFT) & 7;
  const { raw: registers, tagWord } = physicalRegisters(regs, top, physical);
  const stack: X87Row[] = [];
  for (let p = 7; p >= 0; p--) {
    const raw = registers[p]!;
    const tag = (tagWord >> (2 * p)) & 3;
    const hex = x87Hex(raw);
    const before = prev?.x87 ? prev.stack[7 - p] : undefined;
    stack.push({
      physical: p,
      st: (p - top + 8) % 8,
      top: p === top,
      tag: TAG_NAMES[tag]!,
      hex,
      value: tag === TAG_EMPTY ? "" : describeX87(raw),
      changed: before !== undefined && (before.hex !== hex || before.tag !== TAG_NAMES[tag]),
    });
  }
  const fop = Number(reg(regs, "fop") & 0x7ffn);
  const xmm: XmmRow[] = [];
  for (let i = 0; v.has(`xmm${i}`); i++) {
    const name = `xmm${i}`;
    const value = reg(regs, name);
    const hex = value.toString(16).padStart(32, "0");
    const old = prev?.xmm[i]?.hex;
    xmm.push({
      name,
      hex,
      floats: lanes(value, 4).map(formatF32),
      doubles: lanes(value, 8).map(formatF64),
      changed: old !== undefined && old !== hex,
    });
  }
  const mxcsr = v.has("mxcsr") ? Number(reg(regs, "mxcsr") & 0xffffffffn) : null;
  return {
    x87: v.has("st0") && v.has("fstat"),
    stack,
    top,
    status: { value: fsw, set: setBits(fsw, FSW_BITS) },
    control: { value: fcw, set: setBits(fcw, FCW_MASKS) },
    precision: PRECISION_NAMES[(fcw >> FCW_PC_SHIFT) & 3]!,
    rounding: ROUNDING_NAMES[(fcw >> FCW_RC_SHIFT) & 3]!,
    tagWord,
    instructionPointer: `${hex(reg(regs, "fiseg"), 2)}:${hex(reg(regs, "fioff"), 8)}`,
    operandPointer: `${hex(reg(regs, "foseg"), 2)}:${hex(reg(regs, "fooff"), 8)}`,
    opcode: hex(fop === 0 ? 0 : fop | FOP_ESCAPE, 4),
    mxcsr:
      mxcsr === null
        ? null
        : {
            value: mxcsr,
            set: setBits(mxcsr, MXCSR_BITS),
            rounding: ROUNDING_NAMES[(mxcsr >> MXCSR_RC_SHIFT) & 3]!,
          },
    xmm,
  };
}
