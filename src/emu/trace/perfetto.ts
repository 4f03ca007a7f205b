// Chrome Trace Event JSON (the format Perfetto's UI and chrome://tracing open). Every trace event
// becomes a zero-length complete ("X") slice on its thread (the main loop, or one track per
// coroutine); each coroutine slice (enter to yield/terminate) is a complete slice; each block request
// is a nestable async span (b/e) keyed by its id; and each request tree gets a flow (s/t/f) from the
// root's first event (the port write) through its children to the root's last event (the completion
// interrupt).
import type { TraceEvent, TraceValue } from "./bus.ts";

/** One Chrome trace event. */
export interface ChromeEvent {
  name: string;
  ph: string;
  ts: number;
  pid: number;
  tid: number;
  cat?: string;
  dur?: number;
  id?: number;
  bp?: string;
  s?: string;
  args?: Record<string, string | number | boolean>;
}

/** The JSON document. */
export interface ChromeTrace {
  traceEvents: ChromeEvent[];
  displayTimeUnit: "ns";
}

const PID = 1;
const MAIN_TID = 1;

/** Thread id of an event: the main loop or its coroutine's track. */
function tidOf(e: TraceEvent): number {
  return e.co === 0 ? MAIN_TID : 1000 + e.co;
}

/** Category: the event name's subsystem prefix (`qcow2`, `blk`, `ide`...). */
function catOf(name: string): string {
  const i = name.indexOf("_");
  return i > 0 ? name.slice(0, i) : name;
}

function jsonValue(v: TraceValue): string | number | boolean {
  return typeof v === "bigint" ? v.toString() : v;
}

/** Microseconds of an event. */
function tsOf(e: TraceEvent): number {
  return e.hostNs / 1000;
}

/** Converts events (in emission order) to a Chrome trace document. */
export function toChromeTrace(events: readonly TraceEvent[]): ChromeTrace {
  const out: ChromeEvent[] = [];
  out.push({ name: "process_name", ph: "M", ts: 0, pid: PID, tid: MAIN_TID, args: { name: "pcscope" } });
  out.push({ name: "thread_name", ph: "M", ts: 0, pid: PID, tid: MAIN_TID, args: { name: "main loop" } });
  const coNames = new Map<number, string>();
  const coOpen = new Map<number, number>();
  const reqs = new Map<number, { first: TraceEvent; last: TraceEvent; parent: number }>();
  for (const e of events) {
    const args: Record<string, string | number | boolean> = { insn: e.insn };
    for (const k of Object.keys(e.fields)) args[k] = jsonValue(e.fields[k]!);
    if (e.req !== 0) {
      args.req = e.req;
      args.parent = e.parent;
    }
    if (e.co !== 0) args.co = e.co;
    out.push({
      name: e.name,
      ph: "X",
      ts: tsOf(e),
      dur: 0,
      pid: PID,
      tid: tidOf(e),
      cat: catOf(e.name),
      args,
    });
    if (e.co !== 0) {
      if (e.name === "qemu_coroutine_enter") {
        if (!coNames.has(e.co)) coNames.set(e.co, String(e.fields.entry ?? "coroutine"));
        coOpen.set(e.co, tsOf(e));
      } else if (e.name === "qemu_coroutine_yield" || e.name === "qemu_coroutine_terminate") {
        const start = coOpen.get(e.co);
        if (start !== undefined) {
          const name = `${coNames.get(e.co) ?? "coroutine"} #${e.co}`;
          out.push({
            name,
            ph: "X",
            ts: start,
            dur: Math.max(tsOf(e) - start, 0),
            pid: PID,
            tid: tidOf(e),
            cat: "coroutine",
          });
          coOpen.delete(e.co);
        }
      }
    }
    if (e.req !== 0) {
      const r = reqs.get(e.req);
      if (r === undefined) reqs.set(e.req, { first: e, last: e, parent: e.parent });
      else r.last = e;
    }
  }
  for (const [co, name] of coNames) {
    out.push({
      name: "thread_name",
      ph: "M",
      ts: 0,
      pid: PID,
      tid: 1000 + co,
      args: { name: `co ${co} ${name}` },
    });
  }
  // Request spans.
  for (const [id, r] of reqs) {
    const name = `req ${id} ${r.first.name}`;
    const args = { req: id, parent: r.parent };
    out.push({ name, ph: "b", ts: tsOf(r.first), pid: PID, tid: tidOf(r.first), cat: "request", id, args });
    out.push({ name, ph: "e", ts: tsOf(r.last), pid: PID, tid: tidOf(r.last), cat: "request", id });
  }
  // Flows: root request's first event -> each descendant's first event -> root's last event.
  const rootOf = (id: number): number => {
    let cur = id;
    for (let guard = 0; guard < 64; guard++) {
      const p = reqs.get(cur)?.parent ?? 0;
      if (p === 0 || !reqs.has(p)) return cur;
      cur = p;
    }
    return cur;
  };
  const steps = new Map<number, TraceEvent[]>();
  for (const [id, r] of reqs) {
    const root = rootOf(id);
    if (root === id) continue;
    const list = steps.get(root) ?? [];
    list.push(r.first);
    steps.set(root, list);
  }
  for (const [root, list] of steps) {
    const r = reqs.get(root)!;
    list.sort((a, b) => a.hostNs - b.hostNs);
    const flow = (e: TraceEvent, ph: string): ChromeEvent => ({
      name: "request flow",
      ph,
      ts: tsOf(e),
      pid: PID,
      tid: tidOf(e),
      cat: "flow",
      id: root,
      bp: "e",
    });
    out.push(flow(r.first, "s"));
    for (const e of list) out.push(flow(e, "t"));
    out.push(flow(r.last.hostNs >= list[list.length - 1]!.hostNs ? r.last : list[list.length - 1]!, "f"));
  }
  return { traceEvents: out, displayTimeUnit: "ns" };
}

/** The document as JSON text. */
export function toChromeTraceJson(events: readonly TraceEvent[]): string {
  return JSON.stringify(toChromeTrace(events));
}
