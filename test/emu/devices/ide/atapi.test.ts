// The ATAPI CD-ROM through the ports (ATA/ATAPI-6 §8.21 PACKET and §9.8 the PACKET protocol; SPC-3
// and MMC-5 for the commands): the packet phase, TEST UNIT READY, REQUEST SENSE, INQUIRY, READ
// CAPACITY, READ(10) by PIO with the byte count limit (as ide-test.c's cdrom_pio), the empty-drive
// path, unsupported commands and DMA. The script at the end runs on QEMU too.
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
  outb,
  REG_COMMAND,
  REG_DEVICE,
  REG_ERROR,
  REG_FEATURE,
  REG_LBA_HIGH,
  REG_LBA_MID,
  REG_NSECTOR,
  REG_STATUS,
  type Rig,
  type RigDrive,
  readData,
} from "./ide-rig.ts";
import { expectSameAsQemu, type PortOp, runOnQemu, runOnRig } from "./port-script.ts";

const PACKET = 0xa0;
/** Interrupt reason in the sector count register (ATA/ATAPI-6 §8.21): C/D and I/O. */
const REASON_CD = 0x01;
const REASON_IO = 0x02;
/** SCSI commands (SPC-3, MMC-5). */
const TEST_UNIT_READY = 0x00;
const REQUEST_SENSE = 0x03;
const INQUIRY = 0x12;
const READ_CAPACITY = 0x25;
const READ_10 = 0x28;
const MODE_SENSE_10 = 0x5a;
/** Sense keys and additional sense codes (SPC-3 §4.5.6). */
const NOT_READY = 0x02;
const ILLEGAL_REQUEST = 0x05;
const ASC_INVALID_OPCODE = 0x20;
const ASC_LBA_OUT_OF_RANGE = 0x21;
const ASC_MEDIUM_NOT_PRESENT = 0x3a;
const CD_SECTOR = 2048;
const CD_SECTORS = 20;

/** A CD image whose sectors differ from each other and within. */
function cdImage(): Uint8Array {
  return Uint8Array.from({ length: CD_SECTORS * CD_SECTOR }, (_, i) => (i * 7 + (i >> 11)) & 0xff);
}

const withMedium = (image = cdImage()): RigDrive[] => [{ index: 0, media: "cdrom", image }];
const empty: RigDrive[] = [{ index: 0, media: "cdrom", image: null }];

/** A 12-byte command packet. */
function cdb(...bytes: number[]): Uint8Array {
  const p = new Uint8Array(12);
  p.set(bytes);
  return p;
}

/** PACKET with byte count limit `limit`, then the packet by 16-bit writes. Checks the packet phase. */
function sendPacket(rig: Rig, packet: Uint8Array, limit = 0xfffe): void {
  outb(rig, REG_DEVICE, 0);
  outb(rig, REG_FEATURE, 0);
  outb(rig, REG_LBA_MID, limit & 0xff);
  outb(rig, REG_LBA_HIGH, limit >> 8);
  outb(rig, REG_COMMAND, PACKET);
  expect(rig.irq14.at(-1) ?? false).toBe(false); // no interrupt before the packet (DRQ within 50 us)
  expect(inb(rig, REG_STATUS) & (BSY | DRDY | DRQ | ERR)).toBe(DRDY | DRQ);
  expect(inb(rig, REG_NSECTOR) & (REASON_CD | REASON_IO)).toBe(REASON_CD); // command out
  for (let i = 0; i < 12; i += 2) rig.io.out(IDE_BASE, 2, packet[i]! | (packet[i + 1]! << 8));
}

/** Reads the data phase: DRQ blocks announced in LBA mid/high, each after an interrupt; returns bytes and block sizes. */
function receive(rig: Rig): { data: Uint8Array; blocks: number[] } {
  const out: number[] = [];
  const blocks: number[] = [];
  for (;;) {
    expect(rig.irq()).toBe(true);
    const status = inb(rig, REG_STATUS);
    if ((status & DRQ) === 0) break;
    expect(inb(rig, REG_NSECTOR) & (REASON_CD | REASON_IO)).toBe(REASON_IO); // data in
    const n = inb(rig, REG_LBA_MID) | (inb(rig, REG_LBA_HIGH) << 8);
    blocks.push(n);
    out.push(...readData(rig, n));
  }
  return { data: Uint8Array.from(out), blocks };
}

