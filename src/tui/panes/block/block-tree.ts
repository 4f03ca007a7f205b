// Block requests as call trees, built from trace events that carry a request id: each request with
// its coroutine slices (runs of events in one coroutine between yields), its child requests, its
// latency (first to last event, host time) and its result (`ret` of the completing event).
import type { TraceEvent, TraceValue } from "../../../emu/trace/bus.ts";
import { ATA_COMMANDS } from "../../logic/port-names.ts";

/** A run of one request's events in one coroutine, not interrupted by other work. */
export interface CoSlice {
  readonly co: number;
  readonly events: TraceEvent[];
}

/** One block request. */
export interface BlockRequest {
  readonly req: number;
  parent: number;
  readonly events: TraceEvent[];
  readonly slices: CoSlice[];
  readonly children: number[];
  /** READ, WRITE, FLUSH, DISCARD, or the ATA command name when the request came from one. */
  kind: string;
  /** Host ns of the first and last event. */
  startNs: number;
  endNs: number;
  /** `ok`, `-5 (EIO)`-style result once a completing event was seen, else null. */
  result: string | null;
}

/** A line of the rendered tree. */
export interface TreeRow {
  readonly depth: number;
  readonly req: number;
  readonly type: "request" | "slice" | "event";
  readonly text: string;
}

const ERRNO: Record<number, string> = {
  1: "EPERM",
  5: "EIO",
  12: "ENOMEM",
  22: "EINVAL",
  28: "ENOSPC",
  95: "ENOTSUP",
};

/** `key=value` list of an event's fields (numbers in hex when large). */
export function formatFields(fields: Readonly<Record<string, TraceValue>>): string {
  return Object.entries(fields)
    .map(([k, v]) => {
      const s =
        typeof v === "number" || typeof v === "bigint"
          ? v >= 4096 || v < 0
            ? `0x${v.toString(16)}`
            : `${v}`
          : `${v}`;
      return `${k}=${s}`;
    })
    .join(" ");
}

/** Request kind from an event: the ATA command (`cmd` field on ide events) or the operation in the name. */
function kindOf(event: TraceEvent): string | null {
  const cmd = event.fields.cmd;
  if (event.name.startsWith("ide") && typeof cmd === "number") return ATA_COMMANDS.get(cmd) ?? null;
  const n = event.name;
  if (/flush/.test(n)) return "FLUSH";
  if (/discard|zeroes/.test(n)) return "DISCARD";
  if (/write|pwritev/.test(n)) return "WRITE";
  if (/read|preadv/.test(n)) return "READ";
  return null;
}

/** True for events that complete a request. */
function completes(event: TraceEvent): boolean {
  return /(_done|_done_req|_complete|_completed|_end)$/.test(event.name) || "ret" in event.fields;
}

/** Result text for a `ret` value. */
function resultText(ret: TraceValue | undefined): string {
  if (ret === undefined) return "done";
  const n = Number(ret);
  if (n >= 0) return n === 0 ? "ok" : `ok (${n})`;
  return `${n}${ERRNO[-n] ? ` (${ERRNO[-n]})` : ""}`;
}

/** Requests by id, in arrival order, with bounded memory (oldest roots dropped first). */
export class BlockTree {
  /** Bumped by every event that changed the tree (views cache on it). */
  version = 0;
  private readonly requests = new Map<number, BlockRequest>();
  private lastReq = 0;
  private lastCo = -1;

  constructor(private readonly capacity = 500) {}

