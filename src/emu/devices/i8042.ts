// The 8042 keyboard controller (IBM PC/AT Technical Reference, "Keyboard Controller"; QEMU's
// hw/input/pckbd.c as reference behaviour) at 0x60 (data) / 0x64 (status/command), with a PS/2
// keyboard and mouse that answer their commands (no key input yet). Controller commands: read/write
// the command byte, self-test (0x55), interface tests, enable/disable ports, output port read/write
// (bit 1 = A20, bit 0 low = system reset), and the 0xF0-0xFF pulse (0xFE resets the machine).
// IRQ1/IRQ12 are raised while the output buffer holds keyboard/mouse data and the command byte allows.
import type { GuestLog } from "../io/guest-log.ts";
import { type PortBus, SIZE_8 } from "../io/port-bus.ts";
import { loadPlain, type PlainRecord, savePlain } from "../snapshot/plain.ts";
import type { IrqLine } from "./irq.ts";

export const I8042_DATA_PORT = 0x60;
export const I8042_CMD_PORT = 0x64;
/** Status register bits. */
export const STAT_OBF = 0x01;
export const STAT_IBF = 0x02;
export const STAT_SYS = 0x04;
export const STAT_CMD = 0x08;
export const STAT_UNLOCKED = 0x10;
export const STAT_AUX_OBF = 0x20;
/** Command byte (CTR) bits. */
export const CTR_KBD_INT = 0x01;
export const CTR_AUX_INT = 0x02;
export const CTR_SYS = 0x04;
export const CTR_KBD_DISABLE = 0x10;
export const CTR_AUX_DISABLE = 0x20;
export const CTR_XLATE = 0x40;
/** Output port bits. */
export const OUT_RESET = 0x01;
export const OUT_A20 = 0x02;
/** Controller commands. */
export const CMD_READ_CTR = 0x20;
export const CMD_WRITE_CTR = 0x60;
export const CMD_AUX_DISABLE = 0xa7;
export const CMD_AUX_ENABLE = 0xa8;
export const CMD_AUX_TEST = 0xa9;
export const CMD_SELF_TEST = 0xaa;
export const CMD_KBD_TEST = 0xab;
export const CMD_KBD_DISABLE = 0xad;
export const CMD_KBD_ENABLE = 0xae;
export const CMD_READ_INPUT = 0xc0;
export const CMD_READ_OUTPUT = 0xd0;
export const CMD_WRITE_OUTPUT = 0xd1;
export const CMD_WRITE_KBD_OBUF = 0xd2;
export const CMD_WRITE_AUX_OBUF = 0xd3;
export const CMD_WRITE_AUX = 0xd4;
export const CMD_DISABLE_A20 = 0xdd;
export const CMD_ENABLE_A20 = 0xdf;
export const CMD_READ_TEST = 0xe0;
export const CMD_PULSE_FIRST = 0xf0;
/** Replies. */
export const REPLY_ACK = 0xfa;
export const REPLY_RESEND = 0xfe;
export const REPLY_POR = 0xaa;
export const REPLY_SELF_TEST_OK = 0x55;

/** Where a queued byte came from. */
const SRC_CTRL = 0;
const SRC_KBD = 1;
const SRC_AUX = 2;

/** What the machine does for the controller. */
export interface I8042Host {
  setA20(enabled: boolean): void;
  requestReset(why: string): void;
}

/** The saved state. */
export type I8042State = PlainRecord;

/** The controller with its two PS/2 devices. */
export class I8042 {
  readonly name = "i8042";
  private ctr = CTR_KBD_INT | CTR_AUX_INT;
  private status = STAT_CMD | STAT_UNLOCKED;
  private outport = OUT_RESET | OUT_A20;
  /** Controller command waiting for its data byte (0 = none). */
  private pendingCmd = 0;
  /** Keyboard/mouse command waiting for a parameter (0 = none). */
  private kbdParamCmd = 0;
  private auxParamCmd = 0;
  private readonly queue: number[] = [];
  private readonly sources: number[] = [];
  /** The byte in the output buffer, with its source (-1 = empty). */
  private obuf = 0;
  private obufSrc = -1;
  private irq1Level = false;
  private irq12Level = false;

  /** Registers 0x60 and 0x64. */
  constructor(
    io: PortBus,
    private readonly irq1: IrqLine,
    private readonly irq12: IrqLine,
    private readonly host: I8042Host,
    private readonly log: GuestLog,
  ) {
    io.register(I8042_DATA_PORT, 1, {
      name: "i8042-data",
      sizes: SIZE_8,
      read: () => this.readData(),
      write: (_p, _s, v) => this.writeData(v),
    });
    io.register(I8042_CMD_PORT, 1, {
      name: "i8042-cmd",
      sizes: SIZE_8,
      read: () => this.readStatus(),
      write: (_p, _s, v) => this.writeCommand(v),
    });
  }

