// The PC options of `pcscope run` (QEMU spellings accepted): --machine pc|bare (-M), --drive
// file=PATH[,format=qcow2|raw][,if=ide][,index=N][,media=disk|cdrom][,readonly=on] (-drive),
// --hda/--cdrom PATH, --smp N[,maxcpus=M,sockets=S,dies=D,cores=C,threads=T] (-smp), --boot ORDER,
// --serial stdio|file:PATH|null (-serial; repeated: COM1, then COM2), --kernel FILE (a Multiboot kernel, -kernel) with --append CMDLINE
// (-append), --numa node,... (-numa; parsed in run-options.ts), --rtc base=utc|localtime|DATE[,clock=vm]
// (-rtc). Any of them selects the
// i440fx PC (src/emu/machine/run-config.ts holds the option types and the defaults; builder.ts
// assembles the machine). Every parse problem is one UserError line.

import { ISA_SERIAL_PORTS } from "../emu/devices/uart16550.ts";
import { ConfigError } from "../emu/machine/config.ts";
import { parseSmp, resolveTopology } from "../emu/machine/cpu-topology.ts";
import type { DriveSpec, PcRunOptions, RtcBase, SerialTarget } from "../emu/machine/run-config.ts";
import { UserError } from "./errors.ts";

/** Option names (canonical -> takes a value) and QEMU spellings. */
export const PC_OPTIONS: Record<string, boolean> = {
  machine: true,
  drive: true,
  hda: true,
  cdrom: true,
  smp: true,
  boot: true,
  serial: true,
  kernel: true,
  append: true,
  initrd: true,
  numa: true,
  rtc: true,
};
export const PC_ALIASES: Record<string, string> = {
  "-M": "machine",
  "-machine": "machine",
  "-drive": "drive",
  "-hda": "hda",
  "-cdrom": "cdrom",
  "-smp": "smp",
  "-boot": "boot",
  "-serial": "serial",
  "-kernel": "kernel",
  "-append": "append",
  "-initrd": "initrd",
  "-numa": "numa",
  "-rtc": "rtc",
};

/** Fresh PC options. */
export function emptyPcOptions(): PcRunOptions {
  return {
    machine: null,
    drives: [],
    memSlots: 0,
    maxMemBytes: null,
    cpus: null,
    boot: null,
    serials: [],
    kernel: null,
    append: null,
    initrd: null,
    numa: [],
    rtcBase: null,
  };
}

/** Parses QEMU's -drive property list. */
export function parseDrive(text: string): DriveSpec {
  const spec: DriveSpec = { file: "", format: null, index: null, media: "disk", readOnly: false };
  for (const prop of text.split(",")) {
    const eq = prop.indexOf("=");
    const key = eq < 0 ? prop : prop.slice(0, eq);
    const value = eq < 0 ? "" : prop.slice(eq + 1);
    switch (key) {
      case "file":
        spec.file = value;
        break;
      case "format":
        if (value !== "qcow2" && value !== "raw")
          throw new UserError(`unknown image format '${value}' in --drive (qcow2 or raw)`);
        spec.format = value;
        break;
      case "if":
        if (value !== "ide") throw new UserError(`unsupported --drive if=${value} (only if=ide)`);
        break;
      case "index": {
        const n = Number(value);
        if (!/^[0-3]$/.test(value)) throw new UserError(`invalid --drive index=${value} (0..3)`);
        spec.index = n;
        break;
      }
      case "media":
        if (value !== "disk" && value !== "cdrom")
          throw new UserError(`invalid --drive media=${value} (disk or cdrom)`);
        spec.media = value;
        break;
      case "readonly":
        if (value !== "on" && value !== "off")
          throw new UserError(`invalid --drive readonly=${value} (on or off)`);
        spec.readOnly = value === "on";
        break;
      default:
        throw new UserError(`unknown --drive property '${key}'`);
    }
  }
  if (spec.file === "" && spec.media === "disk") throw new UserError(emptyDiskProblem(`--drive '${text}'`));
  // QEMU refuses a read-only IDE hard disk ("Block node is read-only"); a CD-ROM is always read-only.
  if (spec.readOnly && spec.media === "disk") {
    throw new UserError(
      `--drive '${text}': Block node is read-only (an IDE hard disk cannot be read-only, as in QEMU; use media=cdrom for a read-only drive)`,
    );
  }
  if (spec.media === "cdrom") spec.readOnly = true;
  return spec;
}

/** The error for a hard disk without an image, worded after QEMU's "Device needs media, but drive is empty". */
function emptyDiskProblem(option: string): string {
  return `${option}: a hard disk needs media, but the drive is empty (name an image file; only a CD-ROM drive may be empty)`;
}

