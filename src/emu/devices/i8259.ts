// The cascaded 8259A pair (Intel 8259A Programmable Interrupt Controller datasheet): master at
// 0x20/0x21, slave at 0xa0/0xa1 on the master's IR2. ICW1-ICW4 initialisation, OCW1 mask, OCW2
// EOI/specific EOI/rotation, OCW3 IRR/ISR reads and poll, auto-EOI, edge and level triggering (the
// level mode per line comes from the PIIX3 ELCR). The pair drives the CPU's INTR through an IrqLine
// and answers the INTA cycle via acknowledge() (spurious IRQ7/IRQ15 when nothing is left).
import type { InterruptController } from "../cpu/state.ts";
import type { GuestLog } from "../io/guest-log.ts";
import { type PortBus, SIZE_8 } from "../io/port-bus.ts";
import { loadPlain, type PlainRecord, savePlain } from "../snapshot/plain.ts";
import type { TraceBus, TracePoint } from "../trace/bus.ts";
import type { IrqLine } from "./irq.ts";

/** ICW1 bits. */
export const ICW1_IC4 = 0x01;
export const ICW1_SNGL = 0x02;
export const ICW1_LTIM = 0x08;
export const ICW1_INIT = 0x10;
/** ICW4 bits. */
export const ICW4_AEOI = 0x02;
/** OCW2 commands (bits 7-5): non-specific EOI, specific EOI, rotate on non-specific EOI... */
export const OCW2_EOI = 0x20;
export const OCW2_SL = 0x40;
export const OCW2_R = 0x80;
/** OCW3 bits: read register select, poll, special mask. */
export const OCW3_SELECT = 0x08;
export const OCW3_RIS = 0x01;
export const OCW3_RR = 0x02;
export const OCW3_POLL = 0x04;
export const OCW3_SMM = 0x20;
export const OCW3_ESMM = 0x40;

/** The pair's saved state. */
export interface I8259State {
  readonly chips: readonly PlainRecord[];
  readonly pair: PlainRecord;
}

/** One 8259A. */
class Pic8259 {
  irr = 0;
  isr = 0;
  imr = 0;
  /** Last level seen per line (edge detection). */
  last = 0;
  /** Level-triggered lines (ELCR). */
  elcr = 0;
  /** Lines that can be level-triggered at all (ELCR write mask). */
  constructor(
    readonly master: boolean,
    readonly elcrMask: number,
  ) {}
  vectorBase = 0;
  priorityAdd = 0;
  readIsr = false;
  poll = false;
  specialMask = false;
  autoEoi = false;
  rotateOnAutoEoi = false;
  needIcw4 = false;
  /** 0: operational; 2, 3, 4: waiting for that ICW. */
  initState = 0;
  single = false;
  ltim = false;

  reset(): void {
    this.irr = 0;
    this.isr = 0;
    this.imr = 0;
    this.last = 0;
    this.vectorBase = 0;
    this.priorityAdd = 0;
    this.readIsr = false;
    this.poll = false;
    this.specialMask = false;
    this.autoEoi = false;
    this.rotateOnAutoEoi = false;
    this.needIcw4 = false;
    this.initState = 0;
    this.single = false;
    this.ltim = false;
  }

  /** Highest-priority bit of `mask` (0..7) honouring the rotation, or 8 when none. */
  priority(mask: number): number {
    if (mask === 0) return 8;
    let p = 0;
    while ((mask & (1 << ((p + this.priorityAdd) & 7))) === 0) p++;
    return p;
  }

  /** The line to deliver now, or -1 (QEMU's pic_get_irq). */
  pending(): number {
    const mask = this.irr & ~this.imr;
    const p = this.priority(mask);
    if (p === 8) return -1;
    let inService = this.isr;
    if (this.specialMask) inService &= ~this.imr;
    // On the master, a slave in service does not block other slave interrupts (fully nested mode).
    if (this.master && !this.specialMask) inService &= ~(1 << 2);
    const cur = this.priority(inService);
    return p < cur ? (p + this.priorityAdd) & 7 : -1;
  }

