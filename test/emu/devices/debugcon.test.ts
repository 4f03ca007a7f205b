import { describe, expect, it } from "vitest";
import { DebugExit } from "../../../src/emu/devices/debug-exit.ts";
import { DebugCon } from "../../../src/emu/devices/debugcon.ts";
import { GuestLog } from "../../../src/emu/io/guest-log.ts";
import { PortBus } from "../../../src/emu/io/port-bus.ts";
import { TraceBus } from "../../../src/emu/trace/bus.ts";

function bus() {
  return new PortBus(new TraceBus(), new GuestLog());
}

describe("isa-debugcon", () => {
  it("sends written bytes to its sink, keeps the text and reads back 0xe9", () => {
    const io = bus();
    const got: number[] = [];
    let flushed = 0;
    const con = new DebugCon(io, 0x402, { write: (b) => got.push(b), flush: () => flushed++ });
    for (const ch of "hi\n") io.out(0x402, 1, ch.charCodeAt(0));
    expect(got).toEqual([0x68, 0x69, 0x0a]);
    expect(con.text()).toBe("hi\n");
    expect(io.in(0x402, 1)).toBe(0xe9);
    con.flush();
    expect(flushed).toBe(1);
  });

  it("takes byte accesses only, as QEMU's debugcon_ops: a wider write prints nothing, a wider read gives 0", () => {
    const io = bus();
    const a = new DebugCon(io, 0x402, null);
    const b = new DebugCon(io, 0x403, null);
    io.out(0x402, 2, 0x4241);
    io.out(0x402, 1, 0x43);
    expect(a.text()).toBe("C");
    expect(b.text()).toBe("");
    expect(io.in(0x402, 1)).toBe(0xe9);
    expect(io.in(0x402, 2)).toBe(0);
  });

  it("keeps growing its text across many writes", () => {
    const io = bus();
    const con = new DebugCon(io, 0xe9, null);
    for (let i = 0; i < 10_000; i++) io.out(0xe9, 1, 0x30 + (i % 10));
    expect(con.text()).toHaveLength(10_000);
    expect(con.text().slice(-3)).toBe("789");
    expect(con.total).toBe(10_000);
  });
});

describe("isa-debugcon snapshots", () => {
  it("goes back and forth between saved texts, writing after a load leaves later states intact", () => {
    const io = bus();
    const con = new DebugCon(io, 0x402, null);
    const put = (t: string) => {
      for (const ch of t) io.out(0x402, 1, ch.charCodeAt(0));
    };
    put("abc");
    const a = con.saveState();
    put("def");
    const b = con.saveState();
    con.loadState(a);
    expect(con.text()).toBe("abc");
    put("X");
    expect([con.text(), con.total]).toEqual(["abcX", 4]);
    con.loadState(b);
    expect([con.text(), con.total]).toEqual(["abcdef", 6]);
    put("g");
    con.loadState(a);
    expect(con.text()).toBe("abc");
    con.loadState(b);
    expect(con.text()).toBe("abcdef");
  });

  it("keeps the newest half when the text outgrows 1 MiB, states included", () => {
    const io = bus();
    const con = new DebugCon(io, 0xe9, null);
    for (let i = 0; i < 1 << 20; i++) io.out(0xe9, 1, 0x41);
    const full = con.saveState();
    io.out(0xe9, 1, 0x42);
    expect(con.text()).toHaveLength((1 << 19) + 1);
    expect(con.text().endsWith("AB")).toBe(true);
    con.loadState(full);
    expect(con.text()).toHaveLength(1 << 20);
    expect(con.text().includes("B")).toBe(false);
  });
});

describe("isa-debug-exit", () => {
  it("reports (V << 1) | 1 for a write of V, at any width, and reads all ones", () => {
    const io = bus();
    const statuses: number[] = [];
    new DebugExit(io, 0xf4, (s) => statuses.push(s), 1);
    io.out(0xf4, 1, 0);
    io.out(0xf4, 1, 0x10);
    expect(statuses).toEqual([1, 0x21]);
    expect(io.in(0xf4, 1)).toBe(0xff);
    const wide = bus();
    new DebugExit(wide, 0x501, (s) => statuses.push(s));
    wide.out(0x501, 2, 0x1234);
    expect(statuses[2]).toBe(0x2469);
  });
});
