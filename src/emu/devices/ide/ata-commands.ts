// The ATA command set (ATA/ATAPI-7 Vol. 1 ch. 6) as a table of {handler, allowedFor} rows, with the
// shared pre/post work done once in execCmd as QEMU's ide_exec_cmd does: permission check (abort),
// status BSY|DRDY and error cleared before the handler, and for handlers that complete at once BSY
// dropped, DSC set when the row says so, and the interrupt raised. Data commands (PIO sector and
// multiple transfers, DMA, flush) continue from block-layer completions.

import { atapiIdentify, atapiPacketCommand, atapiPacketReceived, atapiReplyNext } from "./atapi.ts";
import {
  ATA_DEVICE_RESET,
  type CommandSet,
  DEV_DRV,
  DEV_HEAD,
  DEV_LBA,
  ERR_ABRT,
  type IdeBus,
  type IdeDrive,
  MAX_MULT_SECTORS,
  type PioEnd,
  SECTOR_SIZE,
  ST_BSY,
  ST_DRDY,
  ST_DRQ,
  ST_DSC,
  ST_ERR,
} from "./ide-bus.ts";
import { identifyDisk } from "./identify.ts";

/** Who may run a command. */
export const FOR_DISK = 1;
export const FOR_CD = 2;
export const FOR_NONE = 4;
/** Set DSC on successful completion. */
export const SET_DSC = 8;

/** A handler returns true when the command completed (execCmd finishes it), false when it continues. */
type Handler = (bus: IdeBus, d: IdeDrive, cmd: number) => boolean;

interface Row {
  name: string;
  handler: Handler;
  flags: number;
}

/** Commands (ATA/ATAPI-6 §8; the obsolete "without retries" forms behave as the plain ones). */
export const ATA_NOP = 0x00;
export const ATA_RECALIBRATE = 0x10;
export const ATA_READ_SECTORS = 0x20;
export const ATA_READ_SECTORS_NO_RETRY = 0x21;
export const ATA_READ_SECTORS_EXT = 0x24;
export const ATA_READ_DMA_EXT = 0x25;
export const ATA_READ_NATIVE_MAX_EXT = 0x27;
export const ATA_READ_MULTIPLE_EXT = 0x29;
export const ATA_WRITE_SECTORS = 0x30;
export const ATA_WRITE_SECTORS_NO_RETRY = 0x31;
export const ATA_WRITE_SECTORS_EXT = 0x34;
export const ATA_WRITE_DMA_EXT = 0x35;
export const ATA_WRITE_MULTIPLE_EXT = 0x39;
export const ATA_READ_VERIFY = 0x40;
export const ATA_READ_VERIFY_NO_RETRY = 0x41;
export const ATA_READ_VERIFY_EXT = 0x42;
export const ATA_EXECUTE_DIAGNOSTIC = 0x90;
export const ATA_INITIALIZE_PARAMS = 0x91;
export const ATA_PACKET = 0xa0;
export const ATA_IDENTIFY_PACKET = 0xa1;
export const ATA_READ_MULTIPLE = 0xc4;
export const ATA_WRITE_MULTIPLE = 0xc5;
export const ATA_SET_MULTIPLE = 0xc6;
export const ATA_READ_DMA = 0xc8;
export const ATA_READ_DMA_NO_RETRY = 0xc9;
export const ATA_WRITE_DMA = 0xca;
export const ATA_WRITE_DMA_NO_RETRY = 0xcb;
export const ATA_STANDBY_IMMEDIATE = 0xe0;
export const ATA_IDLE_IMMEDIATE = 0xe1;
export const ATA_STANDBY = 0xe2;
export const ATA_IDLE = 0xe3;
export const ATA_SLEEP = 0xe6;
export const ATA_CHECK_POWER_MODE = 0xe5;
export const ATA_FLUSH_CACHE = 0xe7;
export const ATA_FLUSH_CACHE_EXT = 0xea;
export const ATA_IDENTIFY = 0xec;
export const ATA_SET_FEATURES = 0xef;
export const ATA_READ_NATIVE_MAX = 0xf8;
/** SET FEATURES subcommands (ATA/ATAPI-6 §8.37 table 44). */
export const SF_ENABLE_WCACHE = 0x02;
export const SF_XFER_MODE = 0x03;
export const SF_DISABLE_MEDIA_STATUS = 0x31;
export const SF_ENABLE_AAM = 0x42;
export const SF_DISABLE_LOOK_AHEAD = 0x55;
export const SF_DISABLE_REVERT_TO_DEFAULTS = 0x66;
export const SF_DISABLE_WCACHE = 0x82;
export const SF_DISABLE_AAM = 0xc2;
export const SF_ENABLE_LOOK_AHEAD = 0xaa;
export const SF_ENABLE_REVERT_TO_DEFAULTS = 0xcc;
/** CHECK POWER MODE's answer in the sector count: active or idle. */
const POWER_MODE_ACTIVE = 0xff;

