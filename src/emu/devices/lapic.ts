// The local APIC of each CPU (Intel SDM Vol. 3A ch. 10), behind one MMIO window at 0xfee00000 that
// reaches the APIC of the CPU executing, as QEMU 7.2's hw/intc/apic.c models it: ID, version, TPR
// and PPR, EOI, LDR/DFR (flat and cluster logical destinations), SVR, the IRR/ISR/TMR vectors, ESR,
// the ICR (fixed, lowest-priority, NMI, INIT and STARTUP IPIs, with the destination shorthands),
// the six LVT entries, and the timer (one-shot and periodic, counting QEMU's 1 GHz APIC bus clock
// divided by the divide configuration, on the deterministic virtual clock).
//
// Interrupt routing: the 8259's INTR reaches each CPU through LINT0 in ExtINT mode (which firmware
// sets) or directly while the APIC is globally disabled; the I/O APIC and IPIs set
// IRR bits; each CPU's INTR line is "a vector above the processor priority, or the 8259 accepted",
// and the CPU's interrupt acknowledge asks the APIC, which hands the 8259's INTA on when the 8259
// is the source. An EOI of a level-triggered vector is broadcast to the I/O APIC.

import type { ClockedDevice } from "../clock.ts";
import type { InterruptController } from "../cpu/state.ts";
import type { GuestLog } from "../io/guest-log.ts";
import type { MmioOps } from "../memory/region.ts";
import { loadPlain, type PlainRecord, savePlain } from "../snapshot/plain.ts";
import type { TraceBus, TracePoint } from "../trace/bus.ts";

export const APIC_DEFAULT_BASE = 0xfee00000;
export const APIC_MMIO_SIZE = 0x1000;
/** Register offsets. */
export const APIC_ID = 0x20;
export const APIC_VERSION = 0x30;
export const APIC_TPR = 0x80;
export const APIC_APR = 0x90;
export const APIC_PPR = 0xa0;
export const APIC_EOI = 0xb0;
export const APIC_LDR = 0xd0;
export const APIC_DFR = 0xe0;
export const APIC_SVR = 0xf0;
export const APIC_ISR = 0x100;
export const APIC_TMR = 0x180;
export const APIC_IRR = 0x200;
export const APIC_ESR = 0x280;
export const APIC_ICR_LOW = 0x300;
export const APIC_ICR_HIGH = 0x310;
export const APIC_LVT_TIMER = 0x320;
export const APIC_LVT_THERMAL = 0x330;
export const APIC_LVT_PERF = 0x340;
export const APIC_LVT_LINT0 = 0x350;
export const APIC_LVT_LINT1 = 0x360;
export const APIC_LVT_ERROR = 0x370;
export const APIC_TIMER_INITIAL = 0x380;
export const APIC_TIMER_CURRENT = 0x390;
export const APIC_TIMER_DIVIDE = 0x3e0;
/** Version register: version 0x14, 6 LVT entries (QEMU's). */
export const APIC_VERSION_VALUE = 0x00050014;
/** LVT indexes (register = APIC_LVT_TIMER + 0x10 * index). */
export const LVT_TIMER = 0;
export const LVT_THERMAL = 1;
export const LVT_PERF = 2;
export const LVT_LINT0 = 3;
export const LVT_LINT1 = 4;
export const LVT_ERROR = 5;
const LVT_COUNT = 6;
/** LVT bits. */
export const APIC_LVT_MASKED = 0x10000;
export const APIC_LVT_LEVEL_TRIGGER = 0x8000;
export const APIC_LVT_TIMER_PERIODIC = 0x20000;
/** Delivery modes (ICR, LVT and I/O APIC bits 8-10). */
export const DM_FIXED = 0;
export const DM_LOWEST = 1;
export const DM_SMI = 2;
export const DM_NMI = 4;
export const DM_INIT = 5;
export const DM_STARTUP = 6;
export const DM_EXTINT = 7;
/** SVR: APIC software enable. */
export const APIC_SVR_ENABLE = 0x100;
/** SVR: EOI broadcast suppression (directed EOI). */
export const APIC_SVR_DIRECTED_EOI = 0x1000;
/** IA32_APIC_BASE of an application processor after reset: enabled, not the BSP. */
export const AP_APIC_BASE = 0xfee00800;
/** IA32_APIC_BASE: global enable. */
export const APIC_BASE_ENABLE = 0x800;
/** ESR: illegal register address. */
export const APIC_ESR_ILLEGAL_ADDRESS = 0x80;
/** QEMU's APIC timer input: its virtual clock in ns (a 1 GHz bus). */
const APIC_BUS_NS_PER_TICK = 1;
/** ICR fields. */
export const ICR_LEVEL_ASSERT = 0x4000;
export const ICR_TRIGGER_LEVEL = 0x8000;
export const ICR_DEST_LOGICAL = 0x800;
export const ICR_DEST_SHORTHAND_SHIFT = 18;
export const ICR_DEST_SELF = 1;
export const ICR_DEST_ALL = 2;
export const ICR_DEST_ALL_BUT_SELF = 3;
/** Broadcast physical destination. */
const DEST_BROADCAST = 0xff;

