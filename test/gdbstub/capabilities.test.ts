// Capabilities are checked, not decorative: a minimal 64-bit target with only software breakpoints
// gets a qSupported naming only what it has, empty replies for Z1/Z2, stepping and the thread list,
// and its 64-bit registers in the `g`/`p`/`P` layout of its description. Stock gdb 13 debugs it.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { registerNumber, X86_64 } from "../../src/emu/debug-arch.ts";
import type {
  BreakpointOps,
  CpuView,
  DebugTarget,
  SegmentView,
  StopEvent,
} from "../../src/emu/debug-target.ts";
import { type GdbServer, startGdbServer } from "../../src/gdbstub/index.ts";
import { needPeers } from "../helpers/peers.ts";
import { Wire } from "./demo.ts";
import { runGdb } from "./gdb-run.ts";

const RIP = registerNumber(X86_64, "rip");
const RAX = registerNumber(X86_64, "rax");
const FLAT: SegmentView = { selector: 0, base: 0, limit: 0xffff, attrs: 0x93 };

/** 64 KiB of memory, registers, software breakpoints; run() goes to the lowest breakpoint or halts. */
class MinimalTarget implements DebugTarget {
  readonly arch = X86_64;
  readonly registers = new Uint8Array(X86_64.bytes);
  readonly memory = new Uint8Array(0x10000);
  readonly breakpoints = new Set<number>();
  readonly swBreakpoints: BreakpointOps = {
    add: (linear) => this.breakpoints.add(linear),
    remove: (linear) => this.breakpoints.delete(linear),
  };

  readRegisters(): Uint8Array {
    return this.registers.slice();
  }
  writeRegister(_cpu: number, regnum: number, value: Uint8Array): void {
    this.registers.set(value, X86_64.registers[regnum]!.offset);
  }
  /** Says real mode: a description without an i8086 view is served as it is anyway. */
  describeCpu(): CpuView {
    const segment = { ...FLAT };
    return {
      index: 0,
      mode: "real",
      paging: false,
      halted: false,
      cpl: 0,
      segments: { es: segment, cs: segment, ss: segment, ds: segment, fs: segment, gs: segment },
      gdtr: { base: 0, limit: 0 },
      idtr: { base: 0, limit: 0 },
      ldtr: segment,
      tr: segment,
      cr: { cr0: 0, cr2: 0, cr3: 0, cr4: 0 },
      instructions: 0,
    };
  }
  readLinear(_cpu: number, addr: number, length: number): Uint8Array | null {
    return addr + length <= this.memory.length ? this.memory.slice(addr, addr + length) : null;
  }
  writeLinear(_cpu: number, addr: number, data: Uint8Array): boolean {
    if (addr + data.length > this.memory.length) return false;
    this.memory.set(data, addr);
    return true;
  }
  readPhysical(addr: number, length: number): Uint8Array {
    return this.readLinear(0, addr, length) ?? new Uint8Array(length).fill(0xff);
  }
  writePhysical(addr: number, data: Uint8Array): void {
    this.writeLinear(0, addr, data);
  }
  run(): StopEvent {
    if (this.breakpoints.size === 0) return { kind: "halted" };
    const addr = Math.min(...this.breakpoints);
    new DataView(this.registers.buffer).setBigUint64(X86_64.registers[RIP]!.offset, BigInt(addr), true);
    return { kind: "breakpoint", addr };
  }
  requestStop(): void {}
  reset(): void {
    this.registers.fill(0);
  }
}

let target: MinimalTarget;
let server: GdbServer;
beforeEach(async () => {
  target = new MinimalTarget();
  new DataView(target.registers.buffer).setBigUint64(0, 0x123456789abcdef0n, true); // rax
  server = await startGdbServer(target, { port: 0, startPaused: true });
});
afterEach(async () => {
  await server.close();
});

