// Start-up. First the command's own cost (issue 17), beside `node -e 0` measured in alternation in
// the same run: `pcscope run` of a ROM that halts at its first instructions (target: within 150 ms
// of node) and `pcscope --version`. Then as a newcomer meets it (issue 6: `npm start` must reach
// the UI, or run the demo headless, in under 10 s): `pcscope run` with no arguments from an empty
// cache (it makes the demo disk) to the demo guest's halt, beside QEMU booting the same BIOS and
// disk to the same line; and `pcscope tui` with no arguments to its first frame at the reset vector
// in tmux (target: under 600 ms), from an empty cache and with the demo disk already made.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureBuilt } from "../test/helpers/build-dist.ts";
import { median, report } from "./lib/report.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const CLI = join(ROOT, "bin/pcscope.js");
const BIOS = join(ROOT, "firmware/bios/out/bios.bin");
const REPS = 3;
/** Runs of each quick command (alternating with `node -e 0`). */
const QUICK_REPS = 15;
/** First frames of each kind. */
const FRAME_REPS = 5;
const DONE = "demo: done";
/** Issue 17's targets: pcscope run's overhead over `node -e 0`, and the UI's first frame. */
const RUN_OVERHEAD_TARGET_MS = 150;
const FIRST_FRAME_TARGET_MS = 600;

/** Clock ticks per second of /proc's CPU times (USER_HZ, 100 on Linux). */
const CLOCK_TICKS = 100;

/** CPU time (user + system, all threads) of this process's waited-for children so far; ms, or null without /proc. */
function childrenCpuMs(): number | null {
  if (!existsSync("/proc/self/stat")) return null;
  const stat = readFileSync("/proc/self/stat", "latin1");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[13]) + Number(fields[14])) * 1000) / CLOCK_TICKS; // cutime, cstime
}

/** Wall and CPU time of `node ARGS` to its exit; ms (cpu null without /proc). Throws when it fails. */
function nodeMs(args: string[]): { wall: number; cpu: number | null } {
  const cpu0 = childrenCpuMs();
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args);
  const wall = performance.now() - t0;
  const cpu1 = childrenCpuMs();
  if (r.status !== 0) throw new Error(`node ${args.join(" ")} failed: ${r.stderr}`);
  return { wall, cpu: cpu0 === null || cpu1 === null ? null : cpu1 - cpu0 };
}