/** An INIT or STARTUP IPI the machine carries out (the application processors' bring-up). */
export interface Ipi {
  kind: "init" | "startup";
  /** Destination CPU indexes (positions in the machine's CPU list, not APIC IDs). */
  targets: number[];
  /** STARTUP: the vector (the AP starts at vector << 12). */
  vector: number;
}

/** What the APICs need from the machine. */
export interface ApicHost {
  /** Index of the CPU executing (the MMIO window is that CPU's APIC). */
  current(): number;
  /** Sets CPU `index`'s INTR input. */
  setIntr(index: number, level: boolean): void;
  /** CPU `index`'s IA32_APIC_BASE MSR. */
  apicBase(index: number): number;
  /** Carries out INIT/STARTUP. */
  ipi(ipi: Ipi): void;
  /** The 8259's interrupt acknowledge (its vector). */
  picAcknowledge(): number;
  /** EOI of a level-triggered vector, for the I/O APIC. */
  eoiBroadcast(vector: number): void;
  /** Virtual ns now. */
  now(): number;
  /** A timer was armed for virtual ns `deadline` (VirtualClock.armed). */
  timerArmed(deadlineNs: number): void;
}

/** Highest set bit of a 256-bit vector as a vector number, or -1. */
function highest(bits: Uint32Array): number {
  for (let i = 7; i >= 0; i--) {
    const w = bits[i]!;
    if (w !== 0) return i * 32 + 31 - Math.clz32(w);
  }
  return -1;
}

function setBit(bits: Uint32Array, v: number): void {
  bits[v >> 5]! |= 1 << (v & 31);
}

function clearBit(bits: Uint32Array, v: number): void {
  bits[v >> 5]! &= ~(1 << (v & 31));
}

function testBit(bits: Uint32Array, v: number): boolean {
  return (bits[v >> 5]! & (1 << (v & 31))) !== 0;
}

/** One CPU's local APIC; the CPU's interrupt controller. */
export class LocalApic implements InterruptController {
  id: number;
  tpr = 0;
  logDest = 0;
  destMode = 0xf;
  svr = 0xff;
  esr = 0;
  icrLow = 0;
  icrHigh = 0;
  readonly lvt = new Uint32Array(LVT_COUNT);
  readonly irr = new Uint32Array(8);
  readonly isr = new Uint32Array(8);
  readonly tmr = new Uint32Array(8);
  divideConf = 0;
  countShift = 0;
  initialCount = 0;
  loadTimeNs = 0;
  /** Virtual ns of the next timer interrupt, or Infinity. */
  timerDeadline = Number.POSITIVE_INFINITY;

  constructor(
    readonly index: number,
    readonly initialId: number,
    private readonly apics: LocalApics,
  ) {
    this.id = initialId;
    this.reset();
  }

  /**
   * Power-on/RESET state. Every LVT entry is masked, LINT0 included: QEMU 7.2's apic_reset_common
   * means to put the boot CPU's LINT0 in ExtINT mode but reads LINT0 as 0x10000 after power-on
   * (firmware/tests/apic shows it), so the 8259 reaches no CPU until firmware sets LINT0.
   */
  reset(): void {
    this.id = this.initialId;
    this.initReset();
  }

