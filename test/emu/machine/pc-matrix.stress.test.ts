// The PC's sizes against QEMU 7.2 over the whole matrix (issue 14): fw_cfg items and SMBIOS for
// memory from 32 MiB to 20 GiB with and without a hot-plug region, times 1 to 255 vCPUs and
// topology variants; and SeaBIOS's whole debug log, booting to the MBR, at 1, 2, 16, 78 and 255
// vCPUs, one package per CPU (where SeaBIOS's MP table grows, seed 000), threads, dies, hot-plug.
// `npm test` runs the first case of each list; `npm run stress N pc-matrix` the first N.
import { beforeAll, describe, it } from "vitest";
import { MBR_ASM, nasm, qcow2With, tempDir } from "../../firmware/seabios-helpers.ts";
import { needPeers } from "../../helpers/peers.ts";
import { stressCount } from "../../helpers/stress.ts";
import { type Case, checkLarge, checkMachine, checkSeabios, GiB, MiB, mem } from "./qemu-compare.ts";

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
  "3,maxcpus=64,sockets=4,cores=16",
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
  ["3T", 3072 * GiB, 0, 3072 * GiB],
  ["3G,slots=256,maxmem=1T", 3 * GiB, 256, 1024 * GiB],
];
const SEABIOS: Case[] = [
  { m: "32", smp: "78", options: mem(32 * MiB) },
  { m: "128", smp: "sockets=78", options: mem(128 * MiB) },
  { m: "1G", smp: "1", options: mem(GiB) },
  { m: "2000", smp: "2", options: mem(2000 * MiB) },
  { m: "32", smp: "16", options: mem(32 * MiB) },
  { m: "64,slots=4,maxmem=2G", smp: "sockets=16", options: mem(64 * MiB, 4, 2 * GiB) },
  { m: "256", smp: "sockets=255", options: mem(256 * MiB) },
  { m: "512", smp: "12,threads=2,cores=3", options: mem(512 * MiB) },
  { m: "32", smp: "4,dies=2", options: mem(32 * MiB) },
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
    for (const c of SEABIOS.slice(0, COUNT)) {
      it(`SeaBIOS -m ${c.m} -smp ${c.smp}`, () => checkSeabios(disk, dir, c), 300_000);
    }
  },
);
