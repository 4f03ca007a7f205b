// The PIIX3 PCI-to-ISA bridge, function 00:01.0 (Intel 82371SB PIIX3 datasheet §2.2): the PIRQ route
// control registers 0x60-0x63 (PIRQA-D -> ISA IRQ, bit 7 = disabled) and the edge/level control
// registers ELCR1/ELCR2 at ports 0x4d0/0x4d1 (§4.1.8), which select level triggering per IRQ in the
// 8259 pair. On a system reset the bridge's registers return to their datasheet defaults.
import { type PortBus, SIZE_8 } from "../io/port-bus.ts";
import type { I8259Pair } from "./i8259.ts";
import type { PciFunctionState } from "./pci-bus.ts";
import { PCI_HEADER_MULTIFUNCTION, PCI_HEADER_TYPE, PciFunction } from "./pci-bus.ts";

export const PIIX_PIRQC = 0x60;
export const PIRQ_DISABLED = 0x80;
export const PIRQ_IRQ_MASK = 0x0f;
export const ELCR_PORT = 0x4d0;

/** Config defaults after reset (82371SB §2.2, as QEMU's piix3_reset). */
const DEFAULTS: [number, number][] = [
  [0x4c, 0x4d],
  [0x4e, 0x03],
  [0x4f, 0x00],
  [0x60, 0x80],
  [0x61, 0x80],
  [0x62, 0x80],
  [0x63, 0x80],
  [0x69, 0x02],
  [0x70, 0x80],
  [0x76, 0x0c],
  [0x77, 0x0c],
  [0x78, 0x02],
  [0x79, 0x00],
  [0x80, 0x00],
  [0x82, 0x00],
  [0xa0, 0x08],
  [0xa2, 0x00],
  [0xa3, 0x00],
  [0xa4, 0x00],
  [0xa5, 0x00],
  [0xa6, 0x00],
  [0xa7, 0x00],
  [0xa8, 0x0f],
  [0xaa, 0x00],
  [0xab, 0x00],
  [0xac, 0x00],
  [0xae, 0x00],
];

/** The ISA bridge's saved state. */
export interface Piix3IsaState extends PciFunctionState {
  readonly pirqLevel: readonly boolean[];
}

/** The ISA bridge function (8086:7000). */
export class Piix3Isa extends PciFunction {
  /** Level of each PIRQ input (PCI INTx lines after swizzling). */
  private readonly pirqLevel = [false, false, false, false];

  /** Registers the ELCR ports; `pic` receives ELCR values and routed PIRQs. */
  constructor(
    io: PortBus,
    private readonly pic: I8259Pair,
  ) {
    super("PIIX3", 0x8086, 0x7000, 0x0601);
    this.config[PCI_HEADER_TYPE] = PCI_HEADER_MULTIFUNCTION;
    this.wmask.fill(0xff, 0x40);
    // One 1-port range per chip, as QEMU's two "elcr" regions: a wider access repeats the chip's own.
    for (const chip of [0, 1] as const) {
      io.register(ELCR_PORT + chip, 1, {
        name: "elcr",
        sizes: SIZE_8,
        read: () => this.pic.elcr(chip),
        write: (_p, _s, v) => this.pic.setElcr(chip, v),
      });
    }
    this.resetRegisters();
  }

  override reset(): void {
    super.reset();
    this.resetRegisters();
    this.pic.setElcr(0, 0);
    this.pic.setElcr(1, 0);
  }

  /** Config space and the PIRQ input levels. */
  override saveState(): Piix3IsaState {
    return { ...super.saveState(), pirqLevel: [...this.pirqLevel] };
  }

  /** Puts back a saveState() copy (the 8259's ELCR is the 8259's own state). */
  override loadState(s: Piix3IsaState): void {
    super.loadState(s);
    this.pirqLevel.splice(0, 4, ...s.pirqLevel);
  }

  /** Drives PIRQ `n` (0..3 = A..D) to `level`, routed per 0x60+n. */
  setPirq(n: number, level: boolean): void {
    const before = this.routedIrq(n);
    this.pirqLevel[n] = level;
    if (before >= 0) this.pic.setIrq(before, this.anyPirqOn(before));
  }

  override configWrite(offset: number, size: 1 | 2 | 4, value: number): void {
    const old = [0, 1, 2, 3].map((n) => this.routedIrq(n));
    super.configWrite(offset, size, value);
    if (offset < PIIX_PIRQC + 4 && offset + size > PIIX_PIRQC) {
      for (let n = 0; n < 4; n++) {
        const now = this.routedIrq(n);
        if (now === old[n] || !this.pirqLevel[n]) continue;
        if (old[n]! >= 0) this.pic.setIrq(old[n]!, this.anyPirqOn(old[n]!));
        if (now >= 0) this.pic.setIrq(now, true);
      }
    }
  }

  /** The ISA IRQ PIRQ `n` is routed to, or -1. */
  routedIrq(n: number): number {
    const r = this.config[PIIX_PIRQC + n]!;
    return (r & PIRQ_DISABLED) !== 0 ? -1 : r & PIRQ_IRQ_MASK;
  }

  private anyPirqOn(irq: number): boolean {
    for (let n = 0; n < 4; n++) if (this.pirqLevel[n] && this.routedIrq(n) === irq) return true;
    return false;
  }

  private resetRegisters(): void {
    this.config[0x04] = 0x07;
    this.config[0x05] = 0x00;
    this.config[0x06] = 0x00;
    this.config[0x07] = 0x02;
    for (const [at, v] of DEFAULTS) this.config[at] = v;
  }
}
