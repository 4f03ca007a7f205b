// The ATAPI CD-ROM through the ports (ATA/ATAPI-6 §8.21 PACKET and §9.8 the PACKET protocol; SPC-3
// and MMC-5 for the commands): the packet phase, TEST UNIT READY, REQUEST SENSE, INQUIRY, READ
// CAPACITY, READ(10) by PIO with the byte count limit (as ide-test.c's cdrom_pio) and by DMA (as its
// cdrom_dma), the empty-drive path and unsupported commands. The scripts at the end run on QEMU too.
import { describe, expect, it } from "vitest";
import { needPeers } from "../../../helpers/peers.ts";
import {
  BM_CMD,
  BM_CMD_START,
  BM_CMD_TO_MEMORY,
  BM_PRDT,
  BM_STATUS,
  BM_STS_ACTIVE,
  BM_STS_INTR,
  BMDMA_BASE,
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
  writePrdt,
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
/** Where the DMA tests keep the PRD table and the buffers in guest memory. */
const PRDT_AT = 0x1000;
const BUF_AT = 0x10000;

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

  it("READ(10) and INQUIRY by DMA through the bus master, as ide-test's cdrom_dma", () => {
    const image = cdImage();
    const rig = createRig(withMedium(image));
    writePrdt(rig, PRDT_AT, [
      [BUF_AT, 4096, false],
      [BUF_AT + 0x2000, 2048, true],
    ]);
    const dma = (packet: Uint8Array): number => {
      rig.io.out(BMDMA_BASE + BM_CMD, 1, 0);
      rig.io.out(BMDMA_BASE + BM_STATUS, 1, BM_STS_INTR);
      rig.io.out(BMDMA_BASE + BM_PRDT, 4, PRDT_AT);
      outb(rig, REG_DEVICE, 0);
      outb(rig, REG_FEATURE, 0x01); // DMA
      outb(rig, REG_COMMAND, PACKET);
      expect(inb(rig, REG_STATUS) & (DRQ | ERR)).toBe(DRQ); // the packet still goes by PIO
      for (let i = 0; i < 12; i += 2) rig.io.out(IDE_BASE, 2, packet[i]! | (packet[i + 1]! << 8));
      expect(rig.io.in(0x3f6, 1) & (DRQ | BSY)).toBe(DRQ); // waiting for the engine
      rig.io.out(BMDMA_BASE + BM_CMD, 1, BM_CMD_START | BM_CMD_TO_MEMORY);
      const status = rig.io.in(BMDMA_BASE + BM_STATUS, 1);
      rig.io.out(BMDMA_BASE + BM_CMD, 1, 0);
      return status;
    };
    expect(dma(cdb(READ_10, 0, 0, 0, 0, 4, 0, 0, 3))).toBe(BM_STS_INTR);
    expect(rig.irq()).toBe(true);
    expect(completion(rig)).toEqual({ status: DRDY | DSC, reason: REASON_CD | REASON_IO, senseKey: 0 });
    expectBytes(rig.memory.readPhysical(BUF_AT, 4096), image.subarray(4 * CD_SECTOR, 6 * CD_SECTOR));
    expectBytes(rig.memory.readPhysical(BUF_AT + 0x2000, 2048), image.subarray(6 * CD_SECTOR, 7 * CD_SECTOR));
    // The same table is longer than a 36-byte INQUIRY: INTR, and ACTIVE until stopped.
    expect(dma(cdb(INQUIRY, 0, 0, 0, 36))).toBe(BM_STS_INTR | BM_STS_ACTIVE);
    expect(new TextDecoder().decode(rig.memory.readPhysical(BUF_AT + 16, 12))).toBe("QEMU DVD-ROM");
    // Shorter than four sectors: no interrupt, the engine stops.
    expect(dma(cdb(READ_10, 0, 0, 0, 0, 0, 0, 0, 4))).toBe(0);
    expect(inb(rig, REG_STATUS) & (DRQ | BSY | ERR)).toBe(0);
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

  it("reads a CD sector by DMA as QEMU does", async () => {
    const drives = withMedium();
    const p = cdb(READ_10, 0, 0, 0, 0, 3, 0, 0, 1);
    const table = new Uint8Array(8);
    new DataView(table.buffer).setUint32(0, BUF_AT, true);
    new DataView(table.buffer).setUint32(4, 0x80000000 | 2048, true);
    const dmaScript: PortOp[] = [
      ["outl", 0xcf8, 0x80000920],
      ["outl", 0xcfc, BMDMA_BASE | 1],
      ["outl", 0xcf8, 0x80000904],
      ["outw", 0xcfc, 0x05],
      ["memwrite", PRDT_AT, table],
      ["outb", BMDMA_BASE + BM_CMD, 0],
      ["outl", BMDMA_BASE + BM_PRDT, PRDT_AT],
      ["outb", IDE_BASE + REG_FEATURE, 0x01],
      ["outb", IDE_BASE + REG_COMMAND, PACKET],
      ...regs(),
      ...Array.from({ length: 6 }, (_, i): PortOp => ["outw", IDE_BASE, p[2 * i]! | (p[2 * i + 1]! << 8)]),
      ["outb", BMDMA_BASE + BM_CMD, BM_CMD_START | BM_CMD_TO_MEMORY],
      ["poll", 0x3f6, BSY | DRQ, 0],
      ["inb", BMDMA_BASE + BM_STATUS],
      ...regs(),
      ["memread", BUF_AT, 2048],
    ];
    expectSameAsQemu(runOnRig(createRig(drives), dmaScript), await runOnQemu(drives, dmaScript));
  });

  for (const [name, drives] of [
    ["a medium", withMedium()],
    ["no medium", empty],
  ] as [string, RigDrive[]][]) {
    it(`reads what QEMU reads with ${name}`, async () => {
      expectSameAsQemu(runOnRig(createRig(drives), script), await runOnQemu(drives, script));
    });
  }
});
