// Text dumps of an address space in the format of QEMU's monitor commands `info mtree` (regions
// with priority, kind and alias targets) and `info mtree -f` (the flattened view), so the two can be
// compared side by side.
import type { AddressSpace } from "./address-space.ts";
import type { MemoryRegion } from "./region.ts";

/** 16 hex digits, as QEMU prints hwaddr. */
function hex(n: number): string {
  return n.toString(16).padStart(16, "0");
}

/** QEMU's kind label: ram, rom, romd or i/o (aliases print their target's kind). */
function kindLabel(region: MemoryRegion): string {
  let leaf = region;
  while (leaf.target !== null) leaf = leaf.target;
  if (leaf.kind === "mmio") return "i/o";
  return leaf.kind;
}

/** One region's line: `start-end (prio P, kind): [alias ]name[ @target off-end][ [disabled]]`. */
function regionLine(region: MemoryRegion, indent: string): string {
  const range = `${hex(region.addr)}-${hex(region.end - 1)}`;
  const flags = `${region.readonly ? " readonly" : ""}${region.enabled ? "" : " [disabled]"}`;
  const head = `${indent}${range} (prio ${region.priority}, ${kindLabel(region)}${flags}): `;
  if (region.target === null) return `${head}${region.name}`;
  const off = region.aliasOffset;
  return `${head}alias ${region.name} @${region.target.name} ${hex(off)}-${hex(off + region.size - 1)}`;
}

/**
 * `info mtree`: the mapped regions under the root container, sorted by address then priority
 * (highest first); then every alias target that is not itself mapped, as QEMU lists them.
 */
export function mtree(space: AddressSpace): string {
  const mapped = space.regions.filter((r) => r.mapped);
  mapped.sort((a, b) => a.addr - b.addr || b.priority - a.priority || b.seq - a.seq);
  const lines = ["address-space: memory", `  ${hex(0)}-${hex(2 ** 32 - 1)} (prio 0, i/o): system`];
  for (const region of mapped) lines.push(regionLine(region, "    "));
  const targets = new Set<MemoryRegion>();
  for (const region of space.regions)
    if (region.target !== null && !region.target.mapped) targets.add(region.target);
  for (const target of targets) {
    lines.push("", `memory-region: ${target.name}`);
    lines.push(`  ${hex(0)}-${hex(target.size - 1)} (prio 0, ${kindLabel(target)}): ${target.name}`);
  }
  return `${lines.join("\n")}\n`;
}

/** `info mtree -f`: the flattened view, one line per range with the region that shows there. */
export function mtreeFlat(space: AddressSpace): string {
  const lines = ["FlatView #0", ' AS "memory", root: system', " Root memory region: system"];
  for (const range of space.flatView()) {
    const kind = range.leaf.kind === "mmio" ? "i/o" : range.readonly ? "rom" : "ram";
    const name = range.via === range.leaf ? range.leaf.name : `${range.via.name} @${range.leaf.name}`;
    const off = range.offset === 0 ? "" : ` offset 0x${range.offset.toString(16)}`;
    lines.push(
      `  ${hex(range.start)}-${hex(range.end - 1)} (prio ${range.via.priority}, ${kind}): ${name}${off}`,
    );
  }
  return `${lines.join("\n")}\n`;
}
