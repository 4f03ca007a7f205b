// Backtrace: `#n 0xADDR function+0xoff` per frame, innermost first, and why the walk ended.
import { memo, useMemo } from "react";
import { plainLine, styledLine } from "../../logic/ansi.ts";
import { formatFrame } from "../../logic/backtrace.ts";
import { Pane } from "../Pane.tsx";
import type { BacktraceView } from "./backtrace-pane.ts";

export interface BacktracePaneProps {
  view: BacktraceView;
  width: number;
  height: number;
  focused: boolean;
}

export const BacktracePane = memo(function BacktracePane({
  view,
  width,
  height,
  focused,
}: BacktracePaneProps) {
  const lines = useMemo(() => {
    const inner = width - 2;
    const bt = view.backtrace;
    if (bt === null) return [plainLine("no stop yet", inner, { color: "gray" })];
    const rows = [
      ...bt.frames.map((f, i) => {
        const address = formatFrame({ ...f, symbol: "" }, view.bitness);
        return styledLine(
          [
            [address, { inverse: focused && i === view.cursor }],
            [f.symbol === "" ? "" : ` ${f.symbol}`, { color: "magenta" }],
          ],
          inner,
        );
      }),
      plainLine(`(${bt.end})`, inner, { color: "gray" }),
    ];
    const visible = Math.max(0, height - 2);
    const start = Math.max(0, Math.min(view.cursor - visible + 1, rows.length - visible));
    return rows.slice(start, start + visible);
  }, [view, width, height, focused]);
  return <Pane title="Backtrace" width={width} height={height} focused={focused} lines={lines} />;
});
