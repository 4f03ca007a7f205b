// Where an instruction writes: its written memory operands placed with the registers and segment
// bases before it runs (iced-x86's instruction info), and the bytes a step pushed.
import { describe, expect, test } from "vitest";
import type { CodeView } from "../../src/diff/pcscope-side.ts";
import { instructionWrites, pushedRange } from "../../src/diff/writes.ts";

const REAL: CodeView = {
  bitness: 16,
  realSegments: true,
  segmentBase: { cs: 0xf0000, ss: 0x10000, ds: 0x20000, es: 0x30000, fs: 0, gs: 0 },
  stack32: false,
};
const FLAT32: CodeView = {
  bitness: 32,
  realSegments: false,
  segmentBase: { cs: 0, ss: 0, ds: 0x1000, es: 0, fs: 0, gs: 0 },
  stack32: true,
};

/** Register values by gdb name (missing ones are 0). */
function regs(values: Record<string, number>) {
  return (name: string) => values[name] ?? 0;
}

describe("instructionWrites", () => {
  test.each([
    // bytes, view, registers, expected ranges
    ["50 (push ax): the word below SS:SP", "50", REAL, { esp: 0x100 }, [{ addr: 0x100fe, length: 2 }]],
    ["89470a (mov [bx+0xa], ax)", "89470a", REAL, { ebx: 0x10 }, [{ addr: 0x2001a, length: 2 }]],
    ["8b07 (mov ax, [bx]): a read writes nothing", "8b07", REAL, { ebx: 0x10 }, []],
    [
      "16-bit offsets wrap: mov [bx+2], ax with BX=0xffff",
      "894702",
      REAL,
      { ebx: 0xffff },
      [{ addr: 0x20001, length: 2 }],
    ],
    [
      "f3aa (rep stosb): one element at ES:DI",
      "f3aa",
      REAL,
      { edi: 0x40, ecx: 9 },
      [{ addr: 0x30040, length: 1 }],
    ],
    ["ab (stosd), 32-bit", "ab", FLAT32, { edi: 0x5000 }, [{ addr: 0x5000, length: 4 }]],
    [
      "890c8d00100000 (mov [ecx*4+0x1000], ecx)",
      "890c8d00100000",
      FLAT32,
      { ecx: 3 },
      [{ addr: 0x200c, length: 4 }],
    ],
    [
      "ff1634 12 (call [0x1234]): the return address pushed",
      "ff163412",
      REAL,
      { esp: 0x200 },
      [{ addr: 0x101fe, length: 2 }],
    ],
    ["cd10 (int 0x10): no operand names the frame", "cd10", REAL, { esp: 0x200 }, []],
    ["undecodable bytes write nothing known", "0f0b", REAL, {}, []],
  ])("%s", (_name, hex, view, values, expected) => {
    expect(instructionWrites(Buffer.from(hex, "hex"), view, regs(values))).toEqual(expected);
  });
});

describe("pushedRange", () => {
  test("the bytes between the new and the old stack pointer", () => {
    expect(pushedRange(0x10000, 0x100, 0xfa, false)).toEqual({ addr: 0x100fa, length: 6 });
  });

  test("a 16-bit stack wraps", () => {
    expect(pushedRange(0, 0x2, 0xfffe, false)).toEqual({ addr: 0xfffe, length: 4 });
  });

  test("nothing when the stack did not grow, or grew past a switch's size", () => {
    expect(pushedRange(0, 0x100, 0x100, true)).toBeNull();
    expect(pushedRange(0, 0x100, 0x104, true)).toBeNull();
    expect(pushedRange(0, 0x9f000, 0x8f000, true)).toBeNull();
  });
});
