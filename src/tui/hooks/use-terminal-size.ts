// Follows the terminal size: tells the debugger on every resize so the panes reflow.
import { useStdout } from "ink";
import { useEffect } from "react";
import type { Debugger } from "../debugger.ts";

/** Calls dbg.resize with the stdout size now and after each `resize` event. */
export function useTerminalSize(dbg: Debugger): void {
  const { stdout } = useStdout();
  useEffect(() => {
    const update = () => {
      void dbg.resize(stdout.columns || 80, stdout.rows || 24);
    };
    update();
    stdout.on("resize", update);
    return () => {
      stdout.off("resize", update);
    };
  }, [dbg, stdout]);
}
