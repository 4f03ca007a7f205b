// What the ACPI tables describe, gathered by the machine in one object: RAM layout, the possible CPUs
// (APIC IDs, presence, NUMA node), NUMA nodes, the memory hotplug region and the optional ISA devices.
// The tables are a pure function of this object and of the PIIX4 PM base the firmware programmed.

/** One possible CPU (QEMU's possible_cpus entry). */
export interface AcpiCpu {
  /** Its local APIC ID. */
  apicId: number;
  /** Present at power-on (the others are hot-pluggable slots). */
  present: boolean;
  /** Its NUMA node (0 without NUMA). */
  node: number;
}

/** The memory hotplug region (QEMU's device_memory; `--mem SIZE,slots=N,maxmem=SIZE`). */
export interface AcpiHotplugMemory {
  /** Guest-physical base and size in bytes. */
  base: number;
  size: number;
  /** DIMM slots (ram_slots). */
  slots: number;
}

/** Inputs of the ACPI tables. */
export interface AcpiConfig {
  /** RAM below 4 GiB and above it, in bytes (x86ms below_4g_mem_size / above_4g_mem_size). */
  ramBelow4g: number;
  ramAbove4g: number;
  /** The possible CPUs in CPU-index order (index = ACPI processor UID). */
  cpus: AcpiCpu[];
  /** NUMA node memory sizes in bytes, by node id; empty without NUMA. */
  numaNodes: number[];
  hotplugMemory: AcpiHotplugMemory | null;
  /** COM1 (isa-serial at 0x3f8, IRQ 4) exists. */
  com1: boolean;
  /** COM2 (isa-serial at 0x2f8, IRQ 3) exists. */
  com2: boolean;
}

/** The 32-bit PCI hole ends below the I/O APIC (QEMU's IO_APIC_DEFAULT_ADDRESS - 1). */
export const PCI_HOLE_END = 0xfebfffff;
/** QEMU's default i440fx pci-hole64-size (2 GiB). */
export const PCI_HOLE64_SIZE = 2 ** 31;
const GIB = 2 ** 30;

/** QEMU's pc_pci_hole64_start: above RAM above 4 GiB (or the hotplug region), rounded up to 1 GiB. */
export function pciHole64Start(config: AcpiConfig): number {
  const hp = config.hotplugMemory;
  const start = hp !== null ? hp.base + hp.size : 2 ** 32 + config.ramAbove4g;
  return Math.ceil(start / GIB) * GIB;
}

/** The APIC ID limit (largest APIC ID + 1), QEMU's x86ms->apic_id_limit. */
export function apicIdLimit(config: AcpiConfig): number {
  return config.cpus.reduce((m, c) => Math.max(m, c.apicId + 1), 0);
}
