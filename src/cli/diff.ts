// `pcscope diff --against qemu|'RUN OPTIONS' [--qemu PATH] [--symbols FILE[@BIAS]]... [run options]`:
// steps pcscope and a reference (QEMU TCG started with the equivalent options, or pcscope with other
// options) side by side from reset and prints the first instruction after which their state differs
// (src/diff holds the engine). Exit status 1 for a divergence, 0 when identical.

import { mkdtempSync, rmSync } from "node:fs";
import { constants, tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError } from "../emu/machine/config.ts";
import { resolveTopology } from "../emu/machine/cpu-topology.ts";
import type { DriveSpec, ResolvedRunConfig, RunOptions } from "../emu/machine/run-config.ts";
import { FdWriter, type OutputWriteError } from "../shared/fd-writer.ts";
import { checkTuiOptions } from "../tui/local/tui-options.ts";
import type { CliCommand } from "./command.ts";
import { UserError } from "./errors.ts";
import { EXIT_OUTPUT_ERROR, noteOutputError, outputFailure } from "./output.ts";
import { EXIT_INTERRUPTED } from "./run.ts";
import { asUserError, parseRunArgs } from "./run-options.ts";
import { loadSymbols, parseSymbolArg, type SymbolFile } from "./symbol-files.ts";
import { DEFAULT_GDB, openUi, requireTerminal } from "./tui.ts";

/** Instructions compared when --max-insns is not given (half a minute to a minute against QEMU here). */
export const DEFAULT_DIFF_INSNS = 100_000;
/** Exit status for a divergence (0: identical; 2: bad input). */
export const EXIT_DIVERGED = 1;
const DEFAULT_QEMU = "qemu-system-i386";
/** Signals that end a diff between two steps (exit status 128 + the signal's number). */
const STOP_SIGNALS: readonly NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];

const USAGE = `usage: pcscope diff --against qemu|'RUN OPTIONS' [--tui] [--qemu PATH] [--symbols FILE[@BIAS]]... [run options]

Steps pcscope and a reference machine side by side from reset, one instruction at a time with
interrupts held pending (as QEMU's gdb stub single-steps), and after every instruction compares
the registers and the memory the instruction wrote. Prints the first instruction after which they
differ: its number, CS:EIP and linear address, its disassembly with symbols, each differing
register and the written bytes with both values.

  --against qemu          the reference is QEMU TCG (qemu-system-i386), started paused with the
                          equivalent options (-M pc, -m, -cpu, -bios, isa-debugcon, isa-debug-exit,
                          -drive, -kernel...; its consoles write nowhere) and driven over its gdb stub
  --against 'OPTIONS'     the reference is pcscope with the run options followed by OPTIONS (a
                          later option overrides an earlier one), e.g. --against '--cpu pentium'
  --tui                   after a divergence, open the debugger UI on pcscope's machine standing
                          just after the diverging instruction (reached by stepping as the diff
                          did, history recording): I or rsi steps back over it, C or rc runs back
                          to an earlier breakpoint; the exit status stays ${EXIT_DIVERGED} when the UI closes
  --qemu PATH             the QEMU binary (default ${DEFAULT_QEMU}, found in PATH)
  --symbols FILE[@BIAS]   nm listings for the disassembly (repeatable; the firmware's own listing
                          is loaded when one is found, as pcscope tui does)
  --max-insns N           compare at most N instructions (default ${DEFAULT_DIFF_INSNS}; K/M/G = 10^3/6/9)
  run options             as pcscope run takes them (see pcscope help run); one vCPU, no gdb server

Both sides run on temporary copies of writable disk images; pcscope's consoles print as under
pcscope run, the reference's are discarded. Not compared: the x87 tag word and last-instruction
pointers, which QEMU's stub does not report. Against QEMU's stub a diff steps a few thousand
instructions a second; pcscope's bare machine is compared with QEMU's -M pc.

Exit status: 0 identical (up to --max-insns, or until both runs ended alike), ${EXIT_DIVERGED} a divergence,
2 bad usage (QEMU missing or refusing the options included), ${EXIT_INTERRUPTED} Ctrl-C (128 + N for
signal N: SIGTERM, SIGHUP).`;