/** Runs command `cmd` on `d` (QEMU's ide_exec_cmd). */
export function execCmd(bus: IdeBus, d: IdeDrive, cmd: number): void {
  d.cmdReq = bus.aio?.ctx.newRequestId() ?? ++bus.localReqs;
  const point = bus.trace.execCmd;
  if (point.on) point.emit({ bus: bus.index, unit: d.unit, cmd }, { req: d.cmdReq });
  const row = TABLE[cmd];
  const kind = d.kind === "disk" ? FOR_DISK : d.kind === "cdrom" ? FOR_CD : FOR_NONE;
  if (row === undefined) {
    bus.log.unimplemented(`ide: ATA command 0x${cmd.toString(16)}`, `ata-cmd-${cmd}`);
    bus.abort(d);
    return;
  }
  if ((row.flags & kind) === 0) {
    bus.log.guestError(
      `ide: ${row.name} (0x${cmd.toString(16)}) not allowed for a ${d.kind} drive`,
      `ata-deny-${cmd}-${d.kind}`,
    );
    bus.abort(d);
    return;
  }
  d.status = ST_DRDY | ST_BSY;
  d.error = 0;
  if (row.handler(bus, d, cmd)) {
    d.status &= ~ST_BSY;
    if ((row.flags & SET_DSC) !== 0 && d.error === 0) d.status |= ST_DSC;
    bus.raiseIrq();
  }
  bus.aio?.kick();
}

/** Sets the error state for an abort and reports completion. */
function abortCmd(d: IdeDrive): boolean {
  d.status = ST_DRDY | ST_ERR;
  d.error = ERR_ABRT;
  return true;
}

/** The sector the command block addresses (LBA28, LBA48 or CHS; QEMU's ide_get_sector). */
export function currentSector(d: IdeDrive): number {
  if ((d.select & DEV_LBA) !== 0) {
    if (d.lba48) {
      return (
        d.hobHcyl * 2 ** 40 +
        d.hobLcyl * 2 ** 32 +
        d.hobSector * 2 ** 24 +
        ((d.hcyl << 16) | (d.lcyl << 8) | d.sector)
      );
    }
    return ((d.select & DEV_HEAD) << 24) | (d.hcyl << 16) | (d.lcyl << 8) | d.sector;
  }
  const cyl = (d.hcyl << 8) | d.lcyl;
  return (cyl * d.heads + (d.select & DEV_HEAD)) * d.sectorsPerTrack + (d.sector - 1);
}

