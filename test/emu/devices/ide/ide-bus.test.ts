// The channel's registers through the ports (ATA/ATAPI-6 §7 "Register descriptions", §9.2 soft
// reset): device select, status and alternate status, device control (nIEN, SRST, HOB), the data
// port's 16- and 32-bit accesses, and INTRQ raised on completion and lowered by a status read or a
// new command. The register script at the end runs on QEMU too and must read the same values.
import { describe, expect, it } from "vitest";
import { needPeers } from "../../../helpers/peers.ts";
import {
  ABRT,
  BSY,
  createRig,
  DEV,
  DRDY,
  DRQ,
  DSC,
  ERR,
  HOB,
  IDE_BASE,
  IDE_CTRL,
  inb,
  NIEN,
  outb,
  patternedImage,
  REG_COMMAND,
  REG_DEVICE,
  REG_ERROR,
  REG_LBA_HIGH,
  REG_LBA_LOW,
  REG_LBA_MID,
  REG_NSECTOR,
  REG_STATUS,
  type RigDrive,
  readData,
  SRST,
  taskFileLba28,
} from "./ide-rig.ts";
import { expectSameAsQemu, type PortOp, runOnQemu, runOnRig } from "./port-script.ts";

const IDENTIFY_DEVICE = 0xec;
const IDENTIFY_PACKET_DEVICE = 0xa1;
const READ_SECTORS = 0x20;
const EXECUTE_DEVICE_DIAGNOSTIC = 0x90;
const DEVICE_RESET = 0x08;
const NOP = 0x00;
const SECTORS = 2048;

const disk = (index: number): RigDrive => ({ index, media: "disk", image: patternedImage(SECTORS) });
const cdrom = (index: number): RigDrive => ({ index, media: "cdrom", image: null });

/** The seven byte registers after the data port, as read. */
function taskFile(rig: ReturnType<typeof createRig>): number[] {
  return [REG_ERROR, REG_NSECTOR, REG_LBA_LOW, REG_LBA_MID, REG_LBA_HIGH, REG_DEVICE, REG_STATUS].map((r) =>
    inb(rig, r),
  );
}

