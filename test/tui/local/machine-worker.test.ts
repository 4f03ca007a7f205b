// The UI's machine worker (src/tui/local/machine-worker.ts) when a file the machine writes fails: a
// debug console file on a full disk becomes one log line in the UI, and the session goes on (the
// firmware log pane keeps the text, pause and step still work). Before, the worker's periodic
// flush threw and the worker crashed.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parseRunArgs } from "../../../src/cli/run-options.ts";
import { Debugger } from "../../../src/tui/debugger.ts";
import { listResolver } from "../../../src/tui/logic/symbol-resolver.ts";
import { LocalSession } from "../../../src/tui/session/local-session.ts";
import { tinyRom } from "../../emu/machine/tiny-rom.ts";

const dir = mkdtempSync(join(tmpdir(), "pcscope-worker-"));
/** mov dx, 0x402; mov al, 'x'; mov cx, 100; l: out dx, al; loop l; cli; hlt — 100 bytes to the console. */
const CHATTY = join(dir, "chatty.bin");
writeFileSync(
  CHATTY,
  tinyRom([0xba, 0x02, 0x04, 0xb0, 0x78, 0xb9, 0x64, 0x00, 0xee, 0xe2, 0xfd, 0xfa, 0xf4]),
);

/** Polls `check` until it holds. */
async function until(check: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error("condition never held");
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("machine worker: a debug console file that cannot be written", () => {
  const cleanup: Array<() => unknown> = [];
  afterEach(async () => {
    for (const f of cleanup.splice(0).reverse()) await f();
  });

  it("is one log line, and the session keeps working", async () => {
    const session = await LocalSession.start({
      options: parseRunArgs(["--bios", CHATTY, "--debugcon", "file:/dev/full"]),
      gdb: null,
    });
    const logs: string[] = [];
    session.external?.subscribe((e) => {
      if (e.kind === "log") logs.push(e.text);
    });
    const dbg = new Debugger(session, { symbols: listResolver([]), cols: 120, rows: 40 });
    cleanup.push(() => dbg.close());
    await dbg.refresh();
    await dbg.cont();
    await until(() => logs.length > 0);
    expect(logs).toEqual(["debug console file /dev/full: write failed: no space left on device (ENOSPC)"]);
    await until(() => dbg.getSnapshot().panes.log?.[0] === "x".repeat(100));
    await dbg.stepInstruction();
    expect(dbg.getSnapshot().panes.registers?.location).toBe("CS:IP f000:000d = linear 0x000f000d");
    expect(logs).toHaveLength(1);
  });
});
