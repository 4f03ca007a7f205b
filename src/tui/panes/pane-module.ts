// The contract between the Debugger and its panes, in the spirit of gdb-dashboard's modules: each
// pane owns its state, how it refreshes after a stop, what its cursor keys and Enter do, and the
// immutable view it publishes; the Debugger keeps the session and run control, and the App lays the
// panes out. A new pane is one folder under src/tui/panes with its state (.ts) and component (.tsx).
import type { AddressEnv } from "../logic/address-expr.ts";
import type { BreakpointList } from "../logic/breakpoints.ts";
import type { CpuContext } from "../logic/cpu-mode.ts";
import type { Layout, Pane } from "../logic/layout.ts";
import type { SymbolResolver } from "../logic/symbol-resolver.ts";
import type { CpuExtras, DebugSession, RegisterSet, TraceEvent } from "../session/debug-session.ts";

/** What a pane may use from the Debugger. */
export interface PaneHost {
  readonly session: DebugSession;
  readonly symbols: SymbolResolver;
  readonly breakpoints: BreakpointList;
  readonly layout: Layout;
  /** The CPU at the last stop (null before the first read). */
  readonly ctx: CpuContext | null;
  readonly regs: RegisterSet | null;
  /** The registers at the stop before, for change marks. */
  readonly prevRegs: RegisterSet | null;
  readonly extras: CpuExtras | null;
  /** The environment address expressions are evaluated in. */
  env(): AddressEnv;
  /** Reads memory of the current stop; panes reading the same bytes share one round trip. */
  read(addr: bigint, length: number): Promise<Uint8Array | null>;
  /** Shows a one-line message in the status bar. */
  say(message: string): void;
  /** Shows code at an expression in the code pane and focuses it. */
  goTo(expr: string): Promise<void>;
}

/** One pane: its state, its refresh and keys, and the view it publishes (stable while unchanged). */
export interface PaneModule<View> {
  readonly id: Pane;
  /** Re-reads what the pane shows: after a stop (`stop` true: change marks move on) or a resize. */
  refresh(host: PaneHost, stop: boolean): Promise<void>;
  /** Moves the pane's cursor by `delta` lines (j/k, arrows, PgUp/PgDn) while it has the focus. */
  moveCursor(host: PaneHost, delta: number): Promise<void>;
  /** Enter while the pane has the focus. */
  select(host: PaneHost): Promise<void>;
  /** Takes a trace event (pcscope targets); true when the pane's view changed. */
  onTrace?(event: TraceEvent): boolean;
  /** The pane's part of the snapshot: the same object while nothing it shows changed. */
  view(host: PaneHost): View;
}

/** A pane without a cursor or refresh of its own. */
export const STATIC_PANE = {
  refresh: async (): Promise<void> => {},
  moveCursor: async (): Promise<void> => {},
  select: async (): Promise<void> => {},
};
