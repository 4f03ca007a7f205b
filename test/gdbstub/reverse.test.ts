// Reverse execution with the real gdb 13 against pcscope's stub, on the gdb-demo ROM (symbols from
// symbols/gdb-demo.nm): it writes a RAM counter, prints to the debug port and enters protected mode.
// 1,000 stepi then 1,000 reverse-stepi give back every step's registers and memory; stepping forward
// again replays them; reverse-continue finds the previous breakpoint hit, the previous write a
// watchpoint watches and the previous I/O watch hit; the start of history is gdb's
// "No more reverse-execution history". On firmware/tests/gdbstub/calls.asm, with its functions'
// symbols in an ELF made from the same source, reverse-finish, reverse-nexti, reverse-next and
// reverse-step go back over calls as gdb defines them.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { needPeers } from "../helpers/peers.ts";
import { assembleTestRomFile, TEST_ROM_DIR } from "../helpers/roms.ts";
import { type Demo, demoSymbols, startDemo } from "./demo.ts";
import { pythonScript, runGdb } from "./gdb-run.ts";

const SYM = demoSymbols();
const hex = (n: number) => `0x${n.toString(16)}`;

/** gdb Python: the registers and the counters' bytes at this moment. */
const STATE = `
import gdb
NAMES = ("eip", "eax", "ebx", "ecx", "edx", "esi", "edi", "esp", "ebp", "eflags", "cs", "ss", "ds")
def state():
    f = gdb.selected_frame()
    regs = tuple(int(f.read_register(n)) & 0xffffffff for n in NAMES)
    return regs, bytes(gdb.selected_inferior().read_memory(0x500, 8))
`;

describe.skipIf(!needPeers("gdb"))("reverse execution with gdb 13", () => {
  let demo: Demo;
  beforeEach(async () => {
    demo = await startDemo(undefined, { history: true });
  });
  afterEach(async () => {
    await demo.close();
  });

  it("gives back every one of 1,000 steps, and replays them forward", async () => {
    const script = pythonScript(`${STATE}
forward = [state()]
for i in range(1000):
    gdb.execute("stepi", to_string=True)
    forward.append(state())
back = []
for i in range(1000):
    gdb.execute("reverse-stepi", to_string=True)
    if state() != forward[999 - i]:
        back.append(i)
again = []
for i in range(1000):
    gdb.execute("stepi", to_string=True)
    if state() != forward[i + 1]:
        again.append(i)
eips = sorted(set(s[0][0] for s in forward))
print("@kinds %d" % len(eips))
print("@back %d %s" % (len(back), back[:5]))
print("@again %d %s" % (len(again), again[:5]))
print("@end %x" % forward[-1][0][0])
`);
    const out = await runGdb(
      demo.server.address,
      [`break *${hex(SYM.count_loop!)}`, "ignore 1 960", "continue", "delete", script],
      180_000,
    );
    expect(out).toMatch(/@back 0 \[\]/);
    expect(out).toMatch(/@again 0 \[\]/);
    // The steps went through the counting loop, the port output and into protected mode.
    const end = Number.parseInt(/@end ([0-9a-f]+)/.exec(out)![1]!, 16);
    expect(end).toBeGreaterThanOrEqual(SYM.pm32!);
    expect(Number(/@kinds (\d+)/.exec(out)![1])).toBeGreaterThan(20);
  });

  it("goes back to the previous breakpoint hit, watched write and I/O watch hit", async () => {
    const out = await runGdb(demo.server.address, [
      `break *${hex(SYM.spin!)}`,
      "continue",
      "delete",
      "monitor iowatch add 0x402 w",
      "reverse-continue",
      "echo @io\\n",
      "info registers eax eip",
      "monitor iowatch del all",
      `break *${hex(SYM.print_loop!)}`,
      "reverse-continue",
      "echo @bp1\\n",
      "info registers esi eip",
      "reverse-continue",
      "echo @bp2\\n",
      "info registers esi eip",
      "delete",
      "watch *(short *)0x500",
      "reverse-continue",
      "echo @watch\\n",
      "x/1hx 0x500",
      "delete",
      "monitor info history",
      "reverse-continue",
      "echo @start\\n",
      "info registers ip",
      "stepi",
      "echo @fwd\\n",
      "info registers ip",
    ]);
    const part = (name: string) => out.split(`@${name}\n`)[1]?.split("@")[0] ?? "";
    // Before the last `out`: AL holds the newline.
    expect(part("io")).toMatch(/eax\s+0x[0-9a-f]*0a\s/);
    // The print_loop pass before that `out` loads the newline; the one before, the last letter.
    const msgEnd = SYM.msg! - 0xf0000 + "hello from gdb-demo\n".length;
    expect(part("bp1")).toMatch(new RegExp(`esi\\s+${hex(msgEnd - 1)}`));
    expect(part("bp1")).toMatch(new RegExp(`eip\\s+${hex(SYM.print_loop!)}`));
    expect(part("bp2")).toMatch(new RegExp(`esi\\s+${hex(msgEnd - 2)}`));
    // Going back over the last `inc word [0x500]`: gdb sees the value it had before (999).
    expect(out).toMatch(/Hardware watchpoint 3: \*\(short \*\)0x500\s+Old value = 1000\s+New value = 999/);
    expect(part("watch")).toMatch(/0x500:\s+0x03e7/);
    expect(out).toMatch(/history: steps \d+\.\.\d+, now at \d+/);
    expect(out).toContain("No more reverse-execution history.");
    // History starts where gdb attached: the reset vector.
    expect(part("start")).toMatch(/ip\s+0xfff0/);
    expect(part("fwd")).toMatch(new RegExp(`ip\\s+${hex(SYM.start! - 0xf0000)}`));
  });
});

