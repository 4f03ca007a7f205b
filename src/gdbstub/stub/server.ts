// The gdb server: listens on TCP (127.0.0.1 unless told otherwise), serves one debugger at a time
// (a second connection is refused with an error reply and the first keeps working), and owns the
// Executor that runs the guest in slices whether or not a debugger is attached.
import { createServer, type Server, type Socket } from "node:net";
import { type DebugTarget, describeStop, type StopEvent } from "../../emu/debug-target.ts";
import type { SymbolTable } from "../../symbols/index.ts";
import { RspConnection } from "../conn/connection.ts";
import { Executor } from "./executor.ts";
import { SSTEP_DEFAULT } from "./handlers-resume.ts";
import { type ArchSetting, PACKET_SIZE, Session, type SessionHost } from "./session.ts";

/** How to start the server. */
export interface GdbServerOptions {
  /** Address to bind; 127.0.0.1 unless given explicitly. */
  host?: string;
  /** TCP port; 0 picks a free one (see GdbServer.port). */
  port: number;
  /** Keep the guest stopped until a debugger continues it (`-S`). */
  startPaused?: boolean;
  /** Where the server logs (unsupported packets once each, malformed packets, connections). */
  log?: (line: string) => void;
  /** The nm listings given with --symbols, for the monitor's symbol commands and addresses. */
  symbols?: SymbolTable;
}

/** Why the server's guest ended. */
export type GdbServerEnd = { kind: "exit"; status: number } | { kind: "kill" };

/** A running server. */
export interface GdbServer {
  readonly host: string;
  readonly port: number;
  /** `host:port` as gdb's `target remote` wants it. */
  readonly address: string;
  /** Resolves when the guest exits (isa-debug-exit) or a debugger kills it. */
  readonly done: Promise<GdbServerEnd>;
  /** Whether a debugger is attached now. */
  readonly attached: boolean;
  /** Stops listening, drops the debugger and stops the guest. */
  close(): Promise<void>;
}

/** Message a second debugger gets (gdb 13 prints the text of an `E.` reply). */
const BUSY = "E.pcscope: another debugger is already attached to this machine (one at a time)";

/** Starts listening; resolves once the port is bound. Rejects if it cannot bind. */
export async function startGdbServer(target: DebugTarget, opts: GdbServerOptions): Promise<GdbServer> {
  const host = opts.host ?? "127.0.0.1";
  const log = opts.log ?? (() => {});
  const server = new Controller(target, host, log, opts.symbols ?? null);
  const net = createServer((socket) => server.accept(socket));
  await new Promise<void>((resolve, reject) => {
    net.once("error", reject);
    net.listen(opts.port, host, () => {
      net.off("error", reject);
      resolve();
    });
  });
  net.on("error", (err) => log(`gdb server error: ${err.message}`));
  const address = net.address();
  const port = typeof address === "object" && address !== null ? address.port : opts.port;
  server.address = host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
  log(`gdb server listening on ${server.address}${opts.startPaused ? " (guest paused)" : ""}`);
  if (!opts.startPaused) server.executor.start();
  return {
    host,
    port,
    address: server.address,
    done: server.done,
    get attached() {
      return server.session !== null;
    },
    close: () => server.close(net),
  };
}

/** The server's state: the guest, the current session, the end promise. */
class Controller implements SessionHost {
  readonly executor: Executor;
  session: Session | null = null;
  address = "";
  archSetting: ArchSetting = "auto";
  sstepFlags = SSTEP_DEFAULT;
  readonly done: Promise<GdbServerEnd>;
  private finish: (end: GdbServerEnd) => void = () => {};
  private lastEvent: StopEvent = { kind: "step" };
  private readonly sockets = new Set<Socket>();

  constructor(
    readonly target: DebugTarget,
    readonly host: string,
    readonly log: (line: string) => void,
    readonly symbols: SymbolTable | null,
  ) {
    this.done = new Promise((resolve) => {
      this.finish = resolve;
    });
    this.executor = new Executor(target, {
      stopped: (event) => this.onStopped(event),
      reset: (why) => this.session?.console(`pcscope: ${describeStop({ kind: "reset", why })}\n`),
    });
  }

  /** A new TCP connection: becomes the session, or is refused when one exists. */
  accept(socket: Socket): void {
    socket.setNoDelay(true);
    this.sockets.add(socket);
    socket.on("close", () => this.sockets.delete(socket));
    if (this.session !== null) {
      this.refuse(socket);
      return;
    }
    if (this.executor.isRunning) {
      // gdb expects a stopped target when it attaches.
      this.executor.halt();
      this.lastEvent = { kind: "interrupted" };
    }
    this.log(`debugger connected from ${socket.remoteAddress}:${socket.remotePort}`);
    this.session = new Session(socket, this, this.lastEvent);
  }

  /** Answers the first packet of a second debugger with an error and closes it. */
  private refuse(socket: Socket): void {
    this.log(`refused a second debugger from ${socket.remoteAddress}:${socket.remotePort}`);
    const conn: RspConnection = new RspConnection(
      socket,
      {
        packet: () => {
          conn.send(BUSY);
          setTimeout(() => conn.close(), 100);
        },
      },
      PACKET_SIZE,
    );
  }

  detached(session: Session): void {
    this.log("debugger detached; the guest runs on");
    session.clearDebugState();
    this.session = null;
    this.executor.start();
    setTimeout(() => session.conn.close(), 50);
  }

  killed(session: Session): void {
    this.log("debugger killed the guest");
    session.clearDebugState();
    this.executor.halt();
    this.session = null;
    setTimeout(() => session.conn.close(), 50);
    this.finish({ kind: "kill" });
  }

  exited(status: number): void {
    this.finish({ kind: "exit", status });
  }

  closed(session: Session): void {
    if (this.session !== session) return;
    this.log(`debugger disconnected; the guest stays ${this.executor.isRunning ? "running" : "stopped"}`);
    session.clearDebugState();
    this.session = null;
  }

  private onStopped(event: StopEvent): void {
    this.lastEvent = event;
    if (this.session !== null) {
      this.session.stopped(event, this.target.vcpus?.stoppedCpu() ?? 0);
      return;
    }
    if (event.kind === "exit") this.finish({ kind: "exit", status: event.status });
    else this.log(`guest stopped without a debugger attached: ${event.kind}`);
  }

  async close(net: Server): Promise<void> {
    this.executor.halt();
    this.session?.clearDebugState();
    this.session = null;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => net.close(() => resolve()));
  }
}
