// The machine worker of `pcscope tui`: builds pcscope's machine from the run options, paused at
// the reset vector, and serves it through two gdb stubs (src/gdbstub) behind a RunGate: a private
// one on an ephemeral 127.0.0.1 port for the UI's RSP session, and the public one (`--gdb`, `-s`,
// 127.0.0.1:1234 by default) for a `gdb` alongside. The guest runs here, in the stubs' slice loops,
// so the UI thread stays free for keys and frames. Trace events go to the UI in batches.
import { parentPort, workerData } from "node:worker_threads";
import { HELD_STEP } from "../../emu/debug-target.ts";
import { ConfigError } from "../../emu/machine/config.ts";
import { type GdbServer, startGdbServer } from "../../gdbstub/index.ts";
import { type BuiltMachine, buildMachine } from "./machine-factory.ts";
import { UI_TRACE_PATTERN, type UiMessage, type WorkerInit, type WorkerMessage } from "./protocol.ts";
import { RunGate } from "./run-gate.ts";
import { TraceBatcher } from "./trace-batcher.ts";

/** How often trace batches are posted and the gate is polled (ms). */
const BATCH_MS = 16;
/** gdb-side changes while stopped are reported at most this often (ms). */
const CHANGED_MS = 50;
/** Progress towards WorkerInit.advance is reported at most this often (ms). */
const ADVANCE_REPORT_MS = 250;
/** Steps between looks at the clock while advancing. */
const ADVANCE_CHUNK = 1000;

const port = parentPort!;
const post = (message: WorkerMessage) => port.postMessage(message);

/** Starts the public stub; with `fallback`, a busy port gives way to a free one. */
async function startPublic(built: BuiltMachine, gate: RunGate, init: WorkerInit): Promise<GdbServer | null> {
  const want = init.gdb;
  if (want === null) return null;
  // Connections and detaches interest the user; packet-level notes (unsupported packets) do not.
  const log = (line: string) => {
    if (/debugger|listening|busy/.test(line)) post({ type: "log", text: `gdb stub: ${line}` });
  };
  const options = { host: want.host, startPaused: true, log };
  try {
    return await startGdbServer(gate.view("gdb"), { ...options, port: want.port });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    if (!want.fallback || code !== "EADDRINUSE")
      throw new Error(`cannot listen for gdb on ${want.host}:${want.port}: ${code}`);
    log(`${want.host}:${want.port} is busy; listening on a free port instead`);
    return await startGdbServer(gate.view("gdb"), { ...options, port: 0 });
  } finally {
    built.flush();
  }
}

/**
 * Steps `built`'s boot CPU `total` instructions as `pcscope diff` does (interrupts and timers held),
 * reporting progress; stops early when the run ends (exit, halt, a fault stop). Returns the steps
 * taken.
 */
function advance(built: BuiltMachine, total: number): number {
  let done = 0;
  let reported = performance.now();
  while (done < total) {
    const chunkEnd = Math.min(total, done + ADVANCE_CHUNK);
    for (; done < chunkEnd; done++) {
      const kind = built.machine.step(0, HELD_STEP).kind;
      if (kind !== "step" && kind !== "budget" && kind !== "reset") return done;
    }
    built.flush();
    if (performance.now() - reported >= ADVANCE_REPORT_MS) {
      reported = performance.now();
      post({ type: "advancing", done, total });
    }
  }
  return done;
}

/** Builds everything and reports `ready` (or `error`). */
async function main(): Promise<void> {
  const init = workerData as WorkerInit;
  let built: BuiltMachine;
  try {
    // A file that cannot be written (a full disk) becomes a log line; the session goes on.
    built = await buildMachine(init.options, (line) => post({ type: "log", text: line }));
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    post({ type: "error", message: err.message });
    return;
  }
  // The UI and gdb can go back: the history records unless --history off.
  const historyBytes = init.options.historyBytes;
  if (historyBytes !== 0) {
    const why = built.machine.enableHistory(historyBytes ?? undefined);
    if (why !== null && historyBytes !== null) post({ type: "log", text: `--history: ${why}` });
  }
  const wanted = init.advance ?? 0;
  if (wanted > 0) {
    const taken = advance(built, wanted);
    if (taken < wanted) post({ type: "log", text: `the run ended after ${taken} of ${wanted} instructions` });
  }
  let changedTimer: NodeJS.Timeout | null = null;
  const gate = new RunGate(built.machine, {
    gdbRunning: () => post({ type: "gdbRunning", text: "gdb runs the guest" }),
    gdbStopped: (text) => post({ type: "gdbStopped", text: `gdb: ${text}` }),
    gdbChanged: () => {
      changedTimer ??= setTimeout(() => {
        changedTimer = null;
        post({ type: "gdbChanged" });
      }, CHANGED_MS);
    },
  });
  const batcher = new TraceBatcher();
  built.machine.trace.subscribe(UI_TRACE_PATTERN, batcher.push);

  let ui: GdbServer;
  let gdb: GdbServer | null;
  try {
    ui = await startGdbServer(gate.view("ui"), { host: "127.0.0.1", port: 0, startPaused: true });
    gdb = await startPublic(built, gate, init);
  } catch (err) {
    post({ type: "error", message: (err as Error).message });
    built.close();
    return;
  }

  const timer = setInterval(() => {
    gate.poll();
    const batch = batcher.take();
    if (batch !== null) post({ type: "trace", events: batch.events, dropped: batch.dropped });
    built.flush();
  }, BATCH_MS);

  port.on("message", async (message: UiMessage) => {
    if (message.type === "pause") gate.pauseGdb();
    else if (message.type === "close") {
      clearInterval(timer);
      if (changedTimer !== null) clearTimeout(changedTimer);
      await Promise.all([ui.close(), gdb?.close()]);
      built.close();
      port.close();
    }
  });

  post({
    type: "ready",
    uiPort: ui.port,
    gdbAddress: gdb?.address ?? null,
    firmware: built.firmware,
    machine: built.description,
  });
}

await main();
