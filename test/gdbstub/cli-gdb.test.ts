// The real gdb against `pcscope run -S --gdb tcp:127.0.0.1:PORT --bios gdb-demo.bin` (a separate
// process, as a user runs it): connect paused at reset, break on a linear address, monitor output,
// kill ends the process with status 0.
import { describe, expect, it } from "vitest";
import { needPeers } from "../helpers/peers.ts";
import { DEMO_ROM, demoSymbols } from "./demo.ts";
import { runGdb, startPcscopeGdb } from "./gdb-run.ts";

const SYM = demoSymbols();

describe.skipIf(!needPeers("gdb"))("gdb against pcscope run -S --gdb", () => {
  it("debugs the demo ROM and kills the emulator", async () => {
    const pcscope = await startPcscopeGdb(["--bios", DEMO_ROM, "--debugcon", "null"]);
    const out = await runGdb(pcscope.address, [
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
    expect(await pcscope.exited).toBe(0);
  });
});