  /** Power-on state (QEMU's kbd_reset). */
  /** The controller's registers, queues and output buffer, as plain data. */
  saveState(): I8042State {
    return savePlain(this, ["irq1", "irq12", "host", "log"]);
  }

  /** Puts back a saveState() copy. */
  loadState(s: I8042State): void {
    loadPlain(this, s);
  }

  reset(): void {
    this.ctr = CTR_KBD_INT | CTR_AUX_INT;
    this.status = STAT_CMD | STAT_UNLOCKED;
    this.outport = OUT_RESET | OUT_A20;
    this.pendingCmd = 0;
    this.kbdParamCmd = 0;
    this.auxParamCmd = 0;
    this.queue.length = 0;
    this.sources.length = 0;
    this.obufSrc = -1;
    this.update();
  }

  private readStatus(): number {
    return this.status;
  }

  private readData(): number {
    if (this.obufSrc < 0) return this.obuf; // an empty buffer rereads the last byte (QEMU)
    const v = this.obuf;
    this.obufSrc = -1;
    this.update();
    return v;
  }

  private writeCommand(cmd: number): void {
    this.status |= STAT_CMD;
    if (cmd >= CMD_PULSE_FIRST) {
      if ((cmd & OUT_RESET) === 0) this.host.requestReset("i8042 reset pulse");
      return;
    }
    if (cmd >= 0x20 && cmd <= 0x3f) {
      this.reply(cmd === CMD_READ_CTR ? this.ctr : 0, SRC_CTRL);
      return;
    }
    if (cmd >= 0x60 && cmd <= 0x7f) {
      this.pendingCmd = cmd === CMD_WRITE_CTR ? cmd : 0;
      return;
    }
    switch (cmd) {
      case CMD_AUX_DISABLE:
        this.ctr |= CTR_AUX_DISABLE;
        break;
      case CMD_AUX_ENABLE:
        this.ctr &= ~CTR_AUX_DISABLE;
        break;
      case CMD_AUX_TEST:
      case CMD_KBD_TEST:
        this.reply(0x00, SRC_CTRL);
        break;
      case CMD_SELF_TEST:
        this.status |= STAT_SYS;
        this.reply(REPLY_SELF_TEST_OK, SRC_CTRL);
        break;
      case CMD_KBD_DISABLE:
        this.ctr |= CTR_KBD_DISABLE;
        break;
      case CMD_KBD_ENABLE:
        this.ctr &= ~CTR_KBD_DISABLE;
        break;
      case CMD_READ_INPUT:
        this.reply(0x80, SRC_CTRL); // keyboard not inhibited
        break;
      case CMD_READ_OUTPUT:
        this.reply(this.outport, SRC_CTRL);
        break;
      case CMD_WRITE_OUTPUT:
      case CMD_WRITE_KBD_OBUF:
      case CMD_WRITE_AUX_OBUF:
      case CMD_WRITE_AUX:
        this.pendingCmd = cmd;
        break;
      case CMD_DISABLE_A20:
        this.setOutport(this.outport & ~OUT_A20);
        break;
      case CMD_ENABLE_A20:
        this.setOutport(this.outport | OUT_A20);
        break;
      case CMD_READ_TEST:
        this.reply(0x00, SRC_CTRL);
        break;
      default:
        this.log.unimplemented(`i8042: controller command 0x${cmd.toString(16)}`, `i8042-cmd-${cmd}`);
    }
    this.update();
  }

  private writeData(value: number): void {
    this.status &= ~STAT_CMD;
    const cmd = this.pendingCmd;
    this.pendingCmd = 0;
    switch (cmd) {
      case 0:
        // Sending data to the keyboard re-enables it (QEMU).
        this.ctr &= ~CTR_KBD_DISABLE;
        this.keyboardByte(value);
        break;
      case CMD_WRITE_CTR:
        this.ctr = value;
        this.status = (this.status & ~STAT_SYS) | (value & CTR_SYS);
        break;
      case CMD_WRITE_OUTPUT:
        this.setOutport(value);
        break;
      case CMD_WRITE_KBD_OBUF:
        this.reply(value, SRC_KBD);
        break;
      case CMD_WRITE_AUX_OBUF:
        this.reply(value, SRC_AUX);
        break;
      case CMD_WRITE_AUX:
        this.mouseByte(value);
        break;
    }
    this.update();
  }

