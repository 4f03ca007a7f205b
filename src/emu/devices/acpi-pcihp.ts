// QEMU's ACPI PCI hot-plug register block (hw/acpi/pcihp.c, "acpi-pci-hotplug") at 0xae00 on the
// PIIX4 PM function, which the DSDT's \_SB.PCI0 PCST/SEJ/BNMR fields use: PCIU (up), PCID (down),
// B0EJ (eject), PCRM (removable slots), BNUM (bus select) and PIDX (acpi-index). QEMU accepts only
// aligned 32-bit accesses here: any other width reads 0 and writes nothing. This machine never hot-plugs,
// so PCIU/PCID read 0, ejects find nothing to remove (every device on bus 0 is a chipset function
// QEMU marks non-hot-pluggable), and the removable mask is every slot not holding one of them.

import { type PortBus, SIZES_ALL } from "../io/port-bus.ts";
import { loadPlain, type PlainRecord, savePlain } from "../snapshot/plain.ts";

/** Register offsets in the block (PCIU 0x00, PCID 0x04, B0EJ 0x08 and PIDX 0x14 read 0 here). */
const PCI_RMV = 0x0c;
const PCI_SEL = 0x10;
/** Bytes the block decodes. */
export const ACPI_PCIHP_SIZE = 0x18;
/** Bus selectors QEMU keeps status for (ACPI_PCIHP_MAX_HOTPLUG_BUS); bus 0 is selector 0. */
const MAX_HOTPLUG_BUS = 256;

/** The PCI hot-plug block of a machine whose bus 0 holds only non-hot-pluggable functions. */
export class AcpiPciHotplug {
  readonly name = "acpi-pci-hotplug";
  /** BNUM: the selected bus (QEMU keeps it across resets). */
  private select = 0;

  /** Decodes [base, base + ACPI_PCIHP_SIZE); `fixedSlots`: bit n set when slot n of bus 0 holds a non-hot-pluggable function. */
  constructor(
    io: PortBus,
    base: number,
    private readonly fixedSlots: number,
  ) {
    io.register(base, ACPI_PCIHP_SIZE, {
      name: this.name,
      sizes: SIZES_ALL,
      read: (port, size) => (validAccess(port - base, size) ? this.read(port - base) : 0),
      write: (port, size, value) => {
        if (validAccess(port - base, size)) this.write(port - base, value);
      },
    });
  }

  /** BNUM, for a machine snapshot. */
  saveState(): PlainRecord {
    return savePlain(this, ["fixedSlots"]);
  }

  /** Puts back a saveState() copy. */
  loadState(s: PlainRecord): void {
    loadPlain(this, s);
  }

  /** A 32-bit register; everything reads 0 while BNUM selects no bus QEMU tracks. */
  private read(offset: number): number {
    if (this.select >= MAX_HOTPLUG_BUS) return 0;
    switch (offset) {
      case PCI_RMV:
        // Removable slots: all, less those holding chipset functions (only bus 0 exists).
        return this.select === 0 ? ~this.fixedSlots >>> 0 : 0xffffffff;
      case PCI_SEL:
        return this.select;
      default:
        // PCI_UP, PCI_DOWN: no events; PCI_EJ reads 0; PCI_AIDX: no device has an acpi-index.
        return 0;
    }
  }

  /** A 32-bit write: BNUM selects a bus; B0EJ and PIDX find nothing to eject or index here. */
  private write(offset: number, value: number): void {
    if (offset === PCI_SEL) this.select = value >>> 0;
  }
}

/** Whether QEMU's memory core lets a `size`-byte access at `offset` reach the block (4 bytes, aligned). */
function validAccess(offset: number, size: number): boolean {
  return size === 4 && (offset & 3) === 0;
}
