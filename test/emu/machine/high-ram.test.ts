// A PC with RAM above 4 GiB (--mem 5G: 3 GiB below, 2 GiB at 4 GiB) after firmware/tests/highmem/
// above4g.asm wrote there: snapshots (a state saved before a write to high RAM, by the CPU through
// PAE or by a debugger, puts the old bytes back; the state owns only the pages that differ, and the
// RAM the guest never wrote costs the host nothing) and the monitor's `xp` there.

import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createPcMachine } from "../../../src/emu/machine/pc.ts";
import { memoryDump } from "../../../src/gdbstub/stub/monitor-xp.ts";
import { assembleRom, TEST_ROM_DIR } from "../../helpers/roms.ts";

const GiB = 2 ** 30;
const HIGH = 4 * GiB;

/** The PC with 5 GiB running `rom` (pentium2, the test ROMs' console and exit ports). */
function machine(rom: Uint8Array) {
  return createPcMachine({
    bios: rom,
    memBytes: 5 * GiB,
    cpuModel: "pentium2",
    debugcons: [{ port: 0xe9, sink: null }],
    debugExit: { port: 0xf4, size: 1 },
  });
}

describe("RAM above 4 GiB", () => {
  it("restores RAM above 4 GiB written by the guest and by a debugger", async () => {
    const rom = await assembleRom(join(TEST_ROM_DIR, "highmem", "above4g.asm"));
    const rss = process.memoryUsage().rss;
    const m = machine(rom);
    const before = m.saveState();
    expect(before.bytes).toBeLessThan(4 * 1024 * 1024);
    // The ROM writes at 4 GiB, across 5 GiB and up to RAM's last dword.
    expect(m.run(10_000_000).kind).toBe("exit");
    const word = (addr: number) => Buffer.from(m.readPhysical(addr, 4)).readUInt32LE(0);
    const places = [HIGH, 5 * GiB - 2, 6 * GiB - 4];
    const written = places.map(word);
    expect(written[0]).toBe(0x11223344);
    expect(written[2]).toBe(0x31415926);
    expect(written[1]).not.toBe(0);
    const after = m.saveState();
    m.writePhysical(HIGH + 0x1000, Uint8Array.of(1, 2, 3, 4));
    expect(word(HIGH + 0x1000)).toBe(0x04030201);
    m.loadState(before);
    expect([...places, HIGH + 0x1000].map(word)).toEqual([0, 0, 0, 0]);
    m.loadState(after);
    expect(places.map(word)).toEqual(written);
    expect(word(HIGH + 0x1000)).not.toBe(0x04030201);
    // 5 GiB of RAM, two snapshots compared against zeros, restored twice: the host committed little.
    const grown = process.memoryUsage().rss - rss;
    console.log(`RSS grew by ${(grown / 2 ** 20).toFixed(0)} MiB`);
    expect(grown).toBeLessThan(256 * 2 ** 20);
  }, 60_000);

  it("shows RAM above 4 GiB and nothing past its end with the monitor's xp; x stays 32-bit", async () => {
    const m = machine(await assembleRom(join(TEST_ROM_DIR, "highmem", "above4g.asm")));
    expect(m.run(10_000_000).kind).toBe("exit");
    expect(memoryDump(m, null, "/2xw 0x100000000", null)).toBe("0000000100000000: 0x11223344 0x00000000\n");
    expect(memoryDump(m, null, "/2xw 0x17ffffffc", null)).toBe("000000017ffffffc: 0x31415926 0x00000000\n");
    expect(memoryDump(m, null, "/1xw 0x10000000000", null)).toBe("xp: 0x10000000000 is beyond 40 bits");
    expect(memoryDump(m, 0, "/1xw 0x100000000", null)).toBe("x: 0x100000000 is beyond 32 bits");
  }, 60_000);
});
