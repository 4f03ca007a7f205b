// `pcscope run`: runs a machine headless with QEMU-like debug consoles, isa-debug-exit, tracing and a
// one-line summary on stderr when the guest stops. With no arguments: the PC, the embedded BIOS and
// the demo disk; with --bios alone: the bare machine; --machine bare alone: the hello demo ROM.
import { describeStop, type StopEvent } from "../emu/debug-target.ts";
import { buildRunMachine, type RunMachine } from "../emu/machine/builder.ts";
import type { Machine } from "../emu/machine/machine.ts";
import { type RunOptions, resolveRunConfig } from "../emu/machine/run-config.ts";
import { FdWriter, type OutputWriteError } from "../shared/fd-writer.ts";
import type { SymbolTable } from "../symbols/index.ts";
import type { CliCommand } from "./command.ts";
import { UserError } from "./errors.ts";
import { EXIT_OUTPUT_ERROR, noteOutputError, outputFailure, printLine } from "./output.ts";
import { asUserError, gdbListenProblem, parseRunArgs } from "./run-options.ts";

/** Exit statuses (2 is a usage error, from UserError). */
export const EXIT_TRIPLE_FAULT = 3;
export const EXIT_UNIMPLEMENTED = 4;
export const EXIT_MAX_INSNS = 5;
/**
 * The guest asked for a reset under --no-reboot (a keyboard-controller or 0xcf9 reset: Linux's
 * reboot, and its panic=-1 reboot after a panic). QEMU's -no-reboot exits 0 there; pcscope's
 * status tells a reset from a halt or a power-off.
 */
export const EXIT_GUEST_RESET = 7;
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
  --mem SIZE[,slots=N,maxmem=SIZE]
                              RAM size, default 32M (1M..3583M); K/M/G suffixes, plain number = MiB (-m);
                              slots/maxmem: QEMU's device-memory (hot-plug) region
  --debugcon [PORT=]TARGET    isa-debugcon: TARGET is stdio, file:PATH or null; PORT default 0x402
                              (repeatable; -debugcon; -global isa-debugcon.iobase=N sets the default)
  --debug-exit PORT[,SIZE]    isa-debug-exit: writing V exits with status (V<<1)|1
                              (-device isa-debug-exit,iobase=PORT[,iosize=SIZE])
  --trace PATTERN[,...]       trace events, e.g. portio_*; !portio_read excludes (repeatable; -trace)
  --trace-file PATH           write trace (and -d) lines there instead of stderr (-D); a PATH ending
                              in .json gets Chrome Trace Event JSON (Perfetto opens it)
  --log ITEMS                 log guest_errors and/or unimp (comma-separated; -d)
  --history SIZE|off          memory for reverse execution's snapshots under a gdb server or the UI
                              (default 512M; K/M/G suffixes; off records nothing; one vCPU only)
  --max-insns N               stop with status ${EXIT_MAX_INSNS} after N instructions (K/M/G = 10^3/6/9)
  --no-reboot                 a triple fault exits with status ${EXIT_TRIPLE_FAULT} (a reset request exits 0)
  --no-jit, --jit             interpret every instruction / translate hot code to JavaScript (the
                              default; PCSCOPE_JIT=0 in the environment makes --no-jit the default)
  --cpu MODEL                 CPUID as QEMU's model: 486, pentium, pentium2, pentium3, qemu32 (-cpu;
                              default qemu32, as QEMU), or pcscope (a minimal P6: FPU, TSC, MSR, CX8)
  --gdb tcp:HOST:PORT         serve gdb there (-gdb; an IPv6 HOST in brackets: tcp:[::1]:1234); the
                              process runs until isa-debug-exit, a gdb kill or Ctrl-C (--max-insns
                              does not apply)
  -s                          shorthand for --gdb tcp:127.0.0.1:1234
  -S                          with a gdb server: stay paused at the reset vector until gdb continues
  --symbols FILE[@BIAS]       with a gdb server: an nm listing (System.map, kallsyms) for its monitor:
                              'info symbol ADDR', 'sym NAME', NAME[+OFF] as x/xp addresses (repeatable)
  -h, --help                  this text

