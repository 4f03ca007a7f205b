// Thread ids: `TID`, `-1` (all), `0` (any) and, with multiprocess, `pPID.TID` / `pPID` (all of PID).
import { ProtocolError } from "./errors.ts";
import { parseHex } from "./hex.ts";

/** -1 means "all", 0 means "any"; otherwise a thread (vCPU index + 1) or process number. */
export interface ThreadId {
  pid: number;
  tid: number;
}

/** The one process pcscope reports (the machine). */
export const PCSCOPE_PID = 1;

/** Parses a thread id in either syntax; throws ProtocolError when malformed. */
export function parseThreadId(text: string): ThreadId {
  if (text.startsWith("p")) {
    const dot = text.indexOf(".");
    const pid = part(dot < 0 ? text.slice(1) : text.slice(1, dot));
    const tid = dot < 0 ? -1 : part(text.slice(dot + 1));
    return { pid, tid };
  }
  return { pid: -1, tid: part(text) };
}

/** Formats a thread of our process; `multiprocess` picks the pPID.TID syntax. */
export function formatThreadId(tid: number, multiprocess: boolean): string {
  const t = tid < 0 ? "-1" : tid.toString(16);
  return multiprocess ? `p${PCSCOPE_PID.toString(16)}.${t}` : t;
}

function part(text: string): number {
  if (text === "-1") return -1;
  const n = parseHex(text, "thread id");
  if (n > 0xffffffff) throw new ProtocolError(`thread id '${text}' out of range`);
  return n;
}
