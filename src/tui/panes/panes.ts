// The Debugger's panes, one module each, by layout id; their views make up the snapshot's `panes`.
import type { Pane } from "../logic/layout.ts";
import { BacktracePaneState } from "./backtrace/backtrace-pane.ts";
import { BlockPaneState } from "./block/block-pane.ts";
import { BreakpointsPaneState } from "./breakpoints/breakpoints-pane.ts";
import { CodePaneState } from "./code/code-pane.ts";
import { FpuPaneState } from "./fpu/fpu-pane.ts";
import { IoPaneState } from "./io/io-pane.ts";
import { LogPaneState } from "./log/log-pane.ts";
import { MemoryPaneState } from "./memory/memory-pane.ts";
import type { PaneHost, PaneModule } from "./pane-module.ts";
import { RegistersPaneState } from "./registers/registers-pane.ts";
import { StackPaneState } from "./stack/stack-pane.ts";

/** Every pane's state. */
export interface Panes {
  readonly code: CodePaneState;
  readonly registers: RegistersPaneState;
  readonly stack: StackPaneState;
  readonly backtrace: BacktracePaneState;
  readonly breakpoints: BreakpointsPaneState;
  readonly memory: MemoryPaneState;
  readonly io: IoPaneState;
  readonly block: BlockPaneState;
  readonly log: LogPaneState;
  readonly fpu: FpuPaneState;
}

/** Every pane's published view. */
export type PaneViews = { readonly [K in keyof Panes]: ReturnType<Panes[K]["view"]> };

/** Fresh panes; `traced` says whether the target has a trace feed (the I/O, block and log panes). */
export function createPanes(traced: boolean): Panes {
  return {
    code: new CodePaneState(),
    registers: new RegistersPaneState(),
    stack: new StackPaneState(),
    backtrace: new BacktracePaneState(),
    breakpoints: new BreakpointsPaneState(),
    memory: new MemoryPaneState(),
    io: new IoPaneState(traced),
    block: new BlockPaneState(traced),
    log: new LogPaneState(traced),
    fpu: new FpuPaneState(),
  };
}

/** The panes as modules, in refresh order. */
export function paneList(panes: Panes): PaneModule<unknown>[] {
  return Object.values(panes) as PaneModule<unknown>[];
}

/** The pane with layout id `id`. */
export function paneById(panes: Panes, id: Pane): PaneModule<unknown> {
  return panes[id];
}

/** Every pane's view now. */
export function paneViews(panes: Panes, host: PaneHost): PaneViews {
  return {
    code: panes.code.view(),
    registers: panes.registers.view(host),
    stack: panes.stack.view(),
    backtrace: panes.backtrace.view(),
    breakpoints: panes.breakpoints.view(host),
    memory: panes.memory.view(),
    io: panes.io.view(host),
    block: panes.block.view(),
    log: panes.log.view(host),
    fpu: panes.fpu.view(host),
  };
}
