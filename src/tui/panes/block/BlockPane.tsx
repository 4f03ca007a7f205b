// The block request tree of a pcscope target: requests, their coroutines and slices, details of the
// selected one when focused (a foreign stub has no trace feed: the pane says so).
import { memo, useMemo } from "react";
import { plainLine } from "../../logic/ansi.ts";
import { notAvailable, Pane } from "../Pane.tsx";
import type { BlockView } from "./block-pane.ts";

interface Sized {
  width: number;
  height: number;
  focused: boolean;
}

/** The block pane's lines: the visible part of the tree around the cursor, details when focused. */
export function blockLines(
  block: BlockView | null,
  width: number,
  height: number,
  focused: boolean,
): string[] {
  if (block === null) return [notAvailable(width)];
  const inner = width - 2;
  if (block.rows.length === 0) return [plainLine("no block requests yet", inner, { color: "gray" })];
  const visible = Math.max(0, height - 2);
  const detailRows =
    focused && block.detail.length > 0 ? Math.min(block.detail.length, Math.floor(visible / 2)) : 0;
  const treeRows = visible - detailRows;
  // The selected request heads the view, its children and slices below it.
  const start = Math.max(0, Math.min(block.cursor, block.rows.length - treeRows));
  return [
    ...block.rows
      .slice(start, start + treeRows)
      .map((row, i) =>
        plainLine(row, inner, focused && start + i === block.cursor ? { inverse: true } : undefined),
      ),
    ...block.detail.slice(0, detailRows).map((row) => plainLine(row, inner, { color: "gray" })),
  ];
}

export const BlockPane = memo(function BlockPane({
  block,
  width,
  height,
  focused,
}: Sized & { block: BlockView | null }) {
  const lines = useMemo(() => blockLines(block, width, height, focused), [block, width, height, focused]);
  return <Pane title="Block requests" width={width} height={height} focused={focused} lines={lines} />;
});
