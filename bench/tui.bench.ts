// UI latency: the median time from a step key to the frame showing the new PC, and from a key
// pressed while the guest runs flat out to the frame that answers it. The UI renders with the same
// Ink options as `pcscope tui` (30 fps cap, React's production build,
// colours on) into an in-memory terminal. Targets: pcscope's own machine as `pcscope tui` runs it
// (the gdb-demo firmware in the worker thread; it ends in an endless loop, so `c` runs flat out),
// and QEMU's gdb stub (qemu-system-i386 + SeaBIOS) when installed.
import { PassThrough, Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import { parseRunArgs } from "../src/cli/run-options.ts";
import type { DebugSession } from "../src/tui/index.ts";
import { type PausedQemu, startPausedQemu } from "../test/helpers/qemu.ts";
import { median, report } from "./lib/report.ts";

// Before the UI modules load: React's production build and colours, as on a real terminal.
process.env.NODE_ENV ??= "production";
process.env.FORCE_COLOR ??= "1";
const { render } = await import("ink");
const { createElement } = await import("react");
const { App } = await import("../src/tui/components/App.tsx");
const { Debugger, LocalSession, RspSession } = await import("../src/tui/index.ts");
const { MAX_FPS } = await import("../src/tui/run-tui.tsx");

/** Steps taken before measuring. */
const WARMUP = 15;
const GDB_DEMO = fileURLToPath(new URL("../firmware/gdb-demo/gdb-demo.bin", import.meta.url));
/** A terminal in memory: Ink writes frames here; `text` accumulates what was written since the last reset. */
class MemoryTerminal extends Writable {
  columns = 160;
  rows = 50;
  isTTY = true;
  text = "";
  /** Called after each write (the bench's frame check). */
  onWrite: (() => void) | null = null;
  override _write(chunk: Buffer, _enc: string, done: () => void): void {
    this.text += chunk.toString("utf8");
    this.onWrite?.();
    done();
  }
}

/** A TTY-like stdin Ink can read keys from. */
function fakeStdin(): NodeJS.ReadStream {
  const s = new PassThrough() as unknown as NodeJS.ReadStream & { isTTY: boolean };
  s.isTTY = true;
  const tty = s as unknown as { setRawMode: (b: boolean) => void; ref: () => void; unref: () => void };
  tty.setRawMode = () => {};
  tty.ref = () => {};
  tty.unref = () => {};
  return s;
}

/**
 * Writes `key` and resolves with the ms until the terminal output contains what `expect` says
 * (a pattern, or a function giving one once the debugger knows what the frame must show). Checked
 * on every write to the terminal, so the wait itself costs no CPU.
 */
function keyToFrame(
  term: MemoryTerminal,
  stdin: NodeJS.ReadStream,
  key: string,
  expect: RegExp | (() => RegExp | null),
): Promise<number> {
  term.text = "";
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      term.onWrite = null;
      reject(new Error(`no frame for key '${key}' within 5 s: ${JSON.stringify(term.text.slice(0, 2000))}`));
    }, 5000);
    term.onWrite = () => {
      const pattern = typeof expect === "function" ? expect() : expect;
      if (pattern?.test(term.text)) {
        clearTimeout(timer);
        term.onWrite = null;
        resolve(performance.now() - t0);
      }
    };
    (stdin as unknown as PassThrough).write(key);
  });
}

/** Steps and keys on one target; prints the figures under `label`. */
async function measure(label: string, session: DebugSession): Promise<void> {
  const dbg = new Debugger(session, { cols: 160, rows: 50 });
  await dbg.refresh();
  const term = new MemoryTerminal();
  const stdin = fakeStdin();
  const ink = render(createElement(App, { dbg, trackSize: false }), {
    stdout: term as unknown as NodeJS.WriteStream,
    stdin,
    exitOnCtrlC: false,
    patchConsole: false,
    maxFps: MAX_FPS,
  });
  await new Promise((r) => setTimeout(r, 300));

  // Step latency: `i` until the frame shows the CS:IP the stub reports after the step. The first
  // WARMUP steps only warm up the JIT (UI thread and machine worker) and are not counted.
  const steps: number[] = [];
  let cpu0 = process.cpuUsage();
  for (let i = -WARMUP; i < 40; i++) {
    if (i === 0) {
      steps.length = 0;
      cpu0 = process.cpuUsage();
    }
    const before = dbg.getSnapshot().panes.registers?.location;
    const ms = await keyToFrame(term, stdin, "i", () => {
      const snap = dbg.getSnapshot();
      const where = snap.panes.registers?.location;
      if (snap.state !== "stopped" || where === undefined || where === before) return null;
      return new RegExp(where.replace(/[()]/g, "\\$&"));
    });
    steps.push(ms);
    await new Promise((r) => setTimeout(r, 40));
  }
  const cpu = process.cpuUsage(cpu0);
  report({
    name: `tui ${label}: process CPU time per step (UI thread: RSP, disassembly, render; and the stub)`,
    unit: "ms",
    ours: (cpu.user + cpu.system) / 1000 / steps.length,
    peer: null,
    peerName: "n/a",
    higherIsBetter: false,
    note: "less dependent on other load on the machine than wall time",
  });
  report({
    name: `tui ${label}: step key -> updated frame (median of 40)`,
    unit: "ms",
    ours: median(steps),
    peer: null,
    peerName: "goal < 50",
    higherIsBetter: false,
  });

  // Keys while the guest runs: `?` (help) is answered by the UI alone; `p` must reach the stub and back.
  const helps: number[] = [];
  const pauses: number[] = [];
  for (let i = 0; i < 10; i++) {
    await keyToFrame(term, stdin, "c", /running/);
    await new Promise((r) => setTimeout(r, 100));
    helps.push(await keyToFrame(term, stdin, "?", /pcscope keys/));
    await keyToFrame(term, stdin, "x", /Registers/);
    pauses.push(await keyToFrame(term, stdin, "p", /stopped.*\(interrupted\)/));
    await dbg.whenIdle();
    await new Promise((r) => setTimeout(r, 40));
  }
  report({
    name: `tui ${label}: key while the guest runs flat out -> frame (median of 10, \`?\`)`,
    unit: "ms",
    ours: median(helps),
    peer: null,
    peerName: "goal < 100",
    higherIsBetter: false,
  });
  report({
    name: `tui ${label}: pause key while running -> stopped frame (median of 10)`,
    unit: "ms",
    ours: median(pauses),
    peer: null,
    peerName: "goal < 100",
    higherIsBetter: false,
  });
  ink.unmount();
  await dbg.close();
}

/** QEMU paused at reset with its stub on a free port, or null when it cannot be started. */
async function startQemu(): Promise<PausedQemu | null> {
  try {
    return await startPausedQemu();
  } catch {
    return null;
  }
}

export default async function bench(): Promise<void> {
  const local = await LocalSession.start({ options: parseRunArgs(["--bios", GDB_DEMO]), gdb: null });
  await measure("on pcscope's machine (worker)", local);
  const qemu = await startQemu();
  if (qemu === null) {
    process.stdout.write(
      "tui on QEMU: skipped (qemu-system-i386 not installed: Debian package qemu-system-x86)\n",
    );
    return;
  }
  try {
    await measure("on QEMU's stub", await RspSession.connect("127.0.0.1", qemu.port));
  } finally {
    qemu.stop();
  }
}
