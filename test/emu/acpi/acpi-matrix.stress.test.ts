// The ACPI build against QEMU 7.2's over a wider matrix (issue 14): RAM sizes with and without DIMM
// slots, topologies up to 255 vCPUs (one package per CPU, threads, dies, hot-pluggable CPUs) and
// NUMA layouts of 1 to 3 nodes (CPUs named or left to their socket's node), each compared byte for
// byte through the fw_cfg dump ROM: etc/acpi/tables, etc/acpi/rsdp, etc/table-loader,
// etc/system-states, FW_CFG_NUMA and FW_CFG_HPET. `npm test` runs the first 2 machines;
// `npm run stress N acpi-matrix` the first N.
import { describe, expect, it } from "vitest";
import { compareFwCfg, diffFileBytes, fwCfgFile } from "../../helpers/fw-cfg.ts";
import { needPeers } from "../../helpers/peers.ts";
import { makeLimiter } from "../../helpers/roms.ts";
import { stressCount } from "../../helpers/stress.ts";

const COUNT = stressCount(2);
const MEMORY = ["96M", "512M,slots=3,maxmem=2G", "2000M"];
const SMP = [
  "78,sockets=78",
  "255",
  "16,threads=2",
  "8,dies=2,threads=2",
  "3,maxcpus=12,sockets=3,cores=2,threads=2",
];
/** NUMA layouts as functions of the RAM in MiB. */
const NUMA: ((mib: number) => string[])[] = [
  () => [],
  (mib) => ["--numa", `node,mem=${mib}M`],
  (mib) => [
    "--numa",
    `node,cpus=0,mem=${mib / 4}M`,
    "--numa",
    `node,mem=${mib / 4}M`,
    "--numa",
    `node,mem=${mib / 2}M`,
  ],
];

/** The machines, interleaved so the first few already vary every dimension. */
function machines(): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < MEMORY.length * SMP.length * NUMA.length; i++) {
    const m = MEMORY[i % MEMORY.length]!;
    const smp = SMP[Math.floor(i / MEMORY.length) % SMP.length]!;
    const numa = NUMA[Math.floor(i / (MEMORY.length * SMP.length)) % NUMA.length]!;
    out.push(["-m", m, "-smp", smp, ...numa(Number.parseInt(m, 10))]);
  }
  // Rotate the NUMA layouts into the first entries too.
  return out.map((_, i) => out[(i * 7) % out.length]!);
}

describe.skipIf(!needPeers("qemu-system-i386", "nasm"))(
  "ACPI build over the matrix, pcscope vs QEMU 7.2",
  () => {
    const limit = makeLimiter(2);
    it.each(
      machines()
        .slice(0, COUNT)
        .map((a) => [a.join(" "), a] as const),
    )(
      "%s",
      async (_name, args) => {
        const { qemu, ours } = await compareFwCfg([...args], limit);
        for (const name of ["etc/acpi/tables", "etc/acpi/rsdp", "etc/table-loader", "etc/system-states"]) {
          expect(diffFileBytes(fwCfgFile(qemu, name)?.data, fwCfgFile(ours, name)?.data), name).toBeNull();
        }
        for (const key of [0x0d, 0x8004]) {
          expect(
            diffFileBytes(qemu.legacy.get(key), ours.legacy.get(key)),
            `legacy 0x${key.toString(16)}`,
          ).toBeNull();
        }
      },
      120_000,
    );
  },
);
