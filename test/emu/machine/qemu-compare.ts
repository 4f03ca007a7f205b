// Comparisons of the PC with QEMU 7.2 for the same -m and -smp, shared by the tests and the stress
// test of the machine's sizes: the fw_cfg items that come from them (CPU counts, RAM size, NUMA
// words, etc/e820, etc/reserved-memory-end, SMBIOS, etc/system-states and the rest QEMU's pc machine
// gives SeaBIOS outside ACPI) read by the dump ROM (firmware/tests/fwcfg/dump.asm), byte for byte,
// with RAM sizes pcscope cannot allocate (3 GiB and up) compared through the layout and SMBIOS
// functions the machine uses; and SeaBIOS's CPU count and MP table lines with a topology.
import { readFileSync } from "node:fs";
import { expect } from "vitest";
import { AioContext, openImage } from "../../../src/emu/block/index.ts";
import { cpuidFor } from "../../../src/emu/cpu/cpuid-models.ts";
import { parseSmp, resolveTopology } from "../../../src/emu/machine/cpu-topology.ts";
import { createPcMachine, hostVapicRom, type PcOptions, pcSmbios } from "../../../src/emu/machine/pc.ts";
import { e820File, pcMemoryLayout, reservedMemoryEndFile } from "../../../src/emu/machine/pc-memory.ts";
import { qemuLog, SEABIOS } from "../../firmware/seabios-helpers.ts";
import {
  diffFileBytes,
  dumpFwCfgQemu,
  dumpRom,
  type FwCfgDump,
  fwCfgFile,
  parseFwCfgDump,
} from "../../helpers/fw-cfg.ts";
import { DEBUG_EXIT_PORT, DEBUGCON_PORT } from "../../helpers/roms.ts";

export const MiB = 1024 * 1024;
export const GiB = 1024 * MiB;
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

/** One machine: QEMU's -m and -smp and the same as PcOptions. */
export interface Case {
  m: string;
  smp: string;
  options: Partial<PcOptions>;
}

/** A machine of `bytes` RAM (-m SIZE[,slots=N,maxmem=MAX]) as PcOptions. */
export const mem = (bytes: number, slots = 0, max = bytes) => ({
  memBytes: bytes,
  memSlots: slots,
  maxMemBytes: max,
});

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

/** The SeaBIOS lines compared: the CPU count and the MP table's size and place. */
const COMPARED = /^(Found \d+ cpu\(s\)|Copying MPTABLE|MBR: )/;

/** pcscope's SeaBIOS log with `-smp spec` under qemu32, run until the MBR exits. */
function seabiosLog(disk: string, spec: string): { kind: string; log: string } {
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

/**
 * Boots SeaBIOS with `-smp spec` on both machines from `disk` (the MBR of seabios-helpers, which
 * exits) and expects the same compared lines and pcscope reaching the boot sector.
 */
export function checkSmp(disk: string, dir: string, spec: string): void {
  const qemu = compared(qemuLog(dir, disk, ["-smp", spec, "-cpu", "qemu32"]));
  const ours = seabiosLog(disk, spec);
  expect(ours.kind).toBe("exit");
  expect(qemu.some((l) => l.startsWith("Found "))).toBe(true);
  expect(compared(ours.log)).toEqual(qemu);
}
