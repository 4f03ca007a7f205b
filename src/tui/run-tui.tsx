// Runs the Ink UI on a terminal until the user quits: alternate screen, ~30 frames a second, each
// frame written as one synchronized update (DEC 2026, so terminals that support it never show a
// half-drawn frame), Ctrl-C handled as "pause" by the key map, terminal restored however it ends.
// Ink 6.8's incrementalRendering is not used: it redraws every frame one row lower than the last
// (its cursorUp after a frame ending in a newline is one short), corrupting the screen.
import { render } from "ink";
import { App } from "./components/App.tsx";
import type { Debugger } from "./debugger.ts";
import { enterAltScreen, isInteractive, type TerminalStreams } from "./terminal.ts";

/** Frame cap: Ink renders at most this many frames a second. */
export const MAX_FPS = 30;

/** The message printed when there is no terminal. */
export const NO_TTY_MESSAGE = "pcscope: the debugger UI needs a terminal (stdin and stdout must be a TTY)";

/**
 * Shows the UI for `dbg` (already connected and refreshed) until quit. Resolves to the exit status:
 * 0 on quit, 2 without a TTY (nothing drawn), 1 when the UI crashed (the error is printed after the
 * terminal is restored).
 */
export async function runTui(dbg: Debugger, io: TerminalStreams): Promise<number> {
  if (!isInteractive(io)) {
    io.stderr.write(`${NO_TTY_MESSAGE}\n`);
    return 2;
  }
  const restore = enterAltScreen(io);
  try {
    const instance = render(<App dbg={dbg} />, {
      stdin: io.stdin,
      stdout: io.stdout,
      stderr: io.stderr,
      exitOnCtrlC: false,
      patchConsole: true,
      maxFps: MAX_FPS,
    });
    await instance.waitUntilExit();
    restore();
    return 0;
  } catch (err) {
    restore();
    await dbg.close().catch(() => {});
    io.stderr.write(`pcscope: the UI crashed: ${(err as Error).stack ?? err}\n`);
    return 1;
  }
}
