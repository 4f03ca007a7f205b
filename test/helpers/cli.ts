// Running `pcscope ARGS` in-process (src/cli.ts's main) with stdout and stderr captured, for tests
// that run many command lines: the same code path as bin/pcscope.js minus the process start. What
// a machine writes straight to fd 1 or 2 (a `stdio` debug console, trace lines without a file)
// bypasses the capture, so callers keep those out of in-process runs and spawn such cases.
import { main } from "../../src/cli.ts";

/** What one command line did. `crash` is the error main() threw (a bug), else null. */
export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
  crash: unknown;
}

/** Runs `pcscope ...argv` in this process; one at a time (process.stdout/stderr are swapped). */
export async function runCliInProcess(argv: string[]): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  const realOut = process.stdout.write;
  const realErr = process.stderr.write;
  const capture =
    (into: string[]) =>
    (chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
      into.push(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
      const done = rest.find((r) => typeof r === "function") as (() => void) | undefined;
      done?.();
      return true;
    };
  process.stdout.write = capture(out) as typeof process.stdout.write;
  process.stderr.write = capture(err) as typeof process.stderr.write;
  try {
    const status = await main(argv);
    return { status, stdout: out.join(""), stderr: err.join(""), crash: null };
  } catch (crash) {
    return { status: -1, stdout: out.join(""), stderr: err.join(""), crash };
  } finally {
    process.stdout.write = realOut;
    process.stderr.write = realErr;
  }
}
