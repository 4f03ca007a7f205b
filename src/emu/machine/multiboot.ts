// QEMU's `-kernel` for a Multiboot (0.6.96) kernel, as hw/i386/multiboot.c does it: the kernel
// (ELF, or a.out-kludge image with load addresses in its header) is laid out in one buffer, padded
// to a page, followed by the module slots, the command line ("FILE CMDLINE") and the boot loader
// name ("qemu"), padded to a page; the Multiboot info structure (MBI) is prepared separately. Both go
// to the firmware through fw_cfg (KERNEL_* and INITRD_* items) together with an option ROM that
// SeaBIOS boots first (firmware/multiboot/multiboot.bin, our own ROM doing what QEMU's
// multiboot_dma.bin does: fills mem_lower, mem_upper and the E820 memory map, loads the kernel,
// enters protected mode, EAX = 0x2BADB002, EBX = the MBI). Modules (-initrd) are not supported.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { HostFileError, readHostFile } from "../../shared/host-file.ts";
import { FW_CFG_KERNEL_ADDR, type FwCfg, le32 } from "../devices/fw-cfg.ts";
import { ramBelow4G } from "./pc-memory.ts";

/** fw_cfg's legacy kernel-boot keys (docs/specs/fw_cfg.rst; KERNEL_ADDR is 0x07). */
export const FW_CFG_KERNEL_SIZE = 0x08;
export const FW_CFG_INITRD_ADDR = 0x0a;
export const FW_CFG_INITRD_SIZE = 0x0b;
export const FW_CFG_KERNEL_ENTRY = 0x10;
export const FW_CFG_KERNEL_DATA = 0x11;
export const FW_CFG_INITRD_DATA = 0x12;

/** The option ROM, its fw_cfg file name (the name QEMU 7.2 uses) and its `bootorder` path. */
export const MULTIBOOT_ROM = fileURLToPath(
  new URL("../../../firmware/multiboot/multiboot.bin", import.meta.url),
);
export const MULTIBOOT_ROM_NAME = "multiboot_dma.bin";
export const MULTIBOOT_BOOT_PATH = `/rom@genroms/${MULTIBOOT_ROM_NAME}`;
/** fw_cfg `bootorder` with the ROM at bootindex 0 (QEMU's list: paths joined by newlines, NUL-ended). */
export const MULTIBOOT_BOOTORDER = `${MULTIBOOT_BOOT_PATH}\0`;

/** Multiboot header (spec 3.1): magic, flags, checksum; within the first 8192 bytes, 4-aligned. */
export const MULTIBOOT_HEADER_MAGIC = 0x1badb002;
export const MULTIBOOT_SEARCH = 8192;
const MULTIBOOT_HEADER_WORDS = 12;
/** Header flag: the a.out kludge (load addresses in the header, not in an ELF). */
export const MB_HEADER_AOUT_KLUDGE = 1 << 16;
/** Header flag: video mode wanted (QEMU ignores it with a warning). */
export const MB_HEADER_VIDEO = 1 << 2;
/** MBI flags QEMU sets. */
export const MBI_FLAG_MEMORY = 1 << 0;
export const MBI_FLAG_BOOT_DEVICE = 1 << 1;
export const MBI_FLAG_CMDLINE = 1 << 2;
export const MBI_FLAG_MODULES = 1 << 3;
export const MBI_FLAG_MMAP = 1 << 6;
export const MBI_FLAG_LOADER_NAME = 1 << 9;
/** MBI field offsets (spec 3.3) and size. */
const MBI_FLAGS = 0;
const MBI_MEM_LOWER = 4;
const MBI_MEM_UPPER = 8;
const MBI_BOOT_DEVICE = 12;
const MBI_CMDLINE = 16;
const MBI_MODS_COUNT = 20;
const MBI_MODS_ADDR = 24;
const MBI_MMAP_ADDR = 48;
const MBI_LOADER_NAME = 64;
export const MBI_SIZE = 88;
/** QEMU's fixed addresses: the E820 map at 0x9000, the MBI 0x500 above it. */
export const MB_MMAP_ADDR = 0x9000;
export const MB_MBI_ADDR = MB_MMAP_ADDR + 0x500;
/** "No BIOS drive, whole disk" as QEMU reports it. */
export const MB_BOOT_DEVICE = 0x8000ffff;
export const MB_LOADER_NAME = "qemu";
const PAGE = 4096;
/** The 640 KiB QEMU puts in mem_lower (the ROM replaces it with INT 12h's answer). */
const MEM_LOWER_KIB = 640;

