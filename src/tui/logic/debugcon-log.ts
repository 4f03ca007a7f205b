// The firmware's debug-port log: bytes the guest writes to the debug console port (0x402 for
// SeaBIOS and pcscope's firmware, 0xe9 for QEMU's default isa-debugcon) assembled into lines.
import type { TraceEvent } from "../session/debug-session.ts";

/** Ports treated as a debug console. */
export const DEBUGCON_PORTS: readonly number[] = [0x402, 0xe9];

/** Lines of debug-console output, bounded. */
export class DebugconLog {
  private readonly lines: string[] = [];
  private partial = "";
  /** Bytes seen in total. */
  bytes = 0;

  constructor(private readonly capacity = 2000) {}

  /** Takes a trace event: a port write to a debug-console port, or a `debugcon_*` event with a `ch`/`val` field. */
  onEvent(event: TraceEvent): boolean {
    let value: number;
    if (event.name === "portio_write" || event.name === "cpu_out") {
      const port = Number(event.fields.addr ?? event.fields.port ?? -1);
      if (!DEBUGCON_PORTS.includes(port)) return false;
      value = Number(event.fields.val ?? event.fields.value ?? 0);
    } else if (event.name.startsWith("debugcon")) {
      value = Number(event.fields.ch ?? event.fields.val ?? 0);
    } else return false;
    this.putByte(value & 0xff);
    return true;
  }

  /** Appends one byte: `\n` ends a line, `\r` and other control bytes are dropped. */
  putByte(value: number): void {
    this.bytes++;
    if (value === 0x0a) {
      this.pushLine(this.partial);
      this.partial = "";
    } else if (value >= 0x20 && value !== 0x7f) this.partial += String.fromCharCode(value);
    else if (value === 0x09) this.partial += "  ";
  }

  private pushLine(line: string): void {
    this.lines.push(line);
    if (this.lines.length > this.capacity) this.lines.splice(0, this.lines.length - this.capacity);
  }

  /** The last `count` lines, the unfinished one included when not empty. */
  tail(count: number): string[] {
    const all = this.partial === "" ? this.lines : [...this.lines, this.partial];
    return all.slice(Math.max(0, all.length - count));
  }
}