/** Writes `sector` back into the command block (QEMU's ide_set_sector). */
export function setSector(d: IdeDrive, sector: number): void {
  if ((d.select & DEV_LBA) !== 0) {
    if (d.lba48) {
      d.sector = sector & 0xff;
      d.lcyl = (sector >>> 8) & 0xff;
      d.hcyl = (sector >>> 16) & 0xff;
      const high = Math.floor(sector / 2 ** 24);
      d.hobSector = high & 0xff;
      d.hobLcyl = (high >>> 8) & 0xff;
      d.hobHcyl = (high >>> 16) & 0xff;
    } else {
      d.select = (d.select & ~DEV_HEAD) | ((sector >>> 24) & DEV_HEAD);
      d.hcyl = (sector >>> 16) & 0xff;
      d.lcyl = (sector >>> 8) & 0xff;
      d.sector = sector & 0xff;
    }
    return;
  }
  const cyl = Math.floor(sector / (d.heads * d.sectorsPerTrack));
  const r = sector % (d.heads * d.sectorsPerTrack);
  d.hcyl = cyl >> 8;
  d.lcyl = cyl & 0xff;
  d.select = (d.select & ~DEV_HEAD) | (Math.floor(r / d.sectorsPerTrack) & DEV_HEAD);
  d.sector = (r % d.sectorsPerTrack) + 1;
}

/**
 * Sets up sector, count (0 = 256, or 65536 in LBA48) and LBA48 mode for a data command. The range is
 * checked per block as it moves (rangeOk), as QEMU does: sectors before the end still transfer.
 */
function setupTransfer(d: IdeDrive, lba48: boolean): void {
  d.lba48 = lba48;
  let n = lba48 ? (d.hobNsector << 8) | d.nsector : d.nsector;
  if (n === 0) n = lba48 ? 65536 : 256;
  d.sectorNum = currentSector(d);
  d.remaining = n;
}

/** True when sectors [sector, sector + n) are on the disk (QEMU's ide_sect_range_ok). */
export function rangeOk(d: IdeDrive, sector: number, n: number): boolean {
  return sector + n <= d.totalSectors;
}

/** An out-of-range block or a block-layer error: ABRT (QEMU's ide_rw_error; rerror=report). */
function ioError(bus: IdeBus, d: IdeDrive): void {
  bus.transferStop(d);
  d.status = ST_DRDY | ST_ERR;
  d.error = ERR_ABRT;
  bus.raiseIrq();
}

/** PIO read of the next block into the buffer, then DRQ + interrupt (QEMU's ide_sector_read). */
function sectorRead(bus: IdeBus, d: IdeDrive): void {
  d.status = ST_DRDY | ST_DSC;
  d.error = 0;
  if (d.remaining === 0) {
    bus.transferStop(d);
    return;
  }
  const n = Math.min(d.remaining, d.blockSectors);
  const point = bus.trace.sectorRead;
  if (point.on) point.emit({ sector_num: d.sectorNum, nsectors: n }, { req: d.cmdReq });
  if (!rangeOk(d, d.sectorNum, n)) {
    ioError(bus, d);
    return;
  }
  d.status |= ST_BSY;
  d.backend!.aioPreadv(
    d.sectorNum * SECTOR_SIZE,
    d.ioBuffer.subarray(0, n * SECTOR_SIZE),
    (ret) => {
      if (ret < 0) {
        ioError(bus, d);
        return;
      }
      sectorsDone(d, n);
      bus.transferStart(d, n * SECTOR_SIZE, "data-in", "sector-read");
      bus.raiseIrq();
    },
    { parent: d.cmdReq },
  );
}

/** After `n` sectors moved: BSY off, the position and the task-file registers advanced. */
function sectorsDone(d: IdeDrive, n: number): void {
  d.status &= ~ST_BSY;
  d.sectorNum += n;
  d.remaining -= n;
  setSector(d, d.sectorNum);
}

/** PIO write of the block the guest filled, then the next DRQ or completion (ide_sector_write). */
function sectorWrite(bus: IdeBus, d: IdeDrive): void {
  const n = Math.min(d.remaining, d.blockSectors);
  const point = bus.trace.sectorWrite;
  if (point.on) point.emit({ sector_num: d.sectorNum, nsectors: n }, { req: d.cmdReq });
  if (!rangeOk(d, d.sectorNum, n)) {
    ioError(bus, d);
    return;
  }
  d.status = ST_DRDY | ST_DSC | ST_BSY;
  d.backend!.aioPwritev(
    d.sectorNum * SECTOR_SIZE,
    d.ioBuffer.slice(0, n * SECTOR_SIZE),
    (ret) => {
      if (ret < 0) {
        ioError(bus, d);
        return;
      }
      sectorsDone(d, n);
      if (d.remaining === 0) bus.transferStop(d);
      else
        bus.transferStart(d, Math.min(d.remaining, d.blockSectors) * SECTOR_SIZE, "data-out", "sector-write");
      bus.raiseIrq();
    },
    { parent: d.cmdReq },
  );
}

