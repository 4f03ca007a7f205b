// The smallest real assembly around the PIIX3 IDE function for qtest-style tests (QEMU's
// tests/qtest/ide-test.c drives the same surface): a PortBus with the i440fx configuration ports, an
// AddressSpace with RAM for bus-master DMA, the IDE function plugged at 00:01.1 as the pc board plugs
// it, raw images in a temporary directory behind a synchronous AioContext, and IRQ 14/15 as recording
// lines. Tests see only ports, guest memory and the IRQ levels; the register constants they use are
// declared here and in the tests, from the specs, not imported from the device.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect } from "vitest";
import { AioContext, openImage } from "../../../../src/emu/block/index.ts";
import { PciHost } from "../../../../src/emu/devices/i440fx.ts";
import { IdeController } from "../../../../src/emu/devices/ide/piix-ide.ts";
import type { IrqLine } from "../../../../src/emu/devices/irq.ts";
import { PciBus } from "../../../../src/emu/devices/pci-bus.ts";
import { GuestLog } from "../../../../src/emu/io/guest-log.ts";
import { PortBus } from "../../../../src/emu/io/port-bus.ts";
import { AioPump } from "../../../../src/emu/machine/aio-pump.ts";
import { AddressSpace } from "../../../../src/emu/memory/address-space.ts";
import { TraceBus } from "../../../../src/emu/trace/bus.ts";

/** Legacy (compatibility mode) primary channel, ATA/ATAPI-6 §7 and the PIIX3 datasheet. */
export const IDE_BASE = 0x1f0;
export const IDE_CTRL = 0x3f6;
/** Command block register offsets (ATA/ATAPI-6 §7.1 table 11). */
export const REG_DATA = 0;
export const REG_ERROR = 1;
export const REG_FEATURE = 1;
export const REG_NSECTOR = 2;
export const REG_LBA_LOW = 3;
export const REG_LBA_MID = 4;
export const REG_LBA_HIGH = 5;
export const REG_DEVICE = 6;
export const REG_STATUS = 7;
export const REG_COMMAND = 7;
/** Status register (ATA/ATAPI-6 §7.15). */
export const BSY = 0x80;
export const DRDY = 0x40;
export const DF = 0x20;
export const DSC = 0x10;
export const DRQ = 0x08;
export const ERR = 0x01;
/** Error register (ATA/ATAPI-6 §7.9). */
export const ABRT = 0x04;
export const IDNF = 0x10;
/** Device register (ATA/ATAPI-6 §7.10). */
export const DEV = 0x10;
export const LBA = 0x40;
/** Device control register (ATA/ATAPI-6 §7.8). */
export const NIEN = 0x02;
export const SRST = 0x04;
export const HOB = 0x80;
/** Bus-master IDE registers (SFF-8038i rev 1.0 §2) at offsets of the channel's 8 ports. */
export const BM_CMD = 0;
export const BM_STATUS = 2;
export const BM_PRDT = 4;
export const BM_CMD_START = 0x01;
/** Read/write control: 1 = the bus master writes memory (a device-to-memory transfer). */
export const BM_CMD_TO_MEMORY = 0x08;
export const BM_STS_ACTIVE = 0x01;
export const BM_STS_ERROR = 0x02;
export const BM_STS_INTR = 0x04;
/** PRD entry: byte count in bits 15:1 (0 = 64 KiB), end of table in bit 31 (SFF-8038i §1.2). */
export const PRD_EOT = 0x80000000;
/** Where the rig maps the bus-master BAR, and the RAM it gives DMA. */
export const BMDMA_BASE = 0xc000;
export const RAM_SIZE = 4 * 1024 * 1024;
/** PCI configuration mechanism #1 (PCI Local Bus 3.0 §3.2.2.3.2) and the IDE function's address. */
const CONFADD = 0xcf8;
const CONFDATA = 0xcfc;
const IDE_DEVFN = (1 << 3) | 1;
const PCI_COMMAND = 0x04;
const PCI_COMMAND_IO = 0x01;
const PCI_COMMAND_MASTER = 0x04;
const PCI_BAR4 = 0x20;

/** A drive of the rig: `index` as QEMU's -drive index (bus = index / 2), image bytes or null (empty CD). */
export interface RigDrive {
  index: number;
  media: "disk" | "cdrom";
  image: Uint8Array | null;
}

