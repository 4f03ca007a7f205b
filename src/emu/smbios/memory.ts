// The SMBIOS memory structures QEMU 7.2 builds for the pc machine's RAM: type 16 (one physical
// memory array: "Other" location, system memory, multi-bit ECC, capacity = RAM size), type 17 (one
// "DIMM n" device per 16 GiB of RAM, the last one holding the rest) and type 19 (one array mapped
// address per RAM range of the e820 table). Sizes too big for a field go to its extended field.
import { SmbiosStructure } from "./structure.ts";

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;
/** QEMU splits RAM into DIMMs of at most this size. */
export const MAX_DIMM_BYTES = 16 * GiB;
/** Type 16 capacities of this many KiB and up read this value, and the extended field holds bytes. */
const MAX_T16_STD_KIB = 0x80000000;
/** Type 17 sizes of this many MiB and up read this value, and the extended field holds the MiB. */
const MAX_T17_STD_MIB = 0x7fff;
/** Type 19 KiB addresses from this value up read 0xffffffff, and the 64-bit fields hold the bytes. */
const MAX_T19_KIB = 0xffffffff;
const ARRAY_HANDLE = 0x1000;
const NO_ERROR_INFO = 0xfffe;
const UNKNOWN_WIDTH = 0xffff;
const LOCATION_OTHER = 0x01;
const USE_SYSTEM_MEMORY = 0x03;
const ECC_MULTI_BIT = 0x06;
const FORM_DIMM = 0x09;
const TYPE_RAM = 0x07;
/** Type detail: "Other" (bit 1). */
const DETAIL_OTHER = 0x0002;

/** A RAM range of the e820 table. */
export interface RamArea {
  start: number;
  length: number;
}

/** How many DIMMs QEMU describes `ramBytes` as. */
export function dimmCount(ramBytes: number): number {
  return Math.ceil(ramBytes / MAX_DIMM_BYTES);
}

/** Type 16, Physical Memory Array (SMBIOS 2.7+ layout, 23 bytes). */
export function physicalMemoryArray(ramBytes: number): Uint8Array {
  const kib = Math.ceil(ramBytes / KiB);
  const extended = kib >= MAX_T16_STD_KIB;
  return new SmbiosStructure(16, 0x17, ARRAY_HANDLE)
    .u8(4, LOCATION_OTHER)
    .u8(5, USE_SYSTEM_MEMORY)
    .u8(6, ECC_MULTI_BIT)
    .u32(7, extended ? MAX_T16_STD_KIB : kib)
    .u16(11, NO_ERROR_INFO)
    .u16(13, dimmCount(ramBytes))
    .u64(15, extended ? ramBytes : 0)
    .encode();
}

/** Type 17, Memory Device (SMBIOS 2.8 layout, 40 bytes) for DIMM `index` of `ramBytes`. */
export function memoryDevice(ramBytes: number, index: number, manufacturer: string): Uint8Array {
  const last = index === dimmCount(ramBytes) - 1;
  const bytes = last ? ((ramBytes - 1) % MAX_DIMM_BYTES) + 1 : MAX_DIMM_BYTES;
  const mib = Math.ceil(bytes / MiB);
  const extended = mib >= MAX_T17_STD_MIB;
  return new SmbiosStructure(17, 0x28, 0x1100 + index)
    .u16(4, ARRAY_HANDLE)
    .u16(6, NO_ERROR_INFO)
    .u16(8, UNKNOWN_WIDTH)
    .u16(10, UNKNOWN_WIDTH)
    .u16(12, extended ? MAX_T17_STD_MIB : mib)
    .u8(14, FORM_DIMM)
    .u8(15, 0) // device set
    .str(16, `DIMM ${index}`)
    .str(17, "") // bank locator
    .u8(18, TYPE_RAM)
    .u16(19, DETAIL_OTHER)
    .u16(21, 0) // speed: unknown
    .str(23, manufacturer)
    .str(24, "") // serial number
    .str(25, "") // asset tag
    .str(26, "") // part number
    .u8(27, 0) // attributes
    .u32(28, extended ? mib : 0)
    .u16(32, 0) // configured speed
    .u16(34, 0) // minimum voltage
    .u16(36, 0) // maximum voltage
    .u16(38, 0) // configured voltage
    .encode();
}

/** Type 19, Memory Array Mapped Address (SMBIOS 2.7+ layout, 31 bytes), number `index`. */
export function memoryArrayMappedAddress(area: RamArea, index: number): Uint8Array {
  const end = area.start + area.length - 1;
  const startKib = Math.floor(area.start / KiB);
  const endKib = Math.floor(end / KiB);
  const extended = startKib >= MAX_T19_KIB || endKib >= MAX_T19_KIB;
  return new SmbiosStructure(19, 0x1f, 0x1300 + index)
    .u32(4, extended ? MAX_T19_KIB : startKib)
    .u32(8, extended ? MAX_T19_KIB : endKib)
    .u16(12, ARRAY_HANDLE)
    .u8(14, 1) // partition width
    .u64(15, extended ? area.start : 0)
    .u64(23, extended ? end : 0)
    .encode();
}
