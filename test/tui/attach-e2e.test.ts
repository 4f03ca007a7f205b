// End to end in a real terminal: `pcscope attach` in tmux against QEMU + SeaBIOS, driven with
// send-keys and read with capture-pane. The child runs without CI in its environment (Ink prints
// only the final frame when CI is set).
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { needPeers } from "../helpers/peers.ts";
import { type PausedQemu, startPausedQemu } from "../helpers/qemu.ts";

const SOCKET = `pcscope-e2e-${process.pid}`;
const tmux = (...args: string[]) => execFileSync("tmux", ["-L", SOCKET, ...args], { encoding: "utf8" });
const screen = () => tmux("capture-pane", "-p", "-t", "ui");

/** Polls the screen until `pattern` shows (or fails with the last screen). */
async function waitFor(pattern: RegExp | string, ms = 15_000): Promise<string> {
  const end = Date.now() + ms;
  let last = "";
  while (Date.now() < end) {
    last = screen();
    if (typeof pattern === "string" ? last.includes(pattern) : pattern.test(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`screen never showed ${pattern}:\n${last}`);
}

describe.skipIf(!needPeers("tmux", "qemu-system-i386", "seabios"))("pcscope attach in tmux", () => {
  let qemu: PausedQemu | null = null;
  let dir = "";
  afterEach(() => {
    try {
      tmux("kill-server");
    } catch {
      // already gone
    }
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
    const env = { ...process.env };
    delete env.CI;
    const cmd = `node bin/pcscope.js attach 127.0.0.1:${qemu.port} --symbols ${join(dir, "bios.nm")}; echo "EXIT=$?"; sleep 60`;
    execFileSync("tmux", ["-L", SOCKET, "new-session", "-d", "-s", "ui", "-x", "160", "-y", "50", cmd], {
      env,
      cwd: process.cwd(),
    });

    let s = await waitFor("CS:IP f000:fff0 = linear 0xfffffff0");
    expect(s).toMatch(/=> fffffff0 fff0 {2}ea5be000f0 +jmp {4}0xf000:0xe05b <entry_post>/);
    expect(s).toContain("reset_vector:");
    expect(s).toContain("not available: the target is not pcscope");
    expect(tmux("display", "-p", "-t", "ui", "#{alternate_on}").trim()).toBe("1");

    tmux("send-keys", "-t", "ui", "i");
    s = await waitFor("CS:IP f000:e05b = linear 0x000fe05b");
    expect(s).toMatch(/=> fe05b e05b {2}2e66833e286f00 +cmp {4}dword \[cs:0x6f28\], 0/);

    tmux("send-keys", "-t", "ui", ":", "break post_checked", "Enter");
    s = await waitFor("1 break   y 0xfe066 post_checked hits 0");
    expect(s).toMatch(/B {3}fe066 e066/);

    tmux("send-keys", "-t", "ui", "c");
    s = await waitFor("stopped (breakpoint 1)");
    expect(s).toMatch(/B=> fe066 e066 {2}31d2 +xor {4}dx, dx/);
    expect(s).toContain("hits 1");

    tmux("send-keys", "-t", "ui", "?");
    await waitFor("pcscope keys");
    tmux("send-keys", "-t", "ui", "x");
    await waitFor(/^(?![\s\S]*pcscope keys)/);

    tmux("send-keys", "-t", "ui", "q");
    s = await waitFor("EXIT=0");
    expect(s).not.toContain("Registers");
    expect(tmux("display", "-p", "-t", "ui", "#{alternate_on}").trim()).toBe("0");
  });
});
