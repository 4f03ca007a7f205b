import { describe, expect, it } from "vitest";
import type { TraceEvent, TraceValue } from "../../../../src/emu/trace/bus.ts";
import { BlockTree } from "../../../../src/tui/panes/block/block-tree.ts";

let clock = 0;
function ev(
  name: string,
  req: number,
  parent: number,
  co: number,
  fields: Record<string, TraceValue> = {},
): TraceEvent {
  clock += 1000;
  return { name, insn: clock / 1000, hostNs: clock, fields, req, parent, co };
}

describe("BlockTree", () => {
  it("builds a WRITE DMA request with coroutine slices, a child request, latency and result", () => {
    clock = 0;
    const tree = new BlockTree();
    const events = [
      ev("ide_exec_cmd", 1, 0, 0, { cmd: 0xca }),
      ev("dma_blk_io", 1, 0, 0, { sector_num: 0 }),
      ev("blk_co_pwritev", 2, 1, 7, { offset: 0, bytes: 512 }),
      ev("bdrv_co_pwritev_part", 2, 1, 7, { offset: 0, bytes: 512 }),
      ev("qcow2_writev_start_req", 2, 1, 7, { offset: 0, bytes: 512 }),
      ev("portio_write", 0, 0, 0, { addr: 0x80, size: 1, val: 1 }), // the coroutine yielded meanwhile
      ev("qcow2_writev_done_req", 2, 1, 7, { ret: 0 }),
      ev("ide_dma_cb", 1, 0, 0, { ret: 0 }),
    ];
    const used = events.map((e) => tree.onEvent(e));
    expect(used).toEqual([true, true, true, true, true, false, true, true]);
    const [root] = tree.roots();
    expect(root!.kind).toBe("WRITE DMA");
    expect(root!.children).toEqual([2]);
    expect(root!.result).toBe("ok");
    expect(BlockTree.latencyMs(root!)).toBeCloseTo(0.007);
    const child = tree.get(2)!;
    expect(child.kind).toBe("WRITE");
    expect(child.slices.map((s) => s.events.map((e) => e.name))).toEqual([
      ["blk_co_pwritev", "bdrv_co_pwritev_part", "qcow2_writev_start_req"],
      ["qcow2_writev_done_req"],
    ]);
    const rows = tree.rows("all");
    expect(rows.map((r) => [r.depth, r.type])).toEqual([
      [0, "request"],
      [1, "slice"],
      [1, "slice"],
      [1, "request"],
      [2, "slice"],
      [2, "slice"],
    ]);
    expect(rows[0]!.text).toMatch(/^#1 WRITE DMA ide_exec_cmd cmd=202 {2}0\.007 ms {2}ok$/);
    expect(rows[4]!.text).toBe("co 7: blk_co_pwritev > bdrv_co_pwritev_part > qcow2_writev_start_req");
    expect(tree.rows(new Set())).toHaveLength(1);
    expect(tree.details(2)[0]).toMatch(/^\+0\.0us insn 3 co 7 blk_co_pwritev offset=0 bytes=512$/);
  });

  it("reports errors by errno name and drops the oldest roots beyond capacity", () => {
    const tree = new BlockTree(2);
    tree.onEvent(ev("blk_co_preadv", 1, 0, 1));
    tree.onEvent(ev("blk_co_preadv_done", 1, 0, 1, { ret: -5 }));
    expect(tree.get(1)!.result).toBe("-5 (EIO)");
    expect(tree.get(1)!.kind).toBe("READ");
    tree.onEvent(ev("blk_co_flush", 2, 0, 2));
    tree.onEvent(ev("blk_co_pwritev", 3, 0, 3));
    expect(tree.roots().map((r) => r.req)).toEqual([2, 3]);
    expect(tree.get(2)!.result).toBeNull();
  });
});
