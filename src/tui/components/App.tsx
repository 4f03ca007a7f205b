// The debugger screen, laying out the panes (src/tui/panes): status line, code + memory on the left,
// registers + stack + backtrace + breakpoints on the right (`x` puts the FPU/SSE pane across both), I/O
// log + block requests + firmware log below, console and prompt at the bottom.
import { Box, Text, useApp, useInput } from "ink";
import { useCallback, useRef } from "react";
import type { Debugger } from "../debugger.ts";
import { useSnapshot } from "../hooks/use-snapshot.ts";
import { useTerminalSize } from "../hooks/use-terminal-size.ts";
import { handleKey } from "../input.ts";
import { MIN_COLS, MIN_ROWS } from "../logic/layout.ts";
import { BacktracePane } from "../panes/backtrace/BacktracePane.tsx";
import { BlockPane } from "../panes/block/BlockPane.tsx";
import { BreakpointsPane } from "../panes/breakpoints/BreakpointsPane.tsx";
import { CodePane } from "../panes/code/CodePane.tsx";
import { FpuPane } from "../panes/fpu/FpuPane.tsx";
import { IoLogPane } from "../panes/io/IoLogPane.tsx";
import { LogPane } from "../panes/log/LogPane.tsx";
import { MemoryPane } from "../panes/memory/MemoryPane.tsx";
import { RegistersPane } from "../panes/registers/RegistersPane.tsx";
import { StackPane } from "../panes/stack/StackPane.tsx";
import { ConsoleBar } from "./ConsoleBar.tsx";
import { HelpOverlay } from "./HelpOverlay.tsx";
import { StatusBar } from "./StatusBar.tsx";

export interface AppProps {
  dbg: Debugger;
  /** Follow the terminal size (off in tests that fix the size). */
  trackSize?: boolean;
}

/** Tracks the terminal size when asked. */
function SizeTracker({ dbg }: { dbg: Debugger }) {
  useTerminalSize(dbg);
  return null;
}

export function App({ dbg, trackSize = true }: AppProps) {
  const snap = useSnapshot(dbg);
  const { exit } = useApp();
  const quitting = useRef(false);
  const quit = useCallback(() => {
    if (quitting.current) return;
    quitting.current = true;
    void dbg.close().finally(() => exit());
  }, [dbg, exit]);
  useInput((input, key) => {
    handleKey(dbg, input, key, quit).catch((err: Error) => dbg.say(err.message));
  });
  const L = snap.layout;
  const focus = snap.focus;
  const panes = snap.panes;
  const bitness = snap.ctx?.bitness ?? 32;
  const third = Math.floor(L.cols / 3);
  return (
    <Box flexDirection="column" width={L.cols} height={L.rows}>
      {trackSize ? <SizeTracker dbg={dbg} /> : null}
      <StatusBar snap={snap} />
      {L.tooSmall ? (
        <Text color="yellow">
          terminal too small: need at least {MIN_COLS}x{MIN_ROWS}
        </Text>
      ) : null}
      {snap.help ? (
        <HelpOverlay width={L.cols} height={L.rows - 4} />
      ) : (
        <>
          {snap.fpu ? (
            <FpuPane
              view={panes.fpu}
              width={L.cols}
              height={L.codeHeight + L.memoryHeight}
              focused={focus === "fpu"}
            />
          ) : null}
          <Box flexDirection="row" display={snap.fpu ? "none" : "flex"}>
            <Box flexDirection="column" width={L.leftWidth}>
              <CodePane
                lines={panes.code.lines}
                pc={snap.pc}
                cursor={panes.code.cursor}
                breakpoints={panes.breakpoints.list}
                bitness={bitness}
                width={L.leftWidth}
                height={L.codeHeight}
                focused={focus === "code"}
              />
              <MemoryPane
                expr={panes.memory.expr}
                rows={panes.memory.rows}
                width={L.leftWidth}
                height={L.memoryHeight}
                focused={focus === "memory"}
              />
            </Box>
            <Box flexDirection="column" width={L.rightWidth}>
              <RegistersPane
                view={panes.registers}
                width={L.rightWidth}
                height={L.registersHeight}
                focused={focus === "registers"}
              />
              <StackPane
                slots={panes.stack}
                wordDigits={bitness / 4}
                width={L.rightWidth}
                height={L.stackHeight}
                focused={focus === "stack"}
              />
              <BacktracePane
                view={panes.backtrace}
                width={L.rightWidth}
                height={L.backtraceHeight}
                focused={focus === "backtrace"}
              />
              <BreakpointsPane
                breakpoints={panes.breakpoints.list}
                cursor={panes.breakpoints.cursor}
                width={L.rightWidth}
                height={L.breakpointsHeight}
                focused={focus === "breakpoints"}
              />
            </Box>
          </Box>
          <Box flexDirection="row">
            <IoLogPane io={panes.io} width={third} height={L.bottomHeight} focused={focus === "io"} />
            <BlockPane
              block={panes.block}
              width={third}
              height={L.bottomHeight}
              focused={focus === "block"}
            />
            <LogPane
              log={panes.log}
              width={L.cols - 2 * third}
              height={L.bottomHeight}
              focused={focus === "log"}
            />
          </Box>
        </>
      )}
      <ConsoleBar lines={snap.console} prompt={snap.prompt} width={L.cols} />
    </Box>
  );
}
