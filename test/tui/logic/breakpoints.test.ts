import { describe, expect, it } from "vitest";
import { evalAddress } from "../../../src/tui/logic/address-expr.ts";
import { BreakpointList, rspKind } from "../../../src/tui/logic/breakpoints.ts";
import { cpuContext } from "../../../src/tui/logic/cpu-mode.ts";
import { listResolver, NO_SYMBOLS } from "../../../src/tui/logic/symbol-resolver.ts";
import type { RegisterSet } from "../../../src/tui/session/debug-session.ts";

describe("BreakpointList", () => {
  it("numbers breakpoints like gdb, never reusing ids, and marks them for the code pane", () => {
    const list = new BreakpointList();
    const a = list.add("break", "entry_post", 0xfe05bn);
    const b = list.add("break", "f000:e066", 0xfe066n);
    expect([a.id, b.id]).toEqual([1, 2]);
    list.remove(1);
    expect(list.add("break", "*0x7c00", 0x7c00n).id).toBe(3);
    b.enabled = false;
    expect(list.markerAt(0xfe066n)).toBe("disabled");
    expect(list.markerAt(0x7c00n)).toBe("enabled");
    expect(list.markerAt(0x1234n)).toBeNull();
  });

  it("counts hits for enabled code breakpoints, watchpoints by range and I/O watches by port", () => {
    const list = new BreakpointList();
    const code = list.add("break", "x", 0x100n);
    const off = list.add("break", "y", 0x100n);
    off.enabled = false;
    const watch = list.add("watch", "0x500", 0x500n, { length: 4 });
    const io = list.add("iowatch", "0x1f0-0x1f7", 0x1f0n, { length: 8, dir: "w" });
    expect(list.recordHit(0x100n, null).map((b) => b.id)).toEqual([code.id]);
    expect(list.recordHit(0x200n, 0x503n).map((b) => b.id)).toEqual([watch.id]);
    expect(list.recordHit(0x200n, 0x504n)).toEqual([]);
    expect(list.recordHit(0x100n, null, 0x1f7).map((b) => b.id)).toEqual([io.id]);
    expect([code.hits, off.hits, watch.hits, io.hits]).toEqual([1, 0, 1, 1]);
    expect([rspKind(code), rspKind(watch), rspKind(io)]).toEqual(["sw", "write", null]);
  });
});

describe("evalAddress", () => {
  const symbols = listResolver([{ name: "handle_post", addr: 0xf1000n }]);
  const regs: RegisterSet = {
    arch: "i386",
    values: new Map([
      ["cs", 0xf000n],
      ["eip", 0x10n],
      ["ss", 0n],
      ["esp", 0x7000n],
      ["cr0", 0n],
    ]),
  };
  const env = { symbols, regs, ctx: cpuContext(regs, null) };

  it("accepts numbers, symbols with offsets, SEG:OFF and registers", () => {
    const ok = (text: string) => {
      const r = evalAddress(text, env);
      return r.ok ? r.addr : r.error;
    };
    expect(ok("0xfe05b")).toBe(0xfe05bn);
    expect(ok("*0xfe05b")).toBe(0xfe05bn);
    expect(ok("4096")).toBe(4096n);
    expect(ok("handle_post+0x10")).toBe(0xf1010n);
    expect(ok("handle_post-16")).toBe(0xf0ff0n);
    expect(ok("f000:e05b")).toBe(0xfe05bn);
    expect(ok("$pc")).toBe(0xf0010n);
    expect(ok("$sp")).toBe(0x7000n);
    expect(ok("$esp+8")).toBe(0x7008n);
  });

  it("explains what it cannot evaluate", () => {
    expect(evalAddress("nosuch", { symbols: NO_SYMBOLS, regs: null, ctx: null })).toEqual({
      ok: false,
      error: "no symbol 'nosuch'",
    });
    expect(evalAddress("$pc", { symbols: NO_SYMBOLS, regs: null, ctx: null })).toEqual({
      ok: false,
      error: "no registers yet",
    });
    expect(evalAddress("$xyz", env)).toEqual({ ok: false, error: "no register $xyz" });
    expect(evalAddress("", env).ok).toBe(false);
  });
});
