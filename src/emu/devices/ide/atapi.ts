// The ATAPI CD-ROM slot (ATA/ATAPI-7 Vol. 2 PACKET; SCSI MMC-5): IDENTIFY PACKET DEVICE data and the
// PACKET command with the few MMC commands firmware uses to probe and boot a CD: TEST UNIT READY,
// REQUEST SENSE, INQUIRY, READ CAPACITY and READ(10) by PIO. An empty drive reports NOT READY /
// MEDIUM NOT PRESENT. Other MMC commands fail with ILLEGAL REQUEST and are logged as unimplemented.

import { type IdeBus, type IdeDrive, ST_DRDY, ST_DSC, ST_ERR } from "./ide-bus.ts";
import { IDE_FIRMWARE, IDE_MODEL_CD, putString, serialFor } from "./identify.ts";

export const CD_SECTOR = 2048;
/** Interrupt reason bits in the sector count register. */
export const ATAPI_INT_REASON_CD = 0x01;
export const ATAPI_INT_REASON_IO = 0x02;
/** SCSI commands. */
export const MMC_TEST_UNIT_READY = 0x00;
export const MMC_REQUEST_SENSE = 0x03;
export const MMC_INQUIRY = 0x12;
export const MMC_READ_CAPACITY = 0x25;
export const MMC_READ_10 = 0x28;
/** Sense keys and additional sense codes. */
export const SENSE_NONE = 0;
export const SENSE_NOT_READY = 2;
export const SENSE_ILLEGAL_REQUEST = 5;
export const ASC_MEDIUM_NOT_PRESENT = 0x3a;
export const ASC_INVALID_OPCODE = 0x20;
export const ASC_LBA_OUT_OF_RANGE = 0x21;
const PACKET_SIZE = 12;

/** IDENTIFY PACKET DEVICE data (QEMU's ide_atapi_identify). */
export function atapiIdentify(d: IdeDrive, busIndex = 0): Uint8Array {
  const w = new Uint16Array(256);
  w[0] = (2 << 14) | (5 << 8) | (1 << 7) | (2 << 5); // ATAPI, CD-ROM, removable, DRQ within 50us
  putString(w, 10, serialFor(d.unit, busIndex), 20);
  w[20] = 3;
  w[21] = 512;
  w[22] = 4;
  putString(w, 23, IDE_FIRMWARE, 8);
  putString(w, 27, IDE_MODEL_CD, 40);
  w[48] = 1;
  w[49] = (1 << 9) | (1 << 8); // LBA, DMA
  w[53] = 7;
  w[62] = 7;
  w[63] = 7;
  w[64] = 3;
  w[65] = 0xb4;
  w[66] = 0xb4;
  w[67] = 0x12c;
  w[68] = 0xb4;
  w[71] = 30;
  w[72] = 30;
  w[80] = 0x1e; // ATAPI-1 to ATAPI-4
  w[88] = 0x3f | (1 << 13);
  return new Uint8Array(w.buffer);
}

/** PACKET (0xa0): ask for the 12-byte command packet. */
export function atapiPacketCommand(bus: IdeBus, d: IdeDrive): boolean {
  if ((d.feature & 1) !== 0) {
    bus.log.unimplemented("atapi: DMA packet transfers", "atapi-dma");
    d.status = ST_DRDY | ST_ERR;
    d.error = 0x04;
    return true;
  }
  d.nsector = ATAPI_INT_REASON_CD;
  d.status = ST_DRDY;
  bus.transferStart(d, PACKET_SIZE, (dd) => runPacket(bus, dd));
  return false;
}

/** Finishes a packet command with CHECK CONDITION. */
function checkCondition(bus: IdeBus, d: IdeDrive, key: number, asc: number): void {
  d.senseKey = key;
  d.asc = asc;
  d.error = key << 4;
  d.status = ST_DRDY | ST_ERR;
  d.nsector = ATAPI_INT_REASON_IO | ATAPI_INT_REASON_CD;
  bus.raiseIrq();
}

/** Finishes a packet command successfully. */
function good(bus: IdeBus, d: IdeDrive): void {
  d.senseKey = SENSE_NONE;
  d.asc = 0;
  d.error = 0;
  d.status = ST_DRDY | ST_DSC;
  d.nsector = ATAPI_INT_REASON_IO | ATAPI_INT_REASON_CD;
  bus.raiseIrq();
}

