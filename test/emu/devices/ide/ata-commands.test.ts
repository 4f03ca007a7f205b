// The ATA command set through the ports (ATA/ATAPI-6 §8): READ/WRITE SECTORS and READ/WRITE
// MULTIPLE by PIO in LBA28, LBA48 and CHS, SET MULTIPLE MODE, FLUSH CACHE, and the error paths
// (unknown command, out-of-range address). Data goes to a raw image on the host and is checked
// there. The script at the end (the commands QEMU finishes without block I/O) runs on QEMU too.
import { describe, expect, it } from "vitest";
import { needPeers } from "../../../helpers/peers.ts";
import {
  ABRT,
  BSY,
  createRig,
  DRDY,
  DRQ,
  DSC,
  ERR,
  expectBytes,
  IDE_BASE,
  inb,
  LBA,
  outb,
  patternedImage,
  REG_COMMAND,
  REG_DEVICE,
  REG_ERROR,
  REG_FEATURE,
  REG_LBA_HIGH,
  REG_LBA_LOW,
  REG_LBA_MID,
  REG_NSECTOR,
  REG_STATUS,
  type Rig,
  type RigDrive,
  readData,
  taskFileLba28,
  taskFileLba48,
  writeData,
} from "./ide-rig.ts";
import { expectSameAsQemu, type PortOp, runOnQemu, runOnRig } from "./port-script.ts";

/** Commands (ATA/ATAPI-6 §8). */
const READ_SECTORS = 0x20;
const READ_SECTORS_EXT = 0x24;
const READ_MULTIPLE_EXT = 0x29;
const WRITE_SECTORS = 0x30;
const WRITE_SECTORS_EXT = 0x34;
const WRITE_MULTIPLE_EXT = 0x39;
const READ_VERIFY_SECTORS = 0x40;
const INITIALIZE_DEVICE_PARAMETERS = 0x91;
const READ_MULTIPLE = 0xc4;
const WRITE_MULTIPLE = 0xc5;
const SET_MULTIPLE_MODE = 0xc6;
const CHECK_POWER_MODE = 0xe5;
const FLUSH_CACHE = 0xe7;
const FLUSH_CACHE_EXT = 0xea;
const SET_FEATURES = 0xef;
const IDENTIFY_DEVICE = 0xec;
const READ_NATIVE_MAX_ADDRESS = 0xf8;
const READ_NATIVE_MAX_ADDRESS_EXT = 0x27;
/** SET FEATURES subcommands (§8.37 table 44). */
const SF_ENABLE_WRITE_CACHE = 0x02;
const SF_DISABLE_WRITE_CACHE = 0x82;
const SF_SET_TRANSFER_MODE = 0x03;

const SECTORS = 2048;

function rigWithDisk(): { rig: Rig; image: Uint8Array } {
  const image = patternedImage(SECTORS);
  return { rig: createRig([{ index: 0, media: "disk", image }]), image };
}

/** Guest data for `sectors` sectors, distinct from the image's pattern. */
function payload(sectors: number, seed: number): Uint8Array {
  return Uint8Array.from({ length: sectors * 512 }, (_, i) => (i * 13 + seed) & 0xff);
}

/** The status after a completed command: DRDY, no BSY/DRQ/ERR, INTRQ taken. */
function expectDone(rig: Rig): void {
  expect(inb(rig, REG_STATUS) & (BSY | DRDY | DRQ | ERR)).toBe(DRDY);
}

/** The task file's 28-bit address. */
function lba28(rig: Rig): number {
  return (
    ((inb(rig, REG_DEVICE) & 0x0f) << 24) |
    (inb(rig, REG_LBA_HIGH) << 16) |
    (inb(rig, REG_LBA_MID) << 8) |
    inb(rig, REG_LBA_LOW)
  );
}

