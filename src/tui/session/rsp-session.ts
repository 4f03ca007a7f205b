// DebugSession over the RSP client (src/gdbstub): works with pcscope's stub and any other (QEMU's
// `-gdb tcp::PORT`). Segment bases/limits come from `monitor info registers` when the stub answers
// it in QEMU's format; otherwise the UI falls back to selector*16 in real mode.
import { type ParsedStop, RspClient } from "../../gdbstub/index.ts";
import type {
  Arch,
  BreakKind,
  CpuExtras,
  DebugSession,
  PhysicalX87,
  RegisterSet,
  SegmentInfo,
  StopReason,
  TraceFeed,
} from "./debug-session.ts";

/** The client addresses memory with 32-bit numbers. */
const ADDRESS_LIMIT = 0x1_0000_0000n;
// gdb signal numbers in stop replies.
const SIGINT = 2;

/** Maps target.xml's `<architecture>` to the UI's Arch. */
export function archOf(text: string, registerNames: Iterable<string>): Arch {
  if (text === "i8086") return "i8086";
  if (text.includes("x86-64")) return "x86-64";
  for (const n of registerNames) if (n === "rip") return "x86-64";
  return "i386";
}

/** Converts a parsed stop reply; `stepping` says the request was a single step. */
export function stopReasonOf(stop: ParsedStop, stepping: boolean): StopReason {
  if (stop.type === "exited")
    return { kind: "exited", code: stop.status, text: `exited with status ${stop.status}` };
  if (stop.type === "killed")
    return { kind: "exited", code: stop.signal, text: `killed by signal ${stop.signal}` };
  if (stop.fields.get("replaylog") === "begin")
    return { kind: "historyStart", code: stop.signal, text: "no more reverse-execution history" };
  for (const r of stop.reasons) {
    if (r.kind === "watch" || r.kind === "rwatch" || r.kind === "awatch")
      return {
        kind: "watch",
        addr: BigInt(r.addr >>> 0),
        code: stop.signal,
        text: `${r.kind} 0x${(r.addr >>> 0).toString(16)}`,
      };
    if (r.kind === "swbreak" || r.kind === "hwbreak")
      return { kind: "breakpoint", code: stop.signal, text: r.kind };
    if (r.kind === "ioport") {
      const port = Number.parseInt(r.text.split(",")[0] ?? "", 16);
      return {
        kind: "watch",
        port: Number.isNaN(port) ? undefined : port,
        code: stop.signal,
        text: `I/O ${r.text}`,
      };
    }
  }
  if (stop.signal === SIGINT) return { kind: "interrupted", code: stop.signal, text: "interrupted" };
  if (stepping) return { kind: "step", code: stop.signal, text: "step" };
  return { kind: "signal", code: stop.signal, text: `signal ${stop.signal}` };
}

/**
 * pcscope's stub prints segment attributes as its CpuView keeps them (access byte in bits 0-7, the
 * G/DB/L/AVL nibble in bits 12-15); QEMU's layout has them in bits 8-15 and 20-23. Converts to QEMU's.
 */
function qemuFlagsOfPcscope(attrs: number): number {
  return ((attrs & 0xff) << 8) | (((attrs >>> 12) & 0xf) << 20);
}

/**
 * Parses QEMU's `info registers` dump: `CS =f000 ffff0000 0000ffff 00009b00`, `GDT=     000f6c00 00000037`,
 * `EFER=0000000000000000`, and pcscope's variant of it (headed `CPU#0 (real mode)`, attributes in
 * its own bit layout). Returns null when no segment line is present (another stub's format).
 */
export function parseQemuInfoRegisters(text: string): CpuExtras | null {
  const pcscope = /^CPU#\d+ \(/m.test(text);
  const segments = new Map<string, SegmentInfo>();
  for (const m of text.matchAll(
    /^(ES|CS|SS|DS|FS|GS|LDT|TR)\s*=([0-9a-f]{4}) ([0-9a-f]{8,16}) ([0-9a-f]{8}) ([0-9a-f]{8})/gim,
  )) {
    segments.set(m[1]!.toLowerCase(), {
      selector: Number.parseInt(m[2]!, 16),
      base: BigInt(`0x${m[3]}`),
      limit: Number.parseInt(m[4]!, 16),
      flags: pcscope ? qemuFlagsOfPcscope(Number.parseInt(m[5]!, 16)) : Number.parseInt(m[5]!, 16),
    });
  }
  if (segments.size === 0) return null;
  const table = (name: string) => {
    const m = new RegExp(`^${name}=\\s*([0-9a-f]{8,16}) ([0-9a-f]{8})`, "im").exec(text);
    return m ? { base: BigInt(`0x${m[1]}`), limit: Number.parseInt(m[2]!, 16) } : undefined;
  };
  const efer = /EFER=([0-9a-f]+)/i.exec(text);
  return {
    segments,
    gdt: table("GDT"),
    idt: table("IDT"),
    efer: efer ? BigInt(`0x${efer[1]}`) : undefined,
    x87: parseQemuX87(text),
  };
}

