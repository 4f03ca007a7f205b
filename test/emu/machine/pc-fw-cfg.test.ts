// The fw_cfg items of the PC that come from -m and -smp, as QEMU 7.2 gives them (qemu-compare.ts):
// a few machines pcscope runs (RAM above 4 GiB from 3584M on, seed 001's options among them), and
// RAM sizes beyond what it runs through the same layout and SMBIOS functions. The full matrix is
// pc-matrix.stress.test.ts.
import { describe, it } from "vitest";
import { needPeers } from "../../helpers/peers.ts";
import { type Case, checkLarge, checkMachine, GiB, MiB, mem } from "./qemu-compare.ts";

const MACHINES: Case[] = [
  { m: "32", smp: "1", options: mem(32 * MiB) },
  { m: "64", smp: "sockets=20", options: mem(64 * MiB) },
  { m: "1G", smp: "2", options: mem(GiB) },
  { m: "128", smp: "3,maxcpus=8,sockets=2,cores=2,threads=2", options: mem(128 * MiB) },
  { m: "256", smp: "255", options: mem(256 * MiB) },
  { m: "1G,slots=4,maxmem=8G", smp: "4,dies=2", options: mem(GiB, 4, 8 * GiB) },
  { m: "3G", smp: "2", options: mem(3 * GiB) },
  { m: "3583", smp: "1", options: mem(3583 * MiB) },
  { m: "3584", smp: "1", options: mem(3.5 * GiB) },
  { m: "4G,slots=2,maxmem=6G", smp: "1", options: mem(4 * GiB, 2, 6 * GiB) },
  // Seed 001 (the node's mem= given, as QEMU 7.2's pc requires).
  {
    m: "size=4194304k,slots=16,maxmem=16777216k",
    smp: "1",
    options: { ...mem(4 * GiB, 16, 16 * GiB), numa: [{ nodeId: 0, cpus: [0], memBytes: 4 * GiB }] },
    qemu: ["-object", "memory-backend-ram,id=m0,size=4G", "-numa", "node,nodeid=0,cpus=0,memdev=m0"],
  },
];

/** RAM sizes beyond what pcscope runs: -m value and bytes, slots, maxmem. */
const LARGE: [string, number, number, number][] = [["20G", 20 * GiB, 0, 20 * GiB]];

describe.skipIf(!needPeers("qemu-system-i386", "nasm"))(
  "the PC's fw_cfg items as QEMU 7.2 gives them",
  () => {
    for (const c of MACHINES) {
      it(`-m ${c.m} -smp ${c.smp}: the same items`, () => checkMachine(c), 60_000);
    }
    for (const c of LARGE) {
      it(`-m ${c[0]}: the same e820, SMBIOS and reserved-memory-end`, () => checkLarge(c), 60_000);
    }
  },
);
