// Builds the machine that `pcscope run` and `pcscope tui` run, from parsed run options: the defaults
// (nothing named: the PC, pcscope's embedded BIOS and the demo disk; --bios alone: the bare
// machine; --machine bare alone: the hello ROM), the firmware, a Multiboot kernel, the drives
// (opened and locked first), debug consoles, the serial port, and trace/log output (text lines, or
// Perfetto JSON for a trace file ending in .json). Every problem is one UserError with nothing left
// open and no image touched.
import { openSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { BlockError } from "../emu/block/errors.ts";
import { DEBUGCON_DEFAULT_PORT } from "../emu/devices/debugcon.ts";
import { ConfigError, type DebugconOption } from "../emu/machine/config.ts";
import { ensureDemoDisk } from "../emu/machine/demo-disk.ts";
import { BIOS_MAX, biosSizeProblem } from "../emu/machine/limits.ts";
import type { Machine } from "../emu/machine/machine.ts";
import type { TraceEvent } from "../emu/trace/bus.ts";
import { toChromeTraceJson } from "../emu/trace/perfetto.ts";
import { formatTraceLine } from "../emu/trace/text.ts";
import { PatternError } from "../shared/glob.ts";
import { HostFileError, readHostFile } from "../shared/host-file.ts";
import { UserError } from "./errors.ts";
import { FdWriter, type OutputWriteError } from "./output.ts";
import type { RunOptions } from "./run-options.ts";
import { defaultPcBios, kernelBios, wantsPc } from "./run-pc.ts";
import { type OpenedDrives, openPcDrives } from "./run-pc-drives.ts";

/** The bare machine's demo ROM (`--machine bare` without --bios). */
export const DEMO_ROM = fileURLToPath(new URL("../../firmware/hello/hello.bin", import.meta.url));

/** Opens `path` for writing (truncated), as a UserError when it cannot be; `what` names it in messages. */
function openForWrite(path: string, what: string, onError: (err: OutputWriteError) => void): FdWriter {
  let fd: number;
  try {
    fd = openSync(path, "w");
  } catch (err) {
    throw new UserError(
      `cannot write ${what} '${path}': ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
    );
  }
  return new FdWriter(fd, true, `${what} ${path}`, onError);
}

/** Reads a firmware image (measured first: at most BIOS_MAX) and checks its size, as UserErrors (--mem was checked when parsed). */
function readFirmware(path: string): Uint8Array {
  let bios: Uint8Array;
  try {
    bios = readHostFile(path, BIOS_MAX);
  } catch (err) {
    if (err instanceof HostFileError) throw new UserError(`cannot read BIOS image '${path}': ${err.reason}`);
    throw err;
  }
  const problem = biosSizeProblem(bios.length);
  if (problem !== null) throw new UserError(`${path}: ${problem}`);
  return bios;
}

/** The demo disk in the user's cache directory, made (or refreshed) on first use. */
async function demoDisk(): Promise<string> {
  try {
    return await ensureDemoDisk();
  } catch (err) {
    if (err instanceof BlockError) throw new UserError(`cannot prepare the demo disk: ${err.message}`);
    throw err;
  }
}

/** Reads a --kernel or --initrd file of at most `limit` bytes, or throws a UserError naming it. */
function readBootFile(path: string, what: string, limit: number): Uint8Array {
  try {
    return readHostFile(path, limit);
  } catch (err) {
    if (err instanceof HostFileError) throw new UserError(`cannot read ${what} '${path}': ${err.reason}`);
    throw err;
  }
}

/**
 * Lays out a --kernel file as QEMU's -kernel does: a Linux bzImage (with --initrd) when it carries
 * the boot protocol header, else a Multiboot kernel.
 */
async function loadKernel(path: string, initrdPath: string | null, cmdline: string, memBytes: number) {
  const { isLinuxKernel, loadLinux, LinuxBootError } = await import("../emu/machine/linux-boot.ts");
  const { KERNEL_FILE_MAX, loadMultiboot, MultibootError } = await import("../emu/machine/multiboot.ts");
  const file = readBootFile(path, "kernel", KERNEL_FILE_MAX);
  try {
    if (isLinuxKernel(file)) {
      // An initrd larger than RAM cannot fit; loadLinux words the finer limit as QEMU does.
      const initrd = initrdPath === null ? null : readBootFile(initrdPath, "initrd", memBytes);
      return { linux: loadLinux(file, path, initrd, cmdline, memBytes) };
    }
    if (initrdPath !== null) throw new UserError(`--initrd needs a Linux kernel; ${path} is not one`);
    return { multiboot: loadMultiboot(file, path, cmdline, memBytes) };
  } catch (err) {
    if (err instanceof MultibootError || err instanceof LinuxBootError) throw new UserError(err.message);
    throw err;
  }
}

/** Where the machine's output goes. */
export interface RunMachineOutput {
  /** Sink for `stdio` debug consoles and serial ports; null keeps their text only (the UI's panes). */
  stdout: FdWriter | null;
  /** Sink for trace and log lines when no --trace-file is given; null drops them. */
  log: FdWriter | null;
  /**
   * The debug console on 0x402 when none is given: `stdout-for-default-firmware` (the run command:
   * the embedded firmware's log on stdout, none for an explicit --bios, as QEMU's -nodefaults) or
   * `text-always` (the UI: the text is kept for its firmware log pane).
   */
  defaultDebugcon: "stdout-for-default-firmware" | "text-always";
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

/**
 * The firmware image the options run: --bios, else on the PC the embedded BIOS (SeaBIOS for
 * --kernel, which needs its option-ROM support), else the bare machine's demo ROM. The PC is what
 * `pcscope run` builds when nothing is named.
 */
export function firmwareFor(opts: RunOptions): string {
  if (opts.bios !== null) return opts.bios;
  if (opts.pc.machine === "bare") return DEMO_ROM;
  return opts.pc.kernel !== null ? kernelBios() : defaultPcBios();
}

/** Builds the machine for `opts` (mutating it to record the defaults chosen). */
export async function buildRunMachine(opts: RunOptions, out: RunMachineOutput): Promise<RunMachine> {
  if (opts.pc.append !== null && opts.pc.kernel === null)
    throw new UserError("--append is only allowed with --kernel");
  if (opts.pc.initrd !== null && opts.pc.kernel === null)
    throw new UserError("--initrd is only allowed with --kernel");
  const notes: string[] = [];
  // Nothing named (no firmware, no disk, no machine): pcscope's own BIOS boots the demo disk.
  if (opts.bios === null && opts.pc.machine === null && !wantsPc(opts.pc)) {
    opts.pc.machine = "pc";
    const disk = await demoDisk();
    opts.pc.drives.push({ file: disk, format: "qcow2", index: 0, media: "disk", readOnly: false });
    notes.push(`the embedded BIOS boots the demo disk ${disk} (--hda PATH for another)`);
  }
  const pcMode = wantsPc(opts.pc);
  if (opts.pc.kernel !== null && !pcMode) throw new UserError("--kernel needs the PC (--machine pc)");
  if (opts.debugcons.length === 0) {
    if (out.defaultDebugcon === "text-always") opts.debugcons.push({ port: null, target: { kind: "null" } });
    else if (opts.bios === null) opts.debugcons.push({ port: null, target: { kind: "stdio" } });
  }
  if (!pcMode && opts.bios === null) notes.push(`no --bios given: running the demo ROM ${DEMO_ROM}`);
  const firmware = firmwareFor(opts);
  const bios = readFirmware(firmware);
  const kernel =
    opts.pc.kernel === null
      ? {}
      : await loadKernel(opts.pc.kernel, opts.pc.initrd, opts.pc.append ?? "", opts.memBytes);
  // Images are opened (and locked) before anything else is created; errors leave them untouched.
  const drives: OpenedDrives | null = pcMode ? await openPcDrives(opts.pc.drives) : null;
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
    const debugcons: DebugconOption[] = opts.debugcons.map((spec) => ({
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
    };
    let machine: Machine;
    if (drives !== null) {
      const { createPcMachine, hostVapicRom } = await import("../emu/machine/pc.ts");
      const serial = opts.pc.serial;
      // QEMU's kvmvapic option ROM, offered as QEMU offers it, so SeaBIOS's log matches QEMU's.
      const vapic = hostVapicRom();
      machine = createPcMachine({
        ...common,
        cpus: opts.pc.cpus ?? 1,
        bootOrder: opts.pc.boot ?? "cad",
        drives: drives.drives,
        aio: drives.aio,
        trace: drives.trace,
        serial:
          serial === null
            ? undefined
            : serial.kind === "stdio"
              ? out.stdout
              : serial.kind === "file"
                ? open(serial.path, "serial file")
                : null,
        optionRoms: vapic === null ? [] : [vapic],
        ...kernel,
      });
    } else {
      const { createBareMachine } = await import("../emu/machine/board-bare.ts");
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
    const count = opts.pc.drives.length;
    return {
      machine,
      firmware,
      description: pcMode
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
    if (err instanceof ConfigError) throw new UserError(err.message);
    if (err instanceof PatternError) throw new UserError(`--trace: ${err.message}`);
    throw err;
  }
}
