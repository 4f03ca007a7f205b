// The ACPI tables as they are in guest memory after Debian's SeaBIOS ran QEMU's loader script, and
// the SMBIOS entry point and structure table SeaBIOS copied from fw_cfg, read by a boot sector
// (firmware/tests/fwcfg/acpi-mbr.asm) under QEMU 7.2 and pcscope: every table at the same address
// with the same bytes, checksums included, the FADT holding the PM base SeaBIOS
// programmed (0x600: the tables are rebuilt on the firmware's first read, as QEMU does). Both run
// QEMU's default CPU model (qemu32), whose CPUID the SMBIOS tables quote; one machine has NUMA
// nodes and DIMM slots (SRAT, memory hotplug AML), one seed 001's RAM above 4 GiB with 16 slots up
// to 16 GiB and one node (3 GiB below 4 GiB, the most of the matrix; the SRAT's entries above
// 4 GiB and its hot-plug range).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { AioContext, openImage } from "../../../src/emu/block/index.ts";
import { createPcMachine, hostVapicRom, type PcOptions } from "../../../src/emu/machine/pc.ts";
import { nasm, qcow2With, qemuLog, SEABIOS, tempDir } from "../../firmware/seabios-helpers.ts";
import { qemuMachineArgs } from "../../helpers/fw-cfg.ts";
import { needPeers } from "../../helpers/peers.ts";
import { TEST_ROM_DIR } from "../../helpers/roms.ts";

const HAVE = needPeers("seabios", "qemu-system-i386", "qemu-img", "nasm");
const MiB = 1024 * 1024;
const FADT_PM1A_EVT = 0x38;

/** One table read from memory. */
interface MemTable {
  address: number;
  signature: string;
  bytes: Uint8Array;
}

/** Parses the boot sector's output; throws when it did not finish. */
function parseTables(log: string): MemTable[] {
  const lines = log.split("\n");
  const start = lines.findIndex((l) => l.startsWith("table "));
  const end = lines.indexOf("done");
  if (start < 0 || end < 0) throw new Error(`the ACPI dump did not run:\n${log.slice(-2000)}`);
  const tables: MemTable[] = [];
  let hex = "";
  let head: string[] | null = null;
  const flush = () => {
    if (head === null) return;
    const bytes = Uint8Array.from(Buffer.from(hex, "hex"));
    if (bytes.length !== Number.parseInt(head[2]!, 16)) throw new Error(`short table at ${head[1]}`);
    tables.push({
      address: Number.parseInt(head[1]!, 16),
      signature: Buffer.from(bytes.subarray(0, 4)).toString("latin1"),
      bytes,
    });
  };
  for (const line of lines.slice(start, end)) {
    if (line.startsWith("table ")) {
      flush();
      head = line.split(" ");
      hex = "";
    } else hex += line;
  }
  flush();
  // The table after the SMBIOS entry point is its structure table (no signature of its own).
  tables.forEach((t, i) => {
    if (i > 0 && tables[i - 1]!.signature === "_SM_") t.signature = "SMBIOS";
  });
  return tables;
}

/** Boots `disk` under SeaBIOS on pcscope's PC; returns the debug log. */
function pcscopeLog(disk: string, memMiB: number, cpus: number, extra: Partial<PcOptions>): string {
  const aio = new AioContext("sync");
  const vapic = hostVapicRom();
  const m = createPcMachine({
    bios: readFileSync(SEABIOS),
    memBytes: memMiB * MiB,
    debugcons: [{ port: 0x402, sink: null }],
    debugExit: { port: 0xf4, size: 1 },
    drives: [
      { index: 0, media: "disk", backend: openImage(disk, { ctx: aio, readOnly: true, lock: false }) },
    ],
    aio,
    cpus,
    cpuModel: "qemu32",
    optionRoms: vapic === null ? [] : [vapic],
    ...extra,
  });
  for (let i = 0; i < 40; i++) {
    const ev = m.run(5_000_000);
    if (ev.kind !== "budget" && ev.kind !== "reset") break;
  }
  return m.debugcons[0]!.text();
}