/** The LBA48 (EXT) forms. */
const EXT_COMMANDS = new Set([
  ATA_READ_SECTORS_EXT,
  ATA_READ_DMA_EXT,
  ATA_READ_MULTIPLE_EXT,
  ATA_WRITE_SECTORS_EXT,
  ATA_WRITE_DMA_EXT,
  ATA_WRITE_MULTIPLE_EXT,
  ATA_READ_VERIFY_EXT,
]);
const isExt = (cmd: number) => EXT_COMMANDS.has(cmd);

function cmdRead(bus: IdeBus, d: IdeDrive, cmd: number): boolean {
  setupTransfer(d, isExt(cmd));
  d.blockSectors = cmd === ATA_READ_MULTIPLE || cmd === ATA_READ_MULTIPLE_EXT ? d.multSectors : 1;
  if (d.blockSectors === 0) return abortCmd(d);
  sectorRead(bus, d);
  return false;
}

function cmdWrite(bus: IdeBus, d: IdeDrive, cmd: number): boolean {
  setupTransfer(d, isExt(cmd));
  d.blockSectors = cmd === ATA_WRITE_MULTIPLE || cmd === ATA_WRITE_MULTIPLE_EXT ? d.multSectors : 1;
  if (d.blockSectors === 0) return abortCmd(d);
  d.status = ST_DRDY | ST_DSC;
  bus.transferStart(d, Math.min(d.remaining, d.blockSectors) * SECTOR_SIZE, "data-out", "sector-write");
  return false;
}

function cmdDma(bus: IdeBus, d: IdeDrive, cmd: number): boolean {
  setupTransfer(d, isExt(cmd));
  d.dmaDir =
    cmd === ATA_READ_DMA || cmd === ATA_READ_DMA_NO_RETRY || cmd === ATA_READ_DMA_EXT ? "read" : "write";
  d.status = ST_DRDY | ST_DSC | ST_DRQ;
  if (bus.bm === null) {
    d.dmaDir = null;
    return abortCmd(d);
  }
  bus.bm.dmaReady(d);
  return false;
}

function cmdFlush(bus: IdeBus, d: IdeDrive): boolean {
  if (d.backend === null) return true;
  d.status = ST_DRDY | ST_BSY;
  d.backend.aioFlush(
    (ret) => {
      if (ret < 0) {
        ioError(bus, d);
        return;
      }
      bus.complete(d);
    },
    { parent: d.cmdReq },
  );
  return false;
}

function cmdIdentify(bus: IdeBus, d: IdeDrive): boolean {
  if (d.kind === "cdrom") {
    // ATAPI devices abort IDENTIFY DEVICE and show their signature (ATA-7 §6.17).
    d.setSignature();
    return abortCmd(d);
  }
  d.ioBuffer.set(identifyDisk(d, bus.index));
  d.status = ST_DRDY | ST_DSC;
  bus.transferStart(d, SECTOR_SIZE, "data-in", "stop");
  bus.raiseIrq();
  return false;
}

function cmdIdentifyPacket(bus: IdeBus, d: IdeDrive): boolean {
  d.ioBuffer.set(atapiIdentify(d, bus.index));
  d.status = ST_DRDY | ST_DSC;
  bus.transferStart(d, SECTOR_SIZE, "data-in", "stop");
  bus.raiseIrq();
  return false;
}

function cmdSetMultiple(_bus: IdeBus, d: IdeDrive): boolean {
  const n = d.nsector;
  if (n > MAX_MULT_SECTORS || (n & (n - 1)) !== 0) return abortCmd(d);
  d.multSectors = n;
  return true;
}

