// Builds the machine `pcscope tui` debugs from `pcscope run`'s options with the machine builder both
// commands use (src/emu/machine/builder.ts), adapted to a screen the UI owns: debug consoles and the
// serial port keep their text for the firmware log pane instead of writing to stdout, and trace/log
// lines go to --trace-file only. Runs in the machine worker.
import { buildRunMachine, type RunMachine } from "../../emu/machine/builder.ts";
import { type RunOptions, resolveRunConfig } from "../../emu/machine/run-config.ts";
import { checkTuiOptions } from "./tui-options.ts";

/** The built machine, what it runs, and how to flush and close its files and images. */
export type BuiltMachine = RunMachine;

/**
 * Builds the machine (the same defaults as `pcscope run`: the PC with the embedded BIOS and the
 * demo disk when nothing is named; `opts` is not changed); throws the builder's ConfigError for bad
 * options, files or images (nothing is left open then). A file that later cannot be written is told
 * to `onWriteError` as one line (the session goes on; that file's further output is dropped).
 */
export async function buildMachine(
  opts: Readonly<RunOptions>,
  onWriteError: (line: string) => void,
): Promise<BuiltMachine> {
  checkTuiOptions(opts);
  const config = await resolveRunConfig(opts, "text-always");
  return await buildRunMachine(config, {
    stdout: null,
    log: null,
    onWriteError: (err) => onWriteError(err.message),
  });
}