/** The completion: status and interrupt reason "status" (C/D and I/O), sense key from the error register. */
function completion(rig: Rig): { status: number; reason: number; senseKey: number } {
  return {
    status: inb(rig, REG_STATUS),
    reason: inb(rig, REG_NSECTOR) & (REASON_CD | REASON_IO),
    senseKey: inb(rig, REG_ERROR) >> 4,
  };
}

/** REQUEST SENSE's key and additional sense code. */
function sense(rig: Rig): [number, number] {
  sendPacket(rig, cdb(REQUEST_SENSE, 0, 0, 0, 18));
  const { data } = receive(rig);
  expect(data.length).toBe(18);
  expect(data[0]! & 0x7f).toBe(0x70); // fixed format, current error
  return [data[2]! & 0x0f, data[12]!];
}

describe("ATAPI packet commands", () => {
  it("TEST UNIT READY: good status with a medium, CHECK CONDITION NOT READY / MEDIUM NOT PRESENT without", () => {
    const rig = createRig(withMedium());
    sendPacket(rig, cdb(TEST_UNIT_READY));
    expect(rig.irq()).toBe(true);
    expect(completion(rig)).toEqual({ status: DRDY | DSC, reason: REASON_CD | REASON_IO, senseKey: 0 });

    const none = createRig(empty);
    sendPacket(none, cdb(TEST_UNIT_READY));
    expect(none.irq()).toBe(true);
    expect(completion(none)).toEqual({
      status: DRDY | ERR,
      reason: REASON_CD | REASON_IO,
      senseKey: NOT_READY,
    });
    expect(sense(none)).toEqual([NOT_READY, ASC_MEDIUM_NOT_PRESENT]);
  });

  it("INQUIRY: a removable MMC device named QEMU DVD-ROM, cut to the allocation length", () => {
    const rig = createRig(withMedium());
    sendPacket(rig, cdb(INQUIRY, 0, 0, 0, 36));
    const { data } = receive(rig);
    expect(data.length).toBe(36);
    expect(data[0]! & 0x1f).toBe(0x05);
    expect(data[1]! & 0x80).toBe(0x80);
    expect(new TextDecoder().decode(data.subarray(8, 36))).toBe("QEMU    QEMU DVD-ROM    2.5+");
    expect(completion(rig).status).toBe(DRDY | DSC);
    sendPacket(rig, cdb(INQUIRY, 0, 0, 0, 6));
    expect(receive(rig).data.length).toBe(6);
  });

  it("READ CAPACITY: the last LBA and the 2048-byte block, big endian", () => {
    const rig = createRig(withMedium());
    sendPacket(rig, cdb(READ_CAPACITY));
    const view = new DataView(receive(rig).data.buffer);
    expect([view.getUint32(0), view.getUint32(4)]).toEqual([CD_SECTORS - 1, CD_SECTOR]);
  });

  it("READ(10) by PIO in DRQ blocks of the byte count limit, as ide-test's cdrom_pio", () => {
    const image = cdImage();
    for (const [sectors, limit, blocks] of [
      [1, 5120, [2048]],
      [10, 5120, [5120, 5120, 5120, 5120]], // cdrom_pio_large: 20480 bytes
      [3, 5121, [5120, 1024]], // an odd limit counts as the even one below it
      [2, 0xffff, [4096]],
      [1, 1000, [1000, 1000, 48]],
    ] as [number, number, number[]][]) {
      const rig = createRig(withMedium(image));
      sendPacket(rig, cdb(READ_10, 0, 0, 0, 0, 2, 0, 0, sectors), limit);
      const got = receive(rig);
      expect(got.blocks, `${sectors} sectors, limit ${limit}`).toEqual(blocks);
      expectBytes(got.data, image.subarray(2 * CD_SECTOR, (2 + sectors) * CD_SECTOR));
      expect(completion(rig)).toEqual({ status: DRDY | DSC, reason: REASON_CD | REASON_IO, senseKey: 0 });
    }
  });

  it("READ(10) beyond the medium: ILLEGAL REQUEST / LBA OUT OF RANGE; without a medium: NOT READY", () => {
    const rig = createRig(withMedium());
    sendPacket(rig, cdb(READ_10, 0, 0, 0, 0, CD_SECTORS - 1, 0, 0, 2));
    expect(receive(rig).blocks).toEqual([]);
    expect(completion(rig).senseKey).toBe(ILLEGAL_REQUEST);
    expect(sense(rig)).toEqual([ILLEGAL_REQUEST, ASC_LBA_OUT_OF_RANGE]);
    const none = createRig(empty);
    sendPacket(none, cdb(READ_10, 0, 0, 0, 0, 0, 0, 0, 1));
    expect(receive(none).blocks).toEqual([]);
    expect(sense(none)).toEqual([NOT_READY, ASC_MEDIUM_NOT_PRESENT]);
  });

  it("MODE SENSE is not implemented: ILLEGAL REQUEST / INVALID COMMAND OPERATION CODE, logged", () => {
    const rig = createRig(withMedium());
    sendPacket(rig, cdb(MODE_SENSE_10, 0, 0x2a, 0, 0, 0, 0, 0, 28));
    expect(receive(rig).blocks).toEqual([]);
    expect(completion(rig).senseKey).toBe(ILLEGAL_REQUEST);
    expect(sense(rig)).toEqual([ILLEGAL_REQUEST, ASC_INVALID_OPCODE]);
    expect(rig.log.entries.some((e) => e.kind === "unimp" && e.message.includes("0x5a"))).toBe(true);
  });

  it("PACKET with the DMA feature is aborted and logged (pcscope does not do ATAPI DMA)", () => {
    const rig = createRig(withMedium());
    outb(rig, REG_FEATURE, 0x01);
    outb(rig, REG_COMMAND, PACKET);
    expect(rig.irq()).toBe(true);
    expect(inb(rig, REG_STATUS) & (ERR | DRQ)).toBe(ERR);
    expect(inb(rig, REG_ERROR)).toBe(ABRT);
    expect(rig.log.entries.some((e) => e.kind === "unimp" && e.message.includes("DMA"))).toBe(true);
  });
});

