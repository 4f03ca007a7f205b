// UI latency on a real stub: the median time from a step key to the frame showing the new PC, and
// from a key pressed while the guest runs to the frame that answers it. The UI renders with the same
// Ink options as `pcscope attach` (30 fps cap, incremental rendering) into an in-memory terminal.
// Target: QEMU's gdb stub (qemu-system-i386 + SeaBIOS), since pcscope's machine is not wired to
// `pcscope tui` yet; the figure measures the UI + RSP path, not the emulator.
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { PassThrough, Writable } from "node:stream";
import { render } from "ink";
import { createElement } from "react";
import { App } from "../src/tui/components/App.tsx";
import { Debugger, RspSession } from "../src/tui/index.ts";
import { MAX_FPS } from "../src/tui/run-tui.tsx";
import { median, report } from "./lib/report.ts";

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

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
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

export default async function bench(): Promise<void> {
  const port = await freePort();
  const qemu = spawn(
    "qemu-system-i386",
    [
      "-S",
      "-gdb",
      `tcp:127.0.0.1:${port}`,
      "-nodefaults",
      "-display",
      "none",
      "-M",
      "pc",
      "-m",
      "32",
      "-bios",
      "/usr/share/seabios/bios.bin",
    ],
    { stdio: "ignore" },
  );
  try {
    let session: RspSession | null = null;
    for (let i = 0; i < 100 && session === null; i++) {
      session = await RspSession.connect("127.0.0.1", port).catch(() => null);
      if (session === null) await new Promise((r) => setTimeout(r, 50));
    }
    if (session === null) throw new Error("QEMU's stub did not come up");
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
      incrementalRendering: true,
    });
    await new Promise((r) => setTimeout(r, 300));

    // Step latency: `i` until the frame shows the CS:IP the stub reports after the step.
    const steps: number[] = [];
    const cpu0 = process.cpuUsage();
    for (let i = 0; i < 40; i++) {
      const before = dbg.getSnapshot().registers?.location;
      const ms = await keyToFrame(term, stdin, "i", () => {
        const snap = dbg.getSnapshot();
        const where = snap.registers?.location;
        if (snap.state !== "stopped" || where === undefined || where === before) return null;
        return new RegExp(where.replace(/[()]/g, "\\$&"));
      });
      steps.push(ms);
      await new Promise((r) => setTimeout(r, 40));
    }
    const cpu = process.cpuUsage(cpu0);
    report({
      name: "tui CPU time per step (UI process: RSP, disassembly, render)",
      unit: "ms",
      ours: (cpu.user + cpu.system) / 1000 / steps.length,
      peer: null,
      peerName: "n/a",
      higherIsBetter: false,
      note: "independent of other load on the machine",
    });
    report({
      name: "tui step key -> updated frame (median of 40)",
      unit: "ms",
      ours: median(steps),
      peer: null,
      peerName: "goal < 50",
      higherIsBetter: false,
      note: "UI attached to QEMU's stub; pcscope's machine not wired to `pcscope tui` yet",
    });

    // Keys while the guest runs: `?` (help) is answered by the UI alone; `p` must reach the stub and back.
    const helps: number[] = [];
    const pauses: number[] = [];
    for (let i = 0; i < 10; i++) {
      await keyToFrame(term, stdin, "c", /running/);
      await new Promise((r) => setTimeout(r, 100));
      helps.push(await keyToFrame(term, stdin, "?", /pcscope keys/));
      await keyToFrame(term, stdin, "x", /Registers/);
      pauses.push(await keyToFrame(term, stdin, "p", /stopped \(interrupted\)/));
      await dbg.whenIdle();
      await new Promise((r) => setTimeout(r, 40));
    }
    report({
      name: "tui key while the guest runs -> frame (median of 10, `?`)",
      unit: "ms",
      ours: median(helps),
      peer: null,
      peerName: "goal < 100",
      higherIsBetter: false,
      note: "QEMU runs SeaBIOS in its own process",
    });
    report({
      name: "tui pause key while running -> stopped frame (median of 10)",
      unit: "ms",
      ours: median(pauses),
      peer: null,
      peerName: "goal < 100",
      higherIsBetter: false,
    });
    ink.unmount();
    await dbg.close();
  } finally {
    qemu.kill("SIGKILL");
  }
}
