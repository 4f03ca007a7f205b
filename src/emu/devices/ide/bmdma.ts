// The PIIX bus-master IDE engine (SFF-8038i rev 1.0 "Bus Master Programming Interface"; Intel
// 82371SB PIIX3 datasheet §2.7 and §5.3), one per channel: command (start/stop, direction), status
// (active; error and interrupt are write-1-to-clear; drive DMA-capable bits the host keeps) and the
// PRD table address. A DMA command on the channel runs once both the drive is ready and the engine
// is started: the PRD table is walked from guest memory (32-bit address, 16-bit count with 0 = 64
// KiB, bit 31 of the second dword ends the table), the sectors move through the block layer in one
// request per table walk, and the drive interrupts when all sectors are done, as QEMU's ide_dma_cb
// does. SFF-8038i §3.1's outcomes: a table describing fewer bytes than the transfer ends with
// neither interrupt nor active; exactly as many, interrupt and not active; more, interrupt and still
// active (the host stops the engine).

import { loadPlain, type PlainRecord, savePlain } from "../../snapshot/plain.ts";
import type { TracePoint } from "../../trace/bus.ts";
import type { DmaMemory } from "../irq.ts";
import { rangeOk, setSector } from "./ata-commands.ts";
import { atapiDmaFill, atapiDmaFinish } from "./atapi.ts";
import {
  type BusMaster,
  ERR_ABRT,
  type IdeBus,
  type IdeDrive,
  type PacketDma,
  SECTOR_SIZE,
  ST_DRDY,
  ST_DRQ,
  ST_DSC,
  ST_ERR,
} from "./ide-bus.ts";

/** Register offsets within a channel's 8 bytes: byte registers below the PRD table address dword. */
export const BM_CMD = 0;
export const BM_STATUS = 2;
export const BM_PRD_ADDR = 4;
export const BM_CHANNEL_PORTS = 8;
/** Command bits. */
export const BM_CMD_START = 0x01;
export const BM_CMD_READ = 0x08; // transfer direction: device to memory
/** Status bits. */
export const BM_STATUS_ACTIVE = 0x01;
export const BM_STATUS_ERROR = 0x02;
export const BM_STATUS_INT = 0x04;
export const BM_STATUS_DRIVE0_DMA = 0x20;
export const BM_STATUS_DRIVE1_DMA = 0x40;
/** PRD entry: byte count in bits 15:1 (0 = 64 KiB), address bit 0 ignored, end of table in bit 31. */
export const PRD_BYTES_MASK = 0xfffe;
export const PRD_BYTES_ZERO = 0x10000;
export const PRD_ADDR_MASK = 0xfffffffe;
export const PRD_EOT = 0x80000000;
export const PRD_ENTRY_SIZE = 8;
/** The PRD table address is dword aligned. */
const PRD_TABLE_ALIGN_MASK = 0xfffffffc;
/** PRD entries walked at most without an end of table (QEMU's fail-safe of one 4 KiB page). */
const MAX_PRD_ENTRIES = 512;

/** One scatter/gather piece of guest memory. */
interface SgEntry {
  addr: number;
  len: number;
}

/** A walked PRD table: the pieces covering the transfer and the bytes the whole table describes. */
interface PrdWalk {
  sg: SgEntry[];
  /** Bytes in `sg` (at most the transfer's). */
  bytes: number;
  /** Bytes every entry up to the end of table describes. */
  described: number;
}

/** Mask of the low `size` bytes. */
function sizeMask(size: 1 | 2 | 4): number {
  return size === 4 ? 0xffffffff : (1 << (8 * size)) - 1;
}

/** The engine of one channel. */
/** The engine's saved state. */
export interface BmdmaState {
  readonly regs: PlainRecord;
  /** The unit whose DMA command waits for the engine, or -1. */
  readonly pendingUnit: number;
}

export class Bmdma implements BusMaster {
  cmd = 0;
  status = 0;
  prdAddr = 0;
  /** The drive whose DMA command waits for (or runs on) the engine. */
  private pending: IdeDrive | null = null;
  /** A block request in flight. */
  private busy = false;
  /** The PRD table of the transfer describes more bytes than it moves. */
  private stayActive = false;
  private readonly points: {
    write: TracePoint;
    read: TracePoint;
    cb: TracePoint;
    io: TracePoint;
    done: TracePoint;
    cmdWriteb: TracePoint;
  };

  constructor(
    readonly bus: IdeBus,
    private readonly memory: DmaMemory,
  ) {
    const t = bus.traceBus;
    this.points = {
      write: t.point("bmdma_write"),
      read: t.point("bmdma_read"),
      cb: t.point("ide_dma_cb"),
      io: t.point("dma_blk_io"),
      done: t.point("dma_complete"),
      cmdWriteb: t.point("bmdma_cmd_writeb"),
    };
    bus.bm = this;
  }

  /** The registers and the transfer state (the waiting drive as its unit), as plain data. */
  saveState(): BmdmaState {
    return {
      regs: savePlain(this, ["bus", "memory", "points", "pending"]),
      pendingUnit: this.pending?.unit ?? -1,
    };
  }

