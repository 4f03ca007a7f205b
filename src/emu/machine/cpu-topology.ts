// The CPU topology of QEMU 7.2's `-smp [cpus=]N[,maxcpus=M][,sockets=S][,dies=D][,cores=C][,threads=T]`
// on the pc machine: the values left out are derived as machine_parse_smp_config does since 6.2
// (cores preferred over sockets), the result is checked with QEMU's messages, and each CPU index
// gets the APIC ID x86_topo_ids_from_idx gives it (package, die, core and thread fields, each as
// wide as its count needs). The first `cpus` of the `maxCpus` possible CPUs are present at boot.
import { ConfigError } from "./config.ts";

/** QEMU 7.2's pc-i440fx machine accepts at most this many CPUs (MachineClass max_cpus). */
export const PC_MAX_CPUS = 255;
/** APIC IDs must stay below this without x2APIC (QEMU's x86_cpus_init check under TCG). */
export const XAPIC_ID_LIMIT = 255;
/** The machine name QEMU's messages give. */
const MACHINE_NAME = "pc-i440fx-7.2";

/** `-smp` as given: a value left out is undefined. */
export interface SmpConfig {
  cpus?: number;
  maxcpus?: number;
  sockets?: number;
  dies?: number;
  cores?: number;
  threads?: number;
}

/** The keys `-smp` takes (clusters exist in QEMU but the pc machine accepts only 1). */
export const SMP_KEYS = ["cpus", "maxcpus", "sockets", "dies", "clusters", "cores", "threads"] as const;

/** A complete topology. */
export interface CpuTopology {
  /** CPUs present at power-on (QEMU's smp.cpus, the boot CPUs). */
  cpus: number;
  /** Possible CPUs (present plus hot-pluggable). */
  maxCpus: number;
  sockets: number;
  dies: number;
  cores: number;
  threads: number;
}

/** Bits an ID field needs for `count` values (QEMU's apicid_bitwidth_for_count). */
function bitWidth(count: number): number {
  return count <= 1 ? 0 : 32 - Math.clz32(count - 1);
}

/** "sockets (S) * dies (D) * cores (C) * threads (T)", as QEMU's cpu_hierarchy_to_string on x86. */
function hierarchy(t: CpuTopology): string {
  return `sockets (${t.sockets}) * dies (${t.dies}) * cores (${t.cores}) * threads (${t.threads})`;
}

/**
 * Completes `config` as QEMU 7.2 does for the pc machine and checks it. Throws ConfigError worded
 * as QEMU's error (zero counts, which QEMU 7.2 only warns about before ignoring them, are refused).
 */
export function resolveTopology(config: SmpConfig & { clusters?: number }): CpuTopology {
  for (const key of SMP_KEYS) {
    const v = config[key];
    if (v === undefined) continue;
    if (!Number.isSafeInteger(v) || v < 0) throw new ConfigError(`Parameter 'smp.${key}' expects integer`);
    if (v === 0)
      throw new ConfigError("Invalid CPU topology: CPU topology parameters must be greater than zero");
  }
  if ((config.clusters ?? 1) > 1)
    throw new ConfigError("clusters not supported by this machine's CPU topology");
  const dies = config.dies ?? 1;
  let { cpus = 0, maxcpus = 0, sockets = 0, cores = 0, threads = 0 } = config;
  if (cpus === 0 && maxcpus === 0) {
    sockets ||= 1;
    cores ||= 1;
    threads ||= 1;
  } else {
    maxcpus ||= cpus;
    if (cores === 0) {
      sockets ||= 1;
      threads ||= 1;
      cores = Math.floor(maxcpus / (sockets * dies * threads));
    } else if (sockets === 0) {
      threads ||= 1;
      sockets = Math.floor(maxcpus / (dies * cores * threads));
    }
    if (threads === 0) threads = Math.floor(maxcpus / (sockets * dies * cores));
  }
  maxcpus ||= sockets * dies * cores * threads;
  cpus ||= maxcpus;
  const topo: CpuTopology = { cpus, maxCpus: maxcpus, sockets, dies, cores, threads };
  if (sockets * dies * cores * threads !== maxcpus) {
    throw new ConfigError(
      `Invalid CPU topology: product of the hierarchy must match maxcpus: ${hierarchy(topo)} != maxcpus (${maxcpus})`,
    );
  }
  if (maxcpus < cpus) {
    throw new ConfigError(
      `Invalid CPU topology: maxcpus must be equal to or greater than smp: ${hierarchy(topo)} == maxcpus (${maxcpus}) < smp_cpus (${cpus})`,
    );
  }
  if (maxcpus > PC_MAX_CPUS) {
    throw new ConfigError(
      `Invalid SMP CPUs ${maxcpus}. The max CPUs supported by machine '${MACHINE_NAME}' is ${PC_MAX_CPUS}`,
    );
  }
  if (apicIdLimit(topo) > XAPIC_ID_LIMIT)
    throw new ConfigError("current -smp configuration requires kernel irqchip and X2APIC API support.");
  return topo;
}

/** The APIC ID of CPU `index` (0 = the boot CPU), as QEMU's x86_apicid_from_topo_ids. */
export function apicIdOf(t: CpuTopology, index: number): number {
  const threadBits = bitWidth(t.threads);
  const coreBits = bitWidth(t.cores);
  const dieBits = bitWidth(t.dies);
  const thread = index % t.threads;
  const core = Math.floor(index / t.threads) % t.cores;
  const die = Math.floor(index / (t.threads * t.cores)) % t.dies;
  const pkg = Math.floor(index / (t.threads * t.cores * t.dies));
  return (
    pkg * 2 ** (dieBits + coreBits + threadBits) +
    die * 2 ** (coreBits + threadBits) +
    core * 2 ** threadBits +
    thread
  );
}

/** One more than the highest possible APIC ID (QEMU's apic_id_limit: fw_cfg's FW_CFG_MAX_CPUS). */
export function apicIdLimit(t: CpuTopology): number {
  return apicIdOf(t, t.maxCpus - 1) + 1;
}

/** Logical CPUs in one package (socket). */
export function logicalPerPackage(t: CpuTopology): number {
  return t.dies * t.cores * t.threads;
}

/**
 * The logical CPU count CPUID.1:EBX[23:16] reports: QEMU 7.2's nr_cores * nr_threads, where
 * nr_cores is the cores of one die (with dies=2 it reports half the package, which SeaBIOS's MP
 * table then follows).
 */
export function cpuidLogicalCount(t: CpuTopology): number {
  return t.cores * t.threads;
}

/**
 * Parses `-smp`'s text: `N` or `cpus=N` and the other keys, comma separated, as QEMU's keyval
 * parser reads them. Throws ConfigError with QEMU's wording for an unknown key or a non-integer.
 */
export function parseSmp(text: string): SmpConfig & { clusters?: number } {
  const out: Record<string, number> = {};
  text.split(",").forEach((part, i) => {
    const eq = part.indexOf("=");
    const key = eq < 0 && i === 0 ? "cpus" : part.slice(0, eq < 0 ? part.length : eq);
    const value = eq < 0 ? (i === 0 ? part : "") : part.slice(eq + 1);
    if (!(SMP_KEYS as readonly string[]).includes(key))
      throw new ConfigError(`Parameter 'smp.${key}' is unexpected`);
    if (!/^\s*\d+\s*$/.test(value)) throw new ConfigError(`Parameter 'smp.${key}' expects integer`);
    out[key] = Number(value);
  });
  return out;
}
