// One debugger connection: the state gdb builds up (selected threads, no-ack, multiprocess,
// physical-memory mode, its breakpoints and watchpoints, the target description it read) and the
// dispatcher that answers each packet from the packet table. Errors in one packet are answered
// with `Exx` and never end the session; unknown packets get the empty reply and are logged once.
import type { Socket } from "node:net";
import type { DebugTarget, IoWatchDir, StopEvent, WatchKind } from "../../emu/debug-target.ts";
import type { SymbolTable } from "../../symbols/index.ts";
import { printable, RspConnection } from "../conn/connection.ts";
import { ERRNO, ProtocolError } from "../protocol/errors.ts";
import { textToHex } from "../protocol/hex.ts";
import { targetDocuments } from "../target-xml/describe.ts";
import type { Executor } from "./executor.ts";
import { type Capability, lookupHandler, packetName } from "./packet-table.ts";
import { realModeView, wantsRealModeView } from "./real-mode.ts";
import { RegisterAccess } from "./registers.ts";
import { type FormattedStop, formatStop } from "./stop-reply.ts";

/** Largest packet we accept and advertise: a 64 KiB `M`/`X` or `m` reply fits with room to spare. */
export const PACKET_SIZE = 0x20200;
/** Longest memory transfer in one packet. */
export const MAX_MEMORY = 0x10000;
/** O packets carry at most this many bytes of console text each. */
const CONSOLE_CHUNK = 1024;

/** A data watchpoint gdb inserted. */
export interface Watch {
  kind: WatchKind;
  addr: number;
  length: number;
}

/** An I/O watch the monitor inserted. */
export interface IoWatch {
  first: number;
  last: number;
  dir: IoWatchDir;
}

/** What the session needs from the server. */
export interface SessionHost {
  readonly target: DebugTarget;
  readonly executor: Executor;
  readonly address: string;
  /** The symbols given with --symbols (monitor info symbol, sym, NAME as an address), or null. */
  readonly symbols: SymbolTable | null;
  /** Architecture to describe to the next session that reads target.xml (`monitor arch`). */
  archSetting: ArchSetting;
  /** QEMU's single-step flags (`qqemu.sstep`, handlers-resume.ts); kept across sessions as in QEMU. */
  sstepFlags: number;
  log(line: string): void;
  /** The debugger detached: the guest resumes without a client. */
  detached(session: Session): void;
  /** The debugger killed the guest (k / vKill). */
  killed(session: Session): void;
  /** The guest exited (W sent). */
  exited(status: number): void;
  /** The connection closed. */
  closed(session: Session): void;
}

/** How the served description chooses its architecture (see stub/real-mode.ts). */
export type ArchSetting = "auto" | "i386" | "i8086";

/** State and dispatch for one connection. */
export class Session {
  readonly conn: RspConnection;
  readonly regs: RegisterAccess;
  multiprocess = false;
  /** qqemu.PhyMemMode: m/M/X address physical memory. */
  physical = false;
  /** vCPU (0-based) for registers and memory (Hg) and for resuming (Hc). */
  gCpu = 0;
  cCpu = 0;
  /** The last stop and its vCPU: `?` formats it with the registers of the moment. */
  private lastEvent: StopEvent;
  private lastCpu = 0;
  /**
   * Breakpoint reference counts by linear address (Z0 and Z1 separately): the target's add/remove
   * run on the first insert and the last remove of each kind.
   */
  readonly swBreaks = new Map<number, number>();
  readonly hwBreaks = new Map<number, number>();
  readonly watches: Watch[] = [];
  readonly ioWatches: IoWatch[] = [];
  /** The documents gdb read this session (null until the first qXfer of target.xml). */
  documents: Map<string, Buffer> | null = null;
  /** Unsubscribes the monitor's trace listener. */
  traceOff: (() => void) | null = null;
  /** Console lines produced while no reply was pending, sent with the next resume. */
  readonly pendingConsole: string[] = [];
  private readonly unknownLogged = new Set<string>();
  /** True while gdb waits for a stop reply (console text may be sent as O packets). */
  private awaitingStop = false;

  constructor(
    socket: Socket,
    readonly host: SessionHost,
    initialStop: StopEvent,
  ) {
    this.regs = new RegisterAccess(host.target);
    this.conn = new RspConnection(
      socket,
      {
        packet: (payload) => this.onPacket(payload),
        interrupt: () => host.executor.interrupt(),
        oversize: (length) => {
          host.log(`dropped a ${length}-byte packet (PacketSize is ${PACKET_SIZE})`);
          this.conn.send(new ProtocolError("packet too long", ERRNO.ENOSPC).reply());
        },
        closed: () => host.closed(this),
      },
      PACKET_SIZE,
      host.log,
    );
    this.lastEvent = initialStop;
  }

  /** The reply to `?` (and to a vCont that resumes nothing). */
  get lastStop(): string {
    return formatStop(this.lastEvent, this.lastCpu, this).reply;
  }

  /** The target. */
  get target(): DebugTarget {
    return this.host.target;
  }

