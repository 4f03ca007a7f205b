// The pane modules driven without rendering: each through a PaneHost over the fake target.
import { describe, expect, it } from "vitest";
import { BreakpointList } from "../../../src/tui/logic/breakpoints.ts";
import { cpuContext } from "../../../src/tui/logic/cpu-mode.ts";
import { screenLayout } from "../../../src/tui/logic/layout.ts";
import { listResolver } from "../../../src/tui/logic/symbol-resolver.ts";
import { BlockPaneState } from "../../../src/tui/panes/block/block-pane.ts";
import { BreakpointsPaneState } from "../../../src/tui/panes/breakpoints/breakpoints-pane.ts";
import { CodePaneState } from "../../../src/tui/panes/code/code-pane.ts";
import { MemoryPaneState } from "../../../src/tui/panes/memory/memory-pane.ts";
import type { PaneHost } from "../../../src/tui/panes/pane-module.ts";
import { StackPaneState } from "../../../src/tui/panes/stack/stack-pane.ts";
import { FakeSession } from "../helpers/fake-session.ts";

const symbols = listResolver([{ name: "entry_post", addr: 0xfe05bn }]);

/** A host over a fresh fake target stopped at f000:e05b; records messages and go-tos. */
async function host() {
  const session = new FakeSession();
  const regs = await session.readRegisters();
  const said: string[] = [];
  const wentTo: string[] = [];
  const reads: bigint[] = [];
  const h: PaneHost = {
    session,
    symbols,
    breakpoints: new BreakpointList(),
    layout: screenLayout(120, 40),
    ctx: cpuContext(regs, null),
    regs,
    prevRegs: null,
    extras: null,
    env: () => ({ symbols, regs, ctx: cpuContext(regs, null) }),
    read: (addr, length) => {
      reads.push(addr);
      return session.readMemory(addr, length);
    },
    say: (m) => said.push(m),
    goTo: async (expr) => {
      wentTo.push(expr);
    },
  };
  return { h, session, said, wentTo, reads };
}

describe("pane modules", () => {
  it("code: follows the PC with context above it, scrolls past the end, and shows an address", async () => {
    const { h } = await host();
    const code = new CodePaneState();
    await code.refresh(h, true);
    const first = code.view();
    expect(first.lines[first.cursor]!.addr).toBe(0xfe05bn);
    expect(code.view()).toBe(first);
    const n = first.lines.length;
    await code.moveCursor(h, n + 2);
    expect(code.view().lines[0]!.addr).toBeGreaterThan(first.lines[0]!.addr);
    await code.show(h, 0xfe100n);
    expect(code.cursorAddress(h)).toBe(0xfe100n);
    await code.refresh(h, true);
    expect(code.cursorAddress(h)).toBe(0xfe05bn);
    expect(code.lineAt(0xfe05cn)!.text).toBe("call   0xe05f <entry_post+0x4>");
  });

  it("memory: follows an expression, marks bytes changed at the next stop, scrolls by rows", async () => {
    const { h, session, said } = await host();
    const memory = new MemoryPaneState();
    expect(await memory.follow(h, "0xfe05b")).toBe(true);
    expect(memory.view().rows[0]!.addr).toBe(0xfe05bn);
    session.memory[0xfe05b] = 0xcc;
    await memory.refresh(h, true);
    expect(memory.view().rows[0]!.bytes[0]).toMatchObject({ value: 0xcc, changed: true });
    await memory.moveCursor(h, 2);
    expect(memory.view()).toMatchObject({ expr: "0xfe07b" });
    expect(await memory.follow(h, "nosuchsymbol")).toBe(false);
    expect(said).toHaveLength(1);
  });

  it("stack: reads one word a row at the stack pointer through the shared read", async () => {
    const { h, session, reads } = await host();
    session.memory.set([0x5b, 0xe0], 0x7000);
    const stack = new StackPaneState();
    await stack.refresh(h);
    expect(reads).toEqual([0x7000n]);
    expect(stack.view()).toHaveLength(h.layout.stackSlots);
    expect(stack.view()[0]!.value).toBe(0xe05bn);
  });

  it("breakpoints: the cursor stays on the list, Enter shows the breakpoint's code", async () => {
    const { h, wentTo } = await host();
    h.breakpoints.add("break", "entry_post", 0xfe05bn);
    h.breakpoints.add("break", "*0xfe100", 0xfe100n);
    const pane = new BreakpointsPaneState();
    await pane.moveCursor(h, 5);
    expect(pane.view(h).cursor).toBe(1);
    await pane.select(h);
    expect(wentTo).toEqual(["0xfe100"]);
    const view = pane.view(h);
    expect(pane.view(h)).toBe(view);
    h.breakpoints.recordHit(0xfe100n, null, null);
    expect(pane.view(h).list[1]!.hits).toBe(1);
  });

  it("block: without a trace feed it has no tree and finds nothing", () => {
    const pane = new BlockPaneState(false);
    expect(pane.view()).toBeNull();
    expect(pane.find("WRITE")).toBe(false);
  });
});
