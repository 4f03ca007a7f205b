// One IDE channel (ATA/ATAPI-7 Vol. 1 §5 "I/O register descriptions"; QEMU's hw/ide/core.c as the
// reference behaviour): the command block (data, error/features, sector count, LBA low/mid/high,
// device, status/command) and the control block (alternate status / device control) shared by two
// drives, PIO data transfers through the drive's buffer, soft reset, and the interrupt line (raised
// when a command completes unless nIEN, lowered by a status read or a new command).
import type { BlockBackend } from "../../block/index.ts";
import type { GuestLog } from "../../io/guest-log.ts";
import { type PortBus, SIZE_8, SIZES_ALL } from "../../io/port-bus.ts";
import type { AioPump } from "../../machine/aio-pump.ts";
import { loadPlain, type PlainRecord, savePlain } from "../../snapshot/plain.ts";
import type { TraceBus, TracePoint } from "../../trace/bus.ts";
import type { IrqLine } from "../irq.ts";

/** Status register bits (ATA-7 §6.54). */
export const ST_BSY = 0x80;
export const ST_DRDY = 0x40;
export const ST_DF = 0x20;
export const ST_DSC = 0x10;
export const ST_DRQ = 0x08;
export const ST_CORR = 0x04;
export const ST_ERR = 0x01;
/** Error register bits (ATA/ATAPI-6 §7.9). */
export const ERR_ABRT = 0x04;
export const ERR_IDNF = 0x10;
export const ERR_UNC = 0x40;
/** The error register after a diagnostic or reset: code 01h, "device 0 passed" (ATA/ATAPI-6 §8.11). */
export const DIAG_PASSED = 0x01;
/** Device control bits. */
export const DC_NIEN = 0x02;
export const DC_SRST = 0x04;
export const DC_HOB = 0x80;
/** Device register bits: LBA mode, drive select, the head / LBA 27:24 nibble, and bits 7 and 5 (always 1). */
export const DEV_LBA = 0x40;
export const DEV_DRV = 0x10;
export const DEV_HEAD = 0x0f;
export const DEV_ALWAYS_ON = 0xa0;
/** Signatures in LBA mid/high after reset (ATA/ATAPI-6 §9.12): ATA 00h/00h, ATAPI 14h/EBh; QEMU's empty slot FFh/FFh. */
export const SIG_ATAPI_LCYL = 0x14;
export const SIG_ATAPI_HCYL = 0xeb;
export const SIG_EMPTY = 0xff;
/** DEVICE RESET, the one command accepted while BSY or DRQ (by an ATAPI device; ATA/ATAPI-6 §8.7). */
export const ATA_DEVICE_RESET = 0x08;
/** Command block register indexes. */
export const REG_DATA = 0;
export const REG_ERROR_FEATURE = 1;
export const REG_NSECTOR = 2;
export const REG_SECTOR = 3;
export const REG_LCYL = 4;
export const REG_HCYL = 5;
export const REG_SELECT = 6;
export const REG_STATUS_CMD = 7;
export const COMMAND_BLOCK_PORTS = 8;
/** Register names as QEMU's ide_ioport_read/write traces print them. */
export const READ_REG_NAMES = [
  "Data",
  "Error",
  "Sector Count",
  "Sector Number",
  "Cylinder Low",
  "Cylinder High",
  "Device/Head",
  "Status",
];
export const WRITE_REG_NAMES = [
  "Data",
  "Features",
  "Sector Count",
  "LBA Low",
  "LBA Mid",
  "LBA High",
  "Device/Head",
  "Command",
];
/** Sectors the drive's buffer holds (MAX_MULT_SECTORS is 16; 256 covers a whole PIO command). */
export const IO_BUFFER_SECTORS = 256;
export const SECTOR_SIZE = 512;
export const MAX_MULT_SECTORS = 16;

/** A PIO transfer's direction: device to host (data-in) or host to device (data-out). */
export type PioDirection = "data-in" | "data-out";

/** Where an ATAPI reply's bytes come from, as data: bytes in memory, or sectors of the medium. */
export type ReplySource =
  | { kind: "buffer"; readonly data: Uint8Array; at: number }
  | {
      kind: "medium";
      readonly lba: number;
      readonly count: number;
      /** The next sector to read, and the read position in `sector` (CD_SECTOR: used up). */
      next: number;
      pos: number;
      readonly sector: Uint8Array;
    };

