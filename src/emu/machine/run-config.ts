// What `pcscope run` and `pcscope tui` ask a machine to be (RunOptions, as parsed from the command
// line by src/cli/run-options.ts, never changed afterwards) and the defaults that complete it into a
// ResolvedRunConfig: nothing named gives the PC, pcscope's embedded BIOS and the demo disk; --bios
// alone the bare machine; --machine bare alone the hello demo ROM; --kernel SeaBIOS. Problems are
// ConfigErrors worded for the user.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { NumaNodeSpec } from "../acpi/numa.ts";
import { BlockError } from "../block/errors.ts";
import { DEFAULT_RTC_BASE } from "../devices/mc146818.ts";
import { ConfigError } from "./config.ts";
import type { SmpConfig } from "./cpu-topology.ts";
import { embeddedBiosPath, ensureDemoDisk } from "./demo-disk.ts";

/** One --drive. */
export interface DriveSpec {
  file: string;
  format: "qcow2" | "raw" | null;
  index: number | null;
  media: "disk" | "cdrom";
  readOnly: boolean;
}

/** PC options. */
export interface PcRunOptions {
  /** --machine; null = chosen from the other options. */
  machine: "pc" | "bare" | null;
  drives: DriveSpec[];
  /** --mem slots=N: DIMM hot-plug slots (0 = none). */
  memSlots: number;
  /** --mem maxmem=SIZE: RAM plus hot-pluggable DIMMs; null = the RAM size (no device memory). */
  maxMemBytes: number | null;
  /** --smp as given (cpus, maxcpus, sockets, dies, cores, threads); null = one CPU. */
  cpus: SmpConfig | null;
  boot: string | null;
  /** --serial, repeated: COM1, COM2 (empty: no serial port, as QEMU's -nodefaults). */
  serials: SerialTarget[];
  /** --kernel: a Linux bzImage or a Multiboot kernel, booted as QEMU's -kernel does. */
  kernel: string | null;
  /** --append: its command line. */
  append: string | null;
  /** --initrd: a Linux kernel's initial RAM disk (-initrd). */
  initrd: string | null;
  /** --numa node,...: NUMA nodes (-numa). */
  numa: NumaNodeSpec[];
  /** --rtc base=...: the RTC's date at power-on; null = DEFAULT_RTC_BASE (the same in every run). */
  rtcBase: RtcBase | null;
}

/** QEMU's -rtc base=: the host's clock in UTC or local time at power-on, or a given date (UTC). */
export type RtcBase = { kind: "utc" } | { kind: "localtime" } | { kind: "date"; date: Date };

/**
 * The RTC's date at virtual time 0 for `base` (null: DEFAULT_RTC_BASE), reading the host's clock
 * `hostNow` for utc and localtime (the RTC counts local time as if it were UTC, as QEMU's does).
 */
export function rtcBaseDate(base: RtcBase | null, hostNow: Date = new Date()): Date {
  if (base === null) return DEFAULT_RTC_BASE;
  if (base.kind === "date") return base.date;
  if (base.kind === "utc") return hostNow;
  return new Date(hostNow.getTime() - hostNow.getTimezoneOffset() * 60_000);
}

/** Where a serial port's bytes go. */
export type SerialTarget = { kind: "stdio" } | { kind: "file"; path: string } | { kind: "null" };

/** Where a debug console's bytes go. */
export type DebugconTarget = { kind: "stdio" } | { kind: "file"; path: string } | { kind: "null" };

/** One --debugcon: port null means "the default port" (0x402, or -global isa-debugcon.iobase). */
export interface DebugconSpec {
  port: number | null;
  target: DebugconTarget;
}

/** Everything `pcscope run` was asked to do. */
export interface RunOptions {
  bios: string | null;
  memBytes: number;
  debugcons: DebugconSpec[];
  /** Port given by -global isa-debugcon.iobase=N (applies to debugcons without a port). */
  debugconDefaultPort: number | null;
  debugExit: { port: number; size: number } | null;
  trace: string[];
  traceFile: string | null;
  /** -d items: guest_errors, unimp. */
  log: string[];
  maxInsns: number | null;
  noReboot: boolean;
  /** --history: the reverse-execution history's memory budget; 0 = off; null = the default. */
  historyBytes: number | null;
  /** Translation of hot code to JavaScript: true (--jit), false (--no-jit), null (PCSCOPE_JIT, on unless 0). */
  jit: boolean | null;
  /** --cpu: a CPU model name (cpuid-models.ts), or null for pcscope's own. */
  cpu: string | null;
  /** gdb server address (`--gdb tcp:HOST:PORT`, `-s` = tcp:127.0.0.1:1234), or null. */
  gdb: { host: string; port: number } | null;
  /** Start paused until gdb continues (-S). */
  startPaused: boolean;
  /** --symbols FILE[@BIAS]: nm listings for the gdb server's monitor (their addresses plus BIAS). */
  symbols: { path: string; bias: bigint }[];
  /** The i440fx PC's options (drives, CPUs, boot order, serial). */
  pc: PcRunOptions;
}

/**
 * The debug console on 0x402 when none is given: `stdout-for-default-firmware` (the run command:
 * the embedded firmware's log on stdout, none for an explicit --bios, as QEMU's -nodefaults) or
 * `text-always` (the UI: the text is kept for its firmware log pane).
 */
