// The frame-pointer walker over synthetic memory: chains of [saved BP, return address] pairs, the
// prologue case (a breakpoint at a function's first byte), and every way a walk ends.
import { describe, expect, it } from "vitest";
import {
  formatFrame,
  MAX_FRAMES,
  type ReadMemory,
  SYMBOL_REACH,
  type WalkStart,
  walkFrames,
  walkStart,
} from "../../../src/tui/logic/backtrace.ts";
import type { CpuContext } from "../../../src/tui/logic/cpu-mode.ts";
import { listResolver } from "../../../src/tui/logic/symbol-resolver.ts";

/** Sparse little-endian memory: unreadable outside the bytes written; records read addresses. */
class Memory {
  readonly bytes = new Map<bigint, number>();
  readonly reads: bigint[] = [];
  word(addr: bigint, value: bigint, size: number): void {
    for (let i = 0; i < size; i++) this.bytes.set(addr + BigInt(i), Number((value >> BigInt(8 * i)) & 0xffn));
  }
  code(addr: bigint, bytes: number[]): void {
    for (const [i, b] of bytes.entries()) this.bytes.set(addr + BigInt(i), b);
  }
  readonly read: ReadMemory = async (addr, length) => {
    this.reads.push(addr);
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i++) {
      const b = this.bytes.get(addr + BigInt(i));
      if (b === undefined) return i === 0 ? null : out.subarray(0, i);
      out[i] = b;
    }
    return out;
  };
}

// A kernel-like layout: three functions and a stack of linked 32-bit frames.
const symbols = listResolver([
  { name: "entry_INT80_32", addr: 0xc1000000n },
  { name: "__do_sys_reboot", addr: 0xc1000100n },
  { name: "kernel_power_off", addr: 0xc1000200n },
]);
const flat32 = (pc: bigint, bp: bigint, sp = 0xc8000f00n): WalkStart => ({
  pc,
  bp,
  sp,
  bitness: 32,
  ssBase: 0n,
  csBase: 0n,
});
/** push ebp; mov ebp, esp, then NOPs. */
const PROLOGUE = [0x55, 0x89, 0xe5, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90];
/**
 * Functions of a kernel built for ftrace begin with `call __fentry__`, patched at boot into a 5-byte
 * NOP: `ds lea 0x0(%esi),%esi` in Debian's 686 kernel, `nopl 0x0(%eax,%eax,1)` on x86-64.
 */
const FENTRY_PADS = [
  ["i386 ds lea", [0x3e, 0x8d, 0x74, 0x26, 0x00]],
  ["nopl", [0x0f, 0x1f, 0x44, 0x00, 0x00]],
  ["call __fentry__", [0xe8, 0x00, 0x00, 0x00, 0x00]],
] as const;

