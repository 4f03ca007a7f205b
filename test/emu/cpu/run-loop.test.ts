// The run loop as a debugger and a machine drive it: budgets and steps, breakpoints (including
// "step over the breakpoint at the current address"), watchpoints, HLT and waking by an
// interrupt, the STI shadow, stop requests from devices, unimplemented instructions, x87 #NM,
// triple faults, single-step traps and REP instructions interrupted between chunks.

import { describe, expect, test } from "vitest";
import { halt } from "../../../src/emu/cpu/control.ts";
import { cpuidFor } from "../../../src/emu/cpu/cpuid-models.ts";
import { CpuFault, CR0_EM, CR0_MP, CR0_TS } from "../../../src/emu/cpu/state.ts";
import { faultReturnAddress, flat32, HANDLER_BASE, realMode } from "./helpers.ts";

const NOP = 0x90;

describe("budget and step", () => {
  test("run stops after the budget; step executes exactly one instruction", () => {
    const { cpu } = realMode([0xeb, 0xfe]); // jmp $
    expect(cpu.run(1000)).toEqual({ kind: "budget" });
    expect(cpu.instructions).toBe(1000);
    expect(cpu.step()).toEqual({ kind: "step" });
    expect(cpu.instructions).toBe(1001);
  });

  test("reset gives the architectural power-on state", () => {
    const { cpu } = realMode([]);
    cpu.reset();
    expect(cpu.segSel[1]).toBe(0xf000);
    expect(cpu.segBase[1] >>> 0).toBe(0xffff0000);
    expect(cpu.eip).toBe(0xfff0);
    expect(cpu.getEflags()).toBe(2);
    expect(cpu.cr0 >>> 0).toBe(0x60000010);
    expect(cpu.regs[2]).toBe(0x663); // qemu32, the default model: family 6, model 6, stepping 3
    expect(cpu.idtrLimit).toBe(0x3ff);
  });
});

describe("16-bit code", () => {
  test("sequential IP wraps from 0xFFFF to 0 (QEMU does the same)", () => {
    // 0000:ffff  40   inc ax   -> next IP is 0x0000, not 0x10000 (which would be #GP beyond the limit)
    const { cpu } = realMode([0x40], 0xffff);
    expect(cpu.step()).toEqual({ kind: "step" });
    expect(cpu.regs[0]).toBe(1);
    expect(cpu.eip).toBe(0);
  });

  test("CALL at the top of the segment pushes the wrapped return IP", () => {
    // 0000:fffd  e8 00 10   call 0x1000   -> pushes 0x0000, IP = 0x1000
    const { cpu, mem } = realMode([0xe8, 0x00, 0x10], 0xfffd);
    cpu.step();
    expect(cpu.eip).toBe(0x1000);
    expect(mem.buffer[0x7ffe] | (mem.buffer[0x7fff] << 8)).toBe(0);
  });
});