export type DefaultDebugcon = "stdout-for-default-firmware" | "text-always";

/** The options with every default chosen; `options` is the parsed object, unchanged. */
export interface ResolvedRunConfig {
  options: Readonly<RunOptions>;
  /** The i440fx PC (true) or the bare machine. */
  pc: boolean;
  /** The firmware image path. */
  firmware: string;
  /** The PC's drives (the demo disk when nothing was named). */
  drives: readonly DriveSpec[];
  debugcons: readonly DebugconSpec[];
  /** Lines for the user about the defaults that were chosen (demo disk, demo ROM). */
  notes: string[];
}

/** The bare machine's demo ROM (`--machine bare` without --bios). */
export const DEMO_ROM = fileURLToPath(new URL("../../../firmware/hello/hello.bin", import.meta.url));

/** SeaBIOS as Debian installs it: it runs the --kernel option ROM, as under QEMU. */
export const KERNEL_BIOS = "/usr/share/seabios/bios.bin";

/** True when the options ask for the PC rather than the bare machine. */
export function wantsPc(pc: Readonly<PcRunOptions>): boolean {
  if (pc.machine !== null) return pc.machine === "pc";
  return (
    pc.drives.length > 0 ||
    pc.cpus !== null ||
    pc.numa.length > 0 ||
    pc.boot !== null ||
    pc.serials.length > 0 ||
    pc.kernel !== null ||
    pc.rtcBase !== null
  );
}

/**
 * The PC's firmware for --kernel without --bios: SeaBIOS (the embedded BIOS does not run fw_cfg
 * option ROMs, so it could not boot the kernel). A ConfigError when it is not installed.
 */
function kernelBios(): string {
  if (!existsSync(KERNEL_BIOS))
    throw new ConfigError(`--kernel needs SeaBIOS (${KERNEL_BIOS}: apt-get install seabios) or --bios FILE`);
  return KERNEL_BIOS;
}

/**
 * The firmware image the options run: --bios, else on the PC the embedded BIOS (SeaBIOS for
 * --kernel, which needs its option-ROM support), else the bare machine's demo ROM. The PC is what
 * nothing named gives. Throws ConfigError when --kernel's SeaBIOS is missing.
 */
export function firmwareFor(opts: Readonly<RunOptions>): string {
  if (opts.bios !== null) return opts.bios;
  if (opts.pc.machine === "bare") return DEMO_ROM;
  return opts.pc.kernel !== null ? kernelBios() : embeddedBiosPath();
}

/** The demo disk in the user's cache directory, made (or refreshed) on first use. */
async function demoDisk(): Promise<string> {
  try {
    return await ensureDemoDisk();
  } catch (err) {
    if (err instanceof BlockError) throw new ConfigError(`cannot prepare the demo disk: ${err.message}`);
    throw err;
  }
}

/**
 * Completes `opts` with the defaults (the demo disk, which it makes on first use; the machine type;
 * the default debug console; the firmware) into a new object; `opts` is left as it was. Throws
 * ConfigError for options that do not go together.
 */
export async function resolveRunConfig(
  opts: Readonly<RunOptions>,
  defaultDebugcon: DefaultDebugcon,
): Promise<ResolvedRunConfig> {
  if (opts.pc.append !== null && opts.pc.kernel === null)
    throw new ConfigError("--append is only allowed with --kernel");
  if (opts.pc.initrd !== null && opts.pc.kernel === null)
    throw new ConfigError("--initrd is only allowed with --kernel");
  const notes: string[] = [];
  let pcOptions: Readonly<PcRunOptions> = opts.pc;
  // Nothing named (no firmware, no disk, no machine): pcscope's own BIOS boots the demo disk.
  if (opts.bios === null && opts.pc.machine === null && !wantsPc(opts.pc)) {
    const disk = await demoDisk();
    pcOptions = {
      ...opts.pc,
      machine: "pc",
      drives: [{ file: disk, format: "qcow2", index: 0, media: "disk", readOnly: false }],
    };
    notes.push(`the embedded BIOS boots the demo disk ${disk} (--hda PATH for another)`);
  }
  const resolved: Readonly<RunOptions> = pcOptions === opts.pc ? opts : { ...opts, pc: pcOptions };
  const pc = wantsPc(pcOptions);
  if (opts.pc.kernel !== null && !pc) throw new ConfigError("--kernel needs the PC (--machine pc)");
  if (opts.pc.rtcBase !== null && !pc)
    throw new ConfigError("--rtc needs the PC (--machine pc): the bare machine has no RTC");
  let debugcons: readonly DebugconSpec[] = opts.debugcons;
  if (debugcons.length === 0) {
    if (defaultDebugcon === "text-always") debugcons = [{ port: null, target: { kind: "null" } }];
    else if (opts.bios === null) debugcons = [{ port: null, target: { kind: "stdio" } }];
  }
  if (!pc && opts.bios === null) notes.push(`no --bios given: running the demo ROM ${DEMO_ROM}`);
  return { options: opts, pc, firmware: firmwareFor(resolved), drives: pcOptions.drives, debugcons, notes };
}
