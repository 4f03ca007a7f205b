// Memory per vCPU and the tables a machine's CPUs share (cpu.ts CpuShared): a machine with 255
// vCPUs must fit well under 1 GiB, so a CPU allocates no large table until it needs one, and CPUs
// running with paging off (firmware) fill one shared TLB.

import { describe, expect, test } from "vitest";
import { Cpu, CpuShared } from "../../../src/emu/cpu/cpu.ts";
import { CS } from "../../../src/emu/cpu/state.ts";
import { TestMemory, TestPorts } from "./helpers.ts";

const VCPUS = 255;
const NOP = 0x90;
const HLT = 0xf4;

/** Host bytes held by ArrayBuffers (TLBs, maps, registers) after `f`, per vCPU. */
function arrayBytesPerVcpu(f: () => void): number {
  const before = process.memoryUsage().arrayBuffers;
  f();
  return (process.memoryUsage().arrayBuffers - before) / VCPUS;
}

/** Puts `cpu` at 0000:1000 in real mode. */
function atCode(cpu: Cpu): void {
  cpu.segSel[CS] = 0;
  cpu.segBase[CS] = 0;
  cpu.eip = 0x1000;
  cpu.updateModes();
}

describe("per-vCPU memory", () => {
  test("255 vCPUs constructed, then run with paging off, cost under 64 KiB of tables each", () => {
    const mem = new TestMemory();
    mem.load(0x1000, [NOP, NOP, 0xa2, 0x00, 0x20, HLT]); // nop; nop; mov [0x2000], al; hlt
    const io = new TestPorts();
    const shared = new CpuShared();
    const cpus: Cpu[] = [];
    const built = arrayBytesPerVcpu(() => {
      for (let i = 0; i < VCPUS; i++) cpus.push(new Cpu(mem, io, i, shared));
    });
    expect(built).toBeLessThan(64 * 1024);
    const ran = arrayBytesPerVcpu(() => {
      for (const cpu of cpus) {
        atCode(cpu);
        expect(cpu.run(100)).toEqual({ kind: "halted" });
      }
    });
    expect(ran).toBeLessThan(64 * 1024);
  });
});

describe("tables shared by a machine's CPUs", () => {
  test("a watch added after one CPU cached the page in the shared TLB stops another CPU", () => {
    const mem = new TestMemory();
    mem.load(0x1000, [0xa2, 0x00, 0x20, HLT]); // mov [0x2000], al; hlt
    const shared = new CpuShared();
    const a = new Cpu(mem, new TestPorts(), 0, shared);
    const b = new Cpu(mem, new TestPorts(), 1, shared);
    atCode(a);
    expect(a.run(10)).toEqual({ kind: "halted" }); // page 0x2000 now cached for writes
    shared.debug.addWatchpoint("write", 0x2000, 1);
    atCode(b);
    expect(b.run(10)).toEqual({ kind: "watch", type: "write", addr: 0x2000 });
  });

  test("a breakpoint set on the shared points stops every CPU", () => {
    const mem = new TestMemory();
    mem.load(0x1000, [NOP, NOP, HLT]);
    const shared = new CpuShared();
    const cpus = [0, 1].map((i) => new Cpu(mem, new TestPorts(), i, shared));
    shared.debug.addBreakpoint(0x1001);
    for (const cpu of cpus) {
      atCode(cpu);
      expect(cpu.run(10)).toEqual({ kind: "breakpoint", addr: 0x1001 });
    }
  });

  test("a CPU turning paging on stops using the shared TLB; turning it off returns to it", () => {
    // Page directory at 0x3000 maps linear 0x400000-0x7fffff (4 MiB page, PSE) to physical 0.
    const mem = new TestMemory();
    mem.write32(0x3000 + 1 * 4, 0x00000000 | 0x83); // PDE 1: P, RW, PS -> physical 0
    mem.write32(0x3000, 0x00000000 | 0x83); // PDE 0: identity, so the code keeps running
    const shared = new CpuShared();
    const cpu = new Cpu(mem, new TestPorts(), 0, shared);
    atCode(cpu);
    cpu.cr4 |= 1 << 4; // PSE
    cpu.cr3 = 0x3000;
    cpu.cr0 |= 1 | (1 << 31); // PE, PG
    cpu.updateModes();
    expect(cpu.tlb === shared.unpagedTlb).toBe(false);
    expect(cpu.readLin8(0x401000)).toBe(mem.buffer[0x1000]);
    cpu.cr0 &= ~(1 << 31);
    cpu.updateModes();
    expect(cpu.tlb === shared.unpagedTlb).toBe(true);
  });
});
