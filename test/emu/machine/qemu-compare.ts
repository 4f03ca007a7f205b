// Comparisons of the PC with QEMU 7.2 for the same -m and -smp, shared by the tests and the stress
// test of the machine's sizes: the fw_cfg items that come from them (CPU counts, RAM size, NUMA
// words, etc/e820, etc/reserved-memory-end, SMBIOS, etc/system-states and the rest QEMU's pc machine
// gives SeaBIOS outside ACPI) read by the dump ROM (firmware/tests/fwcfg/dump.asm), byte for byte,
// with RAM sizes pcscope does not run (beyond 8 GiB) compared through the layout and SMBIOS
// functions the machine uses; and SeaBIOS's CPU count and MP table lines with a topology.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { AioContext, openImage } from "../../../src/emu/block/index.ts";
import { cpuidFor } from "../../../src/emu/cpu/cpuid-models.ts";
import { parseSmp, resolveTopology } from "../../../src/emu/machine/cpu-topology.ts";
import { createPcMachine, hostVapicRom, type PcOptions, pcSmbios } from "../../../src/emu/machine/pc.ts";
import { e820File, pcMemoryLayout, reservedMemoryEndFile } from "../../../src/emu/machine/pc-memory.ts";
import { SEABIOS } from "../../firmware/seabios-helpers.ts";
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
/** The files compared: all QEMU gives this machine (ACPI's are here for the APIC IDs and hot-plug region). */
const FILES = [
  "bios-geometry",
  "bootorder",
  "etc/acpi/rsdp",
  "etc/acpi/tables",
  "etc/boot-fail-wait",
  "etc/e820",
  "etc/reserved-memory-end",
  "etc/smbios/smbios-anchor",
  "etc/smbios/smbios-tables",
  "etc/system-states",
  "etc/table-loader",
  "etc/tpm/log",
  "genroms/kvmvapic.bin",
];
/** QEMU starts 255 vCPU threads slowly on a loaded 2-core machine. */
const QEMU_TIMEOUT_MS = 120_000;
/** Legacy keys: RAM size, boot CPUs, NUMA, max CPUs, IRQ0 override, e820 reservations, HPET. */
const LEGACY = [0x03, 0x05, 0x0d, 0x0f, 0x8002, 0x8003, 0x8004];

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
  for (let i = 0; i < 20 && kind === "budget"; i++) {
    kind = m.run(5_000_000).kind;
    await breathe();
  }
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
  /** More QEMU options for what `options` says beyond -m and -smp (-numa, -object). */
  qemu?: string[];
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
    dumpFwCfgQemu(["-m", c.m, "-smp", c.smp, "-cpu", "qemu32", ...(c.qemu ?? [])], QEMU_TIMEOUT_MS),
    dumpPcscope({ ...c.options, cpus: parseSmp(c.smp) }),
  ]);
  expectSameItems(qemu, ours);
}

/** Compares the layout and SMBIOS of a RAM size pcscope cannot run with QEMU's. */
export async function checkLarge([m, bytes, slots, max]: [string, number, number, number]): Promise<void> {
  // RAM QEMU need not back: without reserve=off, sizes beyond the host's memory fail to map.
  const backend = [
    "-machine",
    "memory-backend=ram0",
    "-object",
    `memory-backend-ram,id=ram0,size=${bytes},reserve=off`,
  ];
  const qemu = await dumpFwCfgQemu([...backend, "-m", m, "-cpu", "qemu32"], QEMU_TIMEOUT_MS);
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

/**
 * SeaBIOS lines printed by APs or concurrent threads (the keyboard's, the ATA drive's), whose place
 * depends on timing: QEMU's timers run on host time, so on a loaded machine its own order varies.
 */
const TIMING_DEPENDENT =
  /^(handle_smp: apic_id=|PS2 keyboard initialized|ata\d-\d: |Searching bootorder for: \/pci@i0cf8\/\*@1,1\/drive@)/;

/** Lets the test runner's messages through between slices of a long synchronous run. */
const breathe = () => new Promise((resolve) => setImmediate(resolve));

/** pcscope's SeaBIOS log with -m and -smp (`c`) under qemu32 and its kvmvapic ROM, run until the MBR exits. */
async function seabiosLog(disk: string, c: Case): Promise<{ kind: string; log: string }> {
  const aio = new AioContext("sync");
  const vapic = hostVapicRom();
  const m = createPcMachine({
    bios: readFileSync(SEABIOS),
    ...c.options,
    cpus: parseSmp(c.smp),
    cpuModel: "qemu32",
    debugcons: [{ port: 0x402, sink: null }],
    debugExit: { port: 0xf4, size: 1 },
    drives: [
      { index: 0, media: "disk", backend: openImage(disk, { ctx: aio, readOnly: true, lock: false }) },
    ],
    aio,
    optionRoms: vapic === null ? [] : [vapic],
  });
  let kind = "budget";
  for (let i = 0; i < 20 && (kind === "budget" || kind === "reset"); i++) {
    kind = m.run(5_000_000).kind;
    await breathe();
  }
  return { kind, log: m.debugcons[0]!.text() };
}

/** QEMU's SeaBIOS debug log for `disk` with `extra` options, from a child run without blocking. */
async function qemuSeabiosLog(dir: string, disk: string, extra: string[]): Promise<string> {
  const log = join(dir, `qemu-${process.hrtime.bigint()}.log`);
  const proc = spawn(
    "qemu-system-i386",
    [
      ...["-nodefaults", "-display", "none", "-M", "pc", "-bios", SEABIOS],
      ...["-drive", `file=${disk},format=qcow2,if=ide,snapshot=on`, "-debugcon", `file:${log}`],
      ...["-global", "isa-debugcon.iobase=0x402", "-device", "isa-debug-exit,iobase=0xf4,iosize=1", ...extra],
      // QEMU's clock counts instructions, as pcscope's does: on the host clock a QEMU held up by
      // the host's load (255 vCPU threads on 2 cores) logged differently under the full suite.
      ...["-icount", "shift=3,sleep=off"],
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  proc.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const timer = setTimeout(() => proc.kill("SIGKILL"), QEMU_TIMEOUT_MS);
  const status = await new Promise<number | null>((resolve) => proc.once("exit", resolve));
  clearTimeout(timer);
  if (status !== 1) throw new Error(`qemu exited with ${status}: ${stderr}`);
  return readFileSync(log, "latin1");
}

/**
 * Boots SeaBIOS with `c`'s -m and -smp on both machines from `disk` (the MBR of seabios-helpers,
 * which exits): pcscope reaches the boot sector and the debug logs are identical line for line
 * (every AP counted: "Found N cpu(s) max supported M cpu(s)"; the MP table, SMBIOS and ACPI tables
 * copied to the same addresses), lines whose order depends on timing compared as sets.
 */
export async function checkSeabios(disk: string, dir: string, c: Case): Promise<void> {
  const theirs = (await qemuSeabiosLog(dir, disk, ["-m", c.m, "-smp", c.smp, "-cpu", "qemu32"])).split("\n");
  const run = await seabiosLog(disk, c);
  expect(run.kind).toBe("exit");
  const ours = run.log.split("\n");
  expect(theirs.some((l) => l.startsWith("Found "))).toBe(true);
  const ordered = (lines: string[]) => lines.filter((l) => !TIMING_DEPENDENT.test(l));
  const timed = (lines: string[]) => lines.filter((l) => TIMING_DEPENDENT.test(l)).sort();
  expect(ordered(ours)).toEqual(ordered(theirs));
  expect(timed(ours)).toEqual(timed(theirs));
}