/** QEMU's `FTW=ff` and `FPR0=<significand> <sign+exponent>` ... `FPR7=` lines, when all are there. */
function parseQemuX87(text: string): PhysicalX87 | undefined {
  const ftw = /\bFTW=([0-9a-f]{2})\b/i.exec(text);
  const registers: bigint[] = [];
  for (const m of text.matchAll(/\bFPR([0-7])=([0-9a-f]{16}) ([0-9a-f]{4})\b/gi))
    registers[Number(m[1])] = (BigInt(`0x${m[3]}`) << 64n) | BigInt(`0x${m[2]}`);
  if (ftw === null || registers.filter((r) => r !== undefined).length !== 8) return undefined;
  return { abridgedTags: Number.parseInt(ftw[1]!, 16), registers };
}

/** A DebugSession over one RSP connection. */
export class RspSession implements DebugSession {
  readonly description: string;
  readonly gdbAddress: string | null = null;
  private extrasSupported = true;
  /** The thread selected with Hg (null: the stub's default). */
  private thread: string | null = null;

  private constructor(
    readonly client: RspClient,
    where: string,
    readonly trace: TraceFeed | null,
  ) {
    this.description = `stub at ${where} (${client.layout.arch || "no target description"})`;
  }

  /** Connects to `host:port`; rejects with the connection error. */
  static async connect(host: string, port: number, trace: TraceFeed | null = null): Promise<RspSession> {
    const client = await RspClient.connect({ host, port });
    return new RspSession(client, `${host}:${port}`, trace);
  }

  async readRegisters(): Promise<RegisterSet> {
    const values = await this.client.readRegisters();
    return { arch: archOf(this.client.layout.arch, values.keys()), values };
  }

  async readExtras(): Promise<CpuExtras | null> {
    if (!this.extrasSupported) return null;
    try {
      const extras = parseQemuInfoRegisters(await this.client.monitor("info registers"));
      if (extras === null) this.extrasSupported = false;
      return extras;
    } catch {
      this.extrasSupported = false;
      return null;
    }
  }

  async readMemory(addr: bigint, length: number): Promise<Uint8Array | null> {
    if (addr < 0n || addr >= ADDRESS_LIMIT) return null;
    const clamped = Number(addr + BigInt(length) > ADDRESS_LIMIT ? ADDRESS_LIMIT - addr : BigInt(length));
    try {
      return await this.client.readMemory(Number(addr), clamped);
    } catch {
      return null;
    }
  }

  async writeMemory(addr: bigint, data: Uint8Array): Promise<boolean> {
    try {
      await this.client.writeMemory(Number(addr), data);
      return true;
    } catch {
      return false;
    }
  }

  async stepInstruction(): Promise<StopReason> {
    return stopReasonOf(await this.followThread(await this.client.step()), true);
  }

  async resume(): Promise<StopReason> {
    return stopReasonOf(await this.followThread(await this.client.cont()), false);
  }

  canReverse(): boolean {
    return this.client.canReverse;
  }

  async reverseStepInstruction(): Promise<StopReason> {
    return stopReasonOf(await this.followThread(await this.client.reverseStep()), true);
  }

  async reverseContinue(): Promise<StopReason> {
    return stopReasonOf(await this.followThread(await this.client.reverseCont()), false);
  }

  /**
   * Makes the thread a stop names the one registers and memory are read from (Hg), as gdb switches
   * to the thread that stopped: with several vCPUs the UI then shows the CPU that hit the breakpoint.
   */
  private async followThread(stop: ParsedStop): Promise<ParsedStop> {
    if (stop.type !== "stopped" || stop.thread === null) return stop;
    const { pid, tid } = stop.thread;
    const id = this.client.multiprocess ? `p${pid.toString(16)}.${tid.toString(16)}` : tid.toString(16);
    if (id !== this.thread) {
      await this.client.selectThread(id);
      this.thread = id;
    }
    return stop;
  }

  async interrupt(): Promise<void> {
    this.client.interrupt();
  }

  async insertBreak(kind: BreakKind, addr: bigint, length: number): Promise<boolean> {
    return this.changeBreak(kind, addr, length, true);
  }

  async removeBreak(kind: BreakKind, addr: bigint, length: number): Promise<boolean> {
    return this.changeBreak(kind, addr, length, false);
  }

  private async changeBreak(
    kind: BreakKind,
    addr: bigint,
    length: number,
    insert: boolean,
  ): Promise<boolean> {
    try {
      if (kind === "sw" || kind === "hw") await this.client.breakpoint(Number(addr), insert, kind === "hw");
      else await this.client.watchpoint(kind, Number(addr), length, insert);
      return true;
    } catch {
      return false;
    }
  }

  async monitor(command: string): Promise<string> {
    return this.client.monitor(command);
  }

  async close(): Promise<void> {
    try {
      await this.client.detach();
    } catch {
      this.client.close();
    }
  }
}
