// The terminal around the UI: the alternate screen on start, and a restore (main screen, cursor
// shown, raw mode off) that runs exactly once on quit, crash, Ctrl-C or a signal.

// xterm control sequences.
export const ALT_SCREEN_ON = "\x1b[?1049h\x1b[H\x1b[2J";
export const ALT_SCREEN_OFF = "\x1b[?1049l";
export const CURSOR_HIDE = "\x1b[?25l";
export const CURSOR_SHOW = "\x1b[?25h";

/** The streams the UI runs on. */
export interface TerminalStreams {
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

/** True when both ends are terminals (Ink's useInput needs a TTY stdin). */
export function isInteractive(io: TerminalStreams): boolean {
  return io.stdin.isTTY === true && io.stdout.isTTY === true;
}

/**
 * Enters the alternate screen and installs restore hooks; returns the restore function (idempotent).
 * Guarantees: after restore the main screen and cursor are back and raw mode is off.
 */
export function enterAltScreen(io: TerminalStreams): () => void {
  let restored = false;
  const signals: NodeJS.Signals[] = ["SIGTERM", "SIGHUP", "SIGINT"];
  const onSignal = (signal: NodeJS.Signals) => {
    restore();
    process.kill(process.pid, signal);
  };
  const onExit = () => restore();
  function restore(): void {
    if (restored) return;
    restored = true;
    try {
      if (io.stdin.isTTY && io.stdin.isRaw) io.stdin.setRawMode(false);
    } catch {
      // stdin already closed: nothing to restore there.
    }
    io.stdout.write(CURSOR_SHOW + ALT_SCREEN_OFF);
    process.off("exit", onExit);
    for (const s of signals) process.off(s, onSignal);
  }
  io.stdout.write(ALT_SCREEN_ON + CURSOR_HIDE);
  process.on("exit", onExit);
  for (const s of signals) process.once(s, onSignal);
  return restore;
}
