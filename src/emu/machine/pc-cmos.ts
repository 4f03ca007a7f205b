// The CMOS contents QEMU's pc_cmos_init writes for the firmware: equipment byte, base/extended
// memory sizes, the SMP CPU count, the boot order, and the hard disk types and geometries (IBM
// PC/AT BIOS CMOS map). Like QEMU it leaves the PC/AT checksum at 0x2e-0x2f zero: no firmware of
// the PC checks it.

/** CMOS offsets. */
export const CMOS_FLOPPY_TYPES = 0x10;
export const CMOS_HD_TYPES = 0x12;
export const CMOS_EQUIPMENT = 0x14;
export const CMOS_BASE_MEM_LO = 0x15;
export const CMOS_EXT_MEM_LO = 0x17;
export const CMOS_HD0_TYPE = 0x19;
export const CMOS_HD1_TYPE = 0x1a;
export const CMOS_HD0_INFO = 0x1b;
export const CMOS_HD1_INFO = 0x24;
export const CMOS_EXT_MEM2_LO = 0x30;
export const CMOS_CENTURY = 0x32;
export const CMOS_MEM_ABOVE_16M_LO = 0x34;
export const CMOS_BOOT_FLAG1 = 0x38;
export const CMOS_DISK_TRANSLATION = 0x39;
export const CMOS_BOOT_FLAG2 = 0x3d;
export const CMOS_MEM_ABOVE_4G = 0x5b;
export const CMOS_SMP_COUNT = 0x5f;
/** Equipment bits: math coprocessor, PS/2 mouse. */
export const EQUIP_FPU = 0x02;
export const EQUIP_PS2_MOUSE = 0x04;
/** Boot device codes in 0x3d/0x38 (SeaBIOS's reading of QEMU's nvram). */
export const BOOT_CODE: Record<string, number> = { a: 1, c: 2, d: 3, n: 4 };
/** Drive type 47: user-defined geometry follows. */
export const HD_TYPE_USER = 47;

/** A disk's BIOS geometry. */
export interface Chs {
  cylinders: number;
  heads: number;
  sectors: number;
  /** 0 none, 1 LBA, 2 large (QEMU's BIOS_ATA_TRANSLATION_*). */
  translation: number;
}

/** Writes `value` to CMOS byte `index` (the RTC's set()). */
export type CmosWrite = (index: number, value: number) => void;

/**
 * Fills the CMOS as QEMU's pc_cmos_init does for RAM split as `ram` says (below and above 4 GiB),
 * `cpus` boot CPUs, `bootOrder` (e.g. "cad") and IDE disks 0..3.
 */
export function initCmos(
  write: CmosWrite,
  ram: { below4g: number; above4g: number },
  cpus: number,
  bootOrder: string,
  disks: (Chs | null)[],
): void {
  const set = (i: number, v: number) => write(i, v & 0xff);
  set(CMOS_FLOPPY_TYPES, 0);
  set(CMOS_EQUIPMENT, EQUIP_FPU | EQUIP_PS2_MOUSE);
  const base = Math.min(Math.floor(ram.below4g / 1024), 640);
  set(CMOS_BASE_MEM_LO, base);
  set(CMOS_BASE_MEM_LO + 1, base >> 8);
  const ext = Math.min(Math.max(0, Math.floor((ram.below4g - 0x100000) / 1024)), 65535);
  set(CMOS_EXT_MEM_LO, ext);
  set(CMOS_EXT_MEM_LO + 1, ext >> 8);
  set(CMOS_EXT_MEM2_LO, ext);
  set(CMOS_EXT_MEM2_LO + 1, ext >> 8);
  const above16 =
    ram.below4g > 0x1000000 ? Math.min(Math.floor((ram.below4g - 0x1000000) / 65536), 65535) : 0;
  set(CMOS_MEM_ABOVE_16M_LO, above16);
  set(CMOS_MEM_ABOVE_16M_LO + 1, above16 >> 8);
  const above4g = Math.floor(ram.above4g / 65536);
  set(CMOS_MEM_ABOVE_4G, above4g);
  set(CMOS_MEM_ABOVE_4G + 1, above4g >> 8);
  set(CMOS_MEM_ABOVE_4G + 2, above4g >> 16);
  set(CMOS_SMP_COUNT, cpus - 1);
  const codes = [...bootOrder].map((c) => BOOT_CODE[c] ?? 0);
  while (codes.length < 3) codes.push(0);
  set(CMOS_BOOT_FLAG2, (codes[1]! << 4) | codes[0]!);
  set(CMOS_BOOT_FLAG1, codes[2]! << 4); // fd_bootchk on: bit 0 clear
  let types = 0;
  let translation = 0;
  for (let i = 0; i < 2; i++) {
    const g = disks[i];
    if (g === null || g === undefined) continue;
    types |= i === 0 ? 0xf0 : 0x0f;
    set(i === 0 ? CMOS_HD0_TYPE : CMOS_HD1_TYPE, HD_TYPE_USER);
    const info = i === 0 ? CMOS_HD0_INFO : CMOS_HD1_INFO;
    set(info, g.cylinders);
    set(info + 1, g.cylinders >> 8);
    set(info + 2, g.heads);
    set(info + 3, 0xff);
    set(info + 4, 0xff);
    set(info + 5, 0xc0 | (g.heads > 8 ? 0x08 : 0));
    set(info + 6, g.cylinders);
    set(info + 7, g.cylinders >> 8);
    set(info + 8, g.sectors);
  }
  set(CMOS_HD_TYPES, types);
  for (let i = 0; i < 4; i++) {
    const g = disks[i];
    if (g !== null && g !== undefined) translation |= g.translation << (2 * i);
  }
  set(CMOS_DISK_TRANSLATION, translation);
}

/** QEMU's geometry guess for a disk of `sectors` 512-byte sectors (hd_geometry_guess, no MBR hint). */
export function guessGeometry(sectors: number): Chs {
  let cylinders = Math.floor(sectors / (16 * 63));
  if (cylinders > 16383) cylinders = 16383;
  else if (cylinders < 2) cylinders = 2;
  const translation = cylinders <= 1024 ? 0 : 1;
  return { cylinders, heads: 16, sectors: 63, translation };
}
