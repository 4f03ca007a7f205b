// The RSP client against pcscope's stub and against real QEMU (i386 and x86_64) on the same ROM:
// handshake and description, registers, a breakpoint at the reset-vector jump target, continue,
// step, memory, monitor, threads.
import { type ChildProcess, spawn } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { RspClient } from "../../src/gdbstub/index.ts";
import { needPeers } from "../helpers/peers.ts";
import { freePort, qemuPcArgs } from "../helpers/qemu.ts";
import { DEMO_ROM, type Demo, demoSymbols, startDemo } from "./demo.ts";

const SYM = demoSymbols();
/** The reset vector's far jump, as bytes at physical 0xffff0. */
const RESET_JUMP = [0xea, 0x5b, 0xe0, 0x00, 0xf0];

/** Starts QEMU paused with its gdb stub; resolves once a client can connect. */
async function startQemu(binary: string): Promise<{ qemu: ChildProcess; client: RspClient }> {
  const port = await freePort();
  const qemu = spawn(binary, ["-S", "-gdb", `tcp:127.0.0.1:${port}`, ...qemuPcArgs(DEMO_ROM)], {
    stdio: "ignore",
  });
  for (let i = 0; ; i++) {
    try {
      return { qemu, client: await RspClient.connect({ port }) };
    } catch (err) {
      if (i > 50) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

describe("RspClient against pcscope", () => {
  let demo: Demo | null = null;
  afterEach(async () => {
    await demo?.close();
    demo = null;
  });

  it("reads the i8086 description, registers, memory; breaks, continues, steps, watches", async () => {
    demo = await startDemo();
    const client = await RspClient.connect({ port: demo.server.port });
    try {
      expect(client.layout.arch).toBe("i8086");
      expect(client.layout.registers.filter((r) => r.offset < 344).length).toBe(50);
      expect(client.features.get("QStartNoAckMode")).toBe("+");
      const regs = await client.readRegisters();
      expect(regs.get("eip")).toBe(0xfffffff0n);
      expect(regs.get("ip")).toBe(0xfff0n);
      expect(regs.get("cs")).toBe(0xf000n);
      expect(regs.get("fctrl")).toBe(0x37fn);
      expect([...(await client.readMemory(0xffff0, 5))]).toEqual(RESET_JUMP);
      await client.breakpoint(SYM.start!);
      const stop = await client.cont();
      expect(stop.type === "stopped" && stop.reasons).toEqual([{ kind: "swbreak" }]);
      expect(await client.readRegister("pc")).toBe(BigInt(SYM.start!));
      await client.breakpoint(SYM.start!, false);
      await client.step();
      expect(await client.readRegister("ip")).toBe(BigInt(SYM.start! - 0xf0000 + 1));
      await client.writeMemory(0x600, Uint8Array.from([1, 2, 3]));
      expect([...(await client.readMemory(0x600, 3))]).toEqual([1, 2, 3]);
      await client.writeRegister("eax", 0x1234);
      expect(await client.readRegister("eax")).toBe(0x1234n);
      await client.watchpoint("write", SYM.counter!, 2);
      const watch = await client.cont();
      expect(watch.type === "stopped" && watch.reasons).toEqual([{ kind: "watch", addr: 0x500 }]);
      expect(await client.threads()).toEqual(["p1.1"]);
      expect(await client.monitor("info cpus")).toMatch(/\* CPU #0: thread_id=1 real mode/);
      // Interrupt a running guest.
      await client.watchpoint("write", SYM.counter!, 2, false);
      const running = client.cont();
      await new Promise((r) => setTimeout(r, 100));
      client.interrupt();
      const stopped = await running;
      expect(stopped.type === "stopped" && stopped.signal).toBe(2);
    } finally {
      await client.kill();
    }
    expect(await demo.server.done).toEqual({ kind: "kill" });
  });
});

for (const binary of ["qemu-system-i386", "qemu-system-x86_64"] as const) {
  describe.skipIf(!needPeers(binary))(`RspClient against ${binary}`, () => {
    it("reads registers, breaks at the reset jump target, continues, steps, reads memory", async () => {
      const { qemu, client } = await startQemu(binary);
      try {
        const x64 = binary === "qemu-system-x86_64";
        expect(client.layout.arch).toBe(x64 ? "i386:x86-64" : "i386");
        expect(client.layout.totalBytes).toBe(x64 ? 608 : 344);
        const regs = await client.readRegisters();
        expect(regs.get(x64 ? "rip" : "eip")).toBe(0xfff0n);
        expect(regs.get("cs")).toBe(0xf000n);
        expect([...(await client.readMemory(0xffff0, 5))]).toEqual(RESET_JUMP);
        // QEMU's $pc is EIP; breakpoints are linear: the jump target F000:E05B is 0xfe05b.
        await client.breakpoint(SYM.start!, true, true);
        const stop = await client.cont();
        expect(stop.type).toBe("stopped");
        expect(await client.readRegister("pc")).toBe(0xe05bn);
        await client.breakpoint(SYM.start!, false, true);
        await client.step();
        expect(await client.readRegister("pc")).toBe(0xe05cn);
        expect((await client.threads()).length).toBe(1);
        expect(await client.monitor("info registers")).toMatch(/EIP=0000e05c/);
      } finally {
        await client.kill();
        qemu.kill();
      }
    });
  });
}
