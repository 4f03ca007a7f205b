// Debian's SeaBIOS booting to a boot sector in pcscope and in QEMU 7.2 over RAM sizes, vCPU counts
// and NUMA layouts, with QEMU's ACPI tables and loader script on both sides: the debug logs must be
// identical line for line (SeaBIOS now takes the tables, moves pm_base to 0x600 and sizes its zones
// as under QEMU), except for two known groups, each checked as far as it can be:
//  - lines whose addresses depend on the SMBIOS tables, which pcscope does not provide yet, so
//    SeaBIOS builds its own and its F-segment and high allocations shift (Copying MPTABLE/SMBIOS,
//    the drive structure, the UMB space): only their count must match;
//  - lines printed by concurrent SeaBIOS threads or APs (handle_smp, PS2 keyboard initialized), whose
//    order depends on timing: the same lines must appear, in any order.
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { AioContext, openImage } from "../../../src/emu/block/index.ts";
import { createPcMachine, hostVapicRom } from "../../../src/emu/machine/pc.ts";
import { MBR_ASM, nasm, qcow2With, qemuLog, SEABIOS, tempDir } from "../../firmware/seabios-helpers.ts";
import { qemuMachineArgs } from "../../helpers/fw-cfg.ts";
import { needPeers } from "../../helpers/peers.ts";

const HAVE = needPeers("seabios", "qemu-system-i386", "qemu-img", "nasm");
const MiB = 1024 * 1024;
/** Lines whose addresses move with SeaBIOS's own SMBIOS tables. */
const SMBIOS_DEPENDENT = /^(Copying (MPTABLE|SMBIOS) from |drive 0x[0-9a-f]+: |Space available for UMB: )/;
/** Lines whose position depends on thread or AP timing. */
const TIMING_DEPENDENT = /^(handle_smp: apic_id=|PS2 keyboard initialized)/;

/** One machine: RAM, vCPUs, and two NUMA nodes halving both (or none). */
interface Case {
  memMiB: number;
  cpus: number;
  numa: boolean;
}
const CASES: Case[] = [];
for (const memMiB of [32, 128, 1024]) for (const cpus of [1, 2, 8]) CASES.push({ memMiB, cpus, numa: false });
CASES.push({ memMiB: 128, cpus: 2, numa: true }, { memMiB: 1024, cpus: 8, numa: true });

/** The two NUMA nodes of a case, as pcscope's --numa options. */
function numaArgs(c: Case): string[] {
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
    optionRoms: vapic === null ? [] : [vapic],
    numa: c.numa
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

  it.each(CASES.map((c) => [`-m ${c.memMiB}M -smp ${c.cpus}${c.numa ? " (2 NUMA nodes)" : ""}`, c] as const))(
    "%s",
    (_name, c) => {
      const theirs = qemuLog(
        dir,
        disk,
        qemuMachineArgs(["-m", `${c.memMiB}M`, "-smp", String(c.cpus), ...numaArgs(c)]),
      ).split("\n");
      const ours = pcscopeLog(disk, c).split("\n");
      expect(ours).toContain("MBR: hello from the boot sector");
      expect(ours).toContain("Moving pm_base to 0x600");
      const plain = (lines: string[]) =>
        lines.filter((l) => !SMBIOS_DEPENDENT.test(l) && !TIMING_DEPENDENT.test(l));
      expect(plain(ours)).toEqual(plain(theirs));
      expect(sortedMatching(ours, TIMING_DEPENDENT)).toEqual(sortedMatching(theirs, TIMING_DEPENDENT));
      expect(ours.filter((l) => SMBIOS_DEPENDENT.test(l)).length).toBe(
        theirs.filter((l) => SMBIOS_DEPENDENT.test(l)).length,
      );
    },
    120_000,
  );
});
