// Stop replies: `T SIG key:value;...` (thread, swbreak/hwbreak, watch/rwatch/awatch, expedited
// registers as `NN:hex`, and pcscope's own `ioport:` field that gdb skips), `S SIG`, `W STATUS`
// (exited), `X SIG` (killed). The stub formats them, the client parses them.
import { ProtocolError } from "./errors.ts";
import { parseHex } from "./hex.ts";
import { parseThreadId, type ThreadId } from "./thread-id.ts";

/** Signals used in stop replies. */
export const SIGNAL = { INT: 2, ILL: 4, TRAP: 5, KILL: 9, SEGV: 11 } as const;

/** Formats `T<sig>` followed by `key:value;` pairs, in order. */
export function formatT(signal: number, fields: ReadonlyArray<readonly [string, string]>): string {
  let s = `T${hex2(signal)}`;
  for (const [k, v] of fields) s += `${k}:${v};`;
  return s;
}

/** Two hex digits. */
export function hex2(n: number): string {
  return (n & 0xff).toString(16).padStart(2, "0");
}

/** Why a T reply says the target stopped. */
export type StopReason =
  | { kind: "swbreak" }
  | { kind: "hwbreak" }
  | { kind: "watch" | "rwatch" | "awatch"; addr: number }
  | { kind: "ioport"; text: string };

/** A parsed stop reply. */
export type ParsedStop =
  | {
      type: "stopped";
      signal: number;
      thread: ThreadId | null;
      reasons: StopReason[];
      /** Expedited registers by register number, as hex in target byte order. */
      registers: Map<number, string>;
      /** Every other key:value field. */
      fields: Map<string, string>;
    }
  | { type: "exited"; status: number }
  | { type: "killed"; signal: number };

/** Parses a stop reply (T, S, W, X); throws ProtocolError for anything else. */
export function parseStopReply(payload: string): ParsedStop {
  const letter = payload[0];
  if (letter === "W" || letter === "X") {
    const value = parseHex(payload.slice(1).split(";")[0]!, "status");
    return letter === "W" ? { type: "exited", status: value } : { type: "killed", signal: value };
  }
  if (letter !== "T" && letter !== "S")
    throw new ProtocolError(`not a stop reply: '${payload.slice(0, 20)}'`);
  const signal = parseHex(payload.slice(1, 3), "signal");
  const stop: ParsedStop = {
    type: "stopped",
    signal,
    thread: null,
    reasons: [],
    registers: new Map(),
    fields: new Map(),
  };
  if (letter === "S") return stop;
  for (const item of payload.slice(3).split(";")) {
    if (item === "") continue;
    const colon = item.indexOf(":");
    const key = colon < 0 ? item : item.slice(0, colon);
    const value = colon < 0 ? "" : item.slice(colon + 1);
    if (key === "thread") stop.thread = parseThreadId(value);
    else if (key === "swbreak" || key === "hwbreak") stop.reasons.push({ kind: key });
    else if (key === "watch" || key === "rwatch" || key === "awatch") {
      stop.reasons.push({ kind: key, addr: parseHex(value, "watch address") });
    } else if (key === "ioport") stop.reasons.push({ kind: "ioport", text: value });
    else if (/^[0-9a-fA-F]+$/.test(key)) stop.registers.set(Number.parseInt(key, 16), value);
    else stop.fields.set(key, value);
  }
  return stop;
}
