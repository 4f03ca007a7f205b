// IDENTIFY DEVICE and IDENTIFY PACKET DEVICE through the ports (ATA/ATAPI-6 §8.15 table 27 and
// §8.16 table 29), checked field by field and word for word against QEMU's for the same drives.
import { describe, expect, it } from "vitest";
import { needPeers } from "../../../helpers/peers.ts";
import {
  ataString,
  BSY,
  createRig,
  DEV,
  DF,
  DRDY,
  DRQ,
  ERR,
  IDE_BASE,
  IDE_CTRL,
  inb,
  outb,
  patternedImage,
  REG_COMMAND,
  REG_DEVICE,
  REG_ERROR,
  REG_LBA_HIGH,
  REG_LBA_MID,
  REG_NSECTOR,
  REG_STATUS,
  type RigDrive,
  readWords,
} from "./ide-rig.ts";
import { expectSameAsQemu, type PortOp, runOnQemu, runOnRig } from "./port-script.ts";

const IDENTIFY_DEVICE = 0xec;
const IDENTIFY_PACKET_DEVICE = 0xa1;
const SET_MULTIPLE_MODE = 0xc6;
const ABRT = 0x04;
/** 8 MiB: 16384 sectors, 16 heads x 63 sectors x 16 cylinders. */
const DISK_SECTORS = 16384;

function diskAndCd(): RigDrive[] {
  return [
    { index: 0, media: "disk", image: patternedImage(DISK_SECTORS) },
    { index: 1, media: "cdrom", image: null },
  ];
}

describe("IDENTIFY DEVICE", () => {
  it("returns 256 words by PIO with DRDY|DRQ, the model, serial, geometry, capacities and modes", () => {
    const rig = createRig(diskAndCd());
    outb(rig, REG_DEVICE, 0);
    outb(rig, REG_COMMAND, IDENTIFY_DEVICE);
    expect(rig.irq()).toBe(true);
    expect(inb(rig, REG_DEVICE) & DEV).toBe(0);
    const words: number[] = [];
    for (let i = 0; i < 256; i++) {
      const status = inb(rig, REG_STATUS);
      expect(status & (DRDY | DRQ)).toBe(DRDY | DRQ);
      expect(status & (BSY | DF | ERR)).toBe(0);
      words.push(rig.io.in(IDE_BASE, 2));
    }
    expect(rig.irq()).toBe(false); // the status read lowered it
    const status = inb(rig, REG_STATUS);
    expect(status & DRDY).toBe(DRDY);
    expect(status & (BSY | DF | ERR | DRQ)).toBe(0);

    expect(words[0]).toBe(0x0040); // fixed device
    expect([words[1], words[3], words[6]]).toEqual([16, 16, 63]); // default CHS
    expect(ataString(words, 10, 10)).toBe("QM00001".padEnd(20)); // serial, QEMU's for drive 0
    expect(ataString(words, 23, 4)).toBe("2.5+    ");
    expect(ataString(words, 27, 20)).toBe("QEMU HARDDISK".padEnd(40));
    expect(words[47]! & 0xff).toBe(16); // READ/WRITE MULTIPLE: up to 16 sectors per block
    expect(words[49]! & 0x300).toBe(0x300); // LBA and DMA supported
    expect(words[59]).toBe(0x100 | 16); // multiple setting valid, 16 sectors
    expect(words[60]! | (words[61]! << 16)).toBe(DISK_SECTORS); // LBA28 sectors
    expect(words[63]! & 0x07).toBe(0x07); // multiword DMA 0-2 supported
    expect(words[83]! & (1 << 10)).not.toBe(0); // 48-bit address feature set
    expect(words[85]! & (1 << 5)).not.toBe(0); // write cache enabled
    expect(words[88]).toBe(0x203f); // UDMA 0-5 supported, mode 5 selected
    expect(words[100]! + words[101]! * 0x10000 + words[102]! * 2 ** 32).toBe(DISK_SECTORS); // LBA48
  });

  it("reports the count of SET MULTIPLE MODE in word 59", () => {
    const rig = createRig(diskAndCd());
    outb(rig, REG_DEVICE, 0);
    outb(rig, REG_NSECTOR, 4);
    outb(rig, REG_COMMAND, SET_MULTIPLE_MODE);
    expect(inb(rig, REG_STATUS) & (ERR | BSY)).toBe(0);
    outb(rig, REG_COMMAND, IDENTIFY_DEVICE);
    expect(readWords(rig)[59]).toBe(0x100 | 4);
  });

  it("is aborted by an ATAPI device, which shows its signature", () => {
    const rig = createRig(diskAndCd());
    outb(rig, REG_DEVICE, DEV);
    outb(rig, REG_COMMAND, IDENTIFY_DEVICE);
    expect(inb(rig, REG_STATUS) & (ERR | DRQ)).toBe(ERR);
    expect(inb(rig, REG_ERROR)).toBe(ABRT);
    expect([inb(rig, REG_LBA_MID), inb(rig, REG_LBA_HIGH)]).toEqual([0x14, 0xeb]); // ATAPI §9.1
  });
});

