// The trace of one guest-style write: a device request (as IDE will issue it) starts blk_aio_pwritev,
// the coroutine entered at blk_aio_write_entry runs blk_co_pwritev -> bdrv_co_pwritev_part (qcow2) ->
// qcow2_writev_start_req -> qcow2_handle_alloc -> overlap check -> bdrv_co_pwritev_part (file) ->
// file_pwrite -> qcow2_cluster_link_l2 -> qcow2_writev_done_req, and the completion arrives as a
// bottom half. Also the exporters: QEMU-style text, Chrome/Perfetto JSON, the ring buffer.
import { afterAll, describe, expect, it } from "vitest";
import { AioContext } from "../../../src/emu/block/aio-context.ts";
import { createImage, openImage } from "../../../src/emu/block/index.ts";
import { TraceBus, type TraceEvent } from "../../../src/emu/trace/bus.ts";
import { type toChromeTrace, toChromeTraceJson } from "../../../src/emu/trace/perfetto.ts";
import { TraceRing } from "../../../src/emu/trace/ring.ts";
import { formatTraceLine } from "../../../src/emu/trace/text.ts";
import { tempDir } from "../block/qemu.ts";

const t = tempDir("trace");
afterAll(() => t.cleanup());

/** Runs one device-style write and returns every event. */
function traceOneWrite(): { events: TraceEvent[]; device: number; completedInline: boolean } {
  const file = t.path(`w-${Math.random().toString(36).slice(2)}.qcow2`);
  createImage(file, { format: "qcow2", size: 16 << 20 });
  const bus = new TraceBus();
  const events: TraceEvent[] = [];
  bus.subscribe("*", (e) => events.push(e));
  const ctx = new AioContext("sync", bus);
  const blk = openImage(file, { ctx, name: "ide0-hd0" });
  const device = ctx.newRequestId();
  const irq = bus.point("pic_set_irq");
  bus.point("ide_dma_cb").emit({ offset: 32256, bytes: 4096 }, { req: device });
  let done = false;
  blk.aioPwritev(
    32256,
    new Uint8Array(4096).fill(0xaa),
    (ret) => {
      expect(ret).toBe(0);
      done = true;
      irq.emit({ irq: 14, level: 1 }, { req: device });
    },
    { parent: device },
  );
  const completedInline = done;
  ctx.poll();
  expect(done).toBe(true);
  blk.closeSync();
  return { events, device, completedInline };
}

