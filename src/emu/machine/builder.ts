// Builds the machine that `pcscope run` and `pcscope tui` run from a ResolvedRunConfig
// (run-config.ts): the firmware, a Linux or Multiboot kernel, the drives (opened and locked first),
// debug consoles, the serial port, and trace/log output (text lines, or Perfetto JSON for a trace
// file ending in .json). Every problem is one ConfigError with nothing left open and no image
// touched; the CLI prints it as `pcscope: ...`, the UI shows it as is.
import { openSync } from "node:fs";
import { FdWriter, type OutputWriteError } from "../../shared/fd-writer.ts";
import { PatternError } from "../../shared/glob.ts";
import { HostFileError, readHostFile } from "../../shared/host-file.ts";
import { DEBUGCON_DEFAULT_PORT } from "../devices/debugcon.ts";
import type { TraceEvent } from "../trace/bus.ts";
import { toChromeTraceJson } from "../trace/perfetto.ts";
import { formatTraceLine } from "../trace/text.ts";
import { ConfigError, type DebugconOption } from "./config.ts";
import { BIOS_MAX, biosSizeProblem } from "./limits.ts";
import type { Machine } from "./machine.ts";
import { type OpenedDrives, openPcDrives } from "./open-drives.ts";
import { type ResolvedRunConfig, rtcBaseDate } from "./run-config.ts";

