// describeStop: the one line the CLI's summary, the gdb console and the UI's status show for a stop.
import { describe, expect, it } from "vitest";
import { describeStop } from "../../src/emu/debug-target.ts";

describe("describeStop", () => {
  it("says what happened, with the details a human needs", () => {
    expect(describeStop({ kind: "breakpoint", addr: 0xfe05b })).toBe("breakpoint at 0xfe05b");
    expect(describeStop({ kind: "watch", type: "read", addr: 0x500 })).toBe("read watchpoint at 0x500");
    expect(describeStop({ kind: "ioWatch", port: 0x402, dir: "out", size: 1, value: 0x68 })).toBe(
      "iowatch: out port 0x0402 size 1 value 0x68 ('h')",
    );
    expect(describeStop({ kind: "ioWatch", port: 0x1f7, dir: "in", size: 2, value: 0x50 })).toBe(
      "iowatch: in port 0x01f7 size 2 value 0x0050",
    );
    expect(describeStop({ kind: "exit", status: 85 })).toBe("isa-debug-exit wrote 42 (status 85)");
    expect(describeStop({ kind: "reset", why: "port 0xcf9" })).toBe("reset requested (port 0xcf9)");
    expect(describeStop({ kind: "tripleFault" })).toBe("triple fault (shutdown)");
    expect(describeStop({ kind: "halted" })).toBe("halted with nothing left to wake it");
    expect(
      describeStop({
        kind: "unimplemented",
        what: "FNINIT",
        bytes: [0xdb, 0xe3],
        cs: 0xf000,
        eip: 0,
        linear: 0xf0000,
      }),
    ).toBe("unimplemented: FNINIT at f000:00000000 (linear 0xf0000; bytes db e3)");
  });
});
