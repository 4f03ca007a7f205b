// QEMU's `-kernel` for a Linux bzImage, as hw/i386/x86.c's x86_load_linux does it (the boot
// protocol: Documentation/x86/boot.rst): the real-mode setup (its header patched: loader type,
// heap, command line and initrd addresses), the protected-mode kernel, the initrd and the command
// line go to the firmware through fw_cfg (SETUP_*, KERNEL_*, INITRD_*, CMDLINE_*) together with an
// option ROM SeaBIOS boots first (firmware/linuxboot/linuxboot.bin, our own ROM doing what QEMU's
// linuxboot_dma.bin does).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { FW_CFG_KERNEL_ADDR, type FwCfg, le32 } from "../devices/fw-cfg.ts";
import {
  FW_CFG_INITRD_ADDR,
  FW_CFG_INITRD_DATA,
  FW_CFG_INITRD_SIZE,
  FW_CFG_KERNEL_DATA,
  FW_CFG_KERNEL_SIZE,
} from "./multiboot.ts";
import { ramBelow4G } from "./pc-memory.ts";

/** fw_cfg's Linux boot keys (docs/specs/fw_cfg.rst). */
export const FW_CFG_CMDLINE_ADDR = 0x13;
export const FW_CFG_CMDLINE_SIZE = 0x14;
export const FW_CFG_CMDLINE_DATA = 0x15;
export const FW_CFG_SETUP_ADDR = 0x16;
export const FW_CFG_SETUP_SIZE = 0x17;
export const FW_CFG_SETUP_DATA = 0x18;

/** The option ROM, its fw_cfg file name (the one QEMU 7.2 uses with fw_cfg DMA) and `bootorder`. */
export const LINUXBOOT_ROM = fileURLToPath(
  new URL("../../../firmware/linuxboot/linuxboot.bin", import.meta.url),
);
export const LINUXBOOT_ROM_NAME = "linuxboot_dma.bin";
export const LINUXBOOT_BOOTORDER = `/rom@genroms/${LINUXBOOT_ROM_NAME}\0`;

/** Setup header fields (boot.rst, "The real-mode kernel header"), as offsets in the image. */
const HDR_OLD_CMD_LINE_MAGIC = 0x20;
const HDR_OLD_CMD_LINE_OFFSET = 0x22;
const HDR_SETUP_SECTS = 0x1f1;
const HDR_VID_MODE = 0x1fa;
const HDR_MAGIC = 0x202;
const HDR_VERSION = 0x206;
const HDR_TYPE_OF_LOADER = 0x210;
const HDR_LOADFLAGS = 0x211;
const HDR_RAMDISK_IMAGE = 0x218;
const HDR_RAMDISK_SIZE = 0x21c;
const HDR_HEAP_END_PTR = 0x224;
const HDR_CMD_LINE_PTR = 0x228;
const HDR_INITRD_ADDR_MAX = 0x22c;
/** "HdrS", little-endian. */
const HDR_MAGIC_VALUE = 0x53726448;
/** loadflags: the protected-mode code loads at 0x100000; the heap fields are valid. */
const LOADED_HIGH = 0x01;
const CAN_USE_HEAP = 0x80;
/** type_of_loader: QEMU's ID (high nybble 0xB) and revision 0. */
const LOADER_TYPE_QEMU = 0xb0;
const OLD_CMD_LINE_MAGIC = 0xa33f;
/** initrd_addr_max before protocol 2.03. */
const OLD_INITRD_ADDR_MAX = 0x37ffffff;
/** QEMU's i440fx keeps this much at the top of low RAM for ACPI tables (pcmc->acpi_data_size). */
const ACPI_DATA_SIZE = 0x20000 + 0x8000;
/** QEMU reads this much of the file to look for the header. */
const HEADER_BYTES = 8192;
const SECTOR = 512;
const PAGE_MASK = ~0xfff;