  /** INIT state (QEMU's apic_init_reset): everything but the ID and the base MSR. */
  initReset(): void {
    this.tpr = 0;
    this.svr = 0xff;
    this.logDest = 0;
    this.destMode = 0xf;
    this.isr.fill(0);
    this.tmr.fill(0);
    this.irr.fill(0);
    this.lvt.fill(APIC_LVT_MASKED);
    this.esr = 0;
    this.icrLow = 0;
    this.icrHigh = 0;
    this.divideConf = 0;
    this.countShift = 0;
    this.initialCount = 0;
    this.loadTimeNs = 0;
    this.timerDeadline = Number.POSITIVE_INFINITY;
  }

  /** The INTA cycle: the 8259's vector when it is the source, else the highest deliverable vector. */
  acknowledge(): number {
    const apics = this.apics;
    if (this.acceptsPic() && apics.picLevel) {
      const lvt0 = this.lvt[LVT_LINT0]!;
      if ((this.svr & APIC_SVR_ENABLE) === 0 || ((lvt0 >> 8) & 7) === DM_EXTINT) {
        const v = apics.host.picAcknowledge();
        this.update();
        return v;
      }
    }
    const v = this.pending();
    if (v < 0) {
      this.update();
      return this.svr & 0xff;
    }
    clearBit(this.irr, v);
    setBit(this.isr, v);
    this.update();
    return v;
  }

  /** The 8259 reaches this CPU: APIC globally disabled, or LINT0 unmasked (QEMU's rule). */
  acceptsPic(): boolean {
    return (
      (this.apics.host.apicBase(this.index) & APIC_BASE_ENABLE) === 0 ||
      (this.lvt[LVT_LINT0]! & APIC_LVT_MASKED) === 0
    );
  }

  /** Processor priority: the TPR or the class of the highest in-service vector. */
  ppr(): number {
    const isrv = Math.max(highest(this.isr), 0) >> 4;
    return this.tpr >> 4 >= isrv ? this.tpr : isrv << 4;
  }

  /** The highest IRR vector above the processor priority; -2 if one is pending below it; -1 none. */
  pending(): number {
    if ((this.svr & APIC_SVR_ENABLE) === 0) return -1;
    const v = highest(this.irr);
    if (v < 0) return -1;
    const ppr = this.ppr();
    if (ppr !== 0 && (v & 0xf0) <= (ppr & 0xf0)) return -2;
    return v;
  }

  /** Recomputes the CPU's INTR input. */
  update(): void {
    const fromPic = this.apics.picLevel && this.acceptsPic() && this.picIsExtInt();
    this.apics.host.setIntr(this.index, fromPic || this.pending() >= 0);
  }

  /** The 8259 drives INTR directly (APIC software-disabled, or LINT0 in ExtINT mode). */
  private picIsExtInt(): boolean {
    return (this.svr & APIC_SVR_ENABLE) === 0 || ((this.lvt[LVT_LINT0]! >> 8) & 7) === DM_EXTINT;
  }

  /** Accepts vector `v` into the IRR (level or edge). */
  setIrq(v: number, level: boolean): void {
    setBit(this.irr, v);
    if (level) setBit(this.tmr, v);
    else clearBit(this.tmr, v);
    this.update();
  }

  /** Delivers the LVT entry `index` (timer, LINT0/1...) per its delivery mode. */
  localDeliver(index: number): void {
    const lvt = this.lvt[index]!;
    if ((lvt & APIC_LVT_MASKED) !== 0) return;
    const mode = (lvt >> 8) & 7;
    if (mode === DM_FIXED) {
      const level = (index === LVT_LINT0 || index === LVT_LINT1) && (lvt & APIC_LVT_LEVEL_TRIGGER) !== 0;
      this.setIrq(lvt & 0xff, level);
    } else if (mode === DM_EXTINT) {
      this.update();
    } else {
      this.apics.log.unimplemented(`apic: LVT delivery mode ${mode} (NMI/SMI)`, `lvt-dm-${mode}`);
    }
  }

  /** EOI: retires the highest in-service vector; level-triggered ones are broadcast. */
  eoi(): void {
    const v = highest(this.isr);
    if (v < 0) return;
    clearBit(this.isr, v);
    if ((this.svr & APIC_SVR_DIRECTED_EOI) === 0 && testBit(this.tmr, v)) this.apics.host.eoiBroadcast(v);
    this.update();
  }

