// Builds the machine `pcscope tui` debugs from `pcscope run`'s options with run's own builder
// (src/cli/run-machine.ts), adapted to a screen the UI owns: debug consoles and the serial port keep
// their text for the firmware log pane instead of writing to stdout, and trace/log lines go to
// --trace-file only. Runs in the machine worker.
import { UserError } from "../../cli/errors.ts";
import { buildRunMachine, type RunMachine } from "../../cli/run-machine.ts";
import type { RunOptions } from "../../cli/run-options.ts";
import { checkTuiOptions, MachineSetupError } from "./tui-options.ts";

/** The built machine, what it runs, and how to flush and close its files and images. */
export type BuiltMachine = RunMachine;

/**
 * Builds the machine (the same defaults as `pcscope run`: the PC with the embedded BIOS and the
 * demo disk when nothing is named); throws MachineSetupError for bad options, files or images
 * (nothing is left open then). A file that later cannot be written is told to `onWriteError` as one
 * line (the session goes on; that file's further output is dropped).
 */
export async function buildMachine(
  opts: RunOptions,
  onWriteError: (line: string) => void,
): Promise<BuiltMachine> {
  checkTuiOptions(opts);
  try {
    return await buildRunMachine(opts, {
      stdout: null,
      log: null,
      defaultDebugcon: "text-always",
      onWriteError: (err) => onWriteError(err.message),
    });
  } catch (err) {
    if (err instanceof UserError) throw new MachineSetupError(err.message);
    throw err;
  }
}
