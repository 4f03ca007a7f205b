// The trace bus: typed events with QEMU-compatible names, delivered to subscribers that asked for
// them by pattern. A producer holds a TracePoint per event name and tests `point.on` before building
// the event, so an event nobody listens to costs one property read.

import { compileGlob } from "../../shared/glob.ts";

/** A field value on a trace event. bigint is allowed for 64-bit offsets. */
export type TraceValue = number | string | boolean | bigint;

/** One emitted event. */
export interface TraceEvent {
  /** QEMU's event name where one exists (`portio_write`, `ide_exec_cmd`, `qcow2_writev_start_req`...). */
  readonly name: string;
  /** Guest instructions retired when the event was emitted. */
  readonly insn: number;
  /** Host time in nanoseconds since the bus was created (monotonic). */
  readonly hostNs: number;
  /** The event's own fields, named as in QEMU's trace-events where one exists. */
  readonly fields: Readonly<Record<string, TraceValue>>;
  /** Block request id this event belongs to (0 = none). */
  readonly req: number;
  /** Parent request id (0 = root). */
  readonly parent: number;
  /** Coroutine id the event was emitted from (0 = not in a coroutine). */
  readonly co: number;
}

/** Identifiers tying an event to a block request and coroutine. */
export interface TraceIds {
  req?: number;
  parent?: number;
  co?: number;
}

export type TraceListener = (event: TraceEvent) => void;

/**
 * Compiles a pattern like `ide_*,qcow2_*,!qcow2_cache_*` into a predicate on event names (globs from
 * src/shared/glob.ts, matched in linear time). Throws PatternError for a glob over its length limit.
 */
export function compileTracePattern(pattern: string): (name: string) => boolean {
  const include: ((name: string) => boolean)[] = [];
  const exclude: ((name: string) => boolean)[] = [];
  for (const raw of pattern.split(",")) {
    const part = raw.trim();
    if (part === "") continue;
    const negated = part.startsWith("!") || part.startsWith("-");
    (negated ? exclude : include).push(compileGlob(negated ? part.slice(1) : part));
  }
  return (name) => include.some((match) => match(name)) && !exclude.some((match) => match(name));
}

/** A named event source. `on` is true while at least one subscriber wants this name. */
export class TracePoint {
  /** True when someone listens: producers test this before building fields. */
  on = false;
  /** Listeners that matched this name; rebuilt by the bus when subscriptions change. */
  listeners: TraceListener[] = [];

  constructor(
    private readonly bus: TraceBus,
    readonly name: string,
  ) {}

  /** Emits the event to this point's listeners. Needs: `on` checked by the caller for speed. */
  emit(fields: Record<string, TraceValue>, ids?: TraceIds): void {
    if (!this.on || this.bus.muted()) return;
    const event: TraceEvent = {
      name: this.name,
      insn: this.bus.insnClock(),
      hostNs: this.bus.hostNs(),
      fields,
      req: ids?.req ?? 0,
      parent: ids?.parent ?? 0,
      co: ids?.co ?? 0,
    };
    for (const listener of this.listeners) listener(event);
  }
}

interface Subscription {
  readonly match: (name: string) => boolean;
  readonly listener: TraceListener;
}

/** The bus: owns one TracePoint per name and the subscriptions. */
export class TraceBus {
  private readonly points = new Map<string, TracePoint>();
  private readonly subscriptions = new Set<Subscription>();
  private readonly startNs = process.hrtime.bigint();
  /**
   * No event reaches a listener while this says so: reverse execution re-running moments already
   * traced. Asked only for events someone listens to.
   */
  muted: () => boolean = () => false;
  /** Source of the guest instruction count; the machine installs its CPU's counter here. */
  insnClock: () => number = () => 0;

  /** Host nanoseconds since the bus was created. */
  hostNs(): number {
    return Number(process.hrtime.bigint() - this.startNs);
  }

  /** Returns the TracePoint for `name`, creating it (and matching it to subscriptions) once. */
  point(name: string): TracePoint {
    let point = this.points.get(name);
    if (point === undefined) {
      point = new TracePoint(this, name);
      this.points.set(name, point);
      this.refresh(point);
    }
    return point;
  }

  /** All event names produced so far (points created), sorted. */
  names(): string[] {
    return [...this.points.keys()].sort();
  }

  /** Subscribes `listener` to every event whose name matches `pattern`; returns the unsubscribe. */
  subscribe(pattern: string, listener: TraceListener): () => void {
    const sub: Subscription = { match: compileTracePattern(pattern), listener };
    this.subscriptions.add(sub);
    for (const point of this.points.values()) this.refresh(point);
    return () => {
      this.subscriptions.delete(sub);
      for (const point of this.points.values()) this.refresh(point);
    };
  }

  private refresh(point: TracePoint): void {
    point.listeners = [];
    for (const sub of this.subscriptions) if (sub.match(point.name)) point.listeners.push(sub.listener);
    point.on = point.listeners.length > 0;
  }
}
