// Fuzzed images: headers and tables of real qemu-img images mutated (fields set to 0, huge values,
// offsets past EOF or into the header, misaligned offsets, refcount blocks pointing at themselves or
// at L2 tables, L2 entries aimed at metadata, random byte flips). Every open must give a one-line
// BlockError or an image that reads and writes without throwing anything but BlockErrors, and every
// write the driver makes to the file must have passed the overlap check first. Also truncated files,
// mutated L2 entries and a backing file naming the image itself (a loop). Every CHECK_EVERY-th
// image that qemu-img check finds clean must still be clean after pcscope's writes.
// `npm test` runs stressCount(10) * 30 images; `npm run stress 350` runs >= 10,000.
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AioContext } from "../../../src/emu/block/aio-context.ts";
import { BlockError, openImage } from "../../../src/emu/block/index.ts";
import { TraceBus, type TraceEvent } from "../../../src/emu/trace/bus.ts";
import { needPeers } from "../../helpers/peers.ts";
import { stressCount } from "../../helpers/stress.ts";
import { qemuImg, qemuIo, tempDir } from "./qemu.ts";

const t = tempDir("fuzz");
/** One mutated image in this many is checked by qemu-img before and after pcscope writes it. */
const CHECK_EVERY = 10;
afterAll(() => t.cleanup());
const bases: Uint8Array[] = [];

/** xorshift32 */
function rng(seed: number): (n: number) => number {
  let x = seed >>> 0 || 1;
  return (n) => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % n;
  };
}

/** Header fields: [offset, width in bytes]. */
const FIELDS: [number, number][] = [
  [4, 4],
  [8, 8],
  [16, 4],
  [20, 4],
  [24, 8],
  [32, 4],
  [36, 4],
  [40, 8],
  [48, 8],
  [56, 4],
  [60, 4],
  [64, 8],
  [72, 8],
  [80, 8],
  [88, 8],
  [96, 4],
  [100, 4],
  [104, 1],
];

/** Applies 1-4 mutations to a copy of `base`. */
function mutate(base: Uint8Array, r: (n: number) => number): Uint8Array {
  const img = new Uint8Array(base);
  const dv = new DataView(img.buffer);
  const cs = 2 ** dv.getUint32(20);
  const clusters = Math.floor(img.length / cs);
  const interesting = (): bigint => {
    const choices = [
      0n,
      1n,
      512n,
      BigInt(cs),
      BigInt(cs) + 8n,
      BigInt(img.length),
      BigInt(img.length + cs),
      0xffffffffn,
      0xffffffffffffffffn,
      1n << 62n,
      1n << 63n,
      BigInt(r(clusters) * cs),
      BigInt(r(img.length)),
    ];
    return choices[r(choices.length)]!;
  };
  const n = 1 + r(4);
  let out = img;
  for (let k = 0; k < n; k++) {
    const m = r(9);
    if (m === 0) {
      const [off, w] = FIELDS[r(FIELDS.length)]!;
      const v = interesting();
      if (w === 8) dv.setBigUint64(off, v);
      else if (w === 4) dv.setUint32(off, Number(v & 0xffffffffn));
      else img[off] = Number(v & 0xffn);
    } else if (m === 1 || m === 2) {
      // An 8-byte table entry in the first clusters (reftable, refblock, L1, L2) set to a metadata cluster.
      const c = 1 + r(Math.min(clusters - 1, 6));
      const e = c * cs + r(cs / 8) * 8;
      const target = BigInt(r(Math.min(clusters, 8)) * cs) | (r(2) ? 1n << 63n : 0n);
      dv.setBigUint64(e, m === 1 ? target : interesting());
    } else if (m === 3) {
      // Refcount entry changes (loops, zero refcounts for live clusters).
      const rb = Number(
        dv.getBigUint64(Number(dv.getBigUint64(48) % BigInt(img.length)) || 0) % BigInt(img.length),
      );
      const p = Math.min(img.length - 2, rb + r(64) * 2);
      dv.setUint16(p - (p % 2), r(4) === 0 ? 0xffff : r(3));
    } else if (m === 4) {
      for (let b = 0; b < 1 + r(8); b++) img[r(Math.min(img.length, 6 * cs))] = r(256);
    } else if (m === 5) {
      // An entry of the first L2 table (wherever L1[0] points) aimed at metadata, past EOF, or flagged.
      const l1 = Number(dv.getBigUint64(40) % BigInt(img.length)) & ~7;
      const l2 = Number((dv.getBigUint64(l1) & 0x00fffffffffffe00n) % BigInt(img.length)) & ~7;
      const e = l2 + r(Math.max(1, Math.min(cs, img.length - l2) / 8)) * 8;
      if (e + 8 <= img.length) dv.setBigUint64(e, interesting() | (r(2) ? 1n << 63n : 0n) | (r(4) ? 0n : 1n));
    } else if (m === 6) {
      // A backing file naming the image itself: a loop of one.
      const name = new TextEncoder().encode("fuzz.qcow2");
      const at = 512 + r(64) * 8;
      if (at + name.length <= Math.min(cs, img.length)) {
        img.set(name, at);
        dv.setBigUint64(8, BigInt(at));
        dv.setUint32(16, name.length);
      }
    } else {
      // Truncated anywhere (header, tables, data).
      out = img.subarray(0, r(img.length + 1));
    }
  }
  return out;
}

/** qemu-img check's status on a file (null when it died or took too long). */
function qemuCheckStatus(file: string): number | null {
  return spawnSync("qemu-img", ["check", file], { timeout: 5_000, stdio: "ignore" }).status;
}

