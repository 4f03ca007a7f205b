// `pcscope` command line: dispatches to the subcommands in src/cli/. A UserError becomes one line on
// stderr and exit status 2; anything else is a bug and keeps its stack.
import type { CliCommand } from "./cli/command.ts";
import { UserError } from "./cli/errors.ts";
import { EXIT_OUTPUT_ERROR, outputFailure, watchStdStreams } from "./cli/output.ts";

/** Loaded lazily so `pcscope syms` does not pay for the emulator and the UI. */
const COMMANDS: Record<string, () => Promise<CliCommand>> = {};

/** Registers a subcommand loader (called by the table below). */
function register(name: string, load: () => Promise<CliCommand>): void {
  COMMANDS[name] = load;
}

register("run", async () => (await import("./cli/run.ts")).runCommand);
register("img", async () => (await import("./cli/img.ts")).imgCommand);
register("syms", async () => (await import("./cli/syms.ts")).symsCommand);
register("attach", async () => (await import("./cli/attach.ts")).attachCommand);
register("tui", async () => (await import("./cli/tui.ts")).tuiCommand);
register("guest", async () => (await import("./cli/guest.ts")).guestCommand);

/** Prints the list of subcommands. */
async function printHelp(): Promise<void> {
  const lines = ["usage: pcscope COMMAND [options]", "", "commands:"];
  for (const load of Object.values(COMMANDS)) {
    const command = await load();
    lines.push(`  ${command.name.padEnd(8)} ${command.summary}`);
  }
  lines.push("", "pcscope help COMMAND shows a command's options.");
  process.stdout.write(`${lines.join("\n")}\n`);
}

/** Runs `pcscope ARGS...`; resolves to the exit status. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  watchStdStreams();
  try {
    if (name === undefined) {
      const ui = process.stdout.isTTY && process.stdin.isTTY; // the debugger UI on a terminal, else headless
      return await (await COMMANDS[ui ? "tui" : "run"]!()).run([]);
    }
    if (name === "help" || name === "--help" || name === "-h") {
      const which = rest[0] !== undefined ? COMMANDS[rest[0]] : undefined;
      if (which) process.stdout.write(`${(await which()).usage}\n`);
      else await printHelp();
      return 0;
    }
    const load = COMMANDS[name];
    if (!load) throw new UserError(`unknown command '${name}' (try 'pcscope help')`);
    const status = await (await load()).run(rest);
    return outputFailure() !== null ? EXIT_OUTPUT_ERROR : status;
  } catch (err) {
    if (err instanceof UserError) {
      process.stderr.write(`pcscope: ${err.message}\n`);
      return err.status;
    }
    throw err;
  }
}
