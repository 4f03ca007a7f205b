// The PIIX3 IDE function 00:01.1 (8086:7010; Intel 82371SB datasheet §2.3): two channels in legacy
// (compatibility) mode at 0x1f0/0x3f6 (IRQ 14) and 0x170/0x376 (IRQ 15), and the bus-master IDE
// registers behind BAR4 (16 I/O ports: primary at +0, secondary at +8).
import type { BlockBackend } from "../../block/index.ts";
import type { GuestLog } from "../../io/guest-log.ts";
import { type PortBus, SIZES_ALL, sizeMask } from "../../io/port-bus.ts";
import type { AioPump } from "../../machine/aio-pump.ts";
import type { TraceBus } from "../../trace/bus.ts";
import type { DmaMemory, IrqLine } from "../irq.ts";
import type { PciFunctionState } from "../pci-bus.ts";
import { PciFunction } from "../pci-bus.ts";
import { ATA_COMMANDS } from "./ata-commands.ts";
import type { BmdmaState } from "./bmdma.ts";
import { BM_CHANNEL_PORTS, BM_PRD_ADDR, Bmdma } from "./bmdma.ts";
import type { IdeBusState } from "./ide-bus.ts";
import { IdeBus, type IdeDrive, SECTOR_SIZE } from "./ide-bus.ts";

export const IDE_PRIMARY_BASE = 0x1f0;
export const IDE_PRIMARY_CTRL = 0x3f6;
export const IDE_SECONDARY_BASE = 0x170;
export const IDE_SECONDARY_CTRL = 0x376;
export const PIIX_IDE_BMDMA_BAR = 4;
export const BMDMA_SIZE = 16;
/** Identity: Intel 82371SB function 1, class "mass storage, IDE"; programming interface: legacy mode on both channels, bus master capable. */
export const PCI_VENDOR_INTEL = 0x8086;
export const PIIX3_IDE_DEVICE_ID = 0x7010;
export const PCI_CLASS_STORAGE_IDE = 0x0101;
export const PIIX_IDE_PROG_IF = 0x80;
/** Device-specific configuration from here on (IDE timing and friends) is read/write storage. */
const PIIX_IDE_TIMING = 0x40;
/** The CHS geometry QEMU gives a disk without a hint: 16 heads, 63 sectors, 2..16383 cylinders. */
const DEFAULT_HEADS = 16;
const DEFAULT_SECTORS_PER_TRACK = 63;
const MIN_CYLINDERS = 2;
const MAX_CYLINDERS = 16383;

/** The IDE function's saved state. */
export interface IdeControllerState extends PciFunctionState {
  readonly buses: readonly IdeBusState[];
  readonly bmdma: readonly BmdmaState[];
}

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
    super("piix3-ide", PCI_VENDOR_INTEL, PIIX3_IDE_DEVICE_ID, PCI_CLASS_STORAGE_IDE, PIIX_IDE_PROG_IF);
    this.wmask.fill(0xff, PIIX_IDE_TIMING);
    this.buses = [
      new IdeBus(0, io, IDE_PRIMARY_BASE, IDE_PRIMARY_CTRL, irqs[0], trace, log, aio, ATA_COMMANDS),
      new IdeBus(1, io, IDE_SECONDARY_BASE, IDE_SECONDARY_CTRL, irqs[1], trace, log, aio, ATA_COMMANDS),
    ];
    this.bmdma = [new Bmdma(this.buses[0], memory), new Bmdma(this.buses[1], memory)];
    this.addIoBar(PIIX_IDE_BMDMA_BAR, BMDMA_SIZE, {
      name: "piix-bmdma",
      sizes: SIZES_ALL,
      // Each channel's command/status bytes answer byte accesses only (QEMU's bmdma_read reads all
      // ones and bmdma_write ignores any wider one); the PRD table address takes any width.
      read: (port, size) => {
        const off = (port - this.bmdmaBase()) % BM_CHANNEL_PORTS;
        return off < BM_PRD_ADDR && size !== 1 ? sizeMask(size) : this.channelOf(port).read(off, size);
      },
      write: (port, size, v) => {
        const off = (port - this.bmdmaBase()) % BM_CHANNEL_PORTS;
        if (off >= BM_PRD_ADDR || size === 1) this.channelOf(port).write(off, size, v);
      },
    });
  }

  /** Attaches a drive at index 0..3 (QEMU's -drive index: bus = index / 2, unit = index % 2). */
  attach(index: number, media: "disk" | "cdrom", backend: BlockBackend | null): IdeDrive {
    const bus = this.buses[index >> 1]!;
    const d = bus.attach(index & 1, media, backend);
    if (media === "disk" && backend !== null) {
      d.totalSectors = Math.floor(backend.size / SECTOR_SIZE);
      const cylinders = Math.floor(d.totalSectors / (DEFAULT_HEADS * DEFAULT_SECTORS_PER_TRACK));
      d.cylinders = Math.max(MIN_CYLINDERS, Math.min(cylinders, MAX_CYLINDERS));
      d.heads = DEFAULT_HEADS;
      d.sectorsPerTrack = DEFAULT_SECTORS_PER_TRACK;
    }
    return d;
  }

  /** Config space, both channels and both bus-master engines. */
  override saveState(): IdeControllerState {
    return {
      ...super.saveState(),
      buses: this.buses.map((b) => b.saveState()),
      bmdma: this.bmdma.map((b) => b.saveState()),
    };
  }

  /** Puts back a saveState() copy. */
  override loadState(s: IdeControllerState): void {
    super.loadState(s);
    this.buses.forEach((b, i) => {
      b.loadState(s.buses[i]!);
    });
    this.bmdma.forEach((b, i) => {
      b.loadState(s.bmdma[i]!);
    });
  }

  /** System reset: both channels and engines (the engines' status all clear, as QEMU's bmdma_reset). */
  override reset(): void {
    super.reset();
    for (let i = 0; i < 2; i++) {
      this.buses[i]!.reset();
      this.bmdma[i]!.reset();
    }
  }

  /** The engine a bus-master port belongs to (primary at +0, secondary at +8). */
  private channelOf(port: number): Bmdma {
    return this.bmdma[Math.floor((port - this.bmdmaBase()) / BM_CHANNEL_PORTS)]!;
  }

  private bmdmaBase(): number {
    return this.ioBarBase(PIIX_IDE_BMDMA_BAR) ?? 0;
  }
}