  /** Drives input `line` to `level`: edge lines latch on a rising edge, level lines follow. */
  setLine(line: number, level: boolean): void {
    const bit = 1 << line;
    if (this.ltim || (this.elcr & bit) !== 0) {
      if (level) {
        this.irr |= bit;
        this.last |= bit;
      } else {
        this.irr &= ~bit;
        this.last &= ~bit;
      }
    } else if (level) {
      if ((this.last & bit) === 0) this.irr |= bit;
      this.last |= bit;
    } else {
      this.last &= ~bit;
    }
  }

  /** INTA for `line`: sets ISR unless auto-EOI, clears an edge request. */
  ack(line: number): void {
    const bit = 1 << line;
    if (this.autoEoi) {
      if (this.rotateOnAutoEoi) this.priorityAdd = (line + 1) & 7;
    } else {
      this.isr |= bit;
    }
    if (!(this.ltim || (this.elcr & bit) !== 0)) this.irr &= ~bit;
  }
}

/** The cascaded pair. */
export class I8259Pair implements InterruptController {
  readonly name = "i8259";
  private readonly chips = [new Pic8259(true, 0xf8), new Pic8259(false, 0xde)];
  private readonly setIrqPoint: TracePoint;
  private readonly interruptPoint: TracePoint;
  private intr = false;

  /** Registers 0x20-0x21 and 0xa0-0xa1; `output` is the CPU's INTR. */
  constructor(
    io: PortBus,
    private readonly output: IrqLine,
    trace: TraceBus,
    private readonly log: GuestLog,
  ) {
    this.setIrqPoint = trace.point("pic_set_irq");
    this.interruptPoint = trace.point("pic_interrupt");
    for (const [base, chip] of [
      [0x20, this.chips[0]!],
      [0xa0, this.chips[1]!],
    ] as const) {
      io.register(base, 2, {
        name: chip.master ? "pic-master" : "pic-slave",
        sizes: SIZE_8,
        // QEMU's pic_ioport_read/write: offset 0 is A0 = 0, any other (also past the two ports) A0 = 1.
        read: (port) => this.read(chip, port === base ? 0 : 1),
        write: (port, _s, value) => this.write(chip, port === base ? 0 : 1, value),
      });
    }
  }

  /** The registers of both chips and the INTR output level, as plain data. */
  saveState(): I8259State {
    return {
      chips: this.chips.map((c) => savePlain(c)),
      pair: savePlain(this, ["chips", "setIrqPoint", "interruptPoint", "output", "log"]),
    };
  }

  /** Puts back a saveState() copy (no line is driven: INTR's level is the CPU's own state). */
  loadState(s: I8259State): void {
    this.chips.forEach((c, i) => {
      loadPlain(c, s.chips[i]!);
    });
    loadPlain(this, s.pair);
  }

  /** An IrqLine for ISA IRQ `irq` (0..15). */
  line(irq: number): IrqLine {
    return { setLevel: (level) => this.setIrq(irq, level) };
  }

  /** Drives ISA IRQ `irq` to `level`. */
  setIrq(irq: number, level: boolean): void {
    const chip = this.chips[irq >> 3]!;
    if (this.setIrqPoint.on)
      this.setIrqPoint.emit({ master: chip.master, irq: irq & 7, level: level ? 1 : 0 });
    chip.setLine(irq & 7, level);
    this.update();
  }

  /** The ELCR of chip 0 (master) or 1 (slave). */
  elcr(chip: 0 | 1): number {
    return this.chips[chip]!.elcr;
  }

  /** Writes an ELCR (bits outside the chip's level-capable lines are forced to 0). */
  setElcr(chip: 0 | 1, value: number): void {
    const c = this.chips[chip]!;
    c.elcr = value & c.elcrMask;
    this.update();
  }

  /** INTA cycle: the vector of the highest pending interrupt (spurious 7/15 when none). */
  acknowledge(): number {
    const master = this.chips[0]!;
    const slave = this.chips[1]!;
    let vector: number;
    let irq = master.pending();
    if (irq >= 0) {
      master.ack(irq);
      if (irq === 2) {
        const s = slave.pending();
        if (s >= 0) {
          slave.ack(s);
          vector = slave.vectorBase + s;
          irq = 8 + s;
        } else {
          vector = slave.vectorBase + 7;
          irq = 15;
        }
      } else {
        vector = master.vectorBase + irq;
      }
    } else {
      irq = 7;
      vector = master.vectorBase + 7;
    }
    if (this.interruptPoint.on) this.interruptPoint.emit({ irq, vector });
    this.update();
    return vector & 0xff;
  }