describe("walkFrames", () => {
  it("follows [ebp] = caller's ebp, [ebp+4] = return address to a null frame pointer", async () => {
    const m = new Memory();
    m.word(0xc8001000n, 0xc8001020n, 4); // frame of kernel_power_off
    m.word(0xc8001004n, 0xc1000141n, 4); //   returns into __do_sys_reboot
    m.word(0xc8001020n, 0n, 4); // frame of __do_sys_reboot: the outermost
    m.word(0xc8001024n, 0xc1000010n, 4); //   returns into entry_INT80_32
    const bt = await walkFrames(flat32(0xc1000212n, 0xc8001000n), m.read, symbols);
    expect(bt.frames.map((f) => formatFrame(f, 32))).toEqual([
      "#0 0xc1000212 kernel_power_off+0x12",
      "#1 0xc1000141 __do_sys_reboot+0x41",
      "#2 0xc1000010 entry_INT80_32+0x10",
    ]);
    expect(bt.end).toBe("null frame pointer");
  });

  it("stops at an unreadable frame, keeping the frames before it", async () => {
    const m = new Memory();
    m.word(0xc8001000n, 0xdead0000n, 4);
    m.word(0xc8001004n, 0xc1000141n, 4);
    const bt = await walkFrames(flat32(0xc1000212n, 0xc8001000n), m.read, symbols);
    expect(bt.frames).toHaveLength(2);
    expect(bt).toMatchObject({ end: "unreadable frame", endBp: 0xdead0000n });
  });

  it("stops when the saved frame pointer does not increase (a loop would never end)", async () => {
    const m = new Memory();
    m.word(0xc8001000n, 0xc8001000n, 4); // points at itself
    m.word(0xc8001004n, 0xc1000141n, 4);
    const bt = await walkFrames(flat32(0xc1000212n, 0xc8001000n), m.read, symbols);
    expect(bt.frames).toHaveLength(2);
    expect(bt.end).toBe("frame pointer not increasing");
    m.word(0xc8001000n, 0xc8000ff0n, 4); // points below
    expect((await walkFrames(flat32(0xc1000212n, 0xc8001000n), m.read, symbols)).end).toBe(
      "frame pointer not increasing",
    );
  });

  it("stops at a null frame pointer register and at a zero return address", async () => {
    const m = new Memory();
    const none = await walkFrames(flat32(0xc1000212n, 0n), m.read, symbols);
    expect(none.frames).toHaveLength(1);
    expect(none.end).toBe("null frame pointer");
    m.word(0xc8001000n, 0xc8001020n, 4);
    m.word(0xc8001004n, 0n, 4);
    const zero = await walkFrames(flat32(0xc1000212n, 0xc8001000n), m.read, symbols);
    expect(zero.frames).toHaveLength(1);
    expect(zero.end).toBe("null return address");
  });

  it("walks at most MAX_FRAMES frames of an endless increasing chain", async () => {
    const m = new Memory();
    for (let i = 0n; i < 100n; i++) {
      m.word(0xc8001000n + i * 16n, 0xc8001000n + (i + 1n) * 16n, 4);
      m.word(0xc8001004n + i * 16n, 0xc1000150n, 4);
    }
    const bt = await walkFrames(flat32(0xc1000212n, 0xc8001000n), m.read, symbols);
    expect(bt.frames).toHaveLength(MAX_FRAMES);
    expect(bt.end).toBe("depth limit");
    expect(bt.frames.map((f) => f.level)).toEqual([...Array(MAX_FRAMES).keys()]);
    expect(m.reads.length).toBeLessThanOrEqual(MAX_FRAMES + 1);
  });

  it.each(FENTRY_PADS)(
    "at a function's first byte (after a %s pad) takes the caller from [esp], then goes on from ebp",
    async (_name, pad) => {
      const m = new Memory();
      m.code(0xc1000200n, [...pad, ...PROLOGUE]);
      m.word(0xc8000f00n, 0xc1000141n, 4); // [esp]: the call's return address
      m.word(0xc8001020n, 0n, 4); // ebp: __do_sys_reboot's frame
      m.word(0xc8001024n, 0xc1000010n, 4);
      const atEntry = await walkFrames(flat32(0xc1000200n, 0xc8001020n), m.read, symbols);
      expect(m.reads).not.toContain(0xc1000200n); // at the first byte the code is not read
      expect(atEntry.frames.map((f) => f.symbol)).toEqual([
        "kernel_power_off",
        "__do_sys_reboot+0x41",
        "entry_INT80_32+0x10",
      ]);
      // After `push ebp` the return address is one word up; after `mov ebp, esp` the chain has it.
      m.word(0xc8000efcn, 0xc8001020n, 4);
      m.word(0xc8000f00n, 0xc1000141n, 4);
      const pushed = await walkFrames(flat32(0xc1000206n, 0xc8001020n, 0xc8000efcn), m.read, symbols);
      const callers = atEntry.frames.slice(1).map((f) => f.symbol);
      expect(pushed.frames.map((f) => f.symbol)).toEqual(["kernel_power_off+0x6", ...callers]);
      const linked = await walkFrames(flat32(0xc1000208n, 0xc8000efcn, 0xc8000efcn), m.read, symbols);
      expect(linked.frames.map((f) => f.symbol)).toEqual(["kernel_power_off+0x8", ...callers]);
    },
  );

  it("walks 16-bit BP frames within SS and resolves near return offsets within CS", async () => {
    const m = new Memory();
    const ss = 0x7000n << 4n;
    m.word(ss + 0xff00n, 0xff10n, 2);
    m.word(ss + 0xff02n, 0xe0a5n, 2);
    m.word(ss + 0xff10n, 0n, 2);
    m.word(ss + 0xff12n, 0xe013n, 2);
    const rom = listResolver([
      { name: "post", addr: 0xfe000n },
      { name: "entry_post", addr: 0xfe05bn },
    ]);
    const start: WalkStart = {
      pc: 0xfe100n,
      bp: 0xff00n,
      sp: 0xfef0n,
      bitness: 16,
      ssBase: ss,
      csBase: 0xf0000n,
    };
    const bt = await walkFrames(start, m.read, rom);
    expect(bt.frames.map((f) => formatFrame(f, 16))).toEqual([
      "#0 0xfe100 entry_post+0xa5",
      "#1 0xfe0a5 entry_post+0x4a",
      "#2 0xfe013 post+0x13",
    ]);
    expect(m.reads[0]).toBe(ss + 0xff00n); // linear: SS base + BP
  });

  it("shows frames without a symbol, or far past the nearest one, as the bare address", async () => {
    const below = await walkFrames(flat32(0x1234n, 0n), new Memory().read, symbols);
    expect(formatFrame(below.frames[0]!, 32)).toBe("#0 0x00001234");
    const far = await walkFrames(flat32(0xfffffff0n, 0n), new Memory().read, symbols);
    expect(formatFrame(far.frames[0]!, 32)).toBe("#0 0xfffffff0");
    const near = await walkFrames(flat32(0xc1000200n + SYMBOL_REACH - 1n, 0n), new Memory().read, symbols);
    expect(near.frames[0]!.symbol).toBe("kernel_power_off+0xffff");
  });
});

describe("walkStart", () => {
  it("takes SS base from the linear stack pointer and masks the registers to the code's width", () => {
    const ctx: CpuContext = {
      mode: "real",
      bitness: 16,
      csBase: 0xf0000n,
      cs: 0xf000,
      ip: 0xe05bn,
      pc: 0xfe05bn,
      baseKnown: false,
      sp: 0x7fff0n,
    };
    expect(walkStart(ctx, 0x1234ff00n, 0x5678fff0n)).toEqual({
      pc: 0xfe05bn,
      bp: 0xff00n,
      sp: 0xfff0n,
      bitness: 16,
      ssBase: 0x70000n,
      csBase: 0xf0000n,
    });
  });
});
