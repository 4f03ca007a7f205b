// The system-level SMBIOS structures QEMU 7.2's smbios.c builds for `-M pc` with no -smbios options:
// type 1 (system information: manufacturer, product, version = the machine type, the UUID, wake-up
// by power switch) and type 3 (system enclosure: "Other" chassis, every state "safe", security
// "unknown"). Handles are type << 8, as QEMU numbers them.
import { SmbiosStructure } from "./structure.ts";

/** Type 1's wake-up type: power switch. */
const WAKEUP_POWER_SWITCH = 0x06;
/** Type 3 values: chassis "Other"; boot-up, power-supply and thermal state "Safe"; security "Unknown". */
const CHASSIS_OTHER = 0x01;
const STATE_SAFE = 0x03;
const SECURITY_UNKNOWN = 0x02;

/** What the system structures say. */
export interface SmbiosSystem {
  manufacturer: string;
  /** Type 1's product name (QEMU's machine description). */
  product: string;
  /** Type 1's and type 3's version (QEMU's machine type name, e.g. pc-i440fx-7.2). */
  version: string;
  /** Type 1's UUID, 16 bytes as stored (zeros without one). */
  uuid: Uint8Array;
}

/** Type 1, System Information (SMBIOS 2.4+ layout, 27 bytes). */
export function systemInformation(s: SmbiosSystem): Uint8Array {
  return new SmbiosStructure(1, 0x1b, 0x100)
    .str(4, s.manufacturer)
    .str(5, s.product)
    .str(6, s.version)
    .str(7, "") // serial number
    .bytes(8, s.uuid)
    .u8(24, WAKEUP_POWER_SWITCH)
    .str(25, "") // SKU number
    .str(26, "") // family
    .encode();
}

/** Type 3, System Enclosure (SMBIOS 2.7+ layout with the SKU string, 22 bytes). */
export function systemEnclosure(s: SmbiosSystem): Uint8Array {
  return new SmbiosStructure(3, 0x16, 0x300)
    .str(4, s.manufacturer)
    .u8(5, CHASSIS_OTHER)
    .str(6, s.version)
    .str(7, "") // serial number
    .str(8, "") // asset tag
    .u8(9, STATE_SAFE)
    .u8(10, STATE_SAFE)
    .u8(11, STATE_SAFE)
    .u8(12, SECURITY_UNKNOWN)
    .u32(13, 0) // OEM-defined
    .u8(17, 0) // height
    .u8(18, 0) // power cords
    .u8(19, 0) // contained elements
    .u8(20, 0) // their record length
    .str(21, "") // SKU number
    .encode();
}
