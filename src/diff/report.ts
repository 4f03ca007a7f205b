// The text `pcscope diff` prints for a result: the diverging instruction (its number, CS:EIP, linear
// address, disassembly with symbols), each differing register with both values, and the memory the
// instruction wrote with both sides' bytes; or one line saying how long the runs agreed.
import { disassemble } from "../tui/logic/disasm.ts";
import { formatSymbolHit, type SymbolResolver } from "../tui/logic/symbol-resolver.ts";
import type { DiffResult, DivergentInstruction, MemoryDifference } from "./engine.ts";
import type { SideStop } from "./side.ts";

/** Fixed-width hex without a prefix. */
function hex(n: number, digits: number): string {
  return (n >>> 0).toString(16).padStart(digits, "0");
}

/** Bytes as hex pairs (`a1 ff ff`), or a note when the side could not read them. */
function bytesText(bytes: Uint8Array | null): string {
  if (bytes === null) return "(unreadable)";
  return Array.from(bytes, (b) => hex(b, 2)).join(" ");
}

/** `mov ax, [0xffff]` with `<sym+off>` on a branch target, or the raw bytes when undecodable. */
function instructionText(at: DivergentInstruction, symbols: SymbolResolver): string {
  const place = { bitness: at.bitness, csBase: BigInt(at.linear - at.eip), realSegments: at.realSegments };
  const [line] = disassemble(at.code, BigInt(at.eip), place, 1, symbols);
  return line === undefined ? `(undecodable: ${bytesText(at.code)})` : `${line.text}   (bytes ${line.bytes})`;
}

/** `f000:fff0 (linear 0xffff0 <sym+0x4>)`. */
function whereText(at: DivergentInstruction, symbols: SymbolResolver): string {
  const hit = symbols.lookupAddress(BigInt(at.linear));
  const sym = hit === null ? "" : ` <${formatSymbolHit(hit)}>`;
  const eip = at.bitness === 16 && at.eip <= 0xffff ? hex(at.eip, 4) : hex(at.eip, 8);
  return `${hex(at.cs, 4)}:${eip} (linear 0x${hex(at.linear, 8)}${sym})`;
}

/** How a step ended, for the line naming two different ends. */
function stopText(stop: SideStop): string {
  return stop.kind === "step" ? "executed the instruction and can run on" : stop.why;
}

/** The memory lines: address, then each side's bytes. */
function memoryLines(memory: readonly MemoryDifference[], labels: readonly [string, string]): string[] {
  if (memory.length === 0) return [];
  const lines = ["memory written by the instruction (linear address):"];
  for (const m of memory) {
    const width = Math.max(labels[0].length, labels[1].length);
    lines.push(`  0x${hex(m.addr, 8)}  ${labels[0].padEnd(width)}  ${bytesText(m.a)}`);
    lines.push(`  ${" ".repeat(10)}  ${labels[1].padEnd(width)}  ${bytesText(m.b)}`);
  }
  return lines;
}

/** The report for `result`, as lines without trailing newlines. */
export function formatResult(
  result: DiffResult,
  labels: readonly [string, string],
  symbols: SymbolResolver,
): string[] {
  const [la, lb] = labels;
  if (result.kind === "interrupted")
    return [`interrupted after ${result.count} instructions, identical so far`];
  if (result.kind === "identical")
    return [`${la} and ${lb} are identical for ${result.count} instructions (${result.why})`];
  const at = result.at;
  const lines =
    at.count === 0
      ? [`${la} and ${lb} differ at reset, before the first instruction:`]
      : [`${la} and ${lb} diverge at instruction ${at.count}:`];
  lines.push(`  ${whereText(at, symbols)}  ${instructionText(at, symbols)}`);
  const mode = at.realSegments ? "real mode" : `${at.bitness}-bit protected mode`;
  lines.push(at.count === 0 ? `  ${mode}` : `  ${mode}; the state before it was identical on both sides`);
  if (result.stops !== null) {
    lines.push(`${la}: ${stopText(result.stops.a)}`);
    lines.push(`${lb}: ${stopText(result.stops.b)}`);
  }
  if (result.registers.length > 0) {
    const width = Math.max(8, ...result.registers.map((r) => r.name.length));
    const valueWidth = Math.max(la.length, ...result.registers.map((r) => r.a.length));
    lines.push(at.count === 0 ? "registers at reset:" : "registers after it:");
    lines.push(`  ${"".padEnd(width)}  ${la.padEnd(valueWidth)}  ${lb}`);
    for (const r of result.registers)
      lines.push(`  ${r.name.padEnd(width)}  ${r.a.padEnd(valueWidth)}  ${r.b}`);
  }
  lines.push(...memoryLines(result.memory, labels));
  return lines;
}
