// The MADT (ACPI 6.4 §5.2.12) QEMU 7.2 gives `-M pc`: the local APIC address with PCAT_COMPAT, one
// Processor Local APIC entry per possible CPU (enabled when present), the I/O APIC (ID 0, GSI base
// 0), the IRQ0 -> GSI 2 override, level/high overrides for the PCI IRQs 5, 9, 10 and 11, and a local
// APIC NMI on LINT1 for all processors.
import { le } from "./aml.ts";
import type { AcpiConfig } from "./config.ts";
import { acpiTable } from "./table.ts";

export const MADT_TYPE_LOCAL_APIC = 0;
export const MADT_TYPE_IO_APIC = 1;
export const MADT_TYPE_INT_OVERRIDE = 2;
export const MADT_TYPE_LOCAL_APIC_NMI = 4;
const LOCAL_APIC_ADDRESS = 0xfee00000;
const IO_APIC_ADDRESS = 0xfec00000;
const MADT_PCAT_COMPAT = 1;
/** MPS INTI flags: active high, level triggered. */
const INTI_LEVEL_HIGH = 0x0d;
/** The IRQs the PCI links route (LNKA-LNKD and the SCI). */
const PCI_IRQS = [5, 9, 10, 11];
const ALL_PROCESSORS = 0xff;
const LINT1 = 1;

/** A Processor Local APIC entry (ACPI 6.4 §5.2.12.2), as the MADT holds it and _MAT returns it. */
export function madtLocalApic(uid: number, apicId: number, enabled: boolean): number[] {
  return [MADT_TYPE_LOCAL_APIC, 8, uid, apicId, enabled ? 1 : 0, 0, 0, 0];
}

/** One interrupt source override entry. */
function override(source: number, gsi: number, flags: number): number[] {
  return [MADT_TYPE_INT_OVERRIDE, 10, 0, source, ...le(gsi, 4), ...le(flags, 2)];
}

/** The MADT. */
export function madtTable(config: AcpiConfig): number[] {
  const body = [
    ...le(LOCAL_APIC_ADDRESS, 4),
    ...le(MADT_PCAT_COMPAT, 4),
    ...config.cpus.flatMap((cpu, i) => madtLocalApic(i, cpu.apicId, cpu.present)),
    ...[MADT_TYPE_IO_APIC, 12, 0, 0, ...le(IO_APIC_ADDRESS, 4), ...le(0, 4)],
    ...override(0, 2, 0),
    ...PCI_IRQS.flatMap((irq) => override(irq, irq, INTI_LEVEL_HIGH)),
    ...[MADT_TYPE_LOCAL_APIC_NMI, 6, ALL_PROCESSORS, ...le(0, 2), LINT1],
  ];
  return acpiTable("APIC", 1, body);
}