  private setOutport(value: number): void {
    const a20Changed = ((value ^ this.outport) & OUT_A20) !== 0;
    this.outport = value;
    if (a20Changed) this.host.setA20((value & OUT_A20) !== 0);
    if ((value & OUT_RESET) === 0) this.host.requestReset("i8042 output port reset bit");
  }

  /** A byte for the PS/2 keyboard (QEMU's ps2_write_keyboard). */
  private keyboardByte(v: number): void {
    const param = this.kbdParamCmd;
    if (param !== 0) {
      this.kbdParamCmd = 0;
      if (param === 0xf0 && v === 0) this.reply(REPLY_ACK, SRC_KBD, 2);
      else this.reply(REPLY_ACK, SRC_KBD);
      return;
    }
    switch (v) {
      case 0xff:
        this.reply(REPLY_ACK, SRC_KBD, REPLY_POR);
        break;
      case 0xf2: // get ID: MF2 keyboard, translated
        this.reply(REPLY_ACK, SRC_KBD, 0xab, (this.ctr & CTR_XLATE) !== 0 ? 0x41 : 0x83);
        break;
      case 0xee:
        this.reply(0xee, SRC_KBD);
        break;
      case 0xf0:
      case 0xed:
      case 0xf3:
      case 0xfb:
      case 0xfc:
      case 0xfd:
        this.kbdParamCmd = v;
        this.reply(REPLY_ACK, SRC_KBD);
        break;
      case 0x00:
      case 0xf4:
      case 0xf5:
      case 0xf6:
      case 0xf7:
      case 0xf8:
      case 0xf9:
      case 0xfa:
        this.reply(REPLY_ACK, SRC_KBD);
        break;
      default:
        this.log.guestError(`i8042: keyboard command 0x${v.toString(16)} unknown, answered RESEND`);
        this.reply(REPLY_RESEND, SRC_KBD);
    }
  }

  /** A byte for the PS/2 mouse (QEMU's ps2_write_mouse). */
  private mouseByte(v: number): void {
    if (this.auxParamCmd !== 0) {
      this.auxParamCmd = 0;
      this.reply(REPLY_ACK, SRC_AUX);
      return;
    }
    switch (v) {
      case 0xff:
        this.reply(REPLY_ACK, SRC_AUX, REPLY_POR, 0x00);
        break;
      case 0xf2:
        this.reply(REPLY_ACK, SRC_AUX, 0x00);
        break;
      case 0xe9: // status request
        this.reply(REPLY_ACK, SRC_AUX, 0x00, 0x02, 0x64);
        break;
      case 0xe8:
      case 0xf3:
        this.auxParamCmd = v;
        this.reply(REPLY_ACK, SRC_AUX);
        break;
      case 0xe6:
      case 0xe7:
      case 0xea:
      case 0xf0:
      case 0xf4:
      case 0xf5:
      case 0xf6:
        this.reply(REPLY_ACK, SRC_AUX);
        break;
      default:
        this.log.guestError(`i8042: mouse command 0x${v.toString(16)} unknown, answered RESEND`);
        this.reply(REPLY_RESEND, SRC_AUX);
    }
  }

  /** Queues reply bytes from `src`. */
  private reply(first: number, src: number, ...more: number[]): void {
    this.queue.push(first & 0xff);
    this.sources.push(src);
    for (const b of more) {
      this.queue.push(b & 0xff);
      this.sources.push(src);
    }
    this.update();
  }

  /** Moves the next deliverable byte into the output buffer; updates status and IRQ lines. */
  private update(): void {
    if (this.obufSrc < 0 && this.queue.length > 0) {
      const src = this.sources[0]!;
      const blocked =
        (src === SRC_KBD && (this.ctr & CTR_KBD_DISABLE) !== 0) ||
        (src === SRC_AUX && (this.ctr & CTR_AUX_DISABLE) !== 0);
      if (!blocked) {
        this.obuf = this.queue.shift()!;
        this.obufSrc = this.sources.shift()!;
      }
    }
    this.status &= ~(STAT_OBF | STAT_AUX_OBF);
    if (this.obufSrc >= 0) this.status |= STAT_OBF | (this.obufSrc === SRC_AUX ? STAT_AUX_OBF : 0);
    const kbdIrq = (this.obufSrc === SRC_KBD || this.obufSrc === SRC_CTRL) && (this.ctr & CTR_KBD_INT) !== 0;
    const auxIrq = this.obufSrc === SRC_AUX && (this.ctr & CTR_AUX_INT) !== 0;
    if (kbdIrq !== this.irq1Level) {
      this.irq1Level = kbdIrq;
      this.irq1.setLevel(kbdIrq);
    }
    if (auxIrq !== this.irq12Level) {
      this.irq12Level = auxIrq;
      this.irq12.setLevel(auxIrq);
    }
  }
}