/** Parses one --serial target: stdio, null (or none) or file:PATH. */
function parseSerial(value: string): SerialTarget {
  if (value === "stdio") return { kind: "stdio" };
  if (value === "null" || value === "none") return { kind: "null" };
  if (value.startsWith("file:") && value.length > 5) return { kind: "file", path: value.slice(5) };
  throw new UserError(`invalid --serial '${value}' (stdio, file:PATH or null)`);
}

/** A date as QEMU's -rtc base= takes it: `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM:SS`, in UTC; null if not one. */
function parseRtcDate(text: string): Date | null {
  const m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:T(\d{1,2}):(\d{1,2}):(\d{1,2}))?$/.exec(text);
  if (m === null) return null;
  const [year, month, day, hour, minute, second] = m.slice(1).map((f) => Number(f ?? 0)) as number[];
  const date = new Date(Date.UTC(year!, month! - 1, day!, hour, minute, second));
  // A field out of range (month 13, 25:00) would roll over into another date: refused instead.
  const roundTrip = [
    date.getUTCFullYear(),
    date.getUTCMonth() + 1,
    date.getUTCDate(),
    date.getUTCHours(),
    date.getUTCMinutes(),
    date.getUTCSeconds(),
  ];
  return roundTrip.every((v, i) => v === [year, month, day, hour, minute, second][i]) ? date : null;
}

/**
 * Parses `--rtc base=utc|localtime|DATE[,clock=vm]` (QEMU's -rtc; the RTC always runs on virtual
 * time, QEMU's clock=vm), with QEMU's messages for a bad date, value or parameter.
 */
export function parseRtc(text: string): RtcBase | null {
  let base: RtcBase | null = null;
  for (const prop of text.split(",")) {
    const eq = prop.indexOf("=");
    const key = eq < 0 ? prop : prop.slice(0, eq);
    const value = eq < 0 ? "" : prop.slice(eq + 1);
    if (key === "base") {
      if (value === "utc" || value === "localtime") base = { kind: value };
      else {
        const date = parseRtcDate(value);
        if (date === null)
          throw new UserError(
            `--rtc ${text}: invalid datetime format (valid formats: '2006-06-17T16:01:21' or '2006-06-17')`,
          );
        base = { kind: "date", date };
      }
    } else if (key === "clock") {
      if (value === "host" || value === "rt")
        throw new UserError(
          `--rtc ${text}: pcscope's RTC runs on virtual time only (clock=vm), so that runs repeat exactly`,
        );
      if (value !== "vm") throw new UserError(`--rtc ${text}: invalid option value '${value}'`);
    } else throw new UserError(`--rtc ${text}: Invalid parameter '${key}'`);
  }
  return base;
}

/** Applies one PC option. */
export function applyPcOption(pc: PcRunOptions, name: string, value: string): void {
  switch (name) {
    case "machine": {
      const type = value.split(",")[0];
      if (type !== "pc" && type !== "bare") throw new UserError(`unknown machine '${value}' (pc or bare)`);
      pc.machine = type;
      break;
    }
    case "drive":
      pc.drives.push(parseDrive(value));
      break;
    case "hda":
      if (value === "") throw new UserError(emptyDiskProblem("--hda ''"));
      pc.drives.push({ file: value, format: null, index: 0, media: "disk", readOnly: false });
      break;
    case "cdrom":
      pc.drives.push({ file: value, format: null, index: 2, media: "cdrom", readOnly: true });
      break;
    case "smp":
      try {
        const config = parseSmp(value);
        resolveTopology(config);
        pc.cpus = config;
      } catch (err) {
        if (err instanceof ConfigError) throw new UserError(`invalid --smp '${value}': ${err.message}`);
        throw err;
      }
      break;
    case "boot": {
      const order = value.startsWith("order=") ? value.slice(6) : value;
      if (!/^[acdn]{1,3}$/.test(order))
        throw new UserError(`invalid --boot '${value}' (drive letters a, c, d, n)`);
      pc.boot = order;
      break;
    }
    case "serial":
      if (pc.serials.length === ISA_SERIAL_PORTS.length)
        throw new UserError(
          `at most ${ISA_SERIAL_PORTS.length} --serial ports (COM1 at 0x3f8, COM2 at 0x2f8)`,
        );
      pc.serials.push(parseSerial(value));
      break;
    case "kernel":
      if (value === "") throw new UserError("--kernel needs a file name");
      pc.kernel = value;
      break;
    case "append":
      pc.append = value;
      break;
    case "initrd":
      if (value === "") throw new UserError("--initrd needs a file name");
      pc.initrd = value;
      break;
    case "rtc":
      pc.rtcBase = parseRtc(value) ?? pc.rtcBase;
      break;
  }
}
