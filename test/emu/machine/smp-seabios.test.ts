// SeaBIOS with many vCPUs, QEMU 7.2's topologies and a hot-plug region: every AP answers the
// INIT-SIPI-SIPI broadcast, SeaBIOS counts the CPUs and the APIC ID limit as under QEMU ("Found N
// cpu(s) max supported M cpu(s)"), builds an MP table of QEMU's size (one entry per package under
// qemu32, whose CPUID reports the package's logical CPUs), finds QEMU's SMBIOS and ACPI tables, and
// its whole debug log is QEMU's. More sizes: pc-matrix.stress.test.ts.
import { beforeAll, describe, it } from "vitest";
import { MBR_ASM, nasm, qcow2With, tempDir } from "../../firmware/seabios-helpers.ts";
import { needPeers } from "../../helpers/peers.ts";
import { type Case, checkSeabios, GiB, MiB, mem } from "./qemu-compare.ts";

const MACHINES: Case[] = [
  { m: "32", smp: "255", options: mem(32 * MiB) },
  {
    m: "64,slots=2,maxmem=1G",
    smp: "3,maxcpus=8,sockets=2,cores=2,threads=2",
    options: mem(64 * MiB, 2, GiB),
  },
  { m: "128", smp: "4,dies=2", options: mem(128 * MiB) },
];

describe.skipIf(!needPeers("seabios", "qemu-system-i386", "qemu-img", "nasm"))(
  "SeaBIOS's CPU count and MP table with QEMU's topologies",
  () => {
    let dir: string;
    let disk: string;
    beforeAll(() => {
      dir = tempDir();
      disk = qcow2With(dir, "mbr", nasm(dir, MBR_ASM));
    });
    for (const c of MACHINES) {
      it(
        `-m ${c.m} -smp ${c.smp}: QEMU's debug log, and the boot sector runs`,
        () => checkSeabios(disk, dir, c),
        240_000,
      );
    }
  },
);
