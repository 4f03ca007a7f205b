// Keeping the target's breakpoints in step with the UI's list: code breakpoints and watchpoints go
// through Z packets, I/O watches through pcscope's `monitor iowatch`. Two UI breakpoints at one
// address share one target breakpoint, so removing one keeps the target's while another is enabled.
import { type Breakpoint, type BreakpointList, rspKind } from "./logic/breakpoints.ts";
import type { DebugSession } from "./session/debug-session.ts";

/** Inserts or removes an I/O watch in the stub (errors ignored: the stub said so when added). */
async function ioWatch(session: DebugSession, bp: Breakpoint, on: boolean): Promise<void> {
  await session
    .monitor(on ? `iowatch add ${bp.location} ${bp.dir}` : `iowatch del ${bp.location}`)
    .catch(() => "");
}

/** Inserts `bp` into the target; false when the stub refused. */
export async function insertInTarget(session: DebugSession, bp: Breakpoint): Promise<boolean> {
  const kind = rspKind(bp);
  if (kind === null) {
    await ioWatch(session, bp, true);
    return true;
  }
  return session.insertBreak(kind, bp.addr, bp.length);
}

/**
 * Removes an enabled `bp` from the target, unless it is a code breakpoint and `list` still has an
 * enabled one at its address. Needs: `bp` already disabled or removed from `list`.
 */
export async function removeFromTarget(
  session: DebugSession,
  list: BreakpointList,
  bp: Breakpoint,
): Promise<void> {
  const kind = rspKind(bp);
  if (kind === null) await ioWatch(session, bp, false);
  else if (bp.type !== "break" || !list.enabledCodeAt(bp.addr))
    await session.removeBreak(kind, bp.addr, bp.length);
}