describe("a target with software breakpoints only", () => {
  it("advertises only what it has and answers packets for missing capabilities empty", async () => {
    const wire = await Wire.open(server.port);
    wire.autoAck = true;
    try {
      expect(await wire.ask("qSupported:multiprocess+;swbreak+;hwbreak+;vContSupported+")).toBe(
        "PacketSize=20200;qXfer:features:read+;QStartNoAckMode+;swbreak+;vContSupported+;multiprocess+",
      );
      expect(await wire.ask("Z1,1000,1")).toBe("");
      expect(await wire.ask("z1,1000,1")).toBe("");
      expect(await wire.ask("Z2,2000,4")).toBe("");
      expect(await wire.ask("Z4,2000,4")).toBe("");
      expect(await wire.ask("vCont?")).toBe("vCont;c;C;t");
      expect(await wire.ask("vCont;s:p1.1;c")).toBe("");
      expect(await wire.ask("s")).toBe("");
      expect(await wire.ask("qXfer:threads:read::0,100")).toBe("");
      expect(await wire.ask("qfThreadInfo")).toBe("mp1.1");
      expect(await wire.ask("Hgp1.2")).toMatch(/^E/);
      // Monitor help lists only the commands the target supports.
      wire.packet(`qRcmd,${Buffer.from("help").toString("hex")}`);
      const help = Buffer.from((await wire.expect(/\$O([0-9a-f]+)#..\$OK#9a/))[1]!, "hex").toString();
      expect(help).toContain("xp/FMT ADDR");
      expect(help).not.toMatch(/iowatch|info mtree|\blog\b|trace on/);
      expect(await wire.ask("Z0,1000,1")).toBe("OK");
      // The stop reply expedites rip, rsp, rbp and eflags at their 64/32-bit sizes.
      expect(await wire.ask("vCont;c")).toMatch(
        /^T05thread:p1\.1;swbreak:;10:0010000000000000;07:0{16};06:0{16};11:0{8};$/,
      );
    } finally {
      wire.close();
    }
  });

  it("serves its own 64-bit description and register layout, even in real mode", async () => {
    const wire = await Wire.open(server.port);
    wire.autoAck = true;
    try {
      await wire.ask("qSupported");
      const xml = await wire.ask("qXfer:features:read:target.xml:0,fff");
      expect(xml).toContain("<architecture>i386:x86-64</architecture>");
      expect(xml).not.toContain("realmode");
      expect(await wire.ask("g")).toHaveLength(608 * 2);
      expect(await wire.ask(`p${RAX.toString(16)}`)).toBe("f0debc9a78563412");
      expect(await wire.ask(`P${RAX.toString(16)}=0102030405060708`)).toBe("OK");
      expect(await wire.ask(`p${RAX.toString(16)}`)).toBe("0102030405060708");
      expect(await wire.ask(`P${RAX.toString(16)}=01020304`)).toBe("E16");
      const xmm15 = registerNumber(X86_64, "xmm15");
      expect(await wire.ask(`P${xmm15.toString(16)}=${"ab".repeat(16)}`)).toBe("OK");
      expect(await wire.ask(`p${xmm15.toString(16)}`)).toBe("ab".repeat(16));
    } finally {
      wire.close();
    }
  });
});

describe.skipIf(!needPeers("gdb"))("stock gdb 13 against the minimal 64-bit target", () => {
  it("reads 64-bit registers and stops on a software breakpoint", async () => {
    const out = await runGdb(server.address, [
      "p/x $rax",
      "p/x $pc",
      "break *0x1234",
      "continue",
      "p/x $rip",
      "monitor iowatch list",
      "kill",
    ]);
    expect(out).toContain("$1 = 0x123456789abcdef0");
    expect(out).toContain("$2 = 0x0");
    expect(out).toMatch(/Breakpoint 1, 0x0000000000001234/);
    expect(out).toContain("$3 = 0x1234");
    expect(out).toContain("this machine has no I/O watches");
  });
});
