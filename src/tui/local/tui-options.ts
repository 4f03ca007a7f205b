// Which `pcscope run` options make sense under the UI, checked before anything is started.
import { ConfigError } from "../../emu/machine/config.ts";
import type { RunOptions } from "../../emu/machine/run-config.ts";

/** Throws ConfigError for options the UI cannot honour (the screen is the UI's). */
export function checkTuiOptions(opts: Readonly<RunOptions>): void {
  if (opts.maxInsns !== null) throw new ConfigError("--max-insns does not apply to the UI");
  if ((opts.trace.length > 0 || opts.log.length > 0) && opts.traceFile === null)
    throw new ConfigError("under the UI, --trace and --log need --trace-file (the screen is the UI's)");
}