describe("block trace", () => {
  it("one write produces the QEMU-named event tree with parent links", () => {
    const { events, device, completedInline } = traceOneWrite();
    expect(completedInline).toBe(false); // the callback is a bottom half, not run inside aioPwritev
    const at = (e: TraceEvent): number => events.indexOf(e);
    const first = (
      name: string,
      pred: (e: TraceEvent) => boolean = () => true,
      after?: TraceEvent,
    ): TraceEvent => {
      const from = after === undefined ? 0 : at(after);
      const e = events.find((x, i) => i >= from && x.name === name && pred(x));
      if (!e) throw new Error(`no ${name} in ${events.map((x) => x.name).join(",")}`);
      return e;
    };
    const aio = first("blk_aio_pwritev");
    expect(aio.parent).toBe(device);
    const enter = first("qemu_coroutine_enter");
    expect(enter.fields.entry).toBe("blk_aio_write_entry");
    const co = enter.co;
    const blkCo = first("blk_co_pwritev");
    expect(blkCo.req).toBe(aio.req);
    expect(blkCo.co).toBe(co);
    const qcowReq = first("bdrv_co_pwritev_part", (e) => e.fields.bs === "qcow2");
    expect(qcowReq.parent).toBe(aio.req);
    const start = first("qcow2_writev_start_req");
    expect(start.req).toBe(qcowReq.req);
    const alloc = first("qcow2_handle_alloc");
    expect(alloc.req).toBe(qcowReq.req);
    const host = alloc.fields.host_offset as number;
    const dataCheck = first(
      "qcow2_pre_write_overlap_check",
      (e) => (e.fields.offset as number) >= host && (e.fields.offset as number) < host + 65536,
      alloc,
    );
    expect(dataCheck.fields.result).toBe("ok");
    const fileReq = first(
      "bdrv_co_pwritev_part",
      (e) => e.fields.bs === "file" && e.parent === qcowReq.req,
      dataCheck,
    );
    const pwrite = first("file_pwrite", (e) => e.req === fileReq.req);
    expect(pwrite.fields.offset).toBe(dataCheck.fields.offset);
    expect(pwrite.co).toBe(co);
    const yieldEv = first("qemu_coroutine_yield", () => true, pwrite);
    expect(yieldEv.fields.wait).toBe("pwrite");
    first("qcow2_cluster_link_l2", (e) => e.req === qcowReq.req, pwrite);
    expect(first("qcow2_writev_done_req").fields.ret).toBe(0);
    first("qemu_coroutine_terminate", (e) => e.co === co);
    const complete = first("blk_aio_complete");
    expect(complete.req).toBe(aio.req);
    expect(complete.co).toBe(0);
    // Order: device -> aio -> ... -> completion -> interrupt.
    const order = [
      "ide_dma_cb",
      "blk_aio_pwritev",
      "blk_co_pwritev",
      "qcow2_writev_start_req",
      "qcow2_handle_alloc",
      "qcow2_cluster_link_l2",
      "qcow2_writev_done_req",
      "qemu_coroutine_terminate",
      "blk_aio_complete",
      "pic_set_irq",
    ];
    const idx = order.map((n) => events.findIndex((e) => e.name === n));
    expect(idx).toEqual([...idx].sort((a, b) => a - b));
    // Every block event's parent chain ends at the device request.
    const parentOf = new Map<number, number>();
    for (const e of events) if (e.req !== 0 && !parentOf.has(e.req)) parentOf.set(e.req, e.parent);
    for (const e of events.slice(0, at(complete) + 1)) {
      if (e.req === 0) continue;
      let r = e.req;
      for (let guard = 0; guard < 10 && r !== device; guard++) r = parentOf.get(r) ?? 0;
      expect(r, `${e.name} req ${e.req}`).toBe(device);
    }
  });

  it("exports Chrome Trace Event JSON with Perfetto's required fields, spans and flows", () => {
    const { events, device } = traceOneWrite();
    const doc = JSON.parse(toChromeTraceJson(events)) as ReturnType<typeof toChromeTrace>;
    expect(Array.isArray(doc.traceEvents)).toBe(true);
    for (const e of doc.traceEvents) {
      expect(typeof e.name).toBe("string");
      expect(typeof e.ph).toBe("string");
      expect(typeof e.ts).toBe("number");
      expect(typeof e.pid).toBe("number");
      expect(typeof e.tid).toBe("number");
      if (e.ph === "X") expect(typeof e.dur).toBe("number");
      if ("bes".includes(e.ph) || e.ph === "t" || e.ph === "f") expect(typeof e.id).toBe("number");
    }
    const phases = new Set(doc.traceEvents.map((e) => e.ph));
    for (const ph of ["M", "X", "b", "e", "s", "t", "f"]) expect(phases.has(ph), ph).toBe(true);
    expect(
      doc.traceEvents.some(
        (e) => e.ph === "X" && e.cat === "coroutine" && e.name.startsWith("blk_aio_write_entry"),
      ),
    ).toBe(true);
    const flows = doc.traceEvents.filter((e) => e.cat === "flow" && e.id === device);
    expect(flows.length).toBeGreaterThan(3);
    expect(flows[0]!.ph).toBe("s");
    expect(flows[flows.length - 1]!.ph).toBe("f");
  });

  it("formats QEMU -trace style text lines", () => {
    const { events } = traceOneWrite();
    const e = events.find((x) => x.name === "blk_co_pwritev")!;
    // INSN@SECONDS:name, numbers in hex but byte counts in decimal, then the request ids.
    expect(formatTraceLine(e)).toMatch(
      /^0@\d+\.\d{6}:blk_co_pwritev blk ide0-hd0 bs qcow2 offset 0x7e00 bytes 4096 flags 0x0 \[req \d+ parent \d+ co \d+\]\n$/,
    );
  });

  it("keeps the recent history in a bounded ring", () => {
    const bus = new TraceBus();
    const ring = new TraceRing(4);
    const off = ring.attach(bus, "x_*");
    const p = bus.point("x_a");
    const q = bus.point("y_b");
    expect(q.on).toBe(false);
    for (let i = 0; i < 10; i++) p.emit({ i });
    q.emit({ i: 99 });
    expect(ring.size).toBe(4);
    expect(ring.dropped).toBe(6);
    expect(ring.toArray().map((e) => e.fields.i)).toEqual([6, 7, 8, 9]);
    off();
    expect(p.on).toBe(false);
    expect(() => new TraceRing(0)).toThrow(RangeError);
  });
});