  /** For stop replies: whether a stop at `addr` is a Z1 breakpoint. */
  isHardwareBreakpoint(addr: number): boolean {
    return this.hwBreaks.has(addr >>> 0) && !this.swBreaks.has(addr >>> 0);
  }

  /** Validates a 1-based thread id (0/-1 = current) and returns the 0-based vCPU. */
  cpuOf(tid: number, current: number): number {
    if (tid <= 0) return current;
    if (tid > this.cpuCount()) throw new ProtocolError(`no thread ${tid}`, ERRNO.ENOENT);
    return tid - 1;
  }

  /** vCPUs of the target: one unless it has the vcpus capability. */
  cpuCount(): number {
    return this.target.vcpus?.cpuCount() ?? 1;
  }

  /** Whether the target provides what packets of `capability` need. */
  supports(capability: Capability): boolean {
    if (capability === "step") return this.target.singleStep !== undefined;
    if (capability === "reverse") return this.target.reverse !== undefined;
    return true;
  }

  /** The description documents, computed once per session from the CPU mode at that moment. */
  describe(): Map<string, Buffer> {
    if (this.documents === null) {
      const view = wantsRealModeView(this.host.archSetting, this.target)
        ? realModeView(this.target.arch)
        : null;
      this.regs.use(view?.arch ?? this.target.arch, view?.layout ?? null);
      this.documents = new Map();
      for (const [name, xml] of targetDocuments(this.regs.arch)) this.documents.set(name, Buffer.from(xml));
    }
    return this.documents;
  }

  /** Starts the guest; the stop reply follows when it stops. */
  resume(): void {
    this.awaitingStop = true;
    this.flushConsole();
    this.host.executor.start();
  }

  /** Reports a synchronous stop (a step) exactly like an asynchronous one. */
  resumeStep(event: StopEvent, cpu: number): void {
    this.awaitingStop = true;
    this.flushConsole();
    this.stopped(event, cpu);
  }

  /** Called by the server when the guest stopped while this session waits. */
  stopped(event: StopEvent, cpu: number): void {
    this.lastEvent = event;
    this.lastCpu = cpu;
    const stop = formatStop(event, cpu, this);
    this.sendStop(stop);
    if (stop.exited) this.host.exited(event.kind === "exit" ? event.status : 0);
  }

  /** Sends a formatted stop (console line first). */
  sendStop(stop: FormattedStop): void {
    if (stop.console !== null) this.console(stop.console);
    this.awaitingStop = false;
    this.conn.send(stop.reply);
  }

  /** Console text for the user: sent now while gdb waits for a stop, else queued. */
  console(text: string): void {
    if (this.awaitingStop) this.sendConsole(text);
    else if (this.pendingConsole.length < 1000) this.pendingConsole.push(text);
  }

  /** Sends `text` as O packets right now (gdb must be waiting: resume or qRcmd). */
  sendConsole(text: string): void {
    for (let i = 0; i < text.length; i += CONSOLE_CHUNK)
      this.conn.send(`O${textToHex(text.slice(i, i + CONSOLE_CHUNK))}`);
  }

  /** Removes every breakpoint, watchpoint, I/O watch and trace this session inserted. */
  clearDebugState(): void {
    const { swBreakpoints, hwBreakpoints, watchpoints, ioWatches } = this.target;
    for (const addr of this.swBreaks.keys()) swBreakpoints?.remove(addr);
    for (const addr of this.hwBreaks.keys()) hwBreakpoints?.remove(addr);
    this.swBreaks.clear();
    this.hwBreaks.clear();
    for (const w of this.watches.splice(0)) watchpoints?.remove(w.kind, w.addr, w.length);
    for (const w of this.ioWatches.splice(0)) ioWatches?.remove(w.first, w.last, w.dir);
    this.traceOff?.();
    this.traceOff = null;
  }

  private flushConsole(): void {
    for (const text of this.pendingConsole.splice(0)) this.sendConsole(text);
  }

  private onPacket(payload: Buffer): void {
    const name = packetName(payload);
    const entry = lookupHandler(name);
    if (entry === undefined || !this.supports(entry.capability)) {
      if (!this.unknownLogged.has(name)) {
        this.unknownLogged.add(name);
        this.host.log(`unsupported packet '${printable(payload, 40)}' (answered empty; logged once)`);
      }
      this.conn.send("");
      return;
    }
    const resumes =
      entry.capability === "resume" || entry.capability === "step" || entry.capability === "reverse";
    if (this.host.executor.isRunning && resumes) {
      this.conn.send(new ProtocolError("already running", ERRNO.EPERM).reply());
      return;
    }
    let reply: string | Buffer | null;
    try {
      reply = entry.handler(this, payload, payload.toString("latin1"));
    } catch (err) {
      // A malformed packet is the debugger's problem; anything else is ours, but still not fatal.
      const known = err instanceof ProtocolError;
      this.host.log(
        `'${printable(payload, 40)}': ${known ? err.message : `internal error: ${(err as Error).stack}`}`,
      );
      reply = known ? err.reply() : new ProtocolError("internal error", ERRNO.EIO).reply();
    }
    if (reply !== null) this.conn.send(reply);
  }
}
