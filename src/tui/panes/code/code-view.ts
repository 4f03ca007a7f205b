// Fetching and disassembling the code pane's lines through the session: where to decode (the CS
// the address lies in), how far back to start so the PC has context above it, and reading as much
// as a stub will give near the end of a mapping.
import type { CpuContext } from "../../logic/cpu-mode.ts";
import { type CodePlace, type DisasmLine, disassemble, syncStart } from "../../logic/disasm.ts";
import type { SymbolResolver } from "../../logic/symbol-resolver.ts";
import type { DebugSession } from "../../session/debug-session.ts";

/** Bytes decoded before the PC to show context above the current line. */
const LOOKBACK = 32;
/** Longest x86 instruction. */
export const MAX_INSN = 15;

/** How code at linear `addr` is decoded: the current CS when it lies inside it. */
export function placeFor(ctx: CpuContext | null, addr: bigint): { place: CodePlace; ip: bigint } {
  const bitness = ctx?.bitness ?? 32;
  const real = ctx === null || ctx.mode === "real" || ctx.mode === "v86";
  let csBase = ctx?.csBase ?? 0n;
  if (bitness === 16 && (addr < csBase || addr - csBase > 0xffffn)) csBase = addr & ~0xffffn;
  return { place: { bitness, csBase, realSegments: real }, ip: addr - csBase };
}

/**
 * Reads `length` bytes at `addr`, or the longest prefix a stub will give (halving the length):
 * code near the top of the address space or of a mapping is still shown.
 */
export async function readUpTo(
  session: DebugSession,
  addr: bigint,
  length: number,
): Promise<Uint8Array | null> {
  for (let n = length; n >= MAX_INSN; n >>= 1) {
    const bytes = await session.readMemory(addr, n);
    if (bytes !== null) return bytes;
  }
  return null;
}

/** What the code pane shows, or why it cannot. */
export type CodeView = { lines: DisasmLine[]; cursor: number } | { error: string };

/** What fetchCode needs. */
export interface CodeRequest {
  session: DebugSession;
  ctx: CpuContext | null;
  symbols: SymbolResolver;
  /** The address the view centres on (the PC, or where `g` went). */
  center: bigint;
  /** Lines the pane shows. */
  lines: number;
  /** Lines of context wanted above `center`. */
  before: number;
  /** The lines shown now: a step within them starts decoding at a known boundary. */
  shown: readonly DisasmLine[];
}

/** Disassembles the pane around `center`; the cursor lands on `center`'s line. */
export async function fetchCode(r: CodeRequest): Promise<CodeView> {
  const { session, center, lines, before } = r;
  const { place, ip } = placeFor(r.ctx, center);
  // Stepping within the lines on screen: start at a known boundary instead of re-synchronising.
  const known = r.shown.findIndex((l) => l.addr === center);
  if (before > 0 && known >= before && r.shown[known - before]!.addr >= place.csBase) {
    const from = r.shown[known - before]!;
    const bytes = await session.readMemory(from.addr, (lines + before) * MAX_INSN);
    if (bytes !== null) {
      const code = disassemble(bytes, from.ip, place, lines, r.symbols);
      return {
        lines: code,
        cursor: Math.max(
          0,
          code.findIndex((l) => l.addr === center),
        ),
      };
    }
  }
  let back = before > 0 ? BigInt(Math.min(LOOKBACK, Number(ip))) : 0n;
  let bytes = await readUpTo(session, center - back, Number(back) + lines * MAX_INSN);
  if (bytes === null && back > 0n) {
    back = 0n;
    bytes = await readUpTo(session, center, lines * MAX_INSN);
  }
  if (bytes === null) return { error: `cannot read code at 0x${center.toString(16)}` };
  const from = before > 0 ? syncStart(bytes, Number(back), place) : 0;
  let decoded = disassemble(bytes.subarray(from), ip - back + BigInt(from), place, lines + before, r.symbols);
  const at = decoded.findIndex((l) => l.addr === center);
  if (at > before) decoded = decoded.slice(at - before);
  const code = decoded.slice(0, lines);
  return {
    lines: code,
    cursor: Math.max(
      0,
      code.findIndex((l) => l.addr === center),
    ),
  };
}