/** An ATAPI reply sent by PIO: bytes left, the byte count limit of a DRQ block, the source. */
export interface AtapiReply {
  left: number;
  readonly limit: number;
  readonly source: ReplySource;
}

/** An ATAPI data transfer the drive hands to the bus master (PACKET with the DMA feature). */
export interface PacketDma {
  /** Bytes the command sends to the host. */
  readonly bytes: number;
  readonly source: ReplySource;
}

/**
 * What runs once the guest has moved a PIO window, as plain data so a snapshot can hold it: the
 * next ATA read or write block, the end of an IDENTIFY, an ATAPI packet received, or the next block
 * of an ATAPI reply (whose source lives in IdeDrive.atapiReply).
 */
export type PioEnd = "none" | "sector-read" | "sector-write" | "stop" | "packet" | "atapi-reply";

/** What occupies a drive slot. */
export type DriveKind = "none" | "disk" | "cdrom";

/** A drive's saved state: its registers, the bytes of the PIO window, an ATAPI transfer's source. */
export interface IdeDriveState {
  readonly regs: PlainRecord;
  readonly window: Uint8Array;
  readonly atapiReply: AtapiReply | null;
  readonly packetTransfer: PacketDma | null;
}

/** A copy of `s` sharing nothing with it. */
function copySource(s: ReplySource): ReplySource {
  return s.kind === "buffer" ? { ...s, data: s.data.slice() } : { ...s, sector: s.sector.slice() };
}

/** A channel's saved state. */
export interface IdeBusState {
  readonly bus: PlainRecord;
  readonly drives: readonly IdeDriveState[];
}

/** One drive's registers and transfer state. */
export class IdeDrive {
  feature = 0;
  nsector = 0;
  sector = 0;
  lcyl = 0;
  hcyl = 0;
  hobFeature = 0;
  hobNsector = 0;
  hobSector = 0;
  hobLcyl = 0;
  hobHcyl = 0;
  select = DEV_ALWAYS_ON;
  status = 0;
  error = 0;
  /** Sectors per DRQ block of READ/WRITE MULTIPLE (0 = not set). */
  multSectors = MAX_MULT_SECTORS;
  /** CHS geometry (INITIALIZE DEVICE PARAMETERS changes heads/sectors). */
  cylinders = 0;
  heads = 0;
  sectorsPerTrack = 0;
  /** Total 512-byte sectors. */
  totalSectors = 0;
  writeCache = true;
  readonly ioBuffer = new Uint8Array(IO_BUFFER_SECTORS * SECTOR_SIZE);
  /** PIO transfer window [dataPtr, dataEnd) of ioBuffer, and what runs when it is consumed. */
  dataPtr = 0;
  dataEnd = 0;
  pioDirection: PioDirection = "data-in";
  pioEnd: PioEnd = "none";
  /** ATAPI: the PIO reply in progress (its next block goes when pioEnd "atapi-reply" comes). */
  atapiReply: AtapiReply | null = null;
  /** The command in progress: LBA48 form, next sector, sectors left, sectors in this block. */
  lba48 = false;
  sectorNum = 0;
  remaining = 0;
  blockSectors = 0;
  /** ATA DMA command waiting for the bus master (null = none). */
  dmaDir: "read" | "write" | null = null;
  /** ATAPI: the PACKET command asked for DMA; the transfer waiting for the bus master (null = none). */
  packetDma = false;
  packetTransfer: PacketDma | null = null;
  /** Trace request id of the command in progress. */
  cmdReq = 0;
  /** ATAPI: sense key and additional sense code of the last error. */
  senseKey = 0;
  asc = 0;

  constructor(
    readonly unit: number,
    readonly kind: DriveKind,
    readonly backend: BlockBackend | null,
  ) {}

  /** The task file, the transfer in progress with its ATAPI source and the PIO window's bytes. */
  saveState(): IdeDriveState {
    return {
      regs: savePlain(this, ["backend", "ioBuffer", "atapiReply", "packetTransfer"]),
      window: this.ioBuffer.slice(0, this.dataEnd),
      atapiReply:
        this.atapiReply === null ? null : { ...this.atapiReply, source: copySource(this.atapiReply.source) },
      packetTransfer:
        this.packetTransfer === null
          ? null
          : { ...this.packetTransfer, source: copySource(this.packetTransfer.source) },
    };
  }

