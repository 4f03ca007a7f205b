// The HPET QEMU 7.2's pc machine has at 0xfed00000 (IA-PC HPET specification 1.0a; QEMU's
// hw/timer/hpet.c): a 64-bit main counter at 100 MHz on the virtual clock and three comparators,
// each one-shot or periodic, 32- or 64-bit, edge or level, routed to an I/O APIC input (the pc
// machine offers only IRQ2) or, in legacy replacement mode, timer 0 to IRQ0 and timer 1 to IRQ8
// in place of the PIT and the RTC, whose outputs pass through the HPET otherwise.
import type { ClockedDevice } from "../clock.ts";
import type { MmioOps } from "../memory/region.ts";
import { loadPlain, type PlainRecord, savePlain } from "../snapshot/plain.ts";
import type { IrqLine } from "./irq.ts";

export const HPET_BASE = 0xfed00000;
export const HPET_MMIO_SIZE = 0x400;
/** General registers. */
export const HPET_ID = 0x000;
export const HPET_PERIOD = 0x004;
export const HPET_CFG = 0x010;
export const HPET_STATUS = 0x020;
export const HPET_COUNTER = 0x0f0;
/** Timer n's registers at 0x100 + 0x20 * n. */
export const HPET_TN_BASE = 0x100;
export const HPET_TN_STRIDE = 0x20;
export const HPET_TN_CFG = 0x00;
export const HPET_TN_CMP = 0x08;
export const HPET_TN_ROUTE = 0x10;
/** General configuration bits. */
export const HPET_CFG_ENABLE = 0x1;
export const HPET_CFG_LEGACY = 0x2;
const HPET_CFG_WRITE_MASK = 0x3;
/** Timer configuration bits. */
export const HPET_TN_TYPE_LEVEL = 0x002;
export const HPET_TN_ENABLE = 0x004;
export const HPET_TN_PERIODIC = 0x008;
export const HPET_TN_PERIODIC_CAP = 0x010;
export const HPET_TN_SIZE_CAP = 0x020;
export const HPET_TN_SETVAL = 0x040;
export const HPET_TN_32BIT = 0x100;
export const HPET_TN_INT_ROUTE_SHIFT = 9;
export const HPET_TN_INT_ROUTE_MASK = 0x3e00;
export const HPET_TN_FSB_ENABLE = 0x4000;
const HPET_TN_CFG_WRITE_MASK = 0x7f4e;
/** Timers QEMU gives the pc machine. */
export const HPET_TIMERS = 3;
/** Counter period in femtoseconds: 10 ns, a 100 MHz counter. */
export const HPET_PERIOD_FS = 10_000_000;
const NS_PER_TICK = 10;
/** Capabilities: vendor 8086, LegacyReplacementRoute capable, 64-bit counter, revision 1. */
export const HPET_CAPABILITIES = 0x8086a001 | ((HPET_TIMERS - 1) << 8);
/** The interrupt routes the pc machine offers each timer: I/O APIC input 2 only. */
export const HPET_INT_ROUTE_CAP = 0x4;
/** ISA IRQs of legacy replacement. */
const IRQ_PIT = 0;
const IRQ_RTC = 8;
const U32 = 0x1_0000_0000;
/** The comparator after reset (2^64 - 1): never written. */
const NO_COMPARATOR = Number.MAX_VALUE;

/**
 * One comparator. The 64-bit values are held as numbers (exact below 2^53, 2.8 years of ticks); the
 * reset comparator, all ones, is the one value above that, kept as NO_COMPARATOR.
 */
class HpetTimer {
  config = 0;
  cmp = 0;
  period = 0;
  fsbLow = 0;
  fsbHigh = 0;
  wrap = false;
  /** Virtual ns of the next expiry, or Infinity. */
  deadline = Number.POSITIVE_INFINITY;

  constructor(readonly index: number) {}
}

/** The HPET's saved state. */
export interface HpetState {
  readonly timers: readonly PlainRecord[];
  readonly hpet: PlainRecord;
}

/** The HPET. `gsi(n)` drives global system interrupt n (ISA IRQ n for n < 16). */
export class Hpet implements ClockedDevice {
  readonly name = "hpet";
  private readonly timers: HpetTimer[];
  private config = 0;
  private isr = 0;
  /** Counter value while halted; offset from virtual time while running (QEMU's hpet_offset). */
  private counter = 0;
  private offsetNs = 0;
  private pitLevel = false;
  private rtcLevel = false;

