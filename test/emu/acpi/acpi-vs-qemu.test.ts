// The ACPI build against QEMU 7.2's, byte for byte: etc/acpi/tables, etc/acpi/rsdp,
// etc/table-loader and the items describing the same hardware (FW_CFG_NUMA, FW_CFG_HPET,
// etc/system-states), read by the fw_cfg dump ROM under both over a matrix of RAM sizes, vCPU
// counts (up to 3 GiB, the most RAM QEMU keeps below 4 GiB being 3583M), NUMA layouts and DIMM
// slots; and machines with RAM above 4 GiB, with nodes across the PCI hole.
import { describe, expect, it } from "vitest";
import { memSizeProblem } from "../../../src/emu/machine/limits.ts";
import { compareFwCfg, diffFileBytes, type FwCfgDump, fwCfgFile } from "../../helpers/fw-cfg.ts";
import { needPeers } from "../../helpers/peers.ts";
import { makeLimiter } from "../../helpers/roms.ts";

const HAVE = needPeers("qemu-system-i386", "nasm");
const MiB = 1024 * 1024;
const ACPI_FILES = ["etc/acpi/tables", "etc/acpi/rsdp", "etc/table-loader", "etc/system-states"];
const LEGACY_KEYS = [0x0d /* NUMA */, 0x8004 /* HPET */];

/** One machine of the matrix. */
interface Case {
  memMiB: number;
  cpus: number;
  /** Two nodes splitting RAM and CPUs in halves (the second gets no CPU with one vCPU). */
  numa: boolean;
  /** DIMM slots and maxmem (QEMU's -m SIZE,slots=N,maxmem=SIZE). */
  hotplug?: { slots: number; maxMiB: number };
}

/** pcscope's options for a case. */
function args(c: Case): string[] {
  const mem =
    c.hotplug === undefined
      ? `${c.memMiB}M`
      : `${c.memMiB}M,slots=${c.hotplug.slots},maxmem=${c.hotplug.maxMiB}M`;
  const out = ["-m", mem, "-smp", String(c.cpus)];
  if (c.numa) {
    const half = Math.ceil(c.cpus / 2);
    const second = c.cpus > 1 ? `,cpus=${half}-${c.cpus - 1}` : "";
    out.push("--numa", `node,nodeid=0,cpus=0-${half - 1},mem=${c.memMiB / 2}M`);
    out.push("--numa", `node,nodeid=1${second},mem=${c.memMiB / 2}M`);
  }
  return out;
}

const CASES: Case[] = [];
for (const memMiB of [32, 128, 1024, 3072])
  for (const cpus of [1, 2, 8]) for (const numa of [false, true]) CASES.push({ memMiB, cpus, numa });
for (const numa of [false, true])
  CASES.push({ memMiB: 128, cpus: 2, numa, hotplug: { slots: 2, maxMiB: 1024 } });

/** Every ACPI file and legacy fw_cfg key of `ours` holds QEMU's bytes. */
function expectSameTables(qemu: FwCfgDump, ours: FwCfgDump): void {
  for (const name of ACPI_FILES) {
    expect(diffFileBytes(fwCfgFile(qemu, name)?.data, fwCfgFile(ours, name)?.data), name).toBeNull();
  }
  for (const key of LEGACY_KEYS) {
    expect(
      diffFileBytes(qemu.legacy.get(key), ours.legacy.get(key)),
      `legacy key 0x${key.toString(16)}`,
    ).toBeNull();
  }
}

describe.skipIf(!HAVE)("ACPI tables and loader, pcscope vs QEMU 7.2", () => {
  const limit = makeLimiter(2);

  /** Topologies (APIC ID gaps, hot-pluggable CPUs, 255 vCPUs), DIMM slots, NUMA nodes by socket. */
  it.each(
    [
      ["-m", "128M", "-smp", "3,maxcpus=8,sockets=2,cores=2,threads=2"],
      ["-m", "128M", "-smp", "6,sockets=2,cores=3"],
      ["-m", "256M", "-smp", "255"],
      ["-m", "1G,slots=4,maxmem=8G", "-smp", "4,dies=2"],
      ["-m", "128M", "-smp", "4,sockets=2,cores=2", "--numa", "node,mem=64M", "--numa", "node,mem=64M"],
      // Some CPUs named: the others go to node 0, not to their socket's node.
      [
        "-m",
        "128M",
        "-smp",
        "4,sockets=2,cores=2",
        "--numa",
        "node,cpus=1,mem=64M",
        "--numa",
        "node,mem=64M",
      ],
    ].map((a) => [a.join(" "), a] as const),
  )(
    "%s",
    async (_name, args) => {
      const { qemu, ours } = await compareFwCfg([...args], limit);
      expectSameTables(qemu, ours);
    },
    60_000,
  );

  it.each(CASES.map((c) => [args(c).join(" "), c] as const))(
    "%s",
    async (_name, c) => {
      expect(memSizeProblem(c.memMiB * MiB)).toBeNull();
      const { qemu, ours } = await compareFwCfg(args(c), limit);
      expectSameTables(qemu, ours);
    },
    60_000,
  );

  /** RAM above 4 GiB, with nodes across the PCI hole. */
  it.each([
    [3584, 2, [1024, 2560]],
    [4096, 2, [3072, 1024]],
    [5120, 4, []],
  ] as [number, number, number[]][])(
    "-m %iM -smp %i, nodes %j",
    async (memMiB, cpus, nodes) => {
      const args = [
        "-m",
        `${memMiB}M`,
        "-smp",
        String(cpus),
        ...nodes.flatMap((m, i) => ["--numa", `node,cpus=${i},mem=${m}M`]),
      ];
      const { qemu, ours } = await compareFwCfg(args, limit);
      expectSameTables(qemu, ours);
    },
    60_000,
  );

  it("describes COM1 in the DSDT when the PC has a serial port", async () => {
    const { qemu, ours } = await compareFwCfg(["-m", "64", "-serial", "null"], limit);
    const tables = fwCfgFile(qemu, "etc/acpi/tables")?.data;
    expect(Buffer.from(tables ?? []).includes("COM1")).toBe(true);
    expect(diffFileBytes(tables, fwCfgFile(ours, "etc/acpi/tables")?.data)).toBeNull();
  }, 60_000);

  it("describes COM2 (0x2f8, IRQ 3) too with a second serial port, as QEMU's second -serial", async () => {
    const { qemu, ours } = await compareFwCfg(["-m", "64", "-serial", "null", "-serial", "null"], limit);
    const tables = Buffer.from(fwCfgFile(qemu, "etc/acpi/tables")?.data ?? []);
    expect(tables.includes("COM2")).toBe(true);
    expect(diffFileBytes(tables, fwCfgFile(ours, "etc/acpi/tables")?.data)).toBeNull();
  }, 60_000);
});
