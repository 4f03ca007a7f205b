// End to end in a real terminal: `pcscope tui` on pcscope's own machine in tmux (test/helpers/tmux.ts),
// and a real gdb attached alongside on the public stub.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { needPeers } from "../helpers/peers.ts";
import { freePort } from "../helpers/qemu.ts";
import { TmuxScreen } from "../helpers/tmux.ts";

let term: TmuxScreen | null = null;
const keys = (...k: string[]) => term!.keys(...k);
const waitFor = (pattern: RegExp | string, ms?: number) => term!.waitFor(pattern, ms);

describe.skipIf(!needPeers("tmux"))("pcscope tui in tmux", () => {
  let dir = "";
  afterEach(() => {
    term?.kill();
    term = null;
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Starts `pcscope tui ARGS` in a 160x50 tmux window. */
  function startUi(args: string, extraEnv: Record<string, string> = {}): void {
    term = new TmuxScreen(`node bin/pcscope.js tui ${args}; echo "EXIT=$?"; sleep 60`, extraEnv);
  }

  /** Quits with q and checks the shell got the terminal back. */
  async function quit(): Promise<void> {
    keys("q");
    const s = await waitFor("EXIT=0");
    expect(s).not.toContain("Registers");
    expect(term!.alternateScreen()).toBe(false);
  }

  it("starts paused at reset with the firmware's symbols, steps real-mode code, breaks by symbol, fills the I/O and firmware logs, follows a gdb alongside, quits and restores the terminal", async () => {
    const gdbPort = await freePort();
    startUi(`--bios firmware/gdb-demo/gdb-demo.bin --gdb tcp:127.0.0.1:${gdbPort}`);

    // Paused at the reset vector; symbols/gdb-demo.nm names the far jump's target.
    let s = await waitFor("CS:IP f000:fff0 = linear 0xfffffff0", 40_000);
    expect(s).toMatch(/=> fffffff0 fff0 {2}ea5be000f0 +jmp {4}0xf000:0xe05b <start>/);
    expect(s).toContain(`gdb: target remote 127.0.0.1:${gdbPort}`);
    expect(s).toContain("symbols: ");
    expect(s).toContain("gdb-demo.nm");
    expect(s).not.toContain("not available");
    expect(term!.alternateScreen()).toBe(true);

    // Step into real-mode code: CS:IP, the linear address and 16-bit disassembly with labels.
    keys("i");
    s = await waitFor("CS:IP f000:e05b = linear 0x000fe05b");
    expect(s).toContain("start:");
    expect(s).toMatch(/=> fe05b e05b {2}fa +cli/);
    expect(s).toMatch(/fe062 e062 {2}bc0070 +mov {4}sp, 0x7000/);
    expect(s).toContain("real mode (16-bit)");

    // A breakpoint by symbol name, then continue to it.
    keys(":", "break to_protected", "Enter");
    s = await waitFor("1 break   y 0xfe08a to_protected hits 0");
    keys("c");
    s = await waitFor("stopped (breakpoint 1)");
    expect(s).toMatch(/B=> fe08a e08a {2}2e660f0116e0e0 +o32 lgdt \[cs:0xe0e0\]/);
    expect(s).toContain("hits 1");
    // Frames are drawn in place: one status line, at the top, and one of each pane.
    expect(s.split("\n")[0]).toMatch(/^pcscope bare machine/);
    expect(s.match(/^pcscope /gm)).toHaveLength(1);
    expect(s.match(/┌─ Code \(16-bit\)/g)).toHaveLength(1);
    expect(s.match(/=> /g)).toHaveLength(1);

    // The run wrote "hello from gdb-demo\n" to the debug port: the I/O log and the firmware log.
    s = await waitFor("hello from gdb-demo");
    expect(s).toContain("I/O ports [all] 20");
    expect(s).toContain("0x402 debugcon (firmware log) <- 0x0a '\\n'");

    // A gdb alongside steps once and disconnects: the UI follows to the next instruction.
    if (needPeers("gdb")) {
      const out = execFileSync(
        "gdb",
        [
          "-nx",
          "-batch",
          "-ex",
          `target remote 127.0.0.1:${gdbPort}`,
          "-ex",
          "stepi",
          "-ex",
          "x/i $pc",
          "-ex",
          "disconnect",
        ],
        { encoding: "utf8", timeout: 20_000, stdio: ["ignore", "pipe", "ignore"] },
      );
      expect(out).toContain("0xfe091");
      s = await waitFor("CS:IP f000:e091 = linear 0x000fe091");
      expect(s).toMatch(/=> fe091 e091 {2}0f20c0 +mov {4}eax, cr0/);
      // The stub's log line reaches the pane in its own batch, possibly a frame after the stop.
      await waitFor("gdb stub: debugger connected");
    }

    await quit();
  });

  it("starts on the embedded firmware by default, steps into its real-mode entry, breaks in int13_handler, and shows the demo's WRITE DMA request as a tree", async () => {
    // With no machine options `pcscope tui` debugs what `pcscope run` runs: the PC, pcscope's BIOS
    // and the demo disk, made in the (temporary) cache directory.
    dir = mkdtempSync(join(tmpdir(), "pcscope-tui-e2e-"));
    startUi(`--gdb tcp:127.0.0.1:${await freePort()}`, { XDG_CACHE_HOME: dir });
    let s = await waitFor("CS:IP f000:fff0 = linear 0xfffffff0", 40_000);
    expect(s).toContain("i440fx PC, 32 MiB, 1 drive, bios.bin");
    expect(s).toContain("pcscope-bios.nm");
    expect(existsSync(join(dir, "pcscope", "demo.qcow2"))).toBe(true);

    // The reset vector's far jump lands on entry_post, 16-bit code shown at CS:IP and its linear address.
    keys("i");
    s = await waitFor("CS:IP f000:000f = linear 0x000f000f");
    expect(s).toContain("entry_post:");
    expect(s).toMatch(/=> f000f 000f /);
    expect(s).toContain("real mode (16-bit)");

    // A breakpoint by symbol name in the 32-bit C code, continue to it, then let the demo finish.
    keys(":", "break int13_handler", "Enter");
    s = await waitFor(/1 break +y 0xe1032 int13_handler hits 0/);
    keys("c");
    s = await waitFor("stopped (breakpoint 1)", 60_000);
    expect(s).toMatch(/B=> e1032 /);
    keys(":", "delete 1", "Enter");
    keys("c");
    s = await waitFor("demo: done", 60_000);
    expect(s).toMatch(/I\/O ports \[all\] \d{3,}/);
    keys(":", "block WRITE DMA", "Enter");
    // The request, its coroutine slices down to qcow2 and the file, then the selected one's events.
    s = await waitFor(/#\d+ WRITE DMA ide_exec_cmd bus=0 unit=0 cmd=202/);
    expect(s).toMatch(/ {2}#\d+ WRITE blk_aio_pwritev/);
    expect(s).toMatch(/co \d+: blk_co_pwritev/);
    expect(s).toMatch(/\+0\.0us insn \d+ co 0 ide_exec_cmd/);
    await quit();
  }, 150_000);
});