  /** The timer's current count (QEMU's apic_get_current_count). */
  currentCount(now: number): number {
    const d = Math.floor((now - this.loadTimeNs) / APIC_BUS_NS_PER_TICK / 2 ** this.countShift);
    if ((this.lvt[LVT_TIMER]! & APIC_LVT_TIMER_PERIODIC) !== 0) {
      return this.initialCount - (d % (this.initialCount + 1));
    }
    return d >= this.initialCount ? 0 : this.initialCount - d;
  }

  /** Re-arms the timer from `now` (QEMU's apic_next_timer): the next expiry or none. */
  updateTimer(now: number): void {
    this.timerDeadline = Number.POSITIVE_INFINITY;
    if ((this.lvt[LVT_TIMER]! & APIC_LVT_MASKED) !== 0) return;
    const unit = APIC_BUS_NS_PER_TICK * 2 ** this.countShift;
    let d = Math.floor((now - this.loadTimeNs) / unit);
    const period = this.initialCount + 1;
    if ((this.lvt[LVT_TIMER]! & APIC_LVT_TIMER_PERIODIC) !== 0) {
      if (this.initialCount === 0) return;
      d = (Math.floor(d / period) + 1) * period;
    } else {
      if (d >= this.initialCount) return;
      d = period;
    }
    this.timerDeadline = this.loadTimeNs + d * unit;
  }

  /** The timer expired at its deadline: interrupt, then re-arm (periodic). */
  timerExpired(): void {
    const at = this.timerDeadline;
    this.localDeliver(LVT_TIMER);
    this.updateTimer(at);
  }

  /** A 32-bit register read. */
  read(reg: number, now: number): number {
    if (reg >= APIC_ISR && reg < APIC_ISR + 0x80) return this.isr[(reg - APIC_ISR) >> 4]! >>> 0;
    if (reg >= APIC_TMR && reg < APIC_TMR + 0x80) return this.tmr[(reg - APIC_TMR) >> 4]! >>> 0;
    if (reg >= APIC_IRR && reg < APIC_IRR + 0x80) return this.irr[(reg - APIC_IRR) >> 4]! >>> 0;
    if (reg >= APIC_LVT_TIMER && reg <= APIC_LVT_ERROR) return this.lvt[(reg - APIC_LVT_TIMER) >> 4]! >>> 0;
    switch (reg) {
      case APIC_ID:
        return (this.id << 24) >>> 0;
      case APIC_VERSION:
        return APIC_VERSION_VALUE;
      case APIC_TPR:
        return this.tpr;
      case APIC_APR:
        return 0;
      case APIC_PPR:
        return this.ppr();
      case APIC_EOI:
        return 0;
      case APIC_LDR:
        return (this.logDest << 24) >>> 0;
      case APIC_DFR:
        return ((this.destMode << 28) | 0xfffffff) >>> 0;
      case APIC_SVR:
        return this.svr;
      case APIC_ESR:
        return this.esr;
      case APIC_ICR_LOW:
        return this.icrLow >>> 0;
      case APIC_ICR_HIGH:
        return this.icrHigh >>> 0;
      case APIC_TIMER_INITIAL:
        return this.initialCount >>> 0;
      case APIC_TIMER_CURRENT:
        return this.currentCount(now) >>> 0;
      case APIC_TIMER_DIVIDE:
        return this.divideConf;
      default:
        this.esr |= APIC_ESR_ILLEGAL_ADDRESS;
        return 0;
    }
  }

  /** A 32-bit register write. */
  write(reg: number, value: number, now: number): void {
    if (reg >= APIC_LVT_TIMER && reg <= APIC_LVT_ERROR) {
      const index = (reg - APIC_LVT_TIMER) >> 4;
      this.lvt[index] = value;
      if (index === LVT_TIMER) {
        this.updateTimer(now);
        this.apics.timersChanged();
      } else if (index === LVT_LINT0) this.update();
      return;
    }
    if (reg >= APIC_ISR && reg < APIC_ESR) return; // ISR, TMR, IRR are read-only
    switch (reg) {
      case APIC_ID:
        this.id = value >>> 24;
        return;
      case APIC_VERSION:
      case APIC_APR:
      case APIC_PPR:
      case APIC_ESR:
      case APIC_TIMER_CURRENT:
        return;
      case APIC_TPR:
        this.tpr = value & 0xff;
        this.update();
        return;
      case APIC_EOI:
        this.eoi();
        return;
      case APIC_LDR:
        this.logDest = value >>> 24;
        return;
      case APIC_DFR:
        this.destMode = value >>> 28;
        return;
      case APIC_SVR:
        this.svr = value & 0x1ff;
        this.update();
        return;
      case APIC_ICR_LOW:
        this.icrLow = value & ~0x1000; // delivery status reads idle
        this.apics.sendIpi(this, value >>> 0);
        return;
      case APIC_ICR_HIGH:
        this.icrHigh = value >>> 0;
        return;
      case APIC_TIMER_INITIAL:
        this.initialCount = value >>> 0;
        this.loadTimeNs = now;
        this.updateTimer(now);
        this.apics.timersChanged();
        return;
      case APIC_TIMER_DIVIDE: {
        this.divideConf = value & 0xb;
        const v = (this.divideConf & 3) | ((this.divideConf >> 1) & 4);
        this.countShift = (v + 1) & 7;
        return;
      }
      default:
        this.esr |= APIC_ESR_ILLEGAL_ADDRESS;
    }
  }
}

