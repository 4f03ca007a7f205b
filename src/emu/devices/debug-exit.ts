// QEMU's isa-debug-exit: writing V to its port ends the emulation with exit status (V << 1) | 1, so a
// test ROM can report pass/fail through the process status. Reads return all ones (QEMU has no read).
import { type PortBus, SIZES_ALL } from "../io/port-bus.ts";

/** QEMU's default iosize for isa-debug-exit. */
export const DEBUG_EXIT_DEFAULT_SIZE = 2;

/** The device; `onExit` receives the exit status (the machine stops after the instruction). */
export class DebugExit {
  readonly name: string;

  constructor(
    io: PortBus,
    readonly port: number,
    onExit: (status: number) => void,
    size = DEBUG_EXIT_DEFAULT_SIZE,
  ) {
    this.name = `isa-debug-exit@0x${port.toString(16)}`;
    io.register(port, size, {
      name: this.name,
      sizes: SIZES_ALL,
      read: (_port, sz) => (sz === 4 ? 0xffffffff : (1 << (sz * 8)) - 1),
      write: (_port, _size, value) => onExit(((value << 1) | 1) >>> 0),
    });
  }
}
