// A promise-based RSP client: connects to any gdb stub (pcscope's or QEMU's), does the handshake
// gdb 13 does (qSupported, QStartNoAckMode, one `?`, the target description), then offers register,
// memory, breakpoint, execution, monitor and thread operations. One request is on the wire at a
// time. It never sends `?` after the handshake: QEMU removes every breakpoint when it gets one.
import { connect, type Socket } from "node:net";
import { RspConnection } from "../conn/connection.ts";
import { unescapeBinary } from "../conn/framing.ts";
import { bytesToHex, hexToBytes, hexToText, readLeBig, textToHex, writeLe } from "../protocol/hex.ts";
import { parseFeatures } from "../protocol/query.ts";
import { type ParsedStop, parseStopReply } from "../protocol/stop-reply.ts";
import { buildLayout, includesOf, pcRegister, type RemoteRegister, type TargetLayout } from "./layout.ts";

/** How to reach a stub. */
export interface RspClientOptions {
  host?: string;
  port: number;
  /** Per-request timeout in ms (not for continue). Default 10 s. */
  timeoutMs?: number;
  /** Wire log (one line per packet each way). */
  log?: (line: string) => void;
}

/** An error from the stub (`Exx`) or the connection. */
export class RspError extends Error {
  override name = "RspError";
}

/** The stub's answer to a request. */
interface Pending {
  resolve(payload: Buffer): void;
  reject(err: Error): void;
  /** O packets are console output for this request (monitor, continue, step). */
  console: string[] | null;
  /** The target runs while this request waits: console output also goes to onConsole. */
  live: boolean;
  timer: NodeJS.Timeout | null;
}

/** Watchpoint kinds by Z type. */
const WATCH_TYPE = { write: 2, read: 3, access: 4 } as const;

/** Client for one stub connection. */
export class RspClient {
  /** Features from the stub's qSupported reply. */
  features = new Map<string, string>();
  /** The register layout built from the stub's target description. */
  layout: TargetLayout = { arch: "", registers: [], totalBytes: 0 };
  /** The stop reply received during the handshake. */
  initialStop: ParsedStop | null = null;
  /** Called with console text (O packets) that arrives while the target runs. */
  onConsole: (text: string) => void = () => {};
  private pending: Pending | null = null;
  private chain: Promise<unknown> = Promise.resolve();
  private closedError: Error | null = null;
  private readonly timeoutMs: number;

  private constructor(
    private readonly conn: RspConnection,
    opts: RspClientOptions,
  ) {
    this.timeoutMs = opts.timeoutMs ?? 10_000;
  }

