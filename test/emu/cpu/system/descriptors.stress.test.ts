// Property test over random descriptor tables: segment loads, far transfers, returns and interrupts
// either complete or raise a CpuFault (#GP/#NP/#SS/#TS with a 16-bit error code) without changing any
// register — the SDM's requirement that faults are restartable (Vol. 3A §6.6). Task gates and TSS
// descriptors are left out because a task switch commits before loading the new task's segments.
// Iterations: PCSCOPE_STRESS_COUNT (default 300; `npm run stress` raises it).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Cpu } from "../../../../src/emu/cpu/cpu.ts";
import { CpuFault, ESP, EXC_GP, EXC_NP, EXC_SS, EXC_TS } from "../../../../src/emu/cpu/state.ts";
import {
  farCall,
  farJump,
  farReturn,
  interrupt,
  interruptReturn,
  lar,
  loadSegment,
  lsl,
  verifySegment,
} from "../../../../src/emu/cpu/system/index.ts";
import { buildLayout, enterProtected, GDT, IDT, makeCpu, STACK0 } from "./harness.ts";

const RUNS = Number(process.env.PCSCOPE_STRESS_COUNT ?? 300);
/** Descriptor slots the test randomizes (selectors 0x68..0x78) and the IDT vectors it fills. */
const FIRST = 0x68;
const SLOTS = 3;
const VECTORS = [0x30, 0x31];
/** System types allowed here: LDT, call gates, interrupt and trap gates (no TSS, no task gate). */
const SYSTEM_TYPES = [2, 4, 6, 7, 12, 14, 15];

const descriptor = fc
  .record({
    lo: fc.integer({ min: 0, max: 0xffffffff }),
    hiRest: fc.integer({ min: 0, max: 0xffffffff }),
    system: fc.boolean(),
    sysType: fc.constantFrom(...SYSTEM_TYPES),
    selector: fc.constantFrom(0x08, 0x10, 0x18, 0x20, 0x40, 0x68, 0x70, 0x78, 0),
  })
  .map(({ lo, hiRest, system, sysType, selector }) => {
    if (!system) return { lo: lo >>> 0, hi: (hiRest | (1 << 12)) >>> 0 };
    // Gates point at a selector of the layout (with a random RPL); limits/offsets stay random.
    const gateLo = ((lo & 0xffff) | ((selector | (hiRest & 3)) << 16)) >>> 0;
    return { lo: gateLo, hi: ((hiRest & ~0x1f00) | (sysType << 8)) >>> 0 };
  });

const operation = fc.record({
  kind: fc.constantFrom("load", "jmp", "call", "retf", "iret", "int", "probe"),
  selector: fc.integer({ min: 0, max: 0x7f }),
  seg: fc.constantFrom(0, 2, 3, 4, 5),
  offset: fc.integer({ min: 0, max: 0xffffffff }),
  is32: fc.boolean(),
  cpl: fc.constantFrom(0, 3),
  stack: fc.array(fc.integer({ min: 0, max: 0xffffffff }), { minLength: 6, maxLength: 6 }),
});

/** Everything an instruction could change. */
function snapshot(cpu: Cpu): string {
  return JSON.stringify([
    Array.from(cpu.regs),
    Array.from(cpu.segSel),
    Array.from(cpu.segBase),
    Array.from(cpu.segLimit),
    Array.from(cpu.segAttr),
    cpu.eip,
    cpu.cpl,
    cpu.getEflags(),
    cpu.cr0,
  ]);
}

describe("system operations on random descriptors", () => {
  it("complete or fault cleanly, leaving registers untouched on a fault", () => {
    const { cpu: c, mem: m } = makeCpu();
    fc.assert(
      fc.property(
        fc.array(descriptor, { minLength: SLOTS + VECTORS.length, maxLength: SLOTS + VECTORS.length }),
        operation,
        (descs, op) => {
          c.reset();
          buildLayout(m);
          for (let i = 0; i < SLOTS; i++) {
            m.w32(GDT + FIRST + 8 * i, descs[i].lo);
            m.w32(GDT + FIRST + 8 * i + 4, descs[i].hi);
          }
          VECTORS.forEach((v, i) => {
            m.w32(IDT + v * 8, descs[SLOTS + i].lo);
            m.w32(IDT + v * 8 + 4, descs[SLOTS + i].hi);
          });
          enterProtected(c);
          c.cpl = op.cpl;
          c.regs[ESP] = STACK0 - 24;
          op.stack.forEach((v, i) => {
            m.w32(STACK0 - 24 + 4 * i, v);
          });
          const before = snapshot(c);
          // Index 0-15 (slots 13-15 are the random ones; TSS B at index 6 is avoided), RPL, rarely TI.
          const index = (op.selector & 15) === 6 ? 13 : op.selector & 15;
          const sel = (index << 3) | ((op.selector >> 4) & 3) | ((op.selector >> 6) << 2);
          try {
            switch (op.kind) {
              case "load":
                loadSegment(c, op.seg, sel);
                break;
              case "jmp":
                farJump(c, sel, op.offset, op.is32);
                break;
              case "call":
                farCall(c, sel, op.offset, op.is32);
                break;
              case "retf":
                farReturn(c, op.is32, op.offset & 0xf);
                break;
              case "iret":
                interruptReturn(c, op.is32);
                break;
              case "int":
                interrupt(c, VECTORS[op.offset & 1], op.is32 ? "software" : "hardware", -1);
                break;
              case "probe":
                lar(c, sel);
                lsl(c, sel);
                verifySegment(c, sel, op.is32);
                break;
            }
          } catch (e) {
            expect(e).toBeInstanceOf(CpuFault);
            const f = e as CpuFault;
            expect([EXC_GP, EXC_NP, EXC_SS, EXC_TS]).toContain(f.vector);
            expect(f.errorCode).toBeGreaterThanOrEqual(0);
            expect(f.errorCode).toBeLessThan(0x10000);
            expect(snapshot(c)).toBe(before);
          }
        },
      ),
      { numRuns: RUNS },
    );
  });
});