  /** Puts back a saveState() copy. Needs: no block request in flight (the machine drains first). */
  loadState(s: BmdmaState): void {
    loadPlain(this, s.regs);
    this.pending = s.pendingUnit < 0 ? null : this.bus.drives[s.pendingUnit]!;
  }

  reset(): void {
    this.cmd = 0;
    this.status = 0;
    this.prdAddr = 0;
    this.pending = null;
    this.busy = false;
    this.stayActive = false;
  }

  /**
   * Register read at channel offset `off`: a byte register below BM_PRD_ADDR (the port bus gives
   * those byte accesses only), or `size` bytes of the PRD table address from `off`.
   */
  read(off: number, size: 1 | 2 | 4): number {
    let v: number;
    if (off >= BM_PRD_ADDR) v = (this.prdAddr >>> (8 * (off - BM_PRD_ADDR))) & sizeMask(size);
    else if (off === BM_CMD) v = this.cmd;
    else if (off === BM_STATUS) v = this.status;
    else v = 0;
    if (this.points.read.on) this.points.read.emit({ addr: off, val: v >>> 0 });
    return v >>> 0;
  }

  /** Register write at channel offset `off` (as read(): a byte register or part of the PRD address). */
  write(off: number, size: 1 | 2 | 4, value: number): void {
    if (this.points.write.on) this.points.write.emit({ addr: off, val: value >>> 0 });
    if (off >= BM_PRD_ADDR) {
      const shift = 8 * (off - BM_PRD_ADDR);
      const mask = sizeMask(size) * 2 ** shift;
      const merged = (this.prdAddr & ~mask) | ((value * 2 ** shift) & mask);
      this.prdAddr = (merged & PRD_TABLE_ALIGN_MASK) >>> 0;
    } else if (off === BM_CMD) this.writeCommand(value);
    else if (off === BM_STATUS) this.writeStatus(value);
  }

  dmaReady(drive: IdeDrive): void {
    this.pending = drive;
    if ((this.status & BM_STATUS_ACTIVE) !== 0) this.dmaCb(0, 0);
  }

  onIrq(): void {
    this.status |= BM_STATUS_INT;
  }

  cancel(): void {
    this.pending = null;
    this.status &= ~BM_STATUS_ACTIVE;
  }

  /** The command register: a START edge runs a waiting DMA command; clearing START stops the engine. */
  private writeCommand(v: number): void {
    const point = this.points.cmdWriteb;
    if (point.on) point.emit({ val: v });
    const was = this.cmd;
    this.cmd = v & (BM_CMD_START | BM_CMD_READ);
    if ((v & BM_CMD_START) === (was & BM_CMD_START)) return;
    if ((v & BM_CMD_START) === 0) {
      // Stopping the engine mid-transfer abandons it (QEMU waits for the request; ours is done).
      this.status &= ~BM_STATUS_ACTIVE;
    } else if ((this.status & BM_STATUS_ACTIVE) === 0) {
      this.status |= BM_STATUS_ACTIVE;
      if (this.pending !== null && !this.busy) this.dmaCb(0, 0);
      this.bus.aio?.kick();
    }
  }

  /** The status register: drive DMA-capable bits are the host's, ERROR and INTERRUPT write-1-to-clear. */
  private writeStatus(v: number): void {
    this.status =
      (v & (BM_STATUS_DRIVE0_DMA | BM_STATUS_DRIVE1_DMA)) |
      (this.status & BM_STATUS_ACTIVE) |
      (this.status & ~v & (BM_STATUS_ERROR | BM_STATUS_INT));
  }

  /**
   * Walks the PRD table (to its end of table, or MAX_PRD_ENTRIES) for a transfer of `bytes`: the
   * pieces covering at most `bytes`, and how many bytes the table describes in all (QEMU's
   * bmdma_prepare_buf, which consumes the whole table).
   */
  private prepare(bytes: number): PrdWalk {
    const sg: SgEntry[] = [];
    let taken = 0;
    let described = 0;
    let at = this.prdAddr;
    for (let i = 0; i < MAX_PRD_ENTRIES; i++) {
      const entry = new DataView(this.memory.readPhysical(at, PRD_ENTRY_SIZE).buffer);
      const addr = entry.getUint32(0, true);
      const ctl = entry.getUint32(4, true);
      const len = ctl & PRD_BYTES_MASK || PRD_BYTES_ZERO;
      const use = Math.min(len, bytes - taken);
      if (use > 0) sg.push({ addr: (addr & PRD_ADDR_MASK) >>> 0, len: use });
      taken += use;
      described += len;
      at += PRD_ENTRY_SIZE;
      if ((ctl & PRD_EOT) !== 0) break;
    }
    return { sg, bytes: taken, described };
  }

