// Test fixtures: the gdb-demo ROM on pcscope's bare machine behind an in-process gdb server, its nm
// symbols, and a raw socket that speaks bytes (for wire-level tests).
import { readFileSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createBareMachine } from "../../src/emu/machine/board-bare.ts";
import type { Machine } from "../../src/emu/machine/machine.ts";
import { type GdbServer, startGdbServer } from "../../src/gdbstub/index.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
/** The demo ROM and its nm listing. */
export const DEMO_ROM = join(root, "firmware", "gdb-demo", "gdb-demo.bin");
export const DEMO_NM = join(root, "symbols", "gdb-demo.nm");

/** Symbol addresses from symbols/gdb-demo.nm. */
export function demoSymbols(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of readFileSync(DEMO_NM, "utf8").split("\n")) {
    const [addr, , name] = line.split(" ");
    if (addr && name) out[name] = Number.parseInt(addr, 16);
  }
  return out;
}

/** A machine, its server and a log of what the server said. */
export interface Demo {
  machine: Machine;
  server: GdbServer;
  logs: string[];
  close(): Promise<void>;
}

/**
 * Starts the demo ROM (or `rom`) paused behind a gdb server on a free port: recording history if
 * asked, after running `warmUp` instructions if asked (so hot code is translated before gdb attaches),
 * translating as `jit` says (default: as the machine's default).
 */
export async function startDemo(
  rom = DEMO_ROM,
  options: { history?: boolean; warmUp?: number; jit?: boolean } = {},
): Promise<Demo> {
  const machine = createBareMachine({
    bios: readFileSync(rom),
    debugcons: [{ port: 0x402, sink: null }],
    jit: options.jit,
  });
  if (options.history === true) machine.enableHistory();
  if (options.warmUp !== undefined) machine.run(options.warmUp);
  const logs: string[] = [];
  const server = await startGdbServer(machine, { port: 0, startPaused: true, log: (l) => logs.push(l) });
  return { machine, server, logs, close: () => server.close() };
}

/** A raw TCP peer: send bytes, wait for bytes matching a pattern. */
export class Wire {
  private buffer = "";
  private waiters: (() => void)[] = [];
  /** Acknowledge every packet received with `+`, as gdb does in ack mode. */
  autoAck = false;
  /** Received text not yet scanned for complete packets (for autoAck). */
  private scan = "";
  private constructor(readonly socket: Socket) {
    socket.setEncoding("latin1");
    socket.setNoDelay(true);
    socket.on("data", (chunk: string) => {
      this.buffer += chunk;
      if (this.autoAck) {
        this.scan += chunk;
        const packets = this.scan.match(/\$[^#$]*#../g) ?? [];
        for (let i = 0; i < packets.length; i++) socket.write("+");
        const last = this.scan.lastIndexOf("#");
        if (packets.length > 0 && last >= 0) this.scan = this.scan.slice(last + 3);
      }
      for (const w of this.waiters.splice(0)) w();
    });
    socket.on("close", () => {
      for (const w of this.waiters.splice(0)) w();
    });
  }

  static async open(port: number): Promise<Wire> {
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = connect({ host: "127.0.0.1", port }, () => resolve(s));
      s.once("error", reject);
    });
    return new Wire(socket);
  }

  /** Writes raw bytes. */
  write(data: string | Buffer): void {
    this.socket.write(typeof data === "string" ? Buffer.from(data, "latin1") : data);
  }

  /** Waits until the received text matches `re` (from the start of what is unread); consumes through the match. */
  async expect(re: RegExp, timeoutMs = 5000): Promise<RegExpExecArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = re.exec(this.buffer);
      if (m) {
        this.buffer = this.buffer.slice(m.index + m[0].length);
        return m;
      }
      if (this.socket.destroyed)
        throw new Error(`socket closed; unread '${this.buffer}' does not match ${re}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timeout waiting for ${re}; unread '${this.buffer.slice(0, 200)}'`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Everything received and not consumed. */
  get unread(): string {
    return this.buffer;
  }

  /** Sends a framed packet (payload given raw, checksum computed). */
  packet(payload: string | Buffer): void {
    const body = typeof payload === "string" ? Buffer.from(payload, "latin1") : payload;
    let sum = 0;
    for (const b of body) sum = (sum + b) & 0xff;
    this.write(Buffer.concat([Buffer.from("$"), body, Buffer.from(`#${sum.toString(16).padStart(2, "0")}`)]));
  }

  /** Sends a packet and returns the payload of the next packet received (acks skipped). */
  async ask(payload: string | Buffer, timeoutMs = 5000): Promise<string> {
    this.packet(payload);
    return this.reply(timeoutMs);
  }

  /** The payload of the next packet received (acks and O packets before it are skipped). */
  async reply(timeoutMs = 5000): Promise<string> {
    for (;;) {
      const m = await this.expect(/\$([^#$]*)#([0-9a-f]{2})/, timeoutMs);
      if (m[1]!.startsWith("O") && m[1] !== "OK") continue;
      return m[1]!;
    }
  }

  close(): void {
    this.socket.destroy();
  }
}
