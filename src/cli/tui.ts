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
  symbols: Array<{ path: string; bias: bigint }>;
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

/** Parses `FILE` or `FILE@0xBIAS`. */
function parseSymbolArg(text: string): { path: string; bias: bigint } {
  const at = text.lastIndexOf("@");
  if (at > 0 && /^@(0x[0-9a-f]+|[0-9]+)$/i.test(text.slice(at)))
    return { path: text.slice(0, at), bias: BigInt(text.slice(at + 1)) };
  return { path: text, bias: 0n };
}

/**
 * Runs the command. The machine worker is started before the UI's modules (React, Ink, the
 * disassembler) load, so the two start-ups overlap and the first frame comes sooner.
 */
async function run(args: string[]): Promise<number> {
  const opts = parseTuiArgs(args);
  const io = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr };
  const { isInteractive } = await import("../tui/terminal.ts");
  if (!isInteractive(io)) {
    const { NO_TTY_MESSAGE }: UiModule = await import(UI_MODULE);
    throw new UserError(NO_TTY_MESSAGE.replace(/^pcscope: /, ""));
  }
  const { LocalSession, LocalStartError } = await import("../tui/session/local-session.ts");
  const starting = LocalSession.start({ options: opts.run, gdb: opts.gdb });
  starting.catch(() => {}); // awaited below, after the UI has loaded
  const ui: UiModule = await import(UI_MODULE);
  const { firmwareSymbols } = await import("../tui/local/firmware-symbols.ts");
  const { loadSymbols } = await import("./symbol-files.ts");
  let firmware: string;
  try {
    firmware = firmwareFor(opts.run);
  } catch (err) {
    throw asUserError(err);
  }
  const listing = firmwareSymbols(firmware);
  const files = listing === null ? opts.symbols : [{ path: listing, bias: 0n }, ...opts.symbols];
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
  return ui.runTui(dbg, io);
}

export const tuiCommand: CliCommand = {
  name: "tui",
  usage: USAGE,
  run,
};
