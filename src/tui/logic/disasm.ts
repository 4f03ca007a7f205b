// Disassembly for the code pane: iced-x86 decodes 16/32/64-bit code; this file adds what a debugger
// shows around it (linear addresses, symbol labels, `<sym+off>` on branch targets, the current line,
// breakpoint markers) and classifies instructions for step-over and finish.
import { createRequire } from "node:module";
import type { Formatter as IcedFormatter, Instruction } from "iced-x86";
import { type SymbolResolver, symbolSuffix } from "./symbol-resolver.ts";

// iced-x86 is a CommonJS module of 900 KB: `require` loads it directly, where an ESM `import` would
// first have Node scan all of it for export names (about a third of a second of the UI's start-up).
const { Decoder, DecoderOptions, FlowControl, Formatter, FormatterSyntax, OpKind } = createRequire(
  import.meta.url,
)("iced-x86") as typeof import("iced-x86");

/** How step-over and finish treat an instruction. */
export type InsnClass = "call" | "ret" | "int" | "rep" | "other";

/** One disassembled line. */
export interface DisasmLine {
  /** Linear address (CS base + IP). */
  readonly addr: bigint;
  /** Offset within CS (what IP/EIP holds). */
  readonly ip: bigint;
  readonly length: number;
  /** Hex bytes, e.g. `ea5be000f0`. */
  readonly bytes: string;
  /** The instruction in NASM syntax with 0x numbers, plus `<sym+off>` on a branch target. */
  readonly text: string;
  /** Symbol name when a symbol starts exactly here. */
  readonly label: string | null;
  /** Linear branch target, when direct. */
  readonly target: bigint | null;
  readonly klass: InsnClass;
  /** True for undecodable bytes. */
  readonly invalid: boolean;
}

/** What the decoder needs to place code in the linear address space. */
export interface CodePlace {
  readonly bitness: 16 | 32 | 64;
  /** CS base (linear). */
  readonly csBase: bigint;
  /** True in real and v86 mode: a far branch target is selector*16 + offset. */
  readonly realSegments: boolean;
}

/** The longest x86 instruction. */
const MAX_INSN_LENGTH = 15;

let formatter: IcedFormatter | null = null;

/** The shared NASM formatter with lower-case 0x hex (created once; wasm objects are not freed). */
function nasm(): IcedFormatter {
  if (formatter === null) {
    formatter = new Formatter(FormatterSyntax.Nasm);
    formatter.hexPrefix = "0x";
    formatter.hexSuffix = "";
    formatter.uppercaseHex = false;
    formatter.showBranchSize = false;
    formatter.branchLeadingZeros = false;
    formatter.spaceAfterOperandSeparator = true;
    formatter.firstOperandCharIndex = 7;
  }
  return formatter;
}

/** Classifies an instruction for step-over (call/int/rep run to the next line) and finish (ret). */
function classify(insn: Instruction): InsnClass {
  const flow = insn.flowControl;
  if (flow === FlowControl.Call || flow === FlowControl.IndirectCall) return "call";
  if (flow === FlowControl.Return) return "ret";
  if (flow === FlowControl.Interrupt) return "int";
  if (insn.isStringInstruction && (insn.hasRepPrefix || insn.hasRepePrefix || insn.hasRepnePrefix))
    return "rep";
  return "other";
}

/** The linear target of a direct branch, or null. */
function branchTarget(insn: Instruction, place: CodePlace): bigint | null {
  const flow = insn.flowControl;
  const direct =
    flow === FlowControl.UnconditionalBranch ||
    flow === FlowControl.ConditionalBranch ||
    flow === FlowControl.Call ||
    flow === FlowControl.XbeginXabortXend;
  if (!direct) return null;
  const kind = insn.op0Kind;
  if (kind === OpKind.FarBranch16 || kind === OpKind.FarBranch32) {
    if (!place.realSegments) return null;
    const offset = kind === OpKind.FarBranch16 ? insn.farBranch16 : insn.farBranch32;
    return (BigInt(insn.farBranchSelector) << 4n) + BigInt(offset);
  }
  return place.csBase + insn.nearBranchTarget;
}

/** Hex string of a byte range. */
function hex(bytes: Uint8Array, from: number, length: number): string {
  let out = "";
  for (let i = from; i < from + length && i < bytes.length; i++)
    out += bytes[i]!.toString(16).padStart(2, "0");
  return out;
}

/**
 * Decodes up to `count` instructions from `bytes`, whose first byte sits at offset `ip` in CS.
 * Guarantees: stops before an instruction that may run past the buffer; never throws on garbage.
 */
export function disassemble(
  bytes: Uint8Array,
  ip: bigint,
  place: CodePlace,
  count: number,
  symbols: SymbolResolver,
): DisasmLine[] {
  const ipMask = place.bitness === 16 ? 0xffffn : place.bitness === 32 ? 0xffffffffn : (1n << 64n) - 1n;
  const decoder = new Decoder(place.bitness, bytes, DecoderOptions.None);
  decoder.ip = ip;
  const lines: DisasmLine[] = [];
  const fmt = nasm();
  try {
    let offset = 0;
    while (lines.length < count && offset < bytes.length) {
      const insn = decoder.decode();
      try {
        const length = insn.length;
        if (offset + length > bytes.length) break;
        const invalid = insn.isInvalid;
        // An invalid decode near the end may just be cut off: leave it to the next, longer read.
        if (invalid && bytes.length - offset < MAX_INSN_LENGTH) break;
        const insnIp = (ip + BigInt(offset)) & ipMask;
        const addr = place.csBase + insnIp;
        const target = invalid ? null : branchTarget(insn, place);
        const hit = symbols.lookupAddress(addr);
        let text = invalid ? `(bad) db 0x${hex(bytes, offset, 1)}` : fmt.format(insn);
        if (target !== null) {
          const suffix = symbolSuffix(symbols, target);
          if (suffix !== "") text += ` ${suffix}`;
        }
        lines.push({
          addr,
          ip: insnIp,
          length,
          bytes: hex(bytes, offset, length),
          text,
          label: hit !== null && hit.offset === 0n ? hit.name : null,
          target,
          klass: invalid ? "other" : classify(insn),
          invalid,
        });
        offset += length;
      } finally {
        insn.free();
      }
    }
  } finally {
    decoder.free();
  }
  return lines;
}

/**
 * Chooses where to start decoding so that an instruction boundary falls on `target` (an offset into
 * `bytes`) with as many instructions before it as possible. Returns an offset in [0, target].
 */
export function syncStart(bytes: Uint8Array, target: number, place: CodePlace): number {
  let best = target;
  let bestCount = 0;
  for (let start = 0; start < target; start++) {
    const decoder = new Decoder(place.bitness, bytes.subarray(start, target), DecoderOptions.None);
    let offset = start;
    let count = 0;
    let valid = true;
    try {
      while (offset < target) {
        const insn = decoder.decode();
        const bad = insn.isInvalid;
        offset += insn.length;
        insn.free();
        if (bad) {
          valid = false;
          break;
        }
        count++;
      }
    } finally {
      decoder.free();
    }
    if (valid && offset === target && count > bestCount) {
      best = start;
      bestCount = count;
    }
  }
  return best;
}