/** True when pcscope opens the image read-only (which changes nothing): worth a qemu-img check. */
function opensReadOnly(file: string): boolean {
  try {
    openImage(file, { readOnly: true, lock: false }).closeSync();
    return true;
  } catch (err) {
    if (!(err instanceof BlockError)) throw err;
    return false;
  }
}

describe.skipIf(!needPeers("qemu-img", "qemu-io"))("fuzzed qcow2 images", () => {
  beforeAll(() => {
    const mk = (name: string, opts: string[], io: string[]): void => {
      const f = t.path(name);
      qemuImg("create", "-f", "qcow2", ...opts, f, "4M");
      if (io.length > 0) qemuIo(f, io);
      bases.push(new Uint8Array(readFileSync(f)));
    };
    mk("a.qcow2", [], ["write -P 1 0 192k", "write -z 1M 64k", "write -P 2 3M 4k"]);
    mk("b.qcow2", ["-o", "compat=0.10"], ["write -P 3 64k 128k"]);
    mk("c.qcow2", ["-o", "cluster_size=4096"], ["write -P 4 0 40k", "write -P 5 2M 8k"]);
    const snap = t.path("a.qcow2");
    qemuImg("snapshot", "-c", "s1", snap);
    bases.push(new Uint8Array(readFileSync(snap)));
    const raw = t.path("comp.raw");
    writeFileSync(raw, new Uint8Array(256 * 1024).fill(7));
    const comp = t.path("comp.qcow2");
    qemuImg("convert", "-c", "-f", "raw", "-O", "qcow2", raw, comp);
    bases.push(new Uint8Array(readFileSync(comp)));
  });

  it(
    "never crashes, hangs or writes around the overlap check",
    async () => {
      const count = stressCount(10) * 30;
      const file = t.path("fuzz.qcow2");
      let refused = 0;
      let opened = 0;
      let ioErrors = 0;
      let probedRaw = 0;
      let checkedClean = 0;
      const messages = new Set<string>();
      for (let i = 0; i < count; i++) {
        // Let the test runner's worker answer its RPC now and then during a long stress run.
        if (i % 100 === 99) await new Promise((resolve) => setImmediate(resolve));
        const r = rng(0x9e3779b9 ^ (i * 2654435761));
        writeFileSync(file, mutate(bases[i % bases.length]!, r));
        const cleanBefore = i % CHECK_EVERY === 0 && opensReadOnly(file) && qemuCheckStatus(file) === 0;
        const bus = new TraceBus();
        const events: TraceEvent[] = [];
        bus.subscribe("qcow2_pre_write_overlap_check,file_pwrite", (e) => events.push(e));
        let blk: ReturnType<typeof openImage>;
        try {
          blk = openImage(file, { ctx: new AioContext("sync", bus) });
        } catch (err) {
          if (!(err instanceof BlockError)) throw new Error(`iteration ${i}: open threw ${String(err)}`);
          expect(err.message).not.toContain("\n");
          messages.add(err.message.replace(/'[^']*'/, "FILE").replace(/0x[0-9a-f]+|\d+/g, "N"));
          refused++;
          continue;
        }
        opened++;
        const size = blk.size;
        const ops: (() => void)[] = [
          () => blk.preadSync(0, new Uint8Array(Math.min(size, 300_000))),
          () => blk.preadSync(Math.max(0, size - 70_000), new Uint8Array(Math.min(size, 70_000))),
          () => blk.pwriteSync(r(size), new Uint8Array(1).fill(8)),
          () => blk.pwriteSync(0, new Uint8Array(Math.min(size, 70_000)).fill(9)),
          () => blk.pwriteZeroesSync(0, Math.min(size, 131_072)),
          () => blk.flushSync(),
        ];
        for (const op of ops) {
          if (size === 0) break;
          try {
            op();
          } catch (err) {
            if (!(err instanceof BlockError))
              throw new Error(`iteration ${i}: I/O threw ${String((err as Error).stack)}`);
            ioErrors++;
          }
        }
        try {
          blk.closeSync();
        } catch (err) {
          if (!(err instanceof BlockError)) throw err;
          blk.abandon();
        }
        // Every pwrite of the qcow2 driver came right after an overlap check of the same range that passed.
        // (A mutated magic makes the file probe as raw, which has no metadata to protect.)
        if (blk.root.format !== "qcow2") {
          probedRaw++;
          continue;
        }
        for (let k = 0; k < events.length; k++) {
          const e = events[k]!;
          if (e.name !== "file_pwrite") continue;
          const check = events[k - 1];
          expect(check?.name, `iteration ${i}: unchecked write at ${e.fields.offset}`).toBe(
            "qcow2_pre_write_overlap_check",
          );
          expect(check!.fields.offset).toBe(e.fields.offset);
          expect(check!.fields.size).toBe(e.fields.bytes);
          expect(check!.fields.result).toBe("ok");
        }
        // pcscope's writes keep an image qemu-img found clean clean.
        if (cleanBefore) {
          expect(qemuCheckStatus(file), `iteration ${i}: qemu-img check after pcscope's writes`).toBe(0);
          checkedClean++;
        }
      }
      console.log(
        `fuzz: ${count} mutated images, ${refused} refused with a clear error, ${opened} opened (${probedRaw} as raw, ${ioErrors} I/O errors), ${messages.size} distinct messages, ${checkedClean} clean images still clean after writes`,
      );
      expect(refused).toBeGreaterThan(0);
      expect(opened).toBeGreaterThan(0);
    },
    stressCount(10) * 30 * 250 + 60_000, // 250 ms an image at most, on a loaded machine
  );
});
