// Public API of the terminal UI: the session contract targets implement, the RSP-backed session,
// the controller and the entry that runs the UI on a terminal.
import "./production.ts";

export { runCommandLine } from "./commands.ts";
export { Debugger, type DebuggerOptions, type Snapshot } from "./debugger.ts";
export { NO_SYMBOLS, type SymbolResolver, tableResolver } from "./logic/symbol-resolver.ts";
export { NO_TTY_MESSAGE, runTui } from "./run-tui.tsx";
export type {
  Arch,
  BreakKind,
  CpuExtras,
  DebugSession,
  ExternalEvent,
  ExternalFeed,
  RegisterSet,
  StopReason,
  TraceEvent,
  TraceFeed,
} from "./session/debug-session.ts";
export { LocalSession, LocalStartError } from "./session/local-session.ts";
export { RspSession } from "./session/rsp-session.ts";
export { isInteractive } from "./terminal.ts";
