// Monitor commands (`monitor CMD` in gdb, qRcmd on the wire). Names follow QEMU's HMP where one
// exists. Each returns its console text; the packet handler sends it as O packets and then OK.

import { registerNumber } from "../../emu/debug-arch.ts";
import type { DebugTarget } from "../../emu/debug-target.ts";
import { PatternError } from "../../shared/glob.ts";
import { infoHistory } from "./monitor-history.ts";
import { infoCpus, infoRegisters } from "./monitor-info.ts";
import { iowatch } from "./monitor-iowatch.ts";
import { infoSnapshots, snapshotCommand } from "./monitor-snapshots.ts";
import { infoSymbol, symCommand } from "./monitor-symbols.ts";
import { memoryDump } from "./monitor-xp.ts";
import { describeArch, realModeView, setArch } from "./real-mode.ts";
import type { Session } from "./session.ts";

/** One help line and, for commands that need one, the target capability they use. */
const COMMANDS: ReadonlyArray<readonly [string, ((t: DebugTarget) => unknown)?]> = [
  ["help                           this list"],
  ["info registers                 registers with segment caches, CR0-4, GDTR/IDTR/LDTR/TR", isI386],
  ["info cpus                      vCPUs (gdb threads), their mode and linear PC"],
  ["info mtree                     the memory map (RAM, ROM, aliases, MMIO)", (t) => t.monitor],
  [
    "info acpi                      ACPI tables in guest memory; MADT and SRAT entries decoded",
    (t) => t.monitor,
  ],
  [
    "info jit                       translated code: blocks, bytes, hit rate, invalidations",
    (t) => t.monitor,
  ],
  ["info fw_cfg                    fw_cfg items: select key, size, name", (t) => t.monitor],
  [
    "info mptable                   the MP table in guest memory: CPUs, buses, IOAPICs, interrupts",
    (t) => t.monitor,
  ],
  ["info numa                      NUMA nodes: their CPUs and memory, as QEMU prints them", (t) => t.monitor],
  [
    "info history                   how far back reverse execution reaches, snapshots and memory",
    (t) => t.reverse,
  ],
  ["xp/FMT ADDR                    physical memory, FMT = [count][x|d|u|o|c][b|h|w|g]"],
  ["x/FMT ADDR                     linear memory as the current vCPU maps it (same FMT)"],
  ["info symbol ADDR               the --symbols symbol covering ADDR, as name+offset"],
  ["sym NAME                       the address of symbol NAME (ADDR may be NAME[+OFF] anywhere)"],
  ["iowatch add PORT[-PORT] [r|w|rw]   stop on I/O port access (default rw)", (t) => t.ioWatches],
  ["iowatch del PORT[-PORT]|all    remove I/O watches", (t) => t.ioWatches],
  ["iowatch list                   list I/O watches", (t) => t.ioWatches],
  ["system_reset                   reset the machine (like the reset button)"],
  ["savevm NAME                    save the whole machine in memory as NAME", (t) => t.snapshots],
  ["loadvm NAME                    go back to snapshot NAME (disk contents too)", (t) => t.snapshots],
  ["delvm NAME                     forget snapshot NAME", (t) => t.snapshots],
  ["info snapshots                 the snapshots: name, size, virtual time, position", (t) => t.snapshots],
  ["log                            the firmware's debug-port output so far", (t) => t.monitor],
  [
    "trace on|off PATTERN           stream trace events (e.g. 'portio_*,ide_*') to this console",
    (t) => t.trace,
  ],
  [
    "arch [auto|i386|i8086]         the architecture the target description names (see 'arch')",
    (t) => realModeView(t.arch),
  ],
  ["phys on|off                    m/M/X address physical memory (like qqemu.PhyMemMode)"],
];

/** Whether the target's registers are i386's (info registers prints them by name). */
function isI386(t: DebugTarget): boolean {
  return registerNumber(t.arch, "eax") >= 0;
}

/** The help text: the commands this target supports. */
function help(target: DebugTarget): string {
  const lines = COMMANDS.filter(([, needs]) => needs === undefined || needs(target)).map(
    ([line]) => `  ${line}`,
  );
  return `pcscope monitor commands:\n${lines.join("\n")}`;
}

/** Runs one command line; never throws for bad input (returns a message instead). */
export function runMonitorCommand(s: Session, line: string): string {
  const words = line
    .trim()
    .split(/\s+/)
    .filter((w) => w !== "");
  const [cmd, ...rest] = words;
  if (cmd === undefined || cmd === "help" || cmd === "?") return help(s.target);
  if (/^xp(\/|$)/.test(cmd)) return memoryDump(s.target, null, line.trim().slice(2), s.host.symbols);
  if (/^x(\/|$)/.test(cmd)) return memoryDump(s.target, s.gCpu, line.trim().slice(1), s.host.symbols);
  switch (cmd) {
    case "info":
      return info(s, rest[0], rest.slice(1));
    case "sym":
      return symCommand(s.host.symbols, rest);
    case "iowatch":
      return s.target.ioWatches ? iowatch(s, s.target.ioWatches, rest) : "this machine has no I/O watches";
    case "savevm":
    case "loadvm":
    case "delvm":
      return s.target.snapshots
        ? snapshotCommand(s.target.snapshots, cmd, rest)
        : "this machine has no snapshots";
    case "system_reset":
      s.target.reset();
      return "machine reset; gdb still shows the old registers until you type 'maint flush register-cache'";
    case "log":
      return s.target.monitor?.info("log") ?? "this machine keeps no debug-port log";
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

/** `info WHAT [ARGS]`. */
function info(s: Session, what: string | undefined, args: string[]): string {
  switch (what) {
    case "registers":
      return isI386(s.target) ? infoRegisters(s.target, s.gCpu) : "info registers: not an i386 register file";
    case "cpus":
      return infoCpus(s.target, s.gCpu, s.host.executor.isRunning);
    case "mtree":
      return s.target.monitor?.info("mtree") ?? "this machine has no memory map to show";
    case "acpi":
      return s.target.monitor?.info("acpi") ?? "this machine cannot show ACPI tables";
    case "fw_cfg":
      return s.target.monitor?.info("fw_cfg") ?? "this machine has no fw_cfg device";
    case "mptable":
      return s.target.monitor?.info("mptable") ?? "this machine cannot show an MP table";
    case "numa":
      return s.target.monitor?.info("numa") ?? "this machine has no NUMA nodes to show";
    case "history":
      return infoHistory(s.target.reverse?.timeline());
    case "snapshots":
      return s.target.snapshots ? infoSnapshots(s.target.snapshots) : "this machine has no snapshots";
    case "symbol":
      return infoSymbol(s.host.symbols, args);
    default:
      return "usage: info registers | info cpus | info mtree | info acpi | info fw_cfg | info mptable | info numa | info history | info snapshots | info symbol ADDR";
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