/** What `--kernel bzImage` hands the machine: fw_cfg contents, ready to install. */
export interface LinuxBootImage {
  setupAddr: number;
  /** The real-mode setup sectors, header patched. */
  setup: Uint8Array;
  kernelAddr: number;
  /** The protected-mode kernel. */
  kernel: Uint8Array;
  cmdlineAddr: number;
  /** The command line, NUL-terminated. */
  cmdline: Uint8Array;
  initrdAddr: number;
  /** The initial RAM disk, or null without --initrd. */
  initrd: Uint8Array | null;
}

/** A kernel or initrd that cannot be booted this way (the CLI prints it as one line). */
export class LinuxBootError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "LinuxBootError";
  }
}

/** True when `file` carries a Linux boot protocol header ("HdrS" at 0x202). */
export function isLinuxKernel(file: Uint8Array): boolean {
  if (file.length < HDR_VERSION + 2) return false;
  return (
    new DataView(file.buffer, file.byteOffset, file.byteLength).getUint32(HDR_MAGIC, true) === HDR_MAGIC_VALUE
  );
}

/**
 * Parses the value after "vga=" as QEMU does (normal, ext, ask, or a C integer ending the word);
 * returns the 16-bit video mode or throws LinuxBootError.
 */
function videoMode(text: string): number {
  if (text.startsWith("normal")) return 0xffff;
  if (text.startsWith("ext")) return 0xfffe;
  if (text.startsWith("ask")) return 0xfffd;
  const m = /^(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)/.exec(text);
  const rest = m === null ? text : text.slice(m[0].length);
  if (m === null || (rest !== "" && rest[0] !== " ") || Number(m[0]) > 0xffffffff) {
    throw new LinuxBootError("invalid 'vga=' kernel parameter");
  }
  const value =
    m[0].startsWith("0x") || m[0].startsWith("0X")
      ? Number(m[0])
      : Number.parseInt(m[0], m[0].startsWith("0") ? 8 : 10);
  return value & 0xffff;
}

/**
 * Lays out the bzImage `file` (named `fileName`), `initrd` (or null) and `cmdline` as QEMU does for
 * `-kernel -initrd -append` with `memBytes` of RAM: where the setup, kernel, command line and
 * initrd go, and the patched setup header. Throws LinuxBootError for a broken header or an initrd
 * that does not fit, worded as QEMU words it.
 */
