import { render } from "ink-testing-library";
import { describe, expect, it } from "vitest";
import { App } from "../../../src/tui/components/App.tsx";
import { Debugger } from "../../../src/tui/debugger.ts";
import { listResolver } from "../../../src/tui/logic/symbol-resolver.ts";
import { runTui } from "../../../src/tui/run-tui.tsx";
import { FakeSession, TestFeed } from "../helpers/fake-session.ts";
import { until } from "../helpers/until.ts";

const symbols = listResolver([
  { name: "entry_post", addr: 0xfe05bn },
  { name: "post_helper", addr: 0xfe05fn },
]);

/** Renders the App on a fake target; returns the handles tests need. */
async function setup(feed: TestFeed | null = null, cols = 160, rows = 50) {
  const session = new FakeSession(feed);
  const dbg = new Debugger(session, { symbols, cols, rows });
  await dbg.refresh();
  const ui = render(<App dbg={dbg} trackSize={false} />);
  const frame = () => ui.lastFrame() ?? "";
  /** Waits until the frame satisfies `check` (a text it contains, a pattern it matches, a test). */
  const shows = async (check: string | RegExp | ((f: string) => boolean)) => {
    const test =
      typeof check === "string"
        ? (f: string) => f.includes(check)
        : check instanceof RegExp
          ? (f: string) => check.test(f)
          : check;
    await until(() => test(frame()), `the frame showing ${check}`, 5000, frame);
    return frame();
  };
  await shows("pcscope fake target | stopped");
  /**
   * Presses each key in turn and waits for the operation it started; `:text\r`-style prompt text is
   * typed in one chunk. Ink handles a write synchronously, so the operation is in flight on return.
   */
  const press = async (keys: string) => {
    const chunks =
      /^[:/g][^\r]+\r?$/.test(keys) && keys.length > 2
        ? [keys[0]!, ...keys.slice(1).split(/(\r)/)]
        : [...keys];
    for (const k of chunks.filter((c) => c !== "")) {
      ui.stdin.write(k);
      await dbg.whenIdle();
    }
  };
  return { session, dbg, ui, press, frame, shows };
}

