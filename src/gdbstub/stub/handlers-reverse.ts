// Reverse execution: `bs` (backward single step) and `bc` (backward continue), which gdb 13 sends
// for reverse-stepi and reverse-continue (and builds reverse-step, reverse-next and reverse-finish
// from) once qSupported offered ReverseStep+ and ReverseContinue+. Both are synchronous: the target
// replays from a snapshot and the stop reply follows at once. The start of history is reported as
// `replaylog:begin`, which gdb prints as "No more reverse-execution history."
import type { HandlerGroup } from "./packet-table.ts";
import type { Session } from "./session.ts";

/** `bs`: the selected vCPU one step back. */
function backwardStep(s: Session): null {
  s.resumeStep(s.target.reverse!.stepBack(s.cCpu), s.cCpu);
  return null;
}

/** `bc`: back to the previous breakpoint, watchpoint or I/O watch hit. */
function backwardContinue(s: Session): null {
  s.resumeStep(s.target.reverse!.continueBack(), 0);
  return null;
}

export const REVERSE_HANDLERS: HandlerGroup = [
  ["b", "reverse", (s, p) => (p[1] === 0x73 ? backwardStep(s) : p[1] === 0x63 ? backwardContinue(s) : "")],
];
