// The POST code port 0x80 (the ISA "manufacturing diagnostic" port; QEMU maps a dummy ioport80 there).
// Writes are kept as the last POST code and emitted as a `post_code` trace event; reads return all
// ones like QEMU's.
import { type PortBus, SIZE_8 } from "../io/port-bus.ts";
import { loadPlain, type PlainRecord, savePlain } from "../snapshot/plain.ts";
import type { TraceBus, TracePoint } from "../trace/bus.ts";

export const POST_PORT = 0x80;

/** The saved state. */
export type PostState = PlainRecord;

/** The port. */
export class PostPort {
  readonly name = "ioport80";
  /** Last code written (-1: none since power-on). */
  last = -1;
  /** Codes written so far (bounded). */
  readonly history: number[] = [];
  private readonly point: TracePoint;

  constructor(io: PortBus, trace: TraceBus) {
    this.point = trace.point("post_code");
    io.register(POST_PORT, 1, {
      name: this.name,
      sizes: SIZE_8,
      read: () => 0xff,
      write: (_p, _s, v) => this.write(v),
    });
  }

  /** The last POST code and the codes so far, as plain data. */
  saveState(): PostState {
    return savePlain(this, ["point"]);
  }

  /** Puts back a saveState() copy. */
  loadState(s: PostState): void {
    loadPlain(this, s);
  }

  private write(v: number): void {
    this.last = v;
    if (this.history.length < 4096) this.history.push(v);
    if (this.point.on) this.point.emit({ code: v });
  }
}
