// The ACPI system description table header (ACPI 6.4 §5.2.6) as QEMU 7.2 fills it: OEM "BOCHS ",
// table ID "BXPC    ", revisions 1, creator "BXPC". The checksum is left 0: the firmware computes it
// from the loader script's ADD_CHECKSUM command.
import { le } from "./aml.ts";

export const ACPI_HEADER_SIZE = 36;
/** Offset of the checksum byte in the header. */
export const ACPI_CHECKSUM_OFFSET = 9;
export const ACPI_OEM_ID = "BOCHS ";
export const ACPI_OEM_TABLE_ID = "BXPC    ";
export const ACPI_CREATOR_ID = "BXPC";

/** ASCII bytes of `s`. */
export function ascii(s: string): number[] {
  return [...s].map((c) => c.charCodeAt(0));
}

/** A whole table: header (checksum 0) followed by `body`. */
export function acpiTable(signature: string, revision: number, body: number[]): number[] {
  return [
    ...ascii(signature),
    ...le(ACPI_HEADER_SIZE + body.length, 4),
    revision,
    0,
    ...ascii(ACPI_OEM_ID),
    ...ascii(ACPI_OEM_TABLE_ID),
    ...le(1, 4),
    ...ascii(ACPI_CREATOR_ID),
    ...le(1, 4),
    ...body,
  ];
}
