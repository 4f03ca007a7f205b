// Disassembly around the PC (or where `g` went): labels, `=>` current line, breakpoint markers.
import { memo } from "react";
import { plainLine, styledLine } from "../../logic/ansi.ts";
import type { Breakpoint } from "../../logic/breakpoints.ts";
import { codeRows } from "../../logic/code-rows.ts";
import type { DisasmLine } from "../../logic/disasm.ts";
import { Pane } from "../Pane.tsx";

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

/** The pane's body lines. */
export function codeLines(p: CodePaneProps): string[] {
  const inner = p.width - 2;
  const rows = codeRows(p.lines, p.pc, p.cursor, p.breakpoints, p.height - 2, p.bitness === 16);
  if (rows.length === 0) return [plainLine("no code", inner, { color: "gray" })];
  return rows.map((row) =>
    row.kind === "label"
      ? plainLine(row.text, inner, { color: "magenta" })
      : styledLine(
          [
            [row.marker, { color: "red", bold: true, inverse: row.cursor && p.focused }],
            [
              row.text,
              row.current
                ? { color: "green", bold: true, inverse: row.cursor && p.focused }
                : row.cursor && p.focused
                  ? { inverse: true }
                  : undefined,
            ],
          ],
          inner,
        ),
  );
}

export const CodePane = memo(function CodePane(props: CodePaneProps) {
  const lines = codeLines(props);
  return (
    <Pane
      title={`Code (${props.bitness}-bit)`}
      width={props.width}
      height={props.height}
      focused={props.focused}
      lines={lines}
    />
  );
});
