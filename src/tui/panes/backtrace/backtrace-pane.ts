// The backtrace pane: the frame-pointer chain from the stop (logic/backtrace.ts), one frame a row;
// Enter shows the selected frame's code.
import { type Backtrace, walkFrames, walkStart } from "../../logic/backtrace.ts";
import { reg } from "../../logic/cpu-mode.ts";
import { Memo } from "../../logic/memo.ts";
import type { PaneHost, PaneModule } from "../pane-module.ts";

/** What the pane shows: the walk (null before the first stop) and the selected frame. */
export interface BacktraceView {
  readonly backtrace: Backtrace | null;
  readonly bitness: 16 | 32 | 64;
  readonly cursor: number;
}

export class BacktracePaneState implements PaneModule<BacktraceView> {
  readonly id = "backtrace";
  private backtrace: Backtrace | null = null;
  private bitness: 16 | 32 | 64 = 32;
  private cursor = 0;
  private readonly memo = new Memo<BacktraceView>();

  /** Walks the chain again from the stopped CPU's PC and frame pointer; a stop selects frame 0. */
  async refresh(host: PaneHost, stop: boolean): Promise<void> {
    const { ctx, regs } = host;
    if (ctx === null || regs === null) return;
    const wide = regs.values.has("rbp");
    const start = walkStart(ctx, reg(regs, wide ? "rbp" : "ebp"), reg(regs, wide ? "rsp" : "esp"));
    this.backtrace = await walkFrames(start, (addr, length) => host.read(addr, length), host.symbols);
    this.bitness = ctx.bitness;
    if (stop) this.cursor = 0;
    this.cursor = Math.min(this.cursor, this.backtrace.frames.length - 1);
  }

  async moveCursor(_host: PaneHost, delta: number): Promise<void> {
    const n = this.backtrace?.frames.length ?? 1;
    this.cursor = Math.max(0, Math.min(n - 1, this.cursor + delta));
  }

  /** Shows the code of the frame under the cursor. */
  async select(host: PaneHost): Promise<void> {
    const frame = this.backtrace?.frames[this.cursor];
    if (frame !== undefined) await host.goTo(`0x${frame.pc.toString(16)}`);
  }

  view(): BacktraceView {
    return this.memo.get([this.backtrace, this.bitness, this.cursor], () => ({
      backtrace: this.backtrace,
      bitness: this.bitness,
      cursor: this.cursor,
    }));
  }
}