/** `pcscope run` of a ROM that halts at once and `pcscope --version`, beside `node -e 0`. */
function quickCommands(): void {
  const dir = mkdtempSync(join(tmpdir(), "pcscope-start-q-"));
  try {
    const rom = Buffer.alloc(0x10000);
    rom.set([0xfa, 0xf4], 0xfff0); // cli; hlt at the reset vector
    const halt = join(dir, "halt.bin");
    writeFileSync(halt, rom);
    const commands: Record<string, string[]> = {
      node: ["-e", "0"],
      run: [CLI, "run", "--bios", halt],
      version: [CLI, "--version"],
    };
    const wall: Record<string, number[]> = { node: [], run: [], version: [] };
    const cpu: Record<string, number[]> = { node: [], run: [], version: [] };
    for (let i = 0; i < QUICK_REPS; i++)
      for (const [name, args] of Object.entries(commands)) {
        const t = nodeMs(args);
        wall[name]!.push(t.wall);
        if (t.cpu !== null) cpu[name]!.push(t.cpu);
      }
    const node = median(wall.node!);
    for (const [name, label, target] of [
      ["run", "pcscope run --bios ROM (cli; hlt at the reset vector) -> exit", RUN_OVERHEAD_TARGET_MS],
      ["version", "pcscope --version -> exit", null],
    ] as const) {
      const ours = median(wall[name]!);
      const goal = target === null ? "" : `; target: within ${target} ms of node`;
      report({
        name: `${label} (wall)`,
        unit: "ms",
        ours,
        peer: node,
        peerName: "node -e 0",
        higherIsBetter: false,
        note: `node + ${(ours - node).toFixed(0)} ms${goal}; medians of ${QUICK_REPS} alternating runs`,
      });
      // CPU time is less distorted than wall time on a loaded machine (other processes' turns are not counted).
      if (cpu[name]!.length > 0)
        report({
          name: `${label} (CPU, user + system, all threads)`,
          unit: "ms",
          ours: median(cpu[name]!),
          peer: median(cpu.node!),
          peerName: "node -e 0",
          higherIsBetter: false,
          note: `node + ${(median(cpu[name]!) - median(cpu.node!)).toFixed(0)} ms; 10 ms resolution`,
        });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `pcscope run` from an empty cache directory to its exit; seconds. */
function headless(): number {
  const cache = mkdtempSync(join(tmpdir(), "pcscope-start-"));
  try {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [CLI, "run"], { env: { ...process.env, XDG_CACHE_HOME: cache } });
    if (r.status !== 0 || !r.stdout.toString().includes(DONE))
      throw new Error(`pcscope run failed: ${r.stderr}`);
    return (performance.now() - t0) / 1000;
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
}

/** QEMU booting the embedded BIOS from a copy of the demo disk until the log shows DONE; seconds or null. */
async function qemu(disk: string): Promise<number | null> {
  if (spawnSync("sh", ["-c", "command -v qemu-system-i386"]).status !== 0) return null;
  const dir = mkdtempSync(join(tmpdir(), "pcscope-start-q-"));
  const log = join(dir, "con.log");
  const t0 = performance.now();
  const child = spawn("qemu-system-i386", [
    ...["-nodefaults", "-display", "none", "-M", "pc", "-m", "32", "-bios", BIOS],
    ...["-drive", `file=${disk},format=qcow2,if=ide,snapshot=on`],
    ...["-debugcon", `file:${log}`, "-global", "isa-debugcon.iobase=0x402"],
  ]);
  try {
    while (performance.now() - t0 < 30_000) {
      if (existsSync(log) && readFileSync(log, "latin1").includes(DONE))
        return (performance.now() - t0) / 1000;
      await new Promise((r) => setTimeout(r, 5));
    }
    return null;
  } finally {
    child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * `pcscope tui` (no arguments) until its first frame shows the reset vector; ms, or null without
 * tmux. The cache starts empty, or holds a copy of `disk` as the demo disk (made on an earlier run).
 */
async function tuiFirstFrame(disk: string | null): Promise<number | null> {
  if (spawnSync("sh", ["-c", "command -v tmux"]).status !== 0) return null;
  const cache = mkdtempSync(join(tmpdir(), "pcscope-start-t-"));
  if (disk !== null) {
    mkdirSync(join(cache, "pcscope"));
    copyFileSync(disk, join(cache, "pcscope", "demo.qcow2"));
  }
  // A new server each time: reusing a socket name right after kill-server can race its exit.
  const socket = `pcscope-start-${process.pid}-${Math.random().toString(36).slice(2)}`;
  const tmux = (...args: string[]) => execFileSync("tmux", ["-L", socket, ...args], { encoding: "utf8" });
  const env: NodeJS.ProcessEnv = { ...process.env, XDG_CACHE_HOME: cache };
  delete env.CI; // Ink draws only the last frame when CI is set
  const t0 = performance.now();
  execFileSync(
    "tmux",
    ["-L", socket, "new-session", "-d", "-s", "b", "-x", "160", "-y", "50", `node ${CLI} tui; sleep 30`],
    { env, cwd: ROOT },
  );
  try {
    while (performance.now() - t0 < 30_000) {
      if (tmux("capture-pane", "-p", "-t", "b").includes("CS:IP f000:fff0")) return performance.now() - t0;
      await new Promise((r) => setTimeout(r, 5));
    }
    return null;
  } finally {
    tmux("kill-server");
    rmSync(cache, { recursive: true, force: true });
  }
}

/** The UI's first frame from an empty cache and with the demo disk `disk` already made, alternating. */
async function firstFrames(disk: string): Promise<void> {
  const cold: number[] = [];
  const warm: number[] = [];
  for (let i = 0; i < FRAME_REPS; i++) {
    const c = await tuiFirstFrame(null);
    const w = await tuiFirstFrame(disk);
    if (c !== null) cold.push(c);
    if (w !== null) warm.push(w);
  }
  for (const [label, frames] of [
    ["empty cache", cold],
    ["demo disk already made", warm],
  ] as const) {
    if (frames.length === 0) continue;
    report({
      name: `pcscope tui, no arguments, ${label} -> first frame (wall, tmux)`,
      unit: "ms",
      ours: median(frames),
      peer: null,
      peerName: "n/a",
      higherIsBetter: false,
      note: `target < ${FIRST_FRAME_TARGET_MS} ms; median of ${frames.length}`,
    });
  }
}

/** Measures and prints the start-up figures. */
export default async function startupBench(): Promise<void> {
  ensureBuilt();
  quickCommands();
  const ours = Array.from({ length: REPS }, headless);
  // QEMU boots a demo disk made by pcscope (the same bytes the headless runs made).
  const cache = mkdtempSync(join(tmpdir(), "pcscope-start-d-"));
  try {
    spawnSync(process.execPath, [CLI, "run"], { env: { ...process.env, XDG_CACHE_HOME: cache } });
    const disk = join(cache, "disk.qcow2");
    copyFileSync(join(cache, "pcscope", "demo.qcow2"), disk);
    const peer: number[] = [];
    for (let i = 0; i < REPS; i++) {
      const t = await qemu(disk);
      if (t !== null) peer.push(t);
    }
    report({
      name: "pcscope run, no arguments, empty cache -> demo halt (wall)",
      unit: "s",
      ours: median(ours),
      peer: peer.length > 0 ? median(peer) : null,
      peerName: "qemu-tcg",
      higherIsBetter: false,
      note: "goal < 10 s; QEMU boots the same BIOS and disk to the same log line",
    });
    await firstFrames(disk);
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
}
