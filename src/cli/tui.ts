// `pcscope tui [run options] [--symbols FILE[@BIAS]...]`: the terminal debugger on pcscope's own
// machine, paused at the reset vector with the firmware's nm listing loaded. The machine is chosen
// by `pcscope run`'s options (run-options.ts parses them; src/emu/machine/run-config.ts completes
// them with the defaults) and runs in a worker thread; a `gdb` can attach alongside on the public
// stub (127.0.0.1:1234 unless --gdb/-s say otherwise).
import { firmwareFor, type RunOptions } from "../emu/machine/run-config.ts";
import type { LocalSession } from "../tui/index.ts";
import type { WorkerInit } from "../tui/local/protocol.ts";
import { checkTuiOptions } from "../tui/local/tui-options.ts";
import type { CliCommand } from "./command.ts";
import { UserError } from "./errors.ts";
import { asUserError, parseRunArgs } from "./run-options.ts";
import { parseSymbolArg, type SymbolFile } from "./symbol-files.ts";

/** The public gdb stub's address when none is given (QEMU's -s). */
export const DEFAULT_GDB = { host: "127.0.0.1", port: 1234 };

/** The UI's modules: from source, ui-main.ts; compiled, its bundle with React and Ink (scripts/bundle.mjs). */
type UiModule = typeof import("../tui/ui-main.ts");
const UI_MODULE = import.meta.url.endsWith(".js") ? "../tui/ui.bundle.js" : "../tui/ui-main.ts";

const USAGE = `usage: pcscope tui [run options] [--symbols FILE[@BIAS]...]

The terminal debugger on pcscope's machine, paused at the reset vector. The machine and firmware
are chosen as by 'pcscope run' (see 'pcscope run --help'; with no options: the PC, the embedded
BIOS and the demo disk); the firmware's nm listing is loaded when one is found (symbols/NAME.nm or
symbols/pcscope-NAME.nm for the images under firmware/, else IMAGE.nm beside the image).

  --symbols FILE[@BIAS]  more nm listings (BSD, POSIX, SysV; gzip ok), with an optional load bias
  --gdb tcp:HOST:PORT    where a gdb can attach alongside (default tcp:127.0.0.1:1234, or a free
                         port when that one is busy); -s is the default
  --debugcon, --trace, --log   as for run; output goes to files only (--trace-file), the
                         firmware log pane shows the debug console
  -h, --help             this text

gdb alongside: gdb -ex 'target remote 127.0.0.1:1234' (the stub describes the CPU as i8086 while it
is in real mode). One debugger runs the guest at a time; breakpoints of both apply; the UI follows
gdb's steps and runs, and its p stops a run gdb started. gdb's detach resumes the guest; disconnect
leaves it stopped.
Keys: s n i f c p b g / : Tab q, and ? for help. Needs a terminal (exit 2 without one).`;

/** What `tui` was asked to do. */
export interface TuiOptions {
  run: RunOptions;
  symbols: SymbolFile[];
  gdb: NonNullable<WorkerInit["gdb"]>;
}

/** Splits `--symbols` off and parses the rest as run options. Throws UserError. */
export function parseTuiArgs(args: readonly string[]): TuiOptions {
  const rest: string[] = [];
  const symbols: TuiOptions["symbols"] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    let value: string | undefined;
    if (arg === "--symbols") {
      value = args[++i];
      if (value === undefined) throw new UserError("--symbols needs a file");
    } else if (arg.startsWith("--symbols=")) value = arg.slice("--symbols=".length);
    if (value === undefined) rest.push(arg);
    else symbols.push(parseSymbolArg(value));
  }
  const run = parseRunArgs(rest);
  try {
    checkTuiOptions(run);
  } catch (err) {
    throw asUserError(err);
  }
  const gdb = run.gdb === null ? { ...DEFAULT_GDB, fallback: true } : { ...run.gdb, fallback: false };
  return { run, symbols, gdb };
}

/** Throws UserError unless stdin and stdout are a terminal (the UI needs one). */
export async function requireTerminal(): Promise<void> {
  const { isInteractive } = await import("../tui/terminal.ts");
  if (isInteractive({ stdin: process.stdin, stdout: process.stdout, stderr: process.stderr })) return;
  const { NO_TTY_MESSAGE }: UiModule = await import(UI_MODULE);
  throw new UserError(NO_TTY_MESSAGE.replace(/^pcscope: /, ""));
}

/** What the UI opens on: `pcscope tui`'s options, and where `pcscope diff --tui` wants it to stand. */
export interface UiLaunch extends TuiOptions {
  /** Instructions stepped as pcscope diff steps before the UI shows the machine (WorkerInit.advance). */
  advance?: number;
  /** Progress of `advance`. */
  onAdvance?: (done: number, total: number) => void;
  /** Lines for the UI's console after its start-up lines. */
  notes?: readonly string[];
}

/**
 * Opens the UI (needs a terminal: requireTerminal) and returns its exit status when the user quits.
 * The machine worker is started before the UI's modules (React, Ink, the disassembler) load, so the
 * two start-ups overlap and the first frame comes sooner. Throws UserError for bad options or files.
 */
export async function openUi(launch: UiLaunch): Promise<number> {
  const io = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr };
  const { LocalSession, LocalStartError } = await import("../tui/session/local-session.ts");
  const starting = LocalSession.start(
    { options: launch.run, gdb: launch.gdb, advance: launch.advance ?? 0 },
    launch.onAdvance,
  );
  starting.catch(() => {}); // awaited below, after the UI has loaded
  const ui: UiModule = await import(UI_MODULE);
  const { firmwareSymbols } = await import("../tui/local/firmware-symbols.ts");
  const { loadSymbols } = await import("./symbol-files.ts");
  let firmware: string;
  try {
    firmware = firmwareFor(launch.run);
  } catch (err) {
    throw asUserError(err);
  }
  const listing = firmwareSymbols(firmware);
  const files = listing === null ? launch.symbols : [{ path: listing, bias: 0n }, ...launch.symbols];
  const symbols = loadSymbols(files, (line) => process.stderr.write(`${line}\n`));

  let session: LocalSession;
  try {
    session = await starting;
  } catch (err) {
    if (err instanceof LocalStartError) throw new UserError(err.message);
    throw err;
  }
  const dbg = new ui.Debugger(session, { symbols, cols: process.stdout.columns, rows: process.stdout.rows });
  try {
    await dbg.refresh();
  } catch (err) {
    await session.close();
    throw new UserError(`cannot read the machine's registers: ${(err as Error).message}`);
  }
  dbg.print(
    `firmware ${session.firmware}; symbols: ${files.length > 0 ? files.map((f) => f.path).join(", ") : "none"}`,
  );
  if (session.gdbAddress !== null) dbg.print(`gdb alongside: gdb -ex 'target remote ${session.gdbAddress}'`);
  for (const note of launch.notes ?? []) dbg.print(note);
  return ui.runTui(dbg, io);
}

/** Runs the command. */
async function run(args: string[]): Promise<number> {
  const opts = parseTuiArgs(args);
  await requireTerminal();
  return openUi(opts);
}

export const tuiCommand: CliCommand = {
  name: "tui",
  usage: USAGE,
  run,
};