describe("PIO READ/WRITE SECTORS", () => {
  it("reads one sector with DRQ and an interrupt, and leaves the task file at the last sector", () => {
    const { rig, image } = rigWithDisk();
    taskFileLba28(rig, 100, 1);
    outb(rig, REG_COMMAND, READ_SECTORS);
    expect(rig.irq()).toBe(true);
    expect(inb(rig, REG_STATUS) & (BSY | DRDY | DRQ | ERR)).toBe(DRDY | DRQ);
    expectBytes(readData(rig, 512), image.subarray(100 * 512, 101 * 512));
    expectDone(rig);
    expect(lba28(rig)).toBe(101); // QEMU leaves the sector after the last one moved
  });

  it("reads several sectors, one DRQ block and one interrupt each, with 32-bit accesses", () => {
    const { rig, image } = rigWithDisk();
    taskFileLba28(rig, 7, 3);
    outb(rig, REG_COMMAND, READ_SECTORS);
    for (let s = 7; s < 10; s++) {
      expect(rig.irq()).toBe(true);
      expect(inb(rig, REG_STATUS) & DRQ).toBe(DRQ); // lowers INTRQ
      expect(rig.irq()).toBe(false);
      expectBytes(readData(rig, 512, 4), image.subarray(s * 512, (s + 1) * 512));
    }
    expectDone(rig);
    expect(lba28(rig)).toBe(10);
  });

  it("reads 256 sectors for a sector count of 0", () => {
    const { rig, image } = rigWithDisk();
    taskFileLba28(rig, 0, 0);
    outb(rig, REG_COMMAND, READ_SECTORS);
    expectBytes(readData(rig, 256 * 512, 4), image.subarray(0, 256 * 512));
    expectDone(rig);
  });

  it("writes sectors with 16- and 32-bit accesses; the image holds them, neighbours untouched", () => {
    const { rig, image } = rigWithDisk();
    const data = payload(2, 1);
    taskFileLba28(rig, 40, 2);
    outb(rig, REG_COMMAND, WRITE_SECTORS);
    expect(rig.irq14).toEqual([]); // the first block is asked for without an interrupt
    expect(inb(rig, REG_STATUS) & (DRQ | BSY)).toBe(DRQ);
    writeData(rig, data.subarray(0, 512), 2);
    expect(rig.irq()).toBe(true);
    expect(inb(rig, REG_STATUS) & DRQ).toBe(DRQ);
    writeData(rig, data.subarray(512), 4);
    expect(rig.irq()).toBe(true);
    expectDone(rig);
    const disk = rig.imageBytes(0);
    expectBytes(disk.subarray(40 * 512, 42 * 512), data);
    expectBytes(disk.subarray(39 * 512, 40 * 512), image.subarray(39 * 512, 40 * 512));
    expectBytes(disk.subarray(42 * 512, 43 * 512), image.subarray(42 * 512, 43 * 512));
  });

  it("addresses by cylinder/head/sector when the LBA bit is clear", () => {
    const { rig, image } = rigWithDisk();
    // Default geometry 16 heads x 63 sectors: C1 H2 S3 = (1 * 16 + 2) * 63 + 2 = 1136.
    outb(rig, REG_DEVICE, 2);
    outb(rig, REG_NSECTOR, 1);
    outb(rig, REG_LBA_LOW, 3);
    outb(rig, REG_LBA_MID, 1);
    outb(rig, REG_LBA_HIGH, 0);
    outb(rig, REG_COMMAND, READ_SECTORS);
    expectBytes(readData(rig, 512), image.subarray(1136 * 512, 1137 * 512));
  });

  it("uses the geometry INITIALIZE DEVICE PARAMETERS set", () => {
    const { rig, image } = rigWithDisk();
    outb(rig, REG_DEVICE, 3); // 4 heads
    outb(rig, REG_NSECTOR, 32); // 32 sectors per track
    outb(rig, REG_COMMAND, INITIALIZE_DEVICE_PARAMETERS);
    expectDone(rig);
    outb(rig, REG_DEVICE, 1);
    outb(rig, REG_NSECTOR, 1);
    outb(rig, REG_LBA_LOW, 5);
    outb(rig, REG_LBA_MID, 2);
    outb(rig, REG_LBA_HIGH, 0);
    outb(rig, REG_COMMAND, READ_SECTORS);
    const sector = (2 * 4 + 1) * 32 + 4;
    expectBytes(readData(rig, 512), image.subarray(sector * 512, (sector + 1) * 512));
  });
});

