// Block layer throughput: sequential 4 KiB and 64 KiB writes and reads at queue depth 1 through a
// BlockBackend into a fresh qcow2 image, beside `qemu-img bench -d 1 -t writeback` with the same
// request size and count in the same run. Each figure is the median of REPS runs.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createImage, openImage } from "../src/emu/block/index.ts";
import { median, report } from "./lib/report.ts";

const REPS = 3;
const CASES = [
  { size: 4096, count: 8000 },
  { size: 65536, count: 2000 },
];

/** Runs qemu-img bench; returns MiB/s or null when qemu-img is missing or fails. */
function qemuBench(file: string, size: number, count: number, write: boolean): number | null {
  const args = ["bench", ...(write ? ["-w", "--pattern=171"] : []), "-d", "1", "-t", "writeback"];
  args.push("-s", String(size), "-c", String(count), "-f", "qcow2", file);
  const r = spawnSync("qemu-img", args, { encoding: "utf8" });
  const m = /Run completed in ([\d.]+) seconds/.exec(r.stdout ?? "");
  if (r.status !== 0 || !m) return null;
  return (size * count) / (1 << 20) / Number(m[1]);
}

/** Our sequential QD1 run through aio requests; returns MiB/s. */
function ourBench(file: string, size: number, count: number, write: boolean): number {
  const blk = openImage(file);
  const buf = new Uint8Array(size).fill(171);
  let done = 0;
  const cb = (ret: number): void => {
    if (ret < 0) throw new Error(`bench request failed: ${ret}`);
    done++;
  };
  const start = process.hrtime.bigint();
  for (let i = 0; i < count; i++) {
    if (write) blk.aioPwritev(i * size, buf, cb);
    else blk.aioPreadv(i * size, buf, cb);
    while (done <= i) blk.ctx.poll();
  }
  const secs = Number(process.hrtime.bigint() - start) / 1e9;
  blk.closeSync();
  return (size * count) / (1 << 20) / secs;
}

export default async function blockBench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "pcscope-bench-"));
  try {
    for (const { size, count } of CASES) {
      const diskSize = size * count + (1 << 20);
      const r = {
        ow: [] as number[],
        or: [] as number[],
        qw: [] as (number | null)[],
        qr: [] as (number | null)[],
      };
      for (let rep = 0; rep < REPS; rep++) {
        const ours = join(dir, `ours-${rep}.qcow2`);
        createImage(ours, { format: "qcow2", size: diskSize });
        r.ow.push(ourBench(ours, size, count, true));
        r.or.push(ourBench(ours, size, count, false));
        const theirs = join(dir, `qemu-${rep}.qcow2`);
        createImage(theirs, { format: "qcow2", size: diskSize });
        r.qw.push(qemuBench(theirs, size, count, true));
        r.qr.push(qemuBench(theirs, size, count, false));
        rmSync(ours);
        rmSync(theirs);
      }
      const peer = (l: (number | null)[]) => (l.every((v) => v !== null) ? median(l as number[]) : null);
      const kib = `${size / 1024} KiB`;
      const note = `QD1, ${count} requests, median of ${REPS}`;
      report({
        name: `qcow2 seq write ${kib}`,
        unit: "MiB/s",
        ours: median(r.ow),
        peer: peer(r.qw),
        peerName: "qemu-img bench",
        higherIsBetter: true,
        note,
      });
      report({
        name: `qcow2 seq read ${kib}`,
        unit: "MiB/s",
        ours: median(r.or),
        peer: peer(r.qr),
        peerName: "qemu-img bench",
        higherIsBetter: true,
        note,
      });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
