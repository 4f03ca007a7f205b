import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { createPcMachine } from "../../../src/emu/machine/pc.ts";
import { startGdbServer } from "../../../src/gdbstub/index.ts";
import { Debugger } from "../../../src/tui/debugger.ts";
import { listResolver } from "../../../src/tui/logic/symbol-resolver.ts";
import {
  archOf,
  parseQemuInfoRegisters,
  RspSession,
  stopReasonOf,
} from "../../../src/tui/session/rsp-session.ts";
import { needPeers } from "../../helpers/peers.ts";
import { type PausedQemu, startPausedQemu } from "../../helpers/qemu.ts";

describe("RspSession helpers", () => {
  it("parses QEMU's info registers segment lines, descriptor tables and EFER", () => {
    const text = [
      "EAX=00000000 EBX=00000000 ECX=00000000 EDX=00000663",
      "ES =0000 00000000 0000ffff 00009300",
      "CS =f000 ffff0000 0000ffff 00009b00",
      "SS =0010 00000000 ffffffff 00cf9300 DPL=0 DS   [-WA]",
      "GDT=     000f6c00 00000037",
      "IDT=     00000000 000003ff",
      "EFER=0000000000000000",
    ].join("\n");
    const x = parseQemuInfoRegisters(text)!;
    expect(x.segments.get("cs")).toEqual({
      selector: 0xf000,
      base: 0xffff0000n,
      limit: 0xffff,
      flags: 0x9b00,
    });
    expect(x.segments.get("ss")!.flags).toBe(0xcf9300);
    expect(x.gdt).toEqual({ base: 0xf6c00n, limit: 0x37 });
    expect(x.idt).toEqual({ base: 0n, limit: 0x3ff });
    expect(x.efer).toBe(0n);
    expect(parseQemuInfoRegisters("unknown command")).toBeNull();
  });

  it("reads pcscope's variant of `info registers`, converting its attribute layout to QEMU's", () => {
    // pcscope keeps the access byte in bits 0-7 and G/DB/L/AVL in bits 12-15 (src/emu CpuView).
    const text = ["CPU#0 (protected32 mode)", "CS =0008 00000000 ffffffff 0000c09b"].join("\n");
    expect(parseQemuInfoRegisters(text)!.segments.get("cs")!.flags).toBe(0xc09b00);
  });

  it("maps architectures and stop replies", () => {
    expect(archOf("i386", [])).toBe("i386");
    expect(archOf("i386:x86-64", [])).toBe("x86-64");
    expect(archOf("i8086", [])).toBe("i8086");
    const stop = (reasons: never[], signal = 5) => ({
      type: "stopped" as const,
      signal,
      thread: null,
      reasons,
      registers: new Map(),
      fields: new Map(),
    });
    expect(stopReasonOf(stop([]), true).kind).toBe("step");
    expect(stopReasonOf(stop([]), false).kind).toBe("signal");
    expect(stopReasonOf(stop([], 2), false).kind).toBe("interrupted");
    expect(stopReasonOf({ ...stop([]), reasons: [{ kind: "watch", addr: 0x500 }] }, false)).toMatchObject({
      kind: "watch",
      addr: 0x500n,
    });
    expect(
      stopReasonOf({ ...stop([]), reasons: [{ kind: "ioport", text: "1f7,w,1,e7" }] }, false),
    ).toMatchObject({ kind: "watch", port: 0x1f7 });
    expect(stopReasonOf({ type: "exited", status: 3 }, false)).toMatchObject({ kind: "exited", code: 3 });
  });
});

describe.skipIf(!needPeers("qemu-system-i386", "seabios"))("the UI's session on real QEMU + SeaBIOS", () => {
  let qemu: PausedQemu | null = null;
  afterEach(() => qemu?.stop());

  it("shows registers, 16-bit code at the reset vector, steps, breaks at SEG:OFF and continues", async () => {
    qemu = await startPausedQemu();
    const session = await RspSession.connect("127.0.0.1", qemu.port);
    const symbols = listResolver([
      { name: "entry_post", addr: 0xfe05bn },
      { name: "post_checked", addr: 0xfe066n },
    ]);
    const dbg = new Debugger(session, { symbols, cols: 160, rows: 50 });
    await dbg.refresh();
    let snap = dbg.getSnapshot();
    expect(snap.panes.registers!.location).toBe("CS:IP f000:fff0 = linear 0xfffffff0");
    expect(snap.panes.registers!.segmentDetails[0]).toMatch(/^cs f000 ffff0000\/ffff/);
    expect(snap.panes.registers!.modeText).toBe("real mode (16-bit)");
    const atPc = snap.panes.code.lines.find((l) => l.addr === snap.pc)!;
    expect(atPc.text).toBe("jmp    0xf000:0xe05b <entry_post>");

    await dbg.stepInstruction();
    snap = dbg.getSnapshot();
    expect(snap.panes.registers!.location).toBe("CS:IP f000:e05b = linear 0x000fe05b");
    expect(snap.panes.registers!.pcRow[0]!).toMatchObject({ name: "eip", value: "0000e05b", changed: true });
    expect(snap.panes.code.lines.find((l) => l.addr === 0xfe05bn)!).toMatchObject({
      label: "entry_post",
      text: "cmp    dword [cs:0x6f28], 0",
    });

    const bp = await dbg.addBreakpoint("break", "post_checked");
    expect(bp!.addr).toBe(0xfe066n);
    await dbg.cont();
    snap = dbg.getSnapshot();
    expect(snap.pc).toBe(0xfe066n);
    expect(snap.stopText).toBe("breakpoint 1");
    expect(snap.panes.breakpoints.list[0]!.hits).toBe(1);

    await dbg.next(); // xor dx, dx
    await dbg.step(); // mov ss, dx
    expect(dbg.getSnapshot().pc).toBe(0xfe06an);

    await dbg.addBreakpoint("break", "f000:e070");
    await dbg.cont();
    expect(dbg.getSnapshot().pc).toBe(0xfe070n);
    expect(dbg.getSnapshot().stopText).toBe("breakpoint 2");
    await dbg.close();
  });
});

describe.skipIf(!needPeers("seabios"))("the UI's session on pcscope --smp 2", () => {
  let close: (() => Promise<void>) | null = null;
  afterEach(async () => {
    await close?.();
    close = null;
  });

  it("follows the thread a stop names: a breakpoint hit by CPU 1 shows CPU 1's registers", async () => {
    const machine = createPcMachine({
      bios: readFileSync("/usr/share/seabios/bios.bin"),
      memBytes: 32 << 20,
      cpus: 2,
      debugcons: [{ port: 0x402, sink: null }],
    });
    const server = await startGdbServer(machine, { port: 0, startPaused: true });
    close = () => server.close();
    const session = await RspSession.connect("127.0.0.1", server.port);
    // SeaBIOS starts the APs at its AP boot code, 1000:0000, which CPU 0 never executes.
    expect(await session.insertBreak("sw", 0x10000n, 1)).toBe(true);
    expect((await session.resume()).kind).toBe("breakpoint");
    const regs = await session.readRegisters();
    expect(regs.values.get("cs")).toBe(0x1000n);
    expect(regs.values.get("ip")).toBe(0n);
    await session.close();
  });
});
