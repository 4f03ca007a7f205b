// The 82093AA I/O APIC (Intel 82093AA datasheet §3) at 0xfec00000 as QEMU 7.2's hw/intc/ioapic.c
// models it: IOREGSEL (0x00), IOWIN (0x10) and the EOI register (0x40, version 0x20); the ID,
// version (24 redirection entries), arbitration registers and the 24 redirection entries (masked
// after reset). Each pin's level arrives through setIrq (ISA IRQ n on pin n, except IRQ0, the PIT,
// on pin 2 as QEMU wires it and the MADT's interrupt source override says); an unmasked entry sends
// its vector to the local APICs over the APIC bus: edge entries on a rising edge, level entries
// while the line is high and Remote IRR is clear (set on delivery, cleared by the local APIC's EOI
// broadcast or a write to the EOI register).
import type { GuestLog } from "../io/guest-log.ts";
import type { MmioOps } from "../memory/region.ts";
import { loadPlain, type PlainRecord, savePlain } from "../snapshot/plain.ts";
import { DM_EXTINT } from "./lapic.ts";

export const IOAPIC_BASE = 0xfec00000;
export const IOAPIC_MMIO_SIZE = 0x1000;
export const IOAPIC_IOREGSEL = 0x00;
export const IOAPIC_IOWIN = 0x10;
export const IOAPIC_EOI = 0x40;
export const IOAPIC_REG_ID = 0x00;
export const IOAPIC_REG_VER = 0x01;
export const IOAPIC_REG_ARB = 0x02;
export const IOAPIC_REG_REDTBL = 0x10;
export const IOAPIC_PINS = 24;
export const IOAPIC_VERSION = 0x20;
/** The ID register after reset: 0 under QEMU 7.2 (firmware/tests/apic), as its MADT says. */
export const IOAPIC_RESET_ID = 0;
/** Redirection entry (low dword) bits. */
export const IOAPIC_LVT_MASKED = 0x10000;
export const IOAPIC_LVT_LEVEL = 0x8000;
export const IOAPIC_LVT_REMOTE_IRR = 0x4000;
export const IOAPIC_LVT_DELIVERY_STATUS = 0x1000;
export const IOAPIC_LVT_DEST_LOGICAL = 0x800;
/** Bits software cannot write (Remote IRR, delivery status). */
const IOAPIC_RO_BITS = IOAPIC_LVT_REMOTE_IRR | IOAPIC_LVT_DELIVERY_STATUS;
/** The ISA IRQ the PIT drives, and the pin it reaches. */
const ISA_IRQ_PIT = 0;
const PIN_PIT = 2;

/** Where the I/O APIC sends interrupt messages. */
export interface IoApicBus {
  /** An interrupt message to the local APICs. */
  deliverIrq(dest: number, logical: boolean, mode: number, vector: number, level: boolean): void;
  /** The 8259's INTA, for ExtINT entries. */
  picAcknowledge(): number;
}

/** The saved state. */
export type IoApicState = PlainRecord;

/** The I/O APIC. */
export class IoApic {
  readonly name = "ioapic";
  private regsel = 0;
  private id = 0;
  /** Pins whose request is pending (level high, or an edge not yet delivered). */
  private irr = 0;
  private readonly low = new Array<number>(IOAPIC_PINS).fill(0);
  private readonly high = new Array<number>(IOAPIC_PINS).fill(0);