function cmdInitParams(_bus: IdeBus, d: IdeDrive): boolean {
  if (d.nsector === 0) return abortCmd(d);
  d.heads = (d.select & DEV_HEAD) + 1;
  d.sectorsPerTrack = d.nsector;
  d.cylinders = Math.min(65535, Math.floor(d.totalSectors / (d.heads * d.sectorsPerTrack)));
  return true;
}

function cmdSetFeatures(bus: IdeBus, d: IdeDrive): boolean {
  switch (d.feature) {
    case SF_ENABLE_WCACHE:
      d.writeCache = true;
      return true;
    case SF_DISABLE_WCACHE:
      // What the cache held goes to the disk before the command completes (as QEMU).
      d.writeCache = false;
      return cmdFlush(bus, d);
    case SF_XFER_MODE:
      return true; // PIO, multiword and UDMA modes are all accepted (QEMU records them for IDENTIFY)
    case SF_DISABLE_LOOK_AHEAD:
    case SF_ENABLE_LOOK_AHEAD:
    case SF_DISABLE_REVERT_TO_DEFAULTS:
    case SF_ENABLE_REVERT_TO_DEFAULTS:
    case SF_DISABLE_MEDIA_STATUS:
    case SF_ENABLE_AAM:
    case SF_DISABLE_AAM:
      return true; // accepted without effect on an image, as QEMU
    default:
      bus.log.unimplemented(`ide: SET FEATURES subcommand 0x${d.feature.toString(16)}`, `sf-${d.feature}`);
      return abortCmd(d);
  }
}

/** READ VERIFY SECTORS [EXT]: nothing to verify on an image; completes at once, registers as they were (as QEMU). */
function cmdVerify(_bus: IdeBus, d: IdeDrive, cmd: number): boolean {
  d.lba48 = isExt(cmd);
  return true;
}

function cmdNativeMax(_bus: IdeBus, d: IdeDrive, cmd: number): boolean {
  d.lba48 = cmd === ATA_READ_NATIVE_MAX_EXT;
  setSector(d, d.totalSectors - 1);
  return true;
}

function cmdCheckPower(_bus: IdeBus, d: IdeDrive): boolean {
  d.nsector = POWER_MODE_ACTIVE;
  return true;
}

/**
 * EXECUTE DEVICE DIAGNOSTIC: the signature and code 01h, the DEV bit cleared (device 0 reports); a
 * packet device ends with a clear status and no interrupt (QEMU's cmd_exec_dev_diagnostic).
 */
function cmdDiagnostic(_bus: IdeBus, d: IdeDrive): boolean {
  d.diagnosticResult();
  d.select &= ~DEV_DRV;
  return d.kind !== "cdrom";
}

/** DEVICE RESET (packet devices): registers and signature reset, a clear status, no interrupt (ATA/ATAPI-6 §8.7). */
function cmdDeviceReset(_bus: IdeBus, d: IdeDrive): boolean {
  d.resetRegisters();
  d.status = 0;
  return false;
}

const ok: Handler = () => true;

