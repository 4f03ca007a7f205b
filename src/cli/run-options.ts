// Parsing `pcscope run` options. Long options take `--name VALUE` or `--name=VALUE`; QEMU's
// single-dash spellings (-bios, -m, -debugcon, -trace, -D, -d, -no-reboot, -device isa-debug-exit,
// -global isa-debugcon.iobase) are accepted as aliases so a QEMU command line mostly carries over.

import { isIPv6 } from "node:net";
import type { NumaNodeSpec } from "../emu/acpi/numa.ts";
import { CPU_MODEL_NAMES, isCpuModel } from "../emu/cpu/cpuid-models.ts";
import { ConfigError } from "../emu/machine/config.ts";
import { memConfigProblem, memSizeProblem } from "../emu/machine/limits.ts";

import type { DebugconSpec, RunOptions } from "../emu/machine/run-config.ts";
import { UserError } from "./errors.ts";
import { applyPcOption, emptyPcOptions, PC_ALIASES, PC_OPTIONS } from "./run-pc.ts";

/**
 * The error to rethrow for `err` from the machine layer (resolving or building what the options
 * ask for): its ConfigError as a UserError with the same message, anything else as it is.
 */
export function asUserError(err: unknown): unknown {
  return err instanceof ConfigError ? new UserError(err.message) : err;
}

/** Option spellings: canonical long name -> whether it takes a value. */
const OPTIONS: Record<string, boolean> = {
  bios: true,
  mem: true,
  debugcon: true,
  "debug-exit": true,
  trace: true,
  "trace-file": true,
  log: true,
  "max-insns": true,
  "no-reboot": false,
  history: true,
  jit: false,
  "no-jit": false,
  cpu: true,
  gdb: true,
  device: true,
  global: true,
  s: false,
  S: false,
  symbols: true,
  ...PC_OPTIONS,
};

/** QEMU single-dash spellings and short forms -> canonical name. */
const ALIASES: Record<string, string> = {
  "-bios": "bios",
  "-m": "mem",
  "-debugcon": "debugcon",
  "-trace": "trace",
  "-D": "trace-file",
  "-d": "log",
  "-no-reboot": "no-reboot",
  "-cpu": "cpu",
  "-gdb": "gdb",
  "-device": "device",
  "-global": "global",
  "-s": "s",
  "-S": "S",
  ...PC_ALIASES,
};

const LOG_ITEMS = ["guest_errors", "unimp"];
const MiB = 1024 * 1024;
const SUFFIX: Record<string, number> = { K: 1024, M: MiB, G: 1024 * MiB };

/** Parses a size as QEMU's -m does: a plain number is MiB; K, M, G (and KB/MiB...) suffixes. */
export function parseMemSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([KMG])?(?:i?B)?$/i.exec(text.trim());
  if (m === null) throw new UserError(`invalid memory size '${text}' (examples: 32M, 512K, 1G, 64)`);
  const unit = m[2] === undefined ? MiB : SUFFIX[m[2].toUpperCase()]!;
  const bytes = Math.round(Number(m[1]) * unit);
  return bytes;
}

/**
 * Parses `--numa node[,nodeid=N][,cpus=A[-B]]...[,mem=SIZE]` (QEMU's -numa node; QEMU 7.2 spells the
 * memory as a memdev backend of that size). Whether the nodes fit the machine is checked when it is
 * built (src/emu/acpi/numa.ts).
 */
export function parseNumaOption(text: string): NumaNodeSpec {
  const bad = (why: string) => new UserError(`invalid --numa '${text}': ${why}`);
  const [type, ...props] = text.split(",");
  if (type !== "node") throw bad("only 'node' is supported (node,nodeid=N,cpus=A-B,mem=SIZE)");
  const spec: NumaNodeSpec = { nodeId: null, cpus: [], memBytes: null };
  for (const prop of props) {
    const eq = prop.indexOf("=");
    const key = eq < 0 ? prop : prop.slice(0, eq);
    const value = eq < 0 ? "" : prop.slice(eq + 1);
    if (key === "nodeid") {
      if (!/^\d+$/.test(value)) throw bad(`nodeid expects a node number, got '${value}'`);
      spec.nodeId = Number(value);
    } else if (key === "cpus") {
      const m = /^(\d+)(?:-(\d+))?$/.exec(value);
      if (m === null) throw bad(`cpus expects A or A-B, got '${value}'`);
      const first = Number(m[1]);
      const last = m[2] === undefined ? first : Number(m[2]);
      if (last < first) throw bad(`cpus range '${value}' ends before it starts`);
      if (last >= 1024) throw bad(`CPU index ${last} is too large`);
      for (let c = first; c <= last; c++) spec.cpus.push(c);
    } else if (key === "mem") {
      spec.memBytes = parseMemSize(value);
    } else throw bad(`unknown property '${key}' (nodeid, cpus, mem)`);
  }
  return spec;
}