The i440fx PC (QEMU's -M pc) is chosen by no options at all or by any of the options below. Its
firmware: --bios FILE, else pcscope's embedded BIOS, or with --kernel Debian's SeaBIOS
(/usr/share/seabios/bios.bin), which runs the Linux or Multiboot option ROM.
  --machine pc|bare           machine type (-M)
  --drive file=PATH[,format=qcow2|raw][,if=ide][,index=N][,media=disk|cdrom][,readonly=on]
                              (a CD-ROM is read-only; a hard disk cannot be, as in QEMU)
  --hda PATH, --cdrom PATH    IDE primary master / secondary master
  --smp N[,maxcpus=M,sockets=S,dies=D,cores=C,threads=T]
                              CPUs (1..255) and their topology, derived and checked as QEMU 7.2
  --numa node[,nodeid=N][,cpus=A-B][,mem=SIZE]   a NUMA node (repeatable; -numa node,...,memdev=);
                              node memory must add up to --mem; ACPI's SRAT describes the nodes
  --boot ORDER                boot order letters a, c, d, n (default cad)
  --serial stdio|file:PATH|null   a 16550 UART at 0x3f8 (none by default, as -nodefaults); a
                              second --serial adds COM2 at 0x2f8 (IRQ 3), as QEMU's second -serial
  --kernel FILE               boot a Linux bzImage or a Multiboot kernel (ELF or a.out kludge)
                              through SeaBIOS and an option ROM, as QEMU's -kernel does
  --initrd FILE               the Linux kernel's initial RAM disk (-initrd)
  --append CMDLINE            its command line (-append)
  --rtc base=utc|localtime|DATE[,clock=vm]
                              the RTC's date at power-on (-rtc): default 2000-01-01T00:00:00 UTC, so
                              runs repeat exactly; utc/localtime take the host's clock, as QEMU does;
                              DATE is 2006-06-17 or 2006-06-17T16:01:21 (UTC)

Exit status: 0 halted or powered off (or the isa-debug-exit status), ${EXIT_TRIPLE_FAULT} triple fault, ${EXIT_UNIMPLEMENTED} unimplemented
instruction, ${EXIT_MAX_INSNS} --max-insns reached, ${EXIT_GUEST_RESET} the guest reset under --no-reboot, ${EXIT_INTERRUPTED} Ctrl-C, 2 bad usage,
${EXIT_OUTPUT_ERROR} an output could not be written.`;

/** What a finished run reports: the summary's reason (describeStop's line) and the exit status. */
function outcome(event: StopEvent, machine: Machine): { reason: string; status: number } {
  const reason = describeStop(event);
  switch (event.kind) {
    case "halted":
      return { reason, status: 0 };
    case "reset":
      return { reason: `${reason} under --no-reboot`, status: EXIT_GUEST_RESET };
    case "exit":
      return { reason, status: event.status & 0xff };
    case "tripleFault":
      return { reason: `${reason} under --no-reboot`, status: EXIT_TRIPLE_FAULT };
    case "unimplemented":
      return { reason, status: EXIT_UNIMPLEMENTED };
    case "interrupted":
      return { reason, status: EXIT_INTERRUPTED };
    default:
      return { reason: `stopped (${reason}) after ${machine.resets} resets`, status: 1 };
  }
}

/** Runs the command. */
async function run(args: string[]): Promise<number> {
  const opts = parseRunArgs(args);
  if (opts.startPaused && opts.gdb === null)
    throw new UserError("-S needs a gdb server (-s or --gdb tcp:HOST:PORT)");
  if (opts.symbols.length > 0 && opts.gdb === null)
    throw new UserError("--symbols is for the gdb server's monitor: give -s or --gdb tcp:HOST:PORT");
  const symbols =
    opts.symbols.length === 0
      ? null
      : (await import("./symbol-files.ts")).loadSymbolTable(opts.symbols, (line) =>
          process.stderr.write(`${line}\n`),
        );
  // An output that cannot be written stops the machine; the run then ends with EXIT_OUTPUT_ERROR.
  let machine: Machine | null = null;
  const onWriteError = (err: OutputWriteError) => {
    if (!noteOutputError(err)) return;
    machine?.requestStop();
    if (opts.gdb !== null)
      printLine(`${err.message}; the machine is stopped for gdb (detach or Ctrl-C ends the run)`);
  };
  let built: RunMachine;
  try {
    const config = await resolveRunConfig(opts, "stdout-for-default-firmware");
    built = await buildRunMachine(config, {
      stdout: new FdWriter(1, false, "stdout", onWriteError),
      log: new FdWriter(2, false, "stderr", onWriteError),
      onWriteError,
    });
  } catch (err) {
    throw asUserError(err);
  }
  machine = built.machine;
  // The notes come once nothing can fail any more, so a failed run prints exactly one line.
  const printNotes = () => {
    for (const note of built.notes) process.stderr.write(`pcscope: ${note}\n`);
  };
  let status: number;
  try {
    if (opts.gdb === null) {
      printNotes();
      status = await runHeadless(machine, opts, built.flush);
    } else status = await runUnderGdb(machine, opts, opts.gdb, symbols, built.flush, printNotes);
  } finally {
    built.close();
  }
  // A failure while closing (the last buffered bytes, a JSON trace) still gets its line.
  const failure = outputFailure();
  if (failure === null || status === EXIT_OUTPUT_ERROR) return status;
  printLine(failure.message);
  return EXIT_OUTPUT_ERROR;
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
  let event: StopEvent = { kind: "budget" };
  try {
    while (outputFailure() === null) {
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
  flush();
  const failure = outputFailure();
  const { reason, status } =
    failure !== null
      ? { reason: failure.message, status: EXIT_OUTPUT_ERROR }
      : event.kind === "budget"
        ? { reason: `--max-insns ${opts.maxInsns} reached`, status: EXIT_MAX_INSNS }
        : outcome(event, machine);
  summarize(reason, machine, started);
  return status;
}

/** How often buffered output is pushed out, and an output failure looked for, while gdb drives (ms). */
const GDB_POLL_MS = 250;

/**
 * Serves the machine to gdb (QEMU's -gdb/-s, paused at reset with -S) until the guest exits through
 * isa-debug-exit, a debugger kills it, or Ctrl-C. The guest runs between debugger sessions. After an
 * output failure the machine is stopped and left to the attached debugger; the run ends when none
 * is attached any more (or on Ctrl-C), with EXIT_OUTPUT_ERROR. `printNotes` runs once the server
 * listens.
 */
async function runUnderGdb(
  machine: Machine,
  opts: RunOptions,
  gdb: { host: string; port: number },
  symbols: SymbolTable | null,
  flush: () => void,
  printNotes: () => void,
): Promise<number> {
  const { startGdbServer } = await import("../gdbstub/index.ts");
  const log = (line: string) => process.stderr.write(`pcscope: ${line}\n`);
  // A debugger can go back: the history records unless --history off (a note if it was asked for).
  if (opts.historyBytes !== 0) {
    const why = machine.enableHistory(opts.historyBytes ?? undefined);
    if (why !== null && opts.historyBytes !== null) log(`--history: ${why}`);
  }
  let server: Awaited<ReturnType<typeof startGdbServer>>;
  try {
    server = await startGdbServer(machine, {
      host: gdb.host,
      port: gdb.port,
      startPaused: opts.startPaused,
      log,
      symbols: symbols ?? undefined,
    });
  } catch (err) {
    throw new UserError(gdbListenProblem(gdb, err));
  }
  printNotes();
  const started = performance.now();
  let onSigint = () => {};
  const interrupted = new Promise<"interrupted">((resolve) => {
    onSigint = () => resolve("interrupted");
    process.on("SIGINT", onSigint);
  });
  let timer: NodeJS.Timeout | undefined;
  const outputFailed = new Promise<"outputFailed">((resolve) => {
    timer = setInterval(() => {
      flush();
      if (outputFailure() !== null && !server.attached) resolve("outputFailed");
    }, GDB_POLL_MS);
  });
  const end = await Promise.race([server.done, interrupted, outputFailed]);
  clearInterval(timer);
  process.off("SIGINT", onSigint);
  await server.close();
  flush();
  // A failure ends the run with its own status however the run ended (Ctrl-C, detach, exit).
  if (end === "outputFailed" || outputFailure() !== null) {
    summarize(outputFailure()!.message, machine, started);
    return EXIT_OUTPUT_ERROR;
  }
  if (end === "interrupted") {
    summarize("interrupted", machine, started);
    return EXIT_INTERRUPTED;
  }
  if (end.kind === "kill") {
    summarize("killed by the debugger", machine, started);
    return 0;
  }
  summarize(describeStop({ kind: "exit", status: end.status }), machine, started);
  return end.status & 0xff;
}

export const runCommand: CliCommand = {
  name: "run",
  usage: USAGE,
  run,
};
