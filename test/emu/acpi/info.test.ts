// `info acpi` (the monitor's view of the ACPI tables in guest memory): nothing before the firmware
// ran; after Debian's SeaBIOS installed QEMU's tables on a 2-node NUMA PC, every table with address,
// length and a good checksum, the FADT's PM blocks at SeaBIOS's pm_base, and the MADT and SRAT
// entries decoded.
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { AioContext, openImage } from "../../../src/emu/block/index.ts";
import { createPcMachine, type PcMachine } from "../../../src/emu/machine/pc.ts";
import { MBR_ASM, nasm, qcow2With, SEABIOS, tempDir } from "../../firmware/seabios-helpers.ts";
import { needPeers } from "../../helpers/peers.ts";

const HAVE = needPeers("seabios", "qemu-img", "nasm");
const MiB = 1024 * 1024;

describe.skipIf(!HAVE)("info acpi", () => {
  let m: PcMachine;
  let before: string | null;

  beforeAll(() => {
    const dir = tempDir();
    const disk = qcow2With(dir, "mbr", nasm(dir, MBR_ASM));
    const aio = new AioContext("sync");
    m = createPcMachine({
      bios: readFileSync(SEABIOS),
      memBytes: 128 * MiB,
      debugcons: [{ port: 0x402, sink: null }],
      debugExit: { port: 0xf4, size: 1 },
      drives: [
        { index: 0, media: "disk", backend: openImage(disk, { ctx: aio, readOnly: true, lock: false }) },
      ],
      aio,
      cpus: 2,
      numa: [
        { nodeId: 0, cpus: [0], memBytes: 32 * MiB },
        { nodeId: 1, cpus: [1], memBytes: 96 * MiB },
      ],
    });
    before = m.monitor.info("acpi");
    for (let i = 0; i < 30; i++) {
      const ev = m.run(5_000_000);
      if (ev.kind !== "budget" && ev.kind !== "reset") break;
    }
  }, 60_000);

  it("says there are no tables before the firmware installed them", () => {
    expect(before).toBe("no RSDP in 0xe0000-0xfffff (the firmware has not installed ACPI tables)");
  });

  it("lists the tables and decodes the FADT, MADT and SRAT", () => {
    const lines = m.monitor.info("acpi")!.split("\n");
    expect(lines[0]).toMatch(/^RSDP 0x000f[0-9a-f]{4} rev 0 OEM 'BOCHS ' RSDT 0x07fe[0-9a-f]{4}$/);
    expect(lines.filter((l) => /^[A-Z]{4} 0x/.test(l)).map((l) => l.slice(0, 4))).toEqual([
      "RSDP",
      "RSDT",
      "FACP",
      "APIC",
      "HPET",
      "SRAT",
      "WAET",
    ]);
    expect(lines.join("\n")).not.toContain("bad checksum");
    expect(lines).toContain(
      "  SCI IRQ 9, PM1a_EVT 0x0600, PM1a_CNT 0x0604, PM_TMR 0x0608, GPE0 0xafe0, flags 0x000080a5",
    );
    expect(lines).toContain("  processor uid 1 APIC ID 1 enabled");
    expect(lines).toContain("  override bus 0 IRQ 0 -> GSI 2 flags 0x0000");
    expect(lines).toContain("  local APIC NMI uid 0xff LINT1 flags 0x0000");
    const srat = lines.slice(
      lines.findIndex((l) => l.startsWith("SRAT ")) + 1,
      lines.findIndex((l) => l.startsWith("WAET ")),
    );
    expect(srat).toEqual([
      "  CPU APIC ID 0 node 0 enabled",
      "  CPU APIC ID 1 node 1 enabled",
      "  memory node 0 0x0000000000000000-0x000000000009ffff enabled",
      "  memory node 0 0x0000000000100000-0x0000000001ffffff enabled",
      "  memory node 1 0x0000000002000000-0x0000000007ffffff enabled",
      "  memory node 0 empty disabled",
    ]);
  });
});
