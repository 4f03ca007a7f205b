// The fw_cfg items of the PC that come from -m and -smp, as QEMU 7.2 gives them (qemu-compare.ts):
// a few machines pcscope runs (up to 3583M, the most RAM QEMU keeps below 4 GiB), and RAM sizes
// beyond what it allocates through the same layout and SMBIOS functions. The full matrix is pc-matrix.stress.test.ts.
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
];

/** RAM sizes beyond what pcscope allocates: -m value and bytes, slots, maxmem. */
const LARGE: [string, number, number, number][] = [
  ["3584", 3.5 * GiB, 0, 3.5 * GiB],
  ["20G", 20 * GiB, 0, 20 * GiB],
  ["4G,slots=2,maxmem=6G", 4 * GiB, 2, 6 * GiB],
];

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
