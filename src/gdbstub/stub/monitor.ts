// Monitor commands (`monitor CMD` in gdb, qRcmd on the wire). Names follow QEMU's HMP where one
// exists. Each returns its console text; the packet handler sends it as O packets and then OK.

import { PatternError } from "../../shared/glob.ts";
import { infoCpus, infoRegisters } from "./monitor-info.ts";
import { iowatch } from "./monitor-iowatch.ts";
import { xp } from "./monitor-xp.ts";
import { describeArch, setArch } from "./real-mode.ts";
import type { Session } from "./session.ts";

const HELP = `pcscope monitor commands:
  help                           this list
  info registers                 registers with segment caches, CR0-4, GDTR/IDTR/LDTR/TR
  info cpus                      vCPUs (gdb threads), their mode and linear PC
  info mtree                     the memory map (RAM, ROM, aliases, MMIO)
  xp/FMT ADDR                    physical memory, FMT = [count][x|d|u|o|c][b|h|w|g]
  iowatch add PORT[-PORT] [r|w|rw]   stop on I/O port access (default rw)
  iowatch del PORT[-PORT]|all    remove I/O watches
  iowatch list                   list I/O watches
  system_reset                   reset the machine (like the reset button)
  log                            the firmware's debug-port output so far
  trace on|off PATTERN           stream trace events (e.g. 'portio_*,ide_*') to this console
  arch [auto|i386|i8086]         the architecture the target description names (see 'arch')
  phys on|off                    m/M/X address physical memory (like qqemu.PhyMemMode)`;

/** Runs one command line; never throws for bad input (returns a message instead). */
export function runMonitorCommand(s: Session, line: string): string {
  const words = line
    .trim()
    .split(/\s+/)
    .filter((w) => w !== "");
  const [cmd, ...rest] = words;
  if (cmd === undefined || cmd === "help" || cmd === "?") return HELP;
  if (cmd.startsWith("xp")) return xp(s.target, line.trim().slice(2));
  switch (cmd) {
    case "info":
      return info(s, rest[0]);
    case "iowatch":
      return iowatch(s, rest);
    case "system_reset":
      s.target.reset();
      return "machine reset; gdb still shows the old registers until you type 'maint flush register-cache'";
    case "log":
      return s.target.monitorInfo?.("log") ?? "this machine keeps no debug-port log";
    case "trace":
      return trace(s, rest);
    case "arch":
      return rest.length === 0 ? describeArch(s) : setArch(s, rest[0]!);
    case "phys":
      if (rest[0] !== "on" && rest[0] !== "off")
        return `physical memory mode is ${s.physical ? "on" : "off"}`;
      s.physical = rest[0] === "on";
      return `m/M/X now address ${s.physical ? "physical" : "linear"} memory`;
    default:
      return `unknown command '${cmd}'; try 'monitor help'`;
  }
}

/** `info WHAT`. */
function info(s: Session, what: string | undefined): string {
  switch (what) {
    case "registers":
      return infoRegisters(s.target, s.gCpu);
    case "cpus":
      return infoCpus(s.target, s.gCpu, s.host.executor.isRunning);
    case "mtree":
      return s.target.monitorInfo?.("mtree") ?? "this machine has no memory map to show";
    default:
      return "usage: info registers | info cpus | info mtree";
  }
}

/** `trace on PATTERN` / `trace off`: trace events become console lines while the guest runs. */
function trace(s: Session, args: string[]): string {
  const bus = s.target.trace;
  if (bus === undefined) return "this machine has no trace bus";
  const [onOff, pattern] = args;
  if (onOff === "off") {
    s.traceOff?.();
    s.traceOff = null;
    return "tracing off";
  }
  if (onOff !== "on" || pattern === undefined) return "usage: trace on PATTERN | trace off";
  let off: () => void;
  try {
    off = bus.subscribe(pattern, (event) => {
      const fields = Object.entries(event.fields)
        .map(([k, v]) => `${k}=${typeof v === "number" ? `0x${v.toString(16)}` : String(v)}`)
        .join(" ");
      s.console(`[${event.insn}] ${event.name} ${fields}\n`);
    });
  } catch (err) {
    if (err instanceof PatternError) return `trace: ${err.message}`;
    throw err;
  }
  s.traceOff?.();
  s.traceOff = off;
  return `tracing '${pattern}' (events show while the guest runs)`;
}
