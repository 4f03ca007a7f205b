// The ATAPI CD-ROM slot (ATA/ATAPI-7 Vol. 2 PACKET; SCSI MMC-5): IDENTIFY PACKET DEVICE data and the
// PACKET command with the MMC commands firmware uses to probe and boot a CD: TEST UNIT READY, REQUEST
// SENSE, INQUIRY, READ CAPACITY and READ(10). Data goes by PIO in blocks of the host's byte count
// limit, or through the bus master when PACKET asks for DMA (QEMU's ide_atapi_cmd_reply). An empty
// drive reports NOT READY / MEDIUM NOT PRESENT. Other MMC commands (MODE SENSE among them) fail with
// ILLEGAL REQUEST and are logged as unimplemented.

import {
  ERR_ABRT,
  type IdeBus,
  type IdeDrive,
  type PacketDma,
  type ReplySource,
  ST_BSY,
  ST_DRDY,
  ST_DRQ,
  ST_DSC,
  ST_ERR,
} from "./ide-bus.ts";
import { IDE_FIRMWARE, IDE_MODEL_CD, putString, serialFor } from "./identify.ts";

export const CD_SECTOR = 2048;
/** Interrupt reason bits in the sector count register (ATA/ATAPI-6 §8.21): command/data, direction, release. */
export const ATAPI_INT_REASON_CD = 0x01;
export const ATAPI_INT_REASON_IO = 0x02;
export const ATAPI_INT_REASON_MASK = 0x07;
/** PACKET's features: DMA data transfer, overlapped. */
export const PACKET_FEATURE_DMA = 0x01;
export const PACKET_FEATURE_OVL = 0x02;
/** The largest PIO byte count (an even 16-bit count). */
const MAX_BYTE_COUNT = 0xfffe;
/** The error register of a packet command holds the sense key in bits 7:4. */
const ERR_SENSE_KEY_SHIFT = 4;
/** SCSI commands. */
export const MMC_TEST_UNIT_READY = 0x00;
export const MMC_REQUEST_SENSE = 0x03;
export const MMC_INQUIRY = 0x12;
export const MMC_READ_CAPACITY = 0x25;
export const MMC_READ_10 = 0x28;
/** Sense keys and additional sense codes (SPC-3 §4.5.6, annex D). */
export const SENSE_NOT_READY = 2;
export const SENSE_MEDIUM_ERROR = 3;
export const SENSE_ILLEGAL_REQUEST = 5;
export const ASC_UNRECOVERED_READ_ERROR = 0x11;
export const ASC_INVALID_OPCODE = 0x20;
export const ASC_INVALID_FIELD_IN_PACKET = 0x24;
export const ASC_LBA_OUT_OF_RANGE = 0x21;
export const ASC_MEDIUM_NOT_PRESENT = 0x3a;
/** REQUEST SENSE data: 18 bytes, fixed format, current error, "information valid" set (as QEMU). */
const SENSE_DATA_SIZE = 18;
const SENSE_VALID = 0x80;
const SENSE_FIXED_CURRENT = 0x70;
/** INQUIRY data: 36 bytes for an MMC (CD/DVD) device, removable medium. */
const INQUIRY_DATA_SIZE = 36;
const INQUIRY_TYPE_MMC = 0x05;
const INQUIRY_REMOVABLE = 0x80;
const INQUIRY_RESPONSE_FORMAT = 0x21;
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
  w[65] = 180; // minimum multiword DMA cycle (ns)
  w[66] = 180; // recommended multiword DMA cycle
  w[67] = 300; // minimum PIO cycle without flow control
  w[68] = 180; // minimum PIO cycle with IORDY
  w[71] = 30;
  w[72] = 30;
  w[80] = 0x1e; // ATAPI-1 to ATAPI-4
  w[88] = 0x3f | (1 << 13); // UDMA 0-5 supported, mode 5 selected
  return new Uint8Array(w.buffer);
}

/** PACKET (0xa0): ask for the 12-byte command packet (status DRDY|DSC|DRQ, reason "command out"). */
export function atapiPacketCommand(bus: IdeBus, d: IdeDrive): boolean {
  if ((d.feature & PACKET_FEATURE_OVL) !== 0) {
    // Overlapped commands are not supported (QEMU aborts them too).
    d.status = ST_DRDY | ST_ERR;
    d.error = ERR_ABRT;
    return true;
  }
  d.packetDma = (d.feature & PACKET_FEATURE_DMA) !== 0;
  d.nsector = ATAPI_INT_REASON_CD;
  d.status = ST_DRDY | ST_DSC;
  bus.transferStart(d, PACKET_SIZE, "data-out", "packet");
  return false;
}

