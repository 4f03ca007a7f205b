// `?`: every key and the command-line commands.
import { Box, Text } from "ink";
import { COMMAND_HELP } from "../logic/command-line.ts";
import { KEY_HELP } from "../logic/keymap.ts";

export function HelpOverlay({ width, height }: { width: number; height: number }) {
  return (
    <Box
      flexDirection="column"
      width={width}
      height={height}
      borderStyle="double"
      borderColor="cyan"
      paddingX={1}
    >
      <Text bold>pcscope keys (gdb SingleKey style; any key closes this)</Text>
      {KEY_HELP.map(([key, text]) => (
        <Text key={key} wrap="truncate">
          <Text color="cyan">{key.padEnd(24)}</Text>
          {text}
        </Text>
      ))}
      <Text bold>Commands after ":"</Text>
      {COMMAND_HELP.map((line) => (
        <Text key={line} wrap="truncate">
          {line}
        </Text>
      ))}
    </Box>
  );
}