  /** Connects and completes the handshake; rejects if the stub cannot be reached or answers badly. */
  static async connect(opts: RspClientOptions): Promise<RspClient> {
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = connect({ host: opts.host ?? "127.0.0.1", port: opts.port }, () => resolve(s));
      s.once("error", reject);
    });
    socket.setNoDelay(true);
    let client: RspClient | null = null;
    const conn = new RspConnection(
      socket,
      {
        packet: (payload) => client?.onPacket(payload),
        closed: () => client?.onClosed(),
      },
      1 << 21,
      opts.log,
    );
    client = new RspClient(conn, opts);
    try {
      await client.handshake();
    } catch (err) {
      conn.close();
      throw err;
    }
    return client;
  }

  /** Whether the stub executes in reverse (it offered ReverseStep+ and ReverseContinue+). */
  get canReverse(): boolean {
    return this.features.get("ReverseStep") === "+" && this.features.get("ReverseContinue") === "+";
  }

  /** Whether the stub said multiprocess+ (thread ids are then pPID.TID). */
  get multiprocess(): boolean {
    return this.features.get("multiprocess") === "+";
  }

  /** Reads every register: the `g` packet, then `p` for registers the `g` reply did not cover. */
  async readRegisters(): Promise<Map<string, bigint>> {
    const data = hexToBytes(await this.data("g"));
    const out = new Map<string, bigint>();
    for (const r of this.layout.registers) {
      const size = Math.ceil(r.bitsize / 8);
      if (r.offset + size <= data.length) out.set(r.name, readLeBig(data, r.offset, size));
      else {
        const reply = await this.request(`p${r.regnum.toString(16)}`);
        const text = reply.toString("latin1");
        if (isHexData(text)) out.set(r.name, readLeBig(hexToBytes(text), 0, text.length / 2));
      }
    }
    return out;
  }

  /** Reads one register by name (`pc` means eip/rip) with `p`, falling back to `g`. */
  async readRegister(name: string): Promise<bigint> {
    const reg = this.register(name);
    const reply = (await this.request(`p${reg.regnum.toString(16)}`)).toString("latin1");
    if (isHexData(reply)) {
      return readLeBig(hexToBytes(reply), 0, reply.length / 2);
    }
    const all = await this.readRegisters();
    return all.get(reg.name) ?? 0n;
  }

  /** Writes one register with `P`. */
  async writeRegister(name: string, value: bigint | number): Promise<void> {
    const reg = this.register(name);
    const bytes = new Uint8Array(Math.ceil(reg.bitsize / 8));
    writeLe(bytes, 0, bytes.length, value);
    await this.ok(`P${reg.regnum.toString(16)}=${bytesToHex(bytes)}`);
  }

  /** Reads memory in pieces the stub accepts; rejects on an `Exx` reply. */
  async readMemory(addr: number, length: number): Promise<Uint8Array> {
    const chunk = Math.max(16, Math.min(0x8000, Math.floor((this.packetSize() - 32) / 2)));
    const out = new Uint8Array(length);
    for (let done = 0; done < length; ) {
      const n = Math.min(chunk, length - done);
      const bytes = hexToBytes(await this.data(`m${((addr + done) >>> 0).toString(16)},${n.toString(16)}`));
      if (bytes.length === 0) throw new RspError(`stub returned no data at 0x${(addr + done).toString(16)}`);
      out.set(bytes.subarray(0, n), done);
      done += bytes.length;
    }
    return out;
  }

  /** Writes memory with `M` in pieces. */
  async writeMemory(addr: number, data: Uint8Array): Promise<void> {
    const chunk = Math.max(16, Math.floor((this.packetSize() - 32) / 2));
    for (let done = 0; done < data.length; done += chunk) {
      const piece = data.subarray(done, done + chunk);
      await this.ok(
        `M${((addr + done) >>> 0).toString(16)},${piece.length.toString(16)}:${bytesToHex(piece)}`,
      );
    }
  }

  /** Inserts (or removes) a software (`hardware` false) or hardware breakpoint. */
  async breakpoint(addr: number, insert = true, hardware = false): Promise<void> {
    await this.ok(`${insert ? "Z" : "z"}${hardware ? 1 : 0},${addr.toString(16)},1`);
  }

  /** Inserts (or removes) a data watchpoint. */
  async watchpoint(
    kind: "write" | "read" | "access",
    addr: number,
    length: number,
    insert = true,
  ): Promise<void> {
    await this.ok(`${insert ? "Z" : "z"}${WATCH_TYPE[kind]},${addr.toString(16)},${length.toString(16)}`);
  }

  /** Steps one instruction of `thread` (a thread id as the stub formats it) or the current one. */
  async step(thread?: string): Promise<ParsedStop> {
    return this.resume(thread === undefined ? "vCont;s" : `vCont;s:${thread}`, "s");
  }

  /** Continues until the target stops (breakpoint, watchpoint, interrupt()). */
  async cont(): Promise<ParsedStop> {
    return this.resume("vCont;c", "c");
  }

  /** Goes back one instruction (`bs`); the stop reply says `replaylog:begin` at the start of history. */
  async reverseStep(): Promise<ParsedStop> {
    return this.resume("bs", "bs");
  }

  /** Goes back to the previous breakpoint or watchpoint hit (`bc`). */
  async reverseCont(): Promise<ParsedStop> {
    return this.resume("bc", "bc");
  }

  /** Sends the out-of-band interrupt; the pending cont() resolves with the stop. */
  interrupt(): void {
    this.conn.sendRaw(Buffer.from([0x03]));
  }

  /** Runs a monitor command (qRcmd); resolves to its console output. */
  async monitor(command: string): Promise<string> {
    const console: string[] = [];
    const reply = (await this.request(`qRcmd,${textToHex(command)}`, console)).toString("latin1");
    if (reply.startsWith("E")) throw new RspError(`monitor '${command}' failed: ${reply}`);
    if (reply !== "OK" && reply !== "") console.push(hexToText(reply));
    return console.join("");
  }

  /** Lists thread ids (as the stub formats them) with qfThreadInfo/qsThreadInfo. */
  async threads(): Promise<string[]> {
    const out: string[] = [];
    let reply = await this.text("qfThreadInfo");
    for (let guard = 0; reply.startsWith("m") && guard < 4096; guard++) {
      out.push(
        ...reply
          .slice(1)
          .split(",")
          .filter((t) => t !== ""),
      );
      reply = await this.text("qsThreadInfo");
    }
    return out;
  }

  /** Selects the thread for register and memory operations (Hg). */
  async selectThread(thread: string): Promise<void> {
    await this.ok(`Hg${thread}`);
  }

  /** Sends a raw packet and returns the reply text (for diagnostics and tests). */
  async raw(payload: string): Promise<string> {
    return this.text(payload);
  }

  /** Detaches (the target resumes) and closes. */
  async detach(): Promise<void> {
    try {
      await this.request("D", null, 2000);
    } finally {
      this.close();
    }
  }

  /** Kills the target (vKill, falling back to k) and closes. */
  async kill(): Promise<void> {
    try {
      const reply = await this.text("vKill;1");
      if (reply === "") this.conn.send("k");
    } catch {
      // QEMU may close the connection before answering: that is a kill too.
    } finally {
      this.close();
    }
  }

  /** Closes the connection; pending requests reject. */
  close(): void {
    this.conn.close();
  }

  /** The layout entry for `name` (`pc` resolves to eip or rip). */
  register(name: string): RemoteRegister {
    const reg = name === "pc" ? pcRegister(this.layout) : this.layout.registers.find((r) => r.name === name);
    if (reg === undefined)
      throw new RspError(`no register '${name}' in the ${this.layout.arch || "unknown"} layout`);
    return reg;
  }

  private async handshake(): Promise<void> {
    const supported = await this.text(
      "qSupported:multiprocess+;swbreak+;hwbreak+;qRelocInsn+;fork-events+;vfork-events+;exec-events+;vContSupported+;QThreadEvents+;no-resumed+;xmlRegisters=i386",
    );
    this.features = parseFeatures(supported);
    if (this.features.get("QStartNoAckMode") === "+" && (await this.text("QStartNoAckMode")) === "OK") {
      this.conn.startNoAck();
    }
    this.initialStop = parseStopReply(await this.text("?"));
    if (this.features.get("qXfer:features:read") === "+") {
      const docs = new Map<string, string>();
      const queue = ["target.xml"];
      while (queue.length > 0) {
        const name = queue.shift()!;
        if (docs.has(name)) continue;
        const xml = await this.readXfer("features", name);
        docs.set(name, xml);
        queue.push(...includesOf(xml));
      }
      this.layout = buildLayout(docs);
    }
  }

  /** Reads a whole qXfer object in pieces. */
  private async readXfer(object: string, annex: string): Promise<string> {
    const parts: Buffer[] = [];
    const piece = Math.max(256, this.packetSize() - 32);
    for (let offset = 0; ; ) {
      const reply = await this.request(
        `qXfer:${object}:read:${annex}:${offset.toString(16)},${piece.toString(16)}`,
      );
      const kind = reply[0];
      if (kind !== 0x6d && kind !== 0x6c)
        throw new RspError(`qXfer ${annex}: unexpected reply '${reply.toString("latin1").slice(0, 20)}'`);
      const data = unescapeBinary(reply.subarray(1));
      if (data === null) throw new RspError(`qXfer ${annex}: bad escape`);
      parts.push(data);
      offset += data.length;
      if (kind === 0x6c || data.length === 0) break;
    }
    return Buffer.concat(parts).toString("utf8");
  }

  private packetSize(): number {
    const size = Number.parseInt(this.features.get("PacketSize") ?? "", 16);
    return Number.isFinite(size) && size > 64 ? size : 4096;
  }

  private async resume(packet: string, fallback: string): Promise<ParsedStop> {
    const supported = this.features.get("vContSupported") === "+" || this.features.has("vContSupported");
    let reply = await this.request(supported ? packet : fallback, [], 0);
    if (reply.length === 0) reply = await this.request(fallback, [], 0);
    const text = reply.toString("latin1");
    if (text.startsWith("E")) throw new RspError(`resume failed: ${text}`);
    return parseStopReply(text);
  }

  private async ok(payload: string): Promise<void> {
    const reply = await this.text(payload);
    if (reply !== "OK")
      throw new RspError(`'${payload.slice(0, 40)}' failed: ${reply === "" ? "not supported" : reply}`);
  }

  /** The reply as text, whatever it is. */
  private async text(payload: string): Promise<string> {
    return (await this.request(payload)).toString("latin1");
  }

  /** The reply as text; an `Exx` or empty reply rejects. */
  private async data(payload: string): Promise<string> {
    const reply = await this.text(payload);
    if (reply === "" || /^E[0-9a-fA-F]{2}$/.test(reply)) {
      throw new RspError(`'${payload.slice(0, 40)}' failed: ${reply === "" ? "not supported" : reply}`);
    }
    return reply;
  }

  /** Queues one request; `console` collects O packets; timeout 0 waits forever. */
  private request(
    payload: string,
    console: string[] | null = null,
    timeout = this.timeoutMs,
  ): Promise<Buffer> {
    const run = () =>
      new Promise<Buffer>((resolve, reject) => {
        if (this.closedError) {
          reject(this.closedError);
          return;
        }
        const pending: Pending = { resolve, reject, console, live: timeout === 0, timer: null };
        if (timeout > 0) {
          pending.timer = setTimeout(() => {
            if (this.pending === pending) this.pending = null;
            reject(new RspError(`no reply to '${payload.slice(0, 40)}' within ${timeout} ms`));
          }, timeout);
        }
        this.pending = pending;
        this.conn.send(payload);
      });
    const result = this.chain.then(run, run);
    this.chain = result.catch(() => {});
    return result;
  }

  private onPacket(payload: Buffer): void {
    const pending = this.pending;
    if (payload.length > 1 && payload[0] === 0x4f && payload[1] !== 0x4b) {
      // `O hex`: console output (never an answer by itself).
      let text: string;
      try {
        text = hexToText(payload.subarray(1).toString("latin1"));
      } catch {
        return;
      }
      pending?.console?.push(text);
      if (pending === null || pending.live) this.onConsole(text);
      return;
    }
    if (pending === null) return;
    this.pending = null;
    if (pending.timer) clearTimeout(pending.timer);
    pending.resolve(payload);
  }

  private onClosed(): void {
    this.closedError = new RspError("connection closed");
    const pending = this.pending;
    this.pending = null;
    if (pending) {
      if (pending.timer) clearTimeout(pending.timer);
      pending.reject(this.closedError);
    }
  }
}

/** True for a non-empty, even-length run of hex digits (a register value, not `Exx`). */
function isHexData(text: string): boolean {
  return (
    text.length > 0 && text.length % 2 === 0 && /^[0-9a-fA-F]+$/.test(text) && !/^E[0-9a-fA-F]{2}$/.test(text)
  );
}
