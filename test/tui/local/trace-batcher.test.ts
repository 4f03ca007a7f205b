import { describe, expect, it } from "vitest";
import type { TraceEvent } from "../../../src/emu/trace/bus.ts";
import { TraceBatcher } from "../../../src/tui/local/trace-batcher.ts";

const event = (name: string, fields: TraceEvent["fields"], req = 0): TraceEvent => ({
  name,
  insn: 0,
  hostNs: 0,
  fields,
  req,
  parent: 0,
  co: 0,
});

describe("TraceBatcher", () => {
  it("keeps a bounded number of port accesses per batch but every debug-console write and block event", () => {
    const batcher = new TraceBatcher(3);
    for (let i = 0; i < 10; i++) batcher.push(event("portio_read", { addr: 0x64, size: 1, val: 0x1c }));
    batcher.push(event("portio_write", { addr: 0x402, size: 1, val: 0x68 }));
    batcher.push(event("blk_co_pwritev", { offset: 0, bytes: 512 }, 7));
    const batch = batcher.take()!;
    expect(batch.dropped).toBe(7);
    expect(batch.events.map((e) => e.name)).toEqual([
      "portio_read",
      "portio_read",
      "portio_read",
      "portio_write",
      "blk_co_pwritev",
    ]);
    expect(batcher.take()).toBe(null);
    batcher.push(event("portio_read", { addr: 0x64, size: 1, val: 0 }));
    expect(batcher.take()!.events).toHaveLength(1);
  });
});
