// Text export in the shape of QEMU's `-trace` log backend: `PID@SECONDS.MICROS:name fields`, one event
// per line, fields as `key value` pairs in emission order, then pcscope's ids in brackets.
import type { TraceEvent, TraceValue } from "./bus.ts";

/** Where the text lines' clock starts. */
export interface TextFormatOptions {
  /** Process id printed before `@` (default: this process). */
  pid?: number;
  /** Wall-clock microseconds corresponding to hostNs 0 (default: 0, i.e. time since bus creation). */
  baseMicros?: number;
}

/** Formats one field value as QEMU's format strings would (decimal numbers, raw strings). */
function formatValue(v: TraceValue): string {
  if (typeof v === "string") return v;
  if (typeof v === "boolean") return v ? "1" : "0";
  return v.toString();
}

/** One event as a QEMU-style log line (without the newline). */
export function formatTraceLine(e: TraceEvent, opts: TextFormatOptions = {}): string {
  const pid = opts.pid ?? process.pid;
  const micros = Math.floor((opts.baseMicros ?? 0) + e.hostNs / 1000);
  const sec = Math.floor(micros / 1e6);
  const usec = String(micros % 1e6).padStart(6, "0");
  let line = `${pid}@${sec}.${usec}:${e.name}`;
  for (const key of Object.keys(e.fields)) line += ` ${key} ${formatValue(e.fields[key]!)}`;
  if (e.req !== 0 || e.co !== 0) line += ` [req ${e.req} parent ${e.parent} co ${e.co} insn ${e.insn}]`;
  return line;
}

/** A listener that writes each event as a line to `write` (e.g. a file stream's write). */
export function textTraceWriter(
  write: (line: string) => void,
  opts: TextFormatOptions = {},
): (e: TraceEvent) => void {
  const base = opts.baseMicros ?? Date.now() * 1000;
  const o = { pid: opts.pid, baseMicros: base };
  return (e) => write(`${formatTraceLine(e, o)}\n`);
}