describe("IDE channel registers", () => {
  it("powers on with the ATA signature, DRDY|DSC and INTRQ low", () => {
    const rig = createRig([disk(0)]);
    expect(taskFile(rig)).toEqual([0, 1, 1, 0, 0, 0xa0, DRDY | DSC]);
    expect(rig.irq14).toEqual([]);
  });

  it("selects the slave with DEV; an empty slave slot reads 0 in error and status", () => {
    const rig = createRig([disk(0)]);
    outb(rig, REG_DEVICE, DEV);
    const [error, , , , , device, status] = taskFile(rig);
    expect([error, device, status]).toEqual([0, 0xa0 | DEV, 0]);
    expect(rig.io.in(IDE_CTRL, 1)).toBe(0);
    outb(rig, REG_COMMAND, IDENTIFY_DEVICE); // ignored by the absent slave
    expect(rig.irq14).toEqual([]);
    outb(rig, REG_DEVICE, 0);
    expect(inb(rig, REG_STATUS)).toBe(DRDY | DSC);
  });

  it("reads 0 everywhere on a channel without drives", () => {
    const rig = createRig([]);
    expect(taskFile(rig)).toEqual([0, 0, 0, 0, 0, 0, 0]);
  });

  it("raises INTRQ on completion; the alternate status leaves it, a status read lowers it", () => {
    const rig = createRig([disk(0)]);
    outb(rig, REG_COMMAND, IDENTIFY_DEVICE);
    expect(rig.irq()).toBe(true);
    expect(rig.io.in(IDE_CTRL, 1) & (DRDY | DRQ | BSY)).toBe(DRDY | DRQ);
    expect(rig.irq()).toBe(true);
    expect(inb(rig, REG_STATUS) & DRQ).toBe(DRQ);
    expect(rig.irq()).toBe(false);
    expect(rig.irq14).toEqual([true, false]);
  });

  it("masks INTRQ with nIEN, and a new command lowers a pending one", () => {
    const rig = createRig([disk(0)]);
    rig.io.out(IDE_CTRL, 1, NIEN);
    outb(rig, REG_COMMAND, NOP); // aborts: completion without an interrupt
    expect(inb(rig, REG_STATUS) & ERR).toBe(ERR);
    expect(rig.irq14).toEqual([]);
    rig.io.out(IDE_CTRL, 1, 0);
    outb(rig, REG_COMMAND, NOP);
    expect(rig.irq()).toBe(true);
    outb(rig, REG_COMMAND, NOP);
    expect(rig.irq14).toEqual([true, false, true]);
  });

  it("ignores task-file writes and commands while DRQ is set, but lowers INTRQ", () => {
    const rig = createRig([disk(0)]);
    outb(rig, REG_COMMAND, IDENTIFY_DEVICE);
    outb(rig, REG_NSECTOR, 0x55);
    outb(rig, REG_COMMAND, NOP);
    expect(rig.irq()).toBe(false);
    expect(rig.io.in(IDE_CTRL, 1)).toBe(DRDY | DSC | DRQ);
    expect(inb(rig, REG_ERROR)).toBe(0);
    readData(rig, 512);
    expect(inb(rig, REG_NSECTOR)).toBe(1);
  });

  it("reads the high-order bytes with HOB; any task-file write clears HOB", () => {
    const rig = createRig([disk(0)]);
    for (const [reg, a, b] of [
      [REG_NSECTOR, 0x12, 0x34],
      [REG_LBA_LOW, 0x56, 0x78],
      [REG_LBA_MID, 0x9a, 0xbc],
      [REG_LBA_HIGH, 0xde, 0xf0],
    ] as const) {
      outb(rig, reg, a);
      outb(rig, reg, b);
    }
    rig.io.out(IDE_CTRL, 1, HOB);
    expect([REG_NSECTOR, REG_LBA_LOW, REG_LBA_MID, REG_LBA_HIGH].map((r) => inb(rig, r))).toEqual([
      0x12, 0x56, 0x9a, 0xde,
    ]);
    rig.io.out(IDE_CTRL, 1, 0);
    expect([REG_NSECTOR, REG_LBA_LOW, REG_LBA_MID, REG_LBA_HIGH].map((r) => inb(rig, r))).toEqual([
      0x34, 0x78, 0xbc, 0xf0,
    ]);
  });

  it("widens a byte access to the data port to a word (which moves two bytes), as QEMU's memory core", () => {
    const rig = createRig([disk(0)]);
    outb(rig, REG_COMMAND, IDENTIFY_DEVICE);
    expect(rig.io.in(IDE_BASE, 1)).toBe(0x40); // word 0 = 0x0040, low byte
    expect(rig.io.in(IDE_BASE, 2)).toBe(2); // word 1: cylinders (2048 sectors / 16 heads / 63)
  });

  it("ignores data writes during a data-in transfer (and reads during data-out give 0)", () => {
    const image = patternedImage(SECTORS);
    const rig = createRig([{ index: 0, media: "disk", image }]);
    taskFileLba28(rig, 0, 1);
    outb(rig, REG_COMMAND, READ_SECTORS);
    rig.io.out(IDE_BASE, 2, 0x1234);
    expect(readData(rig, 512)).toEqual(image.subarray(0, 512));
    outb(rig, REG_COMMAND, 0x30); // WRITE SECTORS
    expect(rig.io.in(IDE_BASE, 2)).toBe(0);
    expect(inb(rig, REG_STATUS) & DRQ).toBe(DRQ);
  });

  it("splits a 16-bit access to the byte registers into two (the port bus does, as QEMU's portio)", () => {
    const rig = createRig([disk(0)]);
    rig.io.out(IDE_BASE + REG_NSECTOR, 2, 0x0703); // sector count 3, LBA low 7
    expect([inb(rig, REG_NSECTOR), inb(rig, REG_LBA_LOW)]).toEqual([3, 7]);
    expect(rig.io.in(IDE_BASE + REG_LBA_MID, 2)).toBe(0);
  });

  it("moves the PIO buffer with 16- and 32-bit data accesses alike; without DRQ reads give 0", () => {
    const image = patternedImage(SECTORS);
    const rig = createRig([{ index: 0, media: "disk", image }]);
    expect(rig.io.in(IDE_BASE, 2)).toBe(0);
    expect(rig.io.in(IDE_BASE, 4)).toBe(0);
    taskFileLba28(rig, 5, 1);
    outb(rig, REG_COMMAND, READ_SECTORS);
    const first = readData(rig, 256, 2);
    const second = readData(rig, 256, 4);
    expect([...first, ...second]).toEqual([...image.subarray(5 * 512, 6 * 512)]);
    expect(inb(rig, REG_STATUS) & DRQ).toBe(0);
  });
});

