// Property test: random write / write-zeroes / read / flush / reopen sequences through a BlockBackend
// agree with an in-memory model, with offsets drawn around cluster and L2-table boundaries, on
// (a) a fresh default image and (b) an image whose host file grows past its first refcount block
// (a 2047 MiB metadata-preallocated image resized to 2200 MiB, so new clusters land beyond 2 GiB
// of host file, sparse). After each sequence `qemu-img check` must report no corruption and no leak.
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { openImage } from "../../../src/emu/block/index.ts";
import { checkQcow2 } from "../../../src/emu/block/qcow2/check.ts";
import { needPeers } from "../../helpers/peers.ts";
import { pattern, qemuCheck, qemuImg, tempDir } from "./qemu.ts";

const MiB = 1 << 20;
const CLUSTER = 65536;
const L2_SPAN = CLUSTER * (CLUSTER / 8); // 512 MiB of guest per L2 table
const PAGE = 65536;

/** Sparse model of the guest disk. */
class Model {
  private readonly pages = new Map<number, Uint8Array>();
  constructor(readonly size: number) {}
  write(offset: number, data: Uint8Array): void {
    for (let i = 0; i < data.length; ) {
      const pos = offset + i;
      const p = Math.floor(pos / PAGE);
      const inPage = pos - p * PAGE;
      const n = Math.min(PAGE - inPage, data.length - i);
      const page = this.pages.get(p) ?? new Uint8Array(PAGE);
      this.pages.set(p, page);
      page.set(data.subarray(i, i + n), inPage);
      i += n;
    }
  }
  zero(offset: number, length: number): void {
    this.write(offset, new Uint8Array(length));
  }
  read(offset: number, length: number): Uint8Array {
    const out = new Uint8Array(length);
    for (let i = 0; i < length; ) {
      const pos = offset + i;
      const p = Math.floor(pos / PAGE);
      const inPage = pos - p * PAGE;
      const n = Math.min(PAGE - inPage, length - i);
      const page = this.pages.get(p);
      if (page) out.set(page.subarray(inPage, inPage + n), i);
      i += n;
    }
    return out;
  }
}

type Op =
  | { kind: "write"; offset: number; length: number; seed: number }
  | { kind: "zero"; offset: number; length: number }
  | { kind: "read"; offset: number; length: number }
  | { kind: "flush" }
  | { kind: "reopen" };

/** Offsets near the interesting boundaries of a disk of `size` bytes. */
function offsetArb(size: number, anchors: number[]): fc.Arbitrary<number> {
  return fc
    .tuple(
      fc.constantFrom(...anchors),
      fc.integer({ min: -3 * CLUSTER, max: 3 * CLUSTER }),
      fc.constantFrom(0, 0, 1, 512),
    )
    .map(([a, d, u]) => Math.min(Math.max(0, a + d * 1 + u), size - 1));
}

function opsArb(size: number, anchors: number[]): fc.Arbitrary<Op[]> {
  const off = offsetArb(size, anchors);
  const len = fc.oneof(
    fc.integer({ min: 1, max: 4096 }),
    fc.integer({ min: 1, max: 3 * CLUSTER }),
    fc.constant(CLUSTER),
  );
  const clamp = (o: number, l: number) => Math.max(1, Math.min(l, size - o));
  const op: fc.Arbitrary<Op> = fc.oneof(
    {
      weight: 5,
      arbitrary: fc
        .tuple(off, len, fc.nat())
        .map(([o, l, s]) => ({ kind: "write" as const, offset: o, length: clamp(o, l), seed: s })),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(off, len)
        .map(([o, l]) => ({ kind: "zero" as const, offset: o, length: clamp(o, l) })),
    },
    {
      weight: 3,
      arbitrary: fc
        .tuple(off, len)
        .map(([o, l]) => ({ kind: "read" as const, offset: o, length: clamp(o, l) })),
    },
    { weight: 1, arbitrary: fc.constant({ kind: "flush" as const }) },
    { weight: 1, arbitrary: fc.constant({ kind: "reopen" as const }) },
  );
  return fc.array(op, { minLength: 1, maxLength: 25 });
}

