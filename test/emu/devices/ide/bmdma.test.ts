// Bus-master IDE DMA through the ports and guest memory (SFF-8038i rev 1.0, "Programming Interface
// for Bus Master IDE Controller"; ATA/ATAPI-6 §8.23 READ DMA, §8.45 WRITE DMA), in the manner of
// QEMU's tests/qtest/ide-test.c: PRD tables with one and several entries, the end-of-table bit,
// tables shorter and longer than the transfer (§3.1's three outcomes), the status register's
// write-1-to-clear bits, LBA48, and errors. The same requests run on QEMU and must end alike.
import { describe, expect, it } from "vitest";
import { needPeers } from "../../../helpers/peers.ts";
import {
  ABRT,
  BM_CMD,
  BM_CMD_START,
  BM_CMD_TO_MEMORY,
  BM_PRDT,
  BM_STATUS,
  BM_STS_ACTIVE,
  BM_STS_ERROR,
  BM_STS_INTR,
  BMDMA_BASE,
  BSY,
  createRig,
  DF,
  DRDY,
  DRQ,
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
  REG_LBA_HIGH,
  REG_LBA_LOW,
  REG_LBA_MID,
  REG_NSECTOR,
  REG_STATUS,
  type Rig,
  type RigDrive,
  taskFileLba48,
  writePrdt,
} from "./ide-rig.ts";
import { expectSameAsQemu, type PortOp, runOnQemu, runOnRig } from "./port-script.ts";

const READ_DMA = 0xc8;
const WRITE_DMA = 0xca;
const READ_DMA_EXT = 0x25;
const WRITE_DMA_EXT = 0x35;
const SECTORS = 2048;
/** Where the tests keep the PRD table and the data buffers in guest memory. */
const PRDT_AT = 0x1000;
const BUF_AT = 0x10000;

const bmIn = (rig: Rig, reg: number) => rig.io.in(BMDMA_BASE + reg, 1);
const bmOut = (rig: Rig, reg: number, v: number) => rig.io.out(BMDMA_BASE + reg, 1, v);

/**
 * One DMA request as ide-test.c's send_dma_request: stop the engine, clear INTR, load the PRD table
 * address, issue the command, start the engine; returns the bus-master status it ended with. Checks
 * INTRQ matches the INTR bit, the drive is not BSY/DRQ, and reading its status lowers INTRQ.
 */
function dmaRequest(rig: Rig, cmd: number, sector: number, count: number, prdt = PRDT_AT): number {
  outb(rig, REG_DEVICE, LBA);
  bmOut(rig, BM_CMD, 0);
  bmOut(rig, BM_STATUS, BM_STS_INTR);
  rig.io.out(BMDMA_BASE + BM_PRDT, 4, prdt);
  if (cmd === READ_DMA_EXT || cmd === WRITE_DMA_EXT) taskFileLba48(rig, sector, count);
  else {
    outb(rig, REG_NSECTOR, count);
    outb(rig, REG_LBA_LOW, sector & 0xff);
    outb(rig, REG_LBA_MID, (sector >> 8) & 0xff);
    outb(rig, REG_LBA_HIGH, (sector >> 16) & 0xff);
  }
  outb(rig, REG_COMMAND, cmd);
  const toMemory = cmd === READ_DMA || cmd === READ_DMA_EXT;
  bmOut(rig, BM_CMD, BM_CMD_START | (toMemory ? BM_CMD_TO_MEMORY : 0));
  const status = bmIn(rig, BM_STATUS);
  expect(rig.irq()).toBe((status & BM_STS_INTR) !== 0);
  expect(rig.io.in(0x3f6, 1) & (DRDY | BSY | DRQ)).toBe(DRDY);
  inb(rig, REG_STATUS);
  expect(rig.irq()).toBe(false);
  if (status & BM_STS_ACTIVE) bmOut(rig, BM_CMD, 0);
  return status;
}

function rigWithDisk(): { rig: Rig; image: Uint8Array } {
  const image = patternedImage(SECTORS);
  return { rig: createRig([{ index: 0, media: "disk", image }]), image };
}