describe("READ/WRITE MULTIPLE", () => {
  it("moves SET MULTIPLE MODE's sectors per DRQ block, the last block shorter", () => {
    const { rig, image } = rigWithDisk();
    outb(rig, REG_NSECTOR, 4);
    outb(rig, REG_COMMAND, SET_MULTIPLE_MODE);
    expectDone(rig);
    taskFileLba28(rig, 20, 10);
    outb(rig, REG_COMMAND, READ_MULTIPLE);
    const got: number[] = [];
    for (const block of [4, 4, 2]) {
      expect(rig.irq()).toBe(true);
      expect(inb(rig, REG_STATUS) & DRQ).toBe(DRQ);
      got.push(...readData(rig, block * 512, 4));
    }
    expectBytes(Uint8Array.from(got), image.subarray(20 * 512, 30 * 512));
    expectDone(rig);

    const data = payload(6, 9);
    taskFileLba28(rig, 300, 6);
    outb(rig, REG_COMMAND, WRITE_MULTIPLE);
    writeData(rig, data.subarray(0, 4 * 512));
    expect(rig.irq()).toBe(true);
    writeData(rig, data.subarray(4 * 512));
    expectDone(rig);
    expectBytes(rig.imageBytes(0).subarray(300 * 512, 306 * 512), data);
  });

  it("rejects a block size that is not a power of two or above 16, and READ MULTIPLE after a 0", () => {
    const { rig } = rigWithDisk();
    for (const n of [3, 32]) {
      outb(rig, REG_NSECTOR, n);
      outb(rig, REG_COMMAND, SET_MULTIPLE_MODE);
      expect(inb(rig, REG_STATUS) & ERR).toBe(ERR);
      expect(inb(rig, REG_ERROR)).toBe(ABRT);
    }
    outb(rig, REG_NSECTOR, 0); // accepted: multiple mode off
    outb(rig, REG_COMMAND, SET_MULTIPLE_MODE);
    expectDone(rig);
    taskFileLba28(rig, 0, 1);
    outb(rig, REG_COMMAND, READ_MULTIPLE);
    expect(inb(rig, REG_STATUS) & (ERR | DRQ)).toBe(ERR);
    expect(inb(rig, REG_ERROR)).toBe(ABRT);
  });
});

describe("LBA48", () => {
  it("READ/WRITE SECTORS EXT take a 16-bit count and 48-bit address from the two-deep registers", () => {
    const { rig, image } = rigWithDisk();
    taskFileLba48(rig, 1500, 2);
    outb(rig, REG_COMMAND, READ_SECTORS_EXT);
    expectBytes(readData(rig, 1024), image.subarray(1500 * 512, 1502 * 512));
    expectDone(rig);

    const data = payload(3, 5);
    taskFileLba48(rig, 2000, 3);
    outb(rig, REG_COMMAND, WRITE_MULTIPLE_EXT);
    writeData(rig, data, 4);
    expectDone(rig);
    expectBytes(rig.imageBytes(0).subarray(2000 * 512, 2003 * 512), data);

    taskFileLba48(rig, 2000, 3);
    outb(rig, REG_COMMAND, READ_MULTIPLE_EXT);
    expectBytes(readData(rig, 3 * 512), data);
    taskFileLba48(rig, 1, 1);
    outb(rig, REG_COMMAND, WRITE_SECTORS_EXT);
    writeData(rig, payload(1, 3));
    expectDone(rig);
  });

  it("rejects an address beyond the disk in the high-order bytes", () => {
    const { rig } = rigWithDisk();
    taskFileLba48(rig, 2 ** 32, 1); // only the HOB LBA low byte set
    outb(rig, REG_COMMAND, READ_SECTORS_EXT);
    expect(inb(rig, REG_STATUS) & (ERR | DRQ)).toBe(ERR);
    expect(inb(rig, REG_ERROR)).toBe(ABRT);
  });
});

describe("SET FEATURES", () => {
  it("disables and enables the write cache (IDENTIFY word 85 bit 5); disabling flushes", () => {
    const { rig } = rigWithDisk();
    outb(rig, REG_FEATURE, SF_DISABLE_WRITE_CACHE);
    outb(rig, REG_COMMAND, SET_FEATURES);
    expect(rig.irq()).toBe(true);
    expect(inb(rig, REG_STATUS)).toBe(DRDY | DSC);
    outb(rig, REG_COMMAND, IDENTIFY_DEVICE);
    expect(readData(rig, 512)[85 * 2]! & 0x20).toBe(0);
    outb(rig, REG_FEATURE, SF_ENABLE_WRITE_CACHE);
    outb(rig, REG_COMMAND, SET_FEATURES);
    expectDone(rig);
    outb(rig, REG_COMMAND, IDENTIFY_DEVICE);
    expect(readData(rig, 512)[85 * 2]! & 0x20).toBe(0x20);
  });
});