  /** Takes a trace event; returns true when it belonged to a request. */
  onEvent(event: TraceEvent): boolean {
    if (event.req === 0) {
      this.lastReq = 0;
      return false;
    }
    this.version++;
    let node = this.requests.get(event.req);
    if (node === undefined) {
      node = {
        req: event.req,
        parent: event.parent,
        events: [],
        slices: [],
        children: [],
        kind: "?",
        startNs: event.hostNs,
        endNs: event.hostNs,
        result: null,
      };
      this.requests.set(event.req, node);
      const parent = this.requests.get(event.parent);
      if (parent !== undefined) parent.children.push(event.req);
      this.trim();
    }
    node.events.push(event);
    node.endNs = event.hostNs;
    const kind = kindOf(event);
    if (kind !== null && (node.kind === "?" || event.name.startsWith("ide"))) node.kind = kind;
    const slice = node.slices[node.slices.length - 1];
    if (slice !== undefined && this.lastReq === event.req && this.lastCo === event.co)
      slice.events.push(event);
    else node.slices.push({ co: event.co, events: [event] });
    this.lastReq = event.req;
    this.lastCo = event.co;
    if (completes(event)) node.result = resultText(event.fields.ret);
    return true;
  }

  /** Drops the oldest root requests (and their descendants) beyond capacity. */
  private trim(): void {
    if (this.requests.size <= this.capacity) return;
    for (const node of this.requests.values()) {
      if (this.requests.has(node.parent)) continue;
      this.drop(node.req);
      if (this.requests.size <= this.capacity) return;
    }
  }

  private drop(req: number): void {
    const node = this.requests.get(req);
    if (node === undefined) return;
    this.requests.delete(req);
    for (const child of node.children) this.drop(child);
  }

  /** The request with id `req`. */
  get(req: number): BlockRequest | undefined {
    return this.requests.get(req);
  }

  /** Requests whose parent is not (or no longer) known, oldest first. */
  roots(): BlockRequest[] {
    return [...this.requests.values()].filter((n) => !this.requests.has(n.parent) || n.parent === n.req);
  }

  /** Latency of a request in milliseconds (first to last event, host time). */
  static latencyMs(node: BlockRequest): number {
    return (node.endNs - node.startNs) / 1e6;
  }

  /** One summary line for a request. */
  static summary(node: BlockRequest): string {
    const first = node.events[0]!;
    const latency = BlockTree.latencyMs(node).toFixed(3);
    return `#${node.req} ${node.kind} ${first.name} ${formatFields(first.fields)}  ${latency} ms  ${node.result ?? "pending"}`;
  }

  /**
   * The tree as rows: each root request, then (when `expanded` has it, or always when `expanded` is
   * "all") its coroutine slices, their events and its child requests, depth-first.
   */
  rows(expanded: ReadonlySet<number> | "all", maxRows = Number.POSITIVE_INFINITY): TreeRow[] {
    const rows: TreeRow[] = [];
    const visit = (node: BlockRequest, depth: number): void => {
      if (rows.length >= maxRows) return;
      rows.push({ depth, req: node.req, type: "request", text: BlockTree.summary(node) });
      if (expanded !== "all" && !expanded.has(node.req)) return;
      for (const slice of node.slices) {
        if (rows.length >= maxRows) return;
        rows.push({
          depth: depth + 1,
          req: node.req,
          type: "slice",
          text: `co ${slice.co}: ${slice.events.map((e) => e.name).join(" > ")}`,
        });
      }
      for (const child of node.children) {
        const c = this.requests.get(child);
        if (c !== undefined) visit(c, depth + 1);
      }
    };
    for (const root of this.roots()) visit(root, 0);
    return rows;
  }

  /** Every event of a request as `name fields` lines (the detail view of a selected request). */
  details(req: number): string[] {
    const node = this.requests.get(req);
    if (node === undefined) return [];
    const t0 = node.startNs;
    return node.events.map(
      (e) =>
        `+${((e.hostNs - t0) / 1e3).toFixed(1)}us insn ${e.insn} co ${e.co} ${e.name} ${formatFields(e.fields)}`,
    );
  }
}

/** The block pane's view: indented tree rows, the selected request's details, the clamped cursor. */
export function blockPaneView(
  tree: BlockTree,
  cursor: number,
): { rows: string[]; detail: string[]; cursor: number } {
  const rows = tree.rows("all", 400);
  const at = Math.min(cursor, Math.max(0, rows.length - 1));
  const selected = rows[at];
  return {
    rows: rows.map((r) => `${"  ".repeat(r.depth)}${r.text}`),
    detail: selected ? tree.details(selected.req) : [],
    cursor: at,
  };
}
