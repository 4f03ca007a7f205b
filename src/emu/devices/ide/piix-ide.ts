// The PIIX3 IDE function 00:01.1 (8086:7010; Intel 82371SB datasheet §2.3): two channels in legacy
// (compatibility) mode at 0x1f0/0x3f6 (IRQ 14) and 0x170/0x376 (IRQ 15), and the bus-master IDE
// registers behind BAR4 (16 I/O ports: primary at +0, secondary at +8).
import type { BlockBackend } from "../../block/index.ts";
import type { GuestLog } from "../../io/guest-log.ts";
import { type PortBus, SIZES_ALL } from "../../io/port-bus.ts";
import type { AioPump } from "../../machine/aio-pump.ts";
import type { TraceBus } from "../../trace/bus.ts";
import type { DmaMemory, IrqLine } from "../irq.ts";
import { PciFunction } from "../pci-bus.ts";
import { ATA_COMMANDS } from "./ata-commands.ts";
import { BM_STATUS_DRIVE0_DMA, BM_STATUS_DRIVE1_DMA, Bmdma } from "./bmdma.ts";
import { IdeBus, type IdeDrive, SECTOR_SIZE } from "./ide-bus.ts";

export const IDE_PRIMARY_BASE = 0x1f0;
export const IDE_PRIMARY_CTRL = 0x3f6;
export const IDE_SECONDARY_BASE = 0x170;
export const IDE_SECONDARY_CTRL = 0x376;
export const PIIX_IDE_BMDMA_BAR = 4;
export const BMDMA_SIZE = 16;
/** Programming interface: legacy mode on both channels, bus master capable. */
export const PIIX_IDE_PROG_IF = 0x80;

/** The IDE function with its two channels. */
export class IdeController extends PciFunction {
  readonly buses: [IdeBus, IdeBus];
  readonly bmdma: [Bmdma, Bmdma];

  /** Registers the legacy ports; `irqs` are ISA IRQ 14 and 15. */
  constructor(
    io: PortBus,
    memory: DmaMemory,
    irqs: [IrqLine, IrqLine],
    trace: TraceBus,
    log: GuestLog,
    aio: AioPump | null,
  ) {
    super("piix3-ide", 0x8086, 0x7010, 0x0101, PIIX_IDE_PROG_IF);
    this.wmask.fill(0xff, 0x40);
    this.buses = [
      new IdeBus(0, io, IDE_PRIMARY_BASE, IDE_PRIMARY_CTRL, irqs[0], trace, log, aio, ATA_COMMANDS),
      new IdeBus(1, io, IDE_SECONDARY_BASE, IDE_SECONDARY_CTRL, irqs[1], trace, log, aio, ATA_COMMANDS),
    ];
    this.bmdma = [new Bmdma(this.buses[0], memory), new Bmdma(this.buses[1], memory)];
    this.addIoBar(PIIX_IDE_BMDMA_BAR, BMDMA_SIZE, {
      name: "piix-bmdma",
      sizes: SIZES_ALL,
      read: (port, size) =>
        this.bmdma[((port - this.bmdmaBase()) >> 3) & 1]!.read((port - this.bmdmaBase()) & 7, size),
      write: (port, size, v) =>
        this.bmdma[((port - this.bmdmaBase()) >> 3) & 1]!.write((port - this.bmdmaBase()) & 7, size, v),
    });
  }

  /** Attaches a drive at index 0..3 (QEMU's -drive index: bus = index / 2, unit = index % 2). */
  attach(index: number, media: "disk" | "cdrom", backend: BlockBackend | null): IdeDrive {
    const bus = this.buses[index >> 1]!;
    const d = bus.attach(index & 1, media, backend);
    if (media === "disk" && backend !== null) {
      d.totalSectors = Math.floor(backend.size / SECTOR_SIZE);
      let cyl = Math.floor(d.totalSectors / (16 * 63));
      cyl = Math.max(2, Math.min(cyl, 16383));
      d.cylinders = cyl;
      d.heads = 16;
      d.sectorsPerTrack = 63;
    }
    return d;
  }

  override reset(): void {
    super.reset();
    for (let i = 0; i < 2; i++) {
      this.buses[i]!.reset();
      this.bmdma[i]!.reset();
      const drives = this.buses[i]!.drives;
      this.bmdma[i]!.status =
        (drives[0].kind !== "none" ? BM_STATUS_DRIVE0_DMA : 0) |
        (drives[1].kind !== "none" ? BM_STATUS_DRIVE1_DMA : 0);
    }
  }

  private bmdmaBase(): number {
    return this.ioBarBase(PIIX_IDE_BMDMA_BAR) ?? 0;
  }
}
