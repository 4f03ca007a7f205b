// `pcscope` command line: dispatches to the subcommands in src/cli/. A UserError becomes one line on
// stderr and exit status 2; anything else is a bug and keeps its stack.
import { readFileSync } from "node:fs";
import type { CliCommand } from "./cli/command.ts";
import { UserError } from "./cli/errors.ts";
import { EXIT_OUTPUT_ERROR, outputFailure, watchStdStreams } from "./cli/output.ts";

/** A subcommand: its line in `pcscope help`, and its module, loaded only when the command runs. */
interface CommandEntry {
  readonly summary: string;
  readonly load: () => Promise<CliCommand>;
}

/** The subcommands; each module is imported lazily so a command loads only what it uses. */
const COMMANDS: Record<string, CommandEntry> = {
  run: {
    summary: "run the machine headless (no options: the PC, the embedded BIOS and the demo disk)",
    load: async () => (await import("./cli/run.ts")).runCommand,
  },
  tui: {
    summary: "debug pcscope's machine in the terminal UI (paused at reset; gdb can attach alongside)",
    load: async () => (await import("./cli/tui.ts")).tuiCommand,
  },
  attach: {
    summary: "debug any gdb stub (QEMU -gdb, pcscope run --gdb) in the terminal UI",
    load: async () => (await import("./cli/attach.ts")).attachCommand,
  },
  diff: {
    summary: "step pcscope beside QEMU (or other options) and report the first differing instruction",
    load: async () => (await import("./cli/diff.ts")).diffCommand,
  },
  img: {
    summary: "create, inspect, check and map disk images (qcow2, raw) like qemu-img",
    load: async () => (await import("./cli/img.ts")).imgCommand,
  },
  syms: {
    summary: "resolve addresses and names with nm listings (--addr, --name, --search)",
    load: async () => (await import("./cli/syms.ts")).symsCommand,
  },
  guest: {
    summary: "build a Linux guest (kernel, initramfs) from Debian's packages",
    load: async () => (await import("./cli/guest.ts")).guestCommand,
  },
};

/** The arguments that ask for help wherever they stand (an option's value spelled so: `--append=-h`). */
const HELP_FLAGS = new Set(["--help", "-h"]);
const VERSION_FLAGS = new Set(["--version", "-V"]);

/** The overview `pcscope help` prints. */
function overview(): string {
  const lines = [
    "usage: pcscope [COMMAND] [options]",
    "",
    "With no command: 'pcscope tui' on a terminal, else 'pcscope run' (the PC, pcscope's",
    "embedded BIOS and the demo disk in either case).",
    "",
    "commands:",
  ];
  for (const [name, { summary }] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(8)} ${summary}`);
  lines.push(
    "",
    "pcscope help COMMAND (or pcscope COMMAND --help) shows a command's options;",
    "pcscope --version prints the version.",
  );
  return lines.join("\n");
}

/** The version in package.json (src/ and dist/ both sit one level below it). */
function version(): string {
  const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
    version: string;
  };
  return pkg.version;
}

/** The command named `name`; a UserError when there is none. */
function commandNamed(name: string): CommandEntry {
  const entry = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (entry === undefined) throw new UserError(`unknown command '${name}' (try 'pcscope help')`);
  return entry;
}

/** Runs `pcscope ARGS...`; resolves to the exit status. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  watchStdStreams();
  try {
    if (name === undefined) {
      const ui = process.stdout.isTTY && process.stdin.isTTY; // the debugger UI on a terminal, else headless
      return await (await commandNamed(ui ? "tui" : "run").load()).run([]);
    }
    if (VERSION_FLAGS.has(name)) {
      process.stdout.write(`pcscope ${version()}\n`);
      return 0;
    }
    if (name === "help" || HELP_FLAGS.has(name)) {
      const text = rest[0] === undefined ? overview() : (await commandNamed(rest[0]).load()).usage;
      process.stdout.write(`${text}\n`);
      return 0;
    }
    const command = await commandNamed(name).load();
    if (rest.some((arg) => HELP_FLAGS.has(arg))) {
      process.stdout.write(`${command.usage}\n`);
      return 0;
    }
    const status = await command.run(rest);
    return outputFailure() !== null ? EXIT_OUTPUT_ERROR : status;
  } catch (err) {
    if (err instanceof UserError) {
      process.stderr.write(`pcscope: ${err.message}\n`);
      return err.status;
    }
    throw err;
  }
}