describe("READ/WRITE DMA", () => {
  it("writes and reads back one sector each through a one-entry PRD table (ide-test simple_rw)", () => {
    const { rig } = rigWithDisk();
    writePrdt(rig, PRDT_AT, [[BUF_AT, 512, true]]);
    for (const [sector, fill] of [
      [0, 0x55],
      [1, 0xaa],
    ]) {
      rig.memory.writePhysical(BUF_AT, new Uint8Array(512).fill(fill!));
      expect(dmaRequest(rig, WRITE_DMA, sector!, 1)).toBe(BM_STS_INTR);
      expect(inb(rig, REG_STATUS) & (DF | ERR)).toBe(0);
    }
    for (const [sector, fill] of [
      [0, 0x55],
      [1, 0xaa],
    ]) {
      rig.memory.writePhysical(BUF_AT, new Uint8Array(512));
      expect(dmaRequest(rig, READ_DMA, sector!, 1)).toBe(BM_STS_INTR);
      expectBytes(rig.memory.readPhysical(BUF_AT, 512), new Uint8Array(512).fill(fill!));
    }
    expectBytes(
      rig.imageBytes(0).subarray(0, 1024),
      Uint8Array.from({ length: 1024 }, (_, i) => (i < 512 ? 0x55 : 0xaa)),
    );
  });

  it("scatters a read over several entries of odd sizes, and gathers a write from them", () => {
    const { rig, image } = rigWithDisk();
    const pieces: [number, number][] = [
      [0x20000, 1024],
      [0x30000, 2],
      [0x30100, 510],
      [0x40000, 512],
    ];
    writePrdt(
      rig,
      PRDT_AT,
      pieces.map(([a, n], i): [number, number, boolean] => [a, n, i === pieces.length - 1]),
    );
    expect(dmaRequest(rig, READ_DMA, 10, 4)).toBe(BM_STS_INTR);
    let at = 10 * 512;
    for (const [addr, n] of pieces) {
      expectBytes(rig.memory.readPhysical(addr, n), image.subarray(at, at + n));
      at += n;
    }
    for (const [addr, n] of pieces) rig.memory.writePhysical(addr, new Uint8Array(n).fill(addr >> 12));
    expect(dmaRequest(rig, WRITE_DMA, 100, 4)).toBe(BM_STS_INTR);
    const disk = rig.imageBytes(0);
    at = 100 * 512;
    for (const [addr, n] of pieces) {
      expectBytes(disk.subarray(at, at + n), new Uint8Array(n).fill(addr >> 12));
      at += n;
    }
  });

  it("takes a byte count of 0 as 64 KiB", () => {
    const { rig, image } = rigWithDisk();
    writePrdt(rig, PRDT_AT, [[BUF_AT, 0, true]]);
    expect(dmaRequest(rig, READ_DMA, 0, 128)).toBe(BM_STS_INTR);
    expectBytes(rig.memory.readPhysical(BUF_AT, 0x10000), image.subarray(0, 0x10000));
  });

  it("READ/WRITE DMA EXT address the disk with 48 bits", () => {
    const { rig, image } = rigWithDisk();
    writePrdt(rig, PRDT_AT, [[BUF_AT, 1024, true]]);
    expect(dmaRequest(rig, READ_DMA_EXT, 1800, 2)).toBe(BM_STS_INTR);
    expectBytes(rig.memory.readPhysical(BUF_AT, 1024), image.subarray(1800 * 512, 1802 * 512));
    rig.memory.writePhysical(BUF_AT, new Uint8Array(1024).fill(0x3c));
    expect(dmaRequest(rig, WRITE_DMA_EXT, 1900, 2)).toBe(BM_STS_INTR);
    expectBytes(rig.imageBytes(0).subarray(1900 * 512, 1902 * 512), new Uint8Array(1024).fill(0x3c));
  });

  it("runs a command issued after the engine was started", () => {
    const { rig, image } = rigWithDisk();
    writePrdt(rig, PRDT_AT, [[BUF_AT, 512, true]]);
    rig.io.out(BMDMA_BASE + BM_PRDT, 4, PRDT_AT);
    bmOut(rig, BM_CMD, BM_CMD_START | BM_CMD_TO_MEMORY);
    expect(bmIn(rig, BM_STATUS)).toBe(BM_STS_ACTIVE);
    outb(rig, REG_DEVICE, LBA);
    outb(rig, REG_NSECTOR, 1);
    outb(rig, REG_LBA_LOW, 3);
    outb(rig, REG_LBA_MID, 0);
    outb(rig, REG_LBA_HIGH, 0);
    outb(rig, REG_COMMAND, READ_DMA);
    expect(bmIn(rig, BM_STATUS)).toBe(BM_STS_INTR);
    expectBytes(rig.memory.readPhysical(BUF_AT, 512), image.subarray(3 * 512, 4 * 512));
  });
});

