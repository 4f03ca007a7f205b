// The I/O port log pane: port accesses named by device (pcscope targets only), filtered by `:iofilter`.
import { IoLog, type PortFilter } from "../../logic/io-log.ts";
import { Memo } from "../../logic/memo.ts";
import type { TraceEvent } from "../../session/debug-session.ts";
import { type PaneHost, type PaneModule, STATIC_PANE } from "../pane-module.ts";

/** What the pane shows. */
export interface IoView {
  readonly lines: readonly string[];
  /** The filter as typed (`all` when none). */
  readonly filter: string;
  /** Accesses logged so far. */
  readonly total: number;
}

export class IoPaneState implements PaneModule<IoView | null> {
  readonly id = "io";
  /** null when the target has no trace feed. */
  readonly log: IoLog | null;
  private filter: PortFilter = [];
  private filterText = "all";
  private readonly memo = new Memo<IoView | null>();
  readonly refresh = STATIC_PANE.refresh;
  readonly moveCursor = STATIC_PANE.moveCursor;
  readonly select = STATIC_PANE.select;

  constructor(traced: boolean) {
    this.log = traced ? new IoLog() : null;
  }

  onTrace(event: TraceEvent): boolean {
    return this.log?.onEvent(event) ?? false;
  }

  /** Shows only ports in `filter` (typed as `text`). */
  setFilter(filter: PortFilter, text: string): void {
    this.filter = filter;
    this.filterText = text;
  }

  view(host: PaneHost): IoView | null {
    const lines = host.layout.bottomLines;
    return this.memo.get([this.log?.total, this.filter, this.filterText, lines], () =>
      this.log
        ? {
            lines: this.log.tail(lines, this.filter).map((e) => e.text),
            filter: this.filterText,
            total: this.log.total,
          }
        : null,
    );
  }
}
