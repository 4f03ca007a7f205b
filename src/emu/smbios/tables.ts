// The SMBIOS tables QEMU 7.2 gives SeaBIOS on `-M pc` (pc-i440fx-7.2) through fw_cfg: the structure
// table (etc/smbios/smbios-tables: types 1, 3, 4 per socket, 16, 17 per DIMM, 19 per RAM range, 32
// and the end-of-table 127; no type 0, which SeaBIOS adds itself) and the SMBIOS 2.8 32-bit entry
// point (etc/smbios/smbios-anchor, "_SM_" and "_DMI_", DSP0134 §5.2.1) with the table's address and
// both checksums left 0 for the firmware to fill in where it places the table.
import {
  dimmCount,
  memoryArrayMappedAddress,
  memoryDevice,
  physicalMemoryArray,
  type RamArea,
} from "./memory.ts";
import { processorInformation, type SmbiosProcessors } from "./processor.ts";
import { SmbiosStructure } from "./structure.ts";
import { type SmbiosSystem, systemEnclosure, systemInformation } from "./system.ts";

/** The SMBIOS version QEMU 7.2 announces for pc. */
const SMBIOS_MAJOR = 2;
const SMBIOS_MINOR = 8;
/** The 2.1-style 32-bit entry point is 31 bytes. */
const ENTRY_POINT_LENGTH = 0x1f;

/** What the tables describe. */
export interface SmbiosInput {
  system: SmbiosSystem;
  processors: Omit<SmbiosProcessors, "manufacturer" | "version">;
  ramBytes: number;
  /** The e820 table's RAM ranges. */
  ramAreas: readonly RamArea[];
}

/** The two fw_cfg files. */
export interface SmbiosFiles {
  tables: Uint8Array;
  anchor: Uint8Array;
}

/** Type 32, System Boot Information: no errors detected (11 bytes). */
function systemBootInformation(): Uint8Array {
  return new SmbiosStructure(32, 0x0b, 0x2000).encode();
}

/** Type 127, End-of-Table. */
function endOfTable(): Uint8Array {
  return new SmbiosStructure(127, 4, 0x7f00).encode();
}

/** Builds the table and its entry point as QEMU 7.2 does for `input`. */
export function buildSmbios(input: SmbiosInput): SmbiosFiles {
  const { system } = input;
  const processors = { ...input.processors, manufacturer: system.manufacturer, version: system.version };
  const structures = [systemInformation(system), systemEnclosure(system)];
  for (let s = 0; s < processors.sockets; s++) structures.push(processorInformation(processors, s));
  structures.push(physicalMemoryArray(input.ramBytes));
  for (let d = 0; d < dimmCount(input.ramBytes); d++) {
    structures.push(memoryDevice(input.ramBytes, d, system.manufacturer));
  }
  input.ramAreas.forEach((area, i) => {
    structures.push(memoryArrayMappedAddress(area, i));
  });
  structures.push(systemBootInformation(), endOfTable());

  const length = structures.reduce((n, s) => n + s.length, 0);
  const tables = new Uint8Array(length);
  let at = 0;
  for (const s of structures) {
    tables.set(s, at);
    at += s.length;
  }
  return {
    tables,
    anchor: entryPoint(length, structures.length, Math.max(...structures.map((s) => s.length))),
  };
}

/** The 32-bit entry point for a table of `length` bytes holding `count` structures. */
function entryPoint(length: number, count: number, maxStructure: number): Uint8Array {
  const ep = new Uint8Array(ENTRY_POINT_LENGTH);
  const view = new DataView(ep.buffer);
  const enc = new TextEncoder();
  ep.set(enc.encode("_SM_"), 0);
  // 4: checksum (the firmware's)
  view.setUint8(5, ENTRY_POINT_LENGTH);
  view.setUint8(6, SMBIOS_MAJOR);
  view.setUint8(7, SMBIOS_MINOR);
  view.setUint16(8, maxStructure, true);
  // 10: entry point revision 0; 11-15: formatted area, zeros
  ep.set(enc.encode("_DMI_"), 16);
  // 21: intermediate checksum (the firmware's)
  view.setUint16(22, length, true);
  // 24: table address (the firmware's)
  view.setUint16(28, count, true);
  view.setUint8(30, (SMBIOS_MAJOR << 4) | SMBIOS_MINOR);
  return ep;
}
