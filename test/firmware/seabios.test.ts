// Debian's SeaBIOS 1.16.2 on pcscope's i440fx PC, compared with QEMU 7.2's `-M pc` on the same qcow2
// disk (made by qemu-img): the debug logs line by line, the boot into the MBR, a reset during POST
// with the PAM registers kept, and `--smp 4`.
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { AioContext, openImage } from "../../src/emu/block/index.ts";
import { createPcMachine, hostVapicRom, type PcMachine } from "../../src/emu/machine/pc.ts";
import { needPeers } from "../helpers/peers.ts";
import { MBR_ASM, matchingLines, nasm, qcow2With, qemuLog, SEABIOS, tempDir } from "./seabios-helpers.ts";

const HAVE = needPeers("seabios", "qemu-system-i386", "qemu-img", "nasm");

/** The PC with SeaBIOS, the debug console at 0x402 kept in memory and isa-debug-exit at 0xf4. */
function pc(disk: string, cpus = 1): PcMachine {
  const aio = new AioContext("sync");
  const vapic = cpus === 1 ? hostVapicRom() : null;
  return createPcMachine({
    bios: readFileSync(SEABIOS),
    debugcons: [{ port: 0x402, sink: null }],
    debugExit: { port: 0xf4, size: 1 },
    // Unlocked (qemu-img's -U): these machines are never closed, and QEMU later opens the same disk
    // read-write, which a locked reader would refuse as it refuses a QEMU reading it.
    drives: [
      { index: 0, media: "disk", backend: openImage(disk, { ctx: aio, readOnly: true, lock: false }) },
    ],
    aio,
    cpus,
    optionRoms: vapic === null ? [] : [vapic],
  });
}

/** Runs until the guest exits (or 60M instructions); returns the last stop kind. */
function runToExit(m: PcMachine, limit = 60_000_000): string {
  for (let i = 0; i < limit / 5_000_000; i++) {
    const ev = m.run(5_000_000);
    if (ev.kind !== "budget" && ev.kind !== "reset") return ev.kind;
  }
  return "budget";
}

describe.skipIf(!HAVE)("SeaBIOS 1.16.2 on the i440fx PC", () => {
  let dir: string;
  let disk: string;
  let qemuLines: string[];

  beforeAll(() => {
    dir = tempDir();
    disk = qcow2With(dir, "mbr", nasm(dir, MBR_ASM));
    qemuLines = qemuLog(dir, disk).split("\n");
  }, 60_000);

  it("boots to the MBR and prints QEMU's debug log lines", () => {
    const m = pc(disk);
    expect(runToExit(m)).toBe("exit");
    const ours = m.debugcons[0]!.text().split("\n");
    for (const line of [
      "Running on QEMU (i440fx)",
      "Found QEMU fw_cfg",
      "QEMU fw_cfg DMA interface supported",
      "qemu/e820: addr 0x0000000000000000 len 0x0000000002000000 [RAM]",
      "Found 4 PCI devices (max PCI bus is 00)",
      "PCI: map device bdf=00:01.1  bar 4, addr 0000c000, size 00000010 [io]",
      "PCI: init bdf=00:01.3 id=8086:7113",
      "PIIX3/PIIX4 init: elcr=00 0c",
      "Found 1 cpu(s) max supported 1 cpu(s)",
      "ATA controller 1 at 1f0/3f4/0 (irq 14 dev 9)",
      "ata0-0: QEMU HARDDISK ATA-7 Hard-Disk (16 MiBytes)",
      "PS2 keyboard initialized",
      "e820 map has 6 items:",
      "  0: 0000000000000000 - 000000000009fc00 = 1 RAM",
      "Booting from Hard Disk...",
      "Booting from 0000:7c00",
      "MBR: hello from the boot sector",
    ]) {
      expect(ours).toContain(line);
      expect(qemuLines).toContain(line);
    }
    const { matched, missing } = matchingLines(
      qemuLines.filter((l) => l !== ""),
      ours,
    );
    console.log(
      `SeaBIOS log: ${matched.length} of ${matched.length + missing.length} QEMU lines reproduced exactly; differing:\n  ${missing.join("\n  ")}`,
    );
    // The rest differ because QEMU hands SeaBIOS its own ACPI/SMBIOS tables (etc/table-loader moves
    // pm_base to 0x600 and sizes ZoneHigh): addresses of later allocations shift.
    expect(matched.length).toBeGreaterThanOrEqual(50);
  }, 120_000);

  it("re-runs the firmware after an i8042 reset pulse and a 0xcf9 reset during POST, keeping PAM", () => {
    const bios = readFileSync(SEABIOS);
    for (const [port, value] of [
      [0x64, 0xfe],
      [0xcf9, 0x06],
    ] as const) {
      const m = pc(disk);
      m.run(3_000_000); // mid-POST: PCI set up, the BIOS shadowed in RAM
      const pamBefore = m.pc.host.pamRegisters();
      const low = m.readPhysical(0xe0000, 0x20000);
      const pristine = m.readPhysical(0xfffe0000, 0x20000);
      expect(pamBefore).not.toEqual([0, 0, 0, 0, 0, 0, 0]);
      expect(Buffer.from(pristine).equals(bios)).toBe(true);
      // The shadow copy in RAM is not the pristine image any more (POST variables written).
      expect(Buffer.from(low).equals(bios)).toBe(false);
      m.io.out(port, 1, value);
      expect(m.run(1_000).kind).toBe("reset");
      expect(m.pc.host.pamRegisters()).toEqual(pamBefore);
      expect(Buffer.from(m.readPhysical(0xe0000, 0x20000)).equals(low)).toBe(true);
      expect(Buffer.from(m.readPhysical(0xfffe0000, 0x20000)).equals(bios)).toBe(true);
      expect(runToExit(m)).toBe("exit");
      // SeaBIOS saw HaveRunPost, restored itself from the pristine copy and rebooted once more.
      expect(m.resets).toBeGreaterThanOrEqual(2);
      const text = m.debugcons[0]!.text();
      expect(text).toContain("ata0-0: QEMU HARDDISK ATA-7 Hard-Disk (16 MiBytes)");
      expect(text).toContain("MBR: hello from the boot sector");
    }
  }, 180_000);

  it("--smp 4: SeaBIOS finds 4 CPUs, as under QEMU", () => {
    const q = qemuLog(dir, disk, ["-smp", "4"]);
    expect(q).toContain("Found 4 cpu(s) max supported 4 cpu(s)");
    const m = pc(disk, 4);
    expect(runToExit(m)).toBe("exit");
    expect(m.debugcons[0]!.text()).toContain("Found 4 cpu(s) max supported 4 cpu(s)");
  }, 120_000);
});
