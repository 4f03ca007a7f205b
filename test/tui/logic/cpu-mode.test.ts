import { describe, expect, it } from "vitest";
import { cpuContext, parseSegOff } from "../../../src/tui/logic/cpu-mode.ts";
import type { CpuExtras, RegisterSet, SegmentInfo } from "../../../src/tui/session/debug-session.ts";

function regs(values: Record<string, bigint>, arch: RegisterSet["arch"] = "i386"): RegisterSet {
  return { arch, values: new Map(Object.entries(values)) };
}
function extras(cs: SegmentInfo, efer = 0n): CpuExtras {
  return { segments: new Map([["cs", cs]]), efer };
}

describe("cpuContext", () => {
  it("uses the hidden CS base at reset (f000:fff0 is linear fffffff0)", () => {
    const r = regs({ cs: 0xf000n, eip: 0xfff0n, cr0: 0x60000010n, eflags: 2n });
    const ctx = cpuContext(r, extras({ selector: 0xf000, base: 0xffff0000n, limit: 0xffff, flags: 0x9b00 }));
    expect(ctx).toMatchObject({ mode: "real", bitness: 16, pc: 0xfffffff0n, ip: 0xfff0n, baseKnown: true });
  });

  it("falls back to selector*16 in real mode without extras and computes SS:SP", () => {
    const ctx = cpuContext(regs({ cs: 0xf000n, eip: 0xe05bn, ss: 0x30n, esp: 0x12345678n }), null);
    expect(ctx).toMatchObject({ mode: "real", pc: 0xfe05bn, baseKnown: false, sp: 0x300n + 0x5678n });
  });

  it("tells 32-bit, 16-bit protected, v86 and long mode apart", () => {
    const pe = { cr0: 1n, cs: 8n, eip: 0x1000n };
    expect(
      cpuContext(regs(pe), extras({ selector: 8, base: 0n, limit: 0xffffffff, flags: 0xcf9b00 })).mode,
    ).toBe("protected32");
    expect(
      cpuContext(regs(pe), extras({ selector: 8, base: 0x10000n, limit: 0xffff, flags: 0x9b00 })),
    ).toMatchObject({
      mode: "protected16",
      pc: 0x11000n,
    });
    expect(cpuContext(regs({ ...pe, eflags: 1n << 17n }), null).mode).toBe("v86");
    const long = cpuContext(
      regs({ cr0: 0x80000001n, cs: 8n, rip: 0xffffffff80001000n }, "x86-64"),
      extras({ selector: 8, base: 0n, limit: 0, flags: 0x209b00 }, 0x500n),
    );
    expect(long).toMatchObject({ mode: "long64", bitness: 64, pc: 0xffffffff80001000n });
  });

  it("takes IP and the CS base from pcscope's i8086 description, whose eip is the linear PC", () => {
    const ctx = cpuContext(
      regs({ cr0: 0x10n, cs: 0x1234n, eip: 0x12350n, ip: 0x10n, cs_base: 0x12340n }, "i8086"),
      null,
    );
    expect(ctx).toMatchObject({ mode: "real", ip: 0x10n, csBase: 0x12340n, pc: 0x12350n });
  });

  it("parses SEG:OFF", () => {
    expect(parseSegOff("f000:e05b")).toBe(0xfe05bn);
    expect(parseSegOff("0x07c0:0x0000")).toBe(0x7c00n);
    expect(parseSegOff("entry_post")).toBeNull();
  });
});
