// The firmware log pane: what the guest wrote to the debug console ports (pcscope targets only).
import { DebugconLog } from "../../logic/debugcon-log.ts";
import { Memo } from "../../logic/memo.ts";
import type { TraceEvent } from "../../session/debug-session.ts";
import { type PaneHost, type PaneModule, STATIC_PANE } from "../pane-module.ts";

export class LogPaneState implements PaneModule<readonly string[] | null> {
  readonly id = "log";
  /** null when the target has no trace feed. */
  readonly log: DebugconLog | null;
  private readonly memo = new Memo<readonly string[] | null>();
  readonly refresh = STATIC_PANE.refresh;
  readonly moveCursor = STATIC_PANE.moveCursor;
  readonly select = STATIC_PANE.select;

  constructor(traced: boolean) {
    this.log = traced ? new DebugconLog() : null;
  }

  onTrace(event: TraceEvent): boolean {
    return this.log?.onEvent(event) ?? false;
  }

  view(host: PaneHost): readonly string[] | null {
    const lines = host.layout.bottomLines;
    return this.memo.get([this.log?.bytes, lines], () => (this.log ? this.log.tail(lines) : null));
  }
}