/** The guest sent the 12-byte packet (PIO window end "packet"): runs it. */
export function atapiPacketReceived(bus: IdeBus, d: IdeDrive): void {
  runPacket(bus, d);
}

/** The guest read a block of an ATAPI reply (window end "atapi-reply"): sends the next. */
export function atapiReplyNext(bus: IdeBus, d: IdeDrive): void {
  if (d.atapiReply !== null) sendBlock(bus, d);
}

/** The interrupt reason with the tag bits of the sector count kept (QEMU's `nsector & ~7`). */
function setReason(d: IdeDrive, reason: number): void {
  d.nsector = (d.nsector & ~ATAPI_INT_REASON_MASK) | reason;
}

/** Finishes a packet command with CHECK CONDITION: sense key in the error register, sense kept for REQUEST SENSE. */
function checkCondition(bus: IdeBus, d: IdeDrive, key: number, asc: number): void {
  bus.transferStop(d);
  d.senseKey = key;
  d.asc = asc;
  d.error = key << ERR_SENSE_KEY_SHIFT;
  d.status = ST_DRDY | ST_ERR;
  setReason(d, ATAPI_INT_REASON_IO | ATAPI_INT_REASON_CD);
  bus.raiseIrq();
}

/** Finishes a packet command successfully (the sense data stays for REQUEST SENSE, as QEMU's). */
function good(bus: IdeBus, d: IdeDrive): void {
  bus.transferStop(d);
  d.error = 0;
  d.status = ST_DRDY | ST_DSC;
  setReason(d, ATAPI_INT_REASON_IO | ATAPI_INT_REASON_CD);
  bus.raiseIrq();
}

/** A reply held in memory. */
function bufferSource(data: Uint8Array): ReplySource {
  return { kind: "buffer", data, at: 0 };
}

/** `count` 2048-byte sectors of the medium from `lba`, read one sector at a time. */
function mediumSource(lba: number, count: number): ReplySource {
  return { kind: "medium", lba, count, next: lba, pos: CD_SECTOR, sector: new Uint8Array(CD_SECTOR) };
}

/**
 * Fills `into` completely from `src` (advancing it), then calls `done` (false: medium error). A
 * medium source reads its next sectors through the block layer as needed.
 */
function fill(
  d: IdeDrive,
  src: ReplySource,
  into: Uint8Array,
  done: (ok: boolean) => void,
  filled = 0,
): void {
  if (src.kind === "buffer") {
    into.set(src.data.subarray(src.at, src.at + into.length));
    src.at += into.length;
    done(true);
    return;
  }
  while (filled < into.length && src.pos < CD_SECTOR) {
    const n = Math.min(into.length - filled, CD_SECTOR - src.pos);
    into.set(src.sector.subarray(src.pos, src.pos + n), filled);
    src.pos += n;
    filled += n;
  }
  if (filled === into.length || src.next >= src.lba + src.count) {
    done(true);
    return;
  }
  d.status |= ST_BSY;
  d.backend!.aioPreadv(
    src.next * CD_SECTOR,
    src.sector,
    (ret) => {
      if (ret < 0) {
        done(false);
        return;
      }
      src.next++;
      src.pos = 0;
      fill(d, src, into, done, filled);
    },
    { parent: d.cmdReq },
  );
}

/**
 * The byte count limit the host put in LBA mid/high with the packet (ATA/ATAPI-6 §8.21): FFFFh counts
 * as FFFEh, and 0 (invalid) as no limit.
 */
function byteCountLimit(d: IdeDrive): number {
  const limit = d.lcyl | (d.hcyl << 8);
  return limit === 0 || limit === 0xffff ? MAX_BYTE_COUNT : limit;
}

/**
 * Sends `total` bytes from `source` to the host by PIO: DRQ blocks of at most the byte count limit
 * (even unless it is the last), each announced in LBA mid/high with reason "data in" and an
 * interrupt; then completes (QEMU's ide_atapi_cmd_reply_end). The reply in progress is data on the
 * drive (IdeDrive.atapiReply), so a snapshot holds it.
 */
function sendPio(bus: IdeBus, d: IdeDrive, total: number, source: ReplySource): void {
  d.atapiReply = { left: total, limit: byteCountLimit(d), source };
  sendBlock(bus, d);
}

