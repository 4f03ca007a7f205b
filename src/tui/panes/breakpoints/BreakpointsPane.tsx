// Breakpoints and watchpoints: number, type, enabled, address, what was typed, hit count.
import { memo, useMemo } from "react";
import { plainLine } from "../../logic/ansi.ts";
import type { Breakpoint } from "../../logic/breakpoints.ts";
import { Pane } from "../Pane.tsx";

export interface BreakpointsPaneProps {
  breakpoints: readonly Breakpoint[];
  cursor: number;
  width: number;
  height: number;
  focused: boolean;
}

/** One line per breakpoint. */
export function breakpointLine(b: Breakpoint): string {
  const where = b.type === "iowatch" ? `port ${b.location}` : `0x${b.addr.toString(16)} ${b.location}`;
  return `${String(b.id).padStart(2)} ${b.type.padEnd(7)} ${b.enabled ? "y" : "n"} ${where} hits ${b.hits}`;
}

export const BreakpointsPane = memo(function BreakpointsPane({
  breakpoints,
  cursor,
  width,
  height,
  focused,
}: BreakpointsPaneProps) {
  const lines = useMemo(() => {
    const inner = width - 2;
    if (breakpoints.length === 0)
      return [plainLine("none (b at the cursor, :break LOC)", inner, { color: "gray" })];
    const visible = Math.max(0, height - 2);
    const start = Math.max(0, Math.min(cursor - visible + 1, breakpoints.length - visible));
    return breakpoints.slice(start, start + visible).map((b, i) =>
      plainLine(breakpointLine(b), inner, {
        inverse: focused && start + i === cursor,
        color: b.enabled ? undefined : "gray",
      }),
    );
  }, [breakpoints, cursor, width, height, focused]);
  return <Pane title="Breakpoints" width={width} height={height} focused={focused} lines={lines} />;
});
