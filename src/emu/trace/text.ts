// Text export in the shape of QEMU's `-trace` log backend, one event per line:
// `INSN@SECONDS:name key value ...` — QEMU's `PID@TIME:` prefix with the guest instruction count in
// place of the pid (so two runs of one guest give comparable lines), fields as `key value` pairs in
// emission order (numbers in hex as QEMU's formats print them, sizes and counts in decimal), then
// pcscope's request ids in brackets for block work.
import type { TraceEvent, TraceValue } from "./bus.ts";

/** Field names printed in decimal (lengths and counts); every other number is printed in hex. */
const DECIMAL_FIELDS = new Set(["size", "len", "count", "bytes"]);

/** Formats one field value. */
function formatValue(key: string, value: TraceValue): string {
  if (typeof value === "number") {
    if (DECIMAL_FIELDS.has(key)) return String(value);
    return value < 0 ? `-0x${(-value).toString(16)}` : `0x${value.toString(16)}`;
  }
  if (typeof value === "bigint") return `0x${value.toString(16)}`;
  return String(value);
}

/** One event as a text line, newline included. */
export function formatTraceLine(event: TraceEvent): string {
  let line = `${event.insn}@${(event.hostNs / 1e9).toFixed(6)}:${event.name}`;
  for (const key of Object.keys(event.fields)) line += ` ${key} ${formatValue(key, event.fields[key]!)}`;
  if (event.req !== 0 || event.co !== 0) line += ` [req ${event.req} parent ${event.parent} co ${event.co}]`;
  return `${line}\n`;
}
