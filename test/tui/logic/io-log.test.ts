import { describe, expect, it } from "vitest";
import type { TraceEvent } from "../../../src/emu/trace/bus.ts";
import { DebugconLog } from "../../../src/tui/logic/debugcon-log.ts";
import { DROPPED_PORT_EVENTS, IoLog, parsePortFilter } from "../../../src/tui/logic/io-log.ts";
import { PortDecoder } from "../../../src/tui/logic/port-names.ts";

function out(addr: number, val: number, size = 1, insn = 0): TraceEvent {
  return { name: "portio_write", insn, hostNs: 0, fields: { addr, size, val }, req: 0, parent: 0, co: 0 };
}
function inp(addr: number, val: number, size = 1): TraceEvent {
  return { name: "portio_read", insn: 0, hostNs: 0, fields: { addr, size, val }, req: 0, parent: 0, co: 0 };
}

describe("PortDecoder", () => {
  it("names ATA registers and commands", () => {
    const d = new PortDecoder();
    expect(d.describe(0x1f7, true, 0xe7, 1)).toBe("0x1f7 ATA command <- 0xe7 FLUSH CACHE");
    expect(d.describe(0x1f7, false, 0x50, 1)).toBe("0x1f7 ATA status -> 0x50 DRDY DSC");
    expect(d.describe(0x1f6, true, 0xe0, 1)).toBe("0x1f6 ATA drive/head <- 0xe0 drive 0, LBA");
    expect(d.describe(0x3f6, true, 0x06, 1)).toBe("0x3f6 ATA device control <- 0x06 SRST nIEN");
    expect(d.describe(0x177, true, 0xca, 1)).toBe("0x177 ATA2 command <- 0xca WRITE DMA");
  });

  it("learns the bus-master IDE base from the firmware's BAR4 write and decodes BMDMA commands", () => {
    const d = new PortDecoder();
    d.describe(0xcf8, true, 0x80000920, 4); // 00:01.1 reg 0x20
    expect(d.describe(0xcfc, true, 0xffffffff, 4)).toContain("[00:01.1 reg 0x20]");
    d.describe(0xcfc, true, 0xc041, 4);
    expect(d.bmdmaBase).toBe(0xc040);
    expect(d.describe(0xc040, true, 0x09, 1)).toBe("0xc040 BMDMA command <- 0x09 start, read");
    expect(d.describe(0xc040, true, 0x01, 1)).toBe("0xc040 BMDMA command <- 0x01 start, write");
    expect(d.describe(0xc042, false, 0x24, 1)).toBe("0xc042 BMDMA status -> 0x24 interrupt drive0 DMA");
    expect(d.describe(0xc044, true, 0x7000, 4)).toBe("0xc044 BMDMA PRD address <- 0x00007000");
  });

  it("names the PC's other standard ports with remembered indexes", () => {
    const d = new PortDecoder();
    expect(d.describe(0x70, true, 0x8f, 1)).toBe("0x70 CMOS index <- 0x8f shutdown status, NMI off");
    expect(d.describe(0x71, false, 0x00, 1)).toBe("0x71 CMOS data -> 0x00 [shutdown status]");
    expect(d.describe(0x510, true, 0x19, 2)).toBe("0x510 fw_cfg selector <- 0x0019 file dir");
    expect(d.describe(0x511, false, 0x00, 1)).toBe("0x511 fw_cfg data -> 0x00 [file dir]");
    expect(d.describe(0xcf8, true, 0x80000000, 4)).toBe(
      "0xcf8 PCI config address <- 0x80000000 00:00.0 reg 0x0",
    );
    expect(d.describe(0x92, true, 0x02, 1)).toBe("0x92 system control A (A20/reset) <- 0x02 A20 on");
    expect(d.describe(0x64, true, 0xd1, 1)).toBe("0x64 i8042 command <- 0xd1 write output port");
    expect(d.describe(0x43, true, 0x34, 1)).toBe("0x43 PIT mode/command <- 0x34");
    expect(d.describe(0x20, true, 0x11, 1)).toBe("0x20 PIC1 command <- 0x11");
    expect(d.describe(0x80, true, 0x55, 1)).toBe("0x80 POST code <- 0x55");
    expect(d.describe(0x402, true, 0x41, 1)).toBe("0x402 debugcon (firmware log) <- 0x41 'A'");
    expect(d.describe(0x3f8, true, 0x41, 1)).toBe("0x3f8 COM1 data/DLL <- 0x41");
    expect(d.describe(0x1234, true, 5, 1)).toBe("0x1234 <- 0x05");
  });
});

describe("IoLog", () => {
  it("keeps a bounded log of port events, filterable by ranges", () => {
    const log = new IoLog(4);
    for (const e of [
      out(0x70, 0x0f),
      inp(0x71, 0),
      out(0x1f7, 0xe7),
      out(0x402, 0x41),
      out(0x80, 1),
      out(0x1f6, 0xe0),
    ])
      log.onEvent(e);
    expect(log.onEvent({ ...out(0, 0), name: "ide_exec_cmd" })).toBe(false);
    expect(log.total).toBe(6);
    expect(log.tail(10).map((e) => e.port)).toEqual([0x1f7, 0x402, 0x80, 0x1f6]);
    const f = parsePortFilter("0x1f0-0x1f7,80");
    expect(f.ok).toBe(true);
    if (f.ok)
      expect(log.tail(10, f.filter).map((e) => e.text)).toEqual([
        "0x1f7 ATA command <- 0xe7 FLUSH CACHE",
        "0x80 POST code <- 0x01",
        "0x1f6 ATA drive/head <- 0xe0 drive 0, LBA",
      ]);
    expect(log.tail(1).map((e) => e.port)).toEqual([0x1f6]);
  });

  it("rejects bad filters with a message", () => {
    expect(parsePortFilter("0x1f7-0x1f0")).toEqual({ ok: false, error: "empty port range '0x1f7-0x1f0'" });
    expect(parsePortFilter("zz").ok).toBe(false);
    expect(parsePortFilter("all")).toEqual({ ok: true, filter: [] });
  });
});

describe("IoLog totals", () => {
  it("counts the port accesses a feed dropped without logging them", () => {
    const log = new IoLog();
    log.onEvent(out(0x64, 0xd1));
    expect(log.onEvent({ ...out(0, 0), name: DROPPED_PORT_EVENTS, fields: { count: 1000 } })).toBe(true);
    expect(log.total).toBe(1001);
    expect(log.tail(10)).toHaveLength(1);
  });
});

describe("DebugconLog", () => {
  it("assembles debug-port bytes into lines and ignores other ports", () => {
    const log = new DebugconLog(2);
    for (const ch of "SeaBIOS\r\nline2\nline3\npart") log.onEvent(out(0x402, ch.charCodeAt(0)));
    expect(log.onEvent(out(0x80, 0x41))).toBe(false);
    expect(log.tail(10)).toEqual(["line2", "line3", "part"]);
    expect(log.tail(2)).toEqual(["line3", "part"]);
  });
});
