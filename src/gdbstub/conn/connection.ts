// One RSP connection over a byte stream: frames outgoing packets, parses incoming ones, and runs the
// acknowledgement protocol (every packet is acked `+`, a bad checksum is answered `-` and the peer
// resends; our packets wait in a queue until acked and are resent on `-`) until no-ack mode is on.
// Used by the stub and by the client alike.
import type { Duplex } from "node:stream";
import { FrameParser, frame, frameText } from "./framing.ts";

/** What the owner of a connection handles. */
export interface ConnectionHandlers {
  /** A well-formed packet's payload (RLE expanded, still `}`-escaped). */
  packet(payload: Buffer): void;
  /** The peer sent 0x03 outside a packet. */
  interrupt?(): void;
  /** A packet longer than the limit arrived and was dropped (already acked). */
  oversize?(length: number): void;
  /** The stream ended or failed. */
  closed?(): void;
}

/** How many times one packet is resent after `-` before the connection gives up on it. */
const MAX_RESENDS = 16;

/** A framed, acknowledged packet stream. */
export class RspConnection {
  /** True once QStartNoAckMode took effect: no `+`/`-` in either direction. */
  private noAck = false;
  /** Framed packets sent and not yet acknowledged (the head is on the wire). */
  private readonly queue: (Buffer | string)[] = [];
  private resends = 0;
  private readonly parser: FrameParser;
  private isClosed = false;

  /** Needs: a connected stream. Guarantees: handlers are called in stream order, never after close. */
  constructor(
    private readonly stream: Duplex,
    private readonly handlers: ConnectionHandlers,
    maxPayload: number,
    private readonly log?: (line: string) => void,
  ) {
    this.parser = new FrameParser((event) => {
      if (this.isClosed) return;
      switch (event.kind) {
        case "packet":
          if (!event.ok) {
            if (!this.noAck) this.stream.write("-");
            this.log?.(`bad checksum on '${printable(event.payload)}'${this.noAck ? "" : ", sent NAK"}`);
            return;
          }
          if (!this.noAck) {
            this.stream.write("+");
            // The peer only talks after it received our reply: treat its packet as the ack.
            if (this.queue.length > 0) this.acked();
          }
          this.handlers.packet(event.payload);
          return;
        case "ack":
          if (this.queue.length > 0) this.acked();
          return;
        case "nak":
          this.resend();
          return;
        case "interrupt":
          this.handlers.interrupt?.();
          return;
        case "oversize":
          if (!this.noAck) this.stream.write("+");
          this.handlers.oversize?.(event.length);
          return;
      }
    }, maxPayload);
    stream.on("data", (chunk: Buffer) => this.parser.feed(chunk));
    stream.on("error", () => this.close());
    stream.on("close", () => this.close());
    stream.on("end", () => this.close());
  }

  /** Whether the connection is still open. */
  get open(): boolean {
    return !this.isClosed;
  }

  /**
   * Sends one packet (payload already escaped where binary; a string payload holds bytes as chars
   * below 0x100) in a single write, synchronously: a reply never waits for a later tick.
   */
  send(payload: Buffer | string): void {
    if (this.isClosed) return;
    const framed = typeof payload === "string" ? frameText(payload) : frame(payload);
    if (this.noAck) {
      this.stream.write(framed, "latin1");
      return;
    }
    this.queue.push(framed);
    if (this.queue.length === 1) this.stream.write(framed, "latin1");
  }

  /** Sends raw bytes outside any packet (the 0x03 interrupt, a bare `+`). */
  sendRaw(bytes: string | Buffer): void {
    if (!this.isClosed) this.stream.write(bytes);
  }

  /** Turns acknowledgements off for both directions (after QStartNoAckMode's OK). */
  startNoAck(): void {
    this.noAck = true;
    // Anything still waiting for an ack goes out as is.
    for (const framed of this.queue.splice(1)) this.stream.write(framed, "latin1");
    this.queue.length = 0;
  }

  /** Whether no-ack mode is on. */
  get ackless(): boolean {
    return this.noAck;
  }

  /** Closes the stream; handlers.closed runs once. */
  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.queue.length = 0;
    this.stream.destroy();
    this.handlers.closed?.();
  }

  private acked(): void {
    this.queue.shift();
    this.resends = 0;
    const next = this.queue[0];
    if (next !== undefined) this.stream.write(next, "latin1");
  }

  private resend(): void {
    const head = this.queue[0];
    if (head === undefined) return;
    if (++this.resends > MAX_RESENDS) {
      this.log?.(`peer refused a packet ${MAX_RESENDS} times; dropping it`);
      this.acked();
      return;
    }
    this.stream.write(head, "latin1");
  }
}

/** A short printable rendering of a payload for logs. */
export function printable(payload: Uint8Array, max = 60): string {
  let s = "";
  for (let i = 0; i < payload.length && i < max; i++) {
    const b = payload[i]!;
    s += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, "0")}`;
  }
  return payload.length > max ? `${s}...` : s;
}