  /**
   * QEMU's ide_dma_cb: commits the `done` sectors of the previous step, then finishes the command
   * (interrupt, engine inactive) or starts the next block request for the remaining sectors.
   */
  private dmaCb(ret: number, done: number): void {
    const d = this.pending;
    if (d === null) return;
    if (d.packetTransfer !== null) {
      this.packetCb(d, d.packetTransfer);
      return;
    }
    if (ret < 0) {
      this.finish(d, true);
      return;
    }
    if (done > 0) {
      d.sectorNum += done;
      d.remaining -= done;
      setSector(d, d.sectorNum);
    }
    if (d.remaining === 0) {
      d.status = ST_DRDY | ST_DSC;
      this.finish(d, false);
      return;
    }
    const n = d.remaining;
    if (!rangeOk(d, d.sectorNum, n)) {
      this.finish(d, true);
      return;
    }
    const walk = this.prepare(n * SECTOR_SIZE);
    const { sg, bytes: got } = walk;
    this.stayActive = walk.described > got;
    if (got < n * SECTOR_SIZE) {
      // PRDs too short: the drive stops, the engine goes inactive, no interrupt (SFF-8038i §3.1;
      // QEMU's ide_dma_cb).
      this.bus.log.guestError(
        `bmdma: PRD table at 0x${this.prdAddr.toString(16)} describes ${got} bytes, ${n * SECTOR_SIZE} needed`,
      );
      d.status = ST_DRDY | ST_DSC;
      this.pending = null;
      d.dmaDir = null;
      this.status &= ~BM_STATUS_ACTIVE;
      return;
    }
    const dir = d.dmaDir!;
    if (this.points.cb.on) this.points.cb.emit({ sector_num: d.sectorNum, n, dma: dir }, { req: d.cmdReq });
    const dmaReq = this.bus.aio?.ctx.newRequestId() ?? 0;
    const offset = d.sectorNum * SECTOR_SIZE;
    if (this.points.io.on)
      this.points.io.emit(
        { offset, to_dev: dir === "write" ? 1 : 0, bytes: got },
        { req: dmaReq, parent: d.cmdReq },
      );
    const complete = (r: number) => {
      this.busy = false;
      if (this.points.done.on) this.points.done.emit({ ret: r }, { req: dmaReq, parent: d.cmdReq });
      this.dmaCb(r, r < 0 ? 0 : n);
    };
    this.busy = true;
    if (dir === "write") {
      const buf = new Uint8Array(got);
      let p = 0;
      for (const e of sg) {
        buf.set(this.memory.readPhysical(e.addr, e.len), p);
        p += e.len;
      }
      d.backend!.aioPwritev(offset, buf, complete, { parent: dmaReq });
    } else {
      const buf = new Uint8Array(got);
      d.backend!.aioPreadv(
        offset,
        buf,
        (r) => {
          if (r >= 0) {
            let p = 0;
            for (const e of sg) {
              this.memory.writePhysical(e.addr, buf.subarray(p, p + e.len));
              p += e.len;
            }
          }
          complete(r);
        },
        { parent: dmaReq },
      );
    }
  }

  /**
   * An ATAPI transfer (QEMU's ide_atapi_cmd_read_dma_cb): the PRD table walked for its bytes; too
   * short, the drive stops without an interrupt as for ATA; else the data is produced, scattered to
   * memory, and the drive completes the command (its interrupt sets INTR).
   */
  private packetCb(d: IdeDrive, transfer: PacketDma): void {
    const walk = this.prepare(transfer.bytes);
    this.stayActive = walk.described > walk.bytes;
    this.pending = null;
    d.packetTransfer = null;
    if (walk.bytes < transfer.bytes) {
      this.bus.log.guestError(
        `bmdma: PRD table at 0x${this.prdAddr.toString(16)} describes ${walk.bytes} bytes, ${transfer.bytes} needed`,
      );
      d.status = ST_DRDY | ST_DSC;
      this.status &= ~BM_STATUS_ACTIVE;
      return;
    }
    this.busy = true;
    const buf = new Uint8Array(transfer.bytes);
    atapiDmaFill(d, transfer, buf, (ok) => {
      this.busy = false;
      if (ok) {
        let p = 0;
        for (const e of walk.sg) {
          this.memory.writePhysical(e.addr, buf.subarray(p, p + e.len));
          p += e.len;
        }
      }
      if (!ok || !this.stayActive) this.status &= ~BM_STATUS_ACTIVE;
      atapiDmaFinish(this.bus, d, ok);
    });
  }

  /**
   * Ends the DMA command with an interrupt; the engine stays active when the PRD table described more
   * than the transfer (QEMU's ide_set_inactive). An error (out-of-range address, block-layer error)
   * aborts the command (QEMU's ide_dma_error); the engine's ERROR bit is for bus errors, never set.
   */
  private finish(d: IdeDrive, error: boolean): void {
    this.pending = null;
    d.dmaDir = null;
    d.status &= ~ST_DRQ;
    if (error) {
      d.status = ST_DRDY | ST_ERR;
      d.error = ERR_ABRT;
    }
    if (error || !this.stayActive) this.status &= ~BM_STATUS_ACTIVE;
    this.bus.raiseIrq();
  }
}
