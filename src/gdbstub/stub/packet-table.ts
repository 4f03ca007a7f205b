// The packet table: each packet name maps to a handler, grouped by capability like the gdbstub
// crate's extension traits. A name is the first letter, or for q/Q/v packets the word up to the
// first ':', ',', ';' or '=' (so `qXfer:features:read:...` is `qXfer`, `vCont?` is `vCont?`,
// `Qqemu.sstep=3` is `Qqemu.sstep`).
import { BASE_HANDLERS } from "./handlers-base.ts";
import { BREAKPOINT_HANDLERS } from "./handlers-breakpoints.ts";
import { QUERY_HANDLERS } from "./handlers-query.ts";
import { RESUME_HANDLERS } from "./handlers-resume.ts";
import { REVERSE_HANDLERS } from "./handlers-reverse.ts";
import { THREAD_HANDLERS } from "./handlers-threads.ts";
import type { Session } from "./session.ts";

/** Answers one packet: a reply, or null when the reply comes later (resume) or never (k). */
export type Handler = (session: Session, payload: Buffer, text: string) => string | Buffer | null;

/**
 * What a group of packets provides. "step" rows are served only when the target has singleStep;
 * "breakpoints" rows check the target's capability per breakpoint type; "reverse" rows are served only
 * when the target has reverse. "resume", "step" and "reverse" rows are refused while the guest runs.
 */
export type Capability =
  | "base"
  | "registers"
  | "memory"
  | "breakpoints"
  | "resume"
  | "step"
  | "reverse"
  | "threads"
  | "query"
  | "monitor";

/** One table row. */
export interface HandlerEntry {
  capability: Capability;
  handler: Handler;
}

/** Rows as [name, handler] per capability. */
export type HandlerGroup = ReadonlyArray<readonly [string, Capability, Handler]>;

const TABLE = new Map<string, HandlerEntry>();
for (const group of [
  BASE_HANDLERS,
  BREAKPOINT_HANDLERS,
  QUERY_HANDLERS,
  RESUME_HANDLERS,
  REVERSE_HANDLERS,
  THREAD_HANDLERS,
]) {
  for (const [name, capability, handler] of group) TABLE.set(name, { capability, handler });
}

/** The table key of a packet. */
export function packetName(payload: Buffer): string {
  const first = payload[0];
  if (first === undefined) return "";
  // q, Q, v packets are words.
  if (first === 0x71 || first === 0x51 || first === 0x76) {
    let end = 1;
    while (end < payload.length && end < 64) {
      const b = payload[end]!;
      if (b === 0x3a || b === 0x2c || b === 0x3b || b === 0x3d) break;
      end++;
    }
    return payload.subarray(0, end).toString("latin1");
  }
  return String.fromCharCode(first);
}

/** The row for a packet name, if any. */
export function lookupHandler(name: string): HandlerEntry | undefined {
  return TABLE.get(name);
}
