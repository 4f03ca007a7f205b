// The PIIX3 Reset Control Register at 0xcf9 (Intel 82371SB datasheet §4.2.8 RC): bit 2 (RCPU)
// going to 1 resets the system (bit 1 SRST selects a hard reset; both reset the whole PC here, as in
// QEMU). Reads return the SRST bit. The port cuts the CONFADD dword: the host bridge registers this
// handler at 0xcf9 between its own pieces.
import type { PortHandler } from "../io/port-bus.ts";
import { SIZE_8 } from "../io/port-bus.ts";
import { loadPlain, type PlainRecord, savePlain } from "../snapshot/plain.ts";

export const RESET_CONTROL_PORT = 0xcf9;
export const RC_SRST = 0x02;
export const RC_RCPU = 0x04;

/** The saved state. */
export type ResetControlState = PlainRecord;

/** The register, as a port handler for the host bridge to forward to. */
export class ResetControl implements PortHandler {
  readonly name = "piix-reset-control";
  readonly sizes = SIZE_8;
  private rcr = 0;

  constructor(private readonly requestReset: (why: string) => void) {}

  read(): number {
    return this.rcr;
  }

  write(_port: number, _size: 1 | 2 | 4, value: number): void {
    if ((value & RC_RCPU) !== 0) {
      this.requestReset(`port 0xcf9 ${value & RC_SRST ? "hard" : "soft"} reset`);
      return;
    }
    this.rcr = value & RC_SRST;
  }

  /** QEMU's piix reset clears the register. */
  /** The register, as plain data. */
  saveState(): ResetControlState {
    return savePlain(this, ["requestReset"]);
  }

  /** Puts back a saveState() copy. */
  loadState(s: ResetControlState): void {
    loadPlain(this, s);
  }

  reset(): void {
    this.rcr = 0;
  }
}
