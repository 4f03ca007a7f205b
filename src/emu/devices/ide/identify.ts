// IDENTIFY DEVICE data (ATA/ATAPI-7 Vol. 1 §6.17, Table 16) for a hard disk, word for word as QEMU's
// ide_identify builds it for "QEMU HARDDISK": geometry, LBA28/LBA48 capacity, supported PIO/DMA
// modes, ATA versions 4-7, and the command sets (write cache, FLUSH CACHE [EXT], LBA48).
import { type IdeDrive, MAX_MULT_SECTORS, SECTOR_SIZE } from "./ide-bus.ts";

export const IDE_MODEL_DISK = "QEMU HARDDISK";
export const IDE_MODEL_CD = "QEMU DVD-ROM";
export const IDE_FIRMWARE = "2.5+";

/** Writes an ATA string (byte-swapped pairs, space padded) into `words` from `at`, `len` chars. */
export function putString(words: Uint16Array, at: number, text: string, len: number): void {
  for (let i = 0; i < len; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 0x20;
    const w = at + (i >> 1);
    if ((i & 1) === 0) words[w] = (words[w]! & 0x00ff) | (c << 8);
    else words[w] = (words[w]! & 0xff00) | c;
  }
}

/** The serial number QEMU gives drive `index` of the machine ("QM0000N"). */
export function serialFor(unit: number, busIndex: number): string {
  return `QM0000${busIndex * 2 + unit + 1}`;
}

/** The 512 bytes of IDENTIFY DEVICE data. */
export function identifyDisk(d: IdeDrive, busIndex = 0): Uint8Array {
  const w = new Uint16Array(256);
  const total = d.totalSectors;
  w[0] = 0x0040; // fixed device
  w[1] = d.cylinders;
  w[3] = d.heads;
  w[4] = SECTOR_SIZE * d.sectorsPerTrack; // obsolete
  w[5] = SECTOR_SIZE; // obsolete
  w[6] = d.sectorsPerTrack;
  putString(w, 10, serialFor(d.unit, busIndex), 20);
  w[20] = 3; // buffer type
  w[21] = 512; // cache size in sectors
  w[22] = 4; // ECC bytes
  putString(w, 23, IDE_FIRMWARE, 8);
  putString(w, 27, IDE_MODEL_DISK, 40);
  w[47] = 0x8000 | MAX_MULT_SECTORS;
  w[48] = 1; // dword I/O
  w[49] = (1 << 11) | (1 << 9) | (1 << 8); // IORDY, LBA, DMA
  w[51] = 0x200;
  w[52] = 0x200;
  w[53] = 1 | 2 | 4; // words 54-58, 64-70 and 88 valid
  w[54] = d.cylinders;
  w[55] = d.heads;
  w[56] = d.sectorsPerTrack;
  const chsSize = d.cylinders * d.heads * d.sectorsPerTrack;
  w[57] = chsSize & 0xffff;
  w[58] = chsSize >>> 16;
  if (d.multSectors !== 0) w[59] = 0x100 | d.multSectors;
  const lba28 = Math.min(total, 0x0fffffff);
  w[60] = lba28 & 0xffff;
  w[61] = lba28 >>> 16;
  w[62] = 0x07; // single word DMA 0-2
  w[63] = 0x07; // multiword DMA 0-2
  w[64] = 0x03; // PIO 3-4
  w[65] = 120;
  w[66] = 120;
  w[67] = 120;
  w[68] = 120;
  w[80] = 0xf0; // ATA-4 to ATA-7
  w[81] = 0x16; // conforms to ATA-5
  w[82] = (1 << 14) | (1 << 5) | 1; // NOP, write cache, SMART
  w[83] = (1 << 14) | (1 << 13) | (1 << 12) | (1 << 10); // FLUSH EXT, FLUSH, LBA48
  w[84] = 1 << 14;
  w[85] = (1 << 14) | (d.writeCache ? 1 << 5 : 0) | 1;
  w[86] = (1 << 13) | (1 << 12) | (1 << 10);
  w[87] = 1 << 14;
  w[88] = 0x3f | (1 << 13); // UDMA 0-5 supported, UDMA 5 selected
  w[93] = 1 | (1 << 14) | 0x2000;
  w[100] = total & 0xffff;
  w[101] = Math.floor(total / 0x10000) & 0xffff;
  w[102] = Math.floor(total / 0x100000000) & 0xffff;
  w[103] = 0;
  // Physical/logical sector size: word valid, 2^0 logical sectors per physical one (QEMU also sets bit 13).
  w[106] = 0x6000;
  return new Uint8Array(w.buffer);
}
