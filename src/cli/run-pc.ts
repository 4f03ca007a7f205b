// The PC options of `pcscope run` (QEMU spellings accepted): --machine pc|bare (-M), --drive
// file=PATH[,format=qcow2|raw][,if=ide][,index=N][,media=disk|cdrom][,readonly=on] (-drive),
// --hda/--cdrom PATH, --smp N, --boot ORDER, --serial stdio|file:PATH|null, --kernel FILE (a
// Multiboot kernel, -kernel) with --append CMDLINE (-append). Any of them selects the
// i440fx PC; images are opened (and write-locked) before the machine is built, and every problem
// is one UserError line with the image left untouched.
import { existsSync } from "node:fs";
import { embeddedBiosPath } from "../emu/machine/demo-disk.ts";
import { UserError } from "./errors.ts";

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
  cpus: number | null;
  boot: string | null;
  serial: { kind: "stdio" } | { kind: "file"; path: string } | { kind: "null" } | null;
  /** --kernel: a Linux bzImage or a Multiboot kernel, booted as QEMU's -kernel does. */
  kernel: string | null;
  /** --append: its command line. */
  append: string | null;
  /** --initrd: a Linux kernel's initial RAM disk (-initrd). */
  initrd: string | null;
}

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
};

/** Fresh PC options. */
export function emptyPcOptions(): PcRunOptions {
  return {
    machine: null,
    drives: [],
    cpus: null,
    boot: null,
    serial: null,
    kernel: null,
    append: null,
    initrd: null,
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
    case "smp": {
      const n = Number(value.split(",")[0]);
      if (!Number.isInteger(n) || n < 1 || n > 16) throw new UserError(`invalid --smp '${value}' (1..16)`);
      pc.cpus = n;
      break;
    }
    case "boot": {
      const order = value.startsWith("order=") ? value.slice(6) : value;
      if (!/^[acdn]{1,3}$/.test(order))
        throw new UserError(`invalid --boot '${value}' (drive letters a, c, d, n)`);
      pc.boot = order;
      break;
    }
    case "serial":
      if (value === "stdio") pc.serial = { kind: "stdio" };
      else if (value === "null" || value === "none") pc.serial = { kind: "null" };
      else if (value.startsWith("file:") && value.length > 5)
        pc.serial = { kind: "file", path: value.slice(5) };
      else throw new UserError(`invalid --serial '${value}' (stdio, file:PATH or null)`);
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
  }
}

/** True when the options ask for the PC rather than the bare machine. */
export function wantsPc(pc: PcRunOptions): boolean {
  if (pc.machine !== null) return pc.machine === "pc";
  return (
    pc.drives.length > 0 || pc.cpus !== null || pc.boot !== null || pc.serial !== null || pc.kernel !== null
  );
}

/** Assigns QEMU's default indexes (first free slot) to drives without one; checks clashes. */
export function assignIndexes(drives: DriveSpec[]): { spec: DriveSpec; index: number }[] {
  const used = new Set<number>();
  for (const d of drives) {
    if (d.index === null) continue;
    if (used.has(d.index)) throw new UserError(`two drives at index ${d.index}`);
    used.add(d.index);
  }
  return drives.map((spec) => {
    let index = spec.index;
    if (index === null) {
      index = [0, 1, 2, 3].find((i) => !used.has(i)) ?? -1;
      if (index < 0) throw new UserError("at most 4 IDE drives");
      used.add(index);
    }
    return { spec, index };
  });
}

/** The PC's firmware when --bios is not given: pcscope's embedded BIOS (firmware/bios/out/bios.bin). */
export function defaultPcBios(): string {
  return embeddedBiosPath();
}

/** SeaBIOS as Debian installs it: it runs the --kernel option ROM, as under QEMU. */
export const KERNEL_BIOS = "/usr/share/seabios/bios.bin";

/**
 * The PC's firmware for --kernel without --bios: SeaBIOS (the embedded BIOS does not run fw_cfg
 * option ROMs, so it could not boot the kernel). A UserError when it is not installed.
 */
export function kernelBios(): string {
  if (!existsSync(KERNEL_BIOS))
    throw new UserError(`--kernel needs SeaBIOS (${KERNEL_BIOS}: apt-get install seabios) or --bios FILE`);
  return KERNEL_BIOS;
}
