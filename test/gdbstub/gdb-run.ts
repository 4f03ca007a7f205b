// Runs the real gdb in batch mode against a stub (asynchronously, so an in-process server keeps
// serving while gdb talks to it).
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

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
