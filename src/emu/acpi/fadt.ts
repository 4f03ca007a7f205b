// The FADT (ACPI 1.0 layout, revision 1, 116 bytes) QEMU 7.2 gives `-M pc`: the PIIX4 PM blocks at
// the PM base the firmware programmed (PMBA; 0 before it does), SCI on IRQ 9, the APM command port
// for ACPI enable/disable, GPE0 at 0xafe0, no C2/C3, the RTC century register, and the flags.
import { le } from "./aml.ts";
import { GPE0_IO_BASE, GPE0_IO_LEN } from "./dsdt.ts";
import { acpiTable } from "./table.ts";

/** Offsets of the FACS and DSDT pointers (FIRMWARE_CTRL, DSDT). */
export const FADT_FACS_OFFSET = 36;
export const FADT_DSDT_OFFSET = 40;
const SCI_IRQ = 9;
const APM_CNT_PORT = 0xb2;
const ACPI_ENABLE_CMD = 0xf1;
const ACPI_DISABLE_CMD = 0xf0;
const PM1_EVT_LEN = 4;
const PM1_CNT_LEN = 2;
const PM_TMR_LEN = 4;
/** P_LVL2_LAT/P_LVL3_LAT above 100/1000 us: C2 and C3 not supported. */
const NO_C_STATE_LATENCY = 0xfff;
const RTC_CENTURY = 0x32;
/** FADT flags (ACPI 6.4 Table 5.10). */
const FADT_F_WBINVD = 1 << 0;
const FADT_F_PROC_C1 = 1 << 2;
const FADT_F_SLP_BUTTON = 1 << 5;
const FADT_F_RTC_S4 = 1 << 7;
const FADT_F_USE_PLATFORM_CLOCK = 1 << 15;
const FADT_F_FORCE_APIC_CLUSTER_MODEL = 1 << 18;

/** The FADT with FIRMWARE_CTRL and DSDT holding the tables' offsets in etc/acpi/tables. */
export function fadtTable(facsOffset: number, dsdtOffset: number, pmBase: number, maxCpus: number): number[] {
  let flags = FADT_F_WBINVD | FADT_F_PROC_C1 | FADT_F_SLP_BUTTON | FADT_F_RTC_S4 | FADT_F_USE_PLATFORM_CLOCK;
  // xAPIC flat logical mode addresses at most 8 CPUs.
  if (maxCpus > 8) flags |= FADT_F_FORCE_APIC_CLUSTER_MODEL;
  const body = [
    ...le(facsOffset, 4),
    ...le(dsdtOffset, 4),
    1, // INT_MODEL (ACPI 1.0): dual PIC / APIC
    0, // preferred PM profile: unspecified
    ...le(SCI_IRQ, 2),
    ...le(APM_CNT_PORT, 4),
    ACPI_ENABLE_CMD,
    ACPI_DISABLE_CMD,
    0, // S4BIOS_REQ
    0, // PSTATE_CNT
    ...le(pmBase, 4), // PM1a_EVT_BLK
    ...le(0, 4),
    ...le(pmBase + 4, 4), // PM1a_CNT_BLK
    ...le(0, 4),
    ...le(0, 4), // PM2_CNT_BLK
    ...le(pmBase + 8, 4), // PM_TMR_BLK
    ...le(GPE0_IO_BASE, 4),
    ...le(0, 4), // GPE1_BLK
    PM1_EVT_LEN,
    PM1_CNT_LEN,
    0,
    PM_TMR_LEN,
    GPE0_IO_LEN,
    0, // GPE1_BLK_LEN
    0, // GPE1_BASE
    0, // CST_CNT
    ...le(NO_C_STATE_LATENCY, 2),
    ...le(NO_C_STATE_LATENCY, 2),
    ...le(0, 2), // FLUSH_SIZE
    ...le(0, 2), // FLUSH_STRIDE
    0, // DUTY_OFFSET
    0, // DUTY_WIDTH
    0, // DAY_ALRM
    0, // MON_ALRM
    RTC_CENTURY,
    0,
    0,
    0, // IAPC_BOOT_ARCH (reserved in 1.0) and reserved
    ...le(flags, 4),
  ];
  return acpiTable("FACP", 1, body);
}
