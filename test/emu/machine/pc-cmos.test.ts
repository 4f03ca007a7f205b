// The CMOS bytes QEMU 7.2's pc_cmos_init leaves for the firmware (memory sizes below and above
// 16 MiB and 4 GiB, the CPU count, the boot order, the checksum), read by a ROM
// (firmware/tests/cmos/dump.asm) under QEMU and under pcscope with the same -m and -smp, and the
// memory bytes for RAM sizes pcscope cannot allocate, from the same layout QEMU's e820 agrees with.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { qemuRtcArg } from "../../../src/diff/qemu-args.ts";
import { parseSmp } from "../../../src/emu/machine/cpu-topology.ts";
import { createPcMachine, type PcOptions } from "../../../src/emu/machine/pc.ts";
import { initCmos } from "../../../src/emu/machine/pc-cmos.ts";
import { pcMemoryLayout } from "../../../src/emu/machine/pc-memory.ts";
import { needPeers } from "../../helpers/peers.ts";
import { assembleTestRomFile, DEBUG_EXIT_PORT, DEBUGCON_PORT, runRomQemu } from "../../helpers/roms.ts";

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
/** The memory-size bytes (base, extended, above 16 MiB, above 4 GiB) and the CPU count. */
const MEMORY_BYTES = [0x15, 0x16, 0x17, 0x18, 0x30, 0x31, 0x34, 0x35, 0x5b, 0x5c, 0x5d, 0x5f];

let rom: Promise<string> | null = null;
const dumpRom = () => {
  rom ??= assembleTestRomFile("cmos/dump.asm");
  return rom;
};

/** The `II VV` lines as a map index -> value. */
function parseCmos(log: string): Map<number, number> {
  const out = new Map<number, number>();
  for (const m of log.matchAll(/^([0-9a-f]{2}) ([0-9a-f]{2})$/gm))
    out.set(Number.parseInt(m[1]!, 16), Number.parseInt(m[2]!, 16));
  expect(log).toContain("done");
  return out;
}

/** pcscope's CMOS for `options`. */
async function ourCmos(options: Partial<PcOptions>): Promise<Map<number, number>> {
  const m = createPcMachine({
    bios: readFileSync(await dumpRom()),
    debugcons: [{ port: DEBUGCON_PORT, sink: null }],
    debugExit: { port: DEBUG_EXIT_PORT, size: 1 },
    ...options,
  });
  expect(m.run(10_000_000).kind).toBe("exit");
  return parseCmos(m.debugcons[0]!.text());
}

/** QEMU's CMOS for -m and -smp. */
async function qemuCmos(mem: string, smp: string): Promise<Map<number, number>> {
  // The same RTC start as pcscope's default, for the century bytes (0x32, and 0x37 as IBM's PS/2 kept it).
  const run = await runRomQemu(await dumpRom(), 20_000, ["-m", mem, "-smp", smp, "-rtc", qemuRtcArg(null)]);
  return parseCmos(run.log);
}

describe.skipIf(!needPeers("qemu-system-i386", "nasm"))(
  "the CMOS as QEMU 7.2's pc_cmos_init fills it",
  () => {
    const cases: [string, string, Partial<PcOptions>][] = [
      ["32", "1", { memBytes: 32 * MiB }],
      ["15", "2", { memBytes: 15 * MiB }],
      ["1G", "3,maxcpus=8,sockets=2,cores=2,threads=2", { memBytes: GiB }],
      ["2000", "255", { memBytes: 2000 * MiB }],
      ["3583", "2", { memBytes: 3583 * MiB }],
    ];
    for (const [mem, smp, options] of cases) {
      it(`-m ${mem} -smp ${smp}: every byte from 0x0e to 0x7f`, async () => {
        const [qemu, ours] = await Promise.all([
          qemuCmos(mem, smp),
          ourCmos({ ...options, cpus: parseSmp(smp) }),
        ]);
        expect(qemu.size).toBe(0x72);
        expect(ours).toEqual(qemu);
      }, 60_000);
    }

    for (const [mem, bytes] of [
      ["3584", 3.5 * GiB],
      ["5G", 5 * GiB],
    ] as const) {
      it(`-m ${mem}: the memory bytes from the 3 GiB split`, async () => {
        const qemu = await qemuCmos(mem, "1");
        const ours = new Map<number, number>();
        const layout = pcMemoryLayout({ ramBytes: bytes, slots: 0, maxBytes: bytes });
        initCmos((i, v) => ours.set(i, v), layout, 1, "cad", [null, null, null, null]);
        for (const i of MEMORY_BYTES) expect(ours.get(i), `byte 0x${i.toString(16)}`).toBe(qemu.get(i));
      }, 60_000);
    }
  },
);
