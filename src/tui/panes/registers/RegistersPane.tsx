// Registers: where the CPU is (CS:IP = linear, mode, CR0 decoded), general registers, EIP/EFLAGS,
// selectors, CR2-CR4, segment bases and limits. Values changed since the last stop are yellow.
import { memo, useMemo } from "react";
import { plainLine, type Segment, styledLine } from "../../logic/ansi.ts";
import { Pane } from "../Pane.tsx";
import type { RegCell, RegisterView } from "./register-view.ts";

const CHANGED = { color: "yellow", bold: true } as const;
const GRAY = { color: "gray" } as const;

/** `name value` cells on one line; `extra` is appended. */
function cellsLine(cells: readonly RegCell[], width: number, extra = ""): string {
  const segments: Segment[] = [];
  cells.forEach((c, i) => {
    segments.push([`${i > 0 ? "  " : ""}${c.name} `, GRAY], [c.value, c.changed ? CHANGED : undefined]);
  });
  if (extra !== "") segments.push([` ${extra}`]);
  return styledLine(segments, width);
}

/** The pane's body lines. */
export function registerLines(view: RegisterView | null, width: number): string[] {
  if (view === null) return [plainLine("no registers yet", width, GRAY)];
  return [
    plainLine(view.location, width, { color: "green" }),
    cellsLine(view.controlRow.slice(0, 1), width, `${view.cr0Bits} ${view.modeText}`),
    ...view.rows.map((row) => cellsLine(row, width)),
    cellsLine(view.pcRow, width, view.flags),
    cellsLine(view.segRow, width),
    cellsLine(view.controlRow.slice(1), width),
    ...view.segmentDetails.map((line) => plainLine(line, width, GRAY)),
  ];
}

export interface RegistersPaneProps {
  view: RegisterView | null;
  width: number;
  height: number;
  focused: boolean;
}

export const RegistersPane = memo(function RegistersPane({
  view,
  width,
  height,
  focused,
}: RegistersPaneProps) {
  const lines = useMemo(() => registerLines(view, width - 2), [view, width]);
  return <Pane title="Registers" width={width} height={height} focused={focused} lines={lines} />;
});
