// Routes key presses: to the open prompt (g, /, :), to the help overlay, or through the key map to
// the debugger. Plain logic so tests can press keys without a terminal.
import { runCommandLine } from "./commands.ts";
import type { Debugger } from "./debugger.ts";
import { evalAddress } from "./logic/address-expr.ts";
import { type KeyInfo, keyAction } from "./logic/keymap.ts";

/** Ink's key flags this router reads (a superset of KeyInfo). */
export interface KeyPress extends KeyInfo {
  readonly backspace?: boolean;
  readonly delete?: boolean;
}

/**
 * Handles one key press. `quit` is called once when the user quits. Returns the promise of the
 * operation the key started (already running; awaiting it is optional).
 */
export function handleKey(dbg: Debugger, input: string, key: KeyPress, quit: () => void): Promise<void> {
  if (input.length > 1 && isPlainChunk(key)) {
    // A terminal (or tmux send-keys, or a paste) can deliver several keys in one chunk.
    let last = Promise.resolve();
    for (const ch of input)
      last = handleKey(
        dbg,
        ch === "\r" || ch === "\n" || ch === "\t" || ch === "\x7f" ? "" : ch,
        keyOf(ch),
        quit,
      );
    return last;
  }
  const snap = dbg.getSnapshot();
  if (snap.help) {
    dbg.setHelp(false);
    return Promise.resolve();
  }
  const prompt = snap.prompt;
  if (prompt !== null) return promptKey(dbg, input, key, quit);
  const action = keyAction(input, key);
  switch (action) {
    case "step":
      return dbg.step();
    case "next":
      return dbg.next();
    case "stepi":
      return dbg.stepInstruction();
    case "finish":
      return dbg.finish();
    case "continue":
      return dbg.cont();
    case "reverseStepi":
      return dbg.reverseStepInstruction();
    case "reverseContinue":
      return dbg.reverseContinue();
    case "pause":
      return dbg.pause();
    case "toggleBreak":
      return toggleBreakpointAtCursor(dbg);
    case "goto":
    case "search":
    case "command":
      dbg.setPrompt({ kind: action, text: "", matches: [], selected: 0 });
      return Promise.resolve();
    case "focusNext":
      dbg.cycleFocus(1);
      return Promise.resolve();
    case "focusPrev":
      dbg.cycleFocus(-1);
      return Promise.resolve();
    case "help":
      dbg.setHelp(true);
      return Promise.resolve();
    case "toggleFpu":
      dbg.toggleFpu();
      return Promise.resolve();
    case "quit":
      quit();
      return Promise.resolve();
    case "up":
      return dbg.moveCursor(-1);
    case "down":
      return dbg.moveCursor(1);
    case "pageUp":
      return dbg.moveCursor(-Math.max(1, snap.layout.codeLines - 2));
    case "pageDown":
      return dbg.moveCursor(Math.max(1, snap.layout.codeLines - 2));
    case "select":
      return dbg.select();
    default:
      return Promise.resolve();
  }
}

const NO_KEY: KeyPress = {
  ctrl: false,
  tab: false,
  upArrow: false,
  downArrow: false,
  pageUp: false,
  pageDown: false,
  return: false,
  escape: false,
};

/** True when Ink reported no special key: the input is plain characters. */
function isPlainChunk(key: KeyPress): boolean {
  return (
    !key.ctrl && !key.escape && !key.upArrow && !key.downArrow && !key.pageUp && !key.pageDown && !key.tab
  );
}

/** The key flags of one character of a chunk (Enter, Tab, Backspace, or a plain character). */
function keyOf(ch: string): KeyPress {
  if (ch === "\r" || ch === "\n") return { ...NO_KEY, return: true };
  if (ch === "\t") return { ...NO_KEY, tab: true };
  if (ch === "\x7f" || ch === "\b") return { ...NO_KEY, backspace: true };
  return NO_KEY;
}

/** Toggles a code breakpoint at the cursor (`b`): adds one, or deletes the one there. */
async function toggleBreakpointAtCursor(dbg: Debugger): Promise<void> {
  const addr = dbg.cursorAddress();
  if (addr === null) return;
  const existing = dbg.breakpoints.codeAt(addr);
  if (existing) {
    await dbg.deleteBreakpoint(existing.id);
    dbg.say(`Deleted breakpoint ${existing.id}`);
  } else await dbg.addBreakpoint("break", `*0x${addr.toString(16)}`);
}

/** Editing keys inside a prompt. */
async function promptKey(dbg: Debugger, input: string, key: KeyPress, quit: () => void): Promise<void> {
  const prompt = dbg.getSnapshot().prompt!;
  if (key.escape || (key.ctrl && input === "c")) {
    dbg.setPrompt(null);
    return;
  }
  if (key.upArrow || key.downArrow) {
    const n = prompt.matches.length;
    if (n > 0) dbg.setPrompt({ ...prompt, selected: (prompt.selected + (key.upArrow ? n - 1 : 1)) % n });
    return;
  }
  if (key.return) {
    dbg.setPrompt(null);
    const text = prompt.text.trim();
    const pick = prompt.matches[prompt.selected];
    if (prompt.kind === "command") {
      if (text === "") return;
      if (await runCommandLine(dbg, text)) quit();
      return;
    }
    if (prompt.kind === "goto" && text !== "" && evalAddress(text, dbg.env()).ok) return dbg.goTo(text);
    if (pick) return dbg.goTo(pick.name);
    if (text !== "") dbg.say(`no symbol matches '${text}'`);
    return;
  }
  let text = prompt.text;
  if (key.backspace || key.delete) text = text.slice(0, -1);
  else if (!key.ctrl && !key.tab && input.length > 0 && !/[\x00-\x1f]/.test(input)) text += input;
  else return;
  const matches = prompt.kind === "command" ? [] : dbg.matches(text);
  dbg.setPrompt({ ...prompt, text, matches, selected: 0 });
}
