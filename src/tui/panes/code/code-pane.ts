// The code pane: disassembly around the PC (or where `g` went, until the next stop), with a cursor
// that scrolls past either end; `b` toggles a breakpoint at the cursor.
import type { DisasmLine } from "../../logic/disasm.ts";
import type { PaneHost, PaneModule } from "../pane-module.ts";
import { fetchCode } from "./code-view.ts";

/** What the pane shows. */
export interface CodeView {
  readonly lines: readonly DisasmLine[];
  readonly cursor: number;
}

/** Lines of context kept above the PC (at most a third of the pane). */
const CONTEXT_LINES = 4;

export class CodePaneState implements PaneModule<CodeView> {
  readonly id = "code";
  private lines: readonly DisasmLine[] = [];
  private cursor = 0;
  /** Where the view is anchored: null follows the PC. */
  private anchor: bigint | null = null;
  private shown: CodeView = { lines: [], cursor: 0 };

  /** Disassembles around the anchor or the PC; a stop makes the view follow the PC again. */
  async refresh(host: PaneHost, stop: boolean): Promise<void> {
    if (stop) this.anchor = null;
    await this.fetch(host);
  }

  /**
   * Disassembles from the anchor (or the PC with a few lines of context above it); `before` lines
   * of context are kept above the anchor.
   */
  private async fetch(host: PaneHost, before?: number): Promise<void> {
    const center = this.anchor ?? host.ctx?.pc ?? null;
    if (center === null) return;
    const lines = host.layout.codeLines;
    const view = await fetchCode({
      session: host.session,
      ctx: host.ctx,
      symbols: host.symbols,
      center,
      lines,
      before: before ?? (this.anchor === null ? Math.min(CONTEXT_LINES, Math.floor(lines / 3)) : 0),
      shown: this.lines,
    });
    if ("error" in view) {
      this.lines = [];
      host.say(view.error);
      return;
    }
    this.lines = view.lines;
    this.cursor = view.cursor;
  }

  /** Moves the cursor; past the last or first line the view scrolls. */
  async moveCursor(host: PaneHost, delta: number): Promise<void> {
    const code = this.lines;
    const next = this.cursor + delta;
    if (next >= 0 && next < code.length) this.cursor = next;
    else if (next >= code.length && code.length > 0) {
      const last = code[code.length - 1]!;
      this.anchor = code[Math.min(code.length - 1, Math.max(1, delta))]!.addr;
      await this.fetch(host);
      this.cursor = Math.max(0, this.lines.findIndex((l) => l.addr === last.addr) + 1);
      if (this.cursor >= this.lines.length) this.cursor = this.lines.length - 1;
    } else if (next < 0 && code.length > 0) {
      this.anchor = code[0]!.addr;
      await this.fetch(host, Math.min(host.layout.codeLines - 1, -delta));
      this.cursor = 0;
    }
  }

  async select(): Promise<void> {}

  /** Shows code at linear `addr`; the view stops following the PC until the next stop. */
  async show(host: PaneHost, addr: bigint): Promise<void> {
    this.anchor = addr;
    await this.fetch(host);
  }

  /** Linear address under the cursor (or the PC). */
  cursorAddress(host: PaneHost): bigint | null {
    return this.lines[this.cursor]?.addr ?? host.ctx?.pc ?? null;
  }

  /** The decoded line at linear `addr` when the pane shows it. */
  lineAt(addr: bigint): DisasmLine | null {
    return this.lines.find((l) => l.addr === addr) ?? null;
  }

  view(): CodeView {
    if (this.shown.lines !== this.lines || this.shown.cursor !== this.cursor)
      this.shown = { lines: this.lines, cursor: this.cursor };
    return this.shown;
  }
}
