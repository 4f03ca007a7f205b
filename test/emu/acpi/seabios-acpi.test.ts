// Debian's SeaBIOS booting to a boot sector in pcscope and in QEMU 7.2 (both with QEMU's default
// CPU model, qemu32) over RAM sizes, vCPU counts and NUMA layouts, with QEMU's ACPI tables, loader
// script and the other fw_cfg files on both sides: the debug logs must be identical line for line
// (SeaBIOS takes the tables, moves pm_base to 0x600, and every allocation lands where it does under
// QEMU). The one exception is the order of lines printed by APs or concurrent SeaBIOS threads (the
// keyboard's, the ATA drive's): QEMU's timers run on host time, so under load its own order varies;
// the same lines must appear, in any order.
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { AioContext, openImage } from "../../../src/emu/block/index.ts";
import { createPcMachine, hostVapicRom } from "../../../src/emu/machine/pc.ts";
import { MBR_ASM, nasm, qcow2With, qemuLog, SEABIOS, tempDir } from "../../firmware/seabios-helpers.ts";
import { qemuMachineArgs } from "../../helpers/fw-cfg.ts";
import { needPeers } from "../../helpers/peers.ts";

const HAVE = needPeers("seabios", "qemu-system-i386", "qemu-img", "nasm");
const MiB = 1024 * 1024;
/** Lines whose position depends on AP or thread timing. */
const TIMED_LINE =
  /^(handle_smp: apic_id=|PS2 keyboard initialized|ata\d-\d: |Searching bootorder for: \/pci@i0cf8\/\*@1,1\/drive@)/;

/** One machine: RAM, vCPUs, and two NUMA nodes halving both (or none). */
interface Case {
  memMiB: number;
  cpus: number;
  numa: boolean;
  /** DIMM slots with maxmem 1 GiB (QEMU's -m SIZE,slots=2,maxmem=1G). */
  hotplug?: boolean;
  /**
   * Seed 001's memory options instead: -m 4G,slots=16,maxmem=16G -numa node,nodeid=0,cpus=0, the
   * node's memory given (QEMU 7.2's pc, unlike the seed's pc-i440fx-2.6, no longer gives a node
   * without mem= the RAM itself: "total memory for NUMA nodes (0x0) should equal RAM size").
   */
  seed?: boolean;
}
const CASES: Case[] = [];
for (const memMiB of [32, 128, 1024]) for (const cpus of [1, 2, 8]) CASES.push({ memMiB, cpus, numa: false });
CASES.push({ memMiB: 128, cpus: 2, numa: true }, { memMiB: 1024, cpus: 8, numa: true });
// The most RAM below 4 GiB: 3582 MiB (just under QEMU's 3.5 GiB split) with NUMA.
CASES.push({ memMiB: 3582, cpus: 8, numa: true });
CASES.push(
  { memMiB: 128, cpus: 2, numa: false, hotplug: true },
  { memMiB: 128, cpus: 2, numa: true, hotplug: true },
);
// RAM above 4 GiB: seed 001's options, and 5 GiB with 2 vCPUs (3 GiB below 4 GiB, as -m 3072M has).
CASES.push({ memMiB: 4096, cpus: 1, numa: false, seed: true }, { memMiB: 5120, cpus: 2, numa: false });

/** -m's value for a case. */
function memArg(c: Case): string {
  if (c.seed) return `${c.memMiB}M,slots=16,maxmem=16G`;
  return `${c.memMiB}M${c.hotplug ? ",slots=2,maxmem=1G" : ""}`;
}

/** The NUMA nodes of a case, as pcscope's --numa options. */
function numaArgs(c: Case): string[] {
  if (c.seed) return ["--numa", `node,nodeid=0,cpus=0,mem=${c.memMiB}M`];
  if (!c.numa) return [];
  const half = c.cpus / 2;
  return [
    "--numa",
    `node,nodeid=0,cpus=0-${half - 1},mem=${c.memMiB / 2}M`,
    "--numa",
    `node,nodeid=1,cpus=${half}-${c.cpus - 1},mem=${c.memMiB / 2}M`,
  ];
}

/** Boots SeaBIOS on pcscope's PC; returns the debug log. */
function pcscopeLog(disk: string, c: Case): string {
  const aio = new AioContext("sync");
  const vapic = hostVapicRom();
  const half = c.cpus / 2;
  const m = createPcMachine({
    bios: readFileSync(SEABIOS),
    memBytes: c.memMiB * MiB,
    debugcons: [{ port: 0x402, sink: null }],
    debugExit: { port: 0xf4, size: 1 },
    drives: [
      { index: 0, media: "disk", backend: openImage(disk, { ctx: aio, readOnly: true, lock: false }) },
    ],
    aio,
    cpus: c.cpus,
    cpuModel: "qemu32",
    ...(c.hotplug ? { memSlots: 2, maxMemBytes: 1024 * MiB } : {}),
    ...(c.seed ? { memSlots: 16, maxMemBytes: 16384 * MiB } : {}),
    optionRoms: vapic === null ? [] : [vapic],
    numa: c.seed
      ? [{ nodeId: 0, cpus: [0], memBytes: c.memMiB * MiB }]
      : c.numa
        ? [
            { nodeId: 0, cpus: [...Array(half).keys()], memBytes: (c.memMiB / 2) * MiB },
            { nodeId: 1, cpus: [...Array(half).keys()].map((i) => half + i), memBytes: (c.memMiB / 2) * MiB },
          ]
        : [],
  });
  for (let i = 0; i < 40; i++) {
    const ev = m.run(5_000_000);
    if (ev.kind !== "budget" && ev.kind !== "reset") break;
  }
  return m.debugcons[0]!.text();
}

/** The lines of a log matching `re`, sorted. */
function sortedMatching(lines: string[], re: RegExp): string[] {
  return lines.filter((l) => re.test(l)).sort();
}

describe.skipIf(!HAVE)("SeaBIOS with QEMU's ACPI tables, pcscope vs QEMU 7.2", () => {
  let dir: string;
  let disk: string;

  beforeAll(() => {
    dir = tempDir();
    disk = qcow2With(dir, "mbr", nasm(dir, MBR_ASM));
  }, 60_000);

  it.each(
    CASES.map(
      (c) =>
        [
          `-m ${memArg(c)} -smp ${c.cpus}${c.numa ? " (2 NUMA nodes)" : ""}${c.seed ? " -numa node,nodeid=0,cpus=0,mem=4G (seed 001)" : ""}`,
          c,
        ] as const,
    ),
  )(
    "%s",
    (_name, c) => {
      const theirs = qemuLog(
        dir,
        disk,
        qemuMachineArgs(["-m", memArg(c), "-smp", String(c.cpus), ...numaArgs(c)]),
      ).split("\n");
      const ours = pcscopeLog(disk, c).split("\n");
      expect(ours).toContain("MBR: hello from the boot sector");
      expect(ours).toContain("Moving pm_base to 0x600");
      const inOrder = (lines: string[]) => lines.filter((l) => !TIMED_LINE.test(l));
      expect(inOrder(ours)).toEqual(inOrder(theirs));
      expect(sortedMatching(ours, TIMED_LINE)).toEqual(sortedMatching(theirs, TIMED_LINE));
    },
    120_000,
  );
});
