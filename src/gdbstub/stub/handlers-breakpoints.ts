// Z/z packets: breakpoints and watchpoints go to the target's capabilities (no guest memory is
// patched, so ROM and code reads stay exact). A type whose capability the target lacks gets the
// empty reply, as gdb expects of "not supported". The session keeps reference counts so gdb's
// insert/remove pairs and detach cleanup stay balanced.

import type { BreakpointOps } from "../../emu/debug-target.ts";
import { parseBreakpoint } from "../protocol/breakpoints.ts";
import { ProtocolError } from "../protocol/errors.ts";
import type { HandlerGroup } from "./packet-table.ts";
import type { Session } from "./session.ts";

const WATCH_KINDS = { 2: "write", 3: "read", 4: "access" } as const;

/** Inserts or removes one address breakpoint, calling the target only on the first/last reference. */
function toggleBreakpoint(
  ops: BreakpointOps,
  table: Map<number, number>,
  addr: number,
  insert: boolean,
): void {
  const count = table.get(addr) ?? 0;
  if (insert) {
    if (count === 0) ops.add(addr);
    table.set(addr, count + 1);
    return;
  }
  if (count === 0) return; // gdb may remove what it never inserted after a reconnect: harmless.
  if (count === 1) {
    table.delete(addr);
    ops.remove(addr);
  } else table.set(addr, count - 1);
}

/** `Z`/`z` TYPE,ADDR,KIND; "" when the target has no capability for TYPE. */
function breakpoint(s: Session, _p: Buffer, text: string): string {
  const req = parseBreakpoint(text);
  const addr = req.addr >>> 0;
  if (req.type === 0 || req.type === 1) {
    const ops = req.type === 0 ? s.target.swBreakpoints : s.target.hwBreakpoints;
    if (ops === undefined) return "";
    toggleBreakpoint(ops, req.type === 0 ? s.swBreaks : s.hwBreaks, addr, req.insert);
    return "OK";
  }
  const ops = s.target.watchpoints;
  if (ops === undefined) return "";
  const kind = WATCH_KINDS[req.type];
  if (addr + req.kind > 0x100000000) throw new ProtocolError("watchpoint wraps past 4 GiB");
  if (req.insert) {
    ops.add(kind, addr, req.kind);
    s.watches.push({ kind, addr, length: req.kind });
    return "OK";
  }
  const i = s.watches.findIndex((w) => w.kind === kind && w.addr === addr && w.length === req.kind);
  if (i >= 0) {
    s.watches.splice(i, 1);
    ops.remove(kind, addr, req.kind);
  }
  return "OK";
}

export const BREAKPOINT_HANDLERS: HandlerGroup = [
  ["Z", "breakpoints", breakpoint],
  ["z", "breakpoints", breakpoint],
];
