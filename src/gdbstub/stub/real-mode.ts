// Real mode done right with stock gdb 13. The mechanism, chosen per session when gdb reads
// target.xml (the architecture then stays fixed for the session, as gdb caches the description):
//   - If the boot CPU is in real mode (setting "auto") or the user chose i8086, the description says
//     <architecture>i8086</architecture>: gdb disassembles 16-bit code (`x/3i $pc`).
//   - In that description $eip (gdb's $pc) is the LINEAR PC, CS.base + IP, so `x/3i $pc`, `stepi`
//     and `break *0xfe05b` all use the addresses the CPU fetches from; writing $pc maps back
//     (IP = value - CS.base when that fits in 64 KiB, else CS = value's 64 KiB paragraph).
//     The real IP and CS base are the extra registers $ip and $cs_base, shown by `info registers`
//     beside $cs, and by `monitor info registers` as CS:IP plus the linear address.
//   - When the guest changes mode, `monitor arch i386` (or `auto`) makes the next description say
//     i386 with $eip = EIP; gdb rereads it after `disconnect` + `target remote HOST:PORT`.
import type { DebugTarget } from "../../emu/debug-target.ts";
import type { DescribedArch } from "../target-xml/i386.ts";
import type { ArchSetting, Session } from "./session.ts";

/** `monitor arch`: what gdb was told and what the guest is doing now. */
export function describeArch(s: Session): string {
  const served =
    s.documents === null ? "not read yet" : s.regs.linearPc ? "i8086 ($pc = CS.base+IP)" : "i386";
  const mode = s.target.describeCpu(s.gCpu).mode;
  return (
    `described architecture: ${served}; setting: ${s.host.archSetting}; CPU#${s.gCpu} is in ${mode} mode\n` +
    `change with 'monitor arch auto|i386|i8086'`
  );
}

/** `monitor arch WHAT`: changes the description served from now on. */
export function setArch(s: Session, what: string): string {
  if (what !== "auto" && what !== "i386" && what !== "i8086")
    return `arch '${what}': expected auto, i386 or i8086`;
  s.host.archSetting = what as ArchSetting;
  const next = chooseArch(what, s.target);
  return (
    `the target description now says ${next}${next === "i8086" ? " ($pc = CS.base+IP)" : ""}.\n` +
    "gdb keeps the description it read when it connected: to reread it type\n" +
    `  disconnect\n  target remote ${s.host.address}\n` +
    "(the guest stays stopped in between; gdb reinserts its breakpoints)"
  );
}

/** The architecture a setting means now ("auto": i8086 while the boot CPU is in real mode). */
export function chooseArch(setting: ArchSetting, target: DebugTarget): DescribedArch {
  if (setting !== "auto") return setting;
  return target.describeCpu(0).mode === "real" ? "i8086" : "i386";
}
