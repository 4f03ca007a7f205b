// The ACPI files on the PC's fw_cfg are built from the machine's state when the firmware first
// selects one after a reset, as QEMU's acpi_build_update does: the FADT holds the PIIX4 PM base
// (PMBA) of that moment, later PMBA writes do not change it until the next reset. Driven through the
// I/O ports only (PCI configuration 0xcf8/0xcfc, fw_cfg 0x510/0x511).
import { describe, expect, it } from "vitest";
import { createPcMachine, type PcMachine } from "../../../src/emu/machine/pc.ts";
import { tinyRom } from "../machine/tiny-rom.ts";

const PCI_ADDR = 0xcf8;
const PCI_DATA = 0xcfc;
const FW_CFG_SEL = 0x510;
const FW_CFG_DATA = 0x511;
const FW_CFG_FILE_DIR = 0x19;
/** PIIX4 PM (00:01.3) register PMBA, through configuration mechanism #1. */
const PMBA_ADDRESS = 0x80000000 | (1 << 11) | (3 << 8) | 0x40;
/** FADT PM1a_EVT_BLK offset (ACPI 6.4 Table 5.9). */
const FADT_PM1A_EVT = 0x38;

/** Writes PMBA. */
function setPmba(m: PcMachine, value: number): void {
  m.io.out(PCI_ADDR, 4, PMBA_ADDRESS);
  m.io.out(PCI_DATA, 4, value);
}

/** Selects `key` and reads `length` bytes. */
function readItem(m: PcMachine, key: number, length: number): Uint8Array {
  m.io.out(FW_CFG_SEL, 2, key);
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = m.io.in(FW_CFG_DATA, 1);
  return out;
}

/** The select key and size of a fw_cfg file, from the directory. */
function fileKey(m: PcMachine, name: string): { key: number; size: number } {
  const count = new DataView(readItem(m, FW_CFG_FILE_DIR, 4).buffer).getUint32(0, false);
  const dir = readItem(m, FW_CFG_FILE_DIR, 4 + 64 * count);
  const view = new DataView(dir.buffer);
  for (let i = 0; i < count; i++) {
    const at = 4 + 64 * i;
    const entryName = Buffer.from(dir.subarray(at + 8, at + 64))
      .toString("latin1")
      .replace(/\0.*$/s, "");
    if (entryName === name) return { key: view.getUint16(at + 4, false), size: view.getUint32(at, false) };
  }
  throw new Error(`no fw_cfg file ${name}`);
}

/** The FADT's PM1a event block address, read from etc/acpi/tables (selected afresh). */
function fadtPmBase(m: PcMachine): number {
  const { key } = fileKey(m, "etc/acpi/tables");
  const tables = readItem(m, key, 0x4000);
  const at = Buffer.from(tables).indexOf("FACP");
  expect(at).toBeGreaterThan(0);
  return new DataView(tables.buffer).getUint32(at + FADT_PM1A_EVT, true);
}

describe("ACPI build on fw_cfg", () => {
  it("takes the PM base at the first selection after a reset and keeps it until the next", () => {
    const m = createPcMachine({ bios: tinyRom([0xf4]) });
    setPmba(m, 0x601);
    expect(fadtPmBase(m)).toBe(0x600);
    setPmba(m, 0xb001);
    expect(fadtPmBase(m)).toBe(0x600);
    m.reset();
    setPmba(m, 0xb001);
    expect(fadtPmBase(m)).toBe(0xb000);
  });

  it("lists the three files with QEMU's sizes (tables padded to 128 KiB, loader to 4 KiB)", () => {
    const m = createPcMachine({ bios: tinyRom([0xf4]) });
    expect(fileKey(m, "etc/acpi/tables").size).toBe(0x20000);
    expect(fileKey(m, "etc/table-loader").size).toBe(0x1000);
    expect(fileKey(m, "etc/acpi/rsdp").size).toBe(20);
  });
});
