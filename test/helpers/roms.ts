// Running the self-checking test ROMs (firmware/tests/*.bin) under QEMU and under pcscope, and
// comparing what they print on the debug console. The ROMs print to port 0xE9 (QEMU's
// isa-debugcon default) and exit through isa-debug-exit at 0xF4.
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const TEST_ROM_DIR = join(REPO_ROOT, "firmware", "tests");
export const BENCH_ROM_DIR = join(REPO_ROOT, "bench", "roms");
export const DEBUGCON_PORT = 0xe9;
export const DEBUG_EXIT_PORT = 0xf4;

/** What one emulator run produced. */
export interface RomRun {
  /** The bytes written to the debug console, as latin1 text. */
  log: string;
  /** The process exit status (null when killed), or -1 when it could not be started. */
  status: number | null;
  /** True when the run was killed by the timeout guard. */
  timedOut: boolean;
  /** The tail of stderr, for diagnostics. */
  stderr: string;
}

/** The .asm sources in a ROM directory, sorted, as absolute paths. */
export function romSources(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".asm"))
    .sort()
    .map((f) => join(dir, f));
}

/**
 * The self-checking differential ROMs: the sources in firmware/tests built on lib.inc (the
 * directory may hold other guests, such as boot sectors, that are not BIOS ROMs).
 */
export function differentialRomSources(): string[] {
  return romSources(TEST_ROM_DIR).filter((f) => /^\s*%include\s+"lib\.inc"/m.test(readFileSync(f, "latin1")));
}

/** The ROM name ("alu") of a source or binary path. */
export function romName(path: string): string {
  return basename(path).replace(/\.(asm|bin)$/, "");
}

/** Runs a command with a kill timeout; resolves with its status and stderr tail. */
function runProcess(
  command: string,
  args: string[],
  timeoutMs: number,
  cwd: string,
): Promise<{ status: number | null; timedOut: boolean; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    let timedOut = false;
    child.stderr.on("data", (d: Buffer) => {
      stderr = (stderr + d.toString("latin1")).slice(-4000);
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.on("error", (err) => {
      clearTimeout(timer);
      resolve({ status: -1, timedOut, stderr: String(err) });
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ status: code, timedOut, stderr });
    });
  });
}