describe("App", () => {
  it("shows registers with CS:IP and the linear address, 16-bit code with labels and the current line", async () => {
    const { frame, ui } = await setup();
    const f = frame();
    expect(f).toContain("pcscope fake target | stopped");
    expect(f).toContain("CS:IP f000:e05b = linear 0x000fe05b (base from selector)");
    expect(f).toContain("real mode (16-bit)");
    expect(f).toContain("entry_post:");
    expect(f).toMatch(/=> fe05b e05b {2}90 +nop/);
    expect(f).toContain("call   0xe05f <post_helper>");
    expect(f).toContain("┌─ Code (16-bit) ");
    ui.unmount();
  });

  it("says in one line that trace panes need a pcscope target", async () => {
    const { frame, ui } = await setup();
    expect(frame().match(/not available: the target is not pcscope/g)).toHaveLength(3);
    ui.unmount();
  });

  it("steps with i, steps over the call with n, and shows the new PC", async () => {
    const { press, session, ui, shows } = await setup();
    await press("i");
    await shows(/=> fe05c e05c {2}e80000/);
    await shows("stopped (step)");
    await press("n");
    expect(session.regs.get("eip")).toBe(0xe05fn);
    expect(session.breaks.size).toBe(0);
    await press("s");
    await shows("eax 00000001");
    ui.unmount();
  });

  it("sets a breakpoint by symbol name from the command line and continues to it", async () => {
    const { press, session, dbg, ui, shows } = await setup();
    await press(":break post_helper\r");
    await shows("1 break   y 0xfe05f post_helper hits 0");
    await shows(/B {3}fe05f/);
    expect(session.breaks.has(0xfe05fn)).toBe(true);
    await press("c");
    await shows(/B=> fe05f/);
    await shows("stopped (breakpoint 1)");
    expect(dbg.breakpoints.list()[0]!.hits).toBe(1);
    await press(":delete 1\r");
    expect(session.breaks.size).toBe(0);
    ui.unmount();
  });

  it("toggles a breakpoint at the cursor with b, goes to a symbol with g and searches with /", async () => {
    const { press, dbg, ui, shows } = await setup();
    await press("jb");
    expect(dbg.breakpoints.list().map((b) => b.addr)).toEqual([0xfe05cn]);
    await press("b");
    expect(dbg.breakpoints.list()).toHaveLength(0);
    await press("g");
    await shows("go to:");
    await press("0xfe100\r");
    await shows(/ {3}fe100 e100/);
    await press("/post");
    await shows(">post_helper 0xfe05f");
    await press("\r");
    await shows("post_helper:");
    ui.unmount();
  });

  it("continues, pauses with p, and runs commands (x/, info registers, monitor)", async () => {
    const { press, ui, shows } = await setup();
    ui.stdin.write("c");
    await shows("| running");
    await press("p");
    await shows("stopped (interrupted)");
    await press(":x/4xb 0xfe05b\r");
    await shows("0xfe05b: 0x90 0xe8 0x00 0x00");
    await press(":info registers eip cs\r");
    await shows("eip=0xe05b  cs=0xf000");
    await press(":monitor info mtree\r");
    await shows("monitor said: info mtree");
    await press(":frob\r");
    await shows("unknown command 'frob'");
    ui.unmount();
  });

  it("shows every key with ?, cycles focus with Tab and quits with q", async () => {
    const { press, dbg, session, ui, shows } = await setup();
    await press("?");
    await shows("step over calls, rep and int");
    await shows("toggle a breakpoint at the code cursor");
    await press("x");
    await shows((f) => !f.includes("any key closes this"));
    await press("\t");
    expect(dbg.getSnapshot().focus).toBe("registers");
    await press("q");
    expect(session.closed).toBe(true);
    ui.unmount();
  });

  it("fills the I/O log, the firmware log and the block tree from a pcscope trace feed", async () => {
    const feed = new TestFeed();
    const { ui, shows } = await setup(feed);
    for (const ch of "SeaBIOS (version 1.16)\n")
      feed.emit({
        name: "portio_write",
        fields: { addr: 0x402, size: 1, val: ch.charCodeAt(0) },
        req: 0,
        parent: 0,
        co: 0,
      });
    feed.emit({
      name: "portio_write",
      fields: { addr: 0x1f7, size: 1, val: 0xe7 },
      req: 0,
      parent: 0,
      co: 0,
    });
    feed.emit({ name: "ide_exec_cmd", fields: { cmd: 0xca }, req: 1, parent: 0, co: 0 });
    feed.emit({ name: "blk_co_pwritev", fields: { offset: 0, bytes: 512 }, req: 2, parent: 1, co: 3 });
    feed.emit({ name: "ide_dma_cb", fields: { ret: 0 }, req: 1, parent: 0, co: 0 });
    const f = await shows(
      (text) => text.includes("co 3: blk_co_pwritev") && text.includes("SeaBIOS (version"),
    );
    expect(f).toContain("0x1f7 ATA command <- 0xe7 FLUSH CACHE");
    expect(f).toContain("SeaBIOS (version 1.16)");
    expect(f).toContain("#1 WRITE DMA ide_exec_cmd");
    expect(f).toContain("co 3: blk_co_pwritev");
    expect(f).not.toContain("not available");
    ui.unmount();
  });

  it("draws every pane on an 80x24 terminal, the smallest it accepts", async () => {
    const { frame, shows, dbg, ui } = await setup(null, 80, 24);
    await shows("┌─ Code (16-bit) ");
    const lines = frame().split("\n");
    expect(frame()).not.toContain("terminal too small");
    expect(frame()).toContain("Registers");
    expect(lines.length).toBeLessThanOrEqual(23);
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(80);
    await dbg.resize(80, 23);
    await shows("terminal too small: need at least 80x24");
    ui.unmount();
  });

  it("reflows on resize", async () => {
    const { dbg, ui, shows } = await setup();
    await dbg.resize(100, 30);
    const lines = (await shows((f) => f.split("\n").length <= 30)).split("\n");
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(100);
    expect(lines.length).toBeLessThanOrEqual(30);
    ui.unmount();
  });
});

describe("runTui", () => {
  it("says it needs a terminal and returns 2 without a TTY (no throw)", async () => {
    const dbg = new Debugger(new FakeSession());
    let err = "";
    const stderr = {
      write: (s: string) => {
        err += s;
        return true;
      },
    } as unknown as NodeJS.WriteStream;
    const status = await runTui(dbg, {
      stdin: { isTTY: false } as NodeJS.ReadStream,
      stdout: { isTTY: false } as NodeJS.WriteStream,
      stderr,
    });
    expect(status).toBe(2);
    expect(err).toBe("pcscope: the debugger UI needs a terminal (stdin and stdout must be a TTY)\n");
  });
});
