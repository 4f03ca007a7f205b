// Messages between the UI thread and the machine worker of `pcscope tui` (worker_threads). The UI
// drives the machine through RSP on a private loopback port; this channel only carries what RSP
// cannot: the trace feed, what a gdb attached alongside does, and shutdown. Types only, plus the
// trace pattern the UI's panes need; nothing here imports the emulator at runtime.
import type { RunOptions } from "../../emu/machine/run-config.ts";
import type { TraceEvent } from "../../emu/trace/bus.ts";

/** What the worker is started with (workerData). */
export interface WorkerInit {
  /** Parsed `pcscope run` options (the machine and its firmware). */
  readonly options: RunOptions;
  /** Where the public gdb stub listens; `fallback` lets it take a free port when this one is busy. */
  readonly gdb: { readonly host: string; readonly port: number; readonly fallback: boolean } | null;
  /**
   * Instructions to step before the machine is reported ready, one at a time with interrupts and
   * timers held as `pcscope diff` steps (diff --tui opens the UI where the diff stopped). 0 if absent.
   */
  readonly advance?: number;
}

/** Worker -> UI. */
export type WorkerMessage =
  /** The machine is built and paused at the reset vector; both stubs listen. */
  | {
      readonly type: "ready";
      readonly uiPort: number;
      readonly gdbAddress: string | null;
      readonly firmware: string;
      readonly machine: string;
    }
  /** Stepping towards WorkerInit.advance: `done` of `total` instructions so far. */
  | { readonly type: "advancing"; readonly done: number; readonly total: number }
  /** Building the machine or binding a port failed (a user error: bad image, port taken). */
  | { readonly type: "error"; readonly message: string }
  /** Trace events since the last batch; `dropped` port accesses were not kept (flood control). */
  | { readonly type: "trace"; readonly events: TraceEvent[]; readonly dropped: number }
  /** The gdb attached alongside started running the guest. */
  | { readonly type: "gdbRunning"; readonly text: string }
  /** ... and the guest stopped again. */
  | { readonly type: "gdbStopped"; readonly text: string }
  /** The gdb attached alongside stepped or wrote registers/memory while the guest was stopped. */
  | { readonly type: "gdbChanged" }
  /** A line for the UI's console (gdb connected, detached...). */
  | { readonly type: "log"; readonly text: string };

/** UI -> worker. */
export type UiMessage =
  /** Stop the guest if the gdb alongside runs it (the UI stops its own runs through RSP). */
  | { readonly type: "pause" }
  /** Close both stubs and end the worker. */
  | { readonly type: "close" };

/** Trace events the UI's panes use: port accesses (I/O log, firmware log) and block requests. */
export const UI_TRACE_PATTERN =
  "portio_*,debugcon*,ide_*,bmdma_*,dma_*,blk_*,bdrv_*,qcow2_*,raw_*,file_*,qemu_coroutine_*";