describe.skipIf(!needPeers("qemu-system-i386"))("ATAPI against QEMU", () => {
  const regs = (): PortOp[] => [1, 2, 3, 4, 5, 6, 7].map((r): PortOp => ["inb", IDE_BASE + r]);
  /** PACKET, the packet, then `words` data words read and every register after each phase. */
  const packet = (bytes: number[], limit: number, words: number): PortOp[] => {
    const p = cdb(...bytes);
    return [
      ["outb", IDE_BASE + REG_FEATURE, 0],
      ["outb", IDE_BASE + REG_LBA_MID, limit & 0xff],
      ["outb", IDE_BASE + REG_LBA_HIGH, limit >> 8],
      ["outb", IDE_BASE + REG_COMMAND, PACKET],
      ...regs(),
      ...Array.from({ length: 6 }, (_, i): PortOp => ["outw", IDE_BASE, p[2 * i]! | (p[2 * i + 1]! << 8)]),
      ...regs(),
      ...Array.from({ length: words }, (): PortOp => ["inw", IDE_BASE]),
      ...regs(),
    ];
  };
  const script: PortOp[] = [
    ...packet([TEST_UNIT_READY], 0x1000, 0),
    ...packet([REQUEST_SENSE, 0, 0, 0, 18], 0x1000, 9),
    ...packet([REQUEST_SENSE, 0, 0, 0, 18], 0x1000, 9),
    ...packet([INQUIRY, 0, 0, 0, 36], 0x1000, 18),
    ...packet([INQUIRY, 0, 0, 0, 36], 10, 5), // the rest of its blocks come below
    ...Array.from({ length: 13 }, (): PortOp => ["inw", IDE_BASE]),
    ...regs(),
    ...packet([INQUIRY, 0, 0, 0, 36], 0xffff, 18),
    ...packet([READ_CAPACITY], 0x1000, 4),
    ...packet([READ_10, 0, 0, 0, 0, CD_SECTORS, 0, 0, 1], 0x1000, 0),
    ...packet([REQUEST_SENSE, 0, 0, 0, 18], 0x1000, 9),
    ...packet([0xff], 0x1000, 0),
    ...packet([REQUEST_SENSE, 0, 0, 0, 8], 0x1000, 4),
  ];

  for (const [name, drives] of [
    ["a medium", withMedium()],
    ["no medium", empty],
  ] as [string, RigDrive[]][]) {
    it(`reads what QEMU reads with ${name}`, async () => {
      expectSameAsQemu(runOnRig(createRig(drives), script), await runOnQemu(drives, script));
    });
  }
});
