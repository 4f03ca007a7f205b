// SeaBIOS boot to the MBR: Debian's bios.bin on the i440fx PC with a qcow2 disk whose boot sector
// writes to isa-debug-exit, wall time (median of REPS) and guest instructions under pcscope beside
// QEMU TCG (`qemu-system-i386 -M pc`, process wall time including its start-up) in the same run.
// Goal (the speed issue): pcscope's wall time no more than QEMU's. Then the Linux guest booted to
// power-off beside QEMU and v86 (bench/lib/linux-boot.ts).
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AioContext, openImage } from "../src/emu/block/index.ts";
import { createPcMachine, hostVapicRom } from "../src/emu/machine/pc.ts";
import { linuxBootBench } from "./lib/linux-boot.ts";
import { median, report } from "./lib/report.ts";

const REPS = 3;
const SEABIOS = "/usr/share/seabios/bios.bin";
/** mov dx,0xf4; xor al,al; out dx,al; hlt — then the boot signature. */
const MBR = new Uint8Array(512);
MBR.set([0xfa, 0xba, 0xf4, 0x00, 0x30, 0xc0, 0xee, 0xf4]);
MBR[510] = 0x55;
MBR[511] = 0xaa;

/** One pcscope boot; returns [seconds, instructions]. */
function ours(disk: string): [number, number] {
  const aio = new AioContext("sync");
  const vapic = hostVapicRom();
  const t0 = performance.now();
  const m = createPcMachine({
    bios: readFileSync(SEABIOS),
    debugcons: [{ port: 0x402, sink: null }],
    debugExit: { port: 0xf4, size: 1 },
    drives: [{ index: 0, media: "disk", backend: openImage(disk, { ctx: aio, readOnly: true }) }],
    aio,
    optionRoms: vapic === null ? [] : [vapic],
  });
  for (let i = 0; i < 20; i++) if (m.run(5_000_000).kind === "exit") break;
  return [(performance.now() - t0) / 1000, m.cpus[0]!.instructions];
}

/** One QEMU boot's wall seconds, or null when QEMU is missing. */
function qemu(disk: string): number | null {
  const t0 = performance.now();
  const r = spawnSync("qemu-system-i386", [
    ...["-nodefaults", "-display", "none", "-M", "pc", "-m", "32", "-bios", SEABIOS],
    ...["-drive", `file=${disk},format=qcow2,if=ide,snapshot=on`],
    ...["-device", "isa-debug-exit,iobase=0xf4,iosize=1"],
  ]);
  // Status 1 is both isa-debug-exit's (0<<1)|1 and QEMU's own error exit: require silence too.
  return r.status === 1 && r.stderr.length === 0 ? (performance.now() - t0) / 1000 : null;
}

/** Boots SeaBIOS to the MBR REPS times under each and prints the medians. */
export default async function bootBench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "pcscope-boot-bench-"));
  try {
    const raw = join(dir, "d.raw");
    const disk = join(dir, "d.qcow2");
    const bytes = new Uint8Array(16 << 20);
    bytes.set(MBR);
    writeFileSync(raw, bytes);
    execFileSync("qemu-img", ["convert", "-f", "raw", "-O", "qcow2", raw, disk]);
    const runs = Array.from({ length: REPS }, () => ours(disk));
    const q = Array.from({ length: REPS }, () => qemu(disk));
    const qemuTimes = q.filter((x) => x !== null);
    report({
      name: "SeaBIOS boot to MBR (wall)",
      unit: "s",
      ours: median(runs.map((r) => r[0])),
      peer: qemuTimes.length > 0 ? median(qemuTimes) : null,
      peerName: "qemu-tcg",
      higherIsBetter: false,
      note: `${runs[0]![1]} guest instructions under pcscope; QEMU's reference count is about 5.6M`,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  await linuxBootBench();
}
