// The breakpoint list the UI keeps: numbered like gdb's, each with the location the user typed, the
// linear address it resolved to, enabled state and hit count. Inserting into the target is the
// controller's job; this model only says what should be inserted.
import type { BreakKind } from "../session/debug-session.ts";

export type BreakpointType = "break" | "watch" | "rwatch" | "awatch" | "iowatch";

export interface Breakpoint {
  readonly id: number;
  readonly type: BreakpointType;
  /** What the user typed (`handle_post`, `f000:e05b`, `*0xfe05b`). */
  readonly location: string;
  /** Linear address (or first port for iowatch). */
  readonly addr: bigint;
  /** Bytes watched (1 for breakpoints) or ports in range for iowatch. */
  readonly length: number;
  /** iowatch direction. */
  readonly dir: "r" | "w" | "rw";
  enabled: boolean;
  hits: number;
  /** Deleted after its first hit (step-over helpers use temporary ones outside this list). */
  readonly temporary: boolean;
}

/** The RSP breakpoint kind used to insert `bp` (iowatch has none: it goes through `monitor`). */
export function rspKind(bp: Breakpoint): BreakKind | null {
  switch (bp.type) {
    case "break":
      return "sw";
    case "watch":
      return "write";
    case "rwatch":
      return "read";
    case "awatch":
      return "access";
    default:
      return null;
  }
}

/** Numbered breakpoints with gdb's semantics for ids (never reused). */
export class BreakpointList {
  private readonly items: Breakpoint[] = [];
  private nextId = 1;

  /** All breakpoints, by id. */
  list(): readonly Breakpoint[] {
    return this.items;
  }

  /** Adds a breakpoint and returns it. */
  add(
    type: BreakpointType,
    location: string,
    addr: bigint,
    opts: { length?: number; dir?: "r" | "w" | "rw"; temporary?: boolean } = {},
  ): Breakpoint {
    const bp: Breakpoint = {
      id: this.nextId++,
      type,
      location,
      addr,
      length: opts.length ?? 1,
      dir: opts.dir ?? "rw",
      enabled: true,
      hits: 0,
      temporary: opts.temporary ?? false,
    };
    this.items.push(bp);
    return bp;
  }

  /** The breakpoint with `id`, or undefined. */
  get(id: number): Breakpoint | undefined {
    return this.items.find((b) => b.id === id);
  }

  /** Removes by id; returns the removed breakpoint. */
  remove(id: number): Breakpoint | undefined {
    const i = this.items.findIndex((b) => b.id === id);
    if (i < 0) return undefined;
    return this.items.splice(i, 1)[0];
  }

  /** Removes everything; returns what was removed. */
  clear(): Breakpoint[] {
    return this.items.splice(0, this.items.length);
  }

  /** The code breakpoint at linear `addr`, if any. */
  codeAt(addr: bigint): Breakpoint | undefined {
    return this.items.find((b) => b.type === "break" && b.addr === addr);
  }

  /** `enabled`, `disabled` or null: the marker the disassembly shows at `addr`. */
  markerAt(addr: bigint): "enabled" | "disabled" | null {
    const bp = this.codeAt(addr);
    return bp === undefined ? null : bp.enabled ? "enabled" : "disabled";
  }

  /** True when an enabled code breakpoint sits at `addr` (another breakpoint at the same address counts). */
  enabledCodeAt(addr: bigint): boolean {
    return this.items.some((b) => b.type === "break" && b.enabled && b.addr === addr);
  }

  /**
   * Records a stop at `pc` (code), a watch hit at `watchAddr` or an I/O watch hit on `port`; returns
   * the breakpoints hit. Guarantees: hit counts of enabled matching breakpoints go up by one.
   */
  recordHit(pc: bigint, watchAddr: bigint | null, port: number | null = null): Breakpoint[] {
    const hit = this.items.filter((b) => {
      if (!b.enabled) return false;
      if (b.type === "break") return watchAddr === null && port === null && b.addr === pc;
      if (b.type === "iowatch")
        return port !== null && BigInt(port) >= b.addr && BigInt(port) < b.addr + BigInt(b.length);
      return watchAddr !== null && watchAddr >= b.addr && watchAddr < b.addr + BigInt(b.length);
    });
    for (const b of hit) b.hits++;
    return hit;
  }
}
