// The I/O port log: port accesses from the trace feed (`portio_read`/`portio_write`, or QEMU's
// `cpu_in`/`cpu_out`), named by PortDecoder, kept in a bounded ring and filterable by port ranges.
import type { TraceEvent } from "../session/debug-session.ts";
import { PortDecoder } from "./port-names.ts";

/** One logged access. */
export interface IoEntry {
  /** Guest instruction count when it happened. */
  readonly insn: number;
  readonly port: number;
  readonly write: boolean;
  readonly size: number;
  readonly value: number;
  /** `0x1f7 ATA command <- 0xe7 FLUSH CACHE`. */
  readonly text: string;
}

/** Inclusive port ranges; empty means everything. */
export type PortFilter = ReadonlyArray<readonly [number, number]>;

export type FilterResult = { ok: true; filter: PortFilter } | { ok: false; error: string };

/** Parses `0x1f0-0x1f7,0x3f6,0xc040-0xc04f` (hex with or without 0x; `all` or "" = no filter). */
export function parsePortFilter(text: string): FilterResult {
  const t = text.trim();
  if (t === "" || t === "all" || t === "*") return { ok: true, filter: [] };
  const ranges: Array<readonly [number, number]> = [];
  for (const part of t.split(/[,\s]+/)) {
    const m = /^(?:0x)?([0-9a-f]{1,4})(?:-(?:0x)?([0-9a-f]{1,4}))?$/i.exec(part);
    if (!m) return { ok: false, error: `bad port range '${part}' (e.g. 0x1f0-0x1f7)` };
    const first = Number.parseInt(m[1]!, 16);
    const last = m[2] !== undefined ? Number.parseInt(m[2], 16) : first;
    if (last < first) return { ok: false, error: `empty port range '${part}'` };
    ranges.push([first, last]);
  }
  return { ok: true, filter: ranges };
}

/** True when `port` passes `filter`. */
export function portMatches(filter: PortFilter, port: number): boolean {
  if (filter.length === 0) return true;
  for (const [first, last] of filter) if (port >= first && port <= last) return true;
  return false;
}

const PORT_EVENTS: ReadonlyMap<string, boolean> = new Map([
  ["portio_write", true],
  ["portio_read", false],
  ["cpu_out", true],
  ["cpu_in", false],
]);

/**
 * A pseudo event a trace feed sends for port accesses it did not forward (flood control): its
 * `count` field adds to the total without entries.
 */
export const DROPPED_PORT_EVENTS = "pcscope_portio_dropped";

/** A bounded log of port accesses. */
export class IoLog {
  private readonly ring: IoEntry[] = [];
  private start = 0;
  /** Total accesses seen (including those dropped from the ring). */
  total = 0;
  readonly decoder: PortDecoder;

  constructor(
    private readonly capacity = 4096,
    bmdmaBase: number | null = null,
  ) {
    this.decoder = new PortDecoder(bmdmaBase);
  }

  /** Takes a trace event; returns true when it was a port access. */
  onEvent(event: TraceEvent): boolean {
    const write = PORT_EVENTS.get(event.name);
    if (write === undefined) {
      if (event.name !== DROPPED_PORT_EVENTS) return false;
      this.total += Number(event.fields.count ?? 0);
      return true;
    }
    const port = Number(event.fields.addr ?? event.fields.port ?? 0);
    const size = Number(event.fields.size ?? 1);
    const value = Number(event.fields.val ?? event.fields.value ?? 0) >>> 0;
    this.add({
      insn: event.insn,
      port,
      write,
      size,
      value,
      text: this.decoder.describe(port, write, value, size),
    });
    return true;
  }

  /** Appends one entry, dropping the oldest when full. */
  add(entry: IoEntry): void {
    this.total++;
    if (this.ring.length < this.capacity) this.ring.push(entry);
    else {
      this.ring[this.start] = entry;
      this.start = (this.start + 1) % this.capacity;
    }
  }

  /** The last `count` entries passing `filter`, oldest first. */
  tail(count: number, filter: PortFilter = []): IoEntry[] {
    const out: IoEntry[] = [];
    const n = this.ring.length;
    for (let i = n - 1; i >= 0 && out.length < count; i--) {
      const entry = this.ring[(this.start + i) % n]!;
      if (portMatches(filter, entry.port)) out.push(entry);
    }
    return out.reverse();
  }
}
