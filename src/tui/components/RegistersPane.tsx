// Registers: where the CPU is (CS:IP = linear, mode, CR0 decoded), general registers, EIP/EFLAGS,
// selectors, CR2-CR4, segment bases and limits. Values changed since the last stop are yellow.
import { Box, Text } from "ink";
import type { RegCell, RegisterView } from "../logic/register-view.ts";
import { Pane } from "./Pane.tsx";

/** `name value` cells on one line; `extra` is appended. */
function Cells({ cells, extra }: { cells: readonly RegCell[]; extra?: string }) {
  return (
    <Text wrap="truncate">
      {cells.map((c, i) => (
        <Text key={c.name}>
          <Text color="gray">{`${i > 0 ? "  " : ""}${c.name} `}</Text>
          <Text color={c.changed ? "yellow" : undefined} bold={c.changed}>
            {c.value}
          </Text>
        </Text>
      ))}
      {extra ? ` ${extra}` : ""}
    </Text>
  );
}

export interface RegistersPaneProps {
  view: RegisterView | null;
  width: number;
  height: number;
  focused: boolean;
}

export function RegistersPane({ view, width, height, focused }: RegistersPaneProps) {
  return (
    <Pane title="Registers" width={width} height={height} focused={focused}>
      {view === null ? (
        <Text color="gray">no registers yet</Text>
      ) : (
        <Box flexDirection="column">
          <Text color="green" wrap="truncate">
            {view.location}
          </Text>
          <Cells cells={view.controlRow.slice(0, 1)} extra={`${view.cr0Bits} ${view.modeText}`} />
          {view.rows.map((row) => (
            <Cells key={row[0]!.name} cells={row} />
          ))}
          <Cells cells={view.pcRow} extra={view.flags} />
          <Cells cells={view.segRow} />
          <Cells cells={view.controlRow.slice(1)} />
          {view.segmentDetails.map((line) => (
            <Text key={line} color="gray" wrap="truncate">
              {line}
            </Text>
          ))}
        </Box>
      )}
    </Pane>
  );
}
