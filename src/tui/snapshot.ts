// The immutable snapshot the Debugger publishes and the Ink components render.
import type { CpuContext } from "./logic/cpu-mode.ts";
import type { Layout, Pane } from "./logic/layout.ts";
import type { SymbolEntry } from "./logic/symbol-resolver.ts";
import type { PaneViews } from "./panes/panes.ts";

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
  /** Where the view stands in the target's recorded history (timelineText), or null without one. */
  readonly timeline: string | null;
  readonly message: string;
  readonly layout: Layout;
  readonly focus: Pane;
  readonly ctx: CpuContext | null;
  /** Linear address of the next instruction. */
  readonly pc: bigint | null;
  /** Each pane's view (src/tui/panes). */
  readonly panes: PaneViews;
  readonly console: readonly string[];
  readonly prompt: Prompt | null;
  readonly help: boolean;
  /** The FPU/SSE pane is shown in place of the upper row. */
  readonly fpu: boolean;
}
