// The I/O port log of a pcscope target (a foreign stub has no trace feed: the pane says so).
import { memo, useMemo } from "react";
import { plainLine } from "../../logic/ansi.ts";
import { notAvailable, Pane } from "../Pane.tsx";
import type { IoView } from "./io-pane.ts";

interface Sized {
  width: number;
  height: number;
  focused: boolean;
}

export const IoLogPane = memo(function IoLogPane({
  io,
  width,
  height,
  focused,
}: Sized & { io: IoView | null }) {
  const lines = useMemo(
    () => (io === null ? [notAvailable(width)] : io.lines.map((l) => plainLine(l, width - 2))),
    [io, width],
  );
  return (
    <Pane
      title={io ? `I/O ports [${io.filter}] ${io.total}` : "I/O ports"}
      width={width}
      height={height}
      focused={focused}
      lines={lines}
    />
  );
});
