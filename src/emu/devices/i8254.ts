// The 8254 Programmable Interval Timer (Intel 82C54 datasheet) at 0x40-0x43 with its 1.193182 MHz
// input clock, and port 0x61 (NMI status and control, as on the PIIX: bit 0 gate of counter 2,
// bit 1 speaker data, bit 4 refresh toggle, bit 5 counter 2 output). Counters are computed from
// virtual time (no host timers): counter 0's output edges raise IRQ0 at the deadlines reported to
// the machine's clock. Modes 0-5, latch and read-back commands, LSB/MSB/word access, BCD flag kept.
import type { ClockedDevice } from "../clock.ts";
import type { GuestLog } from "../io/guest-log.ts";
import { type PortBus, SIZE_8 } from "../io/port-bus.ts";
import { loadPlain, type PlainRecord, savePlain } from "../snapshot/plain.ts";
import type { IrqLine } from "./irq.ts";

export const PIT_FREQ = 1193182;
export const PIT_PORT = 0x40;
export const PORT_61 = 0x61;
/** Control word: counter select (bits 7-6), read-back = 3. */
export const PIT_SEL_READBACK = 3;
/** Access modes (bits 5-4). */
export const PIT_RW_LATCH = 0;
export const PIT_RW_LSB = 1;
export const PIT_RW_MSB = 2;
export const PIT_RW_WORD = 3;
/** Read-back command bits: don't latch count (5), don't latch status (4). */
export const PIT_RB_NO_COUNT = 0x20;
export const PIT_RB_NO_STATUS = 0x10;
/** Port 0x61 bits. */
export const P61_T2_GATE = 0x01;
export const P61_SPKR_DATA = 0x02;
export const P61_REFRESH = 0x10;
export const P61_T2_OUT = 0x20;
/** The refresh toggle flips every 15 us (QEMU's dummy refresh clock). */
const REFRESH_NS = 15000;

/** The PIT's saved state. */
export interface I8254State {
  readonly counters: readonly PlainRecord[];
  readonly pit: PlainRecord;
}

/** One counter. */
class Counter {
  mode = 0;
  rw = PIT_RW_WORD;
  bcd = false;
  /** Reload value in ticks (0 programmed means 0x10000). */
  count = 0x10000;
  /** Virtual ns when the count was loaded (counting starts). */
  loadNs = 0;
  gate = false;
  /** Writing: waiting for the MSB of a word. */
  writeMsb = false;
  /** Reading: next byte is the MSB of a word. */
  readMsb = false;
  writeLatch = 0;
  /** Latched count (-1 none) and whether its MSB is next. */
  latched = -1;
  latchedMsbNext = false;
  latchedBytes = 0;
  /** Latched status byte (-1 none). */
  status = -1;
  /** No count written since the mode was set (read-back null count bit). */
  nullCount = true;
  /** Counting started at least once (mode written and count loaded). */
  armed = false;

  constructor(readonly index: number) {}

  reset(gate: boolean): void {
    this.mode = 0;
    this.rw = PIT_RW_WORD;
    this.bcd = false;
    this.count = 0x10000;
    this.loadNs = 0;
    this.gate = gate;
    this.writeMsb = false;
    this.readMsb = false;
    this.latched = -1;
    this.status = -1;
    this.nullCount = true;
    this.armed = false;
  }

  /** Ticks elapsed since the count was loaded. */
  elapsed(nowNs: number): number {
    return Math.floor(((nowNs - this.loadNs) * PIT_FREQ) / 1e9);
  }

  /** The counting element's value now. */
  value(nowNs: number): number {
    const d = this.elapsed(nowNs);
    switch (this.mode) {
      case 2:
        return this.count - (d % this.count);
      case 3:
        return this.count - ((2 * d) % this.count);
      default:
        return (this.count - d) & 0xffff;
    }
  }

  /** The OUT pin now (QEMU's pit_get_out). */
  out(nowNs: number): boolean {
    if (!this.armed) return this.mode !== 0;
    const d = this.elapsed(nowNs);
    switch (this.mode) {
      case 0:
        return d >= this.count;
      case 1:
        return d < this.count;
      case 2:
        return d % this.count === 0 && d !== 0;
      case 3:
        return d % this.count < (this.count + 1) >> 1;
      default:
        return d === this.count;
    }
  }