/** Opens `path` for writing (truncated), as a ConfigError when it cannot be; `what` names it in messages. */
function openForWrite(path: string, what: string, onError: (err: OutputWriteError) => void): FdWriter {
  let fd: number;
  try {
    fd = openSync(path, "w");
  } catch (err) {
    throw new ConfigError(
      `cannot write ${what} '${path}': ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
    );
  }
  return new FdWriter(fd, true, `${what} ${path}`, onError);
}

/** Reads a firmware image (measured first: at most BIOS_MAX) and checks its size, as ConfigErrors (--mem was checked when parsed). */
function readFirmware(path: string): Uint8Array {
  let bios: Uint8Array;
  try {
    bios = readHostFile(path, BIOS_MAX);
  } catch (err) {
    if (err instanceof HostFileError)
      throw new ConfigError(`cannot read BIOS image '${path}': ${err.reason}`);
    throw err;
  }
  const problem = biosSizeProblem(bios.length);
  if (problem !== null) throw new ConfigError(`${path}: ${problem}`);
  return bios;
}

/** Reads a --kernel or --initrd file of at most `limit` bytes, or throws a ConfigError naming it. */
function readBootFile(path: string, what: string, limit: number): Uint8Array {
  try {
    return readHostFile(path, limit);
  } catch (err) {
    if (err instanceof HostFileError) throw new ConfigError(`cannot read ${what} '${path}': ${err.reason}`);
    throw err;
  }
}

/**
 * Lays out a --kernel file as QEMU's -kernel does: a Linux bzImage (with --initrd) when it carries
 * the boot protocol header, else a Multiboot kernel.
 */
async function loadKernel(path: string, initrdPath: string | null, cmdline: string, memBytes: number) {
  const { isLinuxKernel, loadLinux, LinuxBootError } = await import("./linux-boot.ts");
  const { KERNEL_FILE_MAX, loadMultiboot, MultibootError } = await import("./multiboot.ts");
  const file = readBootFile(path, "kernel", KERNEL_FILE_MAX);
  try {
    if (isLinuxKernel(file)) {
      // An initrd larger than RAM cannot fit; loadLinux words the finer limit as QEMU does.
      const initrd = initrdPath === null ? null : readBootFile(initrdPath, "initrd", memBytes);
      return { linux: loadLinux(file, path, initrd, cmdline, memBytes) };
    }
    if (initrdPath !== null) throw new ConfigError(`--initrd needs a Linux kernel; ${path} is not one`);
    return { multiboot: loadMultiboot(file, path, cmdline, memBytes) };
  } catch (err) {
    if (err instanceof MultibootError || err instanceof LinuxBootError) throw new ConfigError(err.message);
    throw err;
  }
}

/** Where the machine's output goes. */
export interface RunMachineOutput {
  /** Sink for `stdio` debug consoles and serial ports; null keeps their text only (the UI's panes). */
  stdout: FdWriter | null;
  /** Sink for trace and log lines when no --trace-file is given; null drops them. */
  log: FdWriter | null;
  /** Told (once per file) when a debug console, serial or trace file cannot be written; never throws. */
  onWriteError: (err: OutputWriteError) => void;
}

/** The built machine and what it needs at the end. */
export interface RunMachine {
  machine: Machine;
  /** The firmware image path. */
  firmware: string;
  /** "i440fx PC, 32 MiB, 1 drive" / "bare machine, 32 MiB". */
  description: string;
  /** Lines for the user about the defaults that were chosen (demo disk, demo ROM). */
  notes: string[];
  /** Pushes buffered output out. */
  flush(): void;
  /** Writes a JSON trace, closes files and images. */
  close(): void;
}

/** Builds the machine `config` describes; throws ConfigError (with nothing left open). */
export async function buildRunMachine(config: ResolvedRunConfig, out: RunMachineOutput): Promise<RunMachine> {
  const { options: opts, firmware, notes } = config;
  const bios = readFirmware(firmware);
  const kernel =
    opts.pc.kernel === null
      ? {}
      : await loadKernel(opts.pc.kernel, opts.pc.initrd, opts.pc.append ?? "", opts.memBytes);
  // Images are opened (and locked) before anything else is created; errors leave them untouched.
  const drives: OpenedDrives | null = config.pc ? await openPcDrives(config.drives) : null;
  const files: FdWriter[] = [];
  const open = (path: string, what: string) => {
    const file = openForWrite(path, what, out.onWriteError);
    files.push(file);
    return file;
  };
  const closeAll = () => {
    drives?.close();
    for (const f of files) f.close();
  };
  try {
    const defaultPort = opts.debugconDefaultPort ?? DEBUGCON_DEFAULT_PORT;
    const debugcons: DebugconOption[] = config.debugcons.map((spec) => ({
      port: spec.port ?? defaultPort,
      sink:
        spec.target.kind === "file"
          ? open(spec.target.path, "debug console file")
          : spec.target.kind === "stdio"
            ? out.stdout
            : null,
    }));
    const jsonTrace = opts.traceFile?.endsWith(".json") === true;
    const log = opts.traceFile !== null ? open(opts.traceFile, "trace file") : out.log;
    const common = {
      bios,
      memBytes: opts.memBytes,
      debugcons,
      debugExit: opts.debugExit ?? undefined,
      noReboot: opts.noReboot,
      jit: opts.jit ?? undefined,
      cpuModel: opts.cpu ?? undefined,
    };
    let machine: Machine;
    if (drives !== null) {
      const { createPcMachine, hostVapicRom } = await import("./pc.ts");
      // QEMU's kvmvapic option ROM, offered as QEMU offers it, so SeaBIOS's log matches QEMU's.
      const vapic = hostVapicRom();
      machine = createPcMachine({
        ...common,
        cpus: opts.pc.cpus ?? 1,
        memSlots: opts.pc.memSlots,
        maxMemBytes: opts.pc.maxMemBytes ?? undefined,
        numa: opts.pc.numa,
        bootOrder: opts.pc.boot ?? "cad",
        drives: drives.drives,
        aio: drives.aio,
        trace: drives.trace,
        serials: opts.pc.serials.map((serial) =>
          serial.kind === "stdio"
            ? out.stdout
            : serial.kind === "file"
              ? open(serial.path, "serial file")
              : null,
        ),
        optionRoms: vapic === null ? [] : [vapic],
        rtcBase: rtcBaseDate(opts.pc.rtcBase),
        ...kernel,
      });
    } else {
      const { createBareMachine } = await import("./board-bare.ts");
      machine = createBareMachine(common);
    }
    const events: TraceEvent[] = [];
    if (opts.trace.length > 0 && log !== null)
      machine.trace.subscribe(
        opts.trace.join(","),
        jsonTrace ? (e) => events.push(e) : (e) => log.writeText(formatTraceLine(e)),
      );
    // Log lines never go into a JSON trace file.
    const logLines = jsonTrace ? out.log : log;
    if (opts.log.length > 0 && logLines !== null)
      machine.log.listener = (entry) => {
        if (opts.log.includes(entry.kind))
          logLines.writeText(`${entry.insn}:${entry.kind}: ${entry.message}\n`);
      };
    const count = config.drives.length;
    return {
      machine,
      firmware,
      description: config.pc
        ? `i440fx PC, ${opts.memBytes >> 20} MiB, ${count} drive${count === 1 ? "" : "s"}`
        : `bare machine, ${opts.memBytes >> 20} MiB`,
      notes,
      flush: () => {
        out.stdout?.flush();
        out.log?.flush();
        for (const f of files) f.flush();
      },
      close: () => {
        if (jsonTrace && log !== null) log.writeText(toChromeTraceJson(events));
        out.stdout?.flush();
        out.log?.flush();
        closeAll();
      },
    };
  } catch (err) {
    closeAll();
    if (err instanceof PatternError) throw new ConfigError(`--trace: ${err.message}`);
    throw err;
  }
}