/** ELF constants (System V gABI). */
const ELF_MAGIC = 0x464c457f;
const ELFCLASS32 = 1;
const ELFDATA2LSB = 1;
const EM_386 = 3;
const EM_X86_64 = 62;
const PT_LOAD = 1;
const PF_X = 1;

/** What `--kernel` hands the machine: fw_cfg contents, ready to install. */
export interface MultibootImage {
  /** Physical load address of `buffer` and the kernel's entry point. */
  loadAddr: number;
  entry: number;
  /** Kernel image + module slots + command line + loader name, page-padded. */
  buffer: Uint8Array;
  /** The MBI as QEMU prepares it (the ROM completes mem_lower/mem_upper/mmap_length). */
  mbi: Uint8Array;
}

/** A file that cannot be booted as a Multiboot kernel (the CLI prints it as one line). */
export class MultibootError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MultibootError";
  }
}

/**
 * Lays out `file` (the bytes of the kernel named `fileName` on the command line) as QEMU does for
 * `-kernel fileName -append cmdline` with `memBytes` of RAM. Throws MultibootError when it is not a
 * 32-bit Multiboot kernel or its header or ELF program headers are inconsistent.
 */
export function loadMultiboot(
  file: Uint8Array,
  fileName: string,
  cmdline: string,
  memBytes: number,
): MultibootImage {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const at = findHeader(view);
  if (at < 0)
    throw new MultibootError(`${fileName}: not a Multiboot kernel (no valid header in its first 8 KiB)`);
  const flags = view.getUint32(at + 4, true);
  const kernel =
    (flags & MB_HEADER_AOUT_KLUDGE) !== 0
      ? loadAout(view, at, fileName, memBytes)
      : loadElf(view, fileName, memBytes);

  const enc = new TextEncoder();
  const line = enc.encode(`${fileName} ${cmdline}\0`);
  const loader = enc.encode(`${MB_LOADER_NAME}\0`);
  const mbinfoOffset = pageAlign(kernel.image.length);
  // The command-line area is sized for the file name and the command line each with a NUL.
  const cmdlineSpace = enc.encode(fileName).length + 1 + enc.encode(cmdline).length + 1;
  const size = pageAlign(mbinfoOffset + cmdlineSpace + loader.length);
  if (kernel.loadAddr + size > memBytes) throw tooBig(fileName, kernel.loadAddr, size, memBytes);
  const buffer = new Uint8Array(size);
  buffer.set(kernel.image, 0);
  const cmdlineOffset = mbinfoOffset;
  buffer.set(line, cmdlineOffset);
  const loaderOffset = cmdlineOffset + cmdlineSpace;
  buffer.set(loader, loaderOffset);

  const mbi = new Uint8Array(MBI_SIZE);
  const m = new DataView(mbi.buffer);
  const below4g = ramBelow4G(memBytes);
  m.setUint32(
    MBI_FLAGS,
    MBI_FLAG_MEMORY |
      MBI_FLAG_BOOT_DEVICE |
      MBI_FLAG_CMDLINE |
      MBI_FLAG_MODULES |
      MBI_FLAG_MMAP |
      MBI_FLAG_LOADER_NAME,
    true,
  );
  m.setUint32(MBI_MEM_LOWER, MEM_LOWER_KIB, true);
  m.setUint32(MBI_MEM_UPPER, below4g / 1024 - 1024, true);
  m.setUint32(MBI_BOOT_DEVICE, MB_BOOT_DEVICE, true);
  m.setUint32(MBI_CMDLINE, kernel.loadAddr + cmdlineOffset, true);
  m.setUint32(MBI_MODS_COUNT, 0, true);
  m.setUint32(MBI_MODS_ADDR, kernel.loadAddr + mbinfoOffset, true);
  m.setUint32(MBI_MMAP_ADDR, MB_MMAP_ADDR, true);
  m.setUint32(MBI_LOADER_NAME, kernel.loadAddr + loaderOffset, true);
  return { loadAddr: kernel.loadAddr, entry: kernel.entry, buffer, mbi };
}