/** Runs `fn` with a fresh temporary directory that is removed afterwards. */
async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), "pcscope-rom-"));
  try {
    return await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function readLog(path: string): string {
  try {
    return readFileSync(path).toString("latin1");
  } catch {
    return "";
  }
}

/** The QEMU command line for a ROM: a minimal i440fx PC with the debug console and debug exit. */
export function qemuArgs(rom: string, logPath: string, extra: string[] = []): string[] {
  return [
    "-nodefaults",
    "-display",
    "none",
    "-M",
    "pc",
    "-m",
    "32",
    "-bios",
    rom,
    "-debugcon",
    `file:${logPath}`,
    "-device",
    `isa-debug-exit,iobase=0x${DEBUG_EXIT_PORT.toString(16)},iosize=1`,
    ...extra,
  ];
}

/** Runs a ROM under qemu-system-i386 (or `binary`, e.g. qemu-system-x86_64) with TCG; returns what it printed. */
export function runRomQemu(
  rom: string,
  timeoutMs = 20_000,
  extra: string[] = [],
  binary = "qemu-system-i386",
): Promise<RomRun> {
  return withTempDir(async (dir) => {
    const logPath = join(dir, "debugcon.log");
    const r = await runProcess(binary, qemuArgs(rom, logPath, extra), timeoutMs, dir);
    return { ...r, log: readLog(logPath) };
  });
}

/** Runs a ROM under `pcscope run` (the CLI, in a child process) and returns what it printed. */
export function runRomPcscope(rom: string, timeoutMs = 30_000, extra: string[] = []): Promise<RomRun> {
  return withTempDir(async (dir) => {
    const logPath = join(dir, "debugcon.log");
    const args = [
      join(REPO_ROOT, "bin", "pcscope.js"),
      "run",
      "--bios",
      rom,
      "--debugcon",
      `0x${DEBUGCON_PORT.toString(16)}=file:${logPath}`,
      "--debug-exit",
      `0x${DEBUG_EXIT_PORT.toString(16)}`,
      ...extra,
    ];
    const r = await runProcess(process.execPath, args, timeoutMs, REPO_ROOT);
    return { ...r, log: readLog(logPath) };
  });
}

/**
 * Compares two debug-console logs line by line. Returns null when equal, otherwise a report of
 * the first differing line (1-based number, both versions, a few lines of shared context before
 * it) and how many lines differ in total.
 */
export function diffLogs(expected: string, actual: string, context = 3): string | null {
  if (expected === actual) return null;
  const e = toLines(expected);
  const a = toLines(actual);
  const n = Math.max(e.length, a.length);
  let first = -1;
  let differing = 0;
  for (let i = 0; i < n; i++) {
    if (e[i] !== a[i]) {
      differing++;
      if (first < 0) first = i;
    }
  }
  if (first < 0) return "the logs differ only in their final newline";
  const lines = [
    `first difference at line ${first + 1} (${differing} of ${n} lines differ):`,
    ...e.slice(Math.max(0, first - context), first).map((l) => `    ${l}`),
    `  - qemu:    ${e[first] ?? "<end of log>"}`,
    `  + pcscope: ${a[first] ?? "<end of log>"}`,
  ];
  return lines.join("\n");
}

/** The lines of a log; a final newline does not start another line. */
function toLines(text: string): string[] {
  if (text === "") return [];
  return (text.endsWith("\n") ? text.slice(0, -1) : text).split("\n");
}

/** Runs `tasks` with at most `limit` running at once; resolves in task order. */
export function makeLimiter(limit: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const queue: (() => void)[] = [];
  const next = () => {
    if (running >= limit) return;
    const start = queue.shift();
    if (start) start();
  };
  return <T>(task: () => Promise<T>) =>
    new Promise<T>((resolve, reject) => {
      queue.push(() => {
        running++;
        task()
          .then(resolve, reject)
          .finally(() => {
            running--;
            next();
          });
      });
      next();
    });
}

/** Assembles a ROM source with nasm exactly as firmware/tests/build.sh does; returns the bytes. */
export function assembleRom(source: string, timeoutMs = 30_000): Promise<Buffer> {
  return withTempDir(async (dir) => {
    const out = join(dir, "out.bin");
    const args = ["-f", "bin", "-I", `${dirname(source)}/`, "-I", `${TEST_ROM_DIR}/`, "-o", out, source];
    const r = await runProcess("nasm", args, timeoutMs, REPO_ROOT);
    if (r.status !== 0) throw new Error(`nasm failed on ${source}: ${r.stderr}`);
    return readFileSync(out);
  });
}

/** Assembles firmware/tests/`relPath` into a fresh temporary file; returns the file's path. */
export async function assembleTestRomFile(relPath: string): Promise<string> {
  const rom = join(mkdtempSync(join(tmpdir(), "pcscope-rom-")), basename(relPath).replace(/\.asm$/, ".bin"));
  writeFileSync(rom, await assembleRom(join(TEST_ROM_DIR, relPath)));
  return rom;
}

/** Both runs of a ROM under one CPU model, and the first difference between their logs (or null). */
export interface ModelRomComparison {
  qemu: RomRun;
  ours: RomRun;
  diff: string | null;
}

/**
 * Runs `rom` under qemu-system-i386 -cpu `model` and pcscope --cpu `model` (extra arguments each,
 * e.g. the vCPU count) through `limit`, at the same time, and diffs their debug-console logs.
 */
export async function compareRomUnderModel(
  rom: string,
  model: string,
  limit: <T>(task: () => Promise<T>) => Promise<T>,
  qemuExtra: string[] = [],
  oursExtra: string[] = [],
): Promise<ModelRomComparison> {
  const [qemu, ours] = await Promise.all([
    limit(() => runRomQemu(rom, 20_000, ["-cpu", model, ...qemuExtra])),
    limit(() => runRomPcscope(rom, 30_000, ["--cpu", model, ...oursExtra])),
  ]);
  return { qemu, ours, diff: diffLogs(qemu.log, ours.log) };
}

/**
 * Runs `rom` under QEMU 7.2 (-M pc, its default CPU) and `pcscope run --machine pc` at the same
 * time and diffs their debug-console logs: the device ROMs (APIC, HPET, PM) use it. `smp` is the
 * -smp / --smp value both get (QEMU's default of 1 CPU when absent).
 */
export async function compareRomOnPc(rom: string, smp?: string): Promise<ModelRomComparison> {
  const qemuExtra = smp === undefined ? [] : ["-smp", smp];
  const oursExtra = smp === undefined ? [] : ["--smp", smp];
  const [qemu, ours] = await Promise.all([
    runRomQemu(rom, 20_000, qemuExtra),
    runRomPcscope(rom, 30_000, ["--machine", "pc", ...oursExtra]),
  ]);
  return { qemu, ours, diff: diffLogs(qemu.log, ours.log) };
}