  /** Virtual ns of the next rising OUT edge after `nowNs` (Infinity when none will come). */
  nextEdgeNs(nowNs: number): number {
    if (!this.armed) return Number.POSITIVE_INFINITY;
    const d = this.elapsed(nowNs);
    let tick: number;
    switch (this.mode) {
      case 0:
      case 4:
      case 5:
        if (d >= this.count) return Number.POSITIVE_INFINITY;
        tick = this.count;
        break;
      case 2:
      case 3:
        if (this.mode === 2 && !this.gate) return Number.POSITIVE_INFINITY;
        tick = (Math.floor(d / this.count) + 1) * this.count;
        break;
      default:
        return Number.POSITIVE_INFINITY;
    }
    return this.loadNs + Math.ceil((tick * 1e9) / PIT_FREQ);
  }
}

/** The PIT and port 0x61. */
export class I8254 implements ClockedDevice {
  readonly name = "i8254";
  private readonly counters = [new Counter(0), new Counter(1), new Counter(2)];
  private speakerData = false;
  /** Cached next IRQ0 edge (recomputed when counter 0 changes or fires). */
  private irqDeadline = Number.POSITIVE_INFINITY;

  /**
   * Registers 0x40-0x43 and 0x61. `irq0` is ISA IRQ 0; `now` gives virtual ns; `armed` hears of
   * each IRQ0 deadline a guest write sets (VirtualClock.armed).
   */
  constructor(
    io: PortBus,
    private readonly irq0: IrqLine,
    private readonly now: () => number,
    private readonly armed: (deadlineNs: number) => void,
    private readonly log: GuestLog,
  ) {
    io.register(PIT_PORT, 4, {
      name: "pit",
      sizes: SIZE_8,
      // QEMU's pit_ioport_read/write take the offset modulo 4 (a dword at 0x40 reads 0x40-0x43).
      read: (port) => this.read((port - PIT_PORT) & 3),
      write: (port, _s, value) => this.write((port - PIT_PORT) & 3, value),
    });
    io.register(PORT_61, 1, {
      name: "port61",
      sizes: SIZE_8,
      read: () => this.read61(),
      write: (_p, _s, value) => this.write61(value),
    });
    this.reset();
  }

  /** The three counters, port 0x61's speaker bit and the cached IRQ0 deadline, as plain data. */
  saveState(): I8254State {
    return {
      counters: this.counters.map((c) => savePlain(c)),
      pit: savePlain(this, ["counters", "irq0", "now", "armed", "log"]),
    };
  }

  /** Puts back a saveState() copy. */
  loadState(s: I8254State): void {
    this.counters.forEach((c, i) => {
      loadPlain(c, s.counters[i]!);
    });
    loadPlain(this, s.pit);
  }

  reset(): void {
    for (const c of this.counters) c.reset(c.index !== 2);
    this.speakerData = false;
    this.irqDeadline = Number.POSITIVE_INFINITY;
    this.irq0.setLevel(false);
  }

  nextDeadline(_nowNs: number): number {
    return this.irqDeadline;
  }

  onDeadline(nowNs: number): void {
    const c = this.counters[0]!;
    if (c.mode === 2 || c.mode === 3) {
      this.irq0.setLevel(true);
      this.irq0.setLevel(false);
    } else {
      this.irq0.setLevel(c.out(nowNs));
    }
    this.irqDeadline = c.nextEdgeNs(nowNs);
    if (this.irqDeadline <= nowNs) this.irqDeadline = c.nextEdgeNs(nowNs + 1);
  }

  /** Counter `index`'s OUT pin now (tests and port 0x61). */
  output(index: number): boolean {
    return this.counters[index]!.out(this.now());
  }

