import { render } from "ink-testing-library";
import { describe, expect, it } from "vitest";
import { App } from "../../../src/tui/components/App.tsx";
import { Debugger } from "../../../src/tui/debugger.ts";
import { listResolver } from "../../../src/tui/logic/symbol-resolver.ts";
import { runTui } from "../../../src/tui/run-tui.tsx";
import { FakeSession, TestFeed } from "../helpers/fake-session.ts";

const symbols = listResolver([
  { name: "entry_post", addr: 0xfe05bn },
  { name: "post_helper", addr: 0xfe05fn },
]);
const tick = () => new Promise((r) => setTimeout(r, 40));

/** Renders the App on a fake target; returns the handles tests need. */
async function setup(feed: TestFeed | null = null) {
  const session = new FakeSession(feed);
  const dbg = new Debugger(session, { symbols, cols: 160, rows: 50 });
  await dbg.refresh();
  const ui = render(<App dbg={dbg} trackSize={false} />);
  await tick();
  /** Presses each key in turn; `:text\r`-style prompt text is typed in one chunk. */
  const press = async (keys: string) => {
    const chunks =
      /^[:/g][^\r]+\r?$/.test(keys) && keys.length > 2
        ? [keys[0]!, ...keys.slice(1).split(/(\r)/)]
        : [...keys];
    for (const k of chunks.filter((c) => c !== "")) {
      ui.stdin.write(k);
      await tick();
      await dbg.whenIdle();
    }
    await tick();
  };
  return { session, dbg, ui, press, frame: () => ui.lastFrame() ?? "" };
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
    const { frame, press, session, ui } = await setup();
    await press("i");
    expect(frame()).toMatch(/=> fe05c e05c {2}e80000/);
    expect(frame()).toContain("stopped (step)");
    await press("n");
    expect(session.regs.get("eip")).toBe(0xe05fn);
    expect(session.breaks.size).toBe(0);
    await press("s");
    expect(frame()).toContain("eax 00000001");
    ui.unmount();
  });

  it("sets a breakpoint by symbol name from the command line and continues to it", async () => {
    const { frame, press, session, dbg, ui } = await setup();
    await press(":break post_helper\r");
    expect(frame()).toContain("1 break   y 0xfe05f post_helper hits 0");
    expect(frame()).toMatch(/B {3}fe05f/);
    expect(session.breaks.has(0xfe05fn)).toBe(true);
    await press("c");
    expect(frame()).toMatch(/B=> fe05f/);
    expect(frame()).toContain("stopped (breakpoint 1)");
    expect(dbg.breakpoints.list()[0]!.hits).toBe(1);
    await press(":delete 1\r");
    expect(session.breaks.size).toBe(0);
    ui.unmount();
  });

  it("toggles a breakpoint at the cursor with b, goes to a symbol with g and searches with /", async () => {
    const { frame, press, dbg, ui } = await setup();
    await press("jb");
    expect(dbg.breakpoints.list().map((b) => b.addr)).toEqual([0xfe05cn]);
    await press("b");
    expect(dbg.breakpoints.list()).toHaveLength(0);
    await press("g");
    expect(frame()).toContain("go to:");
    await press("0xfe100\r");
    expect(frame()).toMatch(/ {3}fe100 e100/);
    await press("/post");
    expect(frame()).toContain(">post_helper 0xfe05f");
    await press("\r");
    expect(frame()).toContain("post_helper:");
    ui.unmount();
  });

  it("continues, pauses with p, and runs commands (x/, info registers, monitor)", async () => {
    const { frame, press, dbg, ui } = await setup();
    ui.stdin.write("c");
    await tick();
    expect(frame()).toContain("running");
    await press("p");
    await dbg.whenIdle();
    await tick();
    expect(frame()).toContain("stopped (interrupted)");
    await press(":x/4xb 0xfe05b\r");
    expect(frame()).toContain("0xfe05b: 0x90 0xe8 0x00 0x00");
    await press(":info registers eip cs\r");
    expect(frame()).toContain("eip=0xe05b  cs=0xf000");
    await press(":monitor info mtree\r");
    expect(frame()).toContain("monitor said: info mtree");
    await press(":frob\r");
    expect(frame()).toContain("unknown command 'frob'");
    ui.unmount();
  });

  it("shows every key with ?, cycles focus with Tab and quits with q", async () => {
    const { frame, press, dbg, session, ui } = await setup();
    await press("?");
    expect(frame()).toContain("step over calls, rep and int");
    expect(frame()).toContain("toggle a breakpoint at the code cursor");
    await press("x");
    expect(frame()).not.toContain("any key closes this");
    await press("\t");
    expect(dbg.getSnapshot().focus).toBe("registers");
    await press("q");
    expect(session.closed).toBe(true);
    ui.unmount();
  });

  it("fills the I/O log, the firmware log and the block tree from a pcscope trace feed", async () => {
    const feed = new TestFeed();
    const { frame, ui } = await setup(feed);
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
    await tick();
    const f = frame();
    expect(f).toContain("0x1f7 ATA command <- 0xe7 FLUSH CACHE");
    expect(f).toContain("SeaBIOS (version 1.16)");
    expect(f).toContain("#1 WRITE DMA ide_exec_cmd");
    expect(f).toContain("co 3: blk_co_pwritev");
    expect(f).not.toContain("not available");
    ui.unmount();
  });

  it("reflows on resize", async () => {
    const { dbg, frame, ui } = await setup();
    await dbg.resize(100, 30);
    await tick();
    const lines = frame().split("\n");
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
