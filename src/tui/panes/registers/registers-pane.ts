// The registers pane: the registers of the stop, changes since the stop before marked, the mode and
// CS:IP with its linear address. Reads nothing itself: the Debugger reads the registers at each stop.
import { Memo } from "../../logic/memo.ts";
import { type PaneHost, type PaneModule, STATIC_PANE } from "../pane-module.ts";
import { type RegisterView, registerView } from "./register-view.ts";

export class RegistersPaneState implements PaneModule<RegisterView | null> {
  readonly id = "registers";
  private readonly memo = new Memo<RegisterView | null>();
  readonly refresh = STATIC_PANE.refresh;
  readonly moveCursor = STATIC_PANE.moveCursor;
  readonly select = STATIC_PANE.select;

  view(host: PaneHost): RegisterView | null {
    const { regs, prevRegs, extras, ctx } = host;
    return this.memo.get([regs, prevRegs, extras, ctx], () =>
      regs && ctx ? registerView(regs, prevRegs, extras, ctx) : null,
    );
  }
}
