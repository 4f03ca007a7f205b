// A TCP proxy between the UI's RSP client and a stub that records every packet the client sends:
// each is one round trip (the client keeps one request on the wire at a time), so tests can assert
// how many an operation took and which breakpoints it inserted and removed.
import { connect, createServer, type Server, type Socket } from "node:net";

export class RspCounter {
  /** Payloads the client sent, in order. */
  readonly sent: string[] = [];
  private readonly sockets: Socket[] = [];
  private pending = "";

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  /** Listens on a free 127.0.0.1 port and forwards each connection to `stubPort`. */
  static async start(stubPort: number): Promise<RspCounter> {
    let counter: RspCounter | null = null;
    const server = createServer((client) => {
      const stub = connect({ host: "127.0.0.1", port: stubPort });
      counter!.sockets.push(client, stub);
      client.on("data", (data) => {
        counter!.record(data.toString("latin1"));
        stub.write(data);
      });
      stub.on("data", (data) => client.write(data));
      client.on("close", () => stub.destroy());
      stub.on("close", () => client.destroy());
      client.on("error", () => stub.destroy());
      stub.on("error", () => client.destroy());
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    if (address === null || typeof address === "string") throw new Error("proxy has no port");
    counter = new RspCounter(server, address.port);
    return counter;
  }

  /** Splits client bytes into packets (`$payload#cs`); acks and interrupts are not round trips. */
  private record(text: string): void {
    this.pending += text;
    for (;;) {
      const start = this.pending.indexOf("$");
      const end = start < 0 ? -1 : this.pending.indexOf("#", start);
      if (end < 0 || end + 3 > this.pending.length) return;
      this.sent.push(this.pending.slice(start + 1, end));
      this.pending = this.pending.slice(end + 3);
    }
  }

  /** Packets sent since `mark` (a length of `sent` taken earlier). */
  since(mark: number): string[] {
    return this.sent.slice(mark);
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
