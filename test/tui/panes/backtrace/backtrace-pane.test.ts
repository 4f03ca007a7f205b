// The backtrace pane module over the fake target stopped in real mode at f000:e05b: it walks the
// BP chain within SS, moves its cursor over the frames and shows the selected frame's code.
import { describe, expect, it } from "vitest";
import { BreakpointList } from "../../../../src/tui/logic/breakpoints.ts";
import { cpuContext } from "../../../../src/tui/logic/cpu-mode.ts";
import { screenLayout } from "../../../../src/tui/logic/layout.ts";
import { listResolver } from "../../../../src/tui/logic/symbol-resolver.ts";
import { BacktracePaneState } from "../../../../src/tui/panes/backtrace/backtrace-pane.ts";
import type { PaneHost } from "../../../../src/tui/panes/pane-module.ts";
import { FakeSession } from "../../helpers/fake-session.ts";

const symbols = listResolver([
  { name: "post", addr: 0xfe000n },
  { name: "entry_post", addr: 0xfe05bn },
]);

describe("BacktracePaneState", () => {
  it("walks BP frames from the stop, selects frame 0 on a stop and shows a frame's code on Enter", async () => {
    const session = new FakeSession();
    session.regs.set("ss", 0x100n);
    session.regs.set("ebp", 0x7010n);
    // At entry_post's first byte the return offset is at SS:SP (0x1000 + 0x7000); then the chain.
    session.memory.set([0x30, 0xe0], 0x1000 + 0x7000);
    session.memory.set([0x20, 0x70, 0x20, 0xe0], 0x1000 + 0x7010);
    session.memory.set([0x00, 0x70, 0x10, 0xe0], 0x1000 + 0x7020); // saved BP below: the walk ends
    const regs = await session.readRegisters();
    const wentTo: string[] = [];
    const host: PaneHost = {
      session,
      symbols,
      breakpoints: new BreakpointList(),
      layout: screenLayout(120, 40),
      ctx: cpuContext(regs, null),
      regs,
      prevRegs: null,
      extras: null,
      env: () => ({ symbols, regs, ctx: cpuContext(regs, null) }),
      read: (addr, length) => session.readMemory(addr, length),
      say: () => {},
      goTo: async (expr) => {
        wentTo.push(expr);
      },
    };
    const pane = new BacktracePaneState();
    expect(pane.view().backtrace).toBeNull();
    await pane.refresh(host, true);
    const first = pane.view();
    expect(first.backtrace!.frames.map((f) => [f.pc, f.symbol])).toEqual([
      [0xfe05bn, "entry_post"],
      [0xfe030n, "post+0x30"],
      [0xfe020n, "post+0x20"],
      [0xfe010n, "post+0x10"],
    ]);
    expect(first.backtrace!.end).toBe("frame pointer not increasing");
    expect(pane.view()).toBe(first);
    await pane.moveCursor(host, 5);
    expect(pane.view().cursor).toBe(3);
    await pane.moveCursor(host, -1);
    await pane.select(host);
    expect(wentTo).toEqual(["0xfe020"]);
    await pane.refresh(host, true);
    expect(pane.view().cursor).toBe(0);
  });
});
