// The MC146818A real-time clock and its 128 bytes of CMOS RAM (Motorola MC146818A datasheet) at
// 0x70 (index, bit 7 = NMI disable) and 0x71 (data). Time runs on virtual time from a base date
// (DEFAULT_RTC_BASE unless given), in BCD or binary and 24/12-hour format per register B; the
// update-in-progress bit is set during the last 244 us of each second; the periodic interrupt
// (register A rate, register B PIE) and the update-ended interrupt raise IRQ8 through register C.
import type { ClockedDevice } from "../clock.ts";
import type { GuestLog } from "../io/guest-log.ts";
import { type PortBus, SIZE_8 } from "../io/port-bus.ts";
import { loadPlain, type PlainRecord, savePlain } from "../snapshot/plain.ts";
import type { IrqLine } from "./irq.ts";

export const RTC_INDEX_PORT = 0x70;
export const RTC_DATA_PORT = 0x71;
/** Register indexes. */
export const RTC_SECONDS = 0x00;
export const RTC_SECONDS_ALARM = 0x01;
export const RTC_MINUTES = 0x02;
export const RTC_MINUTES_ALARM = 0x03;
export const RTC_HOURS = 0x04;
export const RTC_HOURS_ALARM = 0x05;
export const RTC_DAY_OF_WEEK = 0x06;
export const RTC_DAY_OF_MONTH = 0x07;
export const RTC_MONTH = 0x08;
export const RTC_YEAR = 0x09;
export const RTC_REG_A = 0x0a;
export const RTC_REG_B = 0x0b;
export const RTC_REG_C = 0x0c;
export const RTC_REG_D = 0x0d;
export const RTC_CENTURY = 0x32;
/** The century byte where IBM's PS/2 kept it (QEMU's pc_cmos_init sets both). */
export const RTC_IBM_PS2_CENTURY = 0x37;
/** Register A: update in progress; divider 010 (32.768 kHz) with rate 0110 (1024 Hz) = 0x26. */
export const REG_A_UIP = 0x80;
export const REG_A_DEFAULT = 0x26;
/** Register B bits. */
export const REG_B_SET = 0x80;
export const REG_B_PIE = 0x40;
export const REG_B_AIE = 0x20;
export const REG_B_UIE = 0x10;
export const REG_B_DM_BINARY = 0x04;
export const REG_B_24H = 0x02;
/** Register C flags. */
export const REG_C_IRQF = 0x80;
export const REG_C_PF = 0x40;
export const REG_C_AF = 0x20;
export const REG_C_UF = 0x10;
/** Register D: valid RAM and time. */
export const REG_D_VRT = 0x80;
/**
 * The clock's date at virtual time 0 when none is given (QEMU's -rtc base=DATE; pcscope's default,
 * so two runs of a guest read the same time): midnight UTC at the start of 2000, a whole second
 * (the UIP window and update interrupts fall at the same ticks in every run), a 20xx year the
 * two-digit year register and the century byte agree on, and far from 32-bit time_t's end.
 */
export const DEFAULT_RTC_BASE = new Date("2000-01-01T00:00:00Z");
/** UIP is set this long before each update. */
const UIP_NS = 244_000;
const SECOND_NS = 1e9;

/** The saved state. */
export type Mc146818State = PlainRecord;

/** The RTC and CMOS RAM. */
export class Mc146818 implements ClockedDevice {
  readonly name = "mc146818";
  readonly cmos = new Uint8Array(128);
  private index = 0;
  /** Host-epoch milliseconds at virtual time 0. */
  private readonly baseMs: number;
  /** Next periodic and update interrupts (virtual ns) when enabled. */
  private nextPeriodic = Number.POSITIVE_INFINITY;
  private nextUpdate = Number.POSITIVE_INFINITY;
  /** Virtual ns when the guest stopped the clock with SET (time frozen), or -1. */
  private frozenAt = -1;
  /** Offset (ms) the guest applied by setting the time. */
  private offsetMs = 0;
  private irqLevel = false;

