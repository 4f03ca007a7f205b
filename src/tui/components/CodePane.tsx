// Disassembly around the PC (or where `g` went): labels, `=>` current line, breakpoint markers.
import { Text } from "ink";
import type { Breakpoint } from "../logic/breakpoints.ts";
import { codeRows } from "../logic/code-rows.ts";
import type { DisasmLine } from "../logic/disasm.ts";
import { Pane } from "./Pane.tsx";

export interface CodePaneProps {
  lines: readonly DisasmLine[];
  pc: bigint | null;
  cursor: number;
  breakpoints: readonly Breakpoint[];
  bitness: 16 | 32 | 64;
  width: number;
  height: number;
  focused: boolean;
}

export function CodePane({ lines, pc, cursor, breakpoints, bitness, width, height, focused }: CodePaneProps) {
  const rows = codeRows(lines, pc, cursor, breakpoints, height - 2, bitness === 16);
  return (
    <Pane title={`Code (${bitness}-bit)`} width={width} height={height} focused={focused}>
      {rows.length === 0 ? <Text color="gray">no code</Text> : null}
      {rows.map((row) =>
        row.kind === "label" ? (
          <Text key={row.key} color="magenta" wrap="truncate">
            {row.text}
          </Text>
        ) : (
          <Text key={row.key} wrap="truncate" inverse={row.cursor && focused}>
            <Text color="red" bold>
              {row.marker}
            </Text>
            <Text color={row.current ? "green" : undefined} bold={row.current}>
              {row.text}
            </Text>
          </Text>
        ),
      )}
    </Pane>
  );
}
