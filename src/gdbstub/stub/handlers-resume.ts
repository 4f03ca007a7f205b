// Resuming: vCont (c/C/s/S/t per thread), s, c, S, C. A step is synchronous (one singleStep.step
// and the stop reply); a continue hands the guest to the Executor and the stop reply follows when
// it stops. Signals in C/S are accepted and ignored (a machine has no signals to deliver). Without
// the target's singleStep capability, vCont? omits s/S and stepping packets get the empty reply.
import { parseHex } from "../protocol/hex.ts";
import { parseVCont } from "../protocol/vcont.ts";
import type { HandlerGroup } from "./packet-table.ts";
import type { Session } from "./session.ts";

/** Steps vCPU `cpu` once and returns the stop reply (the caller checked singleStep exists). */
function stepCpu(s: Session, cpu: number): null {
  s.gCpu = cpu;
  s.resumeStep(s.target.singleStep!.step(cpu), cpu);
  return null;
}

/**
 * Continues every vCPU. DebugTarget.run never re-triggers a breakpoint at the address it starts
 * from, so continuing from a breakpoint makes progress and adjacent breakpoints still stop.
 */
function continueAll(s: Session, cpu: number): null {
  s.cCpu = cpu;
  s.resume();
  return null;
}

/** `vCont?`: the actions the target can do. */
function vContQuery(s: Session): string {
  return s.target.singleStep ? "vCont;c;C;s;S;t" : "vCont;c;C;t";
}

/**
 * `vCont;ACTIONS`: the first action naming a thread (or the default action) decides: a step steps
 * that vCPU alone, a continue runs all vCPUs, `t` alone leaves the target stopped.
 */
function vCont(s: Session, _p: Buffer, text: string): string | null {
  const actions = parseVCont(text.slice(6));
  const step = actions.find((a) => a.action === "s");
  if (step && !s.target.singleStep) return "";
  if (step) {
    const cpu = step.thread === null ? s.cCpu : s.cpuOf(step.thread.tid, s.cCpu);
    return stepCpu(s, cpu);
  }
  if (actions.some((a) => a.action === "c")) return continueAll(s, s.cCpu);
  // Only `t`: nothing runs; report the current stop again so gdb gets its reply.
  return s.lastStop;
}

/** `s [ADDR]` / `S SIG[;ADDR]`: an address resumes there. */
function step(s: Session, _p: Buffer, text: string): null {
  resumeAddress(s, text);
  return stepCpu(s, s.cCpu);
}

/** `c [ADDR]` / `C SIG[;ADDR]`. */
function cont(s: Session, _p: Buffer, text: string): null {
  resumeAddress(s, text);
  return continueAll(s, s.cCpu);
}

/** Applies the optional resume address of s/c/S/C (gdb never sends one, old tools do). */
function resumeAddress(s: Session, text: string): void {
  const signalled = text[0] === "S" || text[0] === "C";
  const rest = signalled ? text.slice(1).split(";")[1] : text.slice(1);
  if (signalled) parseHex(text.slice(1).split(";")[0]!, "signal");
  if (rest !== undefined && rest !== "") s.regs.writePc(s.cCpu, parseHex(rest, "address"));
}

export const RESUME_HANDLERS: HandlerGroup = [
  ["vCont?", "query", vContQuery],
  ["vCont", "resume", vCont],
  ["s", "step", step],
  ["S", "step", step],
  ["c", "resume", cont],
  ["C", "resume", cont],
];
