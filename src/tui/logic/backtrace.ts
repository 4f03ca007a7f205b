// The call chain by frame pointers: from the stopped CPU's PC and BP, each frame's saved BP at
// [BP] and its return address at [BP+word] (i386: EBP; real mode: BP within SS, near calls only;
// x86-64: RBP). At a function's entry, before `push bp; mov bp, sp` has run, the caller's return
// address is still at [SP] or [SP+word] (frames.ts tells which from the prologue bytes), so that
// frame comes from the stack pointer and the chain goes on from BP. Pure: the caller reads memory.
import type { CpuContext } from "./cpu-mode.ts";
import { type ReturnSlot, readWord, returnSlot } from "./frames.ts";
import { formatSymbolHit, type SymbolResolver } from "./symbol-resolver.ts";

/** Frames walked at most (the innermost included). */
export const MAX_FRAMES = 32;
/**
 * An address further than this past the nearest symbol is shown bare: listings give no sizes, and
 * the nearest symbol of an address outside them (the reset vector under a kernel's) is meaningless.
 */
export const SYMBOL_REACH = 0x10000n;
/** Prologue bytes read at a function's start to tell whether its frame is set up yet. */
const PROLOGUE_BYTES = 16;
/**
 * A 5-byte call or NOP before the prologue: `call __fentry__` in a kernel built for ftrace, which
 * patches it at boot to a 5-byte NOP: `ds lea 0x0(%esi),%esi` on i386 (Debian's 686 kernel),
 * `nopl 0x0(%eax,%eax,1)` on x86-64.
 */
const FENTRY_LENGTH = 5;
const CALL_REL32 = 0xe8;
const NOPS_5: readonly (readonly number[])[] = [
  [0x3e, 0x8d, 0x74, 0x26, 0x00],
  [0x0f, 0x1f, 0x44, 0x00, 0x00],
];

/** Reads memory at a linear address; null when unreadable. */
export type ReadMemory = (addr: bigint, length: number) => Promise<Uint8Array | null>;

/** Where a walk starts. */
export interface WalkStart {
  /** Linear address of the next instruction. */
  readonly pc: bigint;
  /** The frame pointer register (an offset in SS in 16-bit code). */
  readonly bp: bigint;
  /** The stack pointer register (an offset in SS in 16-bit code). */
  readonly sp: bigint;
  readonly bitness: 16 | 32 | 64;
  /** SS base: the linear address BP and SP are offsets from. */
  readonly ssBase: bigint;
  /** CS base: 16-bit return offsets are near, inside this CS. */
  readonly csBase: bigint;
}

/** One frame: level, the linear code address, `function+0xoff` (or "" without a symbol). */
export interface BacktraceFrame {
  readonly level: number;
  readonly pc: bigint;
  readonly symbol: string;
}

/** Why the walk ended. */
export type WalkEnd =
  | "null frame pointer"
  | "null return address"
  | "unreadable frame"
  | "frame pointer not increasing"
  | "depth limit";

export interface Backtrace {
  readonly frames: readonly BacktraceFrame[];
  readonly end: WalkEnd;
  /** The frame pointer the walk ended at (for `unreadable frame` and `not increasing`). */
  readonly endBp: bigint;
}

/** The walk start of the stopped CPU: `bpReg`/`spReg` are the EBP/ESP (or RBP/RSP) register values. */
export function walkStart(ctx: CpuContext, bpReg: bigint, spReg: bigint): WalkStart {
  const mask = wordMask(ctx.bitness);
  const sp = spReg & mask;
  return {
    pc: ctx.pc,
    bp: bpReg & mask,
    sp,
    bitness: ctx.bitness,
    ssBase: (ctx.sp - sp) & addressMask(ctx.bitness),
    csBase: ctx.csBase,
  };
}

/**
 * Walks the frame-pointer chain from `start`, reading through `read`. Guarantees: at most
 * `maxFrames` frames, frame 0 at the PC; stops at a null or unreadable frame pointer, a zero
 * return address, or a saved frame pointer not above the current one (so it always ends).
 */
