// The fw_cfg items of the PC that come from -m and -smp (CPU counts, RAM size, NUMA words, etc/e820,
// etc/reserved-memory-end, SMBIOS, etc/system-states and the rest QEMU 7.2's pc machine gives
// SeaBIOS outside ACPI), read by the dump ROM (firmware/tests/fwcfg/dump.asm) under QEMU 7.2 and
// under pcscope with the same options, byte for byte. RAM sizes pcscope cannot allocate (3 GiB and
// up) are compared through the same layout and SMBIOS functions the machine uses.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { cpuidFor } from "../../../src/emu/cpu/cpuid-models.ts";
import { parseSmp, resolveTopology } from "../../../src/emu/machine/cpu-topology.ts";
import { createPcMachine, hostVapicRom, type PcOptions, pcSmbios } from "../../../src/emu/machine/pc.ts";
import { e820File, pcMemoryLayout, reservedMemoryEndFile } from "../../../src/emu/machine/pc-memory.ts";
import {
  diffFileBytes,
  dumpFwCfgQemu,
  dumpRom,
  type FwCfgDump,
  fwCfgFile,
  parseFwCfgDump,
} from "../../helpers/fw-cfg.ts";
import { needPeers } from "../../helpers/peers.ts";
import { DEBUG_EXIT_PORT, DEBUGCON_PORT } from "../../helpers/roms.ts";

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
/** The files compared (ACPI's etc/acpi/*, etc/table-loader and etc/tpm/log are another test's). */
const FILES = [
  "bios-geometry",
  "bootorder",
  "etc/boot-fail-wait",
  "etc/e820",
  "etc/reserved-memory-end",
  "etc/smbios/smbios-anchor",
  "etc/smbios/smbios-tables",
  "etc/system-states",
  "genroms/kvmvapic.bin",
];
/** Legacy keys: RAM size, boot CPUs, NUMA, max CPUs, IRQ0 override, e820 reservations. */
const LEGACY = [0x03, 0x05, 0x0d, 0x0f, 0x8002, 0x8003];

/** pcscope's dump for the PC with `options`, run in this process. */
async function dumpPcscope(options: Partial<PcOptions>): Promise<FwCfgDump> {
  const vapic = hostVapicRom();
  const m = createPcMachine({
    bios: readFileSync(await dumpRom()),
    cpuModel: "qemu32",
    debugcons: [{ port: DEBUGCON_PORT, sink: null }],
    debugExit: { port: DEBUG_EXIT_PORT, size: 1 },
    optionRoms: vapic === null ? [] : [vapic],
    ...options,
  });
  let kind = "budget";
  for (let i = 0; i < 20 && kind === "budget"; i++) kind = m.run(5_000_000).kind;
  expect(kind).toBe("exit");
  return parseFwCfgDump(m.debugcons[0]!.text());
}

/** Expects the compared files and legacy items of both dumps to be identical. */
function expectSameItems(qemu: FwCfgDump, ours: FwCfgDump): void {
  const listed = (d: FwCfgDump) => d.files.map((f) => f.name).filter((n) => FILES.includes(n));
  expect(listed(ours)).toEqual(listed(qemu));
  for (const name of listed(qemu)) {
    expect(diffFileBytes(fwCfgFile(qemu, name)?.data, fwCfgFile(ours, name)?.data), name).toBeNull();
  }
  for (const key of LEGACY) {
    expect([...(ours.legacy.get(key) ?? [])], `legacy 0x${key.toString(16)}`).toEqual([
      ...(qemu.legacy.get(key) ?? []),
    ]);
  }
}

/** One machine of the matrix: QEMU's -m and -smp and the same as PcOptions. */
interface Case {
  m: string;
  smp: string;
  options: Partial<PcOptions>;
}

const mem = (bytes: number, slots = 0, max = bytes) => ({ memBytes: bytes, memSlots: slots, maxMemBytes: max });

/** The machines compared in `npm test` (the stress test runs more). */
export const MACHINES: Case[] = [
  { m: "32", smp: "1", options: mem(32 * MiB) },
  { m: "1G", smp: "2", options: mem(GiB) },
  { m: "128", smp: "3,maxcpus=8,sockets=2,cores=2,threads=2", options: mem(128 * MiB) },
  { m: "256", smp: "255", options: mem(256 * MiB) },
  { m: "1G,slots=4,maxmem=8G", smp: "4,dies=2", options: mem(GiB, 4, 8 * GiB) },
];

/** RAM sizes beyond what pcscope allocates: -m value and bytes, slots, maxmem. */
export const LARGE: [string, number, number, number][] = [
  ["3G", 3 * GiB, 0, 3 * GiB],
  ["3584", 3.5 * GiB, 0, 3.5 * GiB],
  ["4G", 4 * GiB, 0, 4 * GiB],
  ["20G", 20 * GiB, 0, 20 * GiB],
  ["4G,slots=2,maxmem=6G", 4 * GiB, 2, 6 * GiB],
];

/** Compares one machine. */
export async function checkMachine(c: Case): Promise<void> {
  const [qemu, ours] = await Promise.all([
    dumpFwCfgQemu(["-m", c.m, "-smp", c.smp, "-cpu", "qemu32"]),
    dumpPcscope({ ...c.options, cpus: parseSmp(c.smp) }),
  ]);
  expectSameItems(qemu, ours);
}

/** Compares the layout and SMBIOS of a RAM size pcscope cannot run with QEMU's. */
export async function checkLarge([m, bytes, slots, max]: [string, number, number, number]): Promise<void> {
  const qemu = await dumpFwCfgQemu(["-m", m, "-cpu", "qemu32"]);
  const layout = pcMemoryLayout({ ramBytes: bytes, slots, maxBytes: max });
  const smbios = pcSmbios(resolveTopology({ cpus: 1 }), layout, bytes, withApic(cpuidFor("qemu32", 1)));
  const same = (name: string, ours: Uint8Array | null) =>
    expect(diffFileBytes(fwCfgFile(qemu, name)?.data, ours ?? undefined), name).toBeNull();
  same("etc/e820", e820File(layout));
  same("etc/smbios/smbios-tables", smbios.tables);
  same("etc/smbios/smbios-anchor", smbios.anchor);
  if (max > bytes) same("etc/reserved-memory-end", reservedMemoryEndFile(layout));
  else expect(fwCfgFile(qemu, "etc/reserved-memory-end")).toBeUndefined();
}

/** The model as the PC gives it (the APIC bit set, as pc.ts does for every CPU). */
function withApic(id: ReturnType<typeof cpuidFor>): ReturnType<typeof cpuidFor> {
  return { ...id, featuresEdx: id.featuresEdx | (1 << 9) };
}

describe.skipIf(!needPeers("qemu-system-i386", "nasm"))("the PC's fw_cfg items as QEMU 7.2 gives them", () => {
  for (const c of MACHINES) {
    it(`-m ${c.m} -smp ${c.smp}: the same items`, () => checkMachine(c), 60_000);
  }
  for (const c of LARGE) {
    it(`-m ${c[0]}: the same e820, SMBIOS and reserved-memory-end`, () => checkLarge(c), 60_000);
  }
});
