// `pcscope diff --against qemu --tui` in a real terminal (tmux): after the divergence on the word
// read at offset 0xFFFF (pcscope's #GP), the UI opens on pcscope's machine standing after the
// diverging instruction, in the #GP handler, the diff's report in its console and the history
// covering every instruction stepped; one reverse step (I) shows the instruction itself; C and :rsi
// go back further, c forward. Quitting gives the diff's exit status, 1. Without a terminal, --tui is refused before anything runs.
import { afterEach, describe, expect, test } from "vitest";
import { runCliInProcess } from "../helpers/cli.ts";
import { needPeers } from "../helpers/peers.ts";
import { assembleTestRomFile } from "../helpers/roms.ts";
import { TmuxScreen } from "../helpers/tmux.ts";

const ROM_ARGS = "--debugcon 0xe9=null --debug-exit 0xf4,1";

describe.skipIf(!needPeers("tmux", "qemu-system-i386", "nasm"))("pcscope diff --tui", () => {
  let term: TmuxScreen | null = null;
  afterEach(() => {
    term?.kill();
    term = null;
  });

  test("opens the UI after the diverging instruction; I steps back onto it; q exits 1", async () => {
    const rom = await assembleTestRomFile("diff/wrap.asm");
    term = new TmuxScreen(
      `node bin/pcscope.js diff --against qemu --tui --bios ${rom} ${ROM_ARGS}; echo "EXIT=$?"; sleep 60`,
    );
    let s = await term.waitFor("diff: standing after instruction", 90_000);
    const count = Number(/diff: standing after instruction (\d+);/.exec(s)![1]);
    expect(count).toBeGreaterThan(100);
    expect(term.alternateScreen()).toBe(true);
    // pcscope's side of the report: the #GP pushed the faulting CS:IP (f000:07ad) and FLAGS.
    expect(s).toMatch(/0x00007bf8 {2}pcscope {2}ad 07 00 f0 46 00/);
    expect(s).toContain(`history [████████████] ${count}/${count}`);
    expect(s).toMatch(/│07bf8 \+00 07ad /);
    expect(s).not.toMatch(/CS:IP f000:07ad/);

    term.keys("I");
    s = await term.waitFor("CS:IP f000:07ad = linear 0x000f07ad");
    expect(s).toMatch(/=> f07ad 07ad {2}a1ffff +mov {4}ax, \[0xffff\]/);
    expect(s).toContain(`${count - 1}/${count}`);

    // C runs back to the start of history (no breakpoint on the way); forward to a breakpoint on the
    // diverging instruction; :rsi steps back once more.
    term.keys("C");
    s = await term.waitFor("stopped (no more reverse-execution history)");
    expect(s).toContain("CS:IP f000:fff0 = linear 0xfffffff0");
    expect(s).toContain(`history [············] 0/${count}`);
    term.keys(":", "break 0xf07ad", "Enter", "c");
    s = await term.waitFor("stopped (breakpoint 1)");
    expect(s).toContain(`${count - 1}/${count}`);
    term.keys(":", "rsi", "Enter");
    s = await term.waitFor(`${count - 2}/${count}`);
    expect(s).toContain("CS:IP f000:07ac = linear 0x000f07ac");

    term.keys("q");
    s = await term.waitFor("EXIT=1");
    expect(s).toContain(`pcscope and qemu diverge at instruction ${count}:`);
    expect(term.alternateScreen()).toBe(false);
  }, 150_000);

  test("without a terminal: one line, exit 2, before anything runs", async () => {
    const rom = await assembleTestRomFile("diff/wrap.asm");
    const r = await runCliInProcess(["diff", "--against", "qemu", "--tui", "--bios", rom]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe("pcscope: the debugger UI needs a terminal (stdin and stdout must be a TTY)\n");
  });

  test("--tui with --trace but no --trace-file: refused as the UI refuses it", async () => {
    const r = await runCliInProcess(["diff", "--against", "qemu", "--tui", "--trace", "portio_*"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      "pcscope: --tui: under the UI, --trace and --log need --trace-file (the screen is the UI's)\n",
    );
  });
});