/** Largest --kernel file read (a vmlinux with debug information fits; RAM is at most 2 GiB). */
export const KERNEL_FILE_MAX = 512 * 1024 * 1024;

/** Reads the kernel file (measured first: a regular file of at most KERNEL_FILE_MAX) and lays it out. */
export function loadMultibootFile(path: string, cmdline: string, memBytes: number): MultibootImage {
  let file: Uint8Array;
  try {
    file = readHostFile(path, KERNEL_FILE_MAX);
  } catch (err) {
    if (err instanceof HostFileError) throw new MultibootError(`cannot read kernel '${path}': ${err.reason}`);
    throw err;
  }
  return loadMultiboot(file, path, cmdline, memBytes);
}

/**
 * Offers `image` to the firmware as QEMU does: the KERNEL_* and INITRD_* items and the option ROM as
 * genroms/multiboot_dma.bin. The machine also sets `bootorder` to MULTIBOOT_BOOTORDER.
 */
export function installMultiboot(
  fw: FwCfg,
  image: MultibootImage,
  rom: Uint8Array = readFileSync(MULTIBOOT_ROM),
): void {
  fw.addBytes(FW_CFG_KERNEL_ENTRY, "kernel_entry", le32(image.entry));
  fw.addBytes(FW_CFG_KERNEL_ADDR, "kernel_addr", le32(image.loadAddr));
  fw.addBytes(FW_CFG_KERNEL_SIZE, "kernel_size", le32(image.buffer.length));
  fw.addBytes(FW_CFG_KERNEL_DATA, "kernel_data", image.buffer);
  fw.addBytes(FW_CFG_INITRD_ADDR, "initrd_addr", le32(MB_MBI_ADDR));
  fw.addBytes(FW_CFG_INITRD_SIZE, "initrd_size", le32(image.mbi.length));
  fw.addBytes(FW_CFG_INITRD_DATA, "initrd_data", image.mbi);
  fw.addFile(`genroms/${MULTIBOOT_ROM_NAME}`, rom);
}

/** Offset of the first valid Multiboot header, or -1. */
function findHeader(view: DataView): number {
  const end = Math.min(view.byteLength, MULTIBOOT_SEARCH) - MULTIBOOT_HEADER_WORDS * 4;
  for (let i = 0; i <= end; i += 4) {
    if (view.getUint32(i, true) !== MULTIBOOT_HEADER_MAGIC) continue;
    const sum = (MULTIBOOT_HEADER_MAGIC + view.getUint32(i + 4, true) + view.getUint32(i + 8, true)) >>> 0;
    if (sum === 0) return i;
  }
  return -1;
}

interface Kernel {
  loadAddr: number;
  entry: number;
  /** From loadAddr, with the BSS zeroed. */
  image: Uint8Array;
}

