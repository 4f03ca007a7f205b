// `xp/FMT ADDR`: physical memory like QEMU's HMP `xp` (FMT = [count][x|d|u|o|c][b|h|w|g]).
import type { DebugTarget } from "../../emu/debug-target.ts";
import { readLeBig } from "../protocol/hex.ts";

const SIZES: Record<string, number> = { b: 1, h: 2, w: 4, g: 8 };
const MAX_ITEMS = 4096;

/** Parses and runs `xp` (args after the word `xp`); returns the dump or a usage error line. */
export function xp(target: DebugTarget, args: string): string {
  const m = /^\s*(?:\/(\d*)([xduoc]?)([bhwg]?))?\s+(\S+)\s*$/.exec(args);
  if (!m) return "usage: xp/FMT ADDR  (FMT = [count][x|d|u|o|c][b|h|w|g], e.g. xp/8xb 0xffff0)";
  const count = m[1] ? Number(m[1]) : 1;
  const format = m[2] || "x";
  const size = format === "c" ? 1 : SIZES[m[3] || "w"]!;
  const addr = parseAddress(m[4]!);
  if (addr === null) return `xp: bad address '${m[4]}'`;
  if (count < 1 || count > MAX_ITEMS) return `xp: count must be 1..${MAX_ITEMS}`;
  const bytes = target.readPhysical(addr, count * size);
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

/** Parses a hex address with or without 0x (QEMU reads bare numbers in xp as hex); null when bad. */
function parseAddress(text: string): number | null {
  const body = text.startsWith("0x") || text.startsWith("0X") ? text.slice(2) : text;
  if (!/^[0-9a-fA-F]{1,8}$/.test(body)) return null;
  return Number.parseInt(body, 16);
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
