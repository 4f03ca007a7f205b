// The FPU/SSE pane (`x` shows it in place of the code, memory and register columns): the x87
// register stack and words and the XMM registers of the stop, decoded by fpu-view.ts. Reads nothing
// itself: the `g` registers the Debugger reads at each stop carry them. j/k scroll it; Enter cycles
// the XMM registers between hex, 4 floats and 2 doubles.
import { Memo } from "../../logic/memo.ts";
import type { PhysicalX87, RegisterSet } from "../../session/debug-session.ts";
import type { PaneHost, PaneModule } from "../pane-module.ts";
import { type FpuView, fpuView } from "./fpu-view.ts";

/** How the XMM registers are shown. */
export type XmmFormat = "hex" | "float" | "double";
const NEXT_FORMAT: Readonly<Record<XmmFormat, XmmFormat>> = { hex: "float", float: "double", double: "hex" };

/** What the pane publishes: the decoded registers (null before the first stop), scroll and format. */
export interface FpuPaneView {
  readonly fpu: FpuView | null;
  readonly scroll: number;
  readonly format: XmmFormat;
}

/** Lines the pane's body has for `view` (the component renders exactly these). */
export function fpuLineCount(view: FpuView | null): number {
  if (view === null) return 1;
  return (view.x87 ? view.stack.length + 3 : 1) + (view.mxcsr === null ? 0 : 1) + view.xmm.length;
}

export class FpuPaneState implements PaneModule<FpuPaneView> {
  readonly id = "fpu";
  private scroll = 0;
  private format: XmmFormat = "hex";
  /** The registers last decoded and their view (the previous stop's, for change marks). */
  private last: { regs: RegisterSet; x87: PhysicalX87 | null; view: FpuView } | null = null;
  private readonly memo = new Memo<FpuPaneView>();

  async refresh(): Promise<void> {}

  /** Scrolls by `delta` lines, keeping the last line at the bottom at most. */
  async moveCursor(host: PaneHost, delta: number): Promise<void> {
    const lines = fpuLineCount(this.decoded(host));
    this.scroll = Math.max(0, Math.min(lines - host.layout.fpuLines, this.scroll + delta));
  }

  /** Enter: the next XMM format (hex, 4 x float, 2 x double). */
  async select(): Promise<void> {
    this.format = NEXT_FORMAT[this.format];
  }

  view(host: PaneHost): FpuPaneView {
    const fpu = this.decoded(host);
    return this.memo.get([fpu, this.scroll, this.format], () => ({
      fpu,
      scroll: this.scroll,
      format: this.format,
    }));
  }

  /**
   * The stop's registers decoded (the same object while they are the same registers), changes
   * marked against the view of the stop before when that was the last one decoded.
   */
  private decoded(host: PaneHost): FpuView | null {
    const { regs, prevRegs, extras } = host;
    if (regs === null) return null;
    const x87 = extras?.x87 ?? null;
    if (this.last?.regs === regs && this.last.x87 === x87) return this.last.view;
    const prev = this.last !== null && this.last.regs === prevRegs ? this.last.view : null;
    const view = fpuView(regs, x87, prev);
    this.last = { regs, x87, view };
    return view;
  }
}
