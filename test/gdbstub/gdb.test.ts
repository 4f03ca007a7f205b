// The real gdb 13 against pcscope's stub on the gdb-demo ROM (symbols from symbols/gdb-demo.nm):
// real mode without user scripts, linear breakpoints, 1,000 stepi, watchpoints, adjacent
// breakpoints, I/O watches, monitor commands, detach/re-attach and kill.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { needPeers } from "../helpers/peers.ts";
import { type Demo, demoSymbols, startDemo } from "./demo.ts";
import { pythonScript, runGdb } from "./gdb-run.ts";

const SYM = demoSymbols();
const hex = (n: number) => `0x${n.toString(16)}`;

describe.skipIf(!needPeers("gdb"))("gdb 13 against pcscope", () => {
  let demo: Demo;
  beforeEach(async () => {
    demo = await startDemo();
  });
  afterEach(async () => {
    await demo.close();
  });

  it("shows real mode as 16-bit code at CS:IP and stops on a linear breakpoint", async () => {
    const out = await runGdb(demo.server.address, [
      "echo @reset\\n",
      "x/3i $pc",
      "info registers eip cs ip cs_base",
      "break *0xfe05b",
      "continue",
      "echo @start\\n",
      "x/3i $pc",
      "info registers",
      "stepi",
      "stepi",
      "echo @stepped\\n",
      "x/1i $pc",
      "set $pc = 0xfe05b",
      "info registers eip ip",
      "monitor info registers",
    ]);
    const [, reset = "", start = "", stepped = ""] = out.split(/@reset\n|@start\n|@stepped\n/);
    // At reset: CS=f000 with the hidden base 0xffff0000, IP=fff0: the far jump at the top of 4 GiB.
    expect(reset).toMatch(/=> 0xfffffff0:\s+ljmp\s+\$0xf000,\$0xe05b/);
    expect(reset).toMatch(/ip\s+0xfff0/);
    expect(reset).toMatch(/cs_base\s+0xffff0000/);
    // gdb prints the stop line while `continue` runs, i.e. before the @start marker.
    expect(`${reset}${start}`).toContain("Breakpoint 1, 0x000fe05b in ?? ()");
    expect(start).toMatch(
      /=> 0xfe05b:\s+cli\s*\n\s+0xfe05c:\s+xor\s+%ax,%ax\s*\n\s+0xfe05e:\s+mov\s+%ax,%ds/,
    );
    expect(start).toMatch(/eip\s+0xfe05b/);
    expect(start).toMatch(/cs\s+0xf000/);
    expect(start).toMatch(/ip\s+0xe05b/);
    expect(stepped).toMatch(/=> 0xfe05e:\s+mov\s+%ax,%ds/);
    // Writing the linear $pc maps back to IP.
    expect(stepped).toMatch(/eip\s+0xfe05b[\s\S]*ip\s+0xe05b/);
    expect(stepped).toContain("PC: CS:IP=f000:e05b linear=0xfe05b");
    expect(stepped).toMatch(/CS =f000 000f0000 0000ffff/);
    expect(stepped).toMatch(/GDT=\s+00000000 0000ffff/);
  });

  it("keeps the x87 and SSE registers gdb writes (the CPU's register file, not constants)", async () => {
    const out = await runGdb(demo.server.address, [
      "p $fctrl",
      "p $mxcsr",
      "set $st0 = 1.5",
      "set $xmm2.v4_int32[1] = 0x1234",
      "set $fctrl = 0x27f",
      "maint flush register-cache",
      "p $st0",
      "p/x $xmm2.v4_int32",
      "p/x $fctrl",
    ]);
    expect(out).toContain("$1 = 895"); // 0x37f after reset
    expect(out).toMatch(/\$2 = \[ IM DM ZM OM UM PM \]/);
    expect(out).toContain("$3 = 1.5");
    expect(out).toContain("$4 = {0x0, 0x1234, 0x0, 0x0}");
    expect(out).toContain("$5 = 0x27f");
  });

  it("steps 1,000 instructions with stepi", async () => {
    const out = await runGdb(demo.server.address, [
      pythonScript(`
import gdb
pcs = []
for i in range(1000):
    gdb.execute("stepi", to_string=True)
    pcs.append(int(gdb.parse_and_eval("$pc")) & 0xffffffff)
loop = ${SYM.count_loop}
print("@distinct", len(set(pcs)))
print("@loop_hits", sum(1 for p in pcs if p == loop))
print("@last", hex(pcs[-1]))
`),
      "monitor info registers",
    ]);
    expect(Number(/@distinct (\d+)/.exec(out)?.[1])).toBeGreaterThan(5);
    // 6 instructions before the loop, then 4 per iteration: the loop head is reached every 4 steps.
    expect(Number(/@loop_hits (\d+)/.exec(out)?.[1])).toBe(249);
    // gdb detaches when the batch ends and the guest runs on, so count through the monitor.
    expect(out).toContain("instructions retired: 1000");
  });

  it("stops on watch, rwatch and awatch of the counter", async () => {
    const out = await runGdb(demo.server.address, [
      `watch *(short*)${hex(SYM.counter!)}`,
      "continue",
      "continue",
      "echo @pc\\n",
      "print/x $pc",
      "delete",
      `rwatch *(short*)${hex(SYM.counter!)}`,
      "continue",
      "delete",
      `awatch *(short*)${hex(SYM.counter!)}`,
      "continue",
      "continue",
    ]);
    expect(out).toMatch(/Hardware watchpoint 1: \*\(short\*\)0x500\s+Old value = 0\s+New value = 1/);
    // Reported after the writing instruction: the PC is the next instruction (the read).
    expect(out).toContain(`@pc\n$1 = ${hex(SYM.count_loop! + 4)}`);
    expect(out).toMatch(/Old value = 1\s+New value = 2/);
    // `mov ax, [counter]` reads it: the stop is on the next instruction (cmp).
    expect(out).toMatch(/Hardware read watchpoint 2: \*\(short\*\)0x500\s+Value = 2\s+0x000fe072 in/);
    // awatch: `inc` reads and writes (gdb shows the change), then the `mov` reads.
    expect(out).toMatch(
      /Hardware access \(read\/write\) watchpoint 3: \*\(short\*\)0x500\s+Old value = 2\s+New value = 3\s+0x000fe06f in/,
    );
    expect(out).toMatch(
      /Hardware access \(read\/write\) watchpoint 3: \*\(short\*\)0x500\s+Value = 3\s+0x000fe072 in/,
    );
  });

  it("stops on two breakpoints on adjacent one-byte instructions without rewinding", async () => {
    const out = await runGdb(demo.server.address, [
      `break *${hex(SYM.adj1!)}`,
      `break *${hex(SYM.adj2!)}`,
      "continue",
      "print/x $pc",
      "continue",
      "print/x $pc",
      "x/1i $pc",
    ]);
    expect(out).toContain(`Breakpoint 1, 0x000${SYM.adj1!.toString(16)} in ?? ()`);
    expect(out).toContain(`$1 = ${hex(SYM.adj1!)}`);
    expect(out).toContain(`Breakpoint 2, 0x000${SYM.adj2!.toString(16)} in ?? ()`);
    expect(out).toContain(`$2 = ${hex(SYM.adj2!)}`);
    expect(out).toMatch(/=> 0xfe07a:\s+inc\s+%bx/);
  });

  it("stops on the first debug-port byte with monitor iowatch, and runs monitor commands", async () => {
    const out = await runGdb(demo.server.address, [
      "monitor iowatch add 0x402 w",
      "monitor iowatch list",
      "continue",
      "x/1i $pc",
      "monitor iowatch del all",
      "monitor info mtree",
      "monitor info cpus",
      "monitor xp/5xb 0xffff0",
      "monitor log",
      "monitor help",
      "monitor frobnicate",
    ]);
    expect(out).toContain("I/O watch 0x402 w added");
    expect(out).toContain("1: 0x402 w");
    expect(out).toContain("iowatch: out port 0x0402 size 1 value 0x68 ('h')");
    // Stopped right after the OUT: the next instruction is the jump back.
    expect(out).toMatch(/=> 0xfe088:\s+jmp\s+0xfe081/);
    expect(out).toMatch(/pc\.bios/);
    expect(out).toMatch(/\* CPU #0: thread_id=1 real mode pc=0xfe088 \(f000:e088\) stopped/);
    expect(out).toContain("00000000000ffff0: 0xea 0x5b 0xe0 0x00 0xf0");
    expect(out).toMatch(/\nh\n/);
    expect(out).toContain("iowatch add PORT[-PORT] [r|w|rw]");
    expect(out).toContain("unknown command 'frobnicate'; try 'monitor help'");
  });

  it("detaches, re-attaches to the running guest, switches the description and kills", async () => {
    const first = await runGdb(demo.server.address, ["monitor arch", "detach"]);
    expect(first).toContain("described architecture: i8086");
    expect(first).toMatch(/Inferior 1 \(process 1\) detached/);
    await new Promise((r) => setTimeout(r, 200));
    const second = await runGdb(demo.server.address, [
      "print/x $pc",
      "x/2i $pc",
      "monitor info registers",
      "monitor arch i386",
    ]);
    // The guest ran on into the protected-mode spin loop, so "auto" described it as i386.
    expect(second).toMatch(
      new RegExp(`\\$1 = 0x${SYM.spin!.toString(16)}|\\$1 = 0x${(SYM.spin! + 6).toString(16)}`),
    );
    expect(second).toMatch(/=> 0xfe0b[a-f0-9]:\s+(incl|jmp)/);
    expect(second).toContain("protected32 mode");
    expect(second).toContain("target remote 127.0.0.1:");
    const third = await runGdb(demo.server.address, ["kill"]);
    expect(third).toMatch(/Inferior 1 \(process 1\) killed/);
    expect(await demo.server.done).toEqual({ kind: "kill" });
  });
});
