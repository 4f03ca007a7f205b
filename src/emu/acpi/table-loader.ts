// QEMU's BIOS linker/loader script (hw/acpi/bios-linker-loader.c), the fw_cfg file
// `etc/table-loader`: 128-byte commands telling the firmware to ALLOCATE a fw_cfg file in memory,
// ADD_POINTER (add a file's allocated address to a field of another) and ADD_CHECKSUM (make a
// byte range sum to zero). Allocations go first, newest first, as QEMU prepends them; the script is
// padded with zero (ignored) commands to a multiple of 4 KiB.
import { le } from "./aml.ts";

export const LOADER_CMD_ALLOCATE = 1;
export const LOADER_CMD_ADD_POINTER = 2;
export const LOADER_CMD_ADD_CHECKSUM = 3;
/** Allocation zones. */
export const LOADER_ZONE_HIGH = 1;
export const LOADER_ZONE_FSEG = 2;
/** Command size and the file name field size (fw_cfg's FW_CFG_MAX_FILE_PATH). */
export const LOADER_ENTRY_SIZE = 128;
const FILE_NAME_SIZE = 56;
/** QEMU's ACPI_BUILD_ALIGN_SIZE. */
const SCRIPT_ALIGN = 0x1000;

/** A file name as a zero-padded 56-byte field. */
function fileField(name: string): number[] {
  const out = new Array<number>(FILE_NAME_SIZE).fill(0);
  [...name].forEach((c, i) => {
    out[i] = c.charCodeAt(0);
  });
  return out;
}

/** One command, zero-padded to 128 bytes. */
function entry(command: number, fields: number[]): number[] {
  const out = new Array<number>(LOADER_ENTRY_SIZE).fill(0);
  out.splice(0, 4 + fields.length, ...le(command, 4), ...fields);
  return out;
}

/** Builds a loader script. */
export class TableLoader {
  private readonly allocations: number[][] = [];
  private readonly commands: number[][] = [];

  /** ALLOCATE `file` aligned to `align` in `zone` (placed before every other command). */
  allocate(file: string, align: number, zone: number): void {
    this.allocations.unshift(entry(LOADER_CMD_ALLOCATE, [...fileField(file), ...le(align, 4), zone]));
  }

  /** ADD_POINTER: adds `srcFile`'s address to the `size`-byte field at `offset` in `destFile`. */
  addPointer(destFile: string, srcFile: string, offset: number, size: number): void {
    this.commands.push(
      entry(LOADER_CMD_ADD_POINTER, [...fileField(destFile), ...fileField(srcFile), ...le(offset, 4), size]),
    );
  }

  /** ADD_CHECKSUM: the byte at `checksumOffset` makes `file`[start, start+length) sum to zero. */
  addChecksum(file: string, checksumOffset: number, start: number, length: number): void {
    this.commands.push(
      entry(LOADER_CMD_ADD_CHECKSUM, [
        ...fileField(file),
        ...le(checksumOffset, 4),
        ...le(start, 4),
        ...le(length, 4),
      ]),
    );
  }

  /** The script bytes, padded to 4 KiB. */
  bytes(): Uint8Array {
    const all = [...this.allocations, ...this.commands].flat();
    const out = new Uint8Array(Math.ceil(all.length / SCRIPT_ALIGN) * SCRIPT_ALIGN);
    out.set(all);
    return out;
  }
}