/** The assembled rig. */
export interface Rig {
  io: PortBus;
  memory: AddressSpace;
  log: GuestLog;
  /** Every level IRQ 14 was driven to, in order. */
  irq14: boolean[];
  /** The current level of IRQ 14. */
  irq(): boolean;
  /** Host path of drive `index`'s image (to check what reached the disk). */
  imagePath(index: number): string;
  /** The image's current bytes on the host. */
  imageBytes(index: number): Uint8Array;
  /** A system reset of the PCI devices (what the machine does on reset). */
  reset(): void;
}

/** Temporary directories of the test file's rigs, removed after its tests. */
const tempDirs: string[] = [];
afterAll(() => {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A new temporary directory, removed after the test file's tests. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "pcscope-ide-"));
  tempDirs.push(dir);
  return dir;
}

/** Expects two byte arrays to be equal (a fast compare; vitest's deep equality is slow on megabytes). */
export function expectBytes(actual: Uint8Array, expected: Uint8Array): void {
  if (Buffer.from(actual.buffer, actual.byteOffset, actual.byteLength).equals(expected)) return;
  let at = 0;
  while (at < actual.length && actual[at] === expected[at]) at++;
  expect.fail(`bytes differ at offset ${at} (lengths ${actual.length} and ${expected.length})`);
}

/** A line that records its levels. */
function recordingLine(levels: boolean[]): IrqLine {
  return { setLevel: (level) => levels.push(level) };
}

/** Builds the rig; the bus-master BAR decodes at BMDMA_BASE with I/O and bus mastering enabled. */
export function createRig(drives: RigDrive[]): Rig {
  const trace = new TraceBus();
  const log = new GuestLog();
  const io = new PortBus(trace, log);
  const memory = new AddressSpace(RAM_SIZE, log);
  memory.addRam("ram", 0, RAM_SIZE);
  const pci = new PciBus(io, log);
  new PciHost(io, pci, trace, log, null);
  const ctx = new AioContext("sync");
  const irq14: boolean[] = [];
  const irq15: boolean[] = [];
  const ide = new IdeController(
    io,
    memory,
    [recordingLine(irq14), recordingLine(irq15)],
    trace,
    log,
    new AioPump(ctx),
  );
  pci.plug(IDE_DEVFN, ide);
  const dir = tempDir();
  const paths = new Map<number, string>();
  for (const d of drives) {
    let backend = null;
    if (d.image !== null) {
      const path = join(dir, `drive${d.index}.raw`);
      writeFileSync(path, d.image);
      paths.set(d.index, path);
      // Private temporary images: no write lock (its lock files are named by inode, which the OS reuses).
      backend = openImage(path, { ctx, format: "raw", readOnly: d.media === "cdrom", lock: false });
    }
    ide.attach(d.index, d.media, backend);
  }
  const rig: Rig = {
    io,
    memory,
    log,
    irq14,
    irq: () => irq14.at(-1) ?? false,
    imagePath: (index) => paths.get(index)!,
    imageBytes: (index) => new Uint8Array(readFileSync(paths.get(index)!)),
    reset: () => pci.reset(),
  };
  enableBusMaster(rig);
  return rig;
}

/** Maps BAR4 at BMDMA_BASE and sets I/O space and bus master enable, as firmware does. */
export function enableBusMaster(rig: Rig): void {
  cfgWrite(rig, PCI_BAR4, 4, BMDMA_BASE | 1);
  cfgWrite(rig, PCI_COMMAND, 2, PCI_COMMAND_IO | PCI_COMMAND_MASTER);
}

/** A configuration write to the IDE function. */
export function cfgWrite(rig: Rig, reg: number, size: 1 | 2 | 4, value: number): void {
  rig.io.out(CONFADD, 4, (0x80000000 | (IDE_DEVFN << 8) | (reg & 0xfc)) >>> 0);
  rig.io.out(CONFDATA + (reg & 3), size, value);
}

/** A configuration read from the IDE function. */
export function cfgRead(rig: Rig, reg: number, size: 1 | 2 | 4): number {
  rig.io.out(CONFADD, 4, (0x80000000 | (IDE_DEVFN << 8) | (reg & 0xfc)) >>> 0);
  return rig.io.in(CONFDATA + (reg & 3), size);
}

/** A byte read of primary command block register `reg`. */
export function inb(rig: Rig, reg: number): number {
  return rig.io.in(IDE_BASE + reg, 1);
}

/** A byte write of primary command block register `reg`. */
export function outb(rig: Rig, reg: number, value: number): void {
  rig.io.out(IDE_BASE + reg, 1, value);
}

/** Reads `bytes` from the data port with `width`-byte accesses. */
export function readData(rig: Rig, bytes: number, width: 2 | 4 = 2): Uint8Array {
  const out = new Uint8Array(bytes);
  const view = new DataView(out.buffer);
  for (let i = 0; i < bytes; i += width) {
    const v = rig.io.in(IDE_BASE + REG_DATA, width);
    if (width === 2) view.setUint16(i, v, true);
    else view.setUint32(i, v, true);
  }
  return out;
}

/** Writes `data` to the data port with `width`-byte accesses. */
export function writeData(rig: Rig, data: Uint8Array, width: 2 | 4 = 2): void {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  for (let i = 0; i < data.length; i += width) {
    rig.io.out(IDE_BASE + REG_DATA, width, width === 2 ? view.getUint16(i, true) : view.getUint32(i, true));
  }
}

/** Reads the IDENTIFY-style 256 words of one DRQ block. */
export function readWords(rig: Rig, count = 256): number[] {
  return Array.from({ length: count }, () => rig.io.in(IDE_BASE + REG_DATA, 2));
}

/** An ATA string from IDENTIFY words (two characters per word, first in the high byte). */
export function ataString(words: number[], first: number, count: number): string {
  return words
    .slice(first, first + count)
    .map((w) => String.fromCharCode(w >> 8, w & 0xff))
    .join("");
}

/** Loads the LBA28 task file: device (LBA mode, drive 0), count, and the 28-bit address. */
export function taskFileLba28(rig: Rig, lba: number, count: number): void {
  outb(rig, REG_DEVICE, LBA | ((lba >>> 24) & 0x0f));
  outb(rig, REG_NSECTOR, count & 0xff);
  outb(rig, REG_LBA_LOW, lba & 0xff);
  outb(rig, REG_LBA_MID, (lba >>> 8) & 0xff);
  outb(rig, REG_LBA_HIGH, (lba >>> 16) & 0xff);
}

/** Loads the LBA48 task file: each register written twice, high-order byte first (ATA/ATAPI-6 §6.2). */
export function taskFileLba48(rig: Rig, lba: number, count: number): void {
  outb(rig, REG_DEVICE, LBA);
  const hi = Math.floor(lba / 2 ** 24);
  outb(rig, REG_NSECTOR, (count >>> 8) & 0xff);
  outb(rig, REG_NSECTOR, count & 0xff);
  outb(rig, REG_LBA_LOW, hi & 0xff);
  outb(rig, REG_LBA_LOW, lba & 0xff);
  outb(rig, REG_LBA_MID, (hi >>> 8) & 0xff);
  outb(rig, REG_LBA_MID, (lba >>> 8) & 0xff);
  outb(rig, REG_LBA_HIGH, (hi >>> 16) & 0xff);
  outb(rig, REG_LBA_HIGH, (lba >>> 16) & 0xff);
}

/** Writes a PRD table of [address, byte count, end of table] entries at `at` in guest memory. */
export function writePrdt(rig: Rig, at: number, entries: [number, number, boolean][]): void {
  const table = new Uint8Array(8 * entries.length);
  const view = new DataView(table.buffer);
  entries.forEach(([addr, bytes, last], i) => {
    view.setUint32(8 * i, addr, true);
    view.setUint32(8 * i + 4, ((bytes & 0xffff) | (last ? PRD_EOT : 0)) >>> 0, true);
  });
  rig.memory.writePhysical(at, table);
}

const patterned = new Map<number, Uint8Array>();

/** A disk image of `sectors` 512-byte sectors, each filled with a pattern naming its number (shared: do not modify). */
export function patternedImage(sectors: number): Uint8Array {
  let image = patterned.get(sectors);
  if (image === undefined) {
    image = new Uint8Array(sectors * 512);
    for (let s = 0; s < sectors; s++)
      image.fill(s & 0xff, s * 512, s * 512 + 256).fill((s * 7) >> 3, s * 512 + 256, s * 512 + 512);
    for (let i = 0; i < image.length; i += 512 + 13) image[i] = (i >> 9) ^ 0x5a;
    patterned.set(sectors, image);
  }
  return image;
}
