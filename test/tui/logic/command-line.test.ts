import { describe, expect, it } from "vitest";
import { parseCommand } from "../../../src/tui/logic/command-line.ts";
import { keyAction } from "../../../src/tui/logic/keymap.ts";
import { computeLayout } from "../../../src/tui/logic/layout.ts";

const cmd = (line: string) => {
  const r = parseCommand(line);
  return r.ok ? r.command : r.error;
};

describe("parseCommand", () => {
  it("parses block TEXT (select a block request)", () => {
    expect(parseCommand("block WRITE DMA")).toEqual({
      ok: true,
      command: { kind: "block", text: "WRITE DMA" },
    });
    expect(parseCommand("block")).toEqual({
      ok: false,
      error: "block needs text to find (e.g. block WRITE DMA)",
    });
  });

  it("parses gdb-style commands and abbreviations", () => {
    expect(cmd("break entry_post")).toEqual({ kind: "break", location: "entry_post", temporary: false });
    expect(cmd("b f000:e05b")).toEqual({ kind: "break", location: "f000:e05b", temporary: false });
    expect(cmd("tbreak *0x7c00")).toEqual({ kind: "break", location: "*0x7c00", temporary: true });
    expect(cmd("delete")).toEqual({ kind: "delete", ids: [] });
    expect(cmd("d 1 3")).toEqual({ kind: "delete", ids: [1, 3] });
    expect(cmd("disable 2")).toEqual({ kind: "disable", ids: [2] });
    expect(cmd("x/16xb $sp")).toEqual({ kind: "examine", count: 16, format: "x", size: 1, expr: "$sp" });
    expect(cmd("x/4i $pc")).toEqual({ kind: "examine", count: 4, format: "i", size: 4, expr: "$pc" });
    expect(cmd("x 0x400")).toEqual({ kind: "examine", count: 1, format: "x", size: 4, expr: "0x400" });
    expect(cmd("info registers")).toEqual({ kind: "info", what: "registers", arg: "" });
    expect(cmd("i r eax")).toEqual({ kind: "info", what: "registers", arg: "eax" });
    expect(cmd("info b")).toEqual({ kind: "info", what: "breakpoints", arg: "" });
    expect(cmd("info symbol 0xfe05b")).toEqual({ kind: "info", what: "symbol", arg: "0xfe05b" });
    expect(cmd("watch 0x400 4")).toEqual({ kind: "watch", access: "write", expr: "0x400", length: 4 });
    expect(cmd("awatch counter")).toEqual({ kind: "watch", access: "access", expr: "counter", length: 1 });
    expect(cmd("iowatch 0x1f0-0x1f7 w")).toEqual({ kind: "iowatch", first: 0x1f0, last: 0x1f7, dir: "w" });
    expect(cmd("iowatch 402")).toEqual({ kind: "iowatch", first: 0x402, last: 0x402, dir: "rw" });
    expect(cmd("iofilter 0x1f0-0x1f7,0x3f6")).toEqual({
      kind: "iofilter",
      filter: [
        [0x1f0, 0x1f7],
        [0x3f6, 0x3f6],
      ],
      text: "0x1f0-0x1f7,0x3f6",
    });
    expect(cmd("monitor info registers")).toEqual({ kind: "monitor", text: "info registers" });
    expect(cmd("si")).toEqual({ kind: "run", action: "stepi" });
    expect(cmd("c")).toEqual({ kind: "run", action: "continue" });
    expect(cmd("finish")).toEqual({ kind: "run", action: "finish" });
    expect(cmd("q")).toEqual({ kind: "quit" });
  });

  it("rejects bad lines with one message and never throws", () => {
    expect(cmd("")).toBe("empty command");
    expect(cmd("frobnicate")).toBe("unknown command 'frobnicate' (try 'help')");
    expect(cmd("break")).toBe("break needs a location");
    expect(cmd("x/16qb $sp")).toBe("bad format '/16qb' (e.g. x/16xb)");
    expect(cmd("x/16xb")).toBe("x needs an address");
    expect(cmd("delete one")).toBe("bad breakpoint number 'one'");
    expect(cmd("watch 0x400 3")).toBe("watch length must be 1, 2, 4 or 8");
    expect(cmd("iowatch 0x1f7-0x1f0")).toMatch(/^iowatch needs PORT/);
    expect(cmd("iowatch 0x1f7 x")).toBe("iowatch direction is r, w or rw");
    expect(cmd("info frobs")).toMatch(/^info frobs/);
    for (const junk of ["x/", "x/0xb 1", "b\u0000", "delete -1", "monitor", ":::", "x/99999xb 0"])
      expect(() => parseCommand(junk)).not.toThrow();
  });
});

describe("keyAction", () => {
  const none = {
    ctrl: false,
    tab: false,
    upArrow: false,
    downArrow: false,
    pageUp: false,
    pageDown: false,
    return: false,
    escape: false,
  };
  it("maps SingleKey-style letters, Ctrl-C to pause and Tab to focus", () => {
    const letters = Object.fromEntries([..."snifcpbg/:?qx"].map((k) => [k, keyAction(k, none)]));
    expect(letters).toEqual({
      s: "step",
      n: "next",
      i: "stepi",
      f: "finish",
      c: "continue",
      p: "pause",
      b: "toggleBreak",
      g: "goto",
      "/": "search",
      ":": "command",
      "?": "help",
      q: "quit",
      x: "toggleFpu",
    });
    expect(keyAction("c", { ...none, ctrl: true })).toBe("pause");
    expect(keyAction("", { ...none, tab: true })).toBe("focusNext");
    expect(keyAction("", { ...none, tab: true, shift: true })).toBe("focusPrev");
    expect(keyAction("z", none)).toBeNull();
  });
});

describe("computeLayout", () => {
  it("fills the terminal exactly and reflows on resize", () => {
    for (const [cols, rows] of [
      [80, 24],
      [160, 50],
      [220, 70],
    ] as const) {
      const L = computeLayout(cols, rows);
      expect(L.tooSmall).toBe(false);
      expect(L.leftWidth + L.rightWidth).toBe(cols);
      expect(L.codeHeight + L.memoryHeight + L.bottomHeight + 4).toBe(rows);
      expect(L.registersHeight + L.stackHeight + L.backtraceHeight + L.breakpointsHeight).toBe(
        L.codeHeight + L.memoryHeight,
      );
      for (const n of [
        L.codeLines,
        L.memoryRows,
        L.stackSlots,
        L.backtraceLines,
        L.breakpointLines,
        L.bottomLines,
      ])
        expect(n).toBeGreaterThan(0);
    }
    expect(computeLayout(160, 50).codeLines).toBeGreaterThan(computeLayout(80, 24).codeLines);
    expect(computeLayout(40, 10).tooSmall).toBe(true);
  });
});