  /** Puts back a saveState() copy (the buffer past the PIO window is not guest-visible). */
  loadState(s: IdeDriveState): void {
    loadPlain(this, s.regs);
    this.ioBuffer.set(s.window);
    this.atapiReply =
      s.atapiReply === null ? null : { ...s.atapiReply, source: copySource(s.atapiReply.source) };
    this.packetTransfer =
      s.packetTransfer === null ? null : { ...s.packetTransfer, source: copySource(s.packetTransfer.source) };
  }

  /**
   * The power-on / system-reset register state (QEMU's ide_reset): error 0, DRDY|DSC, no transfer,
   * and the signature of the slot's kind in the task file (ATA-7 §9.12).
   */
  resetRegisters(): void {
    this.feature = 0;
    this.hobFeature = this.hobNsector = this.hobSector = this.hobLcyl = this.hobHcyl = 0;
    this.select = DEV_ALWAYS_ON;
    this.error = 0;
    this.status = ST_DRDY | ST_DSC;
    this.senseKey = 0;
    this.asc = 0;
    this.setSignature();
    this.dataPtr = this.dataEnd = 0;
    this.pioEnd = "none";
    this.atapiReply = null;
    this.dmaDir = null;
    this.packetTransfer = null;
    this.multSectors = MAX_MULT_SECTORS;
  }

  /**
   * The outcome of a diagnostic (EXECUTE DEVICE DIAGNOSTIC, or the one a soft reset runs): the
   * signature, error 01h, and DRDY|DSC for a disk but a clear status for a packet device
   * (ATA/ATAPI-6 §9.10; QEMU's cmd_exec_dev_diagnostic).
   */
  diagnosticResult(): void {
    this.setSignature();
    this.error = DIAG_PASSED;
    this.status = this.kind === "cdrom" ? 0 : ST_DRDY | ST_DSC;
  }

  /** Sector count and number 1, LBA mid/high naming the device kind, head bits cleared. */
  setSignature(): void {
    this.select &= ~DEV_HEAD;
    this.nsector = 1;
    this.sector = 1;
    if (this.kind === "cdrom") {
      this.lcyl = SIG_ATAPI_LCYL;
      this.hcyl = SIG_ATAPI_HCYL;
    } else {
      this.lcyl = this.hcyl = this.kind === "disk" ? 0 : SIG_EMPTY;
    }
  }
}

/** What the bus needs from its bus-master DMA engine. */
export interface BusMaster {
  /** A DMA command is ready on `drive`: start now if the engine runs, else when it is started. */
  dmaReady(drive: IdeDrive): void;
  /** The channel's interrupt was raised (the engine's status INTR bit). */
  onIrq(): void;
  /** Soft reset or command abort: forget a pending transfer. */
  cancel(): void;
}

/** Hooks implemented by ata-commands.ts (kept apart so the bus has no command table). */
export interface CommandSet {
  exec(bus: IdeBus, drive: IdeDrive, cmd: number): void;
  /** Continues the command once the guest moved the PIO window (`end` is what transferStart named). */
  pioEnd(bus: IdeBus, drive: IdeDrive, end: PioEnd): void;
}

/** The channel. */
export class IdeBus {
  readonly drives: [IdeDrive, IdeDrive];
  /** Selected drive (the DEV bit of the device register). */
  unit = 0;
  /** Device control register. */
  devctl = 0;
  bm: BusMaster | null = null;
  /** Trace request ids of commands on a machine without block layer (no AioContext to number them). */
  localReqs = 0;
  private irqPending = false;
  /** Trace points, looked up once; the command files (ata-commands, atapi) emit the command ones. */
  readonly trace: {
    read: TracePoint;
    write: TracePoint;
    status: TracePoint;
    ctrl: TracePoint;
    dataW: TracePoint;
    dataL: TracePoint;
    reset: TracePoint;
    execCmd: TracePoint;
    sectorRead: TracePoint;
    sectorWrite: TracePoint;
    atapiCmd: TracePoint;
  };