describe("PRD tables (SFF-8038i §3.1)", () => {
  it("stops at the end-of-table bit: entries after it are not used", () => {
    const { rig } = rigWithDisk();
    writePrdt(rig, PRDT_AT, [
      [BUF_AT, 512, true],
      [BUF_AT + 512, 512, true],
    ]);
    expect(dmaRequest(rig, READ_DMA, 0, 2)).toBe(0); // short: one sector described, two asked
    writePrdt(rig, PRDT_AT, [
      [BUF_AT, 512, false],
      [BUF_AT + 512, 512, true],
    ]);
    expect(dmaRequest(rig, READ_DMA, 0, 2)).toBe(BM_STS_INTR);
  });

  it("a shorter table: neither INTR nor ACTIVE, no ERROR, no interrupt, the drive DRDY without error", () => {
    const { rig } = rigWithDisk();
    writePrdt(rig, PRDT_AT, [[BUF_AT, 1024, true]]);
    expect(dmaRequest(rig, READ_DMA, 0, 4)).toBe(0);
    expect(rig.irq14).toEqual([]);
    expect(inb(rig, REG_STATUS) & (DRDY | DF | ERR | DRQ | BSY)).toBe(DRDY);
  });

  it("a longer table: INTR and still ACTIVE until the host stops the engine", () => {
    const { rig } = rigWithDisk();
    writePrdt(rig, PRDT_AT, [[BUF_AT, 4096, true]]);
    expect(dmaRequest(rig, READ_DMA, 0, 2)).toBe(BM_STS_ACTIVE | BM_STS_INTR);
    expect(bmIn(rig, BM_STATUS)).toBe(BM_STS_INTR); // dmaRequest stopped it
  });

  it("sizes from 0 to 64 KiB against 1 to 256 sectors end as ide-test's various_prdts expects", () => {
    const { rig } = rigWithDisk();
    for (let sectors = 1; sectors <= 256; sectors *= 4) {
      for (let size = 0; size < 65536; size += 4096 + 256) {
        const described = size & 0xfffe || 65536;
        const want =
          described < sectors * 512
            ? 0
            : described === sectors * 512
              ? BM_STS_INTR
              : BM_STS_ACTIVE | BM_STS_INTR;
        writePrdt(rig, PRDT_AT, [[BUF_AT, size, true]]);
        expect(dmaRequest(rig, READ_DMA, 0, sectors % 256), `${sectors} sectors, PRD ${size}`).toBe(want);
      }
    }
  });
});

describe("bus-master registers", () => {
  it("clears INTR and ERROR by writing 1s, keeps the drive DMA bits, and does not let ACTIVE be written", () => {
    const { rig } = rigWithDisk();
    expect(bmIn(rig, BM_STATUS)).toBe(0);
    writePrdt(rig, PRDT_AT, [[BUF_AT, 512, true]]);
    expect(dmaRequest(rig, READ_DMA, 0, 1)).toBe(BM_STS_INTR);
    bmOut(rig, BM_STATUS, 0x60 | BM_STS_ACTIVE); // drive 0/1 DMA capable; INTR written 0
    expect(bmIn(rig, BM_STATUS)).toBe(0x60 | BM_STS_INTR);
    bmOut(rig, BM_STATUS, 0x60 | BM_STS_INTR | BM_STS_ERROR);
    expect(bmIn(rig, BM_STATUS)).toBe(0x60);
  });

  it("holds a dword-aligned PRD table address written and read in any width", () => {
    const { rig } = rigWithDisk();
    rig.io.out(BMDMA_BASE + BM_PRDT, 4, 0x12345677);
    expect(rig.io.in(BMDMA_BASE + BM_PRDT, 4)).toBe(0x12345674);
    expect(rig.io.in(BMDMA_BASE + BM_PRDT + 2, 2)).toBe(0x1234);
    rig.io.out(BMDMA_BASE + BM_PRDT + 1, 1, 0xab);
    expect(rig.io.in(BMDMA_BASE + BM_PRDT, 4)).toBe(0x1234ab74);
    rig.io.out(BMDMA_BASE + BM_PRDT, 2, 0xcdef);
    expect(rig.io.in(BMDMA_BASE + BM_PRDT, 4)).toBe(0x1234cdec);
    // The command/status bytes answer only byte accesses: QEMU 7.2 (qtest) reads 0xffffffff here.
    expect(rig.io.in(BMDMA_BASE + BM_CMD, 4)).toBe(0xffffffff);
  });

  it("aborts a DMA command beyond the disk when the engine runs: ABRT, an interrupt, no ERROR bit", () => {
    const { rig } = rigWithDisk();
    writePrdt(rig, PRDT_AT, [[BUF_AT, 1024, true]]);
    expect(dmaRequest(rig, READ_DMA, SECTORS - 1, 2)).toBe(BM_STS_INTR);
    expect(inb(rig, REG_STATUS) & (ERR | DRQ)).toBe(ERR);
    expect(inb(rig, REG_ERROR)).toBe(ABRT);
  });

  it("is all clear after a system reset, drives attached or not (QEMU's bmdma_reset)", () => {
    const { rig } = rigWithDisk();
    bmOut(rig, BM_STATUS, 0x60);
    rig.reset();
    // The reset also turned the BAR off: map it again as firmware would.
    rig.io.out(0xcf8, 4, 0x80000920);
    rig.io.out(0xcfc, 4, BMDMA_BASE | 1);
    rig.io.out(0xcf8, 4, 0x80000904);
    rig.io.out(0xcfc, 2, 0x05);
    expect(bmIn(rig, BM_STATUS)).toBe(0);
  });
});

