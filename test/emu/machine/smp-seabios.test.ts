// SeaBIOS with many vCPUs and QEMU 7.2's topologies: every AP answers the INIT-SIPI-SIPI broadcast,
// SeaBIOS counts the CPUs and the APIC ID limit exactly as under QEMU ("Found N cpu(s) max supported
// M cpu(s)"), builds an MP table of QEMU's size (one entry per package under qemu32, whose CPUID
// reports the package's logical CPUs) and still reaches the boot sector. More counts and
// topologies: pc-matrix.stress.test.ts.
import { beforeAll, describe, it } from "vitest";
import { MBR_ASM, nasm, qcow2With, tempDir } from "../../firmware/seabios-helpers.ts";
import { needPeers } from "../../helpers/peers.ts";
import { checkSmp } from "./qemu-compare.ts";

describe.skipIf(!needPeers("seabios", "qemu-system-i386", "qemu-img", "nasm"))(
  "SeaBIOS's CPU count and MP table with QEMU's topologies",
  () => {
    let dir: string;
    let disk: string;
    beforeAll(() => {
      dir = tempDir();
      disk = qcow2With(dir, "mbr", nasm(dir, MBR_ASM));
    });
    for (const spec of ["255", "3,maxcpus=8,sockets=2,cores=2,threads=2"]) {
      it(`-smp ${spec}: the same lines as under QEMU, and the boot sector runs`, () => {
        checkSmp(disk, dir, spec);
      }, 120_000);
    }
  },
);