/** Runs `ops` on `file` (whose initial content is all zeros) and compares every read with the model. */
function runOps(file: string, size: number, ops: Op[]): void {
  const model = new Model(size);
  let blk = openImage(file);
  for (const op of ops) {
    switch (op.kind) {
      case "write": {
        const data = pattern(op.seed, op.length);
        blk.pwriteSync(op.offset, data);
        model.write(op.offset, data);
        break;
      }
      case "zero":
        blk.pwriteZeroesSync(op.offset, op.length);
        model.zero(op.offset, op.length);
        break;
      case "read": {
        const buf = new Uint8Array(op.length);
        blk.preadSync(op.offset, buf);
        expect(Buffer.from(buf).equals(Buffer.from(model.read(op.offset, op.length)))).toBe(true);
        break;
      }
      case "flush":
        blk.flushSync();
        break;
      case "reopen":
        blk.closeSync();
        blk = openImage(file);
        break;
    }
  }
  // Every byte touched must read back as the model says.
  for (const op of ops) {
    if (op.kind === "flush" || op.kind === "reopen") continue;
    const buf = new Uint8Array(op.length);
    blk.preadSync(op.offset, buf);
    expect(Buffer.from(buf).equals(Buffer.from(model.read(op.offset, op.length)))).toBe(true);
  }
  blk.closeSync();
}

const t = tempDir("prop");
afterAll(() => t.cleanup());

describe.skipIf(!needPeers("qemu-img"))("qcow2 against an in-memory model", () => {
  it("fresh 3 GiB image: cluster and L2 boundaries", () => {
    const size = 3 * 1024 * MiB;
    const anchors = [0, CLUSTER, 7 * CLUSTER, L2_SPAN, 2 * L2_SPAN, 5 * L2_SPAN, size - CLUSTER];
    let run = 0;
    fc.assert(
      fc.property(opsArb(size, anchors), (ops) => {
        const file = t.path(`fresh-${run++}.qcow2`);
        qemuImg("create", "-f", "qcow2", file, String(size));
        runOps(file, size, ops);
        const c = qemuCheck(file);
        expect(c.status, JSON.stringify(c.json)).toBe(0);
        const ours = checkQcow2(file);
        expect(ours.corruptions + ours.leaks).toBe(0);
      }),
      { numRuns: 25, seed: 4242 },
    );
  });

  it("host file grown past one refcount block (> 2 GiB of host clusters, sparse)", () => {
    const base = 2047 * MiB;
    const size = 2200 * MiB;
    const anchors = [0, base - CLUSTER, base, base + 40 * CLUSTER, 4 * L2_SPAN - CLUSTER, size - CLUSTER];
    let run = 0;
    let grewPast2G = false;
    fc.assert(
      fc.property(opsArb(size, anchors), (ops) => {
        const file = t.path(`big-${run++}.qcow2`);
        qemuImg("create", "-f", "qcow2", "-o", "preallocation=metadata", file, String(base));
        qemuImg("resize", file, String(size));
        // Ten new clusters first: the preallocated file ends 7 clusters short of 2 GiB.
        const grow: Op[] = [];
        for (let k = 0; k < 10; k++)
          grow.push({ kind: "write", offset: base + 8 * MiB + k * CLUSTER + 100, length: 1000, seed: k });
        runOps(file, size, [...grow, ...ops]);
        const c = qemuCheck(file);
        expect(c.status, JSON.stringify(c.json)).toBe(0);
        if (c.json["image-end-offset"]! > 2 ** 31) grewPast2G = true;
      }),
      { numRuns: 12, seed: 777 },
    );
    expect(grewPast2G).toBe(true);
  });
});