/** What `diff` was asked to do. */
interface DiffCommandOptions {
  run: RunOptions;
  /** The reference: "qemu", or pcscope's run options and how they were written. */
  against: { kind: "qemu" } | { kind: "pcscope"; run: RunOptions; text: string };
  qemu: string;
  symbols: SymbolFile[];
  maxInsns: number;
  /** Open the UI at a divergence. */
  tui: boolean;
}

/**
 * Splits an option string as a shell would for simple cases: words separated by blanks, with
 * '...' and "..." quoting (no escapes, no expansion). Throws UserError for an unclosed quote.
 */
export function splitWords(text: string): string[] {
  const words: string[] = [];
  let word: string | null = null;
  let quote: string | null = null;
  for (const ch of text) {
    if (quote !== null) {
      if (ch === quote) quote = null;
      else word += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      word ??= "";
    } else if (/\s/.test(ch)) {
      if (word !== null) words.push(word);
      word = null;
    } else word = (word ?? "") + ch;
  }
  if (quote !== null) throw new UserError(`--against: unclosed ${quote} in '${text}'`);
  if (word !== null) words.push(word);
  return words;
}

/** Refuses run options a diff cannot honour (a gdb server, several vCPUs), naming `where`. */
function checkRunOptions(run: RunOptions, where: string): void {
  if (run.gdb !== null || run.startPaused)
    throw new UserError(`${where}: diff drives both machines itself (--gdb, -s and -S do not apply)`);
  if (run.pc.cpus !== null && resolveTopology(run.pc.cpus).maxCpus > 1)
    throw new UserError(`${where}: diff steps one vCPU (--smp must be 1)`);
}

/** Parses argv after `diff`. Throws UserError. */
export function parseDiffArgs(args: readonly string[]): DiffCommandOptions {
  const rest: string[] = [];
  const symbols: SymbolFile[] = [];
  let against: string | null = null;
  let qemu = DEFAULT_QEMU;
  let tui = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--tui") {
      tui = true;
      continue;
    }
    const eq = arg.indexOf("=");
    const name = arg.startsWith("--") && eq > 0 ? arg.slice(0, eq) : arg;
    if (name !== "--against" && name !== "--qemu" && name !== "--symbols") {
      rest.push(arg);
      continue;
    }
    const value = eq > 0 && name !== arg ? arg.slice(eq + 1) : args[++i];
    if (value === undefined) throw new UserError(`option '${name}' needs a value`);
    if (name === "--against") against = value;
    else if (name === "--qemu") {
      if (value === "") throw new UserError("--qemu needs a program name or path");
      qemu = value;
    } else symbols.push(parseSymbolArg(value));
  }
  if (against === null)
    throw new UserError("diff needs --against qemu or --against 'RUN OPTIONS' (see pcscope help diff)");
  const run = parseRunArgs(rest);
  checkRunOptions(run, "diff");
  let reference: DiffCommandOptions["against"] = { kind: "qemu" };
  if (against !== "qemu") {
    const words = splitWords(against);
    if (words.length === 0) throw new UserError("--against needs 'qemu' or run options");
    let other: RunOptions;
    try {
      other = parseRunArgs([...rest, ...words]);
    } catch (err) {
      if (err instanceof UserError) throw new UserError(`--against '${against}': ${err.message}`);
      throw err;
    }
    checkRunOptions(other, `--against '${against}'`);
    reference = { kind: "pcscope", run: other, text: against };
  }
  const maxInsns = run.maxInsns ?? DEFAULT_DIFF_INSNS;
  if (tui) {
    try {
      checkTuiOptions({ ...run, maxInsns: null });
    } catch (err) {
      if (err instanceof ConfigError) throw new UserError(`--tui: ${err.message}`);
      throw err;
    }
  }
  return { run, against: reference, qemu, symbols, maxInsns, tui };
}

/**
 * Opens the UI on pcscope's machine (run on fresh copies of its writable images, so the user's stay
 * as they were) standing after instruction `count` of a diff, the diff's `report` in its console;
 * returns when the user quits, the copies removed.
 */
