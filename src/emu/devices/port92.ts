// System control port A at 0x92 (PS/2 "fast A20", Intel PIIX/PIIX3 datasheet §4.8.1 Port 92h):
// bit 1 opens the A20 gate, a 0->1 transition of bit 0 resets the processor. Reads return the A20
// bit (QEMU's port92 device).
import { type PortBus, SIZE_8 } from "../io/port-bus.ts";
import { loadPlain, type PlainRecord, savePlain } from "../snapshot/plain.ts";

export const PORT_92 = 0x92;
export const P92_FAST_RESET = 0x01;
export const P92_A20 = 0x02;

/** What the port asks of the machine. */
export interface Port92Host {
  setA20(enabled: boolean): void;
  requestReset(why: string): void;
}

/** The saved state. */
export type Port92State = PlainRecord;

/** The port. */
export class Port92 {
  readonly name = "port92";
  private value = 0;

  constructor(
    io: PortBus,
    private readonly host: Port92Host,
  ) {
    io.register(PORT_92, 1, {
      name: this.name,
      sizes: SIZE_8,
      read: () => this.value,
      write: (_p, _s, v) => this.write(v),
    });
  }

  /** Power-on: A20 bit clear in the register (the machine opens A20 itself at reset). */
  /** The register, as plain data. */
  saveState(): Port92State {
    return savePlain(this, ["host"]);
  }

  /** Puts back a saveState() copy. */
  loadState(s: Port92State): void {
    loadPlain(this, s);
  }

  reset(): void {
    this.value = 0;
  }

  private write(v: number): void {
    const old = this.value;
    this.value = v & P92_A20;
    if (((old ^ v) & P92_A20) !== 0) this.host.setA20((v & P92_A20) !== 0);
    if ((v & P92_FAST_RESET) !== 0 && (old & P92_FAST_RESET) === 0)
      this.host.requestReset("port 0x92 fast reset");
  }
}
