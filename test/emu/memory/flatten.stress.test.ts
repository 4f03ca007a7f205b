// Property test: for random layouts of RAM, ROM and aliases with priorities and enable toggles, the
// page maps and the slow path agree byte for byte with a naive model of QEMU's rules (highest
// priority wins, the later mapping on a tie, aliases show their target, an alias of a disabled
// target shows nothing so lower regions show through, unmapped bytes read 0xff).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { GuestLog } from "../../../src/emu/io/guest-log.ts";
import { AddressSpace } from "../../../src/emu/memory/address-space.ts";
import type { MemoryRegion } from "../../../src/emu/memory/region.ts";
import { stressCount } from "../../helpers/stress.ts";

const UNIT = 0x800; // half a page, so pages shared by two regions occur
const SPAN = 48; // units in the window that is checked
const BACKING = 8 * 13 * UNIT; // enough for the largest layout, each region on a page boundary

const regionArb = fc.record({
  kind: fc.constantFrom("ram", "rom", "alias"),
  start: fc.integer({ min: 0, max: SPAN - 1 }),
  units: fc.integer({ min: 1, max: 12 }),
  priority: fc.integer({ min: -1, max: 2 }),
  enabled: fc.boolean(),
  target: fc.nat(),
  offsetUnits: fc.nat({ max: 4 }),
});

/** The backing buffer offset the naive model expects at `addr`, or -1 when unmapped. */
function model(regions: MemoryRegion[], addr: number): number {
  let best: MemoryRegion | null = null;
  for (const r of regions) {
    if (!r.mapped || !r.enabled || addr < r.addr || addr >= r.end) continue;
    if (r.target !== null && !r.target.enabled) continue;
    if (best === null || r.priority > best.priority || (r.priority === best.priority && r.seq > best.seq))
      best = r;
  }
  if (best === null) return -1;
  let leaf = best;
  let offset = addr - best.addr;
  while (leaf.target !== null) {
    offset += leaf.aliasOffset;
    leaf = leaf.target;
  }
  return leaf.bufferOffset + offset;
}

describe("AddressSpace flattening", () => {
  it("matches a naive model of priorities and aliases", () => {
    fc.assert(
      fc.property(
        fc.array(regionArb, { minLength: 1, maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        (specs, toggles) => {
          const space = new AddressSpace(BACKING, new GuestLog());
          for (let i = 0; i < space.buffer.length; i++) space.buffer[i] = (i * 7 + (i >>> 8)) & 0xff;
          const backed: MemoryRegion[] = [];
          const mapped: MemoryRegion[] = [];
          for (const spec of specs) {
            let region: MemoryRegion;
            const size = spec.units * UNIT;
            if (spec.kind === "alias" && backed.length > 0) {
              const target = backed[spec.target % backed.length]!;
              const maxOff = Math.max(0, target.size - size);
              const offset = Math.min(spec.offsetUnits * UNIT, maxOff);
              region = space.createAlias(
                `alias${mapped.length}`,
                target,
                offset,
                Math.min(size, target.size),
              );
            } else {
              region =
                spec.kind === "rom"
                  ? space.allocRom(`rom${mapped.length}`, size)
                  : space.allocRam(`ram${mapped.length}`, size);
              backed.push(region);
            }
            space.map(region, spec.start * UNIT, { priority: spec.priority, enabled: spec.enabled });
            mapped.push(region);
          }
          for (const t of toggles) {
            const all = [...mapped, ...backed];
            const r = all[t % all.length]!;
            r.setEnabled(!r.enabled);
          }
          const regions = space.regions;
          for (let addr = 0; addr < (SPAN + 12) * UNIT; addr += 0x100) {
            const expected = model(regions, addr);
            const page = addr >>> 12;
            const fast = ~space.readPage[page]!;
            if (fast >= 0) expect(fast * 4096 + (addr & 0xfff)).toBe(expected);
            const value = space.readSlow(addr, 1);
            expect(value).toBe(expected < 0 ? 0xff : space.buffer[expected]);
          }
        },
      ),
      { numRuns: stressCount(60) },
    );
  });
});