  /** Power-on state; ELCR kept (it belongs to the PIIX3 and is reset there). */
  reset(): void {
    for (const c of this.chips) {
      const elcr = c.elcr;
      c.reset();
      c.elcr = elcr;
    }
    this.update();
  }

  /** Propagates the slave's output to master IR2 and the master's to INTR. */
  private update(): void {
    const slave = this.chips[1]!;
    const master = this.chips[0]!;
    master.setLine(2, slave.pending() >= 0);
    const level = master.pending() >= 0;
    if (level !== this.intr) {
      this.intr = level;
      this.output.setLevel(level);
    }
  }

  private read(chip: Pic8259, a0: number): number {
    if (chip.poll) {
      chip.poll = false;
      const irq = chip.pending();
      if (irq < 0) return 0;
      chip.ack(irq);
      this.update();
      return 0x80 | irq;
    }
    if (a0 === 1) return chip.imr;
    return chip.readIsr ? chip.isr : chip.irr;
  }

  private write(chip: Pic8259, a0: number, value: number): void {
    if (a0 === 0) {
      if ((value & ICW1_INIT) !== 0) {
        chip.imr = 0;
        chip.isr = 0;
        chip.irr = 0;
        chip.last = 0;
        chip.priorityAdd = 0;
        chip.readIsr = false;
        chip.specialMask = false;
        chip.autoEoi = false;
        chip.rotateOnAutoEoi = false;
        chip.needIcw4 = (value & ICW1_IC4) !== 0;
        chip.single = (value & ICW1_SNGL) !== 0;
        chip.ltim = (value & ICW1_LTIM) !== 0;
        chip.initState = 2;
        if (chip.single) this.log.unimplemented(`i8259: single (uncascaded) mode requested`, "pic-single");
      } else if ((value & OCW3_SELECT) !== 0) {
        if ((value & OCW3_POLL) !== 0) chip.poll = true;
        if ((value & OCW3_RR) !== 0) chip.readIsr = (value & OCW3_RIS) !== 0;
        if ((value & OCW3_ESMM) !== 0) chip.specialMask = (value & OCW3_SMM) !== 0;
      } else {
        this.ocw2(chip, value);
      }
    } else {
      switch (chip.initState) {
        case 0:
          chip.imr = value;
          break;
        case 2:
          chip.vectorBase = value & 0xf8;
          chip.initState = chip.single ? (chip.needIcw4 ? 4 : 0) : 3;
          break;
        case 3:
          chip.initState = chip.needIcw4 ? 4 : 0;
          break;
        case 4:
          chip.autoEoi = (value & ICW4_AEOI) !== 0;
          chip.initState = 0;
          break;
      }
    }
    this.update();
  }

  /** OCW2: EOI forms and priority rotation. */
  private ocw2(chip: Pic8259, value: number): void {
    const cmd = value >> 5;
    switch (cmd) {
      case 0: // rotate in auto-EOI mode clear
      case 4: // set
        chip.rotateOnAutoEoi = cmd === 4;
        break;
      case 1: // non-specific EOI
      case 5: {
        // rotate on non-specific EOI
        const p = chip.priority(chip.isr);
        if (p !== 8) {
          const irq = (p + chip.priorityAdd) & 7;
          chip.isr &= ~(1 << irq);
          if (cmd === 5) chip.priorityAdd = (irq + 1) & 7;
        }
        break;
      }
      case 3: // specific EOI
        chip.isr &= ~(1 << (value & 7));
        break;
      case 6: // set priority
        chip.priorityAdd = ((value & 7) + 1) & 7;
        break;
      case 7: // rotate on specific EOI
        chip.isr &= ~(1 << (value & 7));
        chip.priorityAdd = ((value & 7) + 1) & 7;
        break;
      default: // 2: no operation
        break;
    }
  }
}
