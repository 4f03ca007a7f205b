// The local APIC of each CPU (Intel SDM Vol. 3A ch. 11) at 0xfee00000, enough for firmware's SMP
// bring-up: ID, version, TPR, SVR, LDR/DFR, the LVT entries, ESR, and the ICR whose INIT and
// STARTUP IPIs (all-excluding-self or a physical destination) are handed to the machine, which
// starts the application processors. Interrupt delivery through the APIC is not modelled: LINT0 in
// ExtINT mode passes the 8259's INTR straight to the CPU, as on a PC after reset. Accesses go to the
// APIC of the CPU executing (the machine says which).
import type { GuestLog } from "../io/guest-log.ts";
import type { MmioOps } from "../memory/region.ts";
import type { TraceBus, TracePoint } from "../trace/bus.ts";

export const APIC_DEFAULT_BASE = 0xfee00000;
export const APIC_MMIO_SIZE = 0x1000;
/** Register offsets. */
export const APIC_ID = 0x20;
export const APIC_VERSION = 0x30;
export const APIC_TPR = 0x80;
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
export const APIC_LVT_MASKED = 0x10000;
/** ICR fields. */
export const ICR_DELIVERY_MASK = 0x700;
export const ICR_DELIVERY_INIT = 0x500;
export const ICR_DELIVERY_STARTUP = 0x600;
export const ICR_LEVEL_ASSERT = 0x4000;
export const ICR_DEST_SHORTHAND_SHIFT = 18;
export const ICR_DEST_SELF = 1;
export const ICR_DEST_ALL = 2;
export const ICR_DEST_ALL_BUT_SELF = 3;

/** An inter-processor interrupt the machine must carry out. */
export interface Ipi {
  kind: "init" | "startup";
  /** Destination CPU indexes (positions in the machine's CPU list, not APIC IDs). */
  targets: number[];
  /** STARTUP: the vector (the AP starts at vector << 12). */
  vector: number;
}

/** One local APIC's registers. */
class LocalApic {
  readonly regs = new Map<number, number>();

  constructor(
    readonly index: number,
    readonly id: number,
  ) {
    this.reset();
  }

  reset(): void {
    this.regs.clear();
    this.regs.set(APIC_ID, this.id << 24);
    this.regs.set(APIC_DFR, 0xffffffff);
    this.regs.set(APIC_SVR, 0xff);
    for (const lvt of [
      APIC_LVT_TIMER,
      APIC_LVT_THERMAL,
      APIC_LVT_PERF,
      APIC_LVT_LINT0,
      APIC_LVT_LINT1,
      APIC_LVT_ERROR,
    ]) {
      this.regs.set(lvt, APIC_LVT_MASKED);
    }
  }
}

/** The local APICs of all CPUs behind one MMIO window. */
export class LocalApics {
  readonly name = "apic";
  private readonly apics: LocalApic[];
  private readonly readPoint: TracePoint;
  private readonly writePoint: TracePoint;

  /**
   * One APIC per entry of `apicIds` (CPU index -> APIC ID); `current()` is the index of the CPU
   * executing; `ipi` carries out INIT/STARTUP.
   */
  constructor(
    apicIds: readonly number[],
    private readonly current: () => number,
    private readonly ipi: (ipi: Ipi) => void,
    trace: TraceBus,
    private readonly log: GuestLog,
  ) {
    this.apics = apicIds.map((id, i) => new LocalApic(i, id));
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

  reset(): void {
    for (const a of this.apics) a.reset();
  }

  /** The register of CPU `cpu`'s APIC (tests, the debugger). */
  register(cpu: number, offset: number): number {
    return this.apics[cpu]!.regs.get(offset & 0xff0) ?? 0;
  }

  private apic(): LocalApic {
    return this.apics[this.current()] ?? this.apics[0]!;
  }

  private read(offset: number): number {
    const reg = offset & 0xff0;
    const a = this.apic();
    let v: number;
    if (reg === APIC_VERSION) v = APIC_VERSION_VALUE;
    else if (reg === APIC_TIMER_CURRENT) v = 0;
    else v = a.regs.get(reg) ?? 0;
    if (this.readPoint.on) this.readPoint.emit({ addr: offset, val: v >>> 0 });
    return v >>> 0;
  }

  private write(offset: number, value: number): void {
    const reg = offset & 0xff0;
    const a = this.apic();
    if (this.writePoint.on) this.writePoint.emit({ addr: offset, val: value >>> 0 });
    switch (reg) {
      case APIC_ID:
      case APIC_TPR:
      case APIC_LDR:
      case APIC_DFR:
      case APIC_SVR:
      case APIC_ICR_HIGH:
      case APIC_LVT_THERMAL:
      case APIC_LVT_PERF:
      case APIC_LVT_LINT0:
      case APIC_LVT_LINT1:
      case APIC_LVT_ERROR:
      case APIC_TIMER_DIVIDE:
        a.regs.set(reg, value >>> 0);
        return;
      case APIC_LVT_TIMER:
      case APIC_TIMER_INITIAL:
        a.regs.set(reg, value >>> 0);
        if (reg === APIC_TIMER_INITIAL && value !== 0) {
          this.log.unimplemented("apic: local APIC timer (counts nothing)", "apic-timer");
        }
        return;
      case APIC_EOI:
      case APIC_ESR:
        return;
      case APIC_ICR_LOW:
        a.regs.set(reg, value & ~0x1000);
        this.sendIpi(a, value >>> 0);
        return;
      default:
        this.log.guestError(
          `apic: write 0x${value.toString(16)} to read-only/reserved 0x${reg.toString(16)}`,
        );
    }
  }

  /** Decodes the ICR and hands INIT/STARTUP to the machine; other IPIs are logged. */
  private sendIpi(from: LocalApic, low: number): void {
    const delivery = low & ICR_DELIVERY_MASK;
    const shorthand = (low >>> ICR_DEST_SHORTHAND_SHIFT) & 3;
    const dest = (from.regs.get(APIC_ICR_HIGH) ?? 0) >>> 24;
    let chosen: LocalApic[];
    if (shorthand === ICR_DEST_SELF) chosen = [from];
    else if (shorthand === ICR_DEST_ALL) chosen = this.apics;
    else if (shorthand === ICR_DEST_ALL_BUT_SELF) chosen = this.apics.filter((a) => a !== from);
    else chosen = this.apics.filter((a) => a.id === dest || dest === 0xff);
    const targets = chosen.map((a) => a.index);
    if (delivery === ICR_DELIVERY_INIT) {
      // INIT level de-assert (level=0, trigger=level) is a no-op on modern processors.
      if ((low & ICR_LEVEL_ASSERT) === 0 && (low & 0x8000) !== 0) return;
      this.ipi({ kind: "init", targets, vector: 0 });
    } else if (delivery === ICR_DELIVERY_STARTUP) {
      this.ipi({ kind: "startup", targets, vector: low & 0xff });
    } else {
      this.log.unimplemented(
        `apic: IPI delivery mode ${delivery >> 8} (vector 0x${(low & 0xff).toString(16)})`,
        `ipi-${delivery}`,
      );
    }
  }
}
