// A bordered pane with its title in the top border; the focused pane's border is highlighted.
import { Box, Text } from "ink";
import type { ReactNode } from "react";

export interface PaneProps {
  title: string;
  width: number;
  height: number;
  focused: boolean;
  children?: ReactNode;
}

/** The top border line `┌─ Title ───┐` for a pane `width` cells wide. */
export function titleBorder(title: string, width: number): string {
  const inner = Math.max(0, width - 2);
  const label = `─ ${title} `.slice(0, inner);
  return `┌${label}${"─".repeat(inner - label.length)}┐`;
}

/** A fixed-size bordered box; content beyond its height is clipped. */
export function Pane({ title, width, height, focused, children }: PaneProps) {
  const color = focused ? "cyan" : "gray";
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text color={color} bold={focused} wrap="truncate">
        {titleBorder(title, width)}
      </Text>
      <Box
        flexDirection="column"
        width={width}
        height={height - 1}
        borderStyle="single"
        borderTop={false}
        borderColor={color}
        overflow="hidden"
      >
        {children}
      </Box>
    </Box>
  );
}

/** The one-line notice a pane shows when the target cannot feed it. */
export function NotAvailable() {
  return (
    <Text color="gray" wrap="truncate">
      not available: the target is not pcscope
    </Text>
  );
}

/** Rows keyed by their position (log and table rows are positional: row N is redrawn in place). */
export function positional<T>(items: readonly T[], first = 0): Array<{ key: number; item: T }> {
  return items.map((item, n) => ({ key: first + n, item }));
}