  /**
   * Registers 0x70/0x71. `now` gives virtual ns; `armed` hears of each interrupt deadline the guest
   * sets (VirtualClock.armed); `baseDate` is the date at virtual time 0.
   */
  constructor(
    io: PortBus,
    private readonly irq8: IrqLine,
    private readonly now: () => number,
    private readonly armed: (deadlineNs: number) => void,
    private readonly log: GuestLog,
    baseDate: Date = DEFAULT_RTC_BASE,
  ) {
    this.baseMs = baseDate.getTime();
    // The century as QEMU's pc_cmos_init writes it from the start date (BCD; not kept up to date).
    const century = Math.floor(baseDate.getUTCFullYear() / 100) % 100;
    this.cmos[RTC_CENTURY] = (Math.floor(century / 10) << 4) | (century % 10);
    this.cmos[RTC_IBM_PS2_CENTURY] = this.cmos[RTC_CENTURY]!;
    this.cmos[RTC_REG_A] = REG_A_DEFAULT;
    this.cmos[RTC_REG_B] = REG_B_24H;
    this.cmos[RTC_REG_D] = REG_D_VRT;
    io.register(RTC_INDEX_PORT, 2, {
      name: "rtc",
      sizes: SIZE_8,
      // Even offsets (also past the two ports) are the index port, odd ones the data port, as QEMU's.
      read: (port) => ((port & 1) === 0 ? 0xff : this.readData()),
      write: (port, _s, value) => {
        if ((port & 1) === 0) this.index = value & 0x7f;
        else this.writeData(value);
      },
    });
  }

  /** Reset pin: clears the interrupt enables and flags (MC146818A §"RESET"); time and RAM kept. */
  /** CMOS RAM, the index, the clock's base and offset and the interrupt deadlines, as plain data. */
  saveState(): Mc146818State {
    return savePlain(this, ["irq8", "now", "armed", "log"]);
  }

  /** Puts back a saveState() copy. */
  loadState(s: Mc146818State): void {
    loadPlain(this, s);
  }

  reset(): void {
    this.cmos[RTC_REG_B]! &= ~(REG_B_PIE | REG_B_AIE | REG_B_UIE);
    this.cmos[RTC_REG_C] = 0;
    this.updateTimers(this.now());
    this.updateIrq();
  }

  /** Sets a CMOS byte from the machine (memory size, boot order); no checksum update. */
  set(index: number, value: number): void {
    this.cmos[index & 0x7f] = value & 0xff;
  }

  nextDeadline(_nowNs: number): number {
    return Math.min(this.nextPeriodic, this.nextUpdate);
  }

  onDeadline(nowNs: number): void {
    if (nowNs >= this.nextPeriodic) this.cmos[RTC_REG_C]! |= REG_C_PF;
    if (nowNs >= this.nextUpdate) this.cmos[RTC_REG_C]! |= REG_C_UF;
    this.updateTimers(nowNs);
    this.updateIrq();
  }

  private readData(): number {
    const i = this.index;
    const now = this.now();
    if (i <= RTC_YEAR && i !== RTC_SECONDS_ALARM && i !== RTC_MINUTES_ALARM && i !== RTC_HOURS_ALARM) {
      return this.timeField(i, now);
    }
    switch (i) {
      case RTC_REG_A: {
        const inUip = this.frozenAt < 0 && this.nsIntoSecond(now) >= SECOND_NS - UIP_NS;
        return (this.cmos[RTC_REG_A]! & ~REG_A_UIP) | (inUip ? REG_A_UIP : 0);
      }
      case RTC_REG_C: {
        const v = this.cmos[RTC_REG_C]!;
        this.cmos[RTC_REG_C] = 0;
        this.updateIrq();
        return v;
      }
      default:
        return this.cmos[i]!;
    }
  }

  private writeData(value: number): void {
    const i = this.index;
    const now = this.now();
    if (i <= RTC_YEAR && i !== RTC_SECONDS_ALARM && i !== RTC_MINUTES_ALARM && i !== RTC_HOURS_ALARM) {
      this.setTimeField(i, value, now);
      return;
    }
    switch (i) {
      case RTC_REG_A:
        this.cmos[RTC_REG_A] = value & ~REG_A_UIP;
        this.updateTimers(now);
        return;
      case RTC_REG_B: {
        const old = this.cmos[RTC_REG_B]!;
        if ((value & REG_B_SET) !== 0 && (old & REG_B_SET) === 0) this.frozenAt = now;
        if ((value & REG_B_SET) === 0 && (old & REG_B_SET) !== 0 && this.frozenAt >= 0) {
          this.offsetMs -= (now - this.frozenAt) / 1e6;
          this.frozenAt = -1;
        }
        this.cmos[RTC_REG_B] = value;
        this.updateTimers(now);
        this.updateIrq();
        return;
      }
      case RTC_REG_C:
      case RTC_REG_D:
        this.log.guestError(`rtc: write 0x${value.toString(16)} to read-only register ${i}`, `rtc-ro-${i}`);
        return;
      default:
        this.cmos[i] = value;
    }
  }

  /** Current time in ms since the epoch as the guest's clock shows it. */
  private msNow(now: number): number {
    const t = this.frozenAt >= 0 ? this.frozenAt : now;
    return this.baseMs + this.offsetMs + t / 1e6;
  }

