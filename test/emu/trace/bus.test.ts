import { describe, expect, it } from "vitest";
import { compileTracePattern, TraceBus, type TraceEvent } from "../../../src/emu/trace/bus.ts";
import { PatternError } from "../../../src/shared/glob.ts";

describe("compileTracePattern", () => {
  it("matches globs, lists and exclusions", () => {
    const match = compileTracePattern("ide_*,qcow2_*,!qcow2_cache_*");
    expect(match("ide_exec_cmd")).toBe(true);
    expect(match("qcow2_writev_start_req")).toBe(true);
    expect(match("qcow2_cache_flush")).toBe(false);
    expect(match("portio_write")).toBe(false);
    expect(compileTracePattern("portio_write")("portio_write")).toBe(true);
    expect(compileTracePattern("portio_write")("portio_write2")).toBe(false);
    expect(compileTracePattern("a.b")("axb")).toBe(false);
  });

  it("matches in linear time: a pattern that made the old regex backtrack for seconds", () => {
    // `^.*.*.*...Z$` tried every split of the name: about 2 s per name for 10 `*?` pairs.
    const match = compileTracePattern(`${"*?".repeat(10)}Z`);
    const started = performance.now();
    for (const name of ["qcow2_pre_write_overlap_check", "bdrv_co_pwritev_part", "portio_write"])
      expect(match(name)).toBe(false);
    expect(performance.now() - started).toBeLessThan(50);
    expect(compileTracePattern(`${"*?".repeat(10)}k`)("qcow2_pre_write_overlap_check")).toBe(true);
  });

  it("refuses a glob longer than the limit, as one line", () => {
    expect(() => compileTracePattern(`ide_*,${"x".repeat(300)}`)).toThrow(PatternError);
    expect(() => compileTracePattern(`!${"x".repeat(300)}`)).toThrow(
      /is 300 characters, longer than the 256-character limit/,
    );
  });
});

describe("TraceBus", () => {
  it("turns a point on only while someone listens to its name", () => {
    const bus = new TraceBus();
    const write = bus.point("portio_write");
    const read = bus.point("portio_read");
    expect(write.on).toBe(false);
    const seen: TraceEvent[] = [];
    const off = bus.subscribe("portio_w*", (e) => seen.push(e));
    expect(write.on).toBe(true);
    expect(read.on).toBe(false);
    let insn = 41;
    bus.insnClock = () => ++insn;
    write.emit({ addr: 0x402, size: 1, val: 0x41 }, { req: 3, parent: 1, co: 2 });
    read.emit({ addr: 0x60, size: 1, val: 0 });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ name: "portio_write", insn: 42, req: 3, parent: 1, co: 2 });
    expect(seen[0]!.fields).toEqual({ addr: 0x402, size: 1, val: 0x41 });
    off();
    expect(write.on).toBe(false);
    write.emit({ addr: 0x402, size: 1, val: 0x42 });
    expect(seen).toHaveLength(1);
  });

  it("matches points created after the subscription", () => {
    const bus = new TraceBus();
    const seen: string[] = [];
    bus.subscribe("ide_*", (e) => seen.push(e.name));
    const p = bus.point("ide_exec_cmd");
    expect(p.on).toBe(true);
    p.emit({ cmd: 0xe7 });
    expect(seen).toEqual(["ide_exec_cmd"]);
    expect(bus.names()).toEqual(["ide_exec_cmd"]);
  });
});
