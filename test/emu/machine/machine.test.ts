import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { I386, registerNumber, registerValue } from "../../../src/emu/debug-arch.ts";
import { createBareMachine } from "../../../src/emu/machine/board-bare.ts";
import { ConfigError, type MachineOptions } from "../../../src/emu/machine/config.ts";
import type { Machine } from "../../../src/emu/machine/machine.ts";
import { TraceBus, type TraceEvent } from "../../../src/emu/trace/bus.ts";
import { exitRom, tinyRom, tripleFaultRom } from "./tiny-rom.ts";

const HELLO = readFileSync(new URL("../../../firmware/hello/hello.bin", import.meta.url));

/** zlib's CRC-32, to check the demo ROM's own computation. */
function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const b of bytes) {
    crc ^= b;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function machine(bios: Uint8Array, extra: Partial<MachineOptions> = {}): Machine {
  return createBareMachine({ bios, debugcons: [{ port: 0x402, sink: null }], ...extra });
}

/** `jmp $` (EB FE) forever on the bare board, with a clock device due once at 50 ns: how often it fired. */
function spinWithOneShot() {
  const m = createBareMachine({ bios: tinyRom([0xeb, 0xfe]) });
  let count = 0;
  m.clock.add({
    name: "one-shot",
    nextDeadline: () => (count === 0 ? 50 : Number.POSITIVE_INFINITY),
    onDeadline: () => count++,
  });
  return { m, fired: () => count };
}

describe("Machine (bare board)", () => {
  it("runs the demo ROM to a halt: banner, protected mode, its own CRC-32, the isa-bios alias", () => {
    const m = machine(HELLO);
    expect(m.run(100_000_000)).toEqual({ kind: "halted" });
    const crc = crc32(HELLO).toString(16).padStart(8, "0");
    expect(m.debugcons[0]!.text()).toBe(
      [
        "pcscope demo ROM: hello from real mode at F000:FFF0",
        "entered 32-bit protected mode",
        `crc32 of the 64 KiB ROM at 0xffff0000: ${crc}`,
        "the isa-bios alias at 0xf0000 shows the same bytes",
        "back in real mode; halting with interrupts disabled",
        "",
      ].join("\n"),
    );
    expect(m.describeCpu(0).mode).toBe("real");
    expect(m.describeCpu(0).halted).toBe(true);
    expect(m.log.entries).toEqual([]);
    // Halted with IF clear: running again stays halted without executing anything.
    const n = m.cpus[0]!.instructions;
    expect(m.run(1000)).toEqual({ kind: "halted" });
    expect(m.cpus[0]!.instructions).toBe(n);
  });

  it("is deterministic: the same instruction count and port trace on every run", () => {
    const runOnce = () => {
      const trace = new TraceBus();
      const events: string[] = [];
      trace.subscribe("portio_*", (e: TraceEvent) =>
        events.push(`${e.insn} ${e.name} ${e.fields.addr} ${e.fields.val}`),
      );
      const m = machine(HELLO, { trace });
      m.run(100_000_000);
      return { insns: m.cpus[0]!.instructions, events };
    };
    const a = runOnce();
    const b = runOnce();
    expect(a.insns).toBeGreaterThan(1_000_000);
    expect(b).toEqual(a);
    expect(a.events[0]).toMatch(/ portio_write 1026 112$/); // 'p' to 0x402
  });

  it("maps the ROM at the top of 4 GiB and its end below 1 MiB, per QEMU's sizes", () => {
    const m64 = machine(tinyRom([0xfa, 0xf4]));
    expect(m64.readPhysical(0xfffffff0, 5)).toEqual(new Uint8Array([0xea, 0, 0, 0, 0xf0]));
    expect(m64.readPhysical(0xffff0, 5)).toEqual(new Uint8Array([0xea, 0, 0, 0, 0xf0]));
    expect(m64.memory.mtree()).toContain(
      "00000000000f0000-00000000000fffff (prio 1, rom): alias isa-bios @pc.bios",
    );
    const rom256 = new Uint8Array(256 * 1024);
    rom256.set(tinyRom([0xfa, 0xf4]), 192 * 1024);
    rom256[0x20000] = 0x5a; // first byte of the last 128 KiB
    const m256 = machine(rom256);
    expect(m256.memory.mtree()).toContain(
      "00000000000e0000-00000000000fffff (prio 1, rom): alias isa-bios @pc.bios 0000000000020000-000000000003ffff",
    );
    expect(m256.readPhysical(0xe0000, 1)[0]).toBe(0x5a);
    expect(m256.readPhysical(0xfffc0000 + 0x20000, 1)[0]).toBe(0x5a);
    expect(m256.run(100)).toEqual({ kind: "halted" });
  });

  it("refuses a BIOS image that is not a multiple of 64 KiB, and a bad memory size", () => {
    expect(() => machine(new Uint8Array(100_000))).toThrow(ConfigError);
    expect(() => machine(new Uint8Array(0))).toThrow(/empty/);
    expect(() => machine(tinyRom([]), { memBytes: 12345 })).toThrow(/ram size too small/);
    expect(() =>
      createBareMachine({
        bios: tinyRom([]),
        debugcons: [
          { port: 0x402, sink: null },
          { port: 0x402, sink: null },
        ],
      }),
    ).toThrow(/already used by isa-debugcon@0x402/);
  });

  it("stops with the isa-debug-exit status", () => {
    const m = createBareMachine({ bios: exitRom(0x2a), debugExit: { port: 0xf4, size: 1 } });
    expect(m.run(1000)).toEqual({ kind: "exit", status: 0x55 });
    expect(m.cpus[0]!.instructions).toBe(3); // jmp far (reset vector), mov, out
    expect(m.run(1000)).toEqual({ kind: "exit", status: 0x55 });
  });

  it("returns halted for HLT with interrupts enabled when no device can ever interrupt", () => {
    const m = machine(tinyRom([0xfb, 0xf4])); // sti; hlt
    expect(m.run(1000)).toEqual({ kind: "halted" });
    expect(m.cpus[0]!.isWaitingForInterrupt()).toBe(true);
  });

  it("skips idle HLT time to the next device deadline and takes the interrupt it raises", () => {
    const m = machine(
      tinyRom(
        [
          0x31,
          0xc0, //                         xor ax, ax
          0x8e,
          0xd8, //                         mov ds, ax
          0xc7,
          0x06,
          0x20,
          0x00,
          0x00,
          0x01, // mov word [0x20], 0x0100
          0xc7,
          0x06,
          0x22,
          0x00,
          0x00,
          0xf0, // mov word [0x22], 0xf000
          0x8e,
          0xd0, //                         mov ss, ax
          0xbc,
          0x00,
          0x70, //                   mov sp, 0x7000
          0xfb, //                               sti
          0xf4, //                               hlt
          0xfa, //                               cli
          0xf4, //                               hlt
        ],
        [
          0xba,
          0x02,
          0x04, //                   mov dx, 0x402
          0xb0,
          0x49, //                         mov al, 'I'
          0xee, //                               out dx, al
          0xcf, //                               iret
        ],
      ),
    );
    const cpu = m.cpus[0]!;
    const ONE_MS = 1_000_000;
    let pending = true;
    m.clock.add({
      name: "test-timer",
      nextDeadline: () => (pending ? ONE_MS : Number.POSITIVE_INFINITY),
      onDeadline: () => {
        pending = false;
        cpu.intrLine = true;
      },
    });
    cpu.intc = {
      acknowledge() {
        cpu.intrLine = false;
        return 8;
      },
    };
    expect(m.run(1_000_000)).toEqual({ kind: "halted" });
    expect(m.debugcons[0]!.text()).toBe("I");
    expect(cpu.instructions).toBe(9 + 4 + 2);
    expect(cpu.skippedTicks).toBe(ONE_MS / 10 - 9);
    expect(m.clock.nowNs()).toBe(ONE_MS + 6 * 10);
  });

  it("stops after an instruction touching a watched port, with the port, direction and value", () => {
    const m = machine(
      tinyRom([
        0xba,
        0x02,
        0x04, // mov dx, 0x402
        0xb0,
        0x41, //       mov al, 'A'
        0xee, //             out dx, al
        0xb0,
        0x42, //       mov al, 'B'
        0xee, //             out dx, al
        0xec, //             in al, dx
        0xfa,
        0xf4, //       cli; hlt
      ]),
    );
    m.addIoWatch(0x402, 0x402, "w");
    expect(m.run(1000)).toEqual({ kind: "ioWatch", port: 0x402, dir: "out", size: 1, value: 0x41 });
    expect(registerValue(I386, m.readRegisters(0), "eip")).toBe(6); // EIP after the OUT
    expect(m.run(1000)).toEqual({ kind: "ioWatch", port: 0x402, dir: "out", size: 1, value: 0x42 });
    m.removeIoWatch(0x402, 0x402, "w");
    m.addIoWatch(0x400, 0x40f, "r");
    expect(m.run(1000)).toEqual({ kind: "ioWatch", port: 0x402, dir: "in", size: 1, value: 0xe9 });
    expect(m.run(1000)).toEqual({ kind: "halted" });
    expect(m.debugcons[0]!.text()).toBe("AB");
  });

  it("turns a triple fault into a reset, or a tripleFault stop under noReboot", () => {
    const stop = createBareMachine({ bios: tripleFaultRom(), noReboot: true });
    expect(stop.run(1000)).toEqual({ kind: "tripleFault" });
    const reboot = createBareMachine({ bios: tripleFaultRom() });
    expect(reboot.run(1000)).toEqual({ kind: "reset", why: "triple fault" });
    expect(reboot.resets).toBe(1);
    expect(registerValue(I386, reboot.readRegisters(0), "eip")).toBe(0xfff0);
    expect(reboot.describeCpu(0).segments.cs).toMatchObject({ selector: 0xf000, base: 0xffff0000 });
  });

  it("wraps addresses at 1 MiB while the A20 gate is closed", () => {
    const rom = tinyRom([
      0xb8,
      0xff,
      0xff, //             mov ax, 0xffff
      0x8e,
      0xd8, //                   mov ds, ax
      0xc6,
      0x06,
      0x10,
      0x00,
      0x5a, // mov byte [0x10], 0x5a   ; linear 0x100000
      0x31,
      0xc0, //                   xor ax, ax
      0x8e,
      0xc0, //                   mov es, ax
      0x26,
      0xa0,
      0x00,
      0x00, //       mov al, [es:0]
      0xba,
      0x02,
      0x04, //             mov dx, 0x402
      0xee, //                         out dx, al
      0xfa,
      0xf4, //                   cli; hlt
    ]);
    const open = machine(rom);
    expect(open.run(100)).toEqual({ kind: "halted" });
    expect(open.debugcons[0]!.text()).toBe("\0");
    expect(open.readPhysical(0x100000, 1)[0]).toBe(0x5a);
    const closed = machine(rom);
    expect(closed.run(1)).toEqual({ kind: "budget" }); // the reset vector's far jump (above 1 MiB)
    closed.setA20(false);
    expect(closed.run(100)).toEqual({ kind: "halted" });
    expect(closed.debugcons[0]!.text()).toBe("Z");
    expect(closed.readPhysical(0, 1)[0]).toBe(0x5a);
  });

  it("lets a debugger read and write registers and memory", () => {
    const m = machine(tinyRom([0xfa, 0xf4]));
    m.writeRegister(0, registerNumber(I386, "eax"), le32(0x12345678));
    m.writeRegister(0, registerNumber(I386, "ds"), le32(0x1234));
    const regs = m.readRegisters(0);
    expect(registerValue(I386, regs, "eax")).toBe(0x12345678);
    expect(registerValue(I386, regs, "ds")).toBe(0x1234);
    expect(m.describeCpu(0).segments.ds.base).toBe(0x12340);
    m.writePhysical(0x1000, new Uint8Array([1, 2, 3]));
    expect(m.readLinear(0, 0x1000, 3)).toEqual(new Uint8Array([1, 2, 3]));
    m.writePhysical(0xffff0, new Uint8Array([0x90]));
    expect(m.readPhysical(0xffff0, 1)[0]).toBe(0x90); // ROM written, as QEMU's gdb stub writes it
    m.setA20(false);
    expect(m.a20()).toBe(false);
    expect(m.cpus[0]!.a20Mask).toBe(0xffefffff);
    m.reset();
    expect(m.a20()).toBe(true);
  });
});

describe("Machine idle handling", () => {
  it("reports halted instead of spinning when a device's deadline stays in the past", () => {
    const m = createBareMachine({ bios: tinyRom([0xfb, 0xf4]) }); // sti; hlt
    m.clock.add({ name: "stuck-timer", nextDeadline: () => 0, onDeadline: () => {} });
    expect(m.run(1000)).toEqual({ kind: "halted" });
  });

  it("keeps skipping time for a periodic device that never interrupts, a budget at a time", () => {
    const m = createBareMachine({ bios: tinyRom([0xfb, 0xf4]) }); // sti; hlt
    const PERIOD_NS = 1000; // 100 ticks at 100 M instructions per second
    let fired = 0;
    let next = PERIOD_NS;
    m.clock.add({
      name: "masked-pit",
      nextDeadline: () => next,
      onDeadline: () => {
        fired++;
        next += PERIOD_NS;
      },
    });
    const cpu = m.cpus[0]!;
    expect(m.run(1000)).toEqual({ kind: "budget" });
    expect(cpu.instructions).toBe(3); // jmp far, sti, hlt
    expect(cpu.virtualTicks()).toBe(1000);
    expect(fired).toBe(10);
    expect(m.run(1050)).toEqual({ kind: "budget" });
    expect(cpu.virtualTicks()).toBe(2050);
    expect(fired).toBe(20);
    expect(m.clock.nowNs()).toBe(20_500);
  });

  it("fires device deadlines that fall due while a debugger single-steps", () => {
    // jmp $ (EB FE) forever: each step retires one instruction = one tick = 10 ns of virtual time.
    const { m, fired } = spinWithOneShot();
    for (let i = 0; i < 4; i++) m.step(0);
    expect(fired()).toBe(0); // 40 ns
    for (let i = 0; i < 2; i++) m.step(0);
    expect(fired()).toBe(1); // 60 ns >= 50 ns
  });

  it("holds the timers a debugger's step asks it to hold until the guest runs again", () => {
    const { m, fired } = spinWithOneShot();
    for (let i = 0; i < 8; i++)
      expect(m.step(0, { interrupts: false, timers: false })).toEqual({ kind: "step" });
    expect(fired()).toBe(0); // 80 ns, held
    expect(m.run(1)).toEqual({ kind: "budget" });
    expect(fired()).toBe(1); // fired before the first instruction of the run
  });
});

/** A 32-bit register value as the little-endian bytes writeRegister takes. */
function le32(value: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value, true);
  return out;
}
