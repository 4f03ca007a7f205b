// How translation is switched and observed: --no-jit/--jit, the machine option, `monitor info
// jit`, and breakpoints elsewhere on a translated block's page leaving it translated.

import { describe, expect, test } from "vitest";
import { parseRunArgs } from "../../../../src/cli/run-options.ts";
import { createBareMachine } from "../../../../src/emu/machine/board-bare.ts";
import { realMode } from "../helpers.ts";

/** A 64 KiB ROM whose reset vector jumps to a counting loop at F000:0000, then exits via port 0xf4. */
function loopRom(): Uint8Array {
  const rom = new Uint8Array(0x10000);
  // 0000 66 b9 00 00 01 00   mov ecx, 0x10000
  // 0006 66 40               inc eax
  // 0008 66 49               dec ecx
  // 000a 75 fa               jnz 0006
  // 000c e6 f4               out 0xf4, al
  // 000e f4                  hlt
  rom.set([0x66, 0xb9, 0x00, 0x00, 0x01, 0x00, 0x66, 0x40, 0x66, 0x49, 0x75, 0xfa, 0xe6, 0xf4, 0xf4], 0);
  // fff0 ea 00 00 00 f0      jmp f000:0000
  rom.set([0xea, 0x00, 0x00, 0x00, 0xf0], 0xfff0);
  return rom;
}

describe("switching translation", () => {
  test("--no-jit and --jit set the machine option; neither leaves it to PCSCOPE_JIT", () => {
    expect(parseRunArgs(["--bios", "x.bin", "--no-jit"]).jit).toBe(false);
    expect(parseRunArgs(["--bios", "x.bin", "--jit"]).jit).toBe(true);
    expect(parseRunArgs(["--bios", "x.bin"]).jit).toBeNull();
  });

  test("the same run with and without translation: same count and registers; monitor info jit", () => {
    const results = [true, false].map((jit) => {
      const m = createBareMachine({ bios: loopRom(), debugExit: { port: 0xf4, size: 1 }, jit });
      const event = m.run(1_000_000);
      return { event, cpu: m.describeCpu(0).instructions, info: m.monitorInfo("jit")! };
    });
    expect(results[0]!.event).toEqual(results[1]!.event);
    expect(results[0]!.cpu).toBe(results[1]!.cpu);
    expect(results[0]!.info).toMatch(/^translation: on\nblocks: [1-9]/);
    expect(results[0]!.info).toMatch(/hit rate: \d+\.\d% \([1-9]\d* block runs/);
    expect(results[1]!.info).toMatch(/^translation: off\nblocks: 0 /);
  });

  test("a breakpoint elsewhere on the page leaves the loop translated; one inside it is hit", () => {
    // 1000 b9 00 10   mov cx, 0x1000 / 1003 40 inc ax / 1004 e2 fd loop 1003 / 1006 f4 hlt
    const m = realMode([0xb9, 0x00, 0x10, 0x40, 0xe2, 0xfd, 0xf4]);
    m.cpu.jit.enabled = true;
    m.cpu.addBreakpoint(0x1800);
    m.cpu.run(200);
    const hits = m.cpu.jit.hits;
    expect(hits).toBeGreaterThan(0);
    m.cpu.run(200);
    expect(m.cpu.jit.hits).toBeGreaterThan(hits);
    m.cpu.addBreakpoint(0x1004);
    expect(m.cpu.run(100_000)).toEqual({ kind: "breakpoint", addr: 0x1004 });
  });
});
