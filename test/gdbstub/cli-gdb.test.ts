// The real gdb against `pcscope run -S --gdb tcp:127.0.0.1:PORT --bios gdb-demo.bin` (a separate
// process, as a user runs it): connect paused at reset, break on a linear address, monitor output,
// kill ends the process with status 0.
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { needPeers } from "../helpers/peers.ts";
import { freePort } from "../helpers/qemu.ts";
import { DEMO_ROM, demoSymbols } from "./demo.ts";
import { runGdb } from "./gdb-run.ts";

const BIN = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "bin", "pcscope.js");
const SYM = demoSymbols();

describe.skipIf(!needPeers("gdb"))("gdb against pcscope run -S --gdb", () => {
  it("debugs the demo ROM and kills the emulator", async () => {
    const port = await freePort();
    const child = spawn(
      process.execPath,
      [BIN, "run", "-S", "--gdb", `tcp:127.0.0.1:${port}`, "--bios", DEMO_ROM, "--debugcon", "null"],
      {
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
    for (let i = 0; i < 100 && !stderr.includes("listening"); i++)
      await new Promise((r) => setTimeout(r, 100));
    expect(stderr).toContain(`gdb server listening on 127.0.0.1:${port} (guest paused)`);
    const out = await runGdb(`127.0.0.1:${port}`, [
      "info registers ip cs",
      `break *${`0x${SYM.count_loop!.toString(16)}`}`,
      "continue",
      "x/2i $pc",
      "monitor info cpus",
      "kill",
    ]);
    expect(out).toMatch(/ip\s+0xfff0/);
    expect(out).toContain("Breakpoint 1, 0x000fe06b in ?? ()");
    expect(out).toMatch(/=> 0xfe06b:\s+incw\s+0x500/);
    expect(out).toContain("* CPU #0: thread_id=1 real mode pc=0xfe06b (f000:e06b) stopped");
    expect(out).toMatch(/Inferior 1 \(process 1\) killed/);
    expect(await exited).toBe(0);
  });
});
