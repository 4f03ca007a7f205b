// The PIIX bus-master IDE engine (Intel 82371SB PIIX3 datasheet §2.7 "Bus Master IDE registers" and
// §5.3 "Physical Region Descriptor format"), one per channel: command (start/stop, direction),
// status (active; error and interrupt are write-1-to-clear; drive DMA-capable bits) and the PRD table
// address. A DMA command on the channel runs once both the drive is ready and the engine is started:
// the PRD table is walked from guest memory (32-bit address, 16-bit count with 0 = 64 KiB, bit 31 of
// the second dword ends the table), the sectors move through the block layer in one request per
// table walk, and the drive interrupts when all sectors are done, as QEMU's ide_dma_cb does.

import type { TracePoint } from "../../trace/bus.ts";
import type { DmaMemory } from "../irq.ts";
import { setSector } from "./ata-commands.ts";
import {
  type BusMaster,
  ERR_ABRT,
  type IdeBus,
  type IdeDrive,
  SECTOR_SIZE,
  ST_DRDY,
  ST_DRQ,
  ST_DSC,
  ST_ERR,
} from "./ide-bus.ts";

/** Register offsets within a channel's 8 bytes. */
export const BM_CMD = 0;
export const BM_STATUS = 2;
export const BM_PRD_ADDR = 4;
/** Command bits. */
export const BM_CMD_START = 0x01;
export const BM_CMD_READ = 0x08; // transfer direction: device to memory
/** Status bits. */
export const BM_STATUS_ACTIVE = 0x01;
export const BM_STATUS_ERROR = 0x02;
export const BM_STATUS_INT = 0x04;
export const BM_STATUS_DRIVE0_DMA = 0x20;
export const BM_STATUS_DRIVE1_DMA = 0x40;
/** PRD: end of table. */
export const PRD_EOT = 0x80000000;
/** The largest PRD table walked (a table is at most one 64 KiB-aligned page of 8-byte entries). */
const MAX_PRD_ENTRIES = 8192;

/** One scatter/gather piece of guest memory. */
interface SgEntry {
  addr: number;
  len: number;
}

/** The engine of one channel. */
export class Bmdma implements BusMaster {
  cmd = 0;
  status = 0;
  prdAddr = 0;
  /** The drive whose DMA command waits for (or runs on) the engine. */
  private pending: IdeDrive | null = null;
  /** A block request in flight. */
  private busy = false;
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

  reset(): void {
    this.cmd = 0;
    this.status = 0;
    this.prdAddr = 0;
    this.pending = null;
    this.busy = false;
  }

  /** Register read at channel offset `off` (byte registers 0..3, the PRD address 4..7). */
  read(off: number, size: 1 | 2 | 4): number {
    let v: number;
    if (off >= BM_PRD_ADDR)
      v = (this.prdAddr >>> (8 * (off - BM_PRD_ADDR))) & (size === 4 ? 0xffffffff : (1 << (8 * size)) - 1);
    else {
      v = 0;
      for (let i = 0; i < size && off + i < BM_PRD_ADDR; i++) v |= this.readByte(off + i) << (8 * i);
    }
    if (this.points.read.on) this.points.read.emit({ addr: off, val: v >>> 0 });
    return v >>> 0;
  }

