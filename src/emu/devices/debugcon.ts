// QEMU's isa-debugcon: a one-byte port whose writes go to a character sink (stdout, a file) and which
// reads back 0xe9 (SeaBIOS keeps logging only if `inb(0x402)` says 0xe9). The text written so far is
// kept for the gdb stub's `monitor log` and the UI.
import { type PortBus, SIZE_8 } from "../io/port-bus.ts";
import { shared } from "../snapshot/plain.ts";

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

/** The saved state: the kept text (a buffer no longer written) and its length, the byte count. */
export interface DebugConState {
  readonly kept: Uint8Array;
  readonly length: number;
  readonly total: number;
}

/** The device. */
export class DebugCon {
  private kept: Uint8Array = new Uint8Array(4096);
  private keptLength = 0;
  /** `kept` may be referenced by saved states: copy it before writing into it again. */
  private keptShared = false;
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
      // QEMU's debugcon_ops accept byte accesses only: a word or dword reads 0 and prints nothing.
      validSizes: SIZE_8,
      read: () => DEBUGCON_READBACK,
      write: (_port, _size, value) => this.put(value & 0xff),
    });
  }

  /**
   * The text and byte count so far. The state references the text buffer rather than copying it:
   * text is only appended past what a state holds, and after a load the buffer is copied before the
   * next byte (it may hold a later state's text).
   */
  saveState(): DebugConState {
    return { kept: shared(this.kept), length: this.keptLength, total: this.total };
  }

  /** Goes back (or forward) to the text written when saveState() ran. */
  loadState(s: DebugConState): void {
    this.kept = s.kept;
    this.keptLength = s.length;
    this.total = s.total;
    this.keptShared = true;
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
    if (this.keptLength === this.kept.length || this.keptShared) {
      // A new buffer: bigger, the older half dropped when full, or a copy of one states reference.
      const full = this.keptLength === KEEP_BYTES;
      const from = full ? KEEP_BYTES / 2 : 0;
      const size = this.keptLength === this.kept.length && !full ? this.kept.length * 2 : this.kept.length;
      const next = new Uint8Array(size);
      next.set(this.kept.subarray(from, this.keptLength));
      this.kept = next;
      this.keptLength -= from;
      this.keptShared = false;
    }
    this.kept[this.keptLength++] = byte;
  }
}
