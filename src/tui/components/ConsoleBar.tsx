// The bottom lines: command output, and the open prompt (`g`, `/`, `:`) with symbol matches.
import { Box, Text } from "ink";
import type { Prompt } from "../debugger.ts";
import { positional } from "./Pane.tsx";

const PROMPT_LABEL = { goto: "go to: ", search: "search symbol: ", command: ":" } as const;

export function ConsoleBar({ lines, prompt }: { lines: readonly string[]; prompt: Prompt | null }) {
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
  const shown = [...lines.slice(-3)];
  while (shown.length < 3) shown.unshift("");
  return (
    <Box flexDirection="column" height={3}>
      {positional(shown).map(({ key, item }) => (
        <Text key={key} wrap="truncate">
          {item}
        </Text>
      ))}
    </Box>
  );
}
