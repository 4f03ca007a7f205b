// The PIIX4 PM function's GPE0 block at 0xafe0 as QEMU 7.2 builds it (hw/acpi/piix4.c "acpi-gpe0",
// hw/acpi/core.c acpi_gpe_ioport_*): 4 bytes, GPE0_STS (0-1, write 1 to clear) then GPE0_EN (2-3),
// accessed a byte at a time; like every port access in QEMU 7.2, an unaligned one reads 0 and writes
// nothing. QEMU sets status bits only for hot-plug events (PCI slot, CPU,
// memory), which this machine never has, so the status bytes stay 0 and no SCI ever comes from here.
import { type PortBus, SIZES_ALL } from "../io/port-bus.ts";
import { loadPlain, type PlainRecord, savePlain } from "../snapshot/plain.ts";

/** Bytes of the block: half status, half enable (the FADT's GPE0_BLK_LEN). */
export const GPE0_LEN = 4;

/** GPE0 status and enable bytes. */
export class AcpiGpe {
  readonly name = "acpi-gpe0";
  private readonly sts = new Uint8Array(GPE0_LEN / 2);
  private readonly en = new Uint8Array(GPE0_LEN / 2);

  /** Decodes [base, base + GPE0_LEN): aligned accesses of any width, done a byte at a time. */
  constructor(io: PortBus, base: number) {
    io.register(base, GPE0_LEN, {
      name: this.name,
      sizes: SIZES_ALL,
      read: (port, size) => {
        const offset = port - base;
        if ((offset & (size - 1)) !== 0) return 0;
        let value = 0;
        for (let i = 0; i < size; i++) value |= this.byteAt(offset + i) << (8 * i);
        return value >>> 0;
      },
      write: (port, size, value) => {
        const offset = port - base;
        if ((offset & (size - 1)) !== 0) return;
        for (let i = 0; i < size; i++) this.writeByte(offset + i, (value >>> (8 * i)) & 0xff);
      },
    });
  }

  /** The status and enable bytes, for a machine snapshot. */
  saveState(): PlainRecord {
    return savePlain(this);
  }

  /** Puts back a saveState() copy. */
  loadState(s: PlainRecord): void {
    loadPlain(this, s);
  }

  /** Power-on and system reset (QEMU's acpi_gpe_reset from the PM function's reset): all zero. */
  reset(): void {
    this.sts.fill(0);
    this.en.fill(0);
  }

  private byteAt(offset: number): number {
    const half = GPE0_LEN / 2;
    return offset < half ? this.sts[offset]! : this.en[offset - half]!;
  }

  /** Status bits are cleared by writing 1; enable bytes take the value. */
  private writeByte(offset: number, value: number): void {
    const half = GPE0_LEN / 2;
    if (offset < half) this.sts[offset]! &= ~value;
    else this.en[offset - half] = value & 0xff;
  }
}
