// Where the command line's output goes and what happens when it cannot be written: a full disk
// (ENOSPC), an I/O error (EIO), a reader that went away (EPIPE, `| head`). Every such failure is
// reported once, as one line naming the output and the error, and ends the command with
// EXIT_OUTPUT_ERROR; nothing throws out of a guest's port write.
import { closeSync, writeSync } from "node:fs";
import type { ByteSink } from "../emu/devices/debugcon.ts";
import { errnoText } from "../shared/host-file.ts";

/** Exit status of a command whose output could not be written (documented in README and usage). */
export const EXIT_OUTPUT_ERROR = 6;

/** Output buffered before a write(2). */
const FLUSH_BYTES = 64 * 1024;
/** How long a write to a full non-blocking pipe waits before trying again (ms), and what it waits on. */
const EAGAIN_WAIT_MS = 2;
const PAUSE = new Int32Array(new SharedArrayBuffer(4));

/** A write that failed: `what` names the output (`debug console file out.log`, `stdout`). */
export class OutputWriteError extends Error {
  constructor(
    readonly what: string,
    override readonly cause: unknown,
  ) {
    super(`${what}: write failed: ${errnoText(cause)}`);
    this.name = "OutputWriteError";
  }
}

/**
 * A buffered writer to a file descriptor. The first failed write(2) or close(2) is handed to
 * `onError` (once); from then on output to this writer is dropped. Never throws.
 */
export class FdWriter implements ByteSink {
  private readonly buf = Buffer.alloc(FLUSH_BYTES);
  private used = 0;
  private failed = false;

  constructor(
    private readonly fd: number,
    private readonly owned: boolean,
    /** Names the output in messages: `stdout`, `trace file PATH`. */
    readonly what: string,
    private readonly onError: (err: OutputWriteError) => void,
  ) {}

  write(byte: number): void {
    this.buf[this.used++] = byte;
    if (this.used === this.buf.length) this.flush();
  }

  writeText(text: string): void {
    const bytes = Buffer.from(text, "utf8");
    if (this.used + bytes.length > this.buf.length) this.flush();
    if (bytes.length > this.buf.length) this.writeAll(bytes, bytes.length);
    else {
      bytes.copy(this.buf, this.used);
      this.used += bytes.length;
    }
  }

  flush(): void {
    this.writeAll(this.buf, this.used);
    this.used = 0;
  }

  close(): void {
    this.flush();
    if (!this.owned) return;
    try {
      closeSync(this.fd);
    } catch (err) {
      this.fail(err);
    }
  }

  /**
   * Writes `length` bytes of `bytes` unless an earlier write failed. A descriptor in non-blocking
   * mode (a pipe Node set up for process.stdout) that is full is waited for, as a blocking write
   * would wait for the reader.
   */
  private writeAll(bytes: Uint8Array, length: number): void {
    let done = 0;
    while (!this.failed && done < length) {
      try {
        done += writeSync(this.fd, bytes, done, length - done);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "EAGAIN") Atomics.wait(PAUSE, 0, 0, EAGAIN_WAIT_MS);
        else this.fail(err);
      }
    }
  }

  private fail(err: unknown): void {
    if (this.failed) return;
    this.failed = true;
    this.onError(new OutputWriteError(this.what, err));
  }
}

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
