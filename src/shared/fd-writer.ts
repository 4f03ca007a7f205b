// A buffered writer to a host file descriptor that never throws: the first failed write(2) or
// close(2) (a full disk, EIO, a reader gone with EPIPE) is handed once, as an OutputWriteError
// naming the output, to the owner; later output to that writer is dropped. Used for the machine's
// debug consoles, serial port and trace files (src/emu/machine/builder.ts) and the CLI's stdout.
import { closeSync, writeSync } from "node:fs";
import { errnoText } from "./host-file.ts";

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
export class FdWriter {
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
