// FPU/SSE: R7..R0 as gdb's `info float` lists them (=> marks TOP; tag, ST(i), hex, value), the
// status, control and tag words with FIP/FDP/FOP, MXCSR, and xmm0-7 in the chosen format. Values
// changed since the last stop are yellow; empty registers gray.
import { memo, useMemo } from "react";
import { plainLine, type Segment, styledLine } from "../../logic/ansi.ts";
import { Pane } from "../Pane.tsx";
import type { FpuPaneView, XmmFormat } from "./fpu-pane.ts";
import type { DecodedWord, FpuView, XmmRow } from "./fpu-view.ts";

const CHANGED = { color: "yellow", bold: true } as const;
const GRAY = { color: "gray" } as const;
const LABEL = { color: "cyan" } as const;

/** `[ IM DM ]`. */
function bits(word: DecodedWord): string {
  return `[ ${word.set.join(" ")}${word.set.length > 0 ? " " : ""}]`;
}

/** One XMM register in `format`. */
function xmmText(row: XmmRow, format: XmmFormat): string {
  if (format === "hex") return row.hex;
  return `{${(format === "float" ? row.floats : row.doubles).join(", ")}}`;
}

/** The pane's body lines, all of them (the pane shows those from its scroll offset). */
export function fpuLines(fpu: FpuView | null, format: XmmFormat, width: number): string[] {
  if (fpu === null) return [plainLine("no registers yet", width, GRAY)];
  const lines: string[] = [];
  if (!fpu.x87) lines.push(plainLine("the stub describes no x87 registers", width, GRAY));
  else {
    for (const r of fpu.stack) {
      const style = r.changed ? CHANGED : r.tag === "Empty" ? GRAY : undefined;
      const segments: Segment[] = [
        [`${r.top ? "=>" : "  "}R${r.physical}: `, r.top ? LABEL : undefined],
        [r.tag.padEnd(8), style],
        [`st${r.st} `, GRAY],
        [`0x${r.hex}`, style],
      ];
      if (r.value !== "") segments.push([` ${r.value}`, style]);
      lines.push(styledLine(segments, width));
    }
    lines.push(
      styledLine(
        [
          ["Status  ", LABEL],
          [`0x${fpu.status.value.toString(16).padStart(4, "0")}  TOP ${fpu.top}  ${bits(fpu.status)}`],
        ],
        width,
      ),
      styledLine(
        [
          ["Control ", LABEL],
          [
            `0x${fpu.control.value.toString(16).padStart(4, "0")}  ${bits(fpu.control)}  ${fpu.precision}  ${fpu.rounding}`,
          ],
        ],
        width,
      ),
      styledLine(
        [
          ["Tag ", LABEL],
          [`0x${fpu.tagWord.toString(16).padStart(4, "0")}  `],
          ["FIP ", LABEL],
          [`${fpu.instructionPointer}  `],
          ["FDP ", LABEL],
          [`${fpu.operandPointer}  `],
          ["FOP ", LABEL],
          [fpu.opcode],
        ],
        width,
      ),
    );
  }
  if (fpu.mxcsr !== null)
    lines.push(
      styledLine(
        [
          ["MXCSR   ", LABEL],
          [`0x${fpu.mxcsr.value.toString(16).padStart(4, "0")}  ${bits(fpu.mxcsr)}  ${fpu.mxcsr.rounding}`],
        ],
        width,
      ),
    );
  for (const row of fpu.xmm)
    lines.push(
      styledLine(
        [
          [`${row.name.padEnd(6)}`, LABEL],
          [xmmText(row, format), row.changed ? CHANGED : undefined],
        ],
        width,
      ),
    );
  return lines;
}

export interface FpuPaneProps {
  view: FpuPaneView;
  width: number;
  height: number;
  focused: boolean;
}

const FORMAT_TITLE: Readonly<Record<XmmFormat, string>> = {
  hex: "xmm as hex",
  float: "xmm as 4 x float",
  double: "xmm as 2 x double",
};

export const FpuPane = memo(function FpuPane({ view, width, height, focused }: FpuPaneProps) {
  const lines = useMemo(() => fpuLines(view.fpu, view.format, width - 2).slice(view.scroll), [view, width]);
  return (
    <Pane
      title={`FPU/SSE (${FORMAT_TITLE[view.format]}; Enter: format, x: close)`}
      width={width}
      height={height}
      focused={focused}
      lines={lines}
    />
  );
});