  constructor(
    private readonly log: GuestLog,
    private readonly apicId: number,
    private readonly bus: IoApicBus,
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
        else if (offset === IOAPIC_EOI) this.eoiBroadcast(v & 0xff);
      },
    };
  }

  /** IOREGSEL, the ID, the pending pins and the redirection table, as plain data. */
  saveState(): IoApicState {
    return savePlain(this, ["log", "bus"]);
  }

  /** Puts back a saveState() copy. */
  loadState(s: IoApicState): void {
    loadPlain(this, s);
  }

  reset(): void {
    this.regsel = 0;
    this.id = this.apicId;
    this.irr = 0;
    this.low.fill(IOAPIC_LVT_MASKED);
    this.high.fill(0);
  }

  /** Redirection entry `pin` as [low, high]. */
  entry(pin: number): [number, number] {
    return [this.low[pin]! >>> 0, this.high[pin]! >>> 0];
  }

  /** ISA IRQ / GSI `irq` changed level (IRQ0 arrives on pin 2). */
  setIrq(irq: number, level: boolean): void {
    const pin = irq === ISA_IRQ_PIT ? PIN_PIT : irq;
    if (pin >= IOAPIC_PINS) return;
    const mask = 1 << pin;
    const entry = this.low[pin]!;
    if ((entry & IOAPIC_LVT_LEVEL) !== 0) {
      if (level) {
        this.irr |= mask;
        if ((entry & IOAPIC_LVT_REMOTE_IRR) === 0) this.service();
      } else this.irr &= ~mask;
    } else if (level && (entry & IOAPIC_LVT_MASKED) === 0) {
      // Edge requests on a masked pin are ignored (82093AA datasheet).
      this.irr |= mask;
      this.service();
    }
  }

  /** An EOI for `vector`: clears Remote IRR of the level entries using it; a still-high line re-fires. */
  eoiBroadcast(vector: number): void {
    let again = false;
    for (let pin = 0; pin < IOAPIC_PINS; pin++) {
      const entry = this.low[pin]!;
      if ((entry & 0xff) !== vector || (entry & IOAPIC_LVT_REMOTE_IRR) === 0) continue;
      this.low[pin] = entry & ~IOAPIC_LVT_REMOTE_IRR;
      if ((entry & IOAPIC_LVT_MASKED) === 0 && (this.irr & (1 << pin)) !== 0) again = true;
    }
    if (again) this.service();
  }

  /** Sends every pending, unmasked request not blocked by Remote IRR (QEMU's ioapic_service). */
  private service(): void {
    for (let pin = 0; pin < IOAPIC_PINS; pin++) {
      const mask = 1 << pin;
      if ((this.irr & mask) === 0) continue;
      const entry = this.low[pin]!;
      if ((entry & IOAPIC_LVT_MASKED) !== 0) continue;
      const level = (entry & IOAPIC_LVT_LEVEL) !== 0;
      if (level) {
        if ((entry & IOAPIC_LVT_REMOTE_IRR) !== 0) continue;
        this.low[pin] = entry | IOAPIC_LVT_REMOTE_IRR;
      } else this.irr &= ~mask;
      const mode = (entry >> 8) & 7;
      const vector = mode === DM_EXTINT ? this.bus.picAcknowledge() : entry & 0xff;
      this.bus.deliverIrq(
        this.high[pin]! >>> 24,
        (entry & IOAPIC_LVT_DEST_LOGICAL) !== 0,
        mode,
        vector,
        level,
      );
    }
  }

  private readReg(): number {
    const r = this.regsel;
    if (r === IOAPIC_REG_ID || r === IOAPIC_REG_ARB) return (this.id << 24) >>> 0;
    if (r === IOAPIC_REG_VER) return ((IOAPIC_PINS - 1) << 16) | IOAPIC_VERSION;
    const i = r - IOAPIC_REG_REDTBL;
    if (i >= 0 && i < IOAPIC_PINS * 2) return (i % 2 === 0 ? this.low[i >> 1]! : this.high[i >> 1]!) >>> 0;
    return 0xffffffff;
  }

  private writeReg(v: number): void {
    const r = this.regsel;
    if (r === IOAPIC_REG_ID) {
      this.id = (v >>> 24) & 0x0f;
      return;
    }
    const i = r - IOAPIC_REG_REDTBL;
    if (i < 0 || i >= IOAPIC_PINS * 2) {
      this.log.guestError(`ioapic: write to read-only register 0x${r.toString(16)}`);
      return;
    }
    const pin = i >> 1;
    if (i % 2 === 1) {
      this.high[pin] = v;
      return;
    }
    let entry = (this.low[pin]! & IOAPIC_RO_BITS) | (v & ~IOAPIC_RO_BITS);
    // An edge entry has no Remote IRR (QEMU's ioapic_fix_edge_remote_irr).
    if ((entry & IOAPIC_LVT_LEVEL) === 0) entry &= ~IOAPIC_LVT_REMOTE_IRR;
    this.low[pin] = entry;
    this.service();
  }
}