  /** Registers `base`..+7 and `ctrlPort` (alt status / device control). */
  constructor(
    readonly index: number,
    io: PortBus,
    readonly base: number,
    readonly ctrlPort: number,
    private readonly irq: IrqLine,
    readonly traceBus: TraceBus,
    readonly log: GuestLog,
    readonly aio: AioPump | null,
    private readonly commands: CommandSet,
  ) {
    this.drives = [new IdeDrive(0, "none", null), new IdeDrive(1, "none", null)];
    for (const d of this.drives) d.resetRegisters();
    this.trace = {
      read: traceBus.point("ide_ioport_read"),
      write: traceBus.point("ide_ioport_write"),
      status: traceBus.point("ide_status_read"),
      ctrl: traceBus.point("ide_ctrl_write"),
      dataW: traceBus.point("ide_data_writew"),
      dataL: traceBus.point("ide_data_writel"),
      reset: traceBus.point("ide_reset"),
      execCmd: traceBus.point("ide_exec_cmd"),
      sectorRead: traceBus.point("ide_sector_read"),
      sectorWrite: traceBus.point("ide_sector_write"),
      atapiCmd: traceBus.point("ide_atapi_cmd"),
    };
    // QEMU's ide_portio_list: the data port moves 16 or 32 bits of the PIO buffer (a byte access
    // moves a word, its low byte read or the byte zero-extended written, as measured against QEMU),
    // the other registers are bytes; the bus does a word access to byte registers as two bytes and
    // refuses (all ones) a dword there.
    const data = SIZES_ALL;
    io.register(base, COMMAND_BLOCK_PORTS, {
      name: `ide${index}`,
      sizes: SIZES_ALL,
      portio: true,
      portSizes: [data, SIZE_8, SIZE_8, SIZE_8, SIZE_8, SIZE_8, SIZE_8, SIZE_8],
      read: (port, size) => {
        const reg = port - base;
        if (reg !== REG_DATA) return this.readReg(reg);
        return size === 1 ? this.readData(2) & 0xff : this.readData(size);
      },
      write: (port, size, v) => {
        const reg = port - base;
        if (reg === REG_DATA) this.writeData(size === 1 ? 2 : size, v);
        else this.writeReg(reg, v);
      },
    });
    io.register(ctrlPort, 1, {
      name: `ide${index}-ctrl`,
      sizes: SIZE_8,
      portio: true,
      read: () => this.readAltStatus(),
      write: (_p, _s, v) => this.writeControl(v),
    });
  }

  /** Puts a drive in slot `unit`. */
  attach(unit: number, kind: DriveKind, backend: BlockBackend | null): IdeDrive {
    const d = new IdeDrive(unit, kind, backend);
    this.drives[unit] = d;
    d.resetRegisters();
    return d;
  }

  /** The selected drive. */
  cur(): IdeDrive {
    return this.drives[this.unit]!;
  }

  /** True when no drive is attached to the channel. */
  empty(): boolean {
    return this.drives[0].kind === "none" && this.drives[1].kind === "none";
  }

  /** System reset: both drives to their power-on state, interrupt low. */
  reset(): void {
    this.unit = 0;
    this.devctl = 0;
    this.bm?.cancel();
    for (const d of this.drives) d.resetRegisters();
    this.setIrq(false);
  }

  /** Raises INTRQ (command completion, DRQ block ready) unless nIEN; the bus master sees INTRQ. */
  raiseIrq(): void {
    if ((this.devctl & DC_NIEN) !== 0) return;
    this.bm?.onIrq();
    this.setIrq(true);
  }

  /** The selected unit, device control, the interrupt and both drives, as plain data. */
  saveState(): IdeBusState {
    return {
      bus: savePlain(this, ["drives", "bm", "trace", "irq", "traceBus", "log", "aio", "commands"]),
      drives: this.drives.map((d) => d.saveState()),
    };
  }

  /** Puts back a saveState() copy. */
  loadState(s: IdeBusState): void {
    loadPlain(this, s.bus);
    this.drives.forEach((d, i) => {
      d.loadState(s.drives[i]!);
    });
  }

  /** Lowers the interrupt (status read, new command). */
  lowerIrq(): void {
    this.setIrq(false);
  }

  /**
   * Starts a PIO transfer of ioBuffer[0, bytes) in `direction`: DRQ set; `end` is carried out once
   * the guest moved it all. Data port accesses against the direction are ignored (reads give 0), as QEMU's.
   */
  transferStart(drive: IdeDrive, bytes: number, direction: PioDirection, end: PioEnd): void {
    drive.dataPtr = 0;
    drive.dataEnd = bytes;
    drive.pioDirection = direction;
    drive.pioEnd = end;
    drive.status = (drive.status & ~ST_BSY) | ST_DRQ;
  }