export async function walkFrames(
  start: WalkStart,
  read: ReadMemory,
  symbols: SymbolResolver,
  maxFrames = MAX_FRAMES,
): Promise<Backtrace> {
  const word = start.bitness / 8;
  const mask = wordMask(start.bitness);
  const frames: BacktraceFrame[] = [];
  const push = (offsetOrPc: bigint, isReturn: boolean) => {
    const pc = isReturn ? codeAddress(start, offsetOrPc) : offsetOrPc;
    const hit = symbols.lookupAddress(pc);
    const near = hit !== null && hit.offset < SYMBOL_REACH;
    frames.push({ level: frames.length, pc, symbol: near ? formatSymbolHit(hit) : "" });
  };
  push(start.pc, false);
  if (frames.length >= maxFrames) return { frames, end: "depth limit", endBp: start.bp };
  const entryReturn = await returnBeforeFrame(start, read, symbols);
  if (entryReturn !== null) push(entryReturn, true);
  let bp = start.bp;
  while (frames.length < maxFrames) {
    if (bp === 0n) return { frames, end: "null frame pointer", endBp: bp };
    const data = await read((start.ssBase + bp) & addressMask(start.bitness), 2 * word);
    if (data === null || data.length < 2 * word) return { frames, end: "unreadable frame", endBp: bp };
    const savedBp = readWord(data, 0, word) & mask;
    const ret = readWord(data, word, word) & mask;
    if (ret === 0n) return { frames, end: "null return address", endBp: bp };
    push(ret, true);
    if (savedBp === 0n) return { frames, end: "null frame pointer", endBp: savedBp };
    if (savedBp <= bp) return { frames, end: "frame pointer not increasing", endBp: savedBp };
    bp = savedBp;
  }
  return { frames, end: "depth limit", endBp: bp };
}

/**
 * The caller's return address while the PC is in a function's prologue (its frame not yet linked
 * into BP): read at [SP] or [SP+word]; null once the frame is set up, or without a symbol.
 */
async function returnBeforeFrame(
  start: WalkStart,
  read: ReadMemory,
  symbols: SymbolResolver,
): Promise<bigint | null> {
  const hit = symbols.lookupAddress(start.pc);
  if (hit === null || hit.offset >= BigInt(PROLOGUE_BYTES)) return null;
  // At the first byte nothing is pushed yet, whatever the bytes: they need no round trip.
  let slot: ReturnSlot = "sp";
  if (hit.offset > 0n) {
    const bytes = await read(start.pc - hit.offset, PROLOGUE_BYTES);
    if (bytes === null) return null;
    slot = prologueSlot(bytes, Number(hit.offset), start.bitness);
  }
  if (slot === null || slot === "bp+word") return null;
  const word = start.bitness / 8;
  const at = start.sp + (slot === "sp" ? 0n : BigInt(word));
  const data = await read((start.ssBase + at) & addressMask(start.bitness), word);
  if (data === null || data.length < word) return null;
  return readWord(data, 0, word);
}

/** frames.ts's returnSlot, after a leading 32/64-bit ftrace call or NOP (all of it still "sp"). */
function prologueSlot(bytes: Uint8Array, offset: number, bitness: 16 | 32 | 64): ReturnSlot {
  const fentry =
    bitness !== 16 && (bytes[0] === CALL_REL32 || NOPS_5.some((nop) => nop.every((b, i) => bytes[i] === b)));
  if (!fentry) return returnSlot(bytes, offset);
  if (offset < FENTRY_LENGTH) return offset === 0 ? "sp" : null;
  return returnSlot(bytes.subarray(FENTRY_LENGTH), offset - FENTRY_LENGTH);
}

/** The linear address of a return address: inside CS in 16-bit code, as is otherwise. */
function codeAddress(start: WalkStart, ret: bigint): bigint {
  return start.bitness === 16 ? start.csBase + ret : ret;
}

function wordMask(bitness: 16 | 32 | 64): bigint {
  return (1n << BigInt(bitness)) - 1n;
}

/** Linear addresses: 32 bits below long mode. */
function addressMask(bitness: 16 | 32 | 64): bigint {
  return bitness === 64 ? (1n << 64n) - 1n : 0xffffffffn;
}

/** `#n 0xADDR function+0xoff`, the address as wide as the code's words. */
export function formatFrame(frame: BacktraceFrame, bitness: 16 | 32 | 64): string {
  const digits = bitness === 16 ? 5 : bitness / 4;
  const addr = `0x${frame.pc.toString(16).padStart(digits, "0")}`;
  return `#${frame.level} ${addr}${frame.symbol === "" ? "" : ` ${frame.symbol}`}`;
}
