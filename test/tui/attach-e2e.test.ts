// End to end in a real terminal: `pcscope attach` in tmux (test/helpers/tmux.ts) against QEMU +
// SeaBIOS.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { needPeers } from "../helpers/peers.ts";
import { type PausedQemu, startPausedQemu } from "../helpers/qemu.ts";
import { TmuxScreen } from "../helpers/tmux.ts";

describe.skipIf(!needPeers("tmux", "qemu-system-i386", "seabios"))("pcscope attach in tmux", () => {
  let qemu: PausedQemu | null = null;
  let term: TmuxScreen | null = null;
  let dir = "";
  afterEach(() => {
    term?.kill();
    qemu?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("shows 16-bit code at the reset vector, steps, breaks by symbol, continues, quits and restores the terminal", async () => {
    qemu = await startPausedQemu();
    dir = mkdtempSync(join(tmpdir(), "pcscope-e2e-"));
    // A listing made here for the addresses seen in SeaBIOS 1.16.2's reset path.
    writeFileSync(
      join(dir, "bios.nm"),
      "000fe05b T entry_post\n000fe066 t post_checked\nfffffff0 T reset_vector\n",
    );
    const t = new TmuxScreen(
      `node bin/pcscope.js attach 127.0.0.1:${qemu.port} --symbols ${join(dir, "bios.nm")}; echo "EXIT=$?"; sleep 60`,
    );
    term = t;

    let s = await t.waitFor("CS:IP f000:fff0 = linear 0xfffffff0");
    expect(s).toMatch(/=> fffffff0 fff0 {2}ea5be000f0 +jmp {4}0xf000:0xe05b <entry_post>/);
    expect(s).toContain("reset_vector:");
    expect(s).toContain("not available: the target is not pcscope");
    expect(t.alternateScreen()).toBe(true);

    t.keys("i");
    s = await t.waitFor("CS:IP f000:e05b = linear 0x000fe05b");
    expect(s).toMatch(/=> fe05b e05b {2}2e66833e286f00 +cmp {4}dword \[cs:0x6f28\], 0/);

    t.keys(":", "break post_checked", "Enter");
    s = await t.waitFor("1 break   y 0xfe066 post_checked hits 0");
    expect(s).toMatch(/B {3}fe066 e066/);

    t.keys("c");
    s = await t.waitFor("stopped (breakpoint 1)");
    expect(s).toMatch(/B=> fe066 e066 {2}31d2 +xor {4}dx, dx/);
    expect(s).toContain("hits 1");

    t.keys("?");
    await t.waitFor("pcscope keys");
    t.keys("x");
    await t.waitFor(/^(?![\s\S]*pcscope keys)/);

    t.keys("q");
    s = await t.waitFor("EXIT=0");
    expect(s).not.toContain("Registers");
    expect(t.alternateScreen()).toBe(false);
  });
});
