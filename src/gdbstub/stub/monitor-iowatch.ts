// `iowatch add PORT[-PORT] [r|w|rw]`, `iowatch del PORT[-PORT]|all`, `iowatch list`: I/O port
// breakpoints. A hit stops the guest with `T05...;ioport:PORT,DIR,SIZE,VALUE;` and a console line.
import type { IoWatchDir, IoWatchOps } from "../../emu/debug-target.ts";
import type { Session } from "./session.ts";

const USAGE = "usage: iowatch add PORT[-PORT] [r|w|rw] | iowatch del PORT[-PORT]|all | iowatch list";

/** Parses `PORT` or `FIRST-LAST` (hex with or without 0x); null when bad. */
function parsePorts(text: string | undefined): [number, number] | null {
  if (text === undefined) return null;
  const parts = text.split("-");
  if (parts.length > 2) return null;
  const nums = parts.map((p) =>
    /^(0x)?[0-9a-fA-F]{1,4}$/i.test(p) ? Number.parseInt(p.replace(/^0x/i, ""), 16) : Number.NaN,
  );
  const first = nums[0]!;
  const last = nums[1] ?? first;
  if (Number.isNaN(first) || Number.isNaN(last) || last < first || last > 0xffff) return null;
  return [first, last];
}

/** Formats one watch for messages. */
function describe(first: number, last: number, dir: IoWatchDir): string {
  const range = first === last ? `0x${first.toString(16)}` : `0x${first.toString(16)}-0x${last.toString(16)}`;
  return `${range} ${dir}`;
}

/** Runs an iowatch subcommand on the target's I/O watches; returns its output. */
export function iowatch(s: Session, ops: IoWatchOps, words: string[]): string {
  const [sub, portText, dirText] = words;
  if (sub === "list") {
    if (s.ioWatches.length === 0) return "no I/O watches";
    return s.ioWatches.map((w, i) => `${i + 1}: ${describe(w.first, w.last, w.dir)}`).join("\n");
  }
  if (sub === "add") {
    const ports = parsePorts(portText);
    const dir = (dirText ?? "rw") as IoWatchDir;
    if (ports === null || (dir !== "r" && dir !== "w" && dir !== "rw") || words.length > 3) return USAGE;
    ops.add(ports[0], ports[1], dir);
    s.ioWatches.push({ first: ports[0], last: ports[1], dir });
    return `I/O watch ${describe(ports[0], ports[1], dir)} added; continue to stop on it`;
  }
  if (sub === "del") {
    if (portText === "all") {
      const n = s.ioWatches.length;
      for (const w of s.ioWatches.splice(0)) ops.remove(w.first, w.last, w.dir);
      return `${n} I/O watch(es) removed`;
    }
    const ports = parsePorts(portText);
    if (ports === null) return USAGE;
    const keep = s.ioWatches.filter((w) => w.first !== ports[0] || w.last !== ports[1]);
    const gone = s.ioWatches.filter((w) => w.first === ports[0] && w.last === ports[1]);
    for (const w of gone) ops.remove(w.first, w.last, w.dir);
    s.ioWatches.splice(0, s.ioWatches.length, ...keep);
    return gone.length === 0 ? `no I/O watch on ${portText}` : `${gone.length} I/O watch(es) removed`;
  }
  return USAGE;
}
