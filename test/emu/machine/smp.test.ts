// `--smp N` with the option ROMs QEMU 7.2 offers (kvmvapic.bin, and multiboot_dma.bin for
// -kernel): SeaBIOS's SMP probe counts every CPU as under QEMU and the boot goes on to the kernel.
// This once hung: with a fixed scheduler slice the boot CPU's smp_scan spin loop always stopped
// holding SMPLock, and the APs spinning on it never ran handle_smp (see SLICE_JITTER in smp.ts).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadMultibootFile } from "../../../src/emu/machine/multiboot.ts";
import { createPcMachine, hostVapicRom, KVMVAPIC_ROM } from "../../../src/emu/machine/pc.ts";
import { needPeers } from "../../helpers/peers.ts";

const ROOT = join(import.meta.dirname, "../../..");
const KERNEL = join(ROOT, "firmware/tests/multiboot/kernel.elf");
const SEABIOS = "/usr/share/seabios/bios.bin";
const MEM = 32 * 1024 * 1024;

/** QEMU's debug log for the test kernel with `-smp cpus`. */
function qemuLog(cpus: number): string {
  const log = join(mkdtempSync(join(tmpdir(), "pcscope-smp-")), "qemu.log");
  const r = spawnSync(
    "qemu-system-i386",
    [
      ...["-nodefaults", "-display", "none", "-M", "pc", "-m", "32", "-smp", String(cpus)],
      ...["-kernel", KERNEL, "-debugcon", `file:${log}`, "-global", "isa-debugcon.iobase=0x402"],
      ...["-device", "isa-debug-exit,iobase=0xf4,iosize=1"],
    ],
    { timeout: 30_000 },
  );
  if (r.status !== 1) throw new Error(`qemu exited with ${r.status}: ${r.stderr}`);
  return readFileSync(log, "latin1");
}

/** pcscope's debug log for the same machine, or the stop kind if it did not reach isa-debug-exit. */
function pcscopeLog(cpus: number): { kind: string; log: string } {
  const vapic = hostVapicRom();
  const m = createPcMachine({
    bios: readFileSync(SEABIOS),
    memBytes: MEM,
    cpus,
    debugcons: [{ port: 0x402, sink: null }],
    debugExit: { port: 0xf4, size: 1 },
    optionRoms: vapic === null ? [] : [vapic],
    multiboot: loadMultibootFile(KERNEL, "", MEM),
  });
  let kind = "budget";
  for (let i = 0; i < 12 && kind === "budget"; i++) kind = m.run(5_000_000).kind;
  return { kind, log: m.debugcons[0]!.text() };
}

const lines = (log: string, re: RegExp) => log.split("\n").filter((l) => re.test(l));

describe.skipIf(!needPeers("qemu-system-i386", "seabios"))(
  "SeaBIOS's SMP probe with QEMU's option ROMs",
  () => {
    for (const cpus of [2, 4]) {
      it(`--smp ${cpus}: every CPU found, the option ROMs run and the kernel starts, as under QEMU`, () => {
        const qemu = qemuLog(cpus);
        const ours = pcscopeLog(cpus);
        expect(ours.kind).toBe("exit");
        const found = `Found ${cpus} cpu(s) max supported ${cpus} cpu(s)`;
        expect(lines(qemu, /^Found \d+ cpu/)).toEqual([found]);
        expect(lines(ours.log, /^Found \d+ cpu/)).toEqual([found]);
        const roms = /^Running option rom at /;
        expect(lines(ours.log, roms)).toEqual(lines(qemu, roms));
        if (hostVapicRom() !== null) expect(lines(qemu, roms).length).toBe(2);
        expect(lines(ours.log, /^mb: (eax|ebx|flags)=/)).toEqual(lines(qemu, /^mb: (eax|ebx|flags)=/));
        expect(ours.log).toContain("mb: done");
      }, 120_000);
    }
    it("the kvmvapic ROM is installed with QEMU", () => {
      expect(hostVapicRom()?.name ?? `missing ${KVMVAPIC_ROM}`).toBe("kvmvapic.bin");
    });
  },
);
