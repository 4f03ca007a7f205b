// Resuming: vCont (c/C/s/S/t per thread), s, c, S, C. A step is synchronous (one singleStep.step
// and the stop reply); a continue hands the guest to the Executor and the stop reply follows when
// it stops. Signals in C/S are accepted and ignored (a machine has no signals to deliver). Without
// the target's singleStep capability, vCont? omits s/S and stepping packets get the empty reply.
// How a step treats interrupts and timers is QEMU's sstep setting (qqemu.sstepbits, qqemu.sstep,
// Qqemu.sstep=N): by default, as in QEMU, a step runs the instruction at the PC with interrupts and
// timers held, so stepping off a breakpoint never lands in an interrupt handler that returns to it.
import { parseHex } from "../protocol/hex.ts";
import { parseVCont } from "../protocol/vcont.ts";
import type { HandlerGroup } from "./packet-table.ts";
import type { Session } from "./session.ts";

/** QEMU's single-step flags: a step at all, interrupts held, timers held. */
export const SSTEP_ENABLE = 0x1;
export const SSTEP_NOIRQ = 0x2;
export const SSTEP_NOTIMER = 0x4;
const SSTEP_ALL = SSTEP_ENABLE | SSTEP_NOIRQ | SSTEP_NOTIMER;
/** QEMU's default (an ICE's step): the instruction alone, no interrupt handler, no timer. */
export const SSTEP_DEFAULT = SSTEP_ALL;

/**
 * Steps vCPU `cpu` once as the sstep flags say and returns the stop reply (the caller checked
 * singleStep exists). Without SSTEP_ENABLE a step is a continue, as in QEMU.
 */
function stepCpu(s: Session, cpu: number): null {
  const flags = s.host.sstepFlags;
  if ((flags & SSTEP_ENABLE) === 0) return continueAll(s, cpu);
  s.gCpu = cpu;
  const options = { interrupts: (flags & SSTEP_NOIRQ) === 0, timers: (flags & SSTEP_NOTIMER) === 0 };
  s.resumeStep(s.target.singleStep!.step(cpu, options), cpu);
  return null;
}

/** `qqemu.sstepbits` (or Q): the flag values, as QEMU words them. */
function sstepBits(): string {
  return `ENABLE=${SSTEP_ENABLE.toString(16)},NOIRQ=${SSTEP_NOIRQ.toString(16)},NOTIMER=${SSTEP_NOTIMER.toString(16)}`;
}

/** `qqemu.sstep` (or Q): the flags now, `0x7`; `qqemu.sstep=N` (or Q; N hex): sets them, E22 for unknown bits. */
function sstep(s: Session, _p: Buffer, text: string): string {
  const eq = text.indexOf("=");
  if (eq < 0) return `0x${s.host.sstepFlags.toString(16)}`;
  const flags = parseHex(text.slice(eq + 1).replace(/^0x/i, ""), "sstep flags");
  // QEMU's literal reply for flags it cannot honour.
  if ((flags & ~SSTEP_ALL) !== 0) return "E22";
  s.host.sstepFlags = flags;
  return "OK";
}

/** `qqemu.Supported`: QEMU's private packets this stub answers. */
function qemuSupported(): string {
  return "sstepbits;sstep;PhyMemMode";
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
  // QEMU answers its private queries with either letter.
  ["qqemu.sstepbits", "step", sstepBits],
  ["Qqemu.sstepbits", "step", sstepBits],
  ["qqemu.sstep", "step", sstep],
  ["Qqemu.sstep", "step", sstep],
  ["qqemu.Supported", "query", qemuSupported],
];
