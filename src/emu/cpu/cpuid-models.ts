// CPU models as `--cpu NAME` chooses them: the CPUID answers QEMU 7.2's TCG gives for its models of
// the same names (read from QEMU with a ROM that dumps every leaf; test/emu/cpu/cpuid-models.test.ts
// compares them leaf for leaf), and pcscope's own default. QEMU's models set the hypervisor bit
// (CPUID.1:ECX bit 31) and answer leaf 0x40000000 with "TCGTCGTCGTCG".

import type { CpuidConfig } from "./state.ts";

/** CPUID.1:EDX bits named where pcscope's code tests them. */
export const CPUID_FPU = 1 << 0;
export const CPUID_APIC = 1 << 9;
/** CPUID.1:EDX.HTT: more than one logical processor per package (QEMU sets it with -smp > 1). */
export const CPUID_HTT = 1 << 28;
/** CPUID.1:ECX bit 31: running under a hypervisor. */
export const CPUID_HYPERVISOR = 0x80000000 | 0;

/** Leaf 2's cache and TLB descriptors for QEMU's P6-family models. */
const P6_LEAF2 = [0x00000001, 0x00000000, 0x0000004d, 0x002c307d];
/** The hypervisor signature QEMU's TCG reports at leaf 0x40000000. */
const TCG_SIGNATURE = "TCGTCGTCGTCG";

/** What a model adds to pcscope's defaults. */
type ModelFields = Omit<CpuidConfig, "vendor" | "logicalCount">;

/**
 * The models by name. "pcscope" is a minimal P6 (FPU, TSC, MSR, CX8: no CMOV, MMX or SSE) for
 * firmware that should see as little as possible; qemu32 is the default, as in QEMU.
 */
const MODELS: Record<string, ModelFields> = {
  pcscope: {
    family: 6,
    model: 1,
    stepping: 3,
    // FPU, TSC, MSR, CX8 (the PC adds APIC)
    featuresEdx: CPUID_FPU | (1 << 4) | (1 << 5) | (1 << 8),
    featuresEcx: 0,
    maxLeaf: 1,
    maxExtLeaf: 0x80000004,
    leaf2: [],
    leaf4: [],
    ext1: [0, 0, 0, 0],
    brand: "pcscope virtual CPU",
    hypervisor: "",
    qemuTopology: false,
  },
  "486": {
    family: 4,
    model: 8,
    stepping: 0,
    featuresEdx: 0x00000009,
    featuresEcx: CPUID_HYPERVISOR,
    maxLeaf: 1,
    maxExtLeaf: 0,
    leaf2: [],
    leaf4: [],
    ext1: [0, 0, 0, 0],
    brand: "",
    hypervisor: TCG_SIGNATURE,
    qemuTopology: true,
  },
  pentium: {
    family: 5,
    model: 4,
    stepping: 3,
    featuresEdx: 0x008003bd,
    featuresEcx: CPUID_HYPERVISOR,
    maxLeaf: 1,
    maxExtLeaf: 0,
    leaf2: [],
    leaf4: [],
    ext1: [0, 0, 0, 0],
    brand: "",
    hypervisor: TCG_SIGNATURE,
    qemuTopology: true,
  },
  pentium2: {
    family: 6,
    model: 5,
    stepping: 2,
    featuresEdx: 0x0183fbfd,
    featuresEcx: CPUID_HYPERVISOR,
    maxLeaf: 2,
    maxExtLeaf: 0,
    leaf2: P6_LEAF2,
    leaf4: [],
    ext1: [0, 0, 0, 0],
    brand: "",
    hypervisor: TCG_SIGNATURE,
    qemuTopology: true,
  },
  pentium3: {
    family: 6,
    model: 7,
    stepping: 3,
    featuresEdx: 0x0383fbfd,
    featuresEcx: CPUID_HYPERVISOR,
    maxLeaf: 3,
    maxExtLeaf: 0,
    leaf2: P6_LEAF2,
    leaf4: [],
    ext1: [0, 0, 0, 0],
    brand: "",
    hypervisor: TCG_SIGNATURE,
    qemuTopology: true,
  },
  qemu32: {
    family: 6,
    model: 6,
    stepping: 3,
    featuresEdx: 0x0781abfd,
    featuresEcx: CPUID_HYPERVISOR | 1, // SSE3
    maxLeaf: 4,
    maxExtLeaf: 0x80000004,
    leaf2: P6_LEAF2,
    // Deterministic cache parameters: L1d, L1i, L2, L3 (one core; the topology adds cores-1).
    leaf4: [
      [0x00000121, 0x01c0003f, 0x0000003f, 0x00000001],
      [0x00000122, 0x01c0003f, 0x0000003f, 0x00000001],
      [0x00000143, 0x03c0003f, 0x00000fff, 0x00000001],
      [0x00000163, 0x03c0003f, 0x00003fff, 0x00000006],
    ],
    ext1: [0x00000663, 0, 0, 0],
    brand: "QEMU Virtual CPU version 2.5+",
    hypervisor: TCG_SIGNATURE,
    qemuTopology: true,
  },
};

/** The models QEMU 7.2 has under the same names. */
export const QEMU_MODEL_NAMES: readonly string[] = ["486", "pentium", "pentium2", "pentium3", "qemu32"];
/** The `--cpu` names: QEMU's, and pcscope's minimal P6. */
export const CPU_MODEL_NAMES: readonly string[] = [...QEMU_MODEL_NAMES, "pcscope"];

/** The model a CPU gets without --cpu. */
export const DEFAULT_CPU_MODEL = "qemu32";

/** True when `name` is a model `--cpu` accepts. */
export function isCpuModel(name: string): boolean {
  return CPU_MODEL_NAMES.includes(name);
}

/** A fresh CPUID record for model `name` (a known name) on a machine of `cpus` logical CPUs. */
export function cpuidFor(name: string, cpus: number): CpuidConfig {
  const m = MODELS[name];
  if (m === undefined) throw new Error(`unknown CPU model ${name}`);
  return {
    ...m,
    vendor: "GenuineIntel",
    logicalCount: cpus,
    leaf2: [...m.leaf2],
    leaf4: m.leaf4.map((r) => [...r]),
    ext1: [...m.ext1],
  };
}
