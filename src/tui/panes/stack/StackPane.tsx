// Stack words from the stack pointer up, with `<sym+off>` for values inside symbols.
import { memo, useMemo } from "react";
import { plainLine, styledLine } from "../../logic/ansi.ts";
import { formatLinear } from "../../logic/code-rows.ts";
import { Pane } from "../Pane.tsx";
import type { StackSlot } from "./stack-view.ts";

export interface StackPaneProps {
  slots: readonly StackSlot[];
  wordDigits: number;
  width: number;
  height: number;
  focused: boolean;
}

export const StackPane = memo(function StackPane({
  slots,
  wordDigits,
  width,
  height,
  focused,
}: StackPaneProps) {
  const lines = useMemo(() => {
    const inner = width - 2;
    if (slots.length === 0) return [plainLine("cannot read the stack", inner, { color: "gray" })];
    return slots
      .slice(0, height - 2)
      .map((s) =>
        styledLine(
          [
            [`${formatLinear(s.addr)} +${s.offset.toString(16).padStart(2, "0")} `, { color: "gray" }],
            [`${s.value.toString(16).padStart(wordDigits, "0")} `],
            [s.symbol, { color: "magenta" }],
          ],
          inner,
        ),
      );
  }, [slots, wordDigits, width, height]);
  return <Pane title="Stack" width={width} height={height} focused={focused} lines={lines} />;
});
