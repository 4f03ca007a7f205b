// Start-up as a newcomer meets it (issue 6: `npm start` must reach the UI, or run the demo headless,
// in under 10 s): `pcscope run` with no arguments from an empty cache (it makes the demo disk) to the
// demo guest's halt, beside QEMU booting the same BIOS and disk to the same line; and `pcscope tui`
// with no arguments to its first frame at the reset vector, in tmux.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { median, report } from "./lib/report.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const CLI = join(ROOT, "bin/pcscope.js");
const BIOS = join(ROOT, "firmware/bios/out/bios.bin");
const REPS = 3;
const DONE = "demo: done";

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

/** `pcscope tui` (no arguments, empty cache) until its first frame shows the reset vector; seconds or null without tmux. */
async function tuiFirstFrame(): Promise<number | null> {
  if (spawnSync("sh", ["-c", "command -v tmux"]).status !== 0) return null;
  const cache = mkdtempSync(join(tmpdir(), "pcscope-start-t-"));
  const socket = `pcscope-start-${process.pid}`;
  const tmux = (...args: string[]) => execFileSync("tmux", ["-L", socket, ...args], { encoding: "utf8" });
  const env: NodeJS.ProcessEnv = { ...process.env, XDG_CACHE_HOME: cache };
  delete env.CI; // Ink draws only the last frame when CI is set
  const t0 = performance.now();
  execFileSync(
    "tmux",
    ["-L", socket, "new-session", "-d", "-s", "b", "-x", "160", "-y", "50", `node ${CLI} tui`],
    { env, cwd: ROOT },
  );
  try {
    while (performance.now() - t0 < 30_000) {
      if (tmux("capture-pane", "-p", "-t", "b").includes("CS:IP f000:fff0"))
        return (performance.now() - t0) / 1000;
      await new Promise((r) => setTimeout(r, 10));
    }
    return null;
  } finally {
    tmux("kill-server");
    rmSync(cache, { recursive: true, force: true });
  }
}

/** Measures and prints the start-up figures. */
export default async function startupBench(): Promise<void> {
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
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
  const frames: number[] = [];
  for (let i = 0; i < REPS; i++) {
    const t = await tuiFirstFrame();
    if (t !== null) frames.push(t);
  }
  if (frames.length > 0)
    report({
      name: "pcscope tui, no arguments, empty cache -> first frame (wall)",
      unit: "s",
      ours: median(frames),
      peer: null,
      peerName: "n/a",
      higherIsBetter: false,
      note: "goal < 10 s",
    });
}
