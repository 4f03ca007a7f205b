// Stops on an application processor: with `--smp 2`, SeaBIOS wakes the second CPU with INIT-SIPI at
// its AP boot code (linear 0x10000, which the boot CPU never executes). A breakpoint there must
// stop the machine on CPU 1, and the stop reply must name that CPU's thread with its registers, so
// gdb switches to it, as it does against QEMU's stub.
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { createPcMachine } from "../../src/emu/machine/pc.ts";
import { type GdbServer, startGdbServer } from "../../src/gdbstub/index.ts";
import { needPeers } from "../helpers/peers.ts";
import { Wire } from "./demo.ts";
import { runGdb } from "./gdb-run.ts";

const SEABIOS = "/usr/share/seabios/bios.bin";
/** SeaBIOS's BUILD_AP_BOOT_ADDR: the SIPI vector 0x10 starts the APs at 1000:0000. */
const AP_BOOT = 0x10000;

let server: GdbServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

/** A two-CPU PC on Debian's SeaBIOS, paused at reset behind a gdb server. */
async function startSmp(): Promise<GdbServer> {
  const machine = createPcMachine({
    bios: readFileSync(SEABIOS),
    memBytes: 32 << 20,
    cpus: 2,
    debugcons: [{ port: 0x402, sink: null }],
  });
  server = await startGdbServer(machine, { port: 0, startPaused: true });
  return server;
}

describe.skipIf(!needPeers("seabios"))("a breakpoint hit by an application processor", () => {
  it("stops on CPU 1 and the stop reply names its thread with its registers", async () => {
    const s = await startSmp();
    const wire = await Wire.open(s.port);
    try {
      wire.autoAck = true;
      await wire.ask("qSupported:multiprocess+;swbreak+;vContSupported+");
      // As gdb does: read the description (real mode at reset: i8086 with the linear PC).
      expect(await wire.ask("qXfer:features:read:target.xml:0,ffb")).toContain("i8086");
      expect(await wire.ask(`Z0,${AP_BOOT.toString(16)},1`)).toBe("OK");
      const stop = await wire.ask("vCont;c", 60_000);
      expect(stop).toMatch(/^T05/);
      expect(stop).toContain("thread:p1.2;");
      expect(stop).toContain("swbreak:;");
      // The expedited registers are the AP's: linear PC 0x10000 = CS base 0x10000 + IP 0.
      expect(stop).toContain("08:00000100;");
      expect(stop).toContain("32:00000000;");
      expect(stop).toContain("33:00000100;");
      expect(await wire.ask("?")).toContain("thread:p1.2;");
    } finally {
      wire.close();
    }
  });
});

describe.skipIf(!needPeers("seabios", "gdb"))("gdb and a stop on an application processor", () => {
  it("reports the hit in thread 2 and selects it", async () => {
    const s = await startSmp();
    const out = await runGdb(s.address, [
      `break *0x${AP_BOOT.toString(16)}`,
      "continue",
      "info threads",
      "kill",
    ]);
    expect(out).toMatch(/Thread 2 "CPU#1" hit Breakpoint 1, 0x0*10000 in/);
    expect(out).toMatch(/^\* 2 +Thread 1\.2/m);
  });
});
