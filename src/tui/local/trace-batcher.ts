// Collects the machine's trace events between posts to the UI (every ~16 ms). A guest polling a
// port flat out makes millions of port events a second; a batch keeps at most `portLimit` plain
// port accesses and counts the rest as dropped, while debug-console writes and block request
// events are always kept (the firmware log and the request trees must be complete).
import type { TraceEvent } from "../../emu/trace/bus.ts";
import { DEBUGCON_PORTS } from "../logic/debugcon-log.ts";

/** Port accesses kept per batch. */
export const PORT_EVENTS_PER_BATCH = 1024;

/** One batch as posted. */
export interface TraceBatch {
  events: TraceEvent[];
  dropped: number;
}

export class TraceBatcher {
  private events: TraceEvent[] = [];
  private ports = 0;
  private dropped = 0;

  constructor(private readonly portLimit = PORT_EVENTS_PER_BATCH) {}

  /** Takes one event (the trace bus listener). */
  push = (event: TraceEvent): void => {
    if (event.name === "portio_read" || event.name === "portio_write") {
      const debugcon =
        event.name === "portio_write" && DEBUGCON_PORTS.includes(Number(event.fields.addr ?? -1));
      if (!debugcon) {
        if (this.ports >= this.portLimit) {
          this.dropped++;
          return;
        }
        this.ports++;
      }
    }
    this.events.push(event);
  };

  /** The events since the last take (null when there are none), and starts a new batch. */
  take(): TraceBatch | null {
    if (this.events.length === 0 && this.dropped === 0) return null;
    const batch = { events: this.events, dropped: this.dropped };
    this.events = [];
    this.ports = 0;
    this.dropped = 0;
    return batch;
  }
}
