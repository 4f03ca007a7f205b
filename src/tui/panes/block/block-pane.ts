// The block request pane: the tree of block requests from the trace (pcscope targets only), with a
// cursor and the selected request's details.

import { Memo } from "../../logic/memo.ts";
import type { TraceEvent } from "../../session/debug-session.ts";
import { type PaneModule, STATIC_PANE } from "../pane-module.ts";
import { BlockTree, blockPaneView } from "./block-tree.ts";

/** What the pane shows. */
export interface BlockView {
  readonly rows: readonly string[];
  readonly detail: readonly string[];
  readonly cursor: number;
}

export class BlockPaneState implements PaneModule<BlockView | null> {
  readonly id = "block";
  /** null when the target has no trace feed. */
  readonly tree: BlockTree | null;
  private cursor = 0;
  private readonly memo = new Memo<BlockView | null>();
  readonly refresh = STATIC_PANE.refresh;
  readonly select = STATIC_PANE.select;

  constructor(traced: boolean) {
    this.tree = traced ? new BlockTree() : null;
  }

  onTrace(event: TraceEvent): boolean {
    return this.tree?.onEvent(event) ?? false;
  }

  async moveCursor(_host: unknown, delta: number): Promise<void> {
    this.cursor = Math.max(0, this.cursor + delta);
  }

  /** Selects the first request whose row contains `text`; false when none does. */
  find(text: string): boolean {
    const rows = this.tree === null ? [] : blockPaneView(this.tree, 0).rows;
    const at = rows.findIndex((row) => /^#/.test(row) && row.includes(text));
    if (at < 0) return false;
    this.cursor = at;
    return true;
  }

  view(): BlockView | null {
    return this.memo.get([this.tree?.version, this.cursor], () =>
      this.tree ? blockPaneView(this.tree, this.cursor) : null,
    );
  }
}