describe("IDENTIFY PACKET DEVICE", () => {
  it("returns the CD-ROM's words: ATAPI, removable, 12-byte packets, model and serial", () => {
    const rig = createRig(diskAndCd());
    outb(rig, REG_DEVICE, DEV);
    outb(rig, REG_COMMAND, IDENTIFY_PACKET_DEVICE);
    expect(inb(rig, REG_STATUS) & (DRQ | ERR | BSY)).toBe(DRQ);
    const words = readWords(rig);
    expect(words[0]! >> 14).toBe(2); // ATAPI device
    expect((words[0]! >> 8) & 0x1f).toBe(5); // CD-ROM
    expect(words[0]! & 0x80).toBe(0x80); // removable
    expect(words[0]! & 0x3).toBe(0); // 12-byte command packets
    expect(ataString(words, 10, 10)).toBe("QM00002".padEnd(20));
    expect(ataString(words, 27, 20)).toBe("QEMU DVD-ROM".padEnd(40));
    expect(inb(rig, REG_STATUS) & DRQ).toBe(0);
  });

  it("is aborted by a hard disk", () => {
    const rig = createRig(diskAndCd());
    outb(rig, REG_DEVICE, 0);
    outb(rig, REG_COMMAND, IDENTIFY_PACKET_DEVICE);
    expect(inb(rig, REG_STATUS) & ERR).toBe(ERR);
    expect(inb(rig, REG_ERROR)).toBe(ABRT);
  });
});

describe.skipIf(!needPeers("qemu-system-i386"))("IDENTIFY against QEMU", () => {
  it("gives QEMU's IDENTIFY DEVICE and IDENTIFY PACKET DEVICE words, status and IRQ edges", async () => {
    const drives = diskAndCd();
    const ops: PortOp[] = [
      ["inb", IDE_BASE + REG_STATUS],
      ["outb", IDE_BASE + REG_DEVICE, 0xa0],
      ["outb", IDE_BASE + REG_COMMAND, IDENTIFY_DEVICE],
      ["inb", IDE_CTRL],
      ["inb", IDE_BASE + REG_STATUS],
      ...Array.from({ length: 128 }, (): PortOp => ["inl", IDE_BASE]),
      ["inb", IDE_BASE + REG_STATUS],
      ["outb", IDE_BASE + REG_DEVICE, 0xb0],
      ["outb", IDE_BASE + REG_COMMAND, IDENTIFY_PACKET_DEVICE],
      ["inb", IDE_BASE + REG_STATUS],
      ...Array.from({ length: 256 }, (): PortOp => ["inw", IDE_BASE]),
      ["inb", IDE_BASE + REG_STATUS],
    ];
    const qemu = await runOnQemu(drives, ops);
    const ours = runOnRig(createRig(drives), ops);
    // QEMU's disk advertises TRIM (words 69 and 169, DATA SET MANAGEMENT), which pcscope does not
    // implement; the 32-bit reads at index 5 + 34 and 5 + 84 hold those words' pairs.
    const trimDwords = [5 + (68 >> 1), 5 + (168 >> 1)];
    for (const at of trimDwords) {
      expect(Number(qemu[at]) & ~0x00010000 & ~0x40000000).toBe(Number(ours[at]));
      qemu[at] = ours[at]!;
    }
    expectSameAsQemu(ours, qemu);
  });
});