  /**
   * Nanoseconds since the clock's last whole second at virtual time `now`. Exact (no rounding from
   * adding virtual ns to epoch milliseconds), so an update falls at the same tick on every
   * computation, however many periodic interrupts recompute it.
   */
  private nsIntoSecond(now: number): number {
    const t = this.frozenAt >= 0 ? this.frozenAt : now;
    const phase = ((this.baseMs % 1000) + (this.offsetMs % 1000)) * 1e6;
    return (((phase + t) % SECOND_NS) + SECOND_NS) % SECOND_NS;
  }

  private timeField(i: number, now: number): number {
    const d = new Date(this.msNow(now));
    let v: number;
    switch (i) {
      case RTC_SECONDS:
        v = d.getUTCSeconds();
        break;
      case RTC_MINUTES:
        v = d.getUTCMinutes();
        break;
      case RTC_HOURS: {
        const h = d.getUTCHours();
        if ((this.cmos[RTC_REG_B]! & REG_B_24H) !== 0) v = h;
        else return this.encode(h % 12 === 0 ? 12 : h % 12) | (h >= 12 ? 0x80 : 0);
        break;
      }
      case RTC_DAY_OF_WEEK:
        v = d.getUTCDay() + 1;
        break;
      case RTC_DAY_OF_MONTH:
        v = d.getUTCDate();
        break;
      case RTC_MONTH:
        v = d.getUTCMonth() + 1;
        break;
      default:
        v = d.getUTCFullYear() % 100;
    }
    return this.encode(v);
  }

  /** A guest write of a time field: moves the clock offset so that field reads back `value`. */
  private setTimeField(i: number, value: number, now: number): void {
    const cur = new Date(this.msNow(now));
    const v = this.decode(i === RTC_HOURS ? value & 0x7f : value);
    switch (i) {
      case RTC_SECONDS:
        cur.setUTCSeconds(v);
        break;
      case RTC_MINUTES:
        cur.setUTCMinutes(v);
        break;
      case RTC_HOURS: {
        let h = v;
        if ((this.cmos[RTC_REG_B]! & REG_B_24H) === 0) h = (v % 12) + (value & 0x80 ? 12 : 0);
        cur.setUTCHours(h);
        break;
      }
      case RTC_DAY_OF_WEEK:
        return; // derived from the date
      case RTC_DAY_OF_MONTH:
        cur.setUTCDate(v);
        break;
      case RTC_MONTH:
        cur.setUTCMonth(v - 1);
        break;
      default:
        cur.setUTCFullYear(2000 + v);
    }
    this.offsetMs += cur.getTime() - this.msNow(now);
  }

  private encode(v: number): number {
    if ((this.cmos[RTC_REG_B]! & REG_B_DM_BINARY) !== 0) return v;
    return ((Math.floor(v / 10) % 10) << 4) | (v % 10);
  }

  private decode(v: number): number {
    if ((this.cmos[RTC_REG_B]! & REG_B_DM_BINARY) !== 0) return v;
    return (v >> 4) * 10 + (v & 0xf);
  }

  /** Recomputes the periodic and update-ended deadlines. */
  private updateTimers(now: number): void {
    const rate = this.cmos[RTC_REG_A]! & 0x0f;
    const b = this.cmos[RTC_REG_B]!;
    if (rate !== 0 && (b & REG_B_PIE) !== 0) {
      const hz = rate <= 2 ? 32768 >> (rate + 6) : 65536 >> rate;
      const period = SECOND_NS / hz;
      this.nextPeriodic = (Math.floor(now / period) + 1) * period;
    } else {
      this.nextPeriodic = Number.POSITIVE_INFINITY;
    }
    if ((b & REG_B_UIE) !== 0 && (b & REG_B_SET) === 0) {
      this.nextUpdate = now + (SECOND_NS - this.nsIntoSecond(now));
    } else {
      this.nextUpdate = Number.POSITIVE_INFINITY;
    }
    const next = Math.min(this.nextPeriodic, this.nextUpdate);
    if (next !== Number.POSITIVE_INFINITY) this.armed(next);
  }

  /** IRQF = any enabled flag; IRQ8 follows it. */
  private updateIrq(): void {
    const b = this.cmos[RTC_REG_B]!;
    let c = this.cmos[RTC_REG_C]! & ~REG_C_IRQF;
    const enabled = c & b & (REG_C_PF | REG_C_AF | REG_C_UF);
    if (enabled !== 0) c |= REG_C_IRQF;
    this.cmos[RTC_REG_C] = c;
    const level = enabled !== 0;
    if (level !== this.irqLevel) {
      this.irqLevel = level;
      this.irq8.setLevel(level);
    }
  }
}