describe("breakpoints", () => {
  test("stop before the instruction; the next run steps over it", () => {
    const { cpu } = realMode([NOP, NOP, NOP, 0xf4]);
    cpu.addBreakpoint(0x1002);
    expect(cpu.run(100)).toEqual({ kind: "breakpoint", addr: 0x1002 });
    expect(cpu.eip).toBe(0x1002);
    expect(cpu.run(100)).toEqual({ kind: "halted" });
    expect(cpu.instructions).toBe(4);
  });

  test("a budget that ends just before a breakpoint does not skip it (a machine's slices)", () => {
    const { cpu } = realMode([NOP, NOP, NOP, 0xf4]);
    cpu.addBreakpoint(0x1002);
    expect(cpu.run(2)).toEqual({ kind: "budget" }); // stops at 0x1002 without having hit it
    expect(cpu.run(100)).toEqual({ kind: "breakpoint", addr: 0x1002 });
    expect(cpu.step()).toEqual({ kind: "step" }); // resuming from the breakpoint steps over it
    expect(cpu.eip).toBe(0x1003);
  });

  test("breakpoints elsewhere and removed ones do not stop", () => {
    const { cpu } = realMode([NOP, NOP, 0xf4]);
    for (let i = 0; i < 100; i++) cpu.addBreakpoint(0x100000 + i * 64);
    cpu.addBreakpoint(0x1001);
    cpu.removeBreakpoint(0x1001);
    expect(cpu.run(100)).toEqual({ kind: "halted" });
  });

  test("breakpoints sharing pages are counted per address and survive removing their neighbours", () => {
    const { cpu } = realMode([NOP, NOP, NOP, NOP, 0xf4]);
    for (let i = 0; i < 40; i++) cpu.addBreakpoint(0x1800 + i * 0x30); // same page as the code
    cpu.addBreakpoint(0x1003);
    cpu.addBreakpoint(0x1003); // inserted twice: one removal keeps it
    cpu.addBreakpoint(0x1001);
    cpu.removeBreakpoint(0x1001);
    cpu.removeBreakpoint(0x1003);
    expect(cpu.run(100)).toEqual({ kind: "breakpoint", addr: 0x1003 });
    cpu.removeBreakpoint(0x1003);
    for (let i = 0; i < 40; i++) cpu.removeBreakpoint(0x1800 + i * 0x30);
    cpu.addBreakpoint(0x5004); // a page freed and reused elsewhere
    cpu.eip = 0x1000;
    expect(cpu.run(100)).toEqual({ kind: "halted" });
  });

  test("breakpoints over many pages (the map grows) stop exactly where a set of addresses says", () => {
    let seed = 12345;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (let round = 0; round < 20; round++) {
      const code = new Array<number>(0x100).fill(NOP);
      code.push(0xf4);
      const { cpu } = realMode(code);
      const model = new Map<number, number>(); // address -> insertions
      for (let i = 0; i < 60; i++) {
        // one address in the code, one on a page of its own (60 pages: past the map's first size)
        for (const a of [0x1000 + random(0x100), 0x200000 + random(60) * 0x1000 + random(0x1000)]) {
          cpu.addBreakpoint(a);
          model.set(a, (model.get(a) ?? 0) + 1);
        }
      }
      for (const a of [...model.keys()]) {
        if (random(2) === 0) {
          cpu.removeBreakpoint(a);
          if (model.get(a) === 1) model.delete(a);
          else model.set(a, model.get(a)! - 1);
        }
      }
      const inCode = [...model.keys()].filter((a) => a >= 0x1000 && a <= 0x1100).sort((x, y) => x - y);
      const expected = inCode.length > 0 ? { kind: "breakpoint", addr: inCode[0] } : { kind: "halted" };
      expect(cpu.run(1000)).toEqual(expected);
    }
  });

  test("a breakpoint is on the linear address CS.base + EIP", () => {
    const m = realMode([]);
    m.mem.load(0x12340, [NOP, 0xf4]);
    m.cpu.segSel[1] = 0x1234;
    m.cpu.segBase[1] = 0x12340;
    m.cpu.eip = 0;
    m.cpu.updateModes();
    m.cpu.addBreakpoint(0x12341);
    expect(m.cpu.run(10)).toEqual({ kind: "breakpoint", addr: 0x12341 });
    expect(m.cpu.eip).toBe(1);
  });
});

describe("watchpoints", () => {
  test("write, read and access watches stop after the accessing instruction", () => {
    // mov [0x2001], al; mov al, [0x2002]; mov bl, [0x3000]; hlt
    const code = [0xa2, 0x01, 0x20, 0xa0, 0x02, 0x20, 0x8a, 0x1e, 0x00, 0x30, 0xf4];
    const w = realMode(code);
    w.cpu.addWatchpoint("write", 0x2000, 4);
    expect(w.cpu.run(100)).toEqual({ kind: "watch", type: "write", addr: 0x2001 });
    expect(w.cpu.eip).toBe(0x1003);
    expect(w.cpu.run(100)).toEqual({ kind: "halted" }); // the read does not match a write watch

    const r = realMode(code);
    r.cpu.addWatchpoint("read", 0x2002, 1);
    expect(r.cpu.run(100)).toEqual({ kind: "watch", type: "read", addr: 0x2002 });
    expect(r.cpu.eip).toBe(0x1006);

    const a = realMode(code);
    a.cpu.addWatchpoint("access", 0x3000, 2);
    expect(a.cpu.run(100)).toEqual({ kind: "watch", type: "access", addr: 0x3000 });
    a.cpu.removeWatchpoint("access", 0x3000, 2);
    expect(a.cpu.run(100)).toEqual({ kind: "halted" });
  });

  test("a watched page keeps working for other addresses, including code on it", () => {
    const m = realMode([0xa2, 0x00, 0x11, 0xf4]); // mov [0x1100], al: same page as the code
    m.cpu.regs[0] = 0x5a;
    m.cpu.addWatchpoint("write", 0x1200, 1);
    expect(m.cpu.run(100)).toEqual({ kind: "halted" });
    expect(m.mem.buffer[0x1100]).toBe(0x5a);
  });
});

