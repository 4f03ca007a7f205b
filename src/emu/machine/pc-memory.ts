// The i440fx PC's memory map, as QEMU's pc_memory_init and i440fx_init build it: pc.ram (all of it
// below 4 GiB here) through the ram-below-4g alias; pc.bios read-only at the top of 4 GiB (the
// pristine copy); on the PCI side below 1 MiB the isa-bios alias (the BIOS's last 128 KiB ending at
// 1 MiB) over the read-only pc.rom option-ROM area at 0xc0000; and the PAM windows choosing, per
// window, between that PCI side and pc.ram.

import { Pam, type PciSide } from "../devices/pam.ts";
import type { AddressSpace } from "../memory/address-space.ts";
import type { MemoryRegion } from "../memory/region.ts";
import { ISA_BIOS_MAX } from "./limits.ts";

const MiB = 1024 * 1024;
export const PC_ROM_BASE = 0xc0000;
export const PC_ROM_SIZE = 0x20000;
/** RAM QEMU's i440fx maps below 4 GiB at most (the rest would go above 4 GiB). */
export const PC_LOWMEM_MAX = 0xe0000000;

/** The RAM below 4 GiB for `memBytes` of RAM (QEMU's below_4g_mem_size). */
export function ramBelow4G(memBytes: number): number {
  return Math.min(memBytes, PC_LOWMEM_MAX);
}

/** The regions of the PC's memory map. */
export interface PcMemory {
  ram: MemoryRegion;
  bios: MemoryRegion;
  isaBios: MemoryRegion;
  pcRom: MemoryRegion;
  pam: Pam;
}

/** Bytes of the address-space buffer the map needs. */
export function pcBufferBytes(memBytes: number, biosBytes: number): number {
  return memBytes + biosBytes + PC_ROM_SIZE;
}

/** Builds the map. Needs: memBytes >= 1 MiB, bios a valid image (multiple of 64 KiB). */
export function buildPcMemory(space: AddressSpace, memBytes: number, bios: Uint8Array): PcMemory {
  const ram = space.allocRam("pc.ram", memBytes);
  space.addAlias("ram-below-4g", 0, ram, 0, memBytes);
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
