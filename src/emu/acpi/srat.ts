// The SRAT (ACPI 6.4 §5.2.16) QEMU 7.2 gives `-M pc` with NUMA nodes: a Processor Local APIC
// Affinity entry per possible CPU, then each node's memory in node order from address 0, with the
// 640 KiB-1 MiB hole and the PCI hole below 4 GiB cut out (the rest moves above 4 GiB), padded with
// disabled entries to (nodes + 2) memory entries, then the memory hotplug region as hot-pluggable
// memory of the last node.
import { le, le64 } from "./aml.ts";
import type { AcpiConfig } from "./config.ts";
import { acpiTable } from "./table.ts";

export const SRAT_TYPE_CPU_AFFINITY = 0;
export const SRAT_TYPE_MEMORY_AFFINITY = 1;
export const SRAT_CPU_ENTRY_SIZE = 16;
export const SRAT_MEMORY_ENTRY_SIZE = 40;
export const SRAT_ENABLED = 1;
export const SRAT_HOTPLUGGABLE = 2;
const HOLE_640K_START = 640 * 1024;
const HOLE_640K_END = 1024 * 1024;
const FOUR_GIB = 2 ** 32;

/** A memory affinity entry. */
function memoryEntry(base: number, length: number, node: number, flags: number): number[] {
  return [
    SRAT_TYPE_MEMORY_AFFINITY,
    SRAT_MEMORY_ENTRY_SIZE,
    ...le(node, 4),
    0,
    0,
    ...le64(base),
    ...le64(length),
    ...le(0, 4),
    ...le(flags, 4),
    ...le64(0),
  ];
}

/** The memory affinity entries of the nodes (QEMU's build_srat loop). */
function nodeMemoryEntries(config: AcpiConfig): number[][] {
  const entries: number[][] = [];
  let next = 0;
  config.numaNodes.forEach((size, node) => {
    let base = next;
    let len = size;
    next = base + len;
    if (base <= HOLE_640K_START && next > HOLE_640K_START) {
      len -= next - HOLE_640K_START;
      if (len > 0) entries.push(memoryEntry(base, len, node, SRAT_ENABLED));
      if (next <= HOLE_640K_END) {
        next = HOLE_640K_END;
        return;
      }
      base = HOLE_640K_END;
      len = next - HOLE_640K_END;
    }
    if (base <= config.ramBelow4g && next > config.ramBelow4g) {
      len -= next - config.ramBelow4g;
      if (len > 0) entries.push(memoryEntry(base, len, node, SRAT_ENABLED));
      base = FOUR_GIB;
      len = next - config.ramBelow4g;
      next = base + len;
    }
    if (len > 0) entries.push(memoryEntry(base, len, node, SRAT_ENABLED));
  });
  return entries;
}

/** The SRAT (only built when there are NUMA nodes). */
export function sratTable(config: AcpiConfig): number[] {
  const cpus = config.cpus.flatMap((cpu) => [
    SRAT_TYPE_CPU_AFFINITY,
    SRAT_CPU_ENTRY_SIZE,
    cpu.node & 0xff,
    cpu.apicId,
    ...le(SRAT_ENABLED, 4),
    0, // local SAPIC EID
    ...le(cpu.node >>> 8, 3),
    ...le(0, 4), // clock domain
  ]);
  const memory = nodeMemoryEntries(config);
  while (memory.length < config.numaNodes.length + 2) memory.push(memoryEntry(0, 0, 0, 0));
  const hp = config.hotplugMemory;
  if (hp !== null)
    memory.push(memoryEntry(hp.base, hp.size, config.numaNodes.length - 1, SRAT_HOTPLUGGABLE | SRAT_ENABLED));
  // Reserved: 1 (the legacy table revision field), then 8 reserved bytes.
  return acpiTable("SRAT", 1, [...le(1, 4), ...le64(0), ...cpus, ...memory.flat()]);
}
