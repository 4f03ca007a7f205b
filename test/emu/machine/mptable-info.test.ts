// `info mptable` and `info fw_cfg` on the PC after SeaBIOS built its MP table: the decoded table is
// the same text for pcscope's guest memory and for QEMU 7.2's (saved with the monitor's pmemsave at
// the boot sector), one CPU entry per package, and the fw_cfg listing names QEMU's files.
import { spawn } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { AioContext, openImage } from "../../../src/emu/block/index.ts";
import { parseSmp } from "../../../src/emu/machine/cpu-topology.ts";
import { infoMptable } from "../../../src/emu/machine/mptable-info.ts";
import { createPcMachine } from "../../../src/emu/machine/pc.ts";
import { nasm, qcow2With, SEABIOS, tempDir } from "../../firmware/seabios-helpers.ts";
import { needPeers } from "../../helpers/peers.ts";

const SMP = "3,maxcpus=4,sockets=2,cores=2";
/** A boot sector that says it ran and stays halted (so QEMU's memory can be saved). */
const MBR_HALT = `bits 16
org 0x7c00
  cli
  mov dx, 0x402
  mov si, msg
.l: cs lodsb
  test al, al
  jz .done
  out dx, al
  jmp .l
.done:
  hlt
  jmp .done
msg: db "MBR: halted", 10, 0
times 510-($-$$) db 0
dw 0xaa55
`;

/** QEMU's first MiB of guest memory once SeaBIOS reached the boot sector. */
async function qemuLowMemory(dir: string, disk: string): Promise<Uint8Array> {
  const log = join(dir, "qemu.log");
  const dump = join(dir, "low.bin");
  const proc = spawn(
    "qemu-system-i386",
    [
      ...["-nodefaults", "-display", "none", "-M", "pc", "-m", "32", "-bios", SEABIOS, "-cpu", "qemu32"],
      ...["-smp", SMP, "-drive", `file=${disk},format=qcow2,if=ide,snapshot=on`],
      ...["-debugcon", `file:${log}`, "-global", "isa-debugcon.iobase=0x402", "-monitor", "stdio"],
    ],
    { stdio: ["pipe", "ignore", "ignore"] },
  );
  try {
    const until = async (ok: () => boolean, what: string) => {
      for (let i = 0; i < 400 && !ok(); i++) await new Promise((r) => setTimeout(r, 50));
      if (!ok()) throw new Error(`QEMU: ${what}`);
    };
    await until(
      () => existsSync(log) && readFileSync(log, "latin1").includes("MBR: halted"),
      "no boot sector",
    );
    proc.stdin.write(`pmemsave 0 0x100000 "${dump}"\n`); // quoted: HMP reads / as division
    await until(() => existsSync(dump) && statSync(dump).size === 0x100000, "no memory dump");
    return readFileSync(dump);
  } finally {
    proc.kill("SIGKILL");
  }
}

describe.skipIf(!needPeers("seabios", "qemu-system-i386", "qemu-img", "nasm"))(
  "info mptable and info fw_cfg",
  () => {
    let dir: string;
    let disk: string;
    beforeAll(() => {
      dir = tempDir();
      disk = qcow2With(dir, "halt", nasm(dir, MBR_HALT));
    });

    it("decodes the same MP table from pcscope's memory as from QEMU's; lists the fw_cfg files", async () => {
      const aio = new AioContext("sync");
      const m = createPcMachine({
        bios: readFileSync(SEABIOS),
        cpus: parseSmp(SMP),
        cpuModel: "qemu32",
        debugcons: [{ port: 0x402, sink: null }],
        drives: [
          { index: 0, media: "disk", backend: openImage(disk, { ctx: aio, readOnly: true, lock: false }) },
        ],
        aio,
      });
      for (let i = 0; i < 20 && !m.debugcons[0]!.text().includes("MBR: halted"); i++) m.run(5_000_000);
      const ours = m.monitor.info("mptable")!;
      const qemuMemory = await qemuLowMemory(dir, disk);
      const theirs = infoMptable((addr, length) => qemuMemory.subarray(addr, addr + length));
      expect(ours).toBe(theirs);
      expect(ours).toMatch(/^floating pointer 0x000f[0-9a-f]{4} spec 1\.4 config table 0x000f/);
      // Two packages of two cores: SeaBIOS lists the first CPU of each (APIC IDs 0 and 2).
      expect(ours.match(/^ {2}CPU apic id \d+/gm)).toEqual(["  CPU apic id 0", "  CPU apic id 2"]);
      expect(ours).toContain("  IOAPIC id 0 version 0x11 at 0xfec00000");
      expect(ours).toContain("  local interrupt ExtINT ISA 1 irq 0 -> LAPIC 0 pin 0");
      const fwcfg = m.monitor.info("fw_cfg")!;
      expect(fwcfg).toMatch(/^000f +2 \(legacy\) max_cpus$/m);
      expect(fwcfg).toMatch(/^[0-9a-f]{4} +31 etc\/smbios\/smbios-anchor$/m);
    }, 120_000);

    it("says when the guest has no MP table yet", () => {
      const m = createPcMachine({ bios: readFileSync(SEABIOS) });
      expect(m.monitor.info("mptable")).toBe(
        "no MP floating pointer (the firmware has not built an MP table)",
      );
    });
  },
);