describe("soft reset (SRST)", () => {
  it("holds both drives BSY while SRST is set, then leaves the ATA and ATAPI signatures", () => {
    const rig = createRig([disk(0), cdrom(1)]);
    outb(rig, REG_DEVICE, DEV);
    outb(rig, REG_COMMAND, IDENTIFY_PACKET_DEVICE);
    expect(inb(rig, REG_STATUS) & DRQ).toBe(DRQ);
    rig.io.out(IDE_CTRL, 1, SRST);
    expect(rig.io.in(IDE_CTRL, 1) & (BSY | DRQ)).toBe(BSY);
    rig.io.out(IDE_CTRL, 1, 0);
    // Device 0 is selected again: the disk, error 01h (diagnostic passed), ATA signature.
    expect(taskFile(rig)).toEqual([1, 1, 1, 0, 0, 0xa0, DRDY | DSC]);
    outb(rig, REG_DEVICE, DEV);
    // The packet device: ATAPI signature 14h/EBh and a clear status (DRDY not set).
    expect(taskFile(rig)).toEqual([1, 1, 1, 0x14, 0xeb, 0xa0 | DEV, 0]);
    expect(rig.io.in(IDE_BASE, 2)).toBe(0); // the transfer was dropped
  });

  it("stops a PIO transfer in progress", () => {
    const rig = createRig([disk(0)]);
    outb(rig, REG_COMMAND, IDENTIFY_DEVICE);
    rig.io.out(IDE_CTRL, 1, SRST);
    rig.io.out(IDE_CTRL, 1, 0);
    expect(inb(rig, REG_STATUS) & (DRQ | BSY)).toBe(0);
  });
});

describe("EXECUTE DEVICE DIAGNOSTIC and DEVICE RESET", () => {
  it("diagnostic: signature, code 01h, DEV cleared; the disk interrupts, the packet device does not", () => {
    const rig = createRig([disk(0), disk(1)]);
    outb(rig, REG_DEVICE, DEV);
    outb(rig, REG_NSECTOR, 5);
    outb(rig, REG_COMMAND, EXECUTE_DEVICE_DIAGNOSTIC);
    expect(rig.irq()).toBe(true);
    expect(taskFile(rig)).toEqual([1, 1, 1, 0, 0, 0xa0, DRDY | DSC]);
    const cd = createRig([disk(0), cdrom(1)]);
    outb(cd, REG_DEVICE, DEV);
    outb(cd, REG_COMMAND, EXECUTE_DEVICE_DIAGNOSTIC);
    expect(cd.irq14).toEqual([]);
    expect(taskFile(cd)).toEqual([1, 1, 1, 0x14, 0xeb, 0xa0, 0]);
  });

  it("DEVICE RESET is taken by a packet device even while DRQ, and aborted by a disk", () => {
    const rig = createRig([disk(0), cdrom(1)]);
    outb(rig, REG_DEVICE, DEV);
    outb(rig, REG_COMMAND, IDENTIFY_PACKET_DEVICE);
    outb(rig, REG_COMMAND, DEVICE_RESET);
    expect(rig.irq14).toEqual([true, false]);
    expect(taskFile(rig)).toEqual([0, 1, 1, 0x14, 0xeb, 0xa0, 0]);
    outb(rig, REG_DEVICE, 0);
    outb(rig, REG_COMMAND, DEVICE_RESET);
    expect(inb(rig, REG_STATUS) & ERR).toBe(ERR);
    expect(inb(rig, REG_ERROR)).toBe(ABRT);
  });
});

