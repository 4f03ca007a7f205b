// Puts the ACPI build on a PC's fw_cfg as QEMU 7.2 does: etc/acpi/tables, etc/acpi/rsdp and
// etc/table-loader, rebuilt from the machine's state when the firmware first selects one of them
// after a reset (QEMU's acpi_build_update, so the FADT holds the PM base SeaBIOS programmed), plus
// the items that describe the same hardware: FW_CFG_NUMA, FW_CFG_HPET, etc/system-states, and the
// (empty) TPM log QEMU always lists beside them.
import { FW_CFG_NUMA, type FwCfg } from "../devices/fw-cfg.ts";
import { ACPI_RSDP_FILE, ACPI_TABLES_FILE, type AcpiRuntime, buildAcpi, TABLE_LOADER_FILE } from "./build.ts";
import type { AcpiConfig, AcpiCpu } from "./config.ts";
import { hpetFwCfg } from "./hpet.ts";
import { type NumaLayout, numaFwCfg } from "./numa.ts";

/** QEMU's FW_CFG_HPET legacy key. */
export const FW_CFG_HPET = 0x8004;
export const SYSTEM_STATES_FILE = "etc/system-states";
/** The TPM event log QEMU's acpi_setup always adds (empty without a TPM). */
export const TPM_LOG_FILE = "etc/tpm/log";
/** S0-S5 for the PIIX4 PM: bit 7 = supported, low bits = SLP_TYP; S1 and S2 unsupported. */
const SYSTEM_STATES = [0x80, 0x00, 0x00, 0x81, 0x82, 0x80];
/** i440fx puts RAM above 4 GiB from 3 GiB on when there is 3.5 GiB or more (gigabyte_align). */
const LOWMEM_LIMIT = 0xe0000000;
const LOWMEM_ALIGNED = 0xc0000000;

/** What the PC tells the ACPI build. */
export interface PcAcpiInputs {
  memBytes: number;
  /** CPUs present at power-on. */
  cpus: number;
  /** Possible CPUs (maxcpus), default `cpus`. */
  maxCpus?: number;
  numa: NumaLayout | null;
  com1: boolean;
  /** A second serial port (default none). */
  com2?: boolean;
}

/** The AcpiConfig of a PC: RAM split as pc_init1 splits it, CPU i with APIC ID i. */
export function pcAcpiConfig(inputs: PcAcpiInputs): AcpiConfig {
  const below = inputs.memBytes >= LOWMEM_LIMIT ? LOWMEM_ALIGNED : inputs.memBytes;
  const cpus: AcpiCpu[] = [];
  for (let i = 0; i < (inputs.maxCpus ?? inputs.cpus); i++) {
    cpus.push({ apicId: i, present: i < inputs.cpus, node: inputs.numa?.cpuNode[i] ?? 0 });
  }
  return {
    ramBelow4g: below,
    ramAbove4g: inputs.memBytes - below,
    cpus,
    numaNodes: inputs.numa?.nodeMem ?? [],
    hotplugMemory: null,
    com1: inputs.com1,
    com2: inputs.com2 ?? false,
  };
}

/**
 * Adds the files and items to `fw`. `runtime` reads the machine state the tables depend on; the
 * returned device's reset() makes the next selection rebuild them.
 */
export function installAcpi(
  fw: FwCfg,
  config: AcpiConfig,
  runtime: () => AcpiRuntime,
): {
  name: string;
  reset(): void;
  saveState(): { built: boolean };
  loadState(s: { built: boolean }): void;
} {
  let built = false;
  const rebuild = () => {
    if (built) return;
    built = true;
    const files = buildAcpi(config, runtime());
    fw.addFile(ACPI_TABLES_FILE, files.tables, rebuild);
    fw.addFile(ACPI_RSDP_FILE, files.rsdp, rebuild);
    fw.addFile(TABLE_LOADER_FILE, files.loader, rebuild);
  };
  rebuild();
  built = false;
  fw.addBytes(FW_CFG_NUMA, "numa", numaFwCfg(config));
  fw.addBytes(FW_CFG_HPET, "hpet", hpetFwCfg());
  fw.addFile(SYSTEM_STATES_FILE, Uint8Array.from(SYSTEM_STATES));
  fw.addFile(TPM_LOG_FILE, new Uint8Array(0));
  return {
    name: "acpi-build",
    reset: () => {
      built = false;
    },
    saveState: () => ({ built }),
    loadState: (s) => {
      built = s.built;
    },
  };
}
