// `xp/FMT ADDR` and `x/FMT ADDR`: physical memory, and linear memory as a vCPU sees it, like QEMU's
// HMP `xp` and `x` (FMT = [count][x|d|u|o|c][b|h|w|g]). ADDR is a hex number or a symbol
// (monitor-symbols.ts): up to 40 bits for `xp` (RAM above 4 GiB), 32 for `x`.
import type { DebugTarget } from "../../emu/debug-target.ts";
import type { SymbolTable } from "../../symbols/index.ts";
import { readLeBig } from "../protocol/hex.ts";
import { MAX_PHYS_ADDRESS, monitorAddress } from "./monitor-symbols.ts";

const SIZES: Record<string, number> = { b: 1, h: 2, w: 4, g: 8 };
const MAX_ITEMS = 4096;

/**
 * Parses and runs `xp` (physical; `cpu` null) or `x` (linear, as vCPU `cpu` translates it): `args`
 * are the words after the command name. Returns the dump or a one-line error.
 */
export function memoryDump(
  target: DebugTarget,
  cpu: number | null,
  args: string,
  symbols: SymbolTable | null,
): string {
  const name = cpu === null ? "xp" : "x";
  const m = /^\s*(?:\/(\d*)([xduoc]?)([bhwg]?))?\s+(\S+)\s*$/.exec(args);
  if (!m)
    return `usage: ${name}/FMT ADDR  (FMT = [count][x|d|u|o|c][b|h|w|g], ADDR = hex or SYMBOL[+OFF], e.g. ${name}/8xb 0xffff0)`;
  const count = m[1] ? Number(m[1]) : 1;
  const format = m[2] || "x";
  const size = format === "c" ? 1 : SIZES[m[3] || "w"]!;
  const addr = monitorAddress(m[4]!, symbols, cpu === null ? MAX_PHYS_ADDRESS : undefined);
  if (typeof addr === "string") return `${name}: ${addr}`;
  if (count < 1 || count > MAX_ITEMS) return `${name}: count must be 1..${MAX_ITEMS}`;
  const bytes =
    cpu === null ? target.readPhysical(addr, count * size) : target.readLinear(cpu, addr, count * size);
  if (bytes === null)
    return `${name}: cannot read ${count * size} bytes at 0x${addr.toString(16)} (not mapped)`;
  const perLine = format === "c" ? 16 : Math.max(1, 16 / size);
  const lines: string[] = [];
  for (let i = 0; i < count; i += perLine) {
    const items: string[] = [];
    for (let j = i; j < Math.min(count, i + perLine); j++)
      items.push(formatItem(readLeBig(bytes, j * size, size), format, size));
    lines.push(
      `${(addr + i * size).toString(16).padStart(16, "0")}: ${items.join(format === "c" ? "" : " ")}`,
    );
  }
  return `${lines.join("\n")}\n`;
}

function formatItem(v: bigint, format: string, size: number): string {
  switch (format) {
    case "d":
      return BigInt.asIntN(size * 8, v).toString();
    case "u":
      return v.toString();
    case "o":
      return `0${v.toString(8)}`;
    case "c": {
      const c = Number(v);
      return c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : ".";
    }
    default:
      return `0x${v.toString(16).padStart(size * 2, "0")}`;
  }
}
