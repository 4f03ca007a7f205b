// The three fw_cfg files of QEMU 7.2's ACPI build for `-M pc` (hw/i386/acpi-build.c acpi_build):
// etc/acpi/tables (FACS, DSDT, FADT, MADT, HPET, SRAT with NUMA, WAET, RSDT, padded to 128 KiB),
// etc/acpi/rsdp (an ACPI 1.0 RSDP the firmware places in the F segment) and etc/table-loader (the
// script that allocates, links and checksums them).
import { cat, le } from "./aml.ts";
import type { AcpiConfig } from "./config.ts";
import { dsdtAml } from "./dsdt.ts";
import { FADT_DSDT_OFFSET, FADT_FACS_OFFSET, fadtTable } from "./fadt.ts";
import { hpetTable } from "./hpet.ts";
import { madtTable } from "./madt.ts";
import { sratTable } from "./srat.ts";
import { ACPI_CHECKSUM_OFFSET, ACPI_HEADER_SIZE, ACPI_OEM_ID, acpiTable, ascii } from "./table.ts";
import { LOADER_ZONE_FSEG, LOADER_ZONE_HIGH, TableLoader } from "./table-loader.ts";

export const ACPI_TABLES_FILE = "etc/acpi/tables";
export const ACPI_RSDP_FILE = "etc/acpi/rsdp";
export const TABLE_LOADER_FILE = "etc/table-loader";
/** QEMU's ACPI_BUILD_TABLE_SIZE: the tables blob is padded to a multiple of this. */
const TABLES_ALIGN = 0x20000;
/** The FACS needs 64-byte alignment, so the blob is allocated with it. */
const TABLES_ALLOC_ALIGN = 64;
const RSDP_ALLOC_ALIGN = 16;
const FACS_SIZE = 64;
/** WAET: the ACPI PM timer is good (reads need no workaround). */
const WAET_PM_TIMER_GOOD = 1 << 1;
/** RSDP (ACPI 1.0): signature, checksum, OEM ID, revision 0, RSDT address. */
const RSDP_SIZE = 20;
const RSDP_CHECKSUM_OFFSET = 8;
const RSDP_RSDT_OFFSET = 16;

/** The three files' contents. */
export interface AcpiFiles {
  tables: Uint8Array;
  rsdp: Uint8Array;
  loader: Uint8Array;
}

/** The machine state the tables read at build time (QEMU reads it when the firmware first selects a file). */
export interface AcpiRuntime {
  /** The PIIX4 PM I/O base (PMBA & 0xffc0). */
  pmBase: number;
}

/** Builds the files for `config` as QEMU 7.2 would with the machine in state `runtime`. */
export function buildAcpi(config: AcpiConfig, runtime: AcpiRuntime): AcpiFiles {
  const loader = new TableLoader();
  loader.allocate(ACPI_TABLES_FILE, TABLES_ALLOC_ALIGN, LOADER_ZONE_HIGH);
  const blob: number[] = [];
  /** Appends a table: its pointer fields (offsets within it) get ADD_POINTER, then its checksum. */
  const add = (table: number[], pointerFields: number[] = []): number => {
    const at = blob.length;
    for (const b of table) blob.push(b);
    for (const f of pointerFields) loader.addPointer(ACPI_TABLES_FILE, ACPI_TABLES_FILE, at + f, 4);
    loader.addChecksum(ACPI_TABLES_FILE, at + ACPI_CHECKSUM_OFFSET, at, table.length);
    return at;
  };

  const facs = blob.length;
  blob.push(...ascii("FACS"), ...le(FACS_SIZE, 4), ...new Array(FACS_SIZE - 8).fill(0));
  const dsdt = add(acpiTable("DSDT", 1, dsdtAml(config)));
  const listed: number[] = [];
  listed.push(
    add(fadtTable(facs, dsdt, runtime.pmBase, config.cpus.length), [FADT_FACS_OFFSET, FADT_DSDT_OFFSET]),
  );
  listed.push(add(madtTable(config)));
  listed.push(add(hpetTable()));
  if (config.numaNodes.length > 0) listed.push(add(sratTable(config)));
  listed.push(add(acpiTable("WAET", 1, le(WAET_PM_TIMER_GOOD, 4))));
  const rsdtBody = cat(...listed.map((off) => le(off, 4)));
  const rsdt = add(
    acpiTable("RSDT", 1, rsdtBody),
    listed.map((_, i) => ACPI_HEADER_SIZE + 4 * i),
  );

  const tables = new Uint8Array(Math.ceil(blob.length / TABLES_ALIGN) * TABLES_ALIGN);
  tables.set(blob);

  loader.allocate(ACPI_RSDP_FILE, RSDP_ALLOC_ALIGN, LOADER_ZONE_FSEG);
  const rsdp = new Uint8Array(RSDP_SIZE);
  rsdp.set([...ascii("RSD PTR "), 0, ...ascii(ACPI_OEM_ID), 0, ...le(rsdt, 4)]);
  loader.addPointer(ACPI_RSDP_FILE, ACPI_TABLES_FILE, RSDP_RSDT_OFFSET, 4);
  loader.addChecksum(ACPI_RSDP_FILE, RSDP_CHECKSUM_OFFSET, 0, RSDP_SIZE);
  return { tables, rsdp, loader: loader.bytes() };
}
