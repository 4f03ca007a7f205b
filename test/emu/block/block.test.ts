// The generic block layer: coroutine and bottom-half semantics in sync and async mode, request
// alignment (read-modify-write done once in the generic layer), scatter/gather, drain, read-only
// opens, and open-time refusals. The image locks are tested in lock.test.ts.
import { readFileSync, writeFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { AioContext } from "../../../src/emu/block/aio-context.ts";
import { EIO, EPERM } from "../../../src/emu/block/errors.ts";
import { BlockError, createImage, openImage } from "../../../src/emu/block/index.ts";
import { TraceBus, type TraceEvent } from "../../../src/emu/trace/bus.ts";
import { needPeers } from "../../helpers/peers.ts";
import { pattern, qemuCheck, qemuImg, tempDir } from "./qemu.ts";

const t = tempDir("block");
afterAll(() => t.cleanup());

describe("AioContext and BlockBackend", () => {
  it("runs completions as bottom halves, never inside the submitting call (sync mode)", () => {
    const file = t.path("bh.raw");
    createImage(file, { format: "raw", size: 1 << 20 });
    const blk = openImage(file);
    const seen: number[] = [];
    const acb = blk.aioPwritev(4096, new Uint8Array(512).fill(1), (ret) => seen.push(ret));
    expect(acb.ret).toBe(0); // the coroutine already finished (sync mode)...
    expect(seen).toEqual([]); // ...but the callback waits for the bottom-half pass
    expect(blk.inFlight).toBe(1);
    expect(blk.ctx.runBottomHalves()).toBe(1);
    expect(seen).toEqual([0]);
    expect(blk.inFlight).toBe(0);
    blk.aioPreadv(2 << 20, new Uint8Array(512), (ret) => seen.push(ret));
    blk.ctx.poll();
    expect(seen).toEqual([0, -EIO]); // beyond the end of the device
    blk.closeSync();
  });

  it("completes host I/O asynchronously in async mode and re-enters coroutines from poll()", async () => {
    const file = t.path("async.qcow2");
    createImage(file, { format: "qcow2", size: 8 << 20 });
    const bus = new TraceBus();
    const events: TraceEvent[] = [];
    bus.subscribe("qemu_coroutine_*", (e) => events.push(e));
    const blk = openImage(file, { ctx: new AioContext("async", bus) });
    const done: number[] = [];
    for (let i = 0; i < 8; i++) blk.aioPwritev(i * 100_000, pattern(i, 70_000), (ret) => done.push(ret));
    expect(done).toEqual([]);
    expect(blk.ctx.pendingHostOps).toBeGreaterThan(0);
    await blk.drain();
    expect(done).toEqual(new Array(8).fill(0));
    const buf = new Uint8Array(70_000);
    for (let i = 0; i < 8; i++) {
      await blk.pread(i * 100_000, buf);
      expect(Buffer.from(buf).equals(Buffer.from(pattern(i, 70_000)))).toBe(true);
    }
    await blk.close();
    expect(events.filter((e) => e.name === "qemu_coroutine_terminate").length).toBeGreaterThanOrEqual(16);
    if (needPeers("qemu-img")) expect(qemuCheck(file).status).toBe(0);
  });

  it("does read-modify-write for unaligned requests once, in the generic layer", () => {
    const file = t.path("rmw.raw");
    createImage(file, { format: "raw", size: 1 << 20 });
    const bus = new TraceBus();
    const rmw: TraceEvent[] = [];
    const writes: TraceEvent[] = [];
    bus.subscribe("bdrv_rmw", (e) => rmw.push(e));
    bus.subscribe("file_pwrite", (e) => writes.push(e));
    const blk = openImage(file, { ctx: new AioContext("sync", bus) });
    blk.root.requestAlignment = 4096; // as for a host file opened with O_DIRECT
    const expected = new Uint8Array(1 << 20);
    for (const [off, len] of [
      [100, 10],
      [4000, 200],
      [8192, 4096],
      [12_000, 9000],
    ] as const) {
      const d = pattern(off, len);
      blk.pwriteSync(off, d);
      expected.set(d, off);
    }
    expect(rmw.length).toBe(3);
    expect(
      writes.every(
        (w) => (w.fields.offset as number) % 4096 === 0 && (w.fields.bytes as number) % 4096 === 0,
      ),
    ).toBe(true);
    const all = new Uint8Array(1 << 20);
    blk.preadSync(0, all);
    expect(Buffer.from(all).equals(Buffer.from(expected))).toBe(true);
    blk.closeSync();
    expect(Buffer.from(readFileSync(file)).equals(Buffer.from(expected))).toBe(true);
  });

  it("scatters and gathers I/O vectors", () => {
    const file = t.path("iov.qcow2");
    createImage(file, { format: "qcow2", size: 1 << 20 });
    const blk = openImage(file);
    const parts = [pattern(1, 1000), pattern(2, 24), pattern(3, 5000)];
    let ret = 1;
    blk.aioPwritev(777, parts, (r) => (ret = r));
    blk.drainSync();
    expect(ret).toBe(0);
    const out = [new Uint8Array(3000), new Uint8Array(3024)];
    blk.aioPreadv(777, out, (r) => (ret = r));
    blk.drainSync();
    expect(Buffer.concat(out).equals(Buffer.concat(parts))).toBe(true);
    blk.closeSync();
  });

  it("opens read-only on request and refuses writes with EPERM", () => {
    const file = t.path("ro.qcow2");
    createImage(file, { format: "qcow2", size: 1 << 20 });
    const before = readFileSync(file);
    const blk = openImage(file, { readOnly: true });
    expect(blk.readOnly).toBe(true);
    expect(() => blk.pwriteSync(0, new Uint8Array(512))).toThrow(BlockError);
    let ret = 0;
    blk.aioPwritev(0, new Uint8Array(512), (r) => (ret = r));
    blk.drainSync();
    expect(ret).toBe(-EPERM);
    blk.closeSync();
    expect(readFileSync(file).equals(before)).toBe(true);
  });
});

describe.skipIf(!needPeers("qemu-img"))("qcow2 open policy and the overlap check", () => {
  /** Creates an image with qemu-img and patches the header with `patch`. */
  const patched = (name: string, patch: (dv: DataView) => void, opts: string[] = []): string => {
    const file = t.path(name);
    qemuImg("create", "-f", "qcow2", ...opts, file, "4M");
    const b = readFileSync(file);
    patch(new DataView(b.buffer, b.byteOffset, b.byteLength));
    writeFileSync(file, b);
    return file;
  };
  const refuse = (file: string, re: RegExp): void => {
    try {
      openImage(file).closeSync();
      throw new Error(`open of ${file} succeeded`);
    } catch (err) {
      expect(err).toBeInstanceOf(BlockError);
      expect((err as Error).message).toMatch(re);
      expect((err as Error).message).not.toContain("\n");
    }
  };

  it("refuses unsupported features with one error naming the feature", () => {
    refuse(
      patched("unk.qcow2", (d) => d.setBigUint64(72, 1n << 20n)),
      /unsupported qcow2 feature.*unknown feature bit 20/,
    );
    refuse(
      patched("ext.qcow2", (d) => d.setBigUint64(72, 1n << 4n)),
      /extended L2 entries are not supported/,
    );
    refuse(
      patched("df.qcow2", (d) => d.setBigUint64(72, 1n << 2n)),
      /external data files are not supported/,
    );
    refuse(
      patched("enc.qcow2", (d) => d.setUint32(32, 1)),
      /encrypted images are not supported/,
    );
    refuse(
      patched("zstd.qcow2", (d) => {
        d.setBigUint64(72, 1n << 3n);
        d.setUint8(104, 1);
      }),
      /compression type zstd/,
    );
    refuse(
      patched("ver.qcow2", (d) => d.setUint32(4, 4)),
      /unsupported qcow2 version 4/,
    );
    const corrupt = patched("corrupt.qcow2", (d) => d.setBigUint64(72, 1n << 1n));
    refuse(corrupt, /corrupt; cannot be opened read\/write/);
    openImage(corrupt, { readOnly: true }).closeSync();
  });

  it("opens a dirty image read-only and clears autoclear bits before writing", () => {
    const dirty = patched("dirty.qcow2", (d) => d.setBigUint64(72, 1n), ["-o", "lazy_refcounts=on"]);
    const blk = openImage(dirty);
    expect(blk.readOnly).toBe(true);
    blk.closeSync();
    const auto = patched("auto.qcow2", (d) => d.setBigUint64(88, 0x8000_0000_0000_0002n));
    openImage(auto).closeSync();
    expect(readFileSync(auto).readBigUInt64BE(88)).toBe(0n);
    expect(qemuCheck(auto).status).toBe(0);
  });

  it("refuses a write that would hit metadata, marks the image corrupt, and reports EIO", () => {
    const file = t.path("overlap.qcow2");
    qemuImg("create", "-f", "qcow2", file, "4M");
    const b = readFileSync(file);
    // Point the first L2 entry's table at the refcount table (cluster 1): L1[0] -> a fresh L2 at
    // cluster 4 whose entry 0 names cluster 1 as a COPIED data cluster.
    const l1 = Number(b.readBigUInt64BE(40));
    const img = Buffer.concat([b, Buffer.alloc(65536 * 5 - b.length)]);
    img.writeBigUInt64BE((1n << 63n) | 0x40000n, l1);
    img.writeBigUInt64BE((1n << 63n) | 0x10000n, 0x40000);
    writeFileSync(file, img);
    const bus = new TraceBus();
    const checks: TraceEvent[] = [];
    bus.subscribe("qcow2_pre_write_overlap_check,qcow2_mark_corrupt", (e) => checks.push(e));
    const blk = openImage(file, { ctx: new AioContext("sync", bus), lock: false });
    let ret = 0;
    blk.aioPwritev(0, new Uint8Array(512).fill(0xee), (r) => (ret = r));
    blk.drainSync();
    expect(ret).toBe(-EIO);
    expect(blk.lastError).toMatch(/overlaps with refcount table/);
    expect(checks.some((e) => e.fields.result === "refcount table")).toBe(true);
    expect(checks.some((e) => e.name === "qcow2_mark_corrupt")).toBe(true);
    blk.abandon();
    expect(readFileSync(file).readBigUInt64BE(72) & 2n).toBe(2n);
    expect(readFileSync(file).subarray(0x10000, 0x10200).includes(0xee)).toBe(false);
  });
});
