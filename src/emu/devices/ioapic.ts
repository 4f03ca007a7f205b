// The 82093AA I/O APIC (Intel 82093AA datasheet §3) at 0xfec00000: IOREGSEL (0x00) and IOWIN
// (0x10) give the ID, version (24 redirection entries, version 0x20 as QEMU 7.2) and arbitration
// registers and the 24 redirection entries (masked after reset). Firmware only describes it in its
// MP/ACPI tables; delivering interrupts through it is not modelled (an unmasked entry is logged).
import type { GuestLog } from "../io/guest-log.ts";
import type { MmioOps } from "../memory/region.ts";

export const IOAPIC_BASE = 0xfec00000;
export const IOAPIC_MMIO_SIZE = 0x1000;
export const IOAPIC_IOREGSEL = 0x00;
export const IOAPIC_IOWIN = 0x10;
export const IOAPIC_REG_ID = 0x00;
export const IOAPIC_REG_VER = 0x01;
export const IOAPIC_REG_ARB = 0x02;
export const IOAPIC_REG_REDTBL = 0x10;
export const IOAPIC_PINS = 24;
export const IOAPIC_VERSION = 0x20;
export const IOAPIC_LVT_MASKED = 0x10000;

/** The I/O APIC. */
export class IoApic {
  readonly name = "ioapic";
  private regsel = 0;
  private id = 0;
  private readonly redirection = new Array<number>(IOAPIC_PINS * 2).fill(0);

  constructor(
    private readonly log: GuestLog,
    private readonly apicId: number,
  ) {
    this.reset();
  }

  /** The MMIO callbacks. */
  mmio(): MmioOps {
    return {
      minSize: 4,
      maxSize: 4,
      read: (offset) =>
        offset === IOAPIC_IOREGSEL ? this.regsel : offset === IOAPIC_IOWIN ? this.readReg() : 0,
      write: (offset, _s, v) => {
        if (offset === IOAPIC_IOREGSEL) this.regsel = v & 0xff;
        else if (offset === IOAPIC_IOWIN) this.writeReg(v >>> 0);
      },
    };
  }

  reset(): void {
    this.regsel = 0;
    this.id = this.apicId;
    for (let i = 0; i < IOAPIC_PINS; i++) {
      this.redirection[2 * i] = IOAPIC_LVT_MASKED;
      this.redirection[2 * i + 1] = 0;
    }
  }

  /** Redirection entry `pin` as [low, high]. */
  entry(pin: number): [number, number] {
    return [this.redirection[2 * pin]!, this.redirection[2 * pin + 1]!];
  }

  private readReg(): number {
    const r = this.regsel;
    if (r === IOAPIC_REG_ID || r === IOAPIC_REG_ARB) return (this.id << 24) >>> 0;
    if (r === IOAPIC_REG_VER) return ((IOAPIC_PINS - 1) << 16) | IOAPIC_VERSION;
    const i = r - IOAPIC_REG_REDTBL;
    if (i >= 0 && i < IOAPIC_PINS * 2) return this.redirection[i]! >>> 0;
    return 0xffffffff;
  }

  private writeReg(v: number): void {
    const r = this.regsel;
    if (r === IOAPIC_REG_ID) {
      this.id = (v >>> 24) & 0x0f;
      return;
    }
    const i = r - IOAPIC_REG_REDTBL;
    if (i >= 0 && i < IOAPIC_PINS * 2) {
      this.redirection[i] = i % 2 === 0 ? v & ~0x5000 : v; // delivery status and remote IRR are read-only
      if (i % 2 === 0 && (v & IOAPIC_LVT_MASKED) === 0) {
        this.log.unimplemented(
          `ioapic: pin ${i >> 1} unmasked (interrupts through the I/O APIC)`,
          "ioapic-deliver",
        );
      }
      return;
    }
    this.log.guestError(`ioapic: write to read-only register 0x${r.toString(16)}`);
  }
}
