// The breakpoints pane: every breakpoint and watchpoint with its hits; Enter shows a breakpoint's code.
// The list itself belongs to the Debugger (run control consults it); the pane owns its cursor.
import type { Breakpoint } from "../../logic/breakpoints.ts";
import { Memo } from "../../logic/memo.ts";
import type { PaneHost, PaneModule } from "../pane-module.ts";

/** What the pane shows. */
export interface BreakpointsView {
  readonly list: readonly Breakpoint[];
  readonly cursor: number;
}

export class BreakpointsPaneState implements PaneModule<BreakpointsView> {
  readonly id = "breakpoints";
  private cursor = 0;
  private readonly memo = new Memo<BreakpointsView>();

  async refresh(): Promise<void> {}

  async moveCursor(host: PaneHost, delta: number): Promise<void> {
    const n = host.breakpoints.list().length;
    this.cursor = Math.max(0, Math.min(n - 1, this.cursor + delta));
  }

  /** Shows the code of the breakpoint under the cursor. */
  async select(host: PaneHost): Promise<void> {
    const bp = host.breakpoints.list()[this.cursor];
    if (bp && bp.type === "break") await host.goTo(`0x${bp.addr.toString(16)}`);
  }

  view(host: PaneHost): BreakpointsView {
    const list = host.breakpoints.list();
    const key = list.map((b) => `${b.id}:${b.enabled}:${b.hits}`).join(",");
    return this.memo.get([key, this.cursor], () => ({
      list: list.map((b) => ({ ...b })),
      cursor: this.cursor,
    }));
  }
}
