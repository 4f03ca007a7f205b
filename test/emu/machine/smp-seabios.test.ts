// SeaBIOS with many vCPUs and QEMU 7.2's topologies: every AP answers the INIT-SIPI-SIPI broadcast,
// SeaBIOS counts the CPUs and the APIC ID limit exactly as under QEMU ("Found N cpu(s) max supported
// M cpu(s)"), builds an MP table of QEMU's size (one entry per package under qemu32, whose CPUID
// reports the package's logical CPUs) and still reaches the boot sector.
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { AioContext, openImage } from "../../../src/emu/block/index.ts";
import { parseSmp } from "../../../src/emu/machine/cpu-topology.ts";
import { createPcMachine } from "../../../src/emu/machine/pc.ts";
import { MBR_ASM, nasm, qcow2With, qemuLog, SEABIOS, tempDir } from "../../firmware/seabios-helpers.ts";
import { needPeers } from "../../helpers/peers.ts";

/** The SeaBIOS lines compared: the CPU count and the MP table's size and place. */
const COMPARED = /^(Found \d+ cpu\(s\)|Copying MPTABLE|MBR: )/;

/** pcscope's SeaBIOS log with `-smp spec` under qemu32, run until the MBR exits. */
function pcscopeLog(disk: string, spec: string): { kind: string; log: string } {
  const aio = new AioContext("sync");
  const m = createPcMachine({
    bios: readFileSync(SEABIOS),
    cpus: parseSmp(spec),
    cpuModel: "qemu32",
    debugcons: [{ port: 0x402, sink: null }],
    debugExit: { port: 0xf4, size: 1 },
    drives: [
      { index: 0, media: "disk", backend: openImage(disk, { ctx: aio, readOnly: true, lock: false }) },
    ],
    aio,
  });
  let kind = "budget";
  for (let i = 0; i < 20 && (kind === "budget" || kind === "reset"); i++) kind = m.run(5_000_000).kind;
  return { kind, log: m.debugcons[0]!.text() };
}

/**
 * The compared lines. The MP table's temporary copy in high memory is left out: its address follows
 * the ACPI tables SeaBIOS allocated before it, which are not this test's subject.
 */
const compared = (log: string) =>
  log
    .split("\n")
    .filter((l) => COMPARED.test(l))
    .map((l) => l.replace(/(MPTABLE from 0x[0-9a-f]+)\/[0-9a-f]+/, "$1"));

/** Checks `-smp spec` on both machines. */
export function checkSmp(disk: string, dir: string, spec: string): void {
  const qemu = compared(qemuLog(dir, disk, ["-smp", spec, "-cpu", "qemu32"]));
  const ours = pcscopeLog(disk, spec);
  expect(ours.kind).toBe("exit");
  expect(qemu.some((l) => l.startsWith("Found "))).toBe(true);
  expect(compared(ours.log)).toEqual(qemu);
}

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