  /** `now` gives virtual ns; `armed` hears of each comparator deadline set (VirtualClock.armed). */
  constructor(
    private readonly gsi: (n: number) => IrqLine,
    private readonly now: () => number,
    private readonly armed: (deadlineNs: number) => void,
  ) {
    this.timers = Array.from({ length: HPET_TIMERS }, (_, i) => new HpetTimer(i));
    this.reset();
  }

  /** The PIT's output: on to IRQ0 unless legacy replacement took it. */
  pitInput(): IrqLine {
    return {
      setLevel: (level) => {
        this.pitLevel = level;
        if (!this.legacy()) this.gsi(IRQ_PIT).setLevel(level);
      },
    };
  }

  /** The RTC's output: on to IRQ8 unless legacy replacement took it. */
  rtcInput(): IrqLine {
    return {
      setLevel: (level) => {
        this.rtcLevel = level;
        if (!this.legacy()) this.gsi(IRQ_RTC).setLevel(level);
      },
    };
  }

  mmio(): MmioOps {
    return {
      minSize: 4,
      maxSize: 4,
      read: (offset) => this.read(offset) >>> 0,
      write: (offset, _size, value) => this.write(offset, value >>> 0),
    };
  }

  /** The registers, the comparators with their deadlines and the legacy input levels, as plain data. */
  saveState(): HpetState {
    return {
      timers: this.timers.map((t) => savePlain(t)),
      hpet: savePlain(this, ["timers", "gsi", "now", "armed"]),
    };
  }

  /** Puts back a saveState() copy. */
  loadState(s: HpetState): void {
    this.timers.forEach((t, i) => {
      loadPlain(t, s.timers[i]!);
    });
    loadPlain(this, s.hpet);
  }

  reset(): void {
    for (const t of this.timers) {
      this.stop(t);
      t.cmp = NO_COMPARATOR;
      t.config = HPET_TN_PERIODIC_CAP | HPET_TN_SIZE_CAP;
      t.period = 0;
      t.fsbLow = 0;
      t.fsbHigh = 0;
      t.wrap = false;
    }
    this.counter = 0;
    this.offsetNs = 0;
    this.config = 0;
    this.rtcLevel = false;
  }

  nextDeadline(): number {
    let min = Number.POSITIVE_INFINITY;
    for (const t of this.timers) if (t.deadline < min) min = t.deadline;
    return min;
  }

  onDeadline(nowNs: number): void {
    for (const t of this.timers) if (t.deadline <= nowNs) this.expire(t);
  }

  // ---- internals ----

  private legacy(): boolean {
    return (this.config & HPET_CFG_LEGACY) !== 0;
  }

  private enabled(): boolean {
    return (this.config & HPET_CFG_ENABLE) !== 0;
  }

  /** The main counter now. */
  private ticks(): number {
    return this.enabled() ? Math.floor((this.now() + this.offsetNs) / NS_PER_TICK) : this.counter;
  }

  private route(t: HpetTimer): number {
    if (t.index <= 1 && this.legacy()) return t.index === 0 ? IRQ_PIT : IRQ_RTC;
    return (t.config & HPET_TN_INT_ROUTE_MASK) >> HPET_TN_INT_ROUTE_SHIFT;
  }

  /** Raises (edge: pulses) or lowers the timer's interrupt (QEMU's update_irq). */
  private updateIrq(t: HpetTimer, set: boolean): void {
    const mask = 1 << t.index;
    const line = this.gsi(this.route(t));
    if (!set || (t.config & HPET_TN_ENABLE) === 0 || !this.enabled()) {
      this.isr &= ~mask;
      if ((t.config & HPET_TN_FSB_ENABLE) === 0) line.setLevel(false);
    } else if ((t.config & HPET_TN_FSB_ENABLE) !== 0) {
      // FSB (MSI) delivery is not offered: the pc machine's HPET has no FSB capability.
    } else if ((t.config & HPET_TN_TYPE_LEVEL) !== 0) {
      this.isr |= mask;
      line.setLevel(true);
    } else {
      this.isr &= ~mask;
      line.setLevel(true);
      line.setLevel(false);
    }
  }