/** Refuses a RAM size pcscope cannot give the guest, naming the option and the value given. */
function checkMemSize(text: string, bytes: number): void {
  const problem = memSizeProblem(bytes);
  if (problem !== null) throw new UserError(`invalid --mem '${text}': ${problem}`);
}

/**
 * Parses --mem (QEMU's -m): `SIZE` or `size=SIZE`, with `slots=N` and `maxmem=SIZE` for the
 * device-memory (DIMM hot-plug) region, checked with QEMU's messages.
 */
function parseMemOption(opts: RunOptions, text: string): void {
  let size = opts.memBytes;
  let slots: number | null = null;
  let maxmem: number | null = null;
  text.split(",").forEach((part, i) => {
    const eq = part.indexOf("=");
    const key = eq < 0 && i === 0 ? "size" : part.slice(0, eq < 0 ? part.length : eq);
    const value = eq < 0 ? part : part.slice(eq + 1);
    if (key === "size") size = parseMemSize(value);
    else if (key === "maxmem") maxmem = parseMemSize(value);
    else if (key === "slots") {
      if (!/^\d+$/.test(value))
        throw new UserError(`invalid --mem '${text}': Parameter 'slots' expects a number`);
      slots = Number(value);
    } else throw new UserError(`invalid --mem '${text}': Invalid parameter '${key}'`);
  });
  if (slots !== null && maxmem === null)
    throw new UserError(`invalid --mem '${text}': slots specified but no max-size`);
  checkMemSize(text, size);
  const problem = memConfigProblem({ ramBytes: size, slots: slots ?? 0, maxBytes: maxmem ?? size });
  if (problem !== null) throw new UserError(`invalid --mem '${text}': ${problem}`);
  opts.memBytes = size;
  opts.pc.memSlots = slots ?? 0;
  opts.pc.maxMemBytes = maxmem;
}

/** Parses a port number: 0x-prefixed hex or decimal, 0..0xffff. */
export function parsePort(text: string, what: string): number {
  const t = text.trim();
  const n = /^0x[0-9a-f]+$/i.test(t)
    ? Number.parseInt(t.slice(2), 16)
    : /^\d+$/.test(t)
      ? Number(t)
      : Number.NaN;
  if (!Number.isInteger(n) || n < 0 || n > 0xffff)
    throw new UserError(`invalid port '${text}' for ${what} (0..0xffff)`);
  return n;
}

/** Parses an instruction count: digits with an optional K/M/G (powers of 1000) suffix. */
export function parseCount(text: string, what: string): number {
  const m = /^(\d+)([KMG])?$/i.exec(text.trim());
  if (m === null)
    throw new UserError(`invalid ${what} '${text}' (a positive integer, optionally with K, M or G)`);
  const scale = { K: 1e3, M: 1e6, G: 1e9 }[(m[2] ?? "").toUpperCase()] ?? 1;
  const n = Number(m[1]) * scale;
  if (n <= 0 || !Number.isSafeInteger(n)) throw new UserError(`invalid ${what} '${text}'`);
  return n;
}

/** Parses `[PORT=]stdio|file:PATH|null`. */
export function parseDebugcon(text: string): DebugconSpec {
  let port: number | null = null;
  let rest = text;
  const eq = text.indexOf("=");
  if (eq > 0 && !text.startsWith("file:")) {
    port = parsePort(text.slice(0, eq), "--debugcon");
    rest = text.slice(eq + 1);
  }
  if (rest === "stdio") return { port, target: { kind: "stdio" } };
  if (rest === "null") return { port, target: { kind: "null" } };
  if (rest.startsWith("file:") && rest.length > 5)
    return { port, target: { kind: "file", path: rest.slice(5) } };
  throw new UserError(
    `invalid --debugcon '${text}' (expected [PORT=]stdio, [PORT=]file:PATH or [PORT=]null)`,
  );
}

