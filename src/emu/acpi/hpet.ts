// The HPET description QEMU 7.2 gives `-M pc` for its default HPET at 0xfed00000 (three timers,
// 64-bit counter, legacy replacement capable): the ACPI HPET table (IA-PC HPET specification 1.0a
// §3.2.4) and the legacy fw_cfg item FW_CFG_HPET (0x8004) that SeaBIOS reads.
import { le } from "./aml.ts";
import { HPET_BASE } from "./dsdt.ts";
import { acpiTable } from "./table.ts";

/** The general capabilities' low dword: vendor 8086, legacy route, 64-bit counter, 3 timers, rev 1. */
export const HPET_EVENT_TIMER_BLOCK_ID = 0x8086a201;
/** QEMU's struct hpet_fw_config holds 8 packed 15-byte entries after a count byte. */
const HPET_FW_CFG_SIZE = 1 + 8 * 15;

/** The HPET table. */
export function hpetTable(): number[] {
  const body = [
    ...le(HPET_EVENT_TIMER_BLOCK_ID, 4),
    // Generic address structure: system memory, no bit width/offset/access size, the base.
    0,
    0,
    0,
    0,
    ...le(HPET_BASE, 4),
    ...le(0, 4),
    0, // HPET number
    ...le(0, 2), // minimum clock tick
    0, // page protection
  ];
  return acpiTable("HPET", 1, body);
}

/** FW_CFG_HPET: one HPET (block ID, address, min tick 0, page protection 0). */
export function hpetFwCfg(): Uint8Array {
  const out = new Uint8Array(HPET_FW_CFG_SIZE);
  out.set([1, ...le(HPET_EVENT_TIMER_BLOCK_ID, 4), ...le(HPET_BASE, 4), 0, 0, 0, 0]);
  return out;
}
