// A 16550A UART (National Semiconductor PC16550D datasheet) at COM1 0x3f8 / IRQ4 or COM2 0x2f8 /
// IRQ3 (QEMU's isa-serial index 0 and 1): divisor latch, IER/IIR with the THR-empty and receive-data
// interrupts, LCR, MCR (loopback), LSR, MSR and the scratch register. Transmitted bytes go to a
// ByteSink at once (no baud-rate timing); received bytes come from push() (the CLI's stdin), one
// FIFO of 16.
import type { GuestLog } from "../io/guest-log.ts";
import { type PortBus, SIZE_8 } from "../io/port-bus.ts";
import { loadPlain, type PlainRecord, savePlain } from "../snapshot/plain.ts";
import type { TraceBus, TracePoint } from "../trace/bus.ts";
import type { ByteSink } from "./debugcon.ts";
import type { IrqLine } from "./irq.ts";

export const COM1_PORT = 0x3f8;
export const COM1_IRQ = 4;
export const COM2_PORT = 0x2f8;
export const COM2_IRQ = 3;
/** The ISA serial ports the PC can have, as QEMU's pc places serial_hds[0..1]: COM1, then COM2. */
export const ISA_SERIAL_PORTS: readonly { port: number; irq: number }[] = [
  { port: COM1_PORT, irq: COM1_IRQ },
  { port: COM2_PORT, irq: COM2_IRQ },
];
/** Registers (offsets). */
export const UART_RBR_THR = 0;
export const UART_IER = 1;
export const UART_IIR_FCR = 2;
export const UART_LCR = 3;
export const UART_MCR = 4;
export const UART_LSR = 5;
export const UART_MSR = 6;
export const UART_SCR = 7;
/** IER bits. */
export const IER_RDI = 0x01;
export const IER_THRI = 0x02;
/** IIR values. */
export const IIR_NO_INT = 0x01;
export const IIR_THRI = 0x02;
export const IIR_RDI = 0x04;
export const IIR_FIFO_ENABLED = 0xc0;
/** LCR: divisor latch access. */
export const LCR_DLAB = 0x80;
/** MCR bits. */
export const MCR_OUT2 = 0x08;
export const MCR_LOOP = 0x10;
/** LSR bits. */
export const LSR_DR = 0x01;
export const LSR_THRE = 0x20;
export const LSR_TEMT = 0x40;
const FIFO_SIZE = 16;

/** The saved state. */
export type Uart16550State = PlainRecord;

/** The UART. */
export class Uart16550 {
  readonly name: string;
  private ier = 0;
  private lcr = 0;
  private mcr = MCR_OUT2;
  private scr = 0;
  private fcr = 0;
  private divisor = 12;
  private readonly rx: number[] = [];
  /** THR empty interrupt pending (cleared by reading IIR or writing THR). */
  private thrIpending = false;
  private irqLevel = false;
  private readonly writePoint: TracePoint;

  constructor(
    io: PortBus,
    readonly base: number,
    private readonly irq: IrqLine,
    private readonly sink: ByteSink | null,
    trace: TraceBus,
    private readonly log: GuestLog,
  ) {
    this.name = `serial@0x${base.toString(16)}`;
    this.writePoint = trace.point("serial_write");
    io.register(base, 8, {
      name: this.name,
      sizes: SIZE_8,
      // QEMU's serial_io_ops accept unaligned accesses, done a byte at a time. A byte past the eighth
      // port aborts QEMU 7.2 (an assertion); here it wraps to the UART's first ports instead.
      unaligned: true,
      read: (port) => this.read((port - base) & 7),
      write: (port, _s, v) => this.write((port - base) & 7, v),
    });
  }

  /** The registers, the receive queue and the interrupt state, as plain data. */
  saveState(): Uart16550State {
    return savePlain(this, ["irq", "sink", "log", "writePoint"]);
  }

  /** Puts back a saveState() copy. */
  loadState(s: Uart16550State): void {
    loadPlain(this, s);
  }

