// `info numa` as QEMU 7.2's HMP prints it: the node count, then for each node the indexes of the
// present CPUs in it, its RAM and the DIMM memory plugged into it (none: pcscope plugs no DIMMs),
// in MiB ("MB" in QEMU's words).
import type { AcpiConfig } from "../acpi/config.ts";

const MiB = 2 ** 20;

/** The text for the NUMA layout of `config` with its first `presentCpus` CPUs present. */
export function infoNuma(config: AcpiConfig, presentCpus: number): string {
  const lines = [`${config.numaNodes.length} nodes`];
  config.numaNodes.forEach((bytes, node) => {
    const cpus = config.cpus.slice(0, presentCpus).flatMap((cpu, i) => (cpu.node === node ? [` ${i}`] : []));
    lines.push(`node ${node} cpus:${cpus.join("")}`);
    lines.push(`node ${node} size: ${Math.floor(bytes / MiB)} MB`);
    lines.push(`node ${node} plugged: 0 MB`);
  });
  return `${lines.join("\n")}\n`;
}
