// Run control on pcscope's own stub and on QEMU's with a hand-assembled real-mode guest, every RSP packet counted
// by a proxy: finish out of a 100,000-instruction function in a handful of round trips, next over a
// recursive call, far calls, the bounded single-step fallback, and temporary breakpoints removed
// whatever stops the run.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createBareMachine } from "../../src/emu/machine/board-bare.ts";
import { startGdbServer } from "../../src/gdbstub/index.ts";
import { Debugger } from "../../src/tui/debugger.ts";
import { listResolver, NO_SYMBOLS, type SymbolResolver } from "../../src/tui/logic/symbol-resolver.ts";
import type { RegisterSet, StopReason } from "../../src/tui/session/debug-session.ts";
import { RspSession } from "../../src/tui/session/rsp-session.ts";
import { needPeers } from "../helpers/peers.ts";
import { startPausedQemu } from "../helpers/qemu.ts";
import { FakeSession } from "./helpers/fake-session.ts";
import { RspCounter } from "./helpers/rsp-counter.ts";

const BIOS_BASE = 0xf0000;
/** The guest: 64 KiB of BIOS at F000:0000, code at the offsets below, the reset vector at FFF0. */
function guest(): Uint8Array {
  const rom = new Uint8Array(0x10000);
  const at = (offset: number, bytes: number[]) => rom.set(bytes, offset);
  // main
  at(0x100, [0x31, 0xc0]); // xor ax, ax
  at(0x102, [0x8e, 0xd0]); // mov ss, ax
  at(0x104, [0xbc, 0x00, 0x70]); // mov sp, 0x7000
  at(0x107, [0xe8, 0xf6, 0x00]); // call work (0x200)
  at(0x10a, [0xbb, 0x05, 0x00]); // mov bx, 5
  at(0x10d, [0xe8, 0xf0, 0x01]); // call rec (0x300)
  at(0x110, [0x9a, 0x00, 0x03, 0x00, 0xf1]); // call far f100:0300 (linear 0xf1300)
  at(0x115, [0x90]); // nop
  at(0x116, [0xeb, 0xfe]); // jmp $
  // work: a frame, then 50,000 rounds of dec ecx / jnz: 100,000 instructions
  at(0x200, [0x55]); // push bp
  at(0x201, [0x89, 0xe5]); // mov bp, sp
  at(0x203, [0x66, 0xb9, 0x50, 0xc3, 0x00, 0x00]); // mov ecx, 50000
  at(0x209, [0x66, 0x49]); // dec ecx
  at(0x20b, [0x75, 0xfc]); // jnz 0x209
  at(0x20d, [0x5d]); // pop bp
  at(0x20e, [0xc3]); // ret
  // rec: recurses until bx reaches 0
  at(0x300, [0x4b]); // dec bx
  at(0x301, [0x74, 0x03]); // jz 0x306
  at(0x303, [0xe8, 0xfa, 0xff]); // call rec
  at(0x306, [0xc3]); // ret
  // far: in segment f100
  at(0x1300, [0x90, 0x90, 0xcb]); // nop; nop; retf
  at(0xfff0, [0xea, 0x00, 0x01, 0x00, 0xf0]); // jmp far f000:0100
  return rom;
}
const lin = (offset: number) => BigInt(BIOS_BASE + offset);
const SYMBOLS = listResolver([
  { name: "main", addr: lin(0x100) },
  { name: "work", addr: lin(0x200) },
  { name: "rec", addr: lin(0x300) },
  { name: "far_fn", addr: lin(0x1300) },
]);

/** Z0/z0 packets for `addr`: every temporary breakpoint inserted was removed. */
function balanced(packets: string[]): boolean {
  const count = (prefix: string) => packets.filter((p) => p.startsWith(prefix)).length;
  const addrs = new Set(packets.filter((p) => /^[Zz]0,/.test(p)).map((p) => p.split(",")[1]));
  return [...addrs].every((a) => count(`Z0,${a},`) === count(`z0,${a},`));
}