  private read(reg: number): number {
    if (reg === 3) return 0xff; // the control word register is write-only
    const c = this.counters[reg]!;
    if (c.status >= 0) {
      const s = c.status;
      c.status = -1;
      return s;
    }
    if (c.latched >= 0) {
      const v = c.latched;
      if (c.rw === PIT_RW_WORD && !c.latchedMsbNext) {
        c.latchedMsbNext = true;
        return v & 0xff;
      }
      c.latched = -1;
      return c.rw === PIT_RW_LSB ? v & 0xff : (v >> 8) & 0xff;
    }
    const v = c.value(this.now());
    switch (c.rw) {
      case PIT_RW_LSB:
        return v & 0xff;
      case PIT_RW_MSB:
        return (v >> 8) & 0xff;
      default: {
        const msb = c.readMsb;
        c.readMsb = !msb;
        return msb ? (v >> 8) & 0xff : v & 0xff;
      }
    }
  }

  private write(reg: number, value: number): void {
    if (reg === 3) {
      this.control(value);
      return;
    }
    const c = this.counters[reg]!;
    switch (c.rw) {
      case PIT_RW_LSB:
        this.load(c, value);
        break;
      case PIT_RW_MSB:
        this.load(c, value << 8);
        break;
      default:
        if (!c.writeMsb) {
          c.writeLatch = value;
          c.writeMsb = true;
        } else {
          c.writeMsb = false;
          this.load(c, c.writeLatch | (value << 8));
        }
    }
  }

  /** A control word: counter mode, counter latch, or read-back. */
  private control(value: number): void {
    const sel = value >> 6;
    const now = this.now();
    if (sel === PIT_SEL_READBACK) {
      for (let i = 0; i < 3; i++) {
        if ((value & (2 << i)) === 0) continue;
        const c = this.counters[i]!;
        if ((value & PIT_RB_NO_COUNT) === 0) this.latch(c, now);
        if ((value & PIT_RB_NO_STATUS) === 0 && c.status < 0) {
          c.status =
            (c.out(now) ? 0x80 : 0) |
            (c.nullCount ? 0x40 : 0) |
            (c.rw << 4) |
            (c.mode << 1) |
            (c.bcd ? 1 : 0);
        }
      }
      return;
    }
    const c = this.counters[sel]!;
    const rw = (value >> 4) & 3;
    if (rw === PIT_RW_LATCH) {
      this.latch(c, now);
      return;
    }
    c.rw = rw;
    c.mode = (value >> 1) & 7;
    if (c.mode > 5) c.mode -= 4; // 6 and 7 are aliases of 2 and 3
    c.bcd = (value & 1) !== 0;
    if (c.bcd) this.log.unimplemented("i8254: BCD counting (counted in binary)", "pit-bcd");
    c.writeMsb = false;
    c.readMsb = false;
    c.nullCount = true;
    c.armed = false;
    if (c.index === 0) {
      this.irq0.setLevel(c.mode !== 0);
      this.irqDeadline = Number.POSITIVE_INFINITY;
    }
  }

  private latch(c: Counter, now: number): void {
    if (c.latched >= 0) return;
    c.latched = c.value(now);
    c.latchedMsbNext = false;
  }

  /** Loads a new count and starts counting (QEMU's pit_load_count). */
  private load(c: Counter, value: number): void {
    const now = this.now();
    c.count = value === 0 ? 0x10000 : value;
    c.loadNs = now;
    c.nullCount = false;
    c.armed = true;
    if (c.index === 0) {
      if (c.mode === 0 || c.mode === 4 || c.mode === 5) this.irq0.setLevel(false);
      this.irqDeadline = c.nextEdgeNs(now);
      this.armed(this.irqDeadline);
    }
  }

  private read61(): number {
    const now = this.now();
    const c2 = this.counters[2]!;
    return (
      (c2.out(now) ? P61_T2_OUT : 0) |
      (Math.floor(now / REFRESH_NS) & 1 ? P61_REFRESH : 0) |
      (this.speakerData ? P61_SPKR_DATA : 0) |
      (c2.gate ? P61_T2_GATE : 0)
    );
  }

  private write61(value: number): void {
    this.speakerData = (value & P61_SPKR_DATA) !== 0;
    const gate = (value & P61_T2_GATE) !== 0;
    const c2 = this.counters[2]!;
    if (gate && !c2.gate && (c2.mode === 1 || c2.mode === 5 || c2.mode === 2 || c2.mode === 3)) {
      c2.loadNs = this.now(); // a rising gate retriggers (QEMU's pit_set_gate)
    }
    c2.gate = gate;
  }
}
