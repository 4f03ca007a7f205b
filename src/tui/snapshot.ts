// The immutable snapshot the Debugger publishes and the Ink components render.
import type { Breakpoint } from "./logic/breakpoints.ts";
import type { CpuContext } from "./logic/cpu-mode.ts";
import type { DisasmLine } from "./logic/disasm.ts";
import type { HexRow } from "./logic/hexdump.ts";
import type { Layout, Pane } from "./logic/layout.ts";
import type { RegisterView } from "./logic/register-view.ts";
import type { StackSlot } from "./logic/stack-view.ts";
import type { SymbolEntry } from "./logic/symbol-resolver.ts";

export type RunState = "stopped" | "running" | "busy" | "exited" | "disconnected";

/** A prompt opened by `g`, `/` or `:`. */
export interface Prompt {
  readonly kind: "goto" | "search" | "command";
  readonly text: string;
  /** Symbol matches for `/` (and `g` when typing a name). */
  readonly matches: readonly SymbolEntry[];
  readonly selected: number;
}

/** Everything the UI renders, immutable once published. */
export interface Snapshot {
  readonly version: number;
  readonly description: string;
  readonly gdbAddress: string | null;
  readonly state: RunState;
  readonly stopText: string;
  readonly message: string;
  readonly layout: Layout;
  readonly focus: Pane;
  readonly ctx: CpuContext | null;
  readonly registers: RegisterView | null;
  readonly code: readonly DisasmLine[];
  readonly codeCursor: number;
  readonly pc: bigint | null;
  readonly breakpoints: readonly Breakpoint[];
  readonly breakpointCursor: number;
  readonly memoryExpr: string;
  readonly memory: readonly HexRow[];
  readonly stack: readonly StackSlot[];
  /** null when the target has no trace feed (a foreign stub). */
  readonly io: { readonly lines: readonly string[]; readonly filter: string; readonly total: number } | null;
  readonly block: {
    readonly rows: readonly string[];
    readonly detail: readonly string[];
    readonly cursor: number;
  } | null;
  readonly log: readonly string[] | null;
  readonly console: readonly string[];
  readonly prompt: Prompt | null;
  readonly help: boolean;
}
