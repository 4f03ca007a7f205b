import { describe, expect, it } from "vitest";
import { GuestLog } from "../../../src/emu/io/guest-log.ts";
import {
  PortBus,
  type PortHandler,
  SIZE_8,
  SIZE_16,
  SIZE_32,
  SIZES_ALL,
} from "../../../src/emu/io/port-bus.ts";
import { TraceBus, type TraceEvent } from "../../../src/emu/trace/bus.ts";

/** A device with one byte register per port that records the accesses it receives. */
function device(name: string, sizes: number, base: number, count: number) {
  const calls: string[] = [];
  const regs = new Uint8Array(count);
  const handler: PortHandler = {
    name,
    sizes,
    read(port, size) {
      calls.push(`in${size} ${port.toString(16)}`);
      let v = 0;
      for (let i = 0; i < size; i++) v |= (regs[port - base + i] ?? 0xee) << (8 * i);
      return v >>> 0;
    },
    write(port, size, value) {
      calls.push(`out${size} ${port.toString(16)}=${value.toString(16)}`);
      for (let i = 0; i < size; i++) if (port - base + i < count) regs[port - base + i] = value >>> (8 * i);
    },
  };
  return { handler, calls, regs };
}

function makeBus() {
  const trace = new TraceBus();
  const log = new GuestLog();
  return { bus: new PortBus(trace, log), trace, log };
}