  /** Ticks from `cur` to the comparator (at least 1). */
  private diff(t: HpetTimer, cur: number): number {
    if ((t.config & HPET_TN_32BIT) !== 0) {
      const d = ((t.cmp >>> 0) - (cur % U32)) | 0;
      return d > 0 ? d : 1;
    }
    const d = t.cmp - cur;
    return d > 0 ? d : 1;
  }

  /** Arms the timer for its comparator (QEMU's hpet_set_timer), with the 32-bit one-shot wrap. */
  private arm(t: HpetTimer): void {
    const cur = this.ticks();
    t.wrap = false;
    let d = this.diff(t, cur);
    if ((t.config & HPET_TN_32BIT) !== 0 && (t.config & HPET_TN_PERIODIC) === 0) {
      const toWrap = 0xffffffff - (cur % U32);
      if (toWrap < d) {
        d = toWrap;
        t.wrap = true;
      }
    }
    t.deadline = this.now() + d * NS_PER_TICK;
    this.armed(t.deadline);
  }

  private stop(t: HpetTimer): void {
    t.deadline = Number.POSITIVE_INFINITY;
    this.updateIrq(t, false);
  }

  /** A comparator matched (QEMU's hpet_timer): re-arm a periodic timer, interrupt. */
  private expire(t: HpetTimer): void {
    const cur = this.ticks();
    t.deadline = Number.POSITIVE_INFINITY;
    if ((t.config & HPET_TN_PERIODIC) !== 0 && t.period !== 0) {
      // Advance the comparator by whole periods past the counter. (QEMU advances while the counter
      // is strictly after it: run exactly on time, as here, that would fire again one tick later;
      // QEMU's host timers always run late, so it never sees the equal case.)
      if ((t.config & HPET_TN_32BIT) !== 0) {
        const cur32 = cur % U32;
        while ((((t.cmp >>> 0) - cur32) | 0) <= 0) t.cmp = (t.cmp + t.period) % U32;
      } else {
        while (t.cmp <= cur) t.cmp += t.period;
      }
      t.deadline = this.now() + this.diff(t, cur) * NS_PER_TICK;
    } else if ((t.config & HPET_TN_32BIT) !== 0 && t.wrap) {
      t.wrap = false;
      t.deadline = this.now() + this.diff(t, cur) * NS_PER_TICK;
    }
    this.updateIrq(t, true);
  }

  private read(offset: number): number {
    if (offset >= HPET_TN_BASE && offset < HPET_TN_BASE + HPET_TIMERS * HPET_TN_STRIDE) {
      const t = this.timers[(offset - HPET_TN_BASE) >> 5]!;
      switch ((offset - HPET_TN_BASE) & (HPET_TN_STRIDE - 1)) {
        case HPET_TN_CFG:
          return t.config;
        case HPET_TN_CFG + 4:
          return HPET_INT_ROUTE_CAP;
        case HPET_TN_CMP:
          return low32(t.cmp);
        case HPET_TN_CMP + 4:
          return high32(t.cmp);
        case HPET_TN_ROUTE:
          return t.fsbLow;
        case HPET_TN_ROUTE + 4:
          return t.fsbHigh;
        default:
          return 0;
      }
    }
    switch (offset) {
      case HPET_ID:
        return HPET_CAPABILITIES;
      case HPET_PERIOD:
        return HPET_PERIOD_FS;
      case HPET_CFG:
        return this.config;
      case HPET_STATUS:
        return this.isr;
      case HPET_COUNTER:
        return this.ticks() % U32;
      case HPET_COUNTER + 4:
        return Math.floor(this.ticks() / U32);
      default:
        return 0;
    }
  }

  private write(offset: number, value: number): void {
    if (offset >= HPET_TN_BASE && offset < HPET_TN_BASE + HPET_TIMERS * HPET_TN_STRIDE) {
      this.writeTimer(this.timers[(offset - HPET_TN_BASE) >> 5]!, (offset - HPET_TN_BASE) & 0x1f, value);
      return;
    }
    switch (offset) {
      case HPET_CFG:
        this.writeConfig(value);
        return;
      case HPET_STATUS: {
        const clear = value & this.isr;
        for (const t of this.timers) if ((clear & (1 << t.index)) !== 0) this.updateIrq(t, false);
        return;
      }
      case HPET_COUNTER:
        this.counter = Math.floor(this.counter / U32) * U32 + value;
        return;
      case HPET_COUNTER + 4:
        this.counter = (this.counter % U32) + value * U32;
        return;
    }
  }

