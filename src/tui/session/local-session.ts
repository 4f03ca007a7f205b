// The DebugSession of `pcscope tui`: pcscope's own machine in a worker thread (src/tui/local), driven
// over RSP on a private loopback port like any other stub, plus what only pcscope gives: the trace
// feed (port accesses, debug console, block requests) and the doings of a gdb attached alongside.
import { Worker } from "node:worker_threads";
import type { TraceEvent } from "../../emu/trace/bus.ts";
import type { UiMessage, WorkerInit, WorkerMessage } from "../local/protocol.ts";
import { DROPPED_PORT_EVENTS } from "../logic/io-log.ts";
import type {
  BreakKind,
  CpuExtras,
  DebugSession,
  ExternalEvent,
  ExternalFeed,
  RegisterSet,
  StopReason,
  TraceFeed,
} from "./debug-session.ts";
import { RspSession } from "./rsp-session.ts";

/** How long the worker may take to come up (run from source, it compiles the emulator's TypeScript first). */
const START_TIMEOUT_MS = 30_000;
/**
 * The machine worker's entry. Compiled (dist/, what `pcscope` runs) it is the worker bundled into
 * one file (scripts/bundle.mjs); run from source (tests, benchmarks) it is worker-entry.mjs, which
 * registers tsx first, since a worker thread does not inherit the main thread's TypeScript loader.
 */
const WORKER_ENTRY = import.meta.url.endsWith(".js")
  ? new URL("../machine-worker.bundle.js", import.meta.url)
  : new URL("../local/worker-entry.mjs", import.meta.url);
/** How long close() waits for the worker to end by itself. */
const CLOSE_GRACE_MS = 1000;

/** Listeners of one kind, called in subscription order. */
class Listeners<T> {
  private readonly set = new Set<(value: T) => void>();
  subscribe = (listener: (value: T) => void): (() => void) => {
    this.set.add(listener);
    return () => this.set.delete(listener);
  };
  emit(value: T): void {
    for (const l of this.set) l(value);
  }
}

/** A failure to start the machine that the user caused (bad image, port taken): one line. */
export class LocalStartError extends Error {}

/** pcscope's machine in a worker, as a DebugSession. */
export class LocalSession implements DebugSession {
  readonly description: string;
  readonly trace: TraceFeed;
  readonly external: ExternalFeed;
  private readonly traceListeners = new Listeners<TraceEvent>();
  private readonly externalListeners = new Listeners<ExternalEvent>();
  /** True while the gdb alongside runs the guest (pause then goes to the worker). */
  private gdbRunning = false;
  private ended = false;

  private constructor(
    private readonly worker: Worker,
    private readonly rsp: RspSession,
    readonly gdbAddress: string | null,
    readonly firmware: string,
    machine: string,
  ) {
    this.description = `${machine}, ${firmware.split("/").pop()}`;
    this.trace = { subscribe: this.traceListeners.subscribe };
    this.external = { subscribe: this.externalListeners.subscribe };
    worker.on("message", (m: WorkerMessage) => this.onMessage(m));
    worker.on("error", (err) =>
      this.externalListeners.emit({ kind: "log", text: `the machine worker crashed: ${err.message}` }),
    );
    worker.once("exit", () => {
      this.ended = true;
    });
  }

