// Differential test: the demo ROM's debug console under pcscope and under QEMU must be identical.
// QEMU keeps running after the final HLT, so its log is polled until the last line appears.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createBareMachine } from "../../../src/emu/machine/board-bare.ts";
import { needPeers } from "../../helpers/peers.ts";

const HELLO_PATH = new URL("../../../firmware/hello/hello.bin", import.meta.url).pathname;
const LAST_LINE = "back in real mode; halting with interrupts disabled\n";

/** Runs `rom` under QEMU until its debugcon log ends with `last`, then kills it; returns the log. */
async function qemuDebugcon(rom: string, last: string): Promise<string> {
  const log = join(mkdtempSync(join(tmpdir(), "pcscope-qemu-")), "debugcon.log");
  const args = ["-nodefaults", "-display", "none", "-M", "pc", "-m", "32", "-bios", rom];
  args.push("-debugcon", `file:${log}`, "-global", "isa-debugcon.iobase=0x402");
  const qemu = spawn("qemu-system-i386", args, { stdio: "ignore" });
  try {
    for (let waited = 0; waited < 20_000; waited += 50) {
      await new Promise((r) => setTimeout(r, 50));
      let text = "";
      try {
        text = readFileSync(log, "latin1");
      } catch {}
      if (text.endsWith(last)) return text;
      if (qemu.exitCode !== null) throw new Error(`qemu exited with ${qemu.exitCode}; log so far: ${text}`);
    }
    throw new Error("qemu did not finish in 20 s");
  } finally {
    qemu.kill("SIGKILL");
  }
}

describe.skipIf(!needPeers("qemu-system-i386"))("hello.bin vs QEMU", () => {
  it("prints the same debug console output", async () => {
    const expected = await qemuDebugcon(HELLO_PATH, LAST_LINE);
    const m = createBareMachine({ bios: readFileSync(HELLO_PATH), debugcons: [{ port: 0x402, sink: null }] });
    expect(m.run(100_000_000)).toEqual({ kind: "halted" });
    expect(m.debugcons[0]!.text()).toBe(expected);
  });
});
