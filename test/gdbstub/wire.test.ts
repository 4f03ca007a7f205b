// Wire-level tests of the gdb stub on a real socket, driving pcscope's bare machine running the
// gdb-demo ROM: gdb 13's handshake, acks and retransmission, malformed and oversized packets,
// escaped binary, RLE, interrupts, breakpoints/watchpoints/iowatches and the one-client rule.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Demo, demoSymbols, startDemo, Wire } from "./demo.ts";

const SYM = demoSymbols();
let demo: Demo;
let wire: Wire;

beforeEach(async () => {
  demo = await startDemo();
  wire = await Wire.open(demo.server.port);
});
afterEach(async () => {
  wire.close();
  await demo.close();
});

/** Checksummed frame of `payload`. */
function framed(payload: string): string {
  let sum = 0;
  for (const c of Buffer.from(payload, "latin1")) sum = (sum + c) & 0xff;
  return `$${payload}#${sum.toString(16).padStart(2, "0")}`;
}

/** Connects like gdb and switches to no-ack mode. */
async function noAck(): Promise<void> {
  await wire.ask("qSupported:multiprocess+;swbreak+;hwbreak+;vContSupported+");
  wire.write("+");
  expect(await wire.ask("QStartNoAckMode")).toBe("OK");
  wire.write("+");
  // Reading the description fixes the session's architecture (i8086 with a linear $pc here).
  expect(await wire.ask("qXfer:features:read:target.xml:0,ffb")).toMatch(/^l/);
}