describe("HLT and interrupts", () => {
  test("HLT stops; a pending interrupt with IF set wakes the CPU into its handler", () => {
    const { cpu } = realMode([0xfb, 0xf4, NOP]); // sti; hlt; nop
    expect(cpu.run(100)).toEqual({ kind: "halted" });
    expect(cpu.halted).toBe(true);
    expect(cpu.isWaitingForInterrupt()).toBe(true);
    expect(cpu.run(100)).toEqual({ kind: "halted" }); // nothing pending: stays halted
    cpu.intc = { acknowledge: () => 8 };
    cpu.intrLine = true;
    expect(cpu.step()).toEqual({ kind: "step" }); // delivering the interrupt is the step
    expect(cpu.halted).toBe(false);
    expect(cpu.eip).toBe(HANDLER_BASE + 8);
  });

  test("HLT with IF clear is not waiting for an interrupt", () => {
    const { cpu } = realMode([0xfa, 0xf4]);
    cpu.run(10);
    expect(cpu.isWaitingForInterrupt()).toBe(false);
  });

  test("STI delays interrupts by one instruction", () => {
    const { cpu } = realMode([0xfb, NOP, NOP]);
    cpu.intc = { acknowledge: () => 9 };
    cpu.intrLine = true;
    cpu.step(); // sti
    expect(cpu.eip).toBe(0x1001);
    cpu.step(); // nop runs in the shadow
    expect(cpu.eip).toBe(0x1002);
    cpu.step(); // now the interrupt is delivered (counts as the step)
    expect(cpu.eip).toBe(HANDLER_BASE + 9);
    expect(cpu.instructions).toBe(2);
  });

  test("a REP instruction yields to a pending interrupt between chunks and resumes", () => {
    const { cpu } = realMode([0xf3, 0xaa, 0xf4]); // rep stosb
    cpu.regs[1] = 0x8000;
    cpu.regs[7] = 0x2000;
    cpu.setEflags(0x202);
    cpu.intc = { acknowledge: () => 10 };
    let acked = 0;
    cpu.intc = {
      acknowledge: () => {
        acked++;
        cpu.intrLine = false;
        return 10;
      },
    };
    cpu.intrLine = true;
    cpu.step(); // the interrupt is taken first (nothing to shadow it)
    expect(acked).toBe(1);
    const { cpu: c2 } = realMode([0xf3, 0xaa, 0xf4]);
    c2.regs[1] = 0x8000;
    c2.regs[7] = 0x2000;
    c2.step(); // one chunk, not the whole count
    expect(c2.eip).toBe(0x1000);
    expect(c2.regs[1]).toBeGreaterThan(0);
    expect(c2.run(1 << 20)).toEqual({ kind: "halted" });
    expect(c2.regs[1]).toBe(0);
    expect(c2.regs[7]).toBe(0xa000);
  });
});

describe("stop requests", () => {
  test("a device can stop the CPU after the current instruction", () => {
    const m = realMode([0xe6, 0xf4, NOP, NOP, 0xf4]); // out 0xf4, al
    const io = m.io;
    const origOut = io.out.bind(io);
    io.out = (port, size, value) => {
      origOut(port, size, value);
      if (port === 0xf4) m.cpu.requestStopAfterInstruction({ kind: "exit", status: value });
    };
    m.cpu.regs[0] = 3;
    expect(m.cpu.run(100)).toEqual({ kind: "exit", status: 3 });
    expect(m.cpu.eip).toBe(0x1002);
    m.cpu.requestStop();
    expect(m.cpu.run(100)).toEqual({ kind: "interrupted" });
    expect(m.cpu.run(100)).toEqual({ kind: "halted" });
  });
});