const rows: [number[], Row][] = [
  [[ATA_NOP], { name: "NOP", handler: (_b, d) => abortCmd(d), flags: FOR_DISK | FOR_CD }],
  [[ATA_DEVICE_RESET], { name: "DEVICE RESET", handler: cmdDeviceReset, flags: FOR_CD }],
  [
    Array.from({ length: 16 }, (_, i) => ATA_RECALIBRATE + i),
    { name: "RECALIBRATE", handler: ok, flags: FOR_DISK | SET_DSC },
  ],
  [
    [ATA_READ_SECTORS, ATA_READ_SECTORS_NO_RETRY, ATA_READ_SECTORS_EXT],
    { name: "READ SECTORS", handler: cmdRead, flags: FOR_DISK },
  ],
  [[ATA_READ_MULTIPLE, ATA_READ_MULTIPLE_EXT], { name: "READ MULTIPLE", handler: cmdRead, flags: FOR_DISK }],
  [
    [ATA_WRITE_SECTORS, ATA_WRITE_SECTORS_NO_RETRY, ATA_WRITE_SECTORS_EXT],
    { name: "WRITE SECTORS", handler: cmdWrite, flags: FOR_DISK },
  ],
  [
    [ATA_WRITE_MULTIPLE, ATA_WRITE_MULTIPLE_EXT],
    { name: "WRITE MULTIPLE", handler: cmdWrite, flags: FOR_DISK },
  ],
  [
    [ATA_READ_DMA, ATA_READ_DMA_NO_RETRY, ATA_READ_DMA_EXT],
    { name: "READ DMA", handler: cmdDma, flags: FOR_DISK },
  ],
  [
    [ATA_WRITE_DMA, ATA_WRITE_DMA_NO_RETRY, ATA_WRITE_DMA_EXT],
    { name: "WRITE DMA", handler: cmdDma, flags: FOR_DISK },
  ],
  [
    [ATA_READ_VERIFY, ATA_READ_VERIFY_NO_RETRY, ATA_READ_VERIFY_EXT],
    { name: "READ VERIFY", handler: cmdVerify, flags: FOR_DISK | SET_DSC },
  ],
  [
    [ATA_READ_NATIVE_MAX, ATA_READ_NATIVE_MAX_EXT],
    { name: "READ NATIVE MAX", handler: cmdNativeMax, flags: FOR_DISK | SET_DSC },
  ],
  [
    [ATA_EXECUTE_DIAGNOSTIC],
    { name: "EXECUTE DEVICE DIAGNOSTIC", handler: cmdDiagnostic, flags: FOR_DISK | FOR_CD },
  ],
  [
    [ATA_INITIALIZE_PARAMS],
    { name: "INITIALIZE DEVICE PARAMETERS", handler: cmdInitParams, flags: FOR_DISK | SET_DSC },
  ],
  [[ATA_PACKET], { name: "PACKET", handler: atapiPacketCommand, flags: FOR_CD }],
  [[ATA_IDENTIFY_PACKET], { name: "IDENTIFY PACKET DEVICE", handler: cmdIdentifyPacket, flags: FOR_CD }],
  [[ATA_SET_MULTIPLE], { name: "SET MULTIPLE MODE", handler: cmdSetMultiple, flags: FOR_DISK | SET_DSC }],
  [
    [ATA_STANDBY_IMMEDIATE, ATA_IDLE_IMMEDIATE, ATA_STANDBY, ATA_IDLE, ATA_SLEEP],
    { name: "POWER", handler: ok, flags: FOR_DISK | FOR_CD | SET_DSC },
  ],
  [
    [ATA_CHECK_POWER_MODE],
    { name: "CHECK POWER MODE", handler: cmdCheckPower, flags: FOR_DISK | FOR_CD | SET_DSC },
  ],
  [
    [ATA_FLUSH_CACHE, ATA_FLUSH_CACHE_EXT],
    { name: "FLUSH CACHE", handler: cmdFlush, flags: FOR_DISK | FOR_CD | SET_DSC },
  ],
  [[ATA_IDENTIFY], { name: "IDENTIFY DEVICE", handler: cmdIdentify, flags: FOR_DISK | FOR_CD }],
  [[ATA_SET_FEATURES], { name: "SET FEATURES", handler: cmdSetFeatures, flags: FOR_DISK | FOR_CD | SET_DSC }],
];

/** The table, indexed by command byte. */
const TABLE: (Row | undefined)[] = new Array(256);
for (const [cmds, row] of rows) for (const c of cmds) TABLE[c] = row;

/** The command set object the bus calls. */
/** Carries out what a PIO window's end stands for (ide-bus.ts's PioEnd). */
function pioEnd(bus: IdeBus, d: IdeDrive, end: PioEnd): void {
  if (end === "sector-read") sectorRead(bus, d);
  else if (end === "sector-write") sectorWrite(bus, d);
  else if (end === "stop") bus.transferStop(d);
  else if (end === "packet") atapiPacketReceived(bus, d);
  else if (end === "atapi-reply") atapiReplyNext(bus, d);
}

export const ATA_COMMANDS: CommandSet = { exec: execCmd, pioEnd };
