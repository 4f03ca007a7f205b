// The key map in gdb's SingleKey spirit: letters, not function keys (Ink cannot tell F-keys apart).
// Pure: a key press becomes an Action; the help overlay lists KEY_HELP.

export type Action =
  | "step"
  | "next"
  | "stepi"
  | "finish"
  | "continue"
  | "reverseStepi"
  | "reverseContinue"
  | "pause"
  | "toggleBreak"
  | "goto"
  | "search"
  | "command"
  | "focusNext"
  | "focusPrev"
  | "help"
  | "toggleFpu"
  | "quit"
  | "up"
  | "down"
  | "pageUp"
  | "pageDown"
  | "select"
  | "escape";

/** The subset of Ink's Key this map reads. */
export interface KeyInfo {
  readonly ctrl: boolean;
  readonly shift?: boolean;
  readonly tab: boolean;
  readonly upArrow: boolean;
  readonly downArrow: boolean;
  readonly pageUp: boolean;
  readonly pageDown: boolean;
  readonly return: boolean;
  readonly escape: boolean;
}

const LETTERS: ReadonlyMap<string, Action> = new Map([
  ["s", "step"],
  ["n", "next"],
  ["i", "stepi"],
  ["f", "finish"],
  ["c", "continue"],
  ["I", "reverseStepi"],
  ["C", "reverseContinue"],
  ["p", "pause"],
  ["b", "toggleBreak"],
  ["g", "goto"],
  ["/", "search"],
  [":", "command"],
  ["?", "help"],
  ["x", "toggleFpu"],
  ["q", "quit"],
  ["k", "up"],
  ["j", "down"],
]);

/** Key help: key, then what it does (shown by `?`). */
export const KEY_HELP: ReadonlyArray<readonly [string, string]> = [
  ["s", "step into: one instruction; rep/int run to the next one"],
  ["n", "step over calls, rep and int"],
  ["i", "step exactly one instruction"],
  ["f", "finish: run until the current function returns"],
  ["c", "continue"],
  ["I", "reverse stepi: back one instruction (pcscope with a history)"],
  ["C", "reverse continue: back to the previous breakpoint or watchpoint hit"],
  ["p, Ctrl-C", "pause a running target"],
  ["b", "toggle a breakpoint at the code cursor"],
  ["g", "go to an address or symbol (code pane)"],
  ["/", "search symbols"],
  [":", "command line (break, delete, x/16xb, info registers, watch, iowatch, monitor ...)"],
  ["x", "show/hide the FPU/SSE pane (x87 stack, status/control words, MXCSR, xmm; Enter: xmm format)"],
  ["Tab / Shift-Tab", "cycle focus between panes"],
  ["j k, arrows, PgUp PgDn", "move the cursor in the focused pane"],
  ["Enter", "select (expand a block request, show a breakpoint's or a frame's code)"],
  ["?", "this help; any key closes it"],
  ["q", "quit (the target is left as it is)"],
];

/**
 * Maps one key press to an action, or null for keys without one. Ctrl-C is pause (never quit:
 * quitting is `q`, so a habit of pressing Ctrl-C to stop the guest cannot lose the session).
 */
export function keyAction(input: string, key: KeyInfo): Action | null {
  if (key.ctrl) return input === "c" ? "pause" : null;
  if (key.tab) return key.shift ? "focusPrev" : "focusNext";
  if (key.upArrow) return "up";
  if (key.downArrow) return "down";
  if (key.pageUp) return "pageUp";
  if (key.pageDown) return "pageDown";
  if (key.return) return "select";
  if (key.escape) return "escape";
  return LETTERS.get(input) ?? null;
}