/**
 * Parses `tcp:HOST:PORT`, `tcp:[IPV6]:PORT` or `tcp::PORT` (host defaults to 127.0.0.1), as QEMU's
 * -gdb. The host is returned without brackets.
 */
export function parseGdbAddress(text: string): { host: string; port: number } {
  const m = /^tcp:(\[[^\]]*\]|[^:[\]]*):(\d+)$/.exec(text.trim());
  if (m === null)
    throw new UserError(`invalid --gdb '${text}' (expected tcp:HOST:PORT, tcp:[IPV6]:PORT or tcp::PORT)`);
  const port = Number(m[2]);
  if (port < 1 || port > 65535) throw new UserError(`invalid --gdb port in '${text}'`);
  let host = m[1]!;
  if (host.startsWith("[")) {
    host = host.slice(1, -1);
    if (!isIPv6(host)) throw new UserError(`invalid --gdb '${text}': '${host}' is not an IPv6 address`);
  }
  return { host: host === "" ? "127.0.0.1" : host, port };
}

/** `tcp:HOST:PORT` as the user would write it (IPv6 literals in brackets). */
export function formatGdbAddress(gdb: { host: string; port: number }): string {
  return `tcp:${gdb.host.includes(":") ? `[${gdb.host}]` : gdb.host}:${gdb.port}`;
}

/**
 * The one line for a gdb server that could not listen: the option, the host or port at fault and
 * what to do (QEMU says "address resolution failed for HOST:PORT: Name or service not known").
 */
export function gdbListenProblem(gdb: { host: string; port: number }, err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
  const where = `--gdb ${formatGdbAddress(gdb)}`;
  switch (code) {
    case "ENOTFOUND":
    case "EAI_AGAIN":
    case "EAI_FAIL":
      return `${where}: address resolution failed for '${gdb.host}' (${code}): give an address of this machine, e.g. tcp:127.0.0.1:${gdb.port}`;
    case "EADDRINUSE":
      return `${where}: port ${gdb.port} is already in use: choose another port, e.g. tcp::${gdb.port + 1}`;
    case "EADDRNOTAVAIL":
      return `${where}: '${gdb.host}' is not an address of this machine: use one it has, e.g. tcp:127.0.0.1:${gdb.port}`;
    case "EACCES":
      return `${where}: permission denied (ports below 1024 need privileges): choose a port above 1023`;
    default:
      return `${where}: cannot listen (${code})`;
  }
}

/** Parses QEMU's `-device isa-debug-exit,iobase=N[,iosize=N]` (the only -device understood). */
function parseDevice(text: string): { port: number; size: number } {
  const [driver, ...props] = text.split(",");
  if (driver !== "isa-debug-exit") {
    throw new UserError(`unsupported -device '${driver}' (only isa-debug-exit,iobase=N[,iosize=N])`);
  }
  let port = 0x501; // QEMU's default iobase
  let size = 2;
  for (const prop of props) {
    const [key, value = ""] = prop.split("=");
    if (key === "iobase") port = parsePort(value, "isa-debug-exit iobase");
    else if (key === "iosize") size = parseIoSize(value);
    else throw new UserError(`unknown isa-debug-exit property '${key}'`);
  }
  return { port, size };
}

/** Parses --debug-exit PORT[,SIZE]. */
function parseDebugExit(text: string): { port: number; size: number } {
  const [port, size] = text.split(",");
  return { port: parsePort(port ?? "", "--debug-exit"), size: size === undefined ? 2 : parseIoSize(size) };
}

function parseIoSize(text: string): number {
  const n = parsePort(text, "iosize");
  if (n < 1 || n > 4) throw new UserError(`invalid iosize '${text}' (1..4)`);
  return n;
}

