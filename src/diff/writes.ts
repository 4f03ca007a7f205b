// Where the next instruction writes memory: its memory operands that are written (iced-x86's
// instruction info, placed with the registers and segment bases before it runs), and the stack
// bytes it pushed (an INT, a CALL, or a fault's frame, which no operand names). The engine reads
// these linear ranges on both sides after the step and compares them.
import { createRequire } from "node:module";
import type { Instruction } from "iced-x86";
import type { CodeView } from "./pcscope-side.ts";

const { Decoder, DecoderOptions, InstructionInfoFactory, MemorySizeExt, OpAccess, Register } = createRequire(
  import.meta.url,
)("iced-x86") as typeof import("iced-x86");

/** A linear byte range. */
export interface MemoryRange {
  readonly addr: number;
  readonly length: number;
}

/** The largest write compared (FXSAVE's 512-byte image). */
const MAX_WRITE = 512;
/** A stack that grew by more than this in one step switched stacks (a task or privilege change). */
const MAX_PUSHED = 64;

/** The register values the operands use: gdb names (eax...) to values before the step. */
export type RegisterValue = (name: string) => number;

/** 16-bit register names (iced's, lower-cased) and the 32-bit register they are the low half of. */
const LOW_HALF: Record<string, string> = {
  ax: "eax",
  cx: "ecx",
  dx: "edx",
  bx: "ebx",
  sp: "esp",
  bp: "ebp",
  si: "esi",
  di: "edi",
};

let factory: InstanceType<typeof InstructionInfoFactory> | null = null;

/** The value of iced register `reg` (16- or 32-bit general register), and whether it is 16-bit. */
function registerOperand(reg: number, value: RegisterValue): { value: number; wide: boolean } | null {
  if (reg === Register.None) return null;
  const name = String(Register[reg]).toLowerCase();
  const full = LOW_HALF[name];
  if (full !== undefined) return { value: value(full) & 0xffff, wide: false };
  return { value: value(name) >>> 0, wide: true };
}

/** The written memory operands of `insn`, placed as linear ranges. */
function operandWrites(insn: Instruction, view: CodeView, value: RegisterValue): MemoryRange[] {
  factory ??= new InstructionInfoFactory();
  const info = factory.info(insn);
  const out: MemoryRange[] = [];
  try {
    for (const used of info.usedMemory()) {
      try {
        const access = used.access;
        const written =
          access === OpAccess.Write ||
          access === OpAccess.CondWrite ||
          access === OpAccess.ReadWrite ||
          access === OpAccess.ReadCondWrite;
        if (!written || used.segment === Register.None) continue;
        // A string instruction's element size when the operand's is not fixed (REP forms).
        const length = MemorySizeExt.size(used.memorySize) || MemorySizeExt.size(insn.memorySize);
        if (length === 0 || length > MAX_WRITE) continue;
        const base = registerOperand(used.base, value);
        const index = registerOperand(used.index, value);
        let offset = Number(BigInt.asUintN(32, used.displacement));
        if (base !== null) offset += base.value;
        if (index !== null) offset += index.value * used.scale;
        const narrow = (base !== null && !base.wide) || (index !== null && !index.wide);
        offset = narrow ? offset & 0xffff : offset >>> 0;
        const segment = String(Register[used.segment]).toLowerCase();
        out.push({ addr: ((view.segmentBase[segment] ?? 0) + offset) >>> 0, length });
      } finally {
        used.free();
      }
    }
  } finally {
    info.free();
  }
  return out;
}

/**
 * The linear ranges the instruction in `code` (decoded at `view`'s bitness) writes through its
 * memory operands, given the registers before it runs. Undecodable bytes write nothing known.
 */
export function instructionWrites(code: Uint8Array, view: CodeView, value: RegisterValue): MemoryRange[] {
  const decoder = new Decoder(view.bitness, code, DecoderOptions.None);
  try {
    const insn = decoder.decode();
    try {
      return insn.isInvalid ? [] : operandWrites(insn, view, value);
    } finally {
      insn.free();
    }
  } finally {
    decoder.free();
  }
}

/**
 * The stack bytes pushed by a step, from the stack pointers before and after it (same SS): none
 * when the stack did not grow, or grew by more than MAX_PUSHED bytes (a stack switch).
 */
export function pushedRange(
  ssBase: number,
  spBefore: number,
  spAfter: number,
  stack32: boolean,
): MemoryRange | null {
  const mask = stack32 ? 0xffffffff : 0xffff;
  const grown = ((spBefore - spAfter) & mask) >>> 0;
  if (grown === 0 || grown > MAX_PUSHED) return null;
  return { addr: (ssBase + (spAfter & mask)) >>> 0, length: grown };
}
