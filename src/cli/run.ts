// `pcscope run`: runs a machine headless with QEMU-like debug consoles, isa-debug-exit, tracing and a
// one-line summary on stderr when the guest stops. With no arguments: the PC, the embedded BIOS and
// the demo disk; with --bios alone: the bare machine; --machine bare alone: the hello demo ROM.
import type { StopEvent } from "../emu/debug-target.ts";
import type { Machine } from "../emu/machine/machine.ts";
import type { CliCommand } from "./command.ts";
import { UserError } from "./errors.ts";
import { buildRunMachine, FdWriter } from "./run-machine.ts";
import { parseRunArgs, type RunOptions } from "./run-options.ts";

/** Exit statuses (2 is a usage error, from UserError). */
export const EXIT_TRIPLE_FAULT = 3;
export const EXIT_UNIMPLEMENTED = 4;
export const EXIT_MAX_INSNS = 5;
export const EXIT_INTERRUPTED = 130;

/** Instructions per run() slice: between slices the event loop runs (Ctrl-C, the gdb socket). */
const SLICE = 4_000_000;
const USAGE = `usage: pcscope run [options]

Runs a machine headless until the guest halts with nothing left to wake it, and prints a
one-line summary on stderr.
With no options: the i440fx PC with pcscope's embedded BIOS (firmware/bios/out/bios.bin) booting
the demo disk (~/.cache/pcscope/demo.qcow2, made on first use), the debug console on stdout.
With --bios FILE alone: the bare machine (RAM, the ROM at the top of 4 GiB and its last 128 KiB
aliased below 1 MiB, debug ports); --machine bare without --bios runs the demo ROM
firmware/hello/hello.bin.

  --bios FILE                 BIOS image, a multiple of 64 KiB up to 16 MiB (-bios)
  --mem SIZE                  RAM size, default 32M; K/M/G suffixes, plain number = MiB (-m)
  --debugcon [PORT=]TARGET    isa-debugcon: TARGET is stdio, file:PATH or null; PORT default 0x402
                              (repeatable; -debugcon; -global isa-debugcon.iobase=N sets the default)
  --debug-exit PORT[,SIZE]    isa-debug-exit: writing V exits with status (V<<1)|1
                              (-device isa-debug-exit,iobase=PORT[,iosize=SIZE])
  --trace PATTERN[,...]       trace events, e.g. portio_*; !portio_read excludes (repeatable; -trace)
  --trace-file PATH           write trace (and -d) lines there instead of stderr (-D); a PATH ending
                              in .json gets Chrome Trace Event JSON (Perfetto opens it)
  --log ITEMS                 log guest_errors and/or unimp (comma-separated; -d)
  --max-insns N               stop with status ${EXIT_MAX_INSNS} after N instructions (K/M/G = 10^3/6/9)
  --no-reboot                 a triple fault exits with status ${EXIT_TRIPLE_FAULT} (a reset request exits 0)
  --gdb tcp:HOST:PORT         serve gdb there (-gdb); the process runs until isa-debug-exit,
                              a gdb kill or Ctrl-C (--max-insns does not apply)
  -s                          shorthand for --gdb tcp:127.0.0.1:1234
  -S                          with a gdb server: stay paused at the reset vector until gdb continues
  -h, --help                  this text

The i440fx PC (QEMU's -M pc) is chosen by no options at all or by any of the options below. Its
firmware: --bios FILE, else pcscope's embedded BIOS, or with --kernel Debian's SeaBIOS
(/usr/share/seabios/bios.bin), which runs the Multiboot option ROM.
  --machine pc|bare           machine type (-M)
  --drive file=PATH[,format=qcow2|raw][,if=ide][,index=N][,media=disk|cdrom][,readonly=on]
  --hda PATH, --cdrom PATH    IDE primary master / secondary master
  --smp N                     CPUs (1..16)
  --boot ORDER                boot order letters a, c, d, n (default cad)
  --serial stdio|file:PATH|null   a 16550 UART at 0x3f8 (none by default, as -nodefaults)
  --kernel FILE               boot a Multiboot kernel (ELF or a.out kludge) as QEMU's -kernel does
  --append CMDLINE            its command line (-append)

Exit status: 0 halted (or the isa-debug-exit status), ${EXIT_TRIPLE_FAULT} triple fault, ${EXIT_UNIMPLEMENTED} unimplemented
instruction, ${EXIT_MAX_INSNS} --max-insns reached, ${EXIT_INTERRUPTED} Ctrl-C, 2 bad usage.`;

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

/** Runs the command. */
async function run(args: string[]): Promise<number> {
  const opts = parseRunArgs(args);
  if (opts.startPaused && opts.gdb === null)
    throw new UserError("-S needs a gdb server (-s or --gdb tcp:HOST:PORT)");
  const built = await buildRunMachine(opts, {
    stdout: new FdWriter(1, false),
    log: new FdWriter(2, false),
    defaultDebugcon: "stdout-for-default-firmware",
  });
  for (const note of built.notes) process.stderr.write(`pcscope: ${note}\n`);
  const { machine } = built;
  try {
    if (opts.gdb === null) return await runHeadless(machine, opts, built.flush);
    // While gdb drives the machine, buffered output is pushed out every so often.
    const timer = setInterval(built.flush, 250);
    try {
      return await runUnderGdb(machine, opts, opts.gdb, built.flush);
    } finally {
      clearInterval(timer);
    }
  } finally {
    built.close();
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
  usage: USAGE,
  run,
};