describe("unimplemented and x87", () => {
  test("an instruction pcscope lacks (RDPMC: no performance counters) stops as unimplemented with EIP on it", () => {
    const { cpu } = realMode([NOP, 0x0f, 0x33]); // nop; rdpmc
    cpu.cpuid = cpuidFor("pentium2", 1);
    const ev = cpu.run(10);
    expect(ev).toEqual({
      kind: "unimplemented",
      what: "RDPMC (performance-monitoring counters)",
      bytes: [0x0f, 0x33],
      cs: 0,
      eip: 0x1001,
      linear: 0x1001,
    });
    expect(cpu.eip).toBe(0x1001);
  });

  test("RDPMC is #UD before the P6 family", () => {
    const { cpu } = realMode([0x0f, 0x33]);
    cpu.cpuid = cpuidFor("486", 1);
    cpu.step();
    expect(cpu.eip).toBe(HANDLER_BASE + 6);
  });

  test("x87 escapes raise #NM when CR0.EM or CR0.TS is set; WAIT only with MP and TS", () => {
    const em = realMode([0xd9, 0x7e, 0x00]); // fnstcw [bp]
    em.cpu.cr0 |= CR0_EM;
    em.cpu.step();
    expect(em.cpu.eip).toBe(HANDLER_BASE + 7);
    const ts = realMode([0xdd, 0x3f]);
    ts.cpu.cr0 |= CR0_TS;
    ts.cpu.step();
    expect(ts.cpu.eip).toBe(HANDLER_BASE + 7);
    const w = realMode([0x9b, 0x9b]);
    w.cpu.cr0 |= CR0_TS;
    w.cpu.step();
    expect(w.cpu.eip).toBe(0x1001); // TS alone: WAIT runs
    w.cpu.cr0 |= CR0_MP;
    w.cpu.step();
    expect(w.cpu.eip).toBe(HANDLER_BASE + 7);
  });
});

describe("faults", () => {
  test("a fault with no usable IDT ends in a triple fault stop", () => {
    const m = flat32([0x0f, 0x0b]); // ud2
    m.cpu.idtrLimit = 0;
    expect(m.cpu.run(10)).toEqual({ kind: "tripleFault" });
    expect(m.cpu.tripleFault).toBe(true);
  });

  test("TF traps after the instruction with #DB", () => {
    const m = realMode([NOP, NOP]);
    m.cpu.setEflags(0x102);
    m.cpu.step();
    expect(m.cpu.eip).toBe(HANDLER_BASE + 1);
    expect(m.cpu.dr[6] & 0x4000).toBe(0x4000);
  });

  test("TF traps after every iteration of a REP instruction, EIP still on it until the count is 0", () => {
    // 1000: f3 a4   rep movsb   (CX=3, SI=0x4000, DI=0x4040); the #DB handler at 0x601 is a HLT
    const m = realMode([0xf3, 0xa4, NOP]);
    m.cpu.regs[1] = 3;
    m.cpu.regs[6] = 0x4000;
    m.cpu.regs[7] = 0x4040;
    m.cpu.setEflags(0x102);
    m.cpu.step(); // one iteration, then #DB: IP pushed = 0x1000 (the REP again)
    expect(m.cpu.eip).toBe(HANDLER_BASE + 1);
    expect(faultReturnAddress(m, 16)).toBe(0x1000);
    expect([m.cpu.regs[1], m.cpu.regs[6], m.cpu.regs[7]]).toEqual([2, 0x4001, 0x4041]);
    expect(m.cpu.instructions).toBe(1);
  });

  test("a REP instruction never runs past the budget", () => {
    const m = realMode([0xf3, 0xaa, 0xf4]); // rep stosb, CX=100
    m.cpu.regs[1] = 100;
    m.cpu.regs[7] = 0x4000;
    expect(m.cpu.run(10)).toEqual({ kind: "budget" });
    expect(m.cpu.instructions).toBe(10);
    expect(m.cpu.regs[1]).toBe(90);
    expect(m.cpu.step()).toEqual({ kind: "step" });
    expect(m.cpu.regs[1]).toBe(89);
    expect(m.cpu.eip).toBe(0x1000);
  });

  test("HLT above CPL 0 is #GP(0)", () => {
    const m = flat32([]);
    m.cpu.cpl = 3;
    m.cpu.updateModes();
    expect(() => halt(m.cpu)).toThrow(CpuFault);
    expect(m.cpu.halted).toBe(false);
  });
});