export function loadLinux(
  file: Uint8Array,
  fileName: string,
  initrd: Uint8Array | null,
  cmdline: string,
  memBytes: number,
): LinuxBootImage {
  if (!isLinuxKernel(file))
    throw new LinuxBootError(`${fileName}: not a Linux kernel (no boot protocol header)`);
  const header = new Uint8Array(Math.min(HEADER_BYTES, file.length));
  header.set(file.subarray(0, header.length));
  const hv = new DataView(header.buffer);
  const protocol = hv.getUint16(HDR_VERSION, true);
  const cmdlineBytes = new TextEncoder().encode(`${cmdline}\0`);
  const cmdlineSize = (cmdlineBytes.length - 1 + 16) & ~15;

  let setupAddr: number;
  let cmdlineAddr: number;
  let kernelAddr: number;
  if (protocol < 0x200 || (header[HDR_LOADFLAGS]! & LOADED_HIGH) === 0) {
    setupAddr = 0x90000;
    cmdlineAddr = 0x9a000 - cmdlineSize;
    kernelAddr = 0x10000;
  } else if (protocol < 0x202) {
    setupAddr = 0x90000;
    cmdlineAddr = 0x9a000 - cmdlineSize;
    kernelAddr = 0x100000;
  } else {
    setupAddr = 0x10000;
    cmdlineAddr = 0x20000;
    kernelAddr = 0x100000;
  }

  const below4g = ramBelow4G(memBytes);
  let initrdMax = protocol >= 0x203 ? hv.getUint32(HDR_INITRD_ADDR_MAX, true) : OLD_INITRD_ADDR_MAX;
  if (initrdMax >= below4g - ACPI_DATA_SIZE) initrdMax = below4g - ACPI_DATA_SIZE - 1;

  if (protocol >= 0x202) hv.setUint32(HDR_CMD_LINE_PTR, cmdlineAddr, true);
  else {
    hv.setUint16(HDR_OLD_CMD_LINE_MAGIC, OLD_CMD_LINE_MAGIC, true);
    hv.setUint16(HDR_OLD_CMD_LINE_OFFSET, cmdlineAddr - setupAddr, true);
  }
  const vga = cmdline.indexOf("vga=");
  if (vga >= 0) hv.setUint16(HDR_VID_MODE, videoMode(cmdline.slice(vga + 4)), true);
  if (protocol >= 0x200) header[HDR_TYPE_OF_LOADER] = LOADER_TYPE_QEMU;
  if (protocol >= 0x201) {
    header[HDR_LOADFLAGS] = header[HDR_LOADFLAGS]! | CAN_USE_HEAP;
    hv.setUint16(HDR_HEAP_END_PTR, (cmdlineAddr - setupAddr - 0x200) & 0xffff, true);
  }

  let initrdAddr = 0;
  if (initrd !== null) {
    if (protocol < 0x200) throw new LinuxBootError("linux kernel too old to load a ram disk");
    if (initrd.length >= initrdMax) {
      throw new LinuxBootError(
        `initrd is too large, cannot support. (max: ${initrdMax}, need ${initrd.length})`,
      );
    }
    initrdAddr = (initrdMax - initrd.length) & PAGE_MASK;
    hv.setUint32(HDR_RAMDISK_IMAGE, initrdAddr, true);
    hv.setUint32(HDR_RAMDISK_SIZE, initrd.length, true);
  }

  const setupSects = header[HDR_SETUP_SECTS] === 0 ? 4 : header[HDR_SETUP_SECTS]!;
  const setupSize = (setupSects + 1) * SECTOR;
  if (setupSize > file.length) throw new LinuxBootError(`${fileName}: invalid kernel header`);
  const setup = new Uint8Array(setupSize);
  setup.set(file.subarray(0, setupSize));
  setup.set(header.subarray(0, Math.min(header.length, setupSize)));
  return {
    setupAddr,
    setup,
    kernelAddr,
    kernel: file.subarray(setupSize),
    cmdlineAddr,
    cmdline: cmdlineBytes,
    initrdAddr,
    initrd,
  };
}

/**
 * Offers `image` to the firmware as QEMU does: the SETUP_*, KERNEL_*, INITRD_* (with an initrd)
 * and CMDLINE_* items and the option ROM as genroms/linuxboot_dma.bin. The machine also sets
 * `bootorder` to LINUXBOOT_BOOTORDER.
 */
export function installLinuxBoot(
  fw: FwCfg,
  image: LinuxBootImage,
  rom: Uint8Array = readFileSync(LINUXBOOT_ROM),
): void {
  fw.addBytes(FW_CFG_CMDLINE_ADDR, "cmdline_addr", le32(image.cmdlineAddr));
  fw.addBytes(FW_CFG_CMDLINE_SIZE, "cmdline_size", le32(image.cmdline.length));
  fw.addBytes(FW_CFG_CMDLINE_DATA, "cmdline_data", image.cmdline);
  if (image.initrd !== null) {
    fw.addBytes(FW_CFG_INITRD_ADDR, "initrd_addr", le32(image.initrdAddr));
    fw.addBytes(FW_CFG_INITRD_SIZE, "initrd_size", le32(image.initrd.length));
    fw.addBytes(FW_CFG_INITRD_DATA, "initrd_data", image.initrd);
  }
  fw.addBytes(FW_CFG_KERNEL_ADDR, "kernel_addr", le32(image.kernelAddr));
  fw.addBytes(FW_CFG_KERNEL_SIZE, "kernel_size", le32(image.kernel.length));
  fw.addBytes(FW_CFG_KERNEL_DATA, "kernel_data", image.kernel);
  fw.addBytes(FW_CFG_SETUP_ADDR, "setup_addr", le32(image.setupAddr));
  fw.addBytes(FW_CFG_SETUP_SIZE, "setup_size", le32(image.setup.length));
  fw.addBytes(FW_CFG_SETUP_DATA, "setup_data", image.setup);
  fw.addFile(`genroms/${LINUXBOOT_ROM_NAME}`, rom);
}
