// The firmware log (debug console output) of a pcscope target.
import { memo, useMemo } from "react";
import { plainLine } from "../../logic/ansi.ts";
import { notAvailable, Pane } from "../Pane.tsx";

interface Sized {
  width: number;
  height: number;
  focused: boolean;
}

export const LogPane = memo(function LogPane({
  log,
  width,
  height,
  focused,
}: Sized & { log: readonly string[] | null }) {
  const lines = useMemo(
    () => (log === null ? [notAvailable(width)] : log.map((l) => plainLine(l, width - 2))),
    [log, width],
  );
  return <Pane title="Firmware log" width={width} height={height} focused={focused} lines={lines} />;
});