/** Parses `FILE` or `FILE@0xBIAS` (the value of --symbols). */
export function parseSymbolArg(text: string): { path: string; bias: bigint } {
  const at = text.lastIndexOf("@");
  if (at > 0 && /^@(0x[0-9a-f]+|[0-9]+)$/i.test(text.slice(at)))
    return { path: text.slice(0, at), bias: BigInt(text.slice(at + 1)) };
  return { path: text, bias: 0n };
}

/** Turns argv into RunOptions; throws UserError on anything it does not understand. */
export function parseRunArgs(args: readonly string[]): RunOptions {
  const opts: RunOptions = {
    bios: null,
    memBytes: 32 * MiB,
    debugcons: [],
    debugconDefaultPort: null,
    debugExit: null,
    trace: [],
    traceFile: null,
    log: [],
    maxInsns: null,
    noReboot: false,
    historyBytes: null,
    jit: null,
    cpu: null,
    gdb: null,
    startPaused: false,
    symbols: [],
    pc: emptyPcOptions(),
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    let name: string | undefined;
    let value: string | undefined;
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      if (eq >= 0) value = arg.slice(eq + 1);
    } else {
      name = ALIASES[arg];
    }
    if (name === undefined || !(name in OPTIONS))
      throw new UserError(`unknown option '${arg}' (try 'pcscope help run')`);
    if (OPTIONS[name]) {
      if (value === undefined) {
        if (i + 1 >= args.length) throw new UserError(`option '${arg}' needs a value`);
        value = args[++i]!;
      }
    } else if (value !== undefined) {
      throw new UserError(`option '--${name}' takes no value`);
    }
    apply(opts, name, value ?? "");
  }
  return opts;
}

function apply(opts: RunOptions, name: string, value: string): void {
  switch (name) {
    case "bios":
      opts.bios = value;
      break;
    case "mem":
      parseMemOption(opts, value);
      break;
    case "debugcon":
      opts.debugcons.push(parseDebugcon(value));
      break;
    case "debug-exit":
      opts.debugExit = parseDebugExit(value);
      break;
    case "device":
      opts.debugExit = parseDevice(value);
      break;
    case "global": {
      const m = /^isa-debugcon\.iobase=(.+)$/.exec(value);
      if (m === null) throw new UserError(`unsupported -global '${value}' (only isa-debugcon.iobase=N)`);
      opts.debugconDefaultPort = parsePort(m[1]!, "isa-debugcon.iobase");
      break;
    }
    case "trace": {
      const pattern = value.startsWith("enable=") ? value.slice(7) : value;
      if (pattern.trim() === "")
        throw new UserError("--trace needs an event name or pattern (e.g. portio_*)");
      opts.trace.push(pattern);
      break;
    }
    case "trace-file":
      opts.traceFile = value;
      break;
    case "log":
      for (const item of value.split(",")) {
        if (!LOG_ITEMS.includes(item))
          throw new UserError(`unknown log item '${item}' (known: ${LOG_ITEMS.join(", ")})`);
        opts.log.push(item);
      }
      break;
    case "max-insns":
      opts.maxInsns = parseCount(value, "--max-insns");
      break;
    case "no-reboot":
      opts.noReboot = true;
      break;
    case "history":
      opts.historyBytes = value === "off" ? 0 : parseMemSize(value);
      if (opts.historyBytes !== 0 && opts.historyBytes < MiB)
        throw new UserError(`--history ${value} is too small to hold a snapshot (at least 1M, or off)`);
      break;
    case "jit":
    case "no-jit":
      opts.jit = name === "jit";
      break;
    case "cpu":
      if (!isCpuModel(value)) {
        throw new UserError(`unable to find CPU model '${value}' (models: ${CPU_MODEL_NAMES.join(", ")})`);
      }
      opts.cpu = value;
      break;
    case "gdb":
      opts.gdb = parseGdbAddress(value);
      break;
    case "s":
      opts.gdb = { host: "127.0.0.1", port: 1234 };
      break;
    case "S":
      opts.startPaused = true;
      break;
    case "symbols":
      opts.symbols.push(parseSymbolArg(value));
      break;
    case "numa":
      opts.pc.numa.push(parseNumaOption(value));
      break;
    default:
      applyPcOption(opts.pc, name, value);
  }
}