describe.skipIf(!needPeers("qemu-system-i386"))("DMA against QEMU", () => {
  const bm = (reg: number, v: number): PortOp => ["outb", BMDMA_BASE + reg, v];
  const ide = (reg: number, v: number): PortOp => ["outb", IDE_BASE + reg, v];
  const prdt = (entries: [number, number, boolean][]): PortOp => {
    const table = new Uint8Array(8 * entries.length);
    const view = new DataView(table.buffer);
    entries.forEach(([addr, n, last], i) => {
      view.setUint32(8 * i, addr, true);
      view.setUint32(8 * i + 4, (n | (last ? 0x80000000 : 0)) >>> 0, true);
    });
    return ["memwrite", PRDT_AT, table];
  };
  /** A request; after it, the bus-master status (polled until not ACTIVE-without-INTR), the IRQ and the drive. */
  const request = (cmd: number, sector: number, count: number, toMemory: boolean): PortOp[] => [
    ide(REG_DEVICE, LBA),
    bm(BM_CMD, 0),
    bm(BM_STATUS, BM_STS_INTR),
    ["outl", BMDMA_BASE + BM_PRDT, PRDT_AT],
    ide(REG_NSECTOR, count),
    ide(REG_LBA_LOW, sector & 0xff),
    ide(REG_LBA_MID, (sector >> 8) & 0xff),
    ide(REG_LBA_HIGH, (sector >> 16) & 0xff),
    ide(REG_COMMAND, cmd),
    bm(BM_CMD, BM_CMD_START | (toMemory ? BM_CMD_TO_MEMORY : 0)),
    ["poll", 0x3f6, BSY | DRQ, 0],
    ["inb", BMDMA_BASE + BM_STATUS],
    ["inb", IDE_BASE + REG_STATUS],
    ["inb", IDE_BASE + REG_ERROR],
    bm(BM_CMD, 0),
    ["inb", BMDMA_BASE + BM_STATUS],
  ];
  const script: PortOp[] = [
    ["outl", 0xcf8, 0x80000920],
    ["outl", 0xcfc, BMDMA_BASE | 1],
    ["outl", 0xcf8, 0x80000904],
    ["outw", 0xcfc, 0x05],
    ["inb", BMDMA_BASE + BM_STATUS],
    prdt([
      [BUF_AT, 1024, false],
      [BUF_AT + 0x1000, 512, true],
    ]),
    ...request(READ_DMA, 5, 3, true),
    ["memread", BUF_AT, 1024],
    ["memread", BUF_AT + 0x1000, 512],
    ["memwrite", BUF_AT, new Uint8Array(1024).fill(0x77)],
    ...request(WRITE_DMA, 7, 3, false),
    ...request(READ_DMA, 6, 3, true),
    ["memread", BUF_AT, 1024],
    prdt([[BUF_AT, 1024, true]]),
    ...request(READ_DMA, 0, 3, true), // short
    ...request(READ_DMA, 0, 1, true), // long
    ...request(READ_DMA, SECTORS - 1, 2, true), // beyond the disk
    prdt([
      [BUF_AT, 512, true],
      [BUF_AT + 512, 512, true],
    ]),
    ...request(READ_DMA, 0, 2, true), // end of table after the first entry
    bm(BM_STATUS, 0x60 | BM_STS_INTR | BM_STS_ERROR | BM_STS_ACTIVE),
    ["inb", BMDMA_BASE + BM_STATUS],
    ["inl", BMDMA_BASE + BM_PRDT],
    ["inw", BMDMA_BASE + BM_PRDT + 2],
  ];

  it("ends every request as QEMU does: status bits, IRQ, drive status and memory", async () => {
    const drives: RigDrive[] = [{ index: 0, media: "disk", image: patternedImage(SECTORS) }];
    const rig = createRig(drives);
    const ours = runOnRig(rig, script);
    expectSameAsQemu(ours, await runOnQemu(drives, script));
  });
});
