// Stack words from the stack pointer up, with `<sym+off>` for values inside symbols.
import { Text } from "ink";
import { formatLinear } from "../logic/code-rows.ts";
import type { StackSlot } from "../logic/stack-view.ts";
import { Pane } from "./Pane.tsx";

export interface StackPaneProps {
  slots: readonly StackSlot[];
  wordDigits: number;
  width: number;
  height: number;
  focused: boolean;
}

export function StackPane({ slots, wordDigits, width, height, focused }: StackPaneProps) {
  return (
    <Pane title="Stack" width={width} height={height} focused={focused}>
      {slots.length === 0 ? <Text color="gray">cannot read the stack</Text> : null}
      {slots.slice(0, height - 2).map((s) => (
        <Text key={s.offset} wrap="truncate">
          <Text color="gray">
            {formatLinear(s.addr)} +{s.offset.toString(16).padStart(2, "0")}{" "}
          </Text>
          {s.value.toString(16).padStart(wordDigits, "0")} <Text color="magenta">{s.symbol}</Text>
        </Text>
      ))}
    </Pane>
  );
}
