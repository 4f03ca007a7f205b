// Hexdump of the followed expression; bytes changed since the last stop are yellow.
import { memo, useMemo } from "react";
import { plainLine, type Segment, styledLine } from "../../logic/ansi.ts";
import { formatLinear } from "../../logic/code-rows.ts";
import { Pane } from "../Pane.tsx";
import type { HexRow } from "./hexdump.ts";

export interface MemoryPaneProps {
  expr: string;
  rows: readonly HexRow[];
  width: number;
  height: number;
  focused: boolean;
}

const CHANGED = { color: "yellow", bold: true } as const;
const GRAY = { color: "gray" } as const;

/** One row: address, runs of bytes with the same changed state, ASCII. */
function rowLine(row: HexRow, width: number): string {
  const segments: Segment[] = [[`${formatLinear(row.addr)} `, GRAY]];
  let run = "";
  let changed = false;
  for (const b of row.bytes) {
    if (b.changed !== changed && run !== "") {
      segments.push([run, changed ? CHANGED : undefined]);
      run = "";
    }
    changed = b.changed;
    run += ` ${b.value.toString(16).padStart(2, "0")}`;
  }
  if (run !== "") segments.push([run, changed ? CHANGED : undefined]);
  segments.push([` ${row.ascii}`, GRAY]);
  return styledLine(segments, width);
}

export const MemoryPane = memo(function MemoryPane({ expr, rows, width, height, focused }: MemoryPaneProps) {
  const lines = useMemo(
    () =>
      rows.length === 0
        ? [plainLine(`cannot read ${expr}`, width - 2, GRAY)]
        : rows.slice(0, height - 2).map((row) => rowLine(row, width - 2)),
    [expr, rows, width, height],
  );
  return <Pane title={`Memory ${expr}`} width={width} height={height} focused={focused} lines={lines} />;
});
