// A bordered pane with its title in the top border; the focused pane's border is highlighted. The
// body is one <Text> per line, each line pre-styled (logic/ansi.ts) and already cut to the inner
// width: a row is one node, and Ink never wraps or clips. (One <Text> per line rather than per pane
// also keeps Ink's text-measure cache, which never forgets a string, growing with distinct lines only.)
import { Box, Text } from "ink";
import { memo } from "react";
import { plainLine } from "../logic/ansi.ts";

export interface PaneProps {
  title: string;
  width: number;
  height: number;
  focused: boolean;
  /** Body lines (styled, at most width-2 cells each); lines beyond the pane's height are not shown. */
  lines: readonly string[];
}

/** The top border line `┌─ Title ───┐` for a pane `width` cells wide. */
export function titleBorder(title: string, width: number): string {
  const inner = Math.max(0, width - 2);
  const label = `─ ${title} `.slice(0, inner);
  return `┌${label}${"─".repeat(inner - label.length)}┐`;
}

/** A fixed-size bordered box. */
export const Pane = memo(function Pane({ title, width, height, focused, lines }: PaneProps) {
  const color = focused ? "cyan" : "gray";
  const rows = Math.max(0, height - 2);
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text color={color} bold={focused}>
        {titleBorder(title, width)}
      </Text>
      <Box
        flexDirection="column"
        width={width}
        height={height - 1}
        borderStyle="single"
        borderTop={false}
        borderColor={color}
      >
        {(lines.length > rows ? lines.slice(0, rows) : lines).map((line, row) => (
          // Rows are positional: row N is redrawn in place.
          // biome-ignore lint/suspicious/noArrayIndexKey: the row number is the identity
          <Text key={row}>{line}</Text>
        ))}
      </Box>
    </Box>
  );
});

/** The one line a pane shows when the target cannot feed it. */
export function notAvailable(width: number): string {
  return plainLine("not available: the target is not pcscope", width - 2, { color: "gray" });
}
