// SeaBIOS boot to the MBR with 1, 78 and 255 vCPUs: wall time and peak RSS of a process doing only
// that (bench/lib/smp-boot-child.ts), beside QEMU TCG's (`qemu-system-i386 -M pc -smp N`, its
// process wall time and peak RSS from /usr/bin/time) in the same run. Issue 14's goal: 255 vCPUs
// well under 1 GiB.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { report } from "./lib/report.ts";

const COUNTS = [1, 78, 255];
const CHILD = join(import.meta.dirname, "lib", "smp-boot-child.ts");
/** mov dx,0xf4; xor al,al; out dx,al; hlt — then the boot signature. */
const MBR = new Uint8Array(512);
MBR.set([0xfa, 0xba, 0xf4, 0x00, 0x30, 0xc0, 0xee, 0xf4]);
MBR[510] = 0x55;
MBR[511] = 0xaa;

/** pcscope's boot in a child process: seconds and peak RSS in MiB. */
function ours(disk: string, cpus: number): { seconds: number; rssMiB: number } {
  const out = execFileSync(process.execPath, ["--import", "tsx", CHILD, String(cpus), disk], {
    encoding: "utf8",
  });
  const r = JSON.parse(out) as { seconds: number; maxRssKiB: number; kind: string };
  if (r.kind !== "exit") throw new Error(`pcscope -smp ${cpus} stopped with ${r.kind}`);
  return { seconds: r.seconds, rssMiB: r.maxRssKiB / 1024 };
}

/** QEMU's boot: seconds and peak RSS in MiB, or null when QEMU or /usr/bin/time is missing. */
function qemu(disk: string, cpus: number): { seconds: number; rssMiB: number } | null {
  if (!existsSync("/usr/bin/time")) return null;
  const t0 = performance.now();
  const r = spawnSync("/usr/bin/time", [
    ...["-f", "maxrss=%M", "qemu-system-i386"],
    ...["-nodefaults", "-display", "none", "-M", "pc", "-m", "32", "-smp", String(cpus)],
    ...["-drive", `file=${disk},format=qcow2,if=ide,snapshot=on`],
    ...["-device", "isa-debug-exit,iobase=0xf4,iosize=1"],
  ]);
  const m = /maxrss=(\d+)/.exec(r.stderr.toString());
  if (r.status !== 1 || m === null) return null;
  return { seconds: (performance.now() - t0) / 1000, rssMiB: Number(m[1]) / 1024 };
}

/** Boots each count once under each and prints the figures. */
export default async function smpBench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "pcscope-smp-bench-"));
  try {
    const raw = join(dir, "d.raw");
    const disk = join(dir, "d.qcow2");
    const bytes = new Uint8Array(16 << 20);
    bytes.set(MBR);
    writeFileSync(raw, bytes);
    execFileSync("qemu-img", ["convert", "-f", "raw", "-O", "qcow2", raw, disk]);
    for (const cpus of COUNTS) {
      const o = ours(disk, cpus);
      const q = qemu(disk, cpus);
      const note = q === null ? "qemu-system-i386 or /usr/bin/time missing" : undefined;
      report({
        name: `SeaBIOS to the MBR, -smp ${cpus}, wall`,
        unit: "s",
        ours: o.seconds,
        peer: q?.seconds ?? null,
        peerName: "qemu",
        higherIsBetter: false,
        note,
      });
      report({
        name: `SeaBIOS to the MBR, -smp ${cpus}, peak RSS`,
        unit: "MiB",
        ours: o.rssMiB,
        peer: q?.rssMiB ?? null,
        peerName: "qemu",
        higherIsBetter: false,
        note,
      });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
