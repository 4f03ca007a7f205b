// Which `pcscope run` options make sense under the UI, checked before anything is started.
import type { RunOptions } from "../../cli/run-options.ts";

/** A machine option the UI cannot honour, or a file that cannot be read: shown as one line. */
export class MachineSetupError extends Error {}

/** Throws MachineSetupError for options the UI cannot honour (the screen is the UI's). */
export function checkTuiOptions(opts: RunOptions): void {
  if (opts.maxInsns !== null) throw new MachineSetupError("--max-insns does not apply to the UI");
  if ((opts.trace.length > 0 || opts.log.length > 0) && opts.traceFile === null)
    throw new MachineSetupError("under the UI, --trace and --log need --trace-file (the screen is the UI's)");
}