  /**
   * Starts the worker with `init`, waits until the machine is paused at reset and both stubs
   * listen, and connects. Rejects with LocalStartError for a user error, Error for anything else.
   * `onAdvance` hears the progress of init.advance (the start time-out restarts at each report).
   */
  static async start(
    init: WorkerInit,
    onAdvance: (done: number, total: number) => void = () => {},
  ): Promise<LocalSession> {
    const worker = new Worker(WORKER_ENTRY, {
      workerData: init,
      stdout: true,
      stderr: true,
    });
    let output = "";
    worker.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8");
    });
    worker.stderr.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8");
    });
    let ready: Extract<WorkerMessage, { type: "ready" }>;
    try {
      ready = await new Promise((resolve, reject) => {
        const expire = () => reject(new Error("the machine worker did not start"));
        let timer = setTimeout(expire, START_TIMEOUT_MS);
        const done = (f: () => void) => {
          clearTimeout(timer);
          worker.off("message", onMessage);
          f();
        };
        const onMessage = (m: WorkerMessage) => {
          if (m.type === "ready") done(() => resolve(m));
          else if (m.type === "advancing") {
            clearTimeout(timer);
            timer = setTimeout(expire, START_TIMEOUT_MS);
            onAdvance(m.done, m.total);
          } else if (m.type === "error") done(() => reject(new LocalStartError(m.message)));
        };
        worker.on("message", onMessage);
        worker.once("error", (err) => done(() => reject(err)));
        worker.once("exit", (code) =>
          done(() => reject(new Error(`the machine worker exited (${code}): ${output.trim()}`))),
        );
      });
    } catch (err) {
      await worker.terminate();
      throw err;
    }
    let rsp: RspSession;
    try {
      rsp = await RspSession.connect("127.0.0.1", ready.uiPort);
    } catch (err) {
      await worker.terminate();
      throw err;
    }
    return new LocalSession(worker, rsp, ready.gdbAddress, ready.firmware, ready.machine);
  }

  private onMessage(m: WorkerMessage): void {
    switch (m.type) {
      case "trace":
        for (const e of m.events) this.traceListeners.emit(e);
        if (m.dropped > 0)
          this.traceListeners.emit({
            name: DROPPED_PORT_EVENTS,
            insn: 0,
            hostNs: 0,
            fields: { count: m.dropped },
            req: 0,
            parent: 0,
            co: 0,
          });
        break;
      case "gdbRunning":
        this.gdbRunning = true;
        this.externalListeners.emit({ kind: "running", text: m.text });
        break;
      case "gdbStopped":
        this.gdbRunning = false;
        this.externalListeners.emit({ kind: "stopped", text: m.text });
        break;
      case "gdbChanged":
        this.externalListeners.emit({ kind: "changed" });
        break;
      case "log":
        this.externalListeners.emit({ kind: "log", text: m.text });
        break;
    }
  }

  private send(message: UiMessage): void {
    this.worker.postMessage(message);
  }

  readRegisters(): Promise<RegisterSet> {
    return this.rsp.readRegisters();
  }

  readExtras(): Promise<CpuExtras | null> {
    return this.rsp.readExtras();
  }

  readMemory(addr: bigint, length: number): Promise<Uint8Array | null> {
    return this.rsp.readMemory(addr, length);
  }

  writeMemory(addr: bigint, data: Uint8Array): Promise<boolean> {
    return this.rsp.writeMemory(addr, data);
  }

  stepInstruction(): Promise<StopReason> {
    return this.rsp.stepInstruction();
  }

  resume(): Promise<StopReason> {
    return this.rsp.resume();
  }

  canReverse(): boolean {
    return this.rsp.canReverse();
  }

  reverseStepInstruction(): Promise<StopReason> {
    return this.rsp.reverseStepInstruction();
  }

  reverseContinue(): Promise<StopReason> {
    return this.rsp.reverseContinue();
  }

  async interrupt(): Promise<void> {
    if (this.gdbRunning) this.send({ type: "pause" });
    else await this.rsp.interrupt();
  }

  insertBreak(kind: BreakKind, addr: bigint, length: number): Promise<boolean> {
    return this.rsp.insertBreak(kind, addr, length);
  }

  removeBreak(kind: BreakKind, addr: bigint, length: number): Promise<boolean> {
    return this.rsp.removeBreak(kind, addr, length);
  }

  monitor(command: string): Promise<string> {
    return this.rsp.monitor(command);
  }

  /** Detaches, closes both stubs and ends the worker (terminated if it lingers). */
  async close(): Promise<void> {
    await this.rsp.close();
    if (this.ended) return;
    const exited = new Promise<void>((resolve) => this.worker.once("exit", () => resolve()));
    this.send({ type: "close" });
    const timer = setTimeout(() => void this.worker.terminate(), CLOSE_GRACE_MS);
    await exited;
    clearTimeout(timer);
  }
}
