// Where the command line's output goes and what happens when it cannot be written: a full disk
// (ENOSPC), an I/O error (EIO), a reader that went away (EPIPE, `| head`). Every such failure is
// reported once, as one line naming the output and the error, and ends the command with
// EXIT_OUTPUT_ERROR; nothing throws out of a guest's port write.
import { writeSync } from "node:fs";
import { OutputWriteError } from "../shared/fd-writer.ts";

/** Exit status of a command whose output could not be written (documented in README and usage). */
export const EXIT_OUTPUT_ERROR = 6;

/** The first output failure of this process, whoever saw it. */
let firstFailure: OutputWriteError | null = null;

/**
 * Records an output failure: the first one is kept (see outputFailure) and sets the process's exit
 * status to EXIT_OUTPUT_ERROR; later ones are dropped. Returns true for the first.
 */
export function noteOutputError(err: OutputWriteError): boolean {
  if (firstFailure !== null) return false;
  firstFailure = err;
  process.exitCode = EXIT_OUTPUT_ERROR;
  return true;
}

/** The first output failure noted so far, or null. */
export function outputFailure(): OutputWriteError | null {
  return firstFailure;
}

/** Prints `pcscope: LINE` on stderr with write(2), ignoring a stderr that is gone too. */
export function printLine(line: string): void {
  try {
    writeSync(2, `pcscope: ${line}\n`);
  } catch {
    // stderr failed as well: the exit status still tells
  }
}

/**
 * Watches process.stdout and process.stderr (where commands print results and messages): an
 * 'error' there (EPIPE when the reader left) is noted and printed once instead of crashing.
 */
export function watchStdStreams(): void {
  const watch = (stream: NodeJS.WriteStream, what: string) =>
    stream.on("error", (cause) => {
      const err = new OutputWriteError(what, cause);
      if (noteOutputError(err) && what !== "stderr") printLine(err.message);
    });
  watch(process.stdout, "stdout");
  watch(process.stderr, "stderr");
}
