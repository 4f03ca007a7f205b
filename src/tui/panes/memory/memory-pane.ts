// The memory pane: a hexdump following an expression (`$sp` unless `:memory EXPR` or `x/` said
// otherwise); bytes changed since the last stop are marked; j/k scroll it by rows.
import { evalAddress } from "../../logic/address-expr.ts";
import { Memo } from "../../logic/memo.ts";
import { type PaneHost, type PaneModule, STATIC_PANE } from "../pane-module.ts";
import { type HexRow, hexRows, type MemorySnapshot } from "./hexdump.ts";

/** Bytes a hexdump row shows. */
const ROW_BYTES = 16;

/** What the pane shows. */
export interface MemoryView {
  readonly expr: string;
  readonly rows: readonly HexRow[];
}

export class MemoryPaneState implements PaneModule<MemoryView> {
  readonly id = "memory";
  private expr = "$sp";
  private memory: MemorySnapshot | null = null;
  private prevMemory: MemorySnapshot | null = null;
  private readonly memo = new Memo<MemoryView>();
  readonly select = STATIC_PANE.select;

  /** Re-reads the followed bytes; on a stop the previous bytes become the change reference. */
  async refresh(host: PaneHost, stop: boolean): Promise<void> {
    const r = evalAddress(this.expr, host.env());
    if (!r.ok) {
      this.memory = null;
      return;
    }
    const data = await host.read(r.addr, ROW_BYTES * host.layout.memoryRows);
    if (stop) this.prevMemory = this.memory;
    this.memory = data ? { addr: r.addr, data } : null;
  }

  /** Scrolls by `delta` rows (the pane then follows that address). */
  async moveCursor(host: PaneHost, delta: number): Promise<void> {
    if (this.memory === null) return;
    const base = this.memory.addr + BigInt(delta * ROW_BYTES);
    this.expr = `0x${(base < 0n ? 0n : base).toString(16)}`;
    await this.refresh(host, false);
  }

  /** Follows `expr` from now on; false (with a message) when it does not evaluate. */
  async follow(host: PaneHost, expr: string): Promise<boolean> {
    const r = evalAddress(expr, host.env());
    if (!r.ok) {
      host.say(r.error);
      return false;
    }
    this.expr = expr;
    this.prevMemory = null;
    await this.refresh(host, false);
    return true;
  }

  view(): MemoryView {
    return this.memo.get([this.expr, this.memory, this.prevMemory], () => ({
      expr: this.expr,
      rows: this.memory ? hexRows(this.memory, this.prevMemory) : [],
    }));
  }
}
