// The bottom lines: command output, and the open prompt (`g`, `/`, `:`) with symbol matches.
import { Box, Text } from "ink";
import { memo } from "react";
import type { Prompt } from "../debugger.ts";
import { plainLine } from "../logic/ansi.ts";

const PROMPT_LABEL = { goto: "go to: ", search: "search symbol: ", command: ":" } as const;

export const ConsoleBar = memo(function ConsoleBar({
  lines,
  prompt,
  width,
}: {
  lines: readonly string[];
  prompt: Prompt | null;
  width: number;
}) {
  if (prompt !== null) {
    const matches = prompt.matches
      .slice(0, 6)
      .map((m, i) => `${i === prompt.selected ? ">" : " "}${m.name} 0x${m.addr.toString(16)}`)
      .join("  ");
    return (
      <Box flexDirection="column" height={3}>
        <Text wrap="truncate" color="gray">
          {matches ||
            (prompt.kind === "command"
              ? "break LOC, delete N, x/16xb EXPR, info registers, watch, iowatch, monitor ... (help)"
              : "")}
        </Text>
        <Text wrap="truncate">
          <Text color="cyan">{PROMPT_LABEL[prompt.kind]}</Text>
          {prompt.text}
          <Text inverse> </Text>
        </Text>
      </Box>
    );
  }
  const shown = lines.slice(-3).map((line) => plainLine(line, width));
  while (shown.length < 3) shown.unshift("");
  return (
    <Box flexDirection="column" height={3}>
      <Text>{shown.join("\n")}</Text>
    </Box>
  );
});