describe.skipIf(!HAVE)("ACPI tables in guest memory after SeaBIOS, pcscope vs QEMU 7.2", () => {
  let dir: string;
  let disk: string;

  beforeAll(() => {
    dir = tempDir();
    disk = qcow2With(
      dir,
      "acpi",
      nasm(dir, readFileSync(join(TEST_ROM_DIR, "fwcfg", "acpi-mbr.asm"), "latin1")),
    );
  }, 60_000);

  /** Two NUMA nodes of 64 MiB with one CPU each, and two DIMM slots up to 1 GiB. */
  const numaHotplug: Partial<PcOptions> = {
    numa: [
      { nodeId: 0, cpus: [0], memBytes: 64 * MiB },
      { nodeId: 1, cpus: [1], memBytes: 64 * MiB },
    ],
    memSlots: 2,
    maxMemBytes: 1024 * MiB,
  };
  /** Seed 001: -m 4G,slots=16,maxmem=16G -numa node,nodeid=0,cpus=0 (the node's mem= given: QEMU 7.2). */
  const seed: Partial<PcOptions> = {
    numa: [{ nodeId: 0, cpus: [0], memBytes: 4096 * MiB }],
    memSlots: 16,
    maxMemBytes: 16384 * MiB,
  };
  const SMBIOS = ["_SM_", "SMBIOS"];
  const PLAIN = ["RSD ", "RSDT", "FACP", "FACS", "DSDT", "APIC", "HPET", "WAET", ...SMBIOS];
  it.each([
    ["-m 32M -smp 1", 32, 1, [], {}, PLAIN],
    ["-m 128M -smp 2", 128, 2, [], {}, PLAIN],
    ["-m 1024M -smp 8", 1024, 8, [], {}, PLAIN],
    [
      "-m 128M,slots=2,maxmem=1G -smp 2, 2 NUMA nodes",
      128,
      2,
      ["-m", "128M,slots=2,maxmem=1G", "--numa", "node,cpus=0,mem=64M", "--numa", "node,cpus=1,mem=64M"],
      numaHotplug,
      ["RSD ", "RSDT", "FACP", "FACS", "DSDT", "APIC", "HPET", "SRAT", "WAET", ...SMBIOS],
    ],
    [
      "-m 4G,slots=16,maxmem=16G -smp 1, 1 NUMA node (seed 001)",
      4096,
      1,
      ["-m", "4G,slots=16,maxmem=16G", "--numa", "node,nodeid=0,cpus=0,mem=4G"],
      seed,
      ["RSD ", "RSDT", "FACP", "FACS", "DSDT", "APIC", "HPET", "SRAT", "WAET", ...SMBIOS],
    ],
  ] as [string, number, number, string[], Partial<PcOptions>, string[]][])(
    "%s",
    (_name, memMiB, cpus, qemuExtra, extra, signatures) => {
      const qemuArgs = qemuMachineArgs(["-m", `${memMiB}M`, "-smp", String(cpus), ...qemuExtra]);
      const theirs = parseTables(qemuLog(dir, disk, qemuArgs));
      const ours = parseTables(pcscopeLog(disk, memMiB, cpus, extra));
      expect(ours.map((t) => t.signature)).toEqual(signatures);
      expect(ours.map((t) => t.signature)).toEqual(theirs.map((t) => t.signature));
      ours.forEach((t, i) => {
        const q = theirs[i]!;
        expect(Buffer.from(t.bytes).equals(Buffer.from(q.bytes)), `${t.signature} bytes`).toBe(true);
        expect(t.address, `${t.signature} address`).toBe(q.address);
        // Every table but the FACS and the SMBIOS structures carries a checksum over its whole length
        // (the RSDP over 20 bytes).
        if (t.signature !== "FACS" && t.signature !== "SMBIOS")
          expect(
            t.bytes.reduce((a, b) => (a + b) & 0xff, 0),
            `${t.signature} checksum`,
          ).toBe(0);
      });
      expect(ours[0]!.address).toBeGreaterThanOrEqual(0xe0000);
      const fadt = ours.find((t) => t.signature === "FACP")!;
      expect(new DataView(fadt.bytes.buffer).getUint32(FADT_PM1A_EVT, true)).toBe(0x600);
    },
    120_000,
  );
});