  /** Ends PIO data transfer (no more DRQ). */
  transferStop(drive: IdeDrive): void {
    drive.dataPtr = drive.dataEnd = 0;
    drive.pioEnd = "none";
    drive.status &= ~ST_DRQ;
  }

  /** Completes a command with an ABORT error and interrupt (ATA-7 §6.2 "Aborted command"). */
  abort(drive: IdeDrive): void {
    this.transferStop(drive);
    drive.status = ST_DRDY | ST_ERR;
    drive.error = ERR_ABRT;
    this.raiseIrq();
  }

  /** Completes a command successfully with an interrupt. */
  complete(drive: IdeDrive): void {
    drive.status = ST_DRDY | ST_DSC;
    drive.error = 0;
    this.raiseIrq();
  }

  private setIrq(level: boolean): void {
    if (level === this.irqPending) return;
    this.irqPending = level;
    this.irq.setLevel(level);
  }

  /** True when the selected slot reads as absent: no drive on the channel, or an empty slave slot. */
  private selectedAbsent(): boolean {
    return this.empty() || (this.unit === 1 && this.cur().kind === "none");
  }

  /**
   * A command block register read (QEMU's ide_ioport_read): with no drive on the channel all read 0;
   * an empty slave slot reads 0 in error and status and its (shared) task file otherwise.
   */
  private readReg(reg: number): number {
    const d = this.cur();
    const none = this.empty();
    const hob = (this.devctl & DC_HOB) !== 0;
    let v: number;
    switch (reg) {
      case REG_ERROR_FEATURE:
        v = this.selectedAbsent() ? 0 : hob ? d.hobFeature : d.error;
        break;
      case REG_NSECTOR:
        v = none ? 0 : hob ? d.hobNsector : d.nsector;
        break;
      case REG_SECTOR:
        v = none ? 0 : hob ? d.hobSector : d.sector;
        break;
      case REG_LCYL:
        v = none ? 0 : hob ? d.hobLcyl : d.lcyl;
        break;
      case REG_HCYL:
        v = none ? 0 : hob ? d.hobHcyl : d.hcyl;
        break;
      case REG_SELECT:
        v = none ? 0 : d.select;
        break;
      default:
        v = this.selectedAbsent() ? 0 : d.status;
        this.lowerIrq();
        break;
    }
    if (this.trace.read.on)
      this.trace.read.emit({
        addr: this.base + reg,
        reg: READ_REG_NAMES[reg]!,
        val: v,
        bus: this.index,
        unit: this.unit,
      });
    return v;
  }

  private writeReg(reg: number, v: number): void {
    if (this.trace.write.on)
      this.trace.write.emit({
        addr: this.base + reg,
        reg: WRITE_REG_NAMES[reg]!,
        val: v,
        bus: this.index,
        unit: this.unit,
      });
    const busy = (this.cur().status & (ST_BSY | ST_DRQ)) !== 0;
    // While BSY or DRQ the device ignores the command block except the command register (ATA/ATAPI-6
    // §7.1 "shall not write"; QEMU drops them).
    if (busy && reg !== REG_STATUS_CMD) return;
    // Writes to the command block go to both drives (they share the cable); the old value moves to HOB.
    switch (reg) {
      case REG_ERROR_FEATURE:
        for (const d of this.drives) {
          d.hobFeature = d.feature;
          d.feature = v;
        }
        break;
      case REG_NSECTOR:
        for (const d of this.drives) {
          d.hobNsector = d.nsector;
          d.nsector = v;
        }
        break;
      case REG_SECTOR:
        for (const d of this.drives) {
          d.hobSector = d.sector;
          d.sector = v;
        }
        break;
      case REG_LCYL:
        for (const d of this.drives) {
          d.hobLcyl = d.lcyl;
          d.lcyl = v;
        }
        break;
      case REG_HCYL:
        for (const d of this.drives) {
          d.hobHcyl = d.hcyl;
          d.hcyl = v;
        }
        break;
      case REG_SELECT:
        for (const d of this.drives) d.select = v | DEV_ALWAYS_ON;
        this.unit = (v & DEV_DRV) !== 0 ? 1 : 0;
        break;
      default: {
        // Writing a command lowers INTRQ even when the command is then ignored: by an absent slave,
        // or while BSY or DRQ unless it is an ATAPI device's DEVICE RESET (ATA-7 §5.2.2; QEMU's
        // ide_exec_cmd).
        this.devctl &= ~DC_HOB;
        this.lowerIrq();
        const d = this.cur();
        if (this.unit === 1 && d.kind === "none") return;
        if (busy && (v !== ATA_DEVICE_RESET || d.kind !== "cdrom")) return;
        this.commands.exec(this, d, v);
        return;
      }
    }
    // The HOB bit is cleared by any write to the command block (ATA-7 §6.20).
    this.devctl &= ~DC_HOB;
  }