async function openUiAt(
  opts: DiffCommandOptions,
  config: ResolvedRunConfig,
  count: number,
  report: readonly string[],
): Promise<void> {
  const { copyDrives } = await import("../diff/setup.ts");
  const dir = mkdtempSync(join(tmpdir(), "pcscope-diff-tui-"));
  try {
    let drives: DriveSpec[];
    try {
      drives = copyDrives(config.drives, dir, "tui");
    } catch (err) {
      throw asUserError(err);
    }
    const pc = { ...opts.run.pc, machine: config.pc ? ("pc" as const) : ("bare" as const), drives };
    process.stderr.write(`pcscope: opening the UI after instruction ${count}\n`);
    await openUi({
      run: { ...opts.run, maxInsns: null, pc },
      symbols: opts.symbols,
      gdb: { ...DEFAULT_GDB, fallback: true },
      advance: count,
      onAdvance: (done, total) =>
        process.stderr.write(`pcscope: stepping ${done} of ${total} instructions\r`),
      // The console shows its newest lines: the report, then where the UI stands.
      notes: [...report, `diff: standing after instruction ${count}; I (or rsi) steps back over it`],
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs the command. */
async function run(args: string[]): Promise<number> {
  const opts = parseDiffArgs(args);
  if (opts.tui) await requireTerminal();
  const { startSides } = await import("../diff/setup.ts");
  const { QemuMappingError } = await import("../diff/qemu-args.ts");
  const { QemuStartError } = await import("../diff/qemu-side.ts");
  const { runDiff } = await import("../diff/engine.ts");
  const { formatResult } = await import("../diff/report.ts");
  const { firmwareSymbols } = await import("../tui/local/firmware-symbols.ts");
  const onWriteError = (err: OutputWriteError) => {
    noteOutputError(err);
  };
  const stdout = new FdWriter(1, false, "stdout", onWriteError);
  const reference =
    opts.against.kind === "qemu"
      ? { kind: "qemu" as const, binary: opts.qemu }
      : { kind: "pcscope" as const, options: opts.against.run, label: `pcscope ${opts.against.text}` };
  // Ctrl-C (or SIGTERM, SIGHUP) ends the diff between two steps; QEMU is killed on the way out.
  let signalled: NodeJS.Signals | null = null;
  const onSignal = (signal: NodeJS.Signals) => {
    signalled ??= signal;
  };
  for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
  let uiAt: { config: ResolvedRunConfig; count: number; report: string[] } | null = null;
  try {
    let sides: Awaited<ReturnType<typeof startSides>>;
    try {
      sides = await startSides(opts.run, reference, {
        stdout,
        log: new FdWriter(2, false, "stderr", onWriteError),
        onWriteError,
      });
    } catch (err) {
      if (err instanceof QemuMappingError || err instanceof QemuStartError) throw new UserError(err.message);
      throw asUserError(err);
    }
    try {
      for (const note of sides.config.notes) process.stderr.write(`pcscope: ${note}\n`);
      const listing = firmwareSymbols(sides.config.firmware);
      const files = listing === null ? opts.symbols : [{ path: listing, bias: 0n }, ...opts.symbols];
      const symbols = loadSymbols(files, (line) => process.stderr.write(`${line}\n`));
      const result = await runDiff(sides.a, sides.b, {
        maxInsns: opts.maxInsns,
        stopRequested: () => signalled !== null || outputFailure() !== null,
      });
      stdout.flush();
      if (outputFailure() !== null) return EXIT_OUTPUT_ERROR;
      const lines = formatResult(result, [sides.a.label, sides.b.label], symbols);
      process.stdout.write(`${lines.join("\n")}\n`);
      if (result.kind === "interrupted") return 128 + (constants.signals[signalled ?? "SIGINT"] ?? 2);
      if (result.kind !== "divergence") return 0;
      if (opts.tui) uiAt = { config: sides.config, count: result.at.count, report: lines };
      return EXIT_DIVERGED;
    } finally {
      await sides.close();
    }
  } finally {
    for (const signal of STOP_SIGNALS) process.off(signal, onSignal);
    // The UI opens once QEMU is gone and the diff's copies are removed.
    if (uiAt !== null) await openUiAt(opts, uiAt.config, uiAt.count, uiAt.report);
  }
}

export const diffCommand: CliCommand = {
  name: "diff",
  usage: USAGE,
  run,
};
