// QEMU's isa-debugcon: a one-byte port whose writes go to a character sink (stdout, a file) and which
// reads back 0xe9 (SeaBIOS keeps logging only if `inb(0x402)` says 0xe9). The text written so far is
// kept for the gdb stub's `monitor log` and the UI.
import { type PortBus, SIZE_8 } from "../io/port-bus.ts";

/** QEMU's default isa-debugcon port; SeaBIOS logs to 0x402 (QEMU: -global isa-debugcon.iobase=0x402). */
export const DEBUGCON_QEMU_PORT = 0xe9;
/** pcscope's default port: SeaBIOS's. */
export const DEBUGCON_DEFAULT_PORT = 0x402;
/** What a read returns (QEMU's `readback` property default). */
export const DEBUGCON_READBACK = 0xe9;
/** Bytes of text kept in memory (the oldest are dropped beyond this). */
const KEEP_BYTES = 1 << 20;

/** Where the bytes go. write() may buffer; flush() is called when the machine stops running. */
export interface ByteSink {
  write(byte: number): void;
  flush?(): void;
}

/** The saved state: the byte count (the kept text is append-only). */
export interface DebugConState {
  readonly total: number;
}

/** The device. */
export class DebugCon {
  private kept = new Uint8Array(4096);
  private keptLength = 0;
  /** Bytes written since power-on (including dropped ones). */
  total = 0;
  readonly name: string;

  /** Registers the port on `io`. Needs: the port is free. */
  constructor(
    io: PortBus,
    readonly port: number = DEBUGCON_DEFAULT_PORT,
    private readonly sink: ByteSink | null = null,
  ) {
    this.name = `isa-debugcon@0x${port.toString(16)}`;
    io.register(port, 1, {
      name: this.name,
      sizes: SIZE_8,
      read: () => DEBUGCON_READBACK,
      write: (_port, _size, value) => this.put(value & 0xff),
    });
  }

  /** The count of bytes written so far (the text itself is append-only and kept, not copied). */
  saveState(): DebugConState {
    return { total: this.total };
  }

  /**
   * Goes back to the text written when saveState() ran: what was written since is dropped from the
   * kept text (it cannot be taken back from the sink). Where the oldest text was already dropped,
   * what is left of it stays.
   */
  loadState(s: DebugConState): void {
    const dropped = this.total - this.keptLength;
    this.keptLength = Math.max(0, Math.min(this.keptLength, s.total - dropped));
    this.total = s.total;
  }

  /** The text written so far (latin1: one char per byte). */
  text(): string {
    return Buffer.from(this.kept.buffer, 0, this.keptLength).toString("latin1");
  }

  /** Pushes buffered output to the sink. */
  flush(): void {
    this.sink?.flush?.();
  }

  private put(byte: number): void {
    this.total++;
    this.sink?.write(byte);
    if (this.keptLength === this.kept.length) {
      if (this.kept.length < KEEP_BYTES) {
        const bigger = new Uint8Array(this.kept.length * 2);
        bigger.set(this.kept);
        this.kept = bigger;
      } else {
        this.kept.copyWithin(0, KEEP_BYTES / 2);
        this.keptLength = KEEP_BYTES / 2;
      }
    }
    this.kept[this.keptLength++] = byte;
  }
}
