// A bounded ring buffer of trace events: the recent history the UI shows. Pushing is O(1) and never
// allocates once the ring is full; the oldest event is overwritten and counted as dropped.
import type { TraceBus, TraceEvent } from "./bus.ts";

export class TraceRing {
  private readonly slots: (TraceEvent | undefined)[];
  private head = 0;
  private count = 0;
  /** Events overwritten because the ring was full. */
  dropped = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity <= 0)
      throw new RangeError(`ring capacity must be > 0, got ${capacity}`);
    this.slots = new Array(capacity);
  }

  /** Appends `event`, overwriting the oldest when full. */
  push(event: TraceEvent): void {
    this.slots[this.head] = event;
    this.head = (this.head + 1) % this.capacity;
    if (this.count < this.capacity) this.count++;
    else this.dropped++;
  }

  /** Events held now. */
  get size(): number {
    return this.count;
  }

  /** The held events, oldest first. */
  toArray(): TraceEvent[] {
    const out: TraceEvent[] = [];
    const start = (this.head - this.count + this.capacity) % this.capacity;
    for (let i = 0; i < this.count; i++) out.push(this.slots[(start + i) % this.capacity]!);
    return out;
  }

  /** Empties the ring (the dropped count stays). */
  clear(): void {
    this.slots.fill(undefined);
    this.count = 0;
    this.head = 0;
  }

  /** Subscribes the ring to `pattern` on `bus`; returns the unsubscribe. */
  attach(bus: TraceBus, pattern: string): () => void {
    return bus.subscribe(pattern, (e) => this.push(e));
  }
}