describe("FLUSH CACHE, errors", () => {
  it("FLUSH CACHE and FLUSH CACHE EXT complete with DRDY|DSC and an interrupt", () => {
    const { rig } = rigWithDisk();
    for (const cmd of [FLUSH_CACHE, FLUSH_CACHE_EXT]) {
      outb(rig, REG_COMMAND, cmd);
      expect(rig.irq()).toBe(true);
      expect(inb(rig, REG_STATUS)).toBe(DRDY | DSC);
    }
  });

  it("aborts an unknown command with ERR and ABRT, interrupting, and logs it as unimplemented", () => {
    const { rig } = rigWithDisk();
    outb(rig, REG_COMMAND, 0x77);
    expect(rig.irq()).toBe(true);
    expect(inb(rig, REG_STATUS)).toBe(DRDY | ERR);
    expect(inb(rig, REG_ERROR)).toBe(ABRT);
    expect(rig.log.entries.some((e) => e.kind === "unimp" && e.message.includes("0x77"))).toBe(true);
  });

  it("aborts a read whose next sector is beyond the disk, after the sectors before it (QEMU's per-block check)", () => {
    const { rig, image } = rigWithDisk();
    taskFileLba28(rig, SECTORS - 1, 2);
    outb(rig, REG_COMMAND, READ_SECTORS);
    expectBytes(readData(rig, 512), image.subarray((SECTORS - 1) * 512));
    expect(inb(rig, REG_STATUS) & (ERR | DRQ)).toBe(ERR);
    expect(inb(rig, REG_ERROR)).toBe(ABRT);
  });

  it("takes an out-of-range write's data, then aborts it without writing", () => {
    const { rig, image } = rigWithDisk();
    taskFileLba28(rig, SECTORS, 1);
    outb(rig, REG_COMMAND, WRITE_SECTORS);
    expect(inb(rig, REG_STATUS) & DRQ).toBe(DRQ);
    writeData(rig, payload(1, 7));
    expect(rig.irq()).toBe(true);
    expect(inb(rig, REG_STATUS) & (ERR | DRQ)).toBe(ERR);
    expect(inb(rig, REG_ERROR)).toBe(ABRT);
    expectBytes(rig.imageBytes(0), image);
  });
});

describe.skipIf(!needPeers("qemu-system-i386"))("ATA commands against QEMU", () => {
  const regs = (): PortOp[] => [1, 2, 3, 4, 5, 6, 7].map((r): PortOp => ["inb", IDE_BASE + r]);
  const out = (reg: number, value: number): PortOp => ["outb", IDE_BASE + reg, value];
  const lba = (address: number, count: number): PortOp[] => [
    out(REG_DEVICE, LBA | ((address >>> 24) & 0x0f)),
    out(REG_NSECTOR, count),
    out(REG_LBA_LOW, address & 0xff),
    out(REG_LBA_MID, (address >>> 8) & 0xff),
    out(REG_LBA_HIGH, (address >>> 16) & 0xff),
  ];
  const script: PortOp[] = [
    // Commands that finish without block I/O, each followed by every register.
    ...lba(SECTORS, 1),
    out(REG_COMMAND, READ_SECTORS),
    ...regs(),
    ...lba(SECTORS + 5, 2),
    out(REG_COMMAND, WRITE_SECTORS),
    ...regs(),
    ...Array.from({ length: 256 }, (): PortOp => ["outw", IDE_BASE, 0x1234]),
    ...regs(),
    ...lba(10, 4),
    out(REG_COMMAND, READ_VERIFY_SECTORS),
    ...regs(),
    out(REG_COMMAND, READ_NATIVE_MAX_ADDRESS),
    ...regs(),
    out(REG_COMMAND, READ_NATIVE_MAX_ADDRESS_EXT),
    ...regs(),
    out(REG_COMMAND, CHECK_POWER_MODE),
    ...regs(),
    // (Disabling the write cache flushes, which QEMU does with block I/O: tested above instead.)
    ...[SF_ENABLE_WRITE_CACHE, SF_SET_TRANSFER_MODE, 0x5a].flatMap((f) => [
      out(REG_FEATURE, f),
      out(REG_NSECTOR, 0x45),
      out(REG_COMMAND, SET_FEATURES),
      ...regs(),
    ]),
    ...[3, 32, 0, 8].flatMap((n) => [out(REG_NSECTOR, n), out(REG_COMMAND, SET_MULTIPLE_MODE), ...regs()]),
    ...[0x77, 0x00, 0xa0, 0xa1].flatMap((cmd) => [out(REG_COMMAND, cmd), ...regs()]),
    out(REG_DEVICE, 0x0f),
    out(REG_NSECTOR, 17),
    out(REG_COMMAND, INITIALIZE_DEVICE_PARAMETERS),
    ...regs(),
  ];

  it("reads what QEMU reads", async () => {
    const drives: RigDrive[] = [{ index: 0, media: "disk", image: patternedImage(SECTORS) }];
    expectSameAsQemu(runOnRig(createRig(drives), script), await runOnQemu(drives, script));
  });
});
