import { describe, expect, it } from "vitest";
import { BreakpointList } from "../../../src/tui/logic/breakpoints.ts";
import { codeRows } from "../../../src/tui/logic/code-rows.ts";
import { disassemble } from "../../../src/tui/logic/disasm.ts";
import { listResolver } from "../../../src/tui/logic/symbol-resolver.ts";
import { hexRows } from "../../../src/tui/panes/memory/hexdump.ts";
import { stackSlots } from "../../../src/tui/panes/stack/stack-view.ts";

describe("hexRows", () => {
  it("marks only bytes whose value changed at the same address", () => {
    const prev = { addr: 0x1000n, data: new Uint8Array(32).fill(0x41) };
    const now = { addr: 0x1008n, data: new Uint8Array(32).fill(0x41) };
    now.data[0] = 0x42; // 0x1008 changed
    now.data[31] = 0x00; // 0x1027 was not covered before: not "changed"
    const rows = hexRows(now, prev);
    expect(rows).toHaveLength(2);
    expect(rows[0]!.addr).toBe(0x1008n);
    expect(rows[0]!.bytes.filter((b) => b.changed)).toHaveLength(1);
    expect(rows[1]!.bytes.some((b) => b.changed)).toBe(false);
    expect(rows[0]!.ascii).toBe("BAAAAAAAAAAAAAAA");
  });
});

describe("stackSlots", () => {
  it("reads little-endian words and names return addresses (16-bit: inside CS)", () => {
    const symbols = listResolver([{ name: "caller", addr: 0xfe000n }]);
    const data = new Uint8Array([0x34, 0xe0, 0x00, 0x00, 0x78, 0x56]);
    const slots = stackSlots(0x6ffan, data, 2, symbols, 0xf0000n);
    expect(slots.map((s) => s.value)).toEqual([0xe034n, 0n, 0x5678n]);
    expect(slots[0]).toMatchObject({ addr: 0x6ffan, offset: 0, symbol: "<caller+0x34>" });
    expect(slots[1]!.symbol).toBe("");
  });
});

describe("codeRows", () => {
  const lines = disassemble(
    new Uint8Array([0x90, 0x90, 0x90, 0x90, ...new Array(16).fill(0x90)]),
    0x100n,
    { bitness: 16, csBase: 0xf0000n, realSegments: true },
    4,
    listResolver([{ name: "start", addr: 0xf0101n }]),
  );
  it("shows labels, the current line, breakpoint markers and keeps the cursor visible", () => {
    const bps = new BreakpointList();
    bps.add("break", "start", 0xf0101n);
    const off = bps.add("break", "x", 0xf0102n);
    off.enabled = false;
    const rows = codeRows(lines, 0xf0101n, 0, bps.list(), 10, true);
    expect(rows.map((r) => r.kind)).toEqual(["insn", "label", "insn", "insn", "insn"]);
    expect(rows[1]!.text).toBe("start:");
    expect(rows[2]).toMatchObject({ current: true, marker: "B" });
    expect(rows[2]!.text.startsWith("=> f0101 0101")).toBe(true);
    expect(rows[3]!.marker).toBe("b");
    const clipped = codeRows(lines, 0xf0101n, 3, bps.list(), 2, false);
    expect(clipped).toHaveLength(2);
    expect(clipped.some((r) => r.cursor)).toBe(true);
  });
});