/** Starts a stub running the guest paused at reset: pcscope's own, or QEMU's (a real peer). */
async function startStub(target: "pcscope" | "qemu"): Promise<{ port: number; close(): Promise<void> }> {
  if (target === "pcscope") {
    const server = await startGdbServer(createBareMachine({ bios: guest() }), { port: 0, startPaused: true });
    return { port: server.port, close: () => server.close() };
  }
  const dir = mkdtempSync(join(tmpdir(), "pcscope-run-control-"));
  writeFileSync(join(dir, "guest.bin"), guest());
  const qemu = await startPausedQemu({ bios: join(dir, "guest.bin") });
  return {
    port: qemu.port,
    close: async () => {
      qemu.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const TARGETS = needPeers("qemu-system-i386") ? (["pcscope", "qemu"] as const) : (["pcscope"] as const);

describe.each(TARGETS)("run control on %s's stub, packets counted", (target) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  /** A Debugger on a fresh guest through the counting proxy, stopped at the reset vector. */
  async function setup(symbols: SymbolResolver = SYMBOLS) {
    const server = await startStub(target);
    const counter = await RspCounter.start(server.port);
    const session = await RspSession.connect("127.0.0.1", counter.port);
    const dbg = new Debugger(session, { symbols, cols: 120, rows: 40 });
    cleanups.push(async () => {
      await dbg.close();
      await counter.close();
      await server.close();
    });
    await dbg.refresh();
    /** Continues to a temporary user breakpoint at linear `addr`. */
    const runTo = async (addr: bigint) => {
      const bp = await dbg.addBreakpoint("break", `*0x${addr.toString(16)}`);
      await dbg.cont();
      expect(dbg.getSnapshot().pc).toBe(addr);
      await dbg.deleteBreakpoint(bp!.id);
    };
    /** Runs `op` and returns the packets it sent. */
    const packets = async (op: () => Promise<void>) => {
      const mark = counter.sent.length;
      await op();
      return counter.since(mark);
    };
    return { dbg, runTo, packets };
  }

  it("finishes out of a function running 100,000 instructions in fewer than 20 round trips", async () => {
    const { dbg, runTo, packets } = await setup();
    await runTo(lin(0x209));
    const sent = await packets(() => dbg.finish());
    const snap = dbg.getSnapshot();
    expect(snap.pc).toBe(lin(0x10a));
    expect(snap.stopText).toBe("step");
    expect(snap.message).toBe("");
    expect(sent.length).toBeLessThan(20);
    expect(sent.filter((p) => p.startsWith("vCont;s") || p === "s")).toHaveLength(0);
    expect(balanced(sent)).toBe(true);
  });

  it("steps one instruction reading the registers once (the panes reuse run control's read)", async () => {
    const { dbg, packets } = await setup();
    const sent = await packets(() => dbg.stepInstruction());
    expect(dbg.getSnapshot().pc).toBe(lin(0x100));
    expect(sent.filter((p) => p === "g")).toHaveLength(1);
    expect(sent.length).toBeLessThanOrEqual(8);
  });

  it("finishes a function it stepped into from the remembered frame, without symbols", async () => {
    const { dbg, runTo, packets } = await setup(NO_SYMBOLS);
    await runTo(lin(0x107));
    await dbg.step();
    expect(dbg.getSnapshot().pc).toBe(lin(0x200));
    const sent = await packets(() => dbg.finish());
    expect(dbg.getSnapshot().pc).toBe(lin(0x10a));
    expect(sent.length).toBeLessThan(20);
    expect(balanced(sent)).toBe(true);
  });

  it("steps over a recursive call with next, stopping only back at its own stack depth", async () => {
    const { dbg, runTo, packets } = await setup();
    await runTo(lin(0x10d)); // call rec with bx = 5
    await dbg.step();
    await dbg.next(); // dec bx -> 4
    await dbg.next(); // jz not taken
    expect(dbg.getSnapshot().pc).toBe(lin(0x303));
    const sp = dbg.getSnapshot().ctx!.sp;
    const sent = await packets(() => dbg.next());
    const snap = dbg.getSnapshot();
    expect(snap.pc).toBe(lin(0x306));
    expect(snap.ctx!.sp).toBe(sp);
    expect(snap.panes.registers!.rows.flat().find((r) => r.name === "ebx")!.value).toBe("00000000");
    expect(sent.length).toBeLessThan(40);
    expect(balanced(sent)).toBe(true);
    await dbg.finish(); // rec's first level returns to main
    expect(dbg.getSnapshot().pc).toBe(lin(0x110));
  });

  it("finishes a far call in real mode: from the remembered frame and from the stack at a symbol's entry", async () => {
    const { dbg, runTo } = await setup();
    await runTo(lin(0x110));
    await dbg.step();
    expect(dbg.getSnapshot().pc).toBe(lin(0x1300));
    expect(dbg.getSnapshot().panes.registers!.location).toBe("CS:IP f100:0300 = linear 0x000f1300");
    await dbg.finish();
    expect(dbg.getSnapshot().pc).toBe(lin(0x115));

    const again = await setup();
    await again.runTo(lin(0x1300)); // at far_fn's entry, not stepped into: [SP] holds IP and CS
    const sent = await again.packets(() => again.dbg.finish());
    expect(again.dbg.getSnapshot().pc).toBe(lin(0x115));
    expect(sent.filter((p) => p === "s" || p.startsWith("vCont;s"))).toHaveLength(0);
  });

  it("without a return address single-steps to the return", async () => {
    const { dbg, runTo, packets } = await setup(NO_SYMBOLS);
    await runTo(lin(0x1301)); // inside far_fn, no symbol, not stepped into
    const sent = await packets(() => dbg.finish());
    expect(dbg.getSnapshot().pc).toBe(lin(0x115));
    expect(sent.filter((p) => p === "s" || p.startsWith("vCont;s")).length).toBe(2);
  });

  // Target-independent UI logic, so it is defined for pcscope's stub only: QEMU answers a single
  // step in tens of milliseconds, and 512 of them would take half a minute.
  const onPcscopeStub = target === "qemu" ? () => {} : it;
  onPcscopeStub("reports the progress of a long single-step finish, and p pauses it", async () => {
    const { dbg, runTo } = await setup(NO_SYMBOLS);
    await runTo(lin(0x209)); // inside work's loop, no symbol, not stepped into
    const progress: string[] = [];
    const unsubscribe = dbg.subscribe(() => {
      const { message } = dbg.getSnapshot();
      if (message.startsWith("finish:") && progress.push(message) === 2) void dbg.pause();
    });
    await dbg.finish();
    unsubscribe();
    expect(progress.slice(0, 2)).toEqual([
      "finish: no return address known, stepped 256 instructions...",
      "finish: no return address known, stepped 512 instructions...",
    ]);
    expect(dbg.getSnapshot().stopText).toBe("paused");
    expect(dbg.getSnapshot().state).toBe("stopped");
  });

  it("stops at a user breakpoint met first, removing the temporary one", async () => {
    const { dbg, runTo, packets } = await setup();
    await runTo(lin(0x209));
    await dbg.addBreakpoint("break", `*0x${lin(0x20d).toString(16)}`);
    const sent = await packets(() => dbg.finish());
    const snap = dbg.getSnapshot();
    expect(snap.pc).toBe(lin(0x20d));
    expect(snap.stopText).toBe("breakpoint 2");
    expect(sent.some((p) => p.startsWith(`Z0,${lin(0x10a).toString(16)}`))).toBe(true);
    expect(balanced(sent)).toBe(true);
  });
});

describe("run control when the target exits", () => {
  /** A fake target that exits on the next step or continue; its registers are gone after that. */
  class ExitingSession extends FakeSession {
    gone = false;
    override async stepInstruction(): Promise<StopReason> {
      this.gone = true;
      return { kind: "exited", code: 3, text: "exited with status 3" };
    }
    override async resume(): Promise<StopReason> {
      return this.stepInstruction();
    }
    override async readRegisters(): Promise<RegisterSet> {
      if (this.gone) throw new Error("the connection closed");
      return super.readRegisters();
    }
  }

  it("shows the exit for a step, a next over a call and a continue", async () => {
    for (const op of ["stepInstruction", "next", "cont"] as const) {
      const session = new ExitingSession();
      session.regs.set("eip", 0xe05cn); // call 0xe05f: next runs over it
      const dbg = new Debugger(session, { cols: 120, rows: 40 });
      await dbg.refresh();
      await dbg[op]();
      expect(dbg.getSnapshot()).toMatchObject({ state: "exited", stopText: "exited with status 3" });
    }
  });
});
