// The top line: target, run state, why it stopped, CPU mode, the history timeline, the last message.
import { Text } from "ink";
import type { Snapshot } from "../debugger.ts";

const STATE_COLOR = {
  stopped: "green",
  running: "yellow",
  busy: "yellow",
  exited: "red",
  disconnected: "red",
} as const;

export function StatusBar({ snap }: { snap: Snapshot }) {
  const mode = snap.panes.registers?.modeText ?? "";
  const gdb = snap.gdbAddress ? ` | gdb: target remote ${snap.gdbAddress}` : "";
  return (
    <Text wrap="truncate">
      <Text bold>pcscope</Text> {snap.description} |{" "}
      <Text color={STATE_COLOR[snap.state]} bold>
        {snap.state}
      </Text>
      {snap.stopText ? ` (${snap.stopText})` : ""} | {mode}
      {snap.timeline ? ` | ${snap.timeline}` : ""}
      {gdb} | ? help{snap.message ? " | " : ""}
      <Text color="yellow">{snap.message}</Text>
    </Text>
  );
}
