// The UI's session on pcscope's own machine: the worker thread, RSP over the private stub, the trace
// feed, and a second debugger on the public stub (as a gdb alongside would be) under all-stop rules.
import { createServer, type Server } from "node:net";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { parseRunArgs } from "../../../src/cli/run-options.ts";
import { RspClient } from "../../../src/gdbstub/index.ts";
import { Debugger } from "../../../src/tui/debugger.ts";
import { listResolver } from "../../../src/tui/logic/symbol-resolver.ts";
import { LocalSession, LocalStartError } from "../../../src/tui/session/local-session.ts";
import { freePort } from "../../helpers/qemu.ts";
import { until } from "../helpers/until.ts";

const GDB_DEMO = fileURLToPath(new URL("../../../firmware/gdb-demo/gdb-demo.bin", import.meta.url));
const symbols = listResolver([
  { name: "start", addr: 0xfe05bn },
  { name: "to_protected", addr: 0xfe08an },
]);

describe("LocalSession", () => {
  const cleanup: Array<() => unknown> = [];
  afterEach(async () => {
    for (const f of cleanup.splice(0).reverse()) await f();
  });

  it("runs the machine paused at reset, steps, breaks, feeds the trace panes, and follows a debugger alongside", async () => {
    const port = await freePort();
    const session = await LocalSession.start({
      options: parseRunArgs(["--bios", GDB_DEMO]),
      gdb: { host: "127.0.0.1", port, fallback: false },
    });
    const dbg = new Debugger(session, { symbols, cols: 160, rows: 50 });
    cleanup.push(() => dbg.close());
    expect(session.gdbAddress).toBe(`127.0.0.1:${port}`);
    expect(session.description).toBe("bare machine, 32 MiB, gdb-demo.bin");
    await dbg.refresh();
    expect(dbg.getSnapshot().panes.registers?.location).toBe("CS:IP f000:fff0 = linear 0xfffffff0");

    await dbg.stepInstruction();
    expect(dbg.getSnapshot().panes.registers?.location).toBe("CS:IP f000:e05b = linear 0x000fe05b");
    expect(dbg.getSnapshot().panes.code.lines.find((l) => l.addr === 0xfe05bn)?.text).toBe("cli");

    await dbg.addBreakpoint("break", "to_protected");
    await dbg.cont();
    let snap = dbg.getSnapshot();
    expect(snap.stopText).toBe("breakpoint 1");
    expect(snap.pc).toBe(0xfe08an);
    await until(() => dbg.getSnapshot().panes.log?.[0] === "hello from gdb-demo");
    expect(dbg.getSnapshot().panes.io?.total).toBe(20);

    // A second debugger on the public stub steps: the UI refreshes to the next instruction.
    const other = await RspClient.connect({ host: "127.0.0.1", port });
    cleanup.push(() => other.close());
    await other.step();
    await until(() => dbg.getSnapshot().pc === 0xfe091n);

    // It continues: the UI shows the guest running and refuses to step; `p` in the UI stops it.
    const stopped = other.cont();
    await until(() => dbg.getSnapshot().state === "running");
    expect(dbg.getSnapshot().stopText).toBe("gdb runs the guest");
    await dbg.stepInstruction();
    expect(dbg.getSnapshot().message).toBe("the target is running: p pauses it");
    await dbg.pause();
    const stop = await stopped;
    expect(stop.type === "stopped" ? stop.signal : -1).toBe(2);
    await until(
      () => dbg.getSnapshot().state === "stopped" && dbg.getSnapshot().stopText === "gdb: interrupted",
    );
    snap = dbg.getSnapshot();
    expect(snap.panes.registers?.modeText).toBe("protected mode (32-bit)");
  });

  it("reports what the user got wrong as a LocalStartError: a missing image, a busy gdb port", async () => {
    await expect(
      LocalSession.start({ options: parseRunArgs(["--bios", "/nonexistent.bin"]), gdb: null }),
    ).rejects.toThrow(new LocalStartError("cannot read BIOS image '/nonexistent.bin': no such file"));
    const port = await freePort();
    const busy: Server = createServer();
    await new Promise<void>((resolve) => busy.listen(port, "127.0.0.1", resolve));
    cleanup.push(() => new Promise((resolve) => busy.close(resolve)));
    await expect(
      LocalSession.start({
        options: parseRunArgs(["--bios", GDB_DEMO]),
        gdb: { host: "127.0.0.1", port, fallback: false },
      }),
    ).rejects.toThrow(`cannot listen for gdb on 127.0.0.1:${port}: EADDRINUSE`);
    // The default address gives way to a free port instead.
    const session = await LocalSession.start({
      options: parseRunArgs(["--bios", GDB_DEMO]),
      gdb: { host: "127.0.0.1", port, fallback: true },
    });
    cleanup.push(() => session.close());
    expect(session.gdbAddress).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(session.gdbAddress).not.toBe(`127.0.0.1:${port}`);
  });
});
