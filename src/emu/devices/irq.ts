// An interrupt line as devices see it: the machine hands each device the lines it drives, so no
// device reaches into the interrupt controller or the CPU (DESIGN.md, "IrqLine").

/** One interrupt request line. */
export interface IrqLine {
  /** Drives the line high (asserted) or low. */
  setLevel(level: boolean): void;
}

/** A line connected to nothing (a device whose interrupt output is not wired). */
export const NO_IRQ: IrqLine = { setLevel: () => {} };

/** Guest-physical memory as a bus-master device (DMA, fw_cfg) sees it. */
export interface DmaMemory {
  /** Reads `length` bytes at physical `addr` (unmapped bytes read as 0xff). */
  readPhysical(addr: number, length: number): Uint8Array;
  /** Writes bytes at physical `addr` (only RAM is written, as a bus master's write to ROM is dropped). */
  writePhysical(addr: number, data: Uint8Array): void;
}
