// Test helpers for the block layer: temp directories and the real qemu-img / qemu-io.
import { type SpawnSyncReturns, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A fresh temp directory removed by the returned cleanup. */
export function tempDir(tag: string): { dir: string; path: (name: string) => string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `pcscope-${tag}-`));
  return {
    dir,
    path: (name) => join(dir, name),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Runs a peer; returns status and output (never throws on a non-zero status). */
export function peer(cmd: string, args: string[]): { status: number; stdout: string; stderr: string } {
  const r: SpawnSyncReturns<string> = spawnSync(cmd, args, { encoding: "utf8", maxBuffer: 64 << 20 });
  if (r.error) throw r.error;
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Runs qemu-img and throws with its stderr on failure. */
export function qemuImg(...args: string[]): string {
  const r = peer("qemu-img", args);
  if (r.status !== 0)
    throw new Error(`qemu-img ${args.join(" ")} failed (${r.status}): ${r.stderr}${r.stdout}`);
  return r.stdout;
}

/** Runs qemu-io commands on a file; throws on failure (a pattern mismatch is a failure). */
export function qemuIo(file: string, commands: string[], format = "qcow2"): string {
  const args = ["-f", format];
  for (const c of commands) args.push("-c", c);
  args.push(file);
  const r = peer("qemu-io", args);
  if (r.status !== 0 || /Pattern verification failed|error|failed/i.test(r.stdout + r.stderr)) {
    throw new Error(`qemu-io ${commands.join("; ")} failed (${r.status}): ${r.stdout}${r.stderr}`);
  }
  return r.stdout;
}

/** `qemu-img check --output=json` as an object plus the exit status. */
export function qemuCheck(file: string): {
  status: number;
  corruptions: number;
  leaks: number;
  json: Record<string, number>;
} {
  const r = peer("qemu-img", ["check", "--output=json", file]);
  let json: Record<string, number> = {};
  try {
    json = JSON.parse(r.stdout) as Record<string, number>;
  } catch {
    throw new Error(`qemu-img check ${file} gave no JSON (${r.status}): ${r.stderr}`);
  }
  return { status: r.status, corruptions: json.corruptions ?? 0, leaks: json.leaks ?? 0, json };
}

/** A deterministic pseudo-random byte pattern for `seed` and length. */
export function pattern(seed: number, length: number): Uint8Array {
  const b = new Uint8Array(length);
  let x = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    b[i] = x & 0xff;
  }
  return b;
}
