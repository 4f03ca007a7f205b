// Hexdump of the followed expression; bytes changed since the last stop are yellow.
import { Text } from "ink";
import { formatLinear } from "../logic/code-rows.ts";
import type { HexRow } from "../logic/hexdump.ts";
import { Pane, positional } from "./Pane.tsx";

export interface MemoryPaneProps {
  expr: string;
  rows: readonly HexRow[];
  width: number;
  height: number;
  focused: boolean;
}

/** Runs of bytes with the same changed state, so a row is a few Text nodes rather than sixteen. */
function runs(row: HexRow): Array<{ text: string; changed: boolean }> {
  const out: Array<{ text: string; changed: boolean }> = [];
  for (const b of row.bytes) {
    const cell = ` ${b.value.toString(16).padStart(2, "0")}`;
    const last = out[out.length - 1];
    if (last !== undefined && last.changed === b.changed) last.text += cell;
    else out.push({ text: cell, changed: b.changed });
  }
  return out;
}

export function MemoryPane({ expr, rows, width, height, focused }: MemoryPaneProps) {
  return (
    <Pane title={`Memory ${expr}`} width={width} height={height} focused={focused}>
      {rows.length === 0 ? <Text color="gray">cannot read {expr}</Text> : null}
      {rows.slice(0, height - 2).map((row) => (
        <Text key={row.addr.toString()} wrap="truncate">
          <Text color="gray">{formatLinear(row.addr)} </Text>
          {positional(runs(row)).map(({ key, item }) => (
            <Text key={key} color={item.changed ? "yellow" : undefined} bold={item.changed}>
              {item.text}
            </Text>
          ))}
          <Text color="gray"> {row.ascii}</Text>
        </Text>
      ))}
    </Pane>
  );
}
