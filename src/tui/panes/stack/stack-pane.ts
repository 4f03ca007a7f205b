// The stack pane: words from the stack pointer up, with symbols for values that point into code.

import { type PaneHost, type PaneModule, STATIC_PANE } from "../pane-module.ts";
import { type StackSlot, stackSlots } from "./stack-view.ts";

export class StackPaneState implements PaneModule<readonly StackSlot[]> {
  readonly id = "stack";
  private slots: readonly StackSlot[] = [];
  readonly moveCursor = STATIC_PANE.moveCursor;
  readonly select = STATIC_PANE.select;

  /** Reads as many words at the stack pointer as the pane has rows. */
  async refresh(host: PaneHost): Promise<void> {
    const ctx = host.ctx;
    if (ctx === null) return;
    const word = (ctx.bitness / 8) as 2 | 4 | 8;
    const data = await host.read(ctx.sp, word * host.layout.stackSlots);
    this.slots = data ? stackSlots(ctx.sp, data, word, host.symbols, ctx.csBase) : [];
  }

  view(): readonly StackSlot[] {
    return this.slots;
  }
}