describe("PortBus", () => {
  it("splits 16- and 32-bit accesses for an 8-bit-only device", () => {
    const { bus } = makeBus();
    const dev = device("cmos", SIZE_8, 0x70, 4);
    bus.register(0x70, 4, dev.handler);
    bus.out(0x70, 2, 0xbbaa);
    expect(dev.calls).toEqual(["out1 70=aa", "out1 71=bb"]);
    bus.out(0x70, 4, 0x44332211);
    expect(dev.calls.slice(2)).toEqual(["out1 70=11", "out1 71=22", "out1 72=33", "out1 73=44"]);
    expect(bus.in(0x70, 4)).toBe(0x44332211);
    expect(bus.in(0x72, 2)).toBe(0x4433);
  });

  it("serves a 16-bit device directly, splits 32-bit into two 16-bit and widens 8-bit", () => {
    const { bus } = makeBus();
    const dev = device("ide-data", SIZE_16, 0x1f0, 4);
    bus.register(0x1f0, 4, dev.handler);
    bus.out(0x1f0, 2, 0x1234);
    expect(dev.calls).toEqual(["out2 1f0=1234"]);
    bus.out(0x1f0, 4, 0xaabbccdd);
    expect(dev.calls.slice(1)).toEqual(["out2 1f0=ccdd", "out2 1f2=aabb"]);
    expect(bus.in(0x1f0, 4)).toBe(0xaabbccdd);
    expect(dev.calls.slice(3)).toEqual(["in2 1f0", "in2 1f2"]);
    // A byte access to a 16-bit-only device: a 16-bit access, the byte extracted / zero-extended.
    expect(bus.in(0x1f2, 1)).toBe(0xbb);
    expect(dev.calls[5]).toBe("in2 1f2");
    bus.out(0x1f1, 1, 0x77);
    expect(dev.calls[6]).toBe("out2 1f1=77");
  });

  it("follows a portio list with portSizes: exact sizes per port, a word of bytes, else all ones (IDE)", () => {
    const { bus } = makeBus();
    const dev = device("ide", SIZES_ALL, 0x1f0, 8);
    const handler: PortHandler = {
      ...dev.handler,
      portio: true,
      portSizes: [SIZE_16 | SIZE_32, ...new Array(7).fill(SIZE_8)],
    };
    bus.register(0x1f0, 8, handler);
    bus.in(0x1f0, 4);
    expect(bus.in(0x1f0, 1)).toBe(0xff); // no byte access at the data port
    bus.out(0x1f3, 2, 0x0403); // unaligned: two byte registers
    expect(bus.in(0x1f4, 4)).toBe(0xffffffff); // no dword at a byte register
    dev.regs[7] = 0x50;
    expect(bus.in(0x1f7, 2)).toBe(0xff50); // the high byte is past the list
    expect(dev.calls).toEqual(["in4 1f0", "out1 1f3=3", "out1 1f4=4", "in1 1f7"]);
  });

  it("hands an access running past a range whole to the range holding its first byte", () => {
    const { bus } = makeBus();
    const a = device("a", SIZES_ALL, 0x100, 2);
    const b = device("b", SIZE_8, 0x102, 1);
    bus.register(0x100, 2, a.handler);
    bus.register(0x102, 1, b.handler);
    bus.out(0x100, 4, 0x44332211);
    expect(a.calls).toEqual(["out4 100=44332211"]);
    expect(b.calls).toEqual([]);
    // An 8-bit-only range does a dword as four byte accesses at consecutive ports, past its end.
    b.regs[0] = 0x22;
    expect(bus.in(0x102, 2)).toBe(0xee22);
    expect(b.calls).toEqual(["in1 102", "in1 103"]);
  });

  it("refuses an access unaligned within its range, or of a size the range does not accept: 0 read, nothing written", () => {
    const { bus } = makeBus();
    const a = device("a", SIZES_ALL, 0x100, 4);
    bus.register(0x100, 4, { ...a.handler, validSizes: SIZE_8 | SIZE_16 });
    expect(bus.in(0x101, 2)).toBe(0);
    expect(bus.in(0x100, 4)).toBe(0);
    bus.out(0x102, 4, 0x1234);
    expect(a.calls).toEqual([]);
    bus.out(0x102, 2, 0x1234);
    expect(a.calls).toEqual(["out2 102=1234"]);
    // A range cut by another keeps its alignment from its region's start.
    const c = device("c", SIZES_ALL, 0x200, 4);
    bus.register(0x202, 2, { ...c.handler, accepts: (offset, size) => offset + size <= 4 }, false, 0x1ff);
    expect(bus.in(0x202, 2)).toBe(0); // offset 3: unaligned
    expect(bus.in(0x202, 1)).toBe(c.regs[2]);
  });

  it("reads unmapped ports as QEMU's io region: all ones aligned, 0 unaligned; logs an unmapped write once per port", () => {
    const { bus, log } = makeBus();
    expect(bus.in(0x80, 1)).toBe(0xff);
    expect(bus.in(0x80, 2)).toBe(0xffff);
    expect(bus.in(0x81, 2)).toBe(0);
    expect(bus.in(0xfffc, 4)).toBe(0xffffffff);
    expect(bus.in(0xfffe, 4)).toBe(0);
    expect(bus.in(0xffff, 2)).toBe(0);
    bus.out(0x80, 1, 0x12);
    bus.out(0x80, 1, 0x13);
    bus.out(0x81, 1, 0x14);
    expect(log.entries.map((e) => `${e.kind}: ${e.message}`)).toEqual([
      "guest_errors: write to unmapped port 0x80 (size 1, value 0x12)",
      "guest_errors: write to unmapped port 0x81 (size 1, value 0x14)",
    ]);
  });

  it("logs accesses to an unimplemented placeholder as unimp, not as guest errors", () => {
    const { bus, log } = makeBus();
    bus.registerUnimplemented(0x3f8, 8, "serial0");
    expect(bus.in(0x3fd, 1)).toBe(0xff);
    bus.out(0x3f8, 1, 0x41);
    bus.out(0x3f8, 1, 0x42);
    expect(log.entries.map((e) => `${e.kind}: ${e.message}`)).toEqual([
      "unimp: serial0: read of port 0x3fd (device not implemented)",
      "unimp: serial0: write to port 0x3f8 (device not implemented)",
    ]);
  });

  it("emits portio_read / portio_write events with the guest instruction count", () => {
    const { bus, trace } = makeBus();
    let insn = 1000;
    trace.insnClock = () => insn;
    const dev = device("dev", SIZES_ALL, 0x402, 1);
    bus.register(0x402, 1, dev.handler);
    const events: TraceEvent[] = [];
    const off = trace.subscribe("portio_*", (e) => events.push(e));
    bus.out(0x402, 1, 0x41);
    insn = 1005;
    bus.in(0x402, 1);
    bus.in(0x60, 1);
    off();
    bus.out(0x402, 1, 0x42);
    expect(events.map((e) => ({ name: e.name, insn: e.insn, ...e.fields }))).toEqual([
      { name: "portio_write", insn: 1000, addr: 0x402, size: 1, val: 0x41 },
      { name: "portio_read", insn: 1005, addr: 0x402, size: 1, val: 0x41 },
      { name: "portio_read", insn: 1005, addr: 0x60, size: 1, val: 0xff },
    ]);
  });

  it("calls the I/O watch hook after a watched access, by direction, until removed", () => {
    const { bus } = makeBus();
    const dev = device("pic", SIZE_8, 0x20, 2);
    bus.register(0x20, 2, dev.handler);
    const hits: string[] = [];
    bus.ioWatchHook = (port, dir, size, value) =>
      hits.push(`${dir} ${port.toString(16)}/${size}=${value.toString(16)}`);
    bus.addIoWatch(0x21, 0x21, "w");
    bus.out(0x20, 1, 0x11);
    bus.in(0x21, 1);
    bus.out(0x21, 1, 0xfb);
    bus.out(0x20, 2, 0xfe11); // covers 0x21 too
    expect(hits).toEqual(["out 21/1=fb", "out 20/2=fe11"]);
    bus.addIoWatch(0x20, 0x21, "rw");
    bus.in(0x20, 1);
    bus.removeIoWatch(0x20, 0x21, "rw");
    bus.removeIoWatch(0x21, 0x21, "w");
    bus.out(0x21, 1, 0);
    bus.in(0x20, 1);
    expect(hits).toEqual(["out 21/1=fb", "out 20/2=fe11", "in 20/1=11"]);
  });

  it("refuses overlapping registrations and frees ports on unregister", () => {
    const { bus } = makeBus();
    const a = device("a", SIZE_8, 0x60, 1);
    const range = bus.register(0x60, 1, a.handler);
    expect(() => bus.register(0x5f, 2, device("b", SIZE_8, 0x5f, 2).handler)).toThrow(/already belongs to a/);
    expect(bus.ownerName(0x60)).toBe("a");
    bus.unregister(range);
    expect(bus.ownerName(0x60)).toBeNull();
    expect(bus.in(0x60, 1)).toBe(0xff);
  });
});
