// The PC's sizes against QEMU 7.2 over the whole matrix (issue 14): fw_cfg items and SMBIOS for
// memory from 32 MiB to 20 GiB with and without a hot-plug region, times 1 to 255 vCPUs and
// topology variants; and SeaBIOS's CPU count and MP table, booting to the MBR, at 1, 2, 16, 78 and
// 255 vCPUs, one package per CPU (where SeaBIOS's MP table grows, seed 000) and threads/dies.
// `npm test` runs the first case of each list; `npm run stress N pc-matrix` the first N.
import { beforeAll, describe, it } from "vitest";
import { MBR_ASM, nasm, qcow2With, tempDir } from "../../firmware/seabios-helpers.ts";
import { needPeers } from "../../helpers/peers.ts";
import { stressCount } from "../../helpers/stress.ts";
import { type Case, checkLarge, checkMachine, checkSmp, GiB, MiB, mem } from "./qemu-compare.ts";

const COUNT = stressCount(1);

const SMP = [
  "1",
  "2",
  "16",
  "78",
  "255",
  "sockets=78",
  "16,threads=2",
  "8,dies=2,threads=2",
  "sockets=85,cores=3,maxcpus=255,cpus=3",
];
const MEMORY: [string, Partial<Case["options"]>][] = [
  ["32", mem(32 * MiB)],
  ["1G", mem(GiB)],
  ["2000", mem(2000 * MiB)],
  ["64,slots=2,maxmem=4G", mem(64 * MiB, 2, 4 * GiB)],
];
const MACHINES: Case[] = MEMORY.flatMap(([m, options]) => SMP.map((smp) => ({ m, smp, options })));
const LARGE: [string, number, number, number][] = [
  ["4G", 4 * GiB, 0, 4 * GiB],
  ["3G", 3 * GiB, 0, 3 * GiB],
  ["3583", 3583 * MiB, 0, 3583 * MiB],
  ["16G", 16 * GiB, 0, 16 * GiB],
  ["33G", 33 * GiB, 0, 33 * GiB],
  ["3G,slots=256,maxmem=1T", 3 * GiB, 256, 1024 * GiB],
];
const SEABIOS_SMP = [
  "78",
  "sockets=78",
  "1",
  "2",
  "16",
  "sockets=16",
  "255,sockets=5,cores=51",
  "12,threads=2,cores=3",
  "4,dies=2",
];

describe.skipIf(!needPeers("qemu-system-i386", "nasm", "seabios", "qemu-img"))(
  "the PC's sizes as QEMU 7.2's",
  () => {
    for (const c of MACHINES.slice(0, COUNT)) {
      it(`fw_cfg -m ${c.m} -smp ${c.smp}`, () => checkMachine(c), 120_000);
    }
    for (const c of LARGE.slice(0, COUNT)) {
      it(`fw_cfg -m ${c[0]} (beyond what pcscope allocates)`, () => checkLarge(c), 120_000);
    }
    let dir: string;
    let disk: string;
    beforeAll(() => {
      dir = tempDir();
      disk = qcow2With(dir, "mbr", nasm(dir, MBR_ASM));
    });
    for (const spec of SEABIOS_SMP.slice(0, COUNT)) {
      it(`SeaBIOS -smp ${spec}`, () => checkSmp(disk, dir, spec), 300_000);
    }
  },
);