/** The a.out kludge: header_addr, load_addr, load_end_addr, bss_end_addr, entry_addr (spec 3.1.3). */
function loadAout(view: DataView, at: number, fileName: string, memBytes: number): Kernel {
  const headerAddr = view.getUint32(at + 12, true);
  const loadAddr = view.getUint32(at + 16, true);
  const loadEnd = view.getUint32(at + 20, true);
  const bssEnd = view.getUint32(at + 24, true);
  const entry = view.getUint32(at + 28, true);
  if (headerAddr < loadAddr) throw new MultibootError(`${fileName}: header_addr is below load_addr`);
  const textOffset = at - (headerAddr - loadAddr);
  if (textOffset < 0) throw new MultibootError(`${fileName}: load_addr lies before the file's start`);
  let loadSize: number;
  if (loadEnd !== 0) {
    if (loadEnd < loadAddr) throw new MultibootError(`${fileName}: load_end_addr is below load_addr`);
    loadSize = loadEnd - loadAddr;
  } else loadSize = view.byteLength - textOffset;
  if (textOffset + loadSize > view.byteLength)
    throw new MultibootError(`${fileName}: the file is shorter than its header says`);
  let size = loadSize;
  if (bssEnd !== 0) {
    if (bssEnd < loadAddr + loadSize)
      throw new MultibootError(`${fileName}: bss_end_addr is below load_end_addr`);
    size = bssEnd - loadAddr;
  }
  if (loadAddr + size > memBytes) throw tooBig(fileName, loadAddr, size, memBytes);
  const image = new Uint8Array(size);
  image.set(new Uint8Array(view.buffer, view.byteOffset + textOffset, loadSize));
  return { loadAddr, entry, image };
}

/** A 32-bit little-endian i386 ELF: its PT_LOAD segments at their physical addresses. */
function loadElf(view: DataView, fileName: string, memBytes: number): Kernel {
  const bad = (why: string) => new MultibootError(`${fileName}: ${why}`);
  if (view.byteLength < 52 || view.getUint32(0, true) !== ELF_MAGIC)
    throw bad("not an ELF file (and no a.out kludge in its Multiboot header)");
  const machine = view.getUint16(18, true);
  if (machine === EM_X86_64) throw bad("a 64-bit kernel: Multiboot needs a 32-bit one");
  if (view.getUint8(4) !== ELFCLASS32 || view.getUint8(5) !== ELFDATA2LSB || machine !== EM_386)
    throw bad("not a 32-bit little-endian i386 ELF");
  let entry = view.getUint32(24, true);
  const phoff = view.getUint32(28, true);
  const phentsize = view.getUint16(42, true);
  const phnum = view.getUint16(44, true);
  if (phentsize < 32 || phoff + phnum * phentsize > view.byteLength) throw bad("truncated program headers");
  const segments: { paddr: number; offset: number; filesz: number; memsz: number }[] = [];
  let low = Number.POSITIVE_INFINITY;
  let high = 0;
  for (let i = 0; i < phnum; i++) {
    const ph = phoff + i * phentsize;
    if (view.getUint32(ph, true) !== PT_LOAD) continue;
    const offset = view.getUint32(ph + 4, true);
    const vaddr = view.getUint32(ph + 8, true);
    const paddr = view.getUint32(ph + 12, true);
    const filesz = view.getUint32(ph + 16, true);
    const memsz = view.getUint32(ph + 20, true);
    const pflags = view.getUint32(ph + 24, true);
    if (memsz === 0) continue;
    if (filesz > memsz || offset + filesz > view.byteLength) throw bad(`segment ${i} lies outside the file`);
    // The entry point is virtual; QEMU moves it with an executable segment that is linked elsewhere.
    if (vaddr !== paddr && (pflags & PF_X) !== 0 && entry >= vaddr && entry < vaddr + filesz)
      entry = entry - vaddr + paddr;
    segments.push({ paddr, offset, filesz, memsz });
    low = Math.min(low, paddr);
    high = Math.max(high, paddr + memsz);
  }
  if (segments.length === 0) throw bad("no loadable segment");
  if (high > memBytes) throw tooBig(fileName, low, high - low, memBytes);
  const image = new Uint8Array(high - low);
  for (const s of segments)
    image.set(new Uint8Array(view.buffer, view.byteOffset + s.offset, s.filesz), s.paddr - low);
  return { loadAddr: low, entry, image };
}

/** The error for a kernel that does not fit in RAM. */
function tooBig(fileName: string, addr: number, size: number, memBytes: number): MultibootError {
  return new MultibootError(
    `${fileName}: the kernel (0x${size.toString(16)} bytes at 0x${addr.toString(16)}) does not fit in ${memBytes / 1048576} MiB of RAM`,
  );
}

/** Rounds up to a 4 KiB page. */
function pageAlign(n: number): number {
  return Math.ceil(n / PAGE) * PAGE;
}
