// Text dumps of an address space in the format of QEMU's monitor commands `info mtree` (regions
// with priority, kind and alias targets) and `info mtree -f` (the flattened view), so the two can be
// compared side by side.
import type { AddressSpace } from "./address-space.ts";
import type { MemoryRegion } from "./region.ts";

/** 16 hex digits, as QEMU prints hwaddr. */
function hex(n: number): string {
  return n.toString(16).padStart(16, "0");
}

/** The root container's last address: QEMU's "system" region spans the whole 64-bit space. */
const SYSTEM_END = "ffffffffffffffff";

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
  const lines = ["address-space: memory", `  ${hex(0)}-${SYSTEM_END} (prio 0, i/o): system`];
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

/** A flat-view line's fields: QEMU's FlatRange after flatview_simplify. */
interface FlatLine {
  start: number;
  end: number;
  leaf: MemoryRegion;
  offset: number;
  priority: number;
  kind: string;
}

/**
 * `info mtree -f`: the flattened view as QEMU's mtree_print_flatview prints it: one line per range
 * with the region whose bytes show there and, when not at its start, the offset in it (16 digits
 * after `@`); neighbours showing consecutive bytes of one region the same way merge into one line
 * (flatview_simplify). The priority is the region's own; a region pcscope reaches only through
 * aliases (QEMU maps pc.rom itself, in the PCI container) shows the alias's.
 */
export function mtreeFlat(space: AddressSpace): string {
  const lines = ["FlatView #0", ' AS "memory", root: system', " Root memory region: system"];
  const merged: FlatLine[] = [];
  for (const range of space.flatView()) {
    const kind = range.readonly ? "rom" : range.leaf.kind === "mmio" ? "i/o" : "ram";
    const priority = range.leaf.mapped ? range.leaf.priority : range.via.priority;
    const last = merged.at(-1);
    if (
      last !== undefined &&
      last.end === range.start &&
      last.leaf === range.leaf &&
      last.offset + (last.end - last.start) === range.offset &&
      last.kind === kind &&
      last.priority === priority
    ) {
      last.end = range.end;
      continue;
    }
    merged.push({
      start: range.start,
      end: range.end,
      leaf: range.leaf,
      offset: range.offset,
      priority,
      kind,
    });
  }
  for (const r of merged) {
    const off = r.offset === 0 ? "" : ` @${hex(r.offset)}`;
    lines.push(`  ${hex(r.start)}-${hex(r.end - 1)} (prio ${r.priority}, ${r.kind}): ${r.leaf.name}${off}`);
  }
  return `${lines.join("\n")}\n`;
}