describe("handshake", () => {
  it("answers gdb 13's opening sequence with acks, then without", async () => {
    wire.write("+");
    wire.write(
      framed(
        "qSupported:multiprocess+;swbreak+;hwbreak+;qRelocInsn+;fork-events+;vfork-events+;exec-events+;vContSupported+;QThreadEvents+;no-resumed+;xmlRegisters=i386",
      ),
    );
    await wire.expect(/^\+/);
    const supported = await wire.reply();
    expect(supported.split(";")).toEqual([
      "PacketSize=20200",
      "qXfer:features:read+",
      "qXfer:threads:read+",
      "QStartNoAckMode+",
      "swbreak+",
      "hwbreak+",
      "vContSupported+",
      "multiprocess+",
    ]);
    // PacketSize holds a 64 KiB `m` reply (128 KiB of hex) and a 344-byte `g`.
    expect(0x20200).toBeGreaterThanOrEqual(0x10000 * 2 + 4);
    wire.write("+");
    wire.write(framed("vMustReplyEmpty"));
    await wire.expect(/^\+\$#00/);
    wire.write("+");
    wire.write(framed("QStartNoAckMode"));
    await wire.expect(/^\+\$OK#9a/);
    wire.write("+");
    // From here on nobody acks.
    expect(await wire.ask("Hgp0.0")).toBe("OK");
    const xml = await wire.ask("qXfer:features:read:target.xml:0,ffb");
    expect(xml[0]).toBe("l");
    expect(xml).toContain("<architecture>i8086</architecture>");
    expect(await wire.ask("qTStatus")).toBe("");
    const stop = await wire.ask("?");
    expect(stop).toMatch(/^T05thread:p1\.1;/);
    // eip is expedited as the linear reset address (CS.base 0xffff0000 + IP 0xfff0).
    expect(stop).toContain("08:f0ffffff;");
    expect(await wire.ask("qfThreadInfo")).toBe("mp1.1");
    expect(await wire.ask("qsThreadInfo")).toBe("l");
    expect(await wire.ask("qAttached:1")).toBe("1");
    expect(await wire.ask("qC")).toBe("QCp1.1");
    const g = await wire.ask("g");
    expect(g).toHaveLength(344 * 2);
    expect(await wire.ask("qSymbol::")).toBe("OK");
    expect(wire.unread).toBe("");
  });

  it("serves the description in pieces no larger than asked", async () => {
    await noAck();
    let whole = "";
    for (let offset = 0; ; ) {
      const piece = await wire.ask(`qXfer:features:read:target.xml:${offset.toString(16)},10`);
      expect(piece.length - 1).toBeLessThanOrEqual(16);
      whole += piece.slice(1);
      offset += piece.length - 1;
      if (piece[0] === "l") break;
      expect(piece[0]).toBe("m");
    }
    expect(whole).toMatch(/<target version="1.0">[\s\S]*i386-core.xml[\s\S]*<\/target>/);
    const core = await wire.ask("qXfer:features:read:i386-core.xml:0,fffff");
    expect((core.match(/<reg /g) ?? []).length).toBe(41);
    expect(await wire.ask("qXfer:features:read:nope.xml:0,100")).toMatch(/^E/);
  });
});

describe("framing", () => {
  it("NAKs a bad checksum and accepts the resend", async () => {
    wire.write("$g#00");
    await wire.expect(/^-/);
    wire.write(framed("g"));
    await wire.expect(/^\+/);
    expect(await wire.reply()).toHaveLength(688);
  });

  it("resends its reply when the debugger NAKs it", async () => {
    wire.write(framed("qC"));
    await wire.expect(/^\+\$QC1#c5/);
    wire.write("-");
    await wire.expect(/^\$QC1#c5/);
    wire.write("+");
  });

  it("rejects a packet over PacketSize and keeps working", async () => {
    await noAck();
    wire.write(framed(`M500,20300:${"00".repeat(0x20300)}`));
    expect(await wire.reply()).toBe("E1c");
    expect(await wire.ask("?")).toMatch(/^T05/);
    expect(demo.logs.some((l) => l.includes("PacketSize"))).toBe(true);
  });

  it("answers malformed hex with an error, not a crash", async () => {
    await noAck();
    expect(await wire.ask("mxyz,4")).toBe("E16");
    expect(await wire.ask("m500")).toBe("E16");
    expect(await wire.ask("M500,2:zz11")).toBe("E16");
    expect(await wire.ask("M500,2:1")).toBe("E16");
    expect(await wire.ask("P8=zz")).toBe("E16");
    expect(await wire.ask("Z0,fe05g,1")).toBe("E16");
    expect(await wire.ask("Hgp1.zz")).toBe("E16");
    expect(await wire.ask("vCont;q")).toBe("E16");
    expect(await wire.ask("?")).toMatch(/^T05/);
  });

  it("drops a truncated packet and answers the next one", async () => {
    await noAck();
    wire.write("$m500,4");
    wire.write("$g#6");
    wire.write(framed("qC"));
    expect(await wire.reply()).toBe("QCp1.1");
  });

  it("stores binary X data with escaped bytes", async () => {
    await noAck();
    // 0x23 '#', 0x24 '$', 0x7d '}', 0x2a '*' must be escaped as } followed by byte ^ 0x20.
    const data = Buffer.from([0x7d, 0x03, 0x7d, 0x04, 0x7d, 0x5d, 0x7d, 0x0a, 0x00, 0xff]);
    expect(await wire.ask(Buffer.concat([Buffer.from("X600,6:"), data]))).toBe("OK");
    expect(await wire.ask("m600,6")).toBe("23247d2a00ff");
    expect(await wire.ask("X600,0:")).toBe("OK");
    expect(await wire.ask(Buffer.from("X600,1:}"))).toBe("E16");
  });

  it("expands run-length encoded input", async () => {
    await noAck();
    // 'a*"' is 'a' and 34-29 = 5 more: six a's, then "aa": 0xaaaaaaaa.
    expect(await wire.ask('M700,4:a*"aa')).toBe("OK");
    expect(await wire.ask("m700,4")).toBe("aaaaaaaa");
  });
});

describe("execution", () => {
  it("stops a running guest on 0x03 with SIGINT", async () => {
    await noAck();
    wire.packet("vCont;c");
    await new Promise((r) => setTimeout(r, 150));
    expect(wire.unread).toBe("");
    const sent = performance.now();
    wire.write(Buffer.from([3]));
    const stop = await wire.reply();
    const latency = performance.now() - sent;
    expect(stop).toMatch(/^T02thread:p1\.1;/);
    expect(latency).toBeLessThan(1000);
    // The guest got to the protected-mode spin loop.
    const eip = Number.parseInt(/08:([0-9a-f]{8})/.exec(stop)![1]!.match(/../g)!.reverse().join(""), 16);
    expect(eip).toBeGreaterThanOrEqual(SYM.spin!);
  });

  it("reports swbreak, hwbreak, watch and ioport stops", async () => {
    await noAck();
    expect(await wire.ask(`Z0,${SYM.adj1!.toString(16)},1`)).toBe("OK");
    expect(await wire.ask(`Z1,${SYM.adj2!.toString(16)},1`)).toBe("OK");
    expect(await wire.ask("vCont;c")).toMatch(/^T05thread:p1\.1;swbreak:;/);
    expect(await wire.ask("vCont;c")).toMatch(/^T05thread:p1\.1;hwbreak:;/);
    expect(await wire.ask(`z0,${SYM.adj1!.toString(16)},1`)).toBe("OK");
    expect(await wire.ask(`z1,${SYM.adj2!.toString(16)},1`)).toBe("OK");
    wire.packet(`qRcmd,${Buffer.from("iowatch add 0x402 w").toString("hex")}`);
    const out = await wire.expect(/\$O([0-9a-f]+)#..\$OK#9a/);
    expect(Buffer.from(out[1]!, "hex").toString()).toContain("I/O watch 0x402 w added");
    wire.packet("vCont;c");
    const line = await wire.expect(/\$O([0-9a-f]+)#/);
    expect(Buffer.from(line[1]!, "hex").toString()).toBe(
      "iowatch: out port 0x0402 size 1 value 0x68 ('h')\n",
    );
    expect(await wire.reply()).toMatch(/^T05thread:p1\.1;ioport:402,w,1,68;/);
    expect(demo.machine.debugcons[0]!.text()).toBe("h");
  });

  it("stops after the instruction that writes a watched variable", async () => {
    await noAck();
    expect(await wire.ask(`Z2,${SYM.counter!.toString(16)},2`)).toBe("OK");
    // The first write is `mov word [counter], 0`, just before count_loop.
    const stop = await wire.ask("vCont;c");
    expect(stop).toMatch(/^T05thread:p1\.1;watch:500;/);
    expect(stop).toContain(`08:${le(SYM.count_loop!)};`);
    expect(await wire.ask(`Z3,${SYM.counter!.toString(16)},2`)).toBe("OK");
    expect(await wire.ask(`z2,${SYM.counter!.toString(16)},2`)).toBe("OK");
    // inc word [counter] reads it first.
    expect(await wire.ask("vCont;c")).toMatch(/;rwatch:500;/);
  });

  it("steps with vCont;s and with s, expediting the new PC", async () => {
    await noAck();
    expect(await wire.ask("vCont?")).toBe("vCont;c;C;s;S;t");
    expect(await wire.ask("vCont;s:p1.1")).toContain(`08:${le(SYM.start!)};`);
    expect(await wire.ask("s")).toContain(`08:${le(SYM.start! + 1)};`);
    expect(await wire.ask("vCont;s:p1.2")).toBe("E02");
  });

  it("reads physical memory in qqemu.PhyMemMode", async () => {
    await noAck();
    expect(await wire.ask("qqemu.PhyMemMode")).toBe("0");
    expect(await wire.ask("Qqemu.PhyMemMode:1")).toBe("OK");
    expect(await wire.ask("mffff0,5")).toBe("ea5be000f0");
    expect(await wire.ask("qqemu.PhyMemMode")).toBe("1");
  });
});

describe("x87 and SSE registers", () => {
  const ST0 = 0x19;
  const FCTRL = 0x21;
  const FTAG = 0x23;
  const XMM3 = 0x2c;
  const MXCSR = 0x31;

  it("start at their reset values and keep what P and G write", async () => {
    await noAck();
    expect(await wire.ask(`p${FCTRL.toString(16)}`)).toBe("7f030000");
    expect(await wire.ask(`p${FTAG.toString(16)}`)).toBe("ffff0000");
    expect(await wire.ask(`p${MXCSR.toString(16)}`)).toBe("801f0000");
    const st0 = "000000000000008fff3f"; // 1.0 as an 80-bit extended real
    expect(await wire.ask(`P${ST0.toString(16)}=${st0}`)).toBe("OK");
    expect(await wire.ask(`p${ST0.toString(16)}`)).toBe(st0);
    expect(await wire.ask(`P${XMM3.toString(16)}=${"5a".repeat(16)}`)).toBe("OK");
    expect(await wire.ask(`P${FCTRL.toString(16)}=7f020000`)).toBe("OK");
    expect(await wire.ask(`P${ST0.toString(16)}=0000`)).toBe("E16");
    // The `g` packet carries them at QEMU's offsets: st0 at byte 100, fctrl at 180, xmm3 at 260.
    const g = await wire.ask("g");
    expect(g.slice(200, 220)).toBe(st0);
    expect(g.slice(520, 552)).toBe("5a".repeat(16));
    expect(g.slice(360, 368)).toBe("7f020000");
    // G writes them back: change mxcsr in the packet.
    expect(await wire.ask(`G${g.slice(0, 680)}c01f0000`)).toBe("OK");
    expect(await wire.ask(`p${MXCSR.toString(16)}`)).toBe("c01f0000");
    expect(await wire.ask("g")).toBe(`${g.slice(0, 680)}c01f0000`);
    // A system reset brings back the power-on state.
    wire.packet(`qRcmd,${Buffer.from("system_reset").toString("hex")}`);
    await wire.expect(/\$OK#9a/);
    expect(await wire.ask(`p${FCTRL.toString(16)}`)).toBe("7f030000");
    expect(await wire.ask(`p${XMM3.toString(16)}`)).toBe("00".repeat(16));
    expect(await wire.ask(`p${MXCSR.toString(16)}`)).toBe("801f0000");
  });
});

describe("sessions", () => {
  it("refuses a second debugger while the first keeps working", async () => {
    await noAck();
    const second = await Wire.open(demo.server.port);
    try {
      const refusal = await second.ask("qSupported");
      expect(refusal).toMatch(/^E\.pcscope: another debugger is already attached/);
    } finally {
      second.close();
    }
    expect(await wire.ask("qC")).toBe("QCp1.1");
  });

  it("answers unknown packets empty and logs each name once", async () => {
    await noAck();
    expect(await wire.ask("qFrobnicate:1")).toBe("");
    expect(await wire.ask("qFrobnicate:2")).toBe("");
    expect(await wire.ask("vFile:open:2f6574632f706173737764,0,0")).toBe("");
    expect(demo.logs.filter((l) => l.includes("qFrobnicate")).length).toBe(1);
  });

  it("detaches (guest runs on) and lets a new debugger stop it", async () => {
    await noAck();
    expect(await wire.ask("D;1")).toBe("OK");
    wire.close();
    await new Promise((r) => setTimeout(r, 100));
    wire = await Wire.open(demo.server.port);
    await noAck();
    expect(await wire.ask("?")).toMatch(/^T02thread:p1\.1;/);
  });
});

/** A 32-bit value as expedited little-endian hex. */
function le(v: number): string {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v);
  return b.toString("hex");
}
