// Runs the real gdb in batch mode against a stub (asynchronously, so an in-process server keeps
// serving while gdb talks to it), and starts `pcscope run -S --gdb` as a user runs it.
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "../helpers/qemu.ts";

/** Runs `gdb -nx -batch -ex 'target remote ADDR' -ex CMD...`; resolves to stdout+stderr. */
export function runGdb(address: string, commands: string[], timeoutMs = 60_000): Promise<string> {
  const args = ["-nx", "-batch", "-ex", "set pagination off", "-ex", `target remote ${address}`];
  for (const c of commands) args.push("-ex", c);
  return new Promise((resolve, reject) => {
    const child = spawn("gdb", args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      out += d.toString();
    });
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`gdb timed out; output so far:\n${out}`));
    }, timeoutMs);
    child.on("close", () => {
      clearTimeout(timer);
      resolve(out);
    });
  });
}

/** Writes a gdb Python script to a temp file and returns `source FILE`. */
export function pythonScript(code: string): string {
  const dir = mkdtempSync(join(tmpdir(), "pcscope-gdb-"));
  const file = join(dir, "script.py");
  writeFileSync(file, code);
  return `source ${file}`;
}

/** The CLI as a user runs it. */
const BIN = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "bin", "pcscope.js");

/** A `pcscope run -S --gdb` process waiting for gdb. */
export interface PcscopeGdb {
  /** HOST:PORT for `target remote`. */
  address: string;
  /** What the process printed on stderr so far. */
  stderr(): string;
  /** Its exit status once it ends. */
  exited: Promise<number | null>;
}

/**
 * Starts `pcscope run -S --gdb tcp:127.0.0.1:PORT ARGS` on a free port and waits (up to 10 s) for
 * its "listening" line; throws with its stderr when it does not come.
 */
export async function startPcscopeGdb(args: string[]): Promise<PcscopeGdb> {
  const port = await freePort();
  const child = spawn(process.execPath, [BIN, "run", "-S", "--gdb", `tcp:127.0.0.1:${port}`, ...args], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  for (let i = 0; i < 100 && !stderr.includes("listening"); i++) await new Promise((r) => setTimeout(r, 100));
  if (!stderr.includes(`gdb server listening on 127.0.0.1:${port} (guest paused)`))
    throw new Error(`pcscope run -S --gdb did not listen:\n${stderr}`);
  return { address: `127.0.0.1:${port}`, stderr: () => stderr, exited };
}
