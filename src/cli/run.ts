// `pcscope run`: runs a BIOS image on the bare machine headless, with QEMU-like debug consoles,
// isa-debug-exit, tracing and a one-line summary on stderr when the guest stops. Without --bios it
// runs the demo ROM (firmware/hello/hello.bin) and shows its debug console on stdout.
import { closeSync, openSync, readFileSync, writeSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { StopEvent } from "../emu/debug-target.ts";
import type { ByteSink } from "../emu/devices/debugcon.ts";
import { DEBUGCON_DEFAULT_PORT } from "../emu/devices/debugcon.ts";
import { ConfigError, type DebugconOption } from "../emu/machine/config.ts";
import { biosSizeProblem, memSizeProblem } from "../emu/machine/limits.ts";
import type { Machine } from "../emu/machine/machine.ts";
import type { TraceEvent, TraceValue } from "../emu/trace/bus.ts";
import type { CliCommand } from "./command.ts";
import { UserError } from "./errors.ts";
import { type DebugconTarget, parseRunArgs, type RunOptions } from "./run-options.ts";
import { defaultPcBios, wantsPc } from "./run-pc.ts";
import { type OpenedDrives, openPcDrives } from "./run-pc-drives.ts";

/** The demo ROM run when no --bios is given. */
export const DEMO_ROM = fileURLToPath(new URL("../../firmware/hello/hello.bin", import.meta.url));

/** Exit statuses (2 is a usage error, from UserError). */
export const EXIT_TRIPLE_FAULT = 3;
export const EXIT_UNIMPLEMENTED = 4;
export const EXIT_MAX_INSNS = 5;
export const EXIT_INTERRUPTED = 130;

/** Instructions per run() slice: between slices the event loop runs (Ctrl-C, the gdb socket). */
const SLICE = 4_000_000;
/** Output buffered before a write(2). */
const FLUSH_BYTES = 64 * 1024;

const USAGE = `usage: pcscope run [options]

Runs a BIOS image on the bare machine (RAM, the ROM at the top of 4 GiB and its last 128 KiB
aliased below 1 MiB, debug consoles) until the guest halts with nothing left to wake it.
Without --bios: runs the demo ROM firmware/hello/hello.bin, its debug console on stdout.

  --bios FILE                 BIOS image, a multiple of 64 KiB (-bios)
  --mem SIZE                  RAM size, default 32M; K/M/G suffixes, plain number = MiB (-m)
  --debugcon [PORT=]TARGET    isa-debugcon: TARGET is stdio, file:PATH or null; PORT default 0x402
                              (repeatable; -debugcon; -global isa-debugcon.iobase=N sets the default)
  --debug-exit PORT[,SIZE]    isa-debug-exit: writing V exits with status (V<<1)|1
                              (-device isa-debug-exit,iobase=PORT[,iosize=SIZE])
  --trace PATTERN[,...]       trace events, e.g. portio_* (repeatable; -trace)
  --trace-file PATH           write trace (and -d) lines there instead of stderr (-D)
  --log ITEMS                 log guest_errors and/or unimp (comma-separated; -d)
  --max-insns N               stop with status ${EXIT_MAX_INSNS} after N instructions (K/M/G = 10^3/6/9)
  --no-reboot                 a triple fault exits with status ${EXIT_TRIPLE_FAULT} (a reset request exits 0)
  --gdb tcp:HOST:PORT         serve gdb there (-gdb); the process runs until isa-debug-exit,
                              a gdb kill or Ctrl-C (--max-insns does not apply)
  -s                          shorthand for --gdb tcp:127.0.0.1:1234
  -S                          with a gdb server: stay paused at the reset vector until gdb continues

The i440fx PC (QEMU's -M pc; firmware: --bios, default Debian's SeaBIOS) is chosen by any of:
  --machine pc|bare           machine type (-M)
  --drive file=PATH[,format=qcow2|raw][,if=ide][,index=N][,media=disk|cdrom][,readonly=on]
  --hda PATH, --cdrom PATH    IDE primary master / secondary master
  --smp N                     CPUs (1..16)
  --boot ORDER                boot order letters a, c, d (default cad)
  --serial stdio|file:PATH|null   a 16550 UART at 0x3f8 (none by default, as -nodefaults)

Exit status: 0 halted (or the isa-debug-exit status), ${EXIT_TRIPLE_FAULT} triple fault, ${EXIT_UNIMPLEMENTED} unimplemented
instruction, ${EXIT_MAX_INSNS} --max-insns reached, 2 bad usage.`;

/** A buffered writer to a file descriptor. */
class FdWriter implements ByteSink {
  private buf = Buffer.alloc(FLUSH_BYTES);
  private used = 0;
  private broken = false;

  constructor(
    private readonly fd: number,
    private readonly owned: boolean,
  ) {}

  write(byte: number): void {
    this.buf[this.used++] = byte;
    if (this.used === this.buf.length) this.flush();
  }

  writeText(text: string): void {
    const bytes = Buffer.from(text, "utf8");
    if (this.used + bytes.length > this.buf.length) this.flush();
    if (bytes.length > this.buf.length) {
      if (!this.broken) writeSync(this.fd, bytes);
    } else {
      bytes.copy(this.buf, this.used);
      this.used += bytes.length;
    }
  }

  /** Writes out the buffer; a reader that went away (EPIPE, `| head`) just stops receiving. */
  flush(): void {
    let done = 0;
    try {
      while (!this.broken && done < this.used) done += writeSync(this.fd, this.buf, done, this.used - done);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EPIPE") throw err;
      this.broken = true;
    }
    this.used = 0;
  }

  close(): void {
    this.flush();
    if (this.owned) closeSync(this.fd);
  }
}

/** Opens `path` for writing (truncated), as a UserError when it cannot be. */
function openForWrite(path: string, what: string): FdWriter {
  try {
    return new FdWriter(openSync(path, "w"), true);
  } catch (err) {
    throw new UserError(
      `cannot write ${what} '${path}': ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
    );
  }
}

/** Reads the BIOS image, as a UserError when it cannot be. */
function readBios(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : (code ?? String(err));
    throw new UserError(`cannot read BIOS image '${path}': ${why}`);
  }
}

/** Formats a trace field value: hex for numbers except sizes and counts, as QEMU's formats do. */
function formatValue(key: string, value: TraceValue): string {
  if (typeof value === "number") {
    if (key === "size" || key === "len" || key === "count" || key === "bytes") return String(value);
    return value < 0 ? `-0x${(-value).toString(16)}` : `0x${value.toString(16)}`;
  }
  if (typeof value === "bigint") return `0x${value.toString(16)}`;
  return String(value);
}

/** One trace line: `INSN@SECONDS:name key value ...` (QEMU's PID@TIME:name with the instruction count). */
export function formatTraceLine(event: TraceEvent): string {
  const secs = (event.hostNs / 1e9).toFixed(6);
  let line = `${event.insn}@${secs}:${event.name}`;
  for (const [key, value] of Object.entries(event.fields)) line += ` ${key} ${formatValue(key, value)}`;
  return `${line}\n`;
}

/** What a finished run reports: the summary's reason and the exit status. */
function outcome(event: StopEvent, machine: Machine): { reason: string; status: number } {
  switch (event.kind) {
    case "halted":
      return { reason: "halted with nothing left to wake it", status: 0 };
    case "exit":
      return {
        reason: `isa-debug-exit wrote ${event.status >>> 1} (status ${event.status})`,
        status: event.status & 0xff,
      };
    case "tripleFault":
      return { reason: "triple fault (--no-reboot)", status: EXIT_TRIPLE_FAULT };
    case "reset":
      return { reason: `reset requested (${event.why}) under --no-reboot`, status: 0 };
    case "unimplemented": {
      const bytes = event.bytes.map((b) => b.toString(16).padStart(2, "0")).join(" ");
      const at = `${event.cs.toString(16).padStart(4, "0")}:${event.eip.toString(16).padStart(8, "0")}`;
      return {
        reason: `unimplemented: ${event.what} at ${at} (linear 0x${event.linear.toString(16)}; bytes ${bytes})`,
        status: EXIT_UNIMPLEMENTED,
      };
    }
    case "interrupted":
      return { reason: "interrupted", status: EXIT_INTERRUPTED };
    default:
      return { reason: `stopped (${event.kind}) after ${machine.resets} resets`, status: 1 };
  }
}

/** Builds the debugcon options, opening files. */
function debugconOptions(opts: RunOptions, writers: FdWriter[], stdout: FdWriter): DebugconOption[] {
  const defaultPort = opts.debugconDefaultPort ?? DEBUGCON_DEFAULT_PORT;
  return opts.debugcons.map((spec) => {
    const target: DebugconTarget = spec.target;
    let sink: ByteSink | null = null;
    if (target.kind === "stdio") sink = stdout;
    else if (target.kind === "file") {
      const writer = openForWrite(target.path, "debugcon file");
      writers.push(writer);
      sink = writer;
    }
    return { port: spec.port ?? defaultPort, sink };
  });
}

/** Runs the command. */
async function run(args: string[]): Promise<number> {
  const opts = parseRunArgs(args);
  if (opts.startPaused && opts.gdb === null)
    throw new UserError("-S needs a gdb server (-s or --gdb tcp:HOST:PORT)");
  const pcMode = wantsPc(opts.pc);
  if (pcMode && opts.bios === null) {
    opts.bios = defaultPcBios();
    if (opts.bios === null)
      throw new UserError("the PC needs --bios FILE (SeaBIOS is not installed: apt-get install seabios)");
  }
  const demo = opts.bios === null;
  if (demo && opts.debugcons.length === 0) opts.debugcons.push({ port: null, target: { kind: "stdio" } });
  const bios = readBios(opts.bios ?? DEMO_ROM);
  const problem = memSizeProblem(opts.memBytes) ?? biosSizeProblem(bios.length);
  if (problem !== null) throw new UserError(opts.bios === null ? problem : `${opts.bios}: ${problem}`);
  // Loaded only now, so usage errors do not pay for the emulator.
  const { createBareMachine } = await import("../emu/machine/board-bare.ts");
  // Images are opened (and locked) before anything else is created; errors leave them untouched.
  const drives: OpenedDrives | null = pcMode ? await openPcDrives(opts.pc.drives) : null;

  const stdout = new FdWriter(1, false);
  const writers: FdWriter[] = [];
  const logOut =
    opts.traceFile !== null ? openForWrite(opts.traceFile, "trace file") : new FdWriter(2, false);
  let machine: Machine;
  try {
    const common = {
      bios,
      memBytes: opts.memBytes,
      debugcons: debugconOptions(opts, writers, stdout),
      debugExit: opts.debugExit ?? undefined,
      noReboot: opts.noReboot,
    };
    if (drives !== null) {
      const { createPcMachine, hostVapicRom } = await import("../emu/machine/pc.ts");
      const serial = opts.pc.serial;
      let serialSink: ByteSink | null | undefined;
      if (serial?.kind === "stdio") serialSink = stdout;
      else if (serial?.kind === "file") {
        const w = openForWrite(serial.path, "serial file");
        writers.push(w);
        serialSink = w;
      } else if (serial?.kind === "null") serialSink = null;
      // QEMU's kvmvapic option ROM makes SeaBIOS's log match QEMU's; with several CPUs it is left
      // out because the SMP probe then hangs (a known bug, see the issue 5 report).
      const vapic = (opts.pc.cpus ?? 1) === 1 ? hostVapicRom() : null;
      machine = createPcMachine({
        ...common,
        cpus: opts.pc.cpus ?? 1,
        bootOrder: opts.pc.boot ?? "cad",
        drives: drives.drives,
        aio: drives.aio,
        trace: drives.trace,
        serial: serialSink,
        optionRoms: vapic === null ? [] : [vapic],
      });
    } else {
      machine = createBareMachine(common);
    }
  } catch (err) {
    drives?.close();
    for (const w of writers) w.close();
    logOut.close();
    if (err instanceof ConfigError) throw new UserError(err.message);
    throw err;
  }
  if (demo) process.stderr.write(`pcscope: no --bios given: running the demo ROM ${DEMO_ROM}\n`);
  if (opts.trace.length > 0)
    machine.trace.subscribe(opts.trace.join(","), (e) => logOut.writeText(formatTraceLine(e)));
  if (opts.log.length > 0) {
    machine.log.listener = (entry) => {
      if (opts.log.includes(entry.kind)) logOut.writeText(`${entry.insn}:${entry.kind}: ${entry.message}\n`);
    };
  }

  const flush = () => {
    stdout.flush();
    for (const w of writers) w.flush();
    logOut.flush();
  };
  try {
    if (opts.gdb === null) return await runHeadless(machine, opts, flush);
    // While gdb drives the machine, buffered output is pushed out every so often.
    const timer = setInterval(flush, 250);
    try {
      return await runUnderGdb(machine, opts, opts.gdb, flush);
    } finally {
      clearInterval(timer);
    }
  } finally {
    drives?.close();
    stdout.flush();
    for (const w of writers) w.close();
    logOut.close();
  }
}

/** Prints the one-line summary. */
function summarize(reason: string, machine: Machine, started: number): void {
  const seconds = (performance.now() - started) / 1000;
  const insns = machine.cpus[0]!.instructions;
  const mips = seconds > 0 ? insns / seconds / 1e6 : 0;
  process.stderr.write(
    `pcscope: ${reason}: ${insns} instructions in ${seconds.toFixed(3)} s (${mips.toFixed(1)} MIPS)\n`,
  );
}

/** Runs until the guest stops for good (or --max-insns, or Ctrl-C); returns the exit status. */
async function runHeadless(machine: Machine, opts: RunOptions, flush: () => void): Promise<number> {
  const onSigint = () => machine.requestStop();
  process.on("SIGINT", onSigint);
  const cpu = machine.cpus[0]!;
  const started = performance.now();
  let event: StopEvent;
  try {
    for (;;) {
      let slice = SLICE;
      if (opts.maxInsns !== null) slice = Math.min(slice, opts.maxInsns - cpu.instructions);
      if (slice <= 0) {
        event = { kind: "budget" };
        break;
      }
      event = machine.run(slice);
      if (event.kind === "reset" && !opts.noReboot) continue;
      if (event.kind !== "budget") break;
      flush();
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  } finally {
    process.off("SIGINT", onSigint);
  }
  const { reason, status } =
    event.kind === "budget"
      ? { reason: `--max-insns ${opts.maxInsns} reached`, status: EXIT_MAX_INSNS }
      : outcome(event, machine);
  flush();
  summarize(reason, machine, started);
  return status;
}

/**
 * Serves the machine to gdb (QEMU's -gdb/-s, paused at reset with -S) until the guest exits through
 * isa-debug-exit, a debugger kills it, or Ctrl-C. The guest runs between debugger sessions.
 */
async function runUnderGdb(
  machine: Machine,
  opts: RunOptions,
  gdb: { host: string; port: number },
  flush: () => void,
): Promise<number> {
  const { startGdbServer } = await import("../gdbstub/index.ts");
  const log = (line: string) => process.stderr.write(`pcscope: ${line}\n`);
  let server: Awaited<ReturnType<typeof startGdbServer>>;
  try {
    server = await startGdbServer(machine, {
      host: gdb.host,
      port: gdb.port,
      startPaused: opts.startPaused,
      log,
    });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new UserError(`cannot listen for gdb on ${gdb.host}:${gdb.port}: ${code}`);
  }
  const started = performance.now();
  let onSigint = () => {};
  const interrupted = new Promise<"interrupted">((resolve) => {
    onSigint = () => resolve("interrupted");
    process.on("SIGINT", onSigint);
  });
  const end = await Promise.race([server.done, interrupted]);
  process.off("SIGINT", onSigint);
  await server.close();
  flush();
  if (end === "interrupted") {
    summarize("interrupted", machine, started);
    return EXIT_INTERRUPTED;
  }
  if (end.kind === "kill") {
    summarize("killed by the debugger", machine, started);
    return 0;
  }
  summarize(`isa-debug-exit wrote ${end.status >>> 1} (status ${end.status})`, machine, started);
  return end.status & 0xff;
}

export const runCommand: CliCommand = {
  name: "run",
  summary: "run a BIOS image headless (no --bios: the demo ROM)",
  usage: USAGE,
  run,
};
