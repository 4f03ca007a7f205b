// Z/z packets: breakpoints and watchpoints live in the DebugTarget's tables (no guest memory is
// patched, so ROM and code reads stay exact); the session keeps reference counts so gdb's
// insert/remove pairs, Z0+Z1 on one address and detach cleanup stay balanced.
import { parseBreakpoint } from "../protocol/breakpoints.ts";
import { ProtocolError } from "../protocol/errors.ts";
import type { HandlerGroup } from "./packet-table.ts";
import type { Session } from "./session.ts";

const WATCH_KINDS = { 2: "write", 3: "read", 4: "access" } as const;

/** Inserts or removes one address breakpoint, calling the target only on the first/last reference. */
function toggleBreakpoint(s: Session, table: Map<number, number>, addr: number, insert: boolean): void {
  const either = (a: number) => s.swBreaks.has(a) || s.hwBreaks.has(a);
  const count = table.get(addr) ?? 0;
  if (insert) {
    if (!either(addr)) s.target.addBreakpoint(addr);
    table.set(addr, count + 1);
    return;
  }
  if (count === 0) return; // gdb may remove what it never inserted after a reconnect: harmless.
  if (count === 1) table.delete(addr);
  else table.set(addr, count - 1);
  if (!either(addr)) s.target.removeBreakpoint(addr);
}

/** `Z`/`z` TYPE,ADDR,KIND. */
function breakpoint(s: Session, _p: Buffer, text: string): string {
  const req = parseBreakpoint(text);
  const addr = req.addr >>> 0;
  if (req.type === 0 || req.type === 1) {
    toggleBreakpoint(s, req.type === 0 ? s.swBreaks : s.hwBreaks, addr, req.insert);
    return "OK";
  }
  const kind = WATCH_KINDS[req.type];
  if (addr + req.kind > 0x100000000) throw new ProtocolError("watchpoint wraps past 4 GiB");
  if (req.insert) {
    s.target.addWatchpoint(kind, addr, req.kind);
    s.watches.push({ kind, addr, length: req.kind });
    return "OK";
  }
  const i = s.watches.findIndex((w) => w.kind === kind && w.addr === addr && w.length === req.kind);
  if (i >= 0) {
    s.watches.splice(i, 1);
    s.target.removeWatchpoint(kind, addr, req.kind);
  }
  return "OK";
}

export const BREAKPOINT_HANDLERS: HandlerGroup = [
  ["Z", "breakpoints", breakpoint],
  ["z", "breakpoints", breakpoint],
];