describe.skipIf(!needPeers("gdb", "nasm", "ld"))(
  "reverse-finish, -nexti, -next and -step with gdb 13",
  () => {
    it("go back to the call, over the call, and out of the function", async () => {
      const rom = await assembleTestRomFile("gdbstub/calls.asm");
      // The same source as an ELF at the ROM's address: gdb's symbols for outer and inner.
      const dir = dirname(rom);
      execFileSync("nasm", [
        "-f",
        "elf32",
        join(TEST_ROM_DIR, "gdbstub/calls.asm"),
        "-o",
        join(dir, "calls.o"),
      ]);
      const elf = join(dir, "calls.elf");
      execFileSync("ld", [
        "-m",
        "elf_i386",
        "-Ttext=0xf0000",
        "-e",
        "start",
        "-o",
        elf,
        join(dir, "calls.o"),
      ]);
      execFileSync("objcopy", ["-O", "binary", elf, join(dir, "calls.elf.bin")]);
      expect(readFileSync(join(dir, "calls.elf.bin")).equals(readFileSync(rom))).toBe(true);
      const demo = await startDemo(rom, { history: true });
      try {
        const out = await runGdb(demo.server.address, [
          `symbol-file ${elf}`,
          "break inner",
          "continue",
          "delete",
          "stepi 3",
          "echo @in\\n",
          "p $pc",
          "reverse-finish",
          "echo @finish\\n",
          "p $pc",
          "break *outer+8",
          "continue",
          "continue",
          "delete",
          "echo @after\\n",
          "x/2wx 0x510",
          "reverse-nexti",
          "echo @nexti\\n",
          "p $pc",
          "x/2wx 0x510",
          "reverse-next",
          "echo @next\\n",
          "p $pc",
          "reverse-step",
          "echo @step\\n",
          "p $pc",
          "x/2wx 0x510",
        ]);
        const part = (name: string) => out.split(`@${name}\n`)[1]?.split("@")[0] ?? "";
        expect(part("in")).toContain("<inner+");
        // reverse-finish: back to the call of inner, in outer (outer+3 is `call inner`).
        expect(part("finish")).toContain("<outer+3>");
        // The second pass's return from inner: outer counted once, inner twice per pass.
        expect(part("after")).toMatch(/0x510:\s+0x00000001\s+0x00000004/);
        // reverse-nexti steps back over the whole call: inner's two adds are undone.
        expect(part("nexti")).toContain("<outer+3>");
        expect(part("nexti")).toMatch(/0x510:\s+0x00000001\s+0x00000002/);
        // reverse-next, without line information, goes back to the start of outer; reverse-step then
        // back into the caller, onto its `call outer` (pm32's loop: push ecx, then the call).
        expect(part("next")).toContain("<outer+1>");
        expect(part("step")).toMatch(/<pm32\[again\]\+1>/);
        expect(part("step")).toMatch(/0x510:\s+0x00000001\s+0x00000002/);
      } finally {
        await demo.close();
      }
    });
  },
);
