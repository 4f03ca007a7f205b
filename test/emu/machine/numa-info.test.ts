// `info numa` on the PC against QEMU 7.2's HMP command for the same -m, -smp and -numa options:
// seed 001's node over RAM above 4 GiB, two nodes with CPUs left out and hot-pluggable CPUs, the
// implicit node of a hot-plug region, and no NUMA at all.
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import type { NumaNodeSpec } from "../../../src/emu/acpi/numa.ts";
import { parseSmp } from "../../../src/emu/machine/cpu-topology.ts";
import { createPcMachine } from "../../../src/emu/machine/pc.ts";
import { needPeers } from "../../helpers/peers.ts";

const MiB = 2 ** 20;

/** QEMU's `info numa` lines for `args` (stopped at reset, the monitor on stdio). */
function qemuInfoNuma(args: string[]): string {
  const r = spawnSync(
    "qemu-system-i386",
    ["-nodefaults", "-display", "none", "-M", "pc", "-S", "-monitor", "stdio", ...args],
    { input: "info numa\nquit\n", encoding: "latin1", timeout: 20_000 },
  );
  const lines = r.stdout.split(/\r?\n/).filter((l) => /^(\d+ nodes|node \d+ (cpus:|size:|plugged:))/.test(l));
  return `${lines.join("\n")}\n`;
}

/** One machine: QEMU's options and the same as PcOptions. */
interface Case {
  name: string;
  qemu: string[];
  memBytes: number;
  smp: string;
  memSlots?: number;
  maxMemBytes?: number;
  numa: NumaNodeSpec[];
}

const CASES: Case[] = [
  {
    name: "seed 001: -m 4G,slots=16,maxmem=16G, one node",
    qemu: ["-m", "4G,slots=16,maxmem=16G", "-object", "memory-backend-ram,id=m0,size=4G"],
    memBytes: 4096 * MiB,
    smp: "1",
    memSlots: 16,
    maxMemBytes: 16384 * MiB,
    numa: [{ nodeId: 0, cpus: [0], memBytes: 4096 * MiB }],
  },
  {
    name: "two nodes, CPU 4 possible but not present, CPU 5 in no node",
    qemu: [
      "-m",
      "128M",
      "-smp",
      "4,maxcpus=6",
      ...["-object", "memory-backend-ram,id=m0,size=64M", "-object", "memory-backend-ram,id=m1,size=64M"],
    ],
    memBytes: 128 * MiB,
    smp: "4,maxcpus=6",
    numa: [
      { nodeId: 0, cpus: [0, 1, 4], memBytes: 64 * MiB },
      { nodeId: 1, cpus: [2, 3], memBytes: 64 * MiB },
    ],
  },
  {
    name: "a hot-plug region and no node",
    qemu: ["-m", "128M,slots=2,maxmem=1G", "-smp", "2"],
    memBytes: 128 * MiB,
    smp: "2",
    memSlots: 2,
    maxMemBytes: 1024 * MiB,
    numa: [],
  },
  { name: "no NUMA", qemu: ["-m", "128M"], memBytes: 128 * MiB, smp: "1", numa: [] },
];

/** QEMU's -numa options for a case's nodes (memdev mN, made by the case's -object). */
function numaArgs(nodes: NumaNodeSpec[]): string[] {
  return nodes.flatMap((n, i) => [
    "-numa",
    `node,nodeid=${n.nodeId},${n.cpus.map((c) => `cpus=${c}`).join(",")},memdev=m${i}`,
  ]);
}

describe.skipIf(!needPeers("qemu-system-i386"))("info numa, as QEMU 7.2 prints it", () => {
  it.each(CASES.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    const m = createPcMachine({
      bios: new Uint8Array(64 * 1024),
      memBytes: c.memBytes,
      cpus: parseSmp(c.smp),
      memSlots: c.memSlots ?? 0,
      maxMemBytes: c.maxMemBytes ?? c.memBytes,
      numa: c.numa,
    });
    const theirs = qemuInfoNuma([...c.qemu, ...numaArgs(c.numa)]);
    expect(theirs).toMatch(/^\d+ nodes\n/);
    expect(m.monitorInfo("numa")).toBe(theirs);
  });
});
