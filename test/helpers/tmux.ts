// A real terminal for end-to-end UI tests: a command run in a detached tmux session on a private
// server, driven with send-keys and read with capture-pane. The command runs without CI in its
// environment (Ink prints only the final frame when CI is set).
import { execFileSync } from "node:child_process";

let servers = 0;

/** One tmux server with one 160x50 window named "ui". */
export class TmuxScreen {
  // A server per screen: a new-session right after kill-server on the same socket can reach the
  // exiting server ("server exited unexpectedly").
  private readonly socket = `pcscope-e2e-${process.pid}-${++servers}`;

  /** Starts `command` (a shell command line) in the repository's root, with `env` added. */
  constructor(command: string, env: Record<string, string> = {}) {
    const full = { ...process.env, ...env };
    delete full.CI;
    execFileSync(
      "tmux",
      ["-L", this.socket, "new-session", "-d", "-s", "ui", "-x", "160", "-y", "50", command],
      {
        env: full,
        cwd: process.cwd(),
      },
    );
  }

  /** Runs a tmux command on this server; returns its output. */
  tmux(...args: string[]): string {
    return execFileSync("tmux", ["-L", this.socket, ...args], { encoding: "utf8" });
  }

  /** The window's text now. */
  screen(): string {
    return this.tmux("capture-pane", "-p", "-t", "ui");
  }

  /** Types `keys` (tmux key names: "Enter", "C-c"...). */
  keys(...keys: string[]): void {
    this.tmux("send-keys", "-t", "ui", ...keys);
  }

  /** Polls the screen until `pattern` shows; fails with the last screen after `ms`. */
  async waitFor(pattern: RegExp | string, ms = 20_000): Promise<string> {
    const end = Date.now() + ms;
    let last = "";
    while (Date.now() < end) {
      last = this.screen();
      if (typeof pattern === "string" ? last.includes(pattern) : pattern.test(last)) return last;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`screen never showed ${pattern}:\n${last}`);
  }

  /** True while the window shows the alternate screen (a full-screen program holds it). */
  alternateScreen(): boolean {
    return this.tmux("display", "-p", "-t", "ui", "#{alternate_on}").trim() === "1";
  }

  /** Ends the server and what runs in it (already gone is fine). */
  kill(): void {
    try {
      this.tmux("kill-server");
    } catch {
      // already gone
    }
  }
}