  /** Register write at channel offset `off`. */
  write(off: number, size: 1 | 2 | 4, value: number): void {
    if (this.points.write.on) this.points.write.emit({ addr: off, val: value >>> 0 });
    if (off >= BM_PRD_ADDR) {
      const shift = 8 * (off - BM_PRD_ADDR);
      const mask = (size === 4 ? 0xffffffff : (1 << (8 * size)) - 1) * 2 ** shift;
      const merged = (this.prdAddr & ~mask) | ((value * 2 ** shift) & mask);
      this.prdAddr = (merged & ~3) >>> 0;
      return;
    }
    for (let i = 0; i < size && off + i < BM_PRD_ADDR; i++)
      this.writeByte(off + i, (value >>> (8 * i)) & 0xff);
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

  private readByte(off: number): number {
    if (off === BM_CMD) return this.cmd;
    if (off === BM_STATUS) return this.status;
    return 0;
  }

  private writeByte(off: number, v: number): void {
    if (off === BM_CMD) {
      const point = this.points.cmdWriteb;
      if (point.on) point.emit({ val: v });
      if ((v & BM_CMD_START) !== (this.cmd & BM_CMD_START)) {
        if ((v & BM_CMD_START) === 0) {
          // Stopping the engine mid-transfer abandons it (QEMU waits for the request; ours is done).
          this.status &= ~BM_STATUS_ACTIVE;
        } else if ((this.status & BM_STATUS_ACTIVE) === 0) {
          this.status |= BM_STATUS_ACTIVE;
          this.cmd = v & (BM_CMD_START | BM_CMD_READ);
          if (this.pending !== null && !this.busy) this.dmaCb(0, 0);
          this.bus.aio?.kick();
          return;
        }
      }
      this.cmd = v & (BM_CMD_START | BM_CMD_READ);
    } else if (off === BM_STATUS) {
      this.status =
        (v & (BM_STATUS_DRIVE0_DMA | BM_STATUS_DRIVE1_DMA)) |
        (this.status & BM_STATUS_ACTIVE) |
        (this.status & ~v & (BM_STATUS_ERROR | BM_STATUS_INT));
    }
  }

  /** Walks the PRD table for up to `bytes`; returns the pieces (fewer bytes when the table ends). */
  private prepare(bytes: number): SgEntry[] {
    const sg: SgEntry[] = [];
    let total = 0;
    let at = this.prdAddr;
    for (let i = 0; i < MAX_PRD_ENTRIES && total < bytes; i++) {
      const raw = this.memory.readPhysical(at, 8);
      const addr = (raw[0]! | (raw[1]! << 8) | (raw[2]! << 16) | (raw[3]! << 24)) >>> 0;
      const ctl = (raw[4]! | (raw[5]! << 8) | (raw[6]! << 16) | (raw[7]! << 24)) >>> 0;
      let len = ctl & 0xfffe;
      if (len === 0) len = 0x10000;
      len = Math.min(len, bytes - total);
      sg.push({ addr: addr & ~1, len });
      total += len;
      at += 8;
      if ((ctl & PRD_EOT) !== 0) break;
    }
    return sg;
  }

  /**
   * QEMU's ide_dma_cb: commits the `done` sectors of the previous step, then finishes the command
   * (interrupt, engine inactive) or starts the next block request for the remaining sectors.
   */
  private dmaCb(ret: number, done: number): void {
    const d = this.pending;
    if (d === null) return;
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
    const sg = this.prepare(n * SECTOR_SIZE);
    const got = sg.reduce((s, e) => s + e.len, 0);
    if (got < n * SECTOR_SIZE) {
      // PRDs too short: engine inactive, no interrupt (QEMU's error path).
      this.bus.log.guestError(
        `bmdma: PRD table at 0x${this.prdAddr.toString(16)} describes ${got} bytes, ${n * SECTOR_SIZE} needed`,
      );
      d.status = ST_DRDY | ST_DSC;
      this.pending = null;
      d.dmaDir = null;
      this.status = (this.status & ~BM_STATUS_ACTIVE) | BM_STATUS_ERROR;
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

  /** Ends the DMA command: interrupt, engine inactive (QEMU's ide_set_inactive). */
  private finish(d: IdeDrive, error: boolean): void {
    this.pending = null;
    d.dmaDir = null;
    d.status &= ~ST_DRQ;
    if (error) {
      d.status = ST_DRDY | ST_ERR;
      d.error = ERR_ABRT;
      this.status |= BM_STATUS_ERROR;
    }
    this.status &= ~BM_STATUS_ACTIVE;
    this.bus.raiseIrq();
  }
}
