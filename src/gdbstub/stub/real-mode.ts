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
import { type ArchDescription, defineArch, registerNumber } from "../../emu/debug-arch.ts";
import type { DebugTarget } from "../../emu/debug-target.ts";
import type { LinearPcLayout } from "./registers.ts";
import type { ArchSetting, Session } from "./session.ts";

/** A real-mode description and where its linear-PC registers are. */
export interface RealModeView {
  arch: ArchDescription;
  layout: LinearPcLayout;
}

const views = new WeakMap<ArchDescription, RealModeView>();
const REALMODE_FEATURE = { name: "org.pcscope.x86.realmode", file: "pcscope-realmode.xml" };

/**
 * The real-mode view of an i386 description: architecture i8086 and, after the `g` registers, the
 * feature org.pcscope.x86.realmode with `ip` and `cs_base` (read with `p`, expedited in stop
 * replies). Null for a description without eip and cs (x86-64 has no such view).
 */
export function realModeView(arch: ArchDescription): RealModeView | null {
  if (registerNumber(arch, "eip") < 0 || registerNumber(arch, "cs") < 0) return null;
  const known = views.get(arch);
  if (known !== undefined) return known;
  const feature = REALMODE_FEATURE.name;
  const view = defineArch({
    architecture: "i8086",
    features: [...arch.features, REALMODE_FEATURE],
    registers: [
      ...arch.registers,
      { name: "ip", bytes: 4, type: "uint32", group: "general", feature },
      { name: "cs_base", bytes: 4, type: "data_ptr", group: "general", feature },
    ],
    gCount: arch.gCount,
    pc: arch.registers[arch.pc]!.name,
    sp: arch.registers[arch.sp]!.name,
    expedite: [...arch.expedite.map((n) => arch.registers[n]!.name), "ip", "cs_base"],
  });
  const layout = {
    eip: registerNumber(view, "eip"),
    ip: registerNumber(view, "ip"),
    csBase: registerNumber(view, "cs_base"),
  };
  const result = { arch: view, layout };
  views.set(arch, result);
  return result;
}

/** `monitor arch`: what gdb was told and what the guest is doing now. */
export function describeArch(s: Session): string {
  const served =
    s.documents === null
      ? "not read yet"
      : s.regs.linearPc
        ? "i8086 ($pc = CS.base+IP)"
        : s.regs.arch.architecture;
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
  const next = wantsRealModeView(what, s.target) ? "i8086 ($pc = CS.base+IP)" : s.target.arch.architecture;
  return (
    `the target description now says ${next}.\n` +
    "gdb keeps the description it read when it connected: to reread it type\n" +
    `  disconnect\n  target remote ${s.host.address}\n` +
    "(the guest stays stopped in between; gdb reinserts its breakpoints)"
  );
}

/**
 * Whether a setting means the real-mode view now ("auto": while the boot CPU is in real mode), for a
 * target whose description has one.
 */
export function wantsRealModeView(setting: ArchSetting, target: DebugTarget): boolean {
  if (realModeView(target.arch) === null || setting === "i386") return false;
  return setting === "i8086" || target.describeCpu(0).mode === "real";
}