/** Sends `data` to the host by PIO (byte count in the cylinder registers), then completes. */
function reply(bus: IdeBus, d: IdeDrive, data: Uint8Array, allocation: number): void {
  const n = Math.min(data.length, allocation);
  if (n === 0) {
    good(bus, d);
    return;
  }
  d.ioBuffer.set(data.subarray(0, n));
  d.lcyl = n & 0xff;
  d.hcyl = n >> 8;
  d.nsector = ATAPI_INT_REASON_IO;
  d.status = ST_DRDY;
  bus.transferStart(d, n, (dd) => good(bus, dd));
  bus.raiseIrq();
}

/** Executes the received packet. */
function runPacket(bus: IdeBus, d: IdeDrive): void {
  const p = d.ioBuffer.slice(0, PACKET_SIZE);
  const point = bus.trace.atapiCmd;
  if (point.on) point.emit({ cmd: p[0]! }, { req: d.cmdReq });
  const present = d.backend !== null;
  const sectors = present ? Math.floor(d.backend!.size / CD_SECTOR) : 0;
  switch (p[0]) {
    case MMC_TEST_UNIT_READY:
      if (!present) checkCondition(bus, d, SENSE_NOT_READY, ASC_MEDIUM_NOT_PRESENT);
      else good(bus, d);
      return;
    case MMC_REQUEST_SENSE: {
      const s = new Uint8Array(18);
      s[0] = 0x70;
      s[2] = d.senseKey;
      s[7] = 10;
      s[12] = d.asc;
      d.senseKey = SENSE_NONE;
      d.asc = 0;
      reply(bus, d, s, p[4]!);
      return;
    }
    case MMC_INQUIRY: {
      const s = new Uint8Array(36);
      s[0] = 0x05; // CD/DVD
      s[1] = 0x80; // removable
      s[2] = 0x00;
      s[3] = 0x21;
      s[4] = 31;
      s.set(new TextEncoder().encode("QEMU    QEMU DVD-ROM    2.5+"), 8);
      reply(bus, d, s, p[4]!);
      return;
    }
    case MMC_READ_CAPACITY: {
      if (!present) {
        checkCondition(bus, d, SENSE_NOT_READY, ASC_MEDIUM_NOT_PRESENT);
        return;
      }
      const s = new Uint8Array(8);
      const v = new DataView(s.buffer);
      v.setUint32(0, sectors - 1, false);
      v.setUint32(4, CD_SECTOR, false);
      reply(bus, d, s, 8);
      return;
    }
    case MMC_READ_10: {
      if (!present) {
        checkCondition(bus, d, SENSE_NOT_READY, ASC_MEDIUM_NOT_PRESENT);
        return;
      }
      const v = new DataView(p.buffer);
      const lba = v.getUint32(2, false);
      const count = v.getUint16(7, false);
      if (lba + count > sectors) {
        checkCondition(bus, d, SENSE_ILLEGAL_REQUEST, ASC_LBA_OUT_OF_RANGE);
        return;
      }
      if (count === 0) {
        good(bus, d);
        return;
      }
      readCd(bus, d, lba, count);
      return;
    }
    default:
      bus.log.unimplemented(`atapi: MMC command 0x${p[0]!.toString(16)}`, `mmc-${p[0]}`);
      checkCondition(bus, d, SENSE_ILLEGAL_REQUEST, ASC_INVALID_OPCODE);
  }
}

/** READ(10) by PIO, one 2048-byte sector per DRQ block. */
function readCd(bus: IdeBus, d: IdeDrive, lba: number, count: number): void {
  d.backend!.aioPreadv(
    lba * CD_SECTOR,
    d.ioBuffer.subarray(0, CD_SECTOR),
    (ret) => {
      if (ret < 0) {
        checkCondition(bus, d, 3, 0x11); // MEDIUM ERROR, unrecovered read error
        return;
      }
      d.lcyl = CD_SECTOR & 0xff;
      d.hcyl = CD_SECTOR >> 8;
      d.nsector = ATAPI_INT_REASON_IO;
      d.status = ST_DRDY;
      bus.transferStart(d, CD_SECTOR, (dd) => {
        if (count > 1) readCd(bus, dd, lba + 1, count - 1);
        else good(bus, dd);
      });
      bus.raiseIrq();
    },
    { parent: d.cmdReq },
  );
}