describe.skipIf(!needPeers("qemu-system-i386"))("IDE registers against QEMU", () => {
  // Every register after each step; QEMU runs these without block I/O, so a batch needs no polling.
  const regs = (): PortOp[] => [1, 2, 3, 4, 5, 6, 7].map((r): PortOp => ["inb", IDE_BASE + r]);
  const script: PortOp[] = [
    ...regs(),
    ["outb", IDE_BASE + REG_DEVICE, 0xb0],
    ...regs(),
    ["inw", IDE_BASE + REG_NSECTOR],
    ["outb", IDE_BASE + REG_NSECTOR, 5],
    ["outb", IDE_BASE + REG_COMMAND, EXECUTE_DEVICE_DIAGNOSTIC],
    ...regs(),
    ["outb", IDE_BASE + REG_DEVICE, 0xa0],
    ["outb", IDE_BASE + REG_NSECTOR, 0x12],
    ["outb", IDE_BASE + REG_NSECTOR, 0x34],
    ["outw", IDE_BASE + REG_LBA_LOW, 0x5678],
    ["outb", IDE_BASE + REG_LBA_LOW, 0x9a],
    ...regs(),
    ["outb", IDE_CTRL, HOB],
    ...regs(),
    ["outb", IDE_CTRL, 0],
    ["inw", IDE_BASE],
    ["inb", IDE_BASE],
    ["outb", IDE_BASE + REG_COMMAND, IDENTIFY_DEVICE],
    ["inb", IDE_BASE],
    ["inw", IDE_BASE],
    ["outw", IDE_BASE, 0x1234],
    ["inw", IDE_BASE],
    ["inb", IDE_CTRL],
    ["outb", IDE_CTRL, NIEN],
    ["inb", IDE_BASE + REG_STATUS],
    ["outb", IDE_BASE + REG_NSECTOR, 7],
    ["outb", IDE_BASE + REG_COMMAND, NOP],
    ...regs(),
    ["outb", IDE_CTRL, 0],
    ...Array.from({ length: 253 }, (): PortOp => ["inw", IDE_BASE, "discard"]), // compared in identify.test.ts
    ["outb", IDE_BASE + REG_COMMAND, NOP],
    ...regs(),
    ["outb", IDE_BASE + REG_DEVICE, 0xb0],
    ["outb", IDE_BASE + REG_COMMAND, DEVICE_RESET],
    ...regs(),
    ["outb", IDE_BASE + REG_COMMAND, IDENTIFY_PACKET_DEVICE],
    ["outb", IDE_BASE + REG_COMMAND, DEVICE_RESET],
    ...regs(),
  ];

  for (const [name, drives] of [
    ["a disk alone", [disk(0)]],
    ["two disks", [disk(0), disk(1)]],
    ["a disk and a CD-ROM", [disk(0), cdrom(1)]],
    ["a CD-ROM alone", [cdrom(0)]],
  ] as [string, RigDrive[]][]) {
    it(`reads what QEMU reads with ${name}`, async () => {
      expectSameAsQemu(runOnRig(createRig(drives), script), await runOnQemu(drives, script));
    });
  }
});