/** The local APICs' saved state. */
export interface LocalApicsState {
  readonly apics: readonly PlainRecord[];
  readonly bus: PlainRecord;
}

/** The local APICs of all CPUs: the MMIO window, the APIC bus (IPIs, I/O APIC messages), timers. */
export class LocalApics implements ClockedDevice {
  readonly name = "apic";
  readonly apics: LocalApic[];
  /** The 8259's INTR output. */
  picLevel = false;
  /** Earliest timer deadline of any APIC (cached; Infinity when none runs). */
  private earliest = Number.POSITIVE_INFINITY;
  private readonly readPoint: TracePoint;
  private readonly writePoint: TracePoint;

  /** `ids[i]` is CPU i's initial APIC ID. */
  constructor(
    ids: readonly number[],
    readonly host: ApicHost,
    trace: TraceBus,
    readonly log: GuestLog,
  ) {
    this.apics = ids.map((id, i) => new LocalApic(i, id, this));
    this.readPoint = trace.point("apic_mem_readl");
    this.writePoint = trace.point("apic_mem_writel");
  }

  /** The MMIO callbacks (32-bit registers; narrower accesses are widened by the bus). */
  mmio(): MmioOps {
    return {
      minSize: 4,
      maxSize: 4,
      read: (offset) => this.read(offset),
      write: (offset, _size, value) => this.write(offset, value),
    };
  }

  /** Every local APIC's registers and timer, and the 8259 INTR level, as plain data. */
  saveState(): LocalApicsState {
    return {
      apics: this.apics.map((a) => savePlain(a, ["apics"])),
      bus: savePlain(this, ["apics", "host", "log", "readPoint", "writePoint"]),
    };
  }

  /** Puts back a saveState() copy (no interrupt is re-sent: the CPUs' INTR lines are their own state). */
  loadState(s: LocalApicsState): void {
    this.apics.forEach((a, i) => {
      loadPlain(a, s.apics[i]!);
    });
    loadPlain(this, s.bus);
  }

  reset(): void {
    for (const a of this.apics) a.reset();
    this.picLevel = false;
    this.timersChanged();
    for (const a of this.apics) a.update();
  }

  /** CPU `index`'s APIC (its interrupt controller). */
  apic(index: number): LocalApic {
    return this.apics[index]!;
  }

  /** The register of CPU `cpu`'s APIC (tests, the debugger). */
  register(cpu: number, offset: number): number {
    return this.apics[cpu]!.read(offset & 0xff0, this.host.now());
  }

  /** The 8259's INTR output changed. */
  setPicLevel(level: boolean): void {
    if (level === this.picLevel) return;
    this.picLevel = level;
    for (const a of this.apics) {
      const lvt0 = a.lvt[LVT_LINT0]!;
      // A fixed-mode LINT0 takes the 8259's output as a local interrupt (QEMU's apic_deliver_pic_intr).
      if (level && a.acceptsPic() && (a.svr & APIC_SVR_ENABLE) !== 0 && ((lvt0 >> 8) & 7) === DM_FIXED) {
        a.localDeliver(LVT_LINT0);
      } else a.update();
    }
  }

  /** An interrupt message on the APIC bus (I/O APIC redirection, MSI): QEMU's apic_deliver_irq. */
  deliverIrq(dest: number, logical: boolean, mode: number, vector: number, level: boolean): void {
    this.busDeliver(this.destinations(dest, logical), mode, vector, level);
  }

