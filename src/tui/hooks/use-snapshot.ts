// Subscribes a component to the debugger's snapshots.
import { useSyncExternalStore } from "react";
import type { Debugger, Snapshot } from "../debugger.ts";

/** The current snapshot; re-renders when the debugger publishes a new one. */
export function useSnapshot(dbg: Debugger): Snapshot {
  return useSyncExternalStore(dbg.subscribe, dbg.getSnapshot);
}
