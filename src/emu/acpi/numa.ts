// NUMA nodes as QEMU 7.2's `-numa node,nodeid=N,cpus=A-B,memdev=...` (pcscope spells the memory
// `mem=SIZE`) lays them out (hw/core/numa.c): node ids 0..n-1 without gaps, every node's memory
// given and summing to the RAM size, each CPU in at most one node. When no node names CPUs, each
// goes to node (socket % nodes) as x86_get_default_cpu_node_id puts it; when some do, the CPUs left
// out go to node 0 (machine_numa_finish_cpu_init). Also the legacy fw_cfg item FW_CFG_NUMA.
import { le64 } from "./aml.ts";
import type { AcpiConfig } from "./config.ts";
import { apicIdLimit } from "./config.ts";

/** QEMU's MAX_NODES. */
export const MAX_NUMA_NODES = 128;

/** One `--numa node,...` as given. */
export interface NumaNodeSpec {
  /** nodeid=; null takes the next free id, as QEMU does. */
  nodeId: number | null;
  /** CPU indexes from cpus=A-B (repeatable). */
  cpus: number[];
  /** mem=SIZE in bytes; null when not given. */
  memBytes: number | null;
}

/** The resolved layout. */
export interface NumaLayout {
  /** Memory of each node, by node id. */
  nodeMem: number[];
  /** The node of each possible CPU, by CPU index. */
  cpuNode: number[];
}

/**
 * Resolves the nodes for `possibleCpus` CPUs (in sockets `cpuSocket[i]`, default all 0) and
 * `ramBytes` of RAM. Returns the layout, null without nodes, or a one-line problem worded after
 * QEMU's messages.
 */
export function resolveNuma(
  specs: NumaNodeSpec[],
  possibleCpus: number,
  ramBytes: number,
  cpuSocket: number[] = [],
): NumaLayout | null | string {
  if (specs.length === 0) return null;
  if (specs.length > MAX_NUMA_NODES) return `Max number of NUMA nodes reached: ${MAX_NUMA_NODES}`;
  const mem = new Map<number, number | null>();
  const cpuNode = new Array<number | null>(possibleCpus).fill(null);
  let nextId = 0;
  for (const spec of specs) {
    const id = spec.nodeId ?? nextId;
    if (id >= MAX_NUMA_NODES) return `Invalid NUMA nodeid=${id}: the largest is ${MAX_NUMA_NODES - 1}`;
    if (mem.has(id)) return `Duplicate NUMA nodeid: ${id}`;
    mem.set(id, spec.memBytes);
    nextId = Math.max(nextId, id + 1);
    for (const cpu of spec.cpus) {
      if (cpu >= possibleCpus) return `CPU index (${cpu}) should be smaller than maxcpus (${possibleCpus})`;
      const had = cpuNode[cpu];
      if (had !== null && had !== id) return `CPU ${cpu} is already assigned to node-id: ${had}`;
      cpuNode[cpu] = id;
    }
  }
  const nodes = mem.size;
  for (let id = 0; id < nodes; id++) if (!mem.has(id)) return `numa: Node ID missing: ${id}`;
  const sizes = [...Array(nodes).keys()].map((id) => mem.get(id) ?? null);
  const given = sizes.filter((s) => s !== null).length;
  if (given !== 0 && given !== nodes) return "mem= must be given for either all or no NUMA nodes";
  const total = sizes.reduce((a: number, s) => a + (s ?? 0), 0);
  if (total !== ramBytes) {
    return `total memory for NUMA nodes (0x${total.toString(16)}) should equal RAM size (0x${ramBytes.toString(16)})`;
  }
  // No CPU named anywhere: the board's default mapping; otherwise the CPUs left out go to node 0.
  const anyNamed = cpuNode.some((n) => n !== null);
  return {
    nodeMem: sizes.map((s) => s ?? 0),
    cpuNode: cpuNode.map((n, i) => n ?? (anyNamed ? 0 : (cpuSocket[i] ?? 0) % nodes)),
  };
}

/**
 * FW_CFG_NUMA: the node count, then each APIC ID's node (up to the APIC ID limit), then each
 * node's memory size, all 64-bit little-endian.
 */
export function numaFwCfg(config: AcpiConfig): Uint8Array {
  const limit = apicIdLimit(config);
  const byApic = new Array<number>(limit).fill(0);
  for (const cpu of config.cpus) byApic[cpu.apicId] = cpu.node;
  return Uint8Array.from([
    ...le64(config.numaNodes.length),
    ...byApic.flatMap((n) => le64(n)),
    ...config.numaNodes.flatMap((m) => le64(m)),
  ]);
}