  // ---- ClockedDevice: the APIC timers ----

  nextDeadline(): number {
    return this.earliest;
  }

  onDeadline(nowNs: number): void {
    for (const a of this.apics) if (a.timerDeadline <= nowNs) a.timerExpired();
    this.timersChanged();
  }

  /** Recomputes the earliest timer deadline after a timer was (re)armed or stopped. */
  timersChanged(): void {
    let min = Number.POSITIVE_INFINITY;
    for (const a of this.apics) if (a.timerDeadline < min) min = a.timerDeadline;
    this.earliest = min;
    if (min !== Number.POSITIVE_INFINITY) this.host.timerArmed(min);
  }

  // ---- internals ----

  private current(): LocalApic {
    return this.apics[this.host.current()] ?? this.apics[0]!;
  }

  private read(offset: number): number {
    const v = this.current().read(offset & 0xff0, this.host.now()) >>> 0;
    if (this.readPoint.on) this.readPoint.emit({ addr: offset, val: v });
    return v;
  }

  private write(offset: number, value: number): void {
    if (this.writePoint.on) this.writePoint.emit({ addr: offset, val: value >>> 0 });
    this.current().write(offset & 0xff0, value >>> 0, this.host.now());
  }

  /** CPU indexes a physical or logical destination selects (QEMU's apic_get_delivery_bitmask). */
  private destinations(dest: number, logical: boolean): number[] {
    const out: number[] = [];
    for (const a of this.apics) {
      if (!logical) {
        if (dest === DEST_BROADCAST || a.id === dest) out.push(a.index);
      } else if (a.destMode === 0xf) {
        if ((dest & a.logDest) !== 0) out.push(a.index);
      } else if (a.destMode === 0) {
        if ((dest & 0xf0) === (a.logDest & 0xf0) && (dest & a.logDest & 0x0f) !== 0) out.push(a.index);
      }
    }
    return out;
  }

  /** Decodes an ICR write and sends the IPI. */
  sendIpi(from: LocalApic, low: number): void {
    const mode = (low >> 8) & 7;
    const shorthand = (low >>> ICR_DEST_SHORTHAND_SHIFT) & 3;
    let targets: number[];
    if (shorthand === ICR_DEST_SELF) targets = [from.index];
    else if (shorthand === ICR_DEST_ALL) targets = this.apics.map((a) => a.index);
    else if (shorthand === ICR_DEST_ALL_BUT_SELF) {
      targets = this.apics.filter((a) => a !== from).map((a) => a.index);
    } else targets = this.destinations(from.icrHigh >>> 24, (low & ICR_DEST_LOGICAL) !== 0);
    if (mode === DM_INIT) {
      // INIT level de-assert (level=0, trigger=level) only resynchronises arbitration IDs.
      if ((low & ICR_LEVEL_ASSERT) === 0 && (low & ICR_TRIGGER_LEVEL) !== 0) return;
      for (const t of targets) this.apics[t]!.initReset();
      this.timersChanged();
      this.host.ipi({ kind: "init", targets, vector: 0 });
      return;
    }
    if (mode === DM_STARTUP) {
      this.host.ipi({ kind: "startup", targets, vector: low & 0xff });
      return;
    }
    this.busDeliver(targets, mode, low & 0xff, (low & ICR_TRIGGER_LEVEL) !== 0);
  }

  /** Delivers a fixed or lowest-priority vector to `targets` (QEMU's apic_bus_deliver). */
  private busDeliver(targets: number[], mode: number, vector: number, level: boolean): void {
    if (mode === DM_LOWEST) {
      // As QEMU: no arbitration, the first CPU of the destination set.
      if (targets.length > 0) this.apics[targets[0]!]!.setIrq(vector, level);
      return;
    }
    if (mode === DM_FIXED || mode === DM_EXTINT) {
      // ExtINT here comes from the I/O APIC, which already took the 8259's vector.
      for (const t of targets) this.apics[t]!.setIrq(vector, level);
      return;
    }
    if (mode === DM_INIT) {
      for (const t of targets) this.apics[t]!.initReset();
      this.timersChanged();
      this.host.ipi({ kind: "init", targets, vector: 0 });
      return;
    }
    this.log.unimplemented(`apic: delivery mode ${mode} (NMI/SMI)`, `apic-dm-${mode}`);
  }
}
