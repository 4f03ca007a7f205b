// The i440fx PC's memory map, as QEMU's pc_memory_init and i440fx_init build it: the layout of RAM
// below and above 4 GiB and of the device-memory (hotplug) region (pcMemoryLayout, also what the
// e820 table, the CMOS and SMBIOS describe); pc.ram through the ram-below-4g alias and, for RAM of
// 3.5 GiB or more, the ram-above-4g alias at 4 GiB (those bytes kept outside the address space's
// buffer, reached by the slow path only); pc.bios read-only at the top of 4 GiB (the
// pristine copy); on the PCI side below 1 MiB the isa-bios alias (the BIOS's last 128 KiB ending at
// 1 MiB) over the read-only pc.rom option-ROM area at 0xc0000; and the PAM windows choosing, per
// window, between that PCI side and pc.ram.

import { Pam, type PciSide } from "../devices/pam.ts";
import type { AddressSpace } from "../memory/address-space.ts";
import type { MemoryRegion } from "../memory/region.ts";
import { ISA_BIOS_MAX, type MemConfig } from "./limits.ts";

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const FOUR_GIB = 4 * GiB;
export const PC_ROM_BASE = 0xc0000;
export const PC_ROM_SIZE = 0x20000;
/** RAM QEMU's i440fx maps below 4 GiB at most (max-ram-below-4g's default, 3.5 GiB)... */
export const PC_LOWMEM_MAX = 0xe0000000;
/** ...and where it splits RAM that does not fit, gigabyte-aligned (pc_init1, gigabyte_align). */
export const PC_LOWMEM_SPLIT = 0xc0000000;
/** QEMU's e820 types. */
export const E820_RAM = 1;

/** Where QEMU 7.2's pc machine puts RAM and the device-memory region. */
export interface PcMemoryLayout {
  below4g: number;
  above4g: number;
  /** The device-memory (DIMM hotplug) region, or null when maxmem = RAM. */
  deviceMemory: { base: number; size: number } | null;
}

/** The RAM below 4 GiB for `memBytes` of RAM (QEMU's below_4g_mem_size). */
export function ramBelow4G(memBytes: number): number {
  return pcMemoryLayout({ ramBytes: memBytes, slots: 0, maxBytes: memBytes }).below4g;
}

/** Rounds `n` up to a multiple of `to`. */
function roundUp(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}

/**
 * Splits RAM below and above 4 GiB and places the device memory as QEMU 7.2's pc_init1 and
 * pc_memory_init do for pc-i440fx-7.2: RAM that reaches 3.5 GiB is split at 3 GiB; the device
 * memory starts at the first gigabyte boundary after RAM above 4 GiB (at 4 GiB without any) and
 * spans maxmem - RAM plus 1 GiB per slot (enforce_aligned_dimm).
 */
export function pcMemoryLayout(mem: MemConfig): PcMemoryLayout {
  const lowmem = mem.ramBytes >= PC_LOWMEM_MAX ? PC_LOWMEM_SPLIT : PC_LOWMEM_MAX;
  const below4g = Math.min(mem.ramBytes, lowmem);
  const above4g = mem.ramBytes - below4g;
  let deviceMemory: PcMemoryLayout["deviceMemory"] = null;
  if (mem.maxBytes > mem.ramBytes) {
    const base = roundUp(FOUR_GIB + above4g, GiB);
    deviceMemory = { base, size: mem.maxBytes - mem.ramBytes + GiB * mem.slots };
  }
  return { below4g, above4g, deviceMemory };
}

/** The RAM ranges of the e820 table: below 4 GiB, then above it when there is such RAM. */
export function e820RamAreas(layout: PcMemoryLayout): { start: number; length: number }[] {
  const areas = [{ start: 0, length: layout.below4g }];
  if (layout.above4g > 0) areas.push({ start: FOUR_GIB, length: layout.above4g });
  return areas;
}

/** fw_cfg etc/e820: 20-byte entries (address, length: 64-bit; type: 32-bit), little-endian. */
export function e820File(layout: PcMemoryLayout): Uint8Array {
  const areas = e820RamAreas(layout);
  const out = new Uint8Array(20 * areas.length);
  const view = new DataView(out.buffer);
  areas.forEach((a, i) => {
    view.setBigUint64(20 * i, BigInt(a.start), true);
    view.setBigUint64(20 * i + 8, BigInt(a.length), true);
    view.setUint32(20 * i + 16, E820_RAM, true);
  });
  return out;
}

/**
 * fw_cfg etc/reserved-memory-end (a 64-bit little-endian address: the end of the device memory
 * rounded up to 1 GiB), or null when there is no device memory, as QEMU leaves the file out.
 */
export function reservedMemoryEndFile(layout: PcMemoryLayout): Uint8Array | null {
  const dm = layout.deviceMemory;
  if (dm === null) return null;
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(roundUp(dm.base + dm.size, GiB)), true);
  return out;
}

/** The regions of the PC's memory map. */
export interface PcMemory {
  ram: MemoryRegion;
  bios: MemoryRegion;
  isaBios: MemoryRegion;
  pcRom: MemoryRegion;
  pam: Pam;
}

/** Bytes of the address-space buffer the map needs: RAM below 4 GiB, the BIOS and pc.rom. */
export function pcBufferBytes(memBytes: number, biosBytes: number): number {
  return ramBelow4G(memBytes) + biosBytes + PC_ROM_SIZE;
}

/**
 * Builds the map: pc.ram with its RAM below 4 GiB in the buffer and the rest (shown at 4 GiB) in
 * HighRam. Needs: layout from pcMemoryLayout (RAM >= 1 MiB), bios a valid image (multiple of 64 KiB).
 */
export function buildPcMemory(space: AddressSpace, layout: PcMemoryLayout, bios: Uint8Array): PcMemory {
  const ram = space.allocRam("pc.ram", layout.below4g + layout.above4g, layout.below4g);
  space.addAlias("ram-below-4g", 0, ram, 0, layout.below4g);
  if (layout.above4g > 0) space.addAlias("ram-above-4g", FOUR_GIB, ram, layout.below4g, layout.above4g);
  const size = bios.length;
  const biosRegion = space.addRom("pc.bios", 2 ** 32 - size, size, bios);
  const isaSize = Math.min(size, ISA_BIOS_MAX);
  const isaBios = space.createAlias("isa-bios", biosRegion, size - isaSize, isaSize);
  isaBios.setReadonly(true);
  const pcRom = space.allocRom("pc.rom", PC_ROM_SIZE);
  const isaStart = MiB - isaSize;
  const pciSide: PciSide = (addr) => {
    if (addr >= isaStart && addr < MiB) return { region: isaBios, offset: addr - isaStart };
    if (addr >= PC_ROM_BASE && addr < PC_ROM_BASE + PC_ROM_SIZE)
      return { region: pcRom, offset: addr - PC_ROM_BASE };
    return null;
  };
  const pam = new Pam(space, ram, pciSide);
  return { ram, bios: biosRegion, isaBios, pcRom, pam };
}
