// Every device of a PC built with every option has a saveState()/loadState() pair (isa-debug-exit
// alone holds nothing), so a device added to the machine without one fails here rather than
// being left out of snapshots silently.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { AioContext, openImage } from "../../../src/emu/block/index.ts";
import { createPcMachine } from "../../../src/emu/machine/pc.ts";

/** Devices with no state at all. */
const STATELESS = [/^isa-debug-exit@/];

describe("snapshot coverage", () => {
  it("every machine device of a fully equipped PC saves and loads its state", () => {
    const dir = mkdtempSync(join(tmpdir(), "pcscope-every-"));
    const disk = join(dir, "disk.img");
    writeFileSync(disk, new Uint8Array(1024 * 1024));
    const aio = new AioContext("sync");
    const bios = new Uint8Array(0x10000).fill(0x90);
    const m = createPcMachine({
      bios,
      aio,
      cpus: 2,
      serials: [null],
      debugcons: [{ port: 0x402, sink: null }],
      debugExit: { port: 0xf4, size: 1 },
      drives: [
        { index: 0, media: "disk", backend: openImage(disk, { ctx: aio, lock: false }) },
        { index: 2, media: "cdrom", backend: null },
      ],
    });
    const missing = m.devices
      .filter((d) => !(d.saveState && d.loadState) && !STATELESS.some((re) => re.test(d.name)))
      .map((d) => d.name);
    expect(missing).toEqual([]);
    expect(m.devices.map((d) => d.name)).toEqual(
      expect.arrayContaining([
        "i8259",
        "i8254",
        "hpet",
        "mc146818",
        "apic",
        "ioapic",
        "fw_cfg",
        "pci",
        "smp",
      ]),
    );
  });
});
