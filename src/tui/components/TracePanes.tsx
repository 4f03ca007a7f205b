// The panes fed by a pcscope target's trace: I/O port log, block request tree, firmware log. A
// foreign stub has no feed: each says so in one line.
import { memo, useMemo } from "react";
import { plainLine } from "../logic/ansi.ts";
import type { Snapshot } from "../snapshot.ts";
import { notAvailable, Pane } from "./Pane.tsx";

interface Sized {
  width: number;
  height: number;
  focused: boolean;
}

export const IoLogPane = memo(function IoLogPane({
  io,
  width,
  height,
  focused,
}: Sized & { io: Snapshot["io"] }) {
  const lines = useMemo(
    () => (io === null ? [notAvailable(width)] : io.lines.map((l) => plainLine(l, width - 2))),
    [io, width],
  );
  return (
    <Pane
      title={io ? `I/O ports [${io.filter}] ${io.total}` : "I/O ports"}
      width={width}
      height={height}
      focused={focused}
      lines={lines}
    />
  );
});

/** The block pane's lines: the visible part of the tree around the cursor, details when focused. */
export function blockLines(
  block: Snapshot["block"],
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
}: Sized & { block: Snapshot["block"] }) {
  const lines = useMemo(() => blockLines(block, width, height, focused), [block, width, height, focused]);
  return <Pane title="Block requests" width={width} height={height} focused={focused} lines={lines} />;
});

export const LogPane = memo(function LogPane({
  log,
  width,
  height,
  focused,
}: Sized & { log: Snapshot["log"] }) {
  const lines = useMemo(
    () => (log === null ? [notAvailable(width)] : log.map((l) => plainLine(l, width - 2))),
    [log, width],
  );
  return <Pane title="Firmware log" width={width} height={height} focused={focused} lines={lines} />;
});