  /** The general configuration: start/stop the counter, enter/leave legacy replacement. */
  private writeConfig(value: number): void {
    const old = this.config;
    this.config = (old & ~HPET_CFG_WRITE_MASK) | (value & HPET_CFG_WRITE_MASK);
    if ((old & HPET_CFG_ENABLE) === 0 && (value & HPET_CFG_ENABLE) !== 0) {
      this.offsetNs = this.counter * NS_PER_TICK - this.now();
      // QEMU arms every timer whose comparator was written, enabled or not.
      for (const t of this.timers) if (t.cmp !== NO_COMPARATOR) this.arm(t);
    } else if ((old & HPET_CFG_ENABLE) !== 0 && (value & HPET_CFG_ENABLE) === 0) {
      this.counter = Math.floor((this.now() + this.offsetNs) / NS_PER_TICK);
      for (const t of this.timers) this.stop(t);
    }
    if ((old & HPET_CFG_LEGACY) === 0 && (value & HPET_CFG_LEGACY) !== 0) {
      this.gsi(IRQ_PIT).setLevel(false);
      this.gsi(IRQ_RTC).setLevel(false);
    } else if ((old & HPET_CFG_LEGACY) !== 0 && (value & HPET_CFG_LEGACY) === 0) {
      // QEMU lowers IRQ0, then the PIT, enabled again, drives its current output.
      this.gsi(IRQ_PIT).setLevel(false);
      this.gsi(IRQ_PIT).setLevel(this.pitLevel);
      this.gsi(IRQ_RTC).setLevel(this.rtcLevel);
    }
  }

  private writeTimer(t: HpetTimer, reg: number, value: number): void {
    switch (reg) {
      case HPET_TN_CFG: {
        const old = t.config;
        if ((old & HPET_TN_FSB_ENABLE) === 0 && (value & HPET_TN_FSB_ENABLE) !== 0) this.updateIrq(t, false);
        t.config = (old & ~HPET_TN_CFG_WRITE_MASK) | (value & HPET_TN_CFG_WRITE_MASK);
        if ((value & HPET_TN_32BIT) !== 0) {
          t.cmp = low32(t.cmp);
          t.period %= U32;
        }
        if ((old & HPET_TN_ENABLE) === 0 && (value & HPET_TN_ENABLE) !== 0) this.arm(t);
        else if ((old & HPET_TN_ENABLE) !== 0 && (value & HPET_TN_ENABLE) === 0) this.stop(t);
        return;
      }
      case HPET_TN_CMP:
      case HPET_TN_CMP + 4: {
        const high = reg === HPET_TN_CMP + 4;
        const periodic = (t.config & HPET_TN_PERIODIC) !== 0;
        const bits32 = (t.config & HPET_TN_32BIT) !== 0;
        if (bits32 && high) value = 0;
        if (!periodic || (t.config & HPET_TN_SETVAL) !== 0) t.cmp = setHalf(t.cmp, value, high);
        if (periodic && (!high || (t.config & HPET_TN_SETVAL) === 0)) {
          // The period is clamped to half the counter's range (QEMU).
          const v = high ? value & 0x7fffffff : bits32 ? value & 0x7fffffff : value;
          t.period = setHalf(t.period, v, high);
        }
        t.config &= ~HPET_TN_SETVAL;
        if (this.enabled()) this.arm(t);
        return;
      }
      case HPET_TN_ROUTE:
        t.fsbLow = value;
        return;
      case HPET_TN_ROUTE + 4:
        t.fsbHigh = value;
        return;
    }
  }
}

/** The low 32 bits of a 64-bit register value. */
function low32(v: number): number {
  return v === NO_COMPARATOR ? 0xffffffff : v % U32;
}

/** The high 32 bits of a 64-bit register value. */
function high32(v: number): number {
  return v === NO_COMPARATOR ? 0xffffffff : Math.floor(v / U32);
}

/** `v` with its low or high 32 bits replaced by `half`. */
function setHalf(v: number, half: number, high: boolean): number {
  return high ? low32(v) + half * U32 : high32(v) * U32 + half;
}