  private readAltStatus(): number {
    const d = this.cur();
    const absent = this.empty() || (this.unit === 1 && d.kind === "none");
    const v = absent ? 0 : d.status;
    if (this.trace.status.on)
      this.trace.status.emit({ addr: this.ctrlPort, val: v, bus: this.index, unit: this.unit });
    return v;
  }

  private writeControl(v: number): void {
    if (this.trace.ctrl.on) this.trace.ctrl.emit({ addr: this.ctrlPort, val: v, bus: this.index });
    const was = this.devctl;
    this.devctl = v;
    if ((v & DC_SRST) !== 0 && (was & DC_SRST) === 0) {
      // Entering reset: transfers stop, both drives busy.
      this.bm?.cancel();
      for (const d of this.drives) {
        this.transferStop(d);
        d.status |= ST_BSY;
      }
    } else if ((v & DC_SRST) === 0 && (was & DC_SRST) !== 0) {
      // Leaving reset: each drive resets and runs its diagnostic, device 0 is selected (ATA/ATAPI-6
      // §9.2; QEMU's ide_perform_srst).
      for (const d of this.drives) {
        if (this.trace.reset.on) this.trace.reset.emit({ bus: this.index, unit: d.unit });
        d.resetRegisters();
        d.diagnosticResult();
      }
      this.unit = 0;
    }
  }

  private readData(size: 1 | 2 | 4): number {
    const d = this.cur();
    if (!this.pioReady(d, "data-in")) return 0;
    const b = d.ioBuffer;
    const p = d.dataPtr;
    let v = b[p]! | (b[p + 1]! << 8);
    if (size === 4) v = (v | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0;
    d.dataPtr = p + size;
    if (d.dataPtr >= d.dataEnd) this.endOfBuffer(d);
    return v;
  }

  private writeData(size: 1 | 2 | 4, v: number): void {
    const d = this.cur();
    if (size === 2 && this.trace.dataW.on)
      this.trace.dataW.emit({ addr: this.base, val: v, bus: this.index, unit: this.unit });
    if (size === 4 && this.trace.dataL.on)
      this.trace.dataL.emit({ addr: this.base, val: v, bus: this.index, unit: this.unit });
    if (!this.pioReady(d, "data-out")) {
      this.log.guestError(
        `ide${this.index}: data write without a data-out DRQ ignored`,
        `ide-nodrq-${this.index}`,
      );
      return;
    }
    const b = d.ioBuffer;
    const p = d.dataPtr;
    b[p] = v & 0xff;
    b[p + 1] = (v >>> 8) & 0xff;
    if (size === 4) {
      b[p + 2] = (v >>> 16) & 0xff;
      b[p + 3] = (v >>> 24) & 0xff;
    }
    d.dataPtr = p + size;
    if (d.dataPtr >= d.dataEnd) this.endOfBuffer(d);
  }

  /** True when `d` has DRQ set for a PIO transfer in `direction` with bytes left. */
  private pioReady(d: IdeDrive, direction: PioDirection): boolean {
    return (
      (d.status & ST_DRQ) !== 0 &&
      d.pioEnd !== "none" &&
      d.dataPtr < d.dataEnd &&
      d.pioDirection === direction
    );
  }

  /** The guest consumed the PIO window: DRQ drops and the command's continuation runs. */
  private endOfBuffer(d: IdeDrive): void {
    const end = d.pioEnd;
    d.pioEnd = "none";
    d.status &= ~ST_DRQ;
    this.commands.pioEnd(this, d, end);
    this.aio?.kick();
  }
}