  reset(): void {
    this.ier = 0;
    this.lcr = 0;
    this.mcr = MCR_OUT2; // as at power-on: QEMU's serial_reset sets OUT2 (MCR reads 0x08)
    this.scr = 0;
    this.fcr = 0;
    this.divisor = 12;
    this.rx.length = 0;
    this.thrIpending = false;
    this.update();
  }

  /** Received bytes from the host (dropped beyond the FIFO, as an overrun). */
  push(byte: number): void {
    if (this.rx.length < FIFO_SIZE) this.rx.push(byte & 0xff);
    this.update();
  }

  flush(): void {
    this.sink?.flush?.();
  }

  private read(reg: number): number {
    switch (reg) {
      case UART_RBR_THR:
        if ((this.lcr & LCR_DLAB) !== 0) return this.divisor & 0xff;
        {
          const v = this.rx.shift() ?? 0;
          this.update();
          return v;
        }
      case UART_IER:
        return (this.lcr & LCR_DLAB) !== 0 ? this.divisor >> 8 : this.ier;
      case UART_IIR_FCR: {
        const iir = this.iir();
        if (iir === IIR_THRI) {
          this.thrIpending = false;
          this.update();
        }
        return iir | ((this.fcr & 1) !== 0 ? IIR_FIFO_ENABLED : 0);
      }
      case UART_LCR:
        return this.lcr;
      case UART_MCR:
        return this.mcr;
      case UART_LSR:
        return LSR_THRE | LSR_TEMT | (this.rx.length > 0 ? LSR_DR : 0);
      case UART_MSR:
        // Loopback: MCR outputs appear on the modem status inputs; otherwise DCD, DSR and CTS are up.
        if ((this.mcr & MCR_LOOP) !== 0) return ((this.mcr & 0x0c) << 4) | ((this.mcr & 0x03) << 4);
        return 0xb0;
      default:
        return this.scr;
    }
  }

  private write(reg: number, v: number): void {
    switch (reg) {
      case UART_RBR_THR:
        if ((this.lcr & LCR_DLAB) !== 0) {
          this.divisor = (this.divisor & 0xff00) | v;
          return;
        }
        if (this.writePoint.on) this.writePoint.emit({ addr: reg, value: v });
        if ((this.mcr & MCR_LOOP) !== 0) this.push(v);
        else this.sink?.write(v);
        this.thrIpending = true;
        this.update();
        return;
      case UART_IER:
        if ((this.lcr & LCR_DLAB) !== 0) {
          this.divisor = (this.divisor & 0xff) | (v << 8);
          return;
        }
        if ((v & IER_THRI) !== 0 && (this.ier & IER_THRI) === 0) this.thrIpending = true;
        this.ier = v & 0x0f;
        this.update();
        return;
      case UART_IIR_FCR:
        this.fcr = v;
        if ((v & 0x02) !== 0) this.rx.length = 0;
        this.update();
        return;
      case UART_LCR:
        this.lcr = v;
        return;
      case UART_MCR:
        this.mcr = v & 0x1f;
        this.update();
        return;
      case UART_LSR:
      case UART_MSR:
        this.log.guestError(`${this.name}: write to read-only register ${reg}`, `uart-ro-${reg}`);
        return;
      default:
        this.scr = v;
    }
  }

  private iir(): number {
    if ((this.ier & IER_RDI) !== 0 && this.rx.length > 0) return IIR_RDI;
    if ((this.ier & IER_THRI) !== 0 && this.thrIpending) return IIR_THRI;
    return IIR_NO_INT;
  }

  /** The IRQ follows "an interrupt is identified" gated by OUT2, as on PC serial cards. */
  private update(): void {
    const level = this.iir() !== IIR_NO_INT && (this.mcr & MCR_OUT2) !== 0;
    if (level !== this.irqLevel) {
      this.irqLevel = level;
      this.irq.setLevel(level);
    }
  }
}
