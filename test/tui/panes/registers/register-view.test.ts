import { describe, expect, it } from "vitest";
import { cpuContext } from "../../../../src/tui/logic/cpu-mode.ts";
import { formatCr0, formatEflags, registerView } from "../../../../src/tui/panes/registers/register-view.ts";
import type { CpuExtras, RegisterSet } from "../../../../src/tui/session/debug-session.ts";

const base = {
  eax: 0n,
  ecx: 0n,
  edx: 0x663n,
  ebx: 0n,
  esp: 0n,
  ebp: 0n,
  esi: 0n,
  edi: 0n,
  eip: 0xfff0n,
  eflags: 2n,
  cs: 0xf000n,
  ss: 0n,
  ds: 0n,
  es: 0n,
  fs: 0n,
  gs: 0n,
  cr0: 0x60000010n,
  cr2: 0n,
  cr3: 0n,
  cr4: 0n,
};
const set = (v: Record<string, bigint>): RegisterSet => ({
  arch: "i386",
  values: new Map(Object.entries(v)),
});
const extras: CpuExtras = {
  segments: new Map([
    ["cs", { selector: 0xf000, base: 0xffff0000n, limit: 0xffff, flags: 0x9b00 }],
    ["ss", { selector: 0, base: 0n, limit: 0xffff, flags: 0x9300 }],
  ]),
  gdt: { base: 0n, limit: 0xffff },
};

describe("registerView", () => {
  it("shows real-mode CS:IP with the linear address, segment bases/limits and CR0", () => {
    const r = set(base);
    const view = registerView(r, null, extras, cpuContext(r, extras));
    expect(view.location).toBe("CS:IP f000:fff0 = linear 0xfffffff0");
    expect(view.modeText).toBe("real mode (16-bit)");
    expect(view.cr0Bits).toBe("[ ET NW CD ]");
    expect(view.segmentDetails[0]).toBe("cs f000 ffff0000/ffff   ss 0000 00000000/ffff");
    expect(view.segmentDetails[1]).toBe("gdt 00000000/ffff");
    expect(view.rows[0]!.map((c) => `${c.name}=${c.value}`)).toEqual([
      "eax=00000000",
      "ecx=00000000",
      "edx=00000663",
      "ebx=00000000",
    ]);
  });

  it("marks exactly the registers that changed since the previous stop", () => {
    const before = set(base);
    const after = set({ ...base, eip: 0xe05bn, eax: 1n });
    const view = registerView(after, before, null, cpuContext(after, null));
    const changed = [...view.rows.flat(), ...view.pcRow, ...view.segRow, ...view.controlRow]
      .filter((c) => c.changed)
      .map((c) => c.name);
    expect(changed).toEqual(["eax", "eip"]);
    expect(view.location).toBe("CS:IP f000:e05b = linear 0x000fe05b (base from selector)");
  });

  it("decodes EFLAGS and CR0 bits", () => {
    expect(formatEflags(0x246n)).toBe("[ PF ZF IF ]");
    expect(formatCr0(0x80000011n)).toBe("[ PE ET PG ]");
  });
});