/** Sends the next DRQ block of the reply in progress, or completes the command. */
function sendBlock(bus: IdeBus, d: IdeDrive): void {
  const r = d.atapiReply!;
  if (r.left === 0) {
    d.atapiReply = null;
    good(bus, d);
    return;
  }
  const size = r.left > r.limit ? r.limit & ~1 : r.left;
  fill(d, r.source, d.ioBuffer.subarray(0, size), (ok) => {
    if (!ok) {
      d.atapiReply = null;
      checkCondition(bus, d, SENSE_MEDIUM_ERROR, ASC_UNRECOVERED_READ_ERROR);
      return;
    }
    r.left -= size;
    d.lcyl = size & 0xff;
    d.hcyl = size >> 8;
    setReason(d, ATAPI_INT_REASON_IO);
    d.status = ST_DRDY | ST_DSC;
    bus.transferStart(d, size, "data-in", "atapi-reply");
    bus.raiseIrq();
  });
}

/**
 * Sends `total` bytes from `source` through the bus master (QEMU's ide_atapi_cmd_reply with
 * atapi_dma): DRDY|DSC|DRQ until the engine has moved them (atapiDmaFill), then the command
 * completes (atapiDmaFinish).
 */
function sendDma(bus: IdeBus, d: IdeDrive, total: number, source: ReplySource): void {
  if (bus.bm === null) {
    checkCondition(bus, d, SENSE_ILLEGAL_REQUEST, ASC_INVALID_FIELD_IN_PACKET);
    return;
  }
  d.status = ST_DRDY | ST_DSC | ST_DRQ;
  d.packetTransfer = { bytes: total, source };
  bus.bm.dmaReady(d);
}

/** The bus master asks for the transfer's bytes: fills `into`, then `done` (false: medium error). */
export function atapiDmaFill(d: IdeDrive, t: PacketDma, into: Uint8Array, done: (ok: boolean) => void): void {
  fill(d, t.source, into, done);
}

/** The bus master moved the transfer (ok) or could not read it: the command completes. */
export function atapiDmaFinish(bus: IdeBus, d: IdeDrive, ok: boolean): void {
  if (ok) good(bus, d);
  else checkCondition(bus, d, SENSE_MEDIUM_ERROR, ASC_UNRECOVERED_READ_ERROR);
}

/** Sends the data phase by PIO, or by DMA when PACKET asked for it; no data completes at once. */
function send(bus: IdeBus, d: IdeDrive, total: number, source: ReplySource): void {
  if (total === 0) good(bus, d);
  else if (d.packetDma) sendDma(bus, d, total, source);
  else sendPio(bus, d, total, source);
}

/** Replies with at most `allocation` bytes of `data`. */
function reply(bus: IdeBus, d: IdeDrive, data: Uint8Array, allocation: number): void {
  send(bus, d, Math.min(data.length, allocation), bufferSource(data));
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
      // Fixed-format sense (SPC-3 §4.5.3); it stays until another error replaces it, as QEMU's.
      const s = new Uint8Array(SENSE_DATA_SIZE);
      s[0] = SENSE_VALID | SENSE_FIXED_CURRENT;
      s[2] = d.senseKey;
      s[7] = SENSE_DATA_SIZE - 8;
      s[12] = d.asc;
      reply(bus, d, s, p[4]!);
      return;
    }
    case MMC_INQUIRY: {
      // Standard INQUIRY data (SPC-3 §6.4.2): MMC device, removable, response format 2, then the
      // vendor, product and revision strings; the allocation length is bytes 3-4.
      const s = new Uint8Array(INQUIRY_DATA_SIZE);
      s[0] = INQUIRY_TYPE_MMC;
      s[1] = INQUIRY_REMOVABLE;
      s[3] = INQUIRY_RESPONSE_FORMAT;
      s[4] = INQUIRY_DATA_SIZE - 5;
      s.set(new TextEncoder().encode(`QEMU    ${IDE_MODEL_CD.padEnd(16)}${IDE_FIRMWARE}`), 8);
      reply(bus, d, s, (p[3]! << 8) | p[4]!);
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
      send(bus, d, count * CD_SECTOR, mediumSource(lba, count));
      return;
    }
    default:
      bus.log.unimplemented(`atapi: MMC command 0x${p[0]!.toString(16)}`, `mmc-${p[0]}`);
      checkCondition(bus, d, SENSE_ILLEGAL_REQUEST, ASC_INVALID_OPCODE);
  }
}
