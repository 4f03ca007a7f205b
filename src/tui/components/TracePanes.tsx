// The panes fed by a pcscope target's trace: I/O port log, block request tree, firmware log. A
// foreign stub has no feed: each says so in one line.
import { Text } from "ink";
import { NotAvailable, Pane, positional } from "./Pane.tsx";

interface Sized {
  width: number;
  height: number;
  focused: boolean;
}

export function IoLogPane({
  io,
  width,
  height,
  focused,
}: Sized & { io: { lines: readonly string[]; filter: string; total: number } | null }) {
  return (
    <Pane
      title={io ? `I/O ports [${io.filter}] ${io.total}` : "I/O ports"}
      width={width}
      height={height}
      focused={focused}
    >
      {io === null ? <NotAvailable /> : null}
      {positional(io?.lines ?? []).map(({ key, item }) => (
        <Text key={key} wrap="truncate">
          {item}
        </Text>
      ))}
    </Pane>
  );
}

export function BlockPane({
  block,
  width,
  height,
  focused,
}: Sized & { block: { rows: readonly string[]; detail: readonly string[]; cursor: number } | null }) {
  const visible = Math.max(0, height - 2);
  const detailRows =
    block && focused && block.detail.length > 0 ? Math.min(block.detail.length, Math.floor(visible / 2)) : 0;
  const treeRows = visible - detailRows;
  const start = block ? Math.max(0, Math.min(block.cursor - treeRows + 1, block.rows.length - treeRows)) : 0;
  return (
    <Pane title="Block requests" width={width} height={height} focused={focused}>
      {block === null ? <NotAvailable /> : null}
      {block && block.rows.length === 0 ? <Text color="gray">no block requests yet</Text> : null}
      {positional(block?.rows.slice(start, start + treeRows) ?? [], start).map(({ key, item }) => (
        <Text key={key} wrap="truncate" inverse={focused && key === block?.cursor}>
          {item}
        </Text>
      ))}
      {positional(block?.detail.slice(0, detailRows) ?? [], -1000).map(({ key, item }) => (
        <Text key={key} color="gray" wrap="truncate">
          {item}
        </Text>
      ))}
    </Pane>
  );
}

export function LogPane({ log, width, height, focused }: Sized & { log: readonly string[] | null }) {
  return (
    <Pane title="Firmware log" width={width} height={height} focused={focused}>
      {log === null ? <NotAvailable /> : null}
      {positional(log ?? []).map(({ key, item }) => (
        <Text key={key} wrap="truncate">
          {item}
        </Text>
      ))}
    </Pane>
  );
}
