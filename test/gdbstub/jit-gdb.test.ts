// The real gdb 13 against translated code (issue #13): firmware/tests/gdbstub/hot-loop.asm runs long
// enough to be translated (and its block chained to itself) before gdb attaches. A breakpoint
// inserted into the hot loop is hit on the loop's next pass, stepi inside it moves one instruction,
// and a watchpoint stops right after the store that writes the watched word, with gdb's old and new
// values one pass apart. The same script gives the same answers with translation off. Code gdb writes
// into the loop (in ROM: QEMU's stub writes ROM too) with its X and with its M packet runs on the next
// pass.
import { describe, expect, it } from "vitest";
import { needPeers } from "../helpers/peers.ts";
import { assembleTestRomFile } from "../helpers/roms.ts";
import { startDemo } from "./demo.ts";
import { pythonScript, runGdb } from "./gdb-run.ts";

/** The loop's instructions (linear): inc eax; mov [0x600], eax; dec ecx; jnz pass. */
const PASS = 0xf000d;
const STORE = 0xf000f;
const AFTER_STORE = 0xf0013;
const WARM_UP = 300_000;

const SCRIPT = `
import gdb
def reg(name):
    return int(gdb.selected_frame().read_register(name)) & 0xffffffff
def pc():
    return int(gdb.selected_frame().pc())
print("@start %x %d" % (pc(), reg("eax")))
gdb.execute("break *${PASS}")
gdb.execute("continue")
print("@bp %x %d" % (pc(), reg("eax")))
gdb.execute("delete")
gdb.execute("stepi")
print("@step1 %x %d" % (pc(), reg("eax")))
gdb.execute("stepi")
print("@step2 %x %d %d" % (pc(), reg("eax"), int(gdb.parse_and_eval("*(unsigned int *)0x600"))))
gdb.execute("watch *(unsigned int *)0x600")
gdb.execute("continue")
print("@watch %x %d %d" % (pc(), reg("eax"), int(gdb.parse_and_eval("*(unsigned int *)0x600"))))
`;

/** Parses `@tag hex dec...` lines. */
function field(out: string, tag: string): number[] {
  const m = new RegExp(`@${tag} ([0-9a-f]+)((?: \\d+)*)`).exec(out);
  if (m === null) throw new Error(`no @${tag} in:\n${out}`);
  return [Number.parseInt(m[1]!, 16), ...m[2]!.trim().split(" ").map(Number)];
}

describe.skipIf(!needPeers("gdb", "nasm"))("gdb in a hot translated loop", () => {
  it.each([
    ["translated", true],
    ["interpreted", false],
  ] as const)(
    "breakpoint on the next pass, stepi by one instruction, watchpoint on the writing store (%s)",
    async (_, jit) => {
      const rom = await assembleTestRomFile("gdbstub/hot-loop.asm");
      const demo = await startDemo(rom, { warmUp: WARM_UP, jit });
      try {
        const info = demo.machine.monitorInfo("jit")!;
        if (jit) expect(info).toMatch(/hit rate: \d+\.\d% \([1-9]\d* block runs/);
        else expect(info).toMatch(/^translation: off/);
        const out = await runGdb(demo.server.address, ["monitor info jit", pythonScript(SCRIPT)]);
        const [startPc, startEax] = field(out, "start");
        expect([PASS, STORE, AFTER_STORE, AFTER_STORE + 2]).toContain(startPc);
        // The next pass: EAX counts it at PASS's inc, which has not run yet when the breakpoint stops.
        const [bpPc, bpEax] = field(out, "bp");
        expect(bpPc).toBe(PASS);
        expect(bpEax).toBe(startPc === PASS ? startEax! + 1 : startEax);
        expect(field(out, "step1")).toEqual([STORE, bpEax! + 1]);
        expect(field(out, "step2")).toEqual([AFTER_STORE, bpEax! + 1, bpEax! + 1]);
        // The watchpoint stops after the next pass's store, before dec ecx.
        expect(field(out, "watch")).toEqual([AFTER_STORE, bpEax! + 2, bpEax! + 2]);
        expect(out).toMatch(new RegExp(`Old value = ${bpEax! + 1}\\s+New value = ${bpEax! + 2}`));
      } finally {
        await demo.close();
      }
    },
  );

  it.each([
    ["X", []],
    ["M", ["set remote X-packet off"]],
  ] as const)(
    "code gdb writes into the hot loop with its %s packet runs on the next pass",
    async (_, setup) => {
      const rom = await assembleTestRomFile("gdbstub/hot-loop.asm");
      const demo = await startDemo(rom, { warmUp: WARM_UP, jit: true });
      try {
        const out = await runGdb(demo.server.address, [
          ...setup,
          "set debug remote 1",
          // inc eax (66 40) becomes dec eax (66 48) in the translated block.
          `set {unsigned char}${PASS + 1} = 0x48`,
          "set debug remote 0",
          `break *${STORE}`,
          "continue",
          "echo @a\\n",
          "p/d $eax",
          "continue",
          "echo @b\\n",
          "p/d $eax",
        ]);
        expect(out).toMatch(setup.length === 0 ? /Sending packet: \$X/ : /Sending packet: \$M/);
        const eax = (tag: string) => Number(/\$\d+ = (-?\d+)/.exec(out.split(`@${tag}\n`)[1] ?? "")?.[1]);
        // One pass later EAX is one less: the patched instruction ran, not the translated original.
        expect(eax("b")).toBe(eax("a") - 1);
      } finally {
        await demo.close();
      }
    },
  );
});
