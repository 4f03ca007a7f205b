// qtest-style checks of the PC's chipset and ISA devices: only ports, guest memory and IRQ lines.
// Specs: PCI Local Bus 3.0 §3.2.2.3.2 (configuration mechanism #1), Intel 82441FX datasheet §3.2.18
// (PAM), Intel 8259A, Intel 82C54 and port 61h, MC146818A with the PC/AT CMOS map, QEMU's
// docs/specs/fw_cfg.rst, the 8042 self-test, ATA/ATAPI-7 IDENTIFY DEVICE.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { AioContext, openImage } from "../../../src/emu/block/index.ts";
import { APIC_LVT_LINT0, DM_EXTINT } from "../../../src/emu/devices/lapic.ts";
import { createPcMachine, type PcMachine } from "../../../src/emu/machine/pc.ts";

const CONFADD = 0xcf8;
const CONFDATA = 0xcfc;
const PAM0 = 0x59;

function machine(
  extra: Parameters<typeof createPcMachine>[0] extends infer O ? Partial<O> : never = {},
): PcMachine {
  const bios = new Uint8Array(0x10000);
  bios.fill(0x90); // NOPs: time passes when the machine runs
  bios.set([0xeb, 0xfe], 0xfff0); // jmp $
  return createPcMachine({ bios, ...extra });
}

function cfgRead(m: PcMachine, devfn: number, reg: number, size: 1 | 2 | 4 = 4): number {
  m.io.out(CONFADD, 4, (0x80000000 | (devfn << 8) | (reg & 0xfc)) >>> 0);
  return m.io.in(CONFDATA + (reg & 3), size);
}

function cfgWrite(m: PcMachine, devfn: number, reg: number, size: 1 | 2 | 4, value: number): void {
  m.io.out(CONFADD, 4, (0x80000000 | (devfn << 8) | (reg & 0xfc)) >>> 0);
  m.io.out(CONFDATA + (reg & 3), size, value);
}

describe("i440fx/PIIX3 chipset", () => {
  it("answers configuration mechanism #1 with QEMU's functions; absent ones read all ones", () => {
    const m = machine();
    expect(cfgRead(m, 0x00, 0)).toBe(0x12378086);
    expect(cfgRead(m, 0x08, 0)).toBe(0x70008086);
    expect(cfgRead(m, 0x09, 0)).toBe(0x70108086);
    expect(cfgRead(m, 0x0b, 0)).toBe(0x71138086);
    expect(cfgRead(m, 0x28, 0)).toBe(0xffffffff);
    expect(cfgRead(m, 0x00, 0x2c)).toBe(0x11001af4); // Red Hat subsystem: SeaBIOS's QEMU detection
  });

  it("switches 0xf0000 between isa-bios, RAM read/write and RAM read-only with PAM0", () => {
    const m = machine();
    const rom = m.readPhysical(0xf0000, 4);
    expect([...rom]).toEqual([0x90, 0x90, 0x90, 0x90]);
    cfgWrite(m, 0, PAM0, 1, 0x30); // RE|WE: RAM
    m.memory.writeSlow(0xf0000, 4, 0x12345678);
    expect(m.memory.readSlow(0xf0000, 4)).toBe(0x12345678);
    cfgWrite(m, 0, PAM0, 1, 0x10); // RE only: reads RAM, writes go to the ROM side and are dropped
    m.memory.writeSlow(0xf0000, 4, 0xdeadbeef);
    expect(m.memory.readSlow(0xf0000, 4)).toBe(0x12345678);
    cfgWrite(m, 0, PAM0, 1, 0x00); // PCI: the isa-bios alias again
    expect(m.memory.readSlow(0xf0000, 4)).toBe(0x90909090);
    expect(m.memory.readSlow(0xffff0000, 4)).toBe(0x90909090); // pristine copy untouched
    cfgWrite(m, 0, PAM0, 1, 0x30);
    m.reset(); // PAM survives a system reset
    expect(cfgRead(m, 0, PAM0, 1)).toBe(0x30);
    expect(m.memory.readSlow(0xf0000, 4)).toBe(0x12345678);
  });

  it("the 8259 pair vectors IRQ0 and IRQ14 after ICW1-4 and EOI", () => {
    const m = machine();
    for (const [base, vec, cas] of [
      [0x20, 0x08, 0x04],
      [0xa0, 0x70, 0x02],
    ] as const) {
      m.io.out(base, 1, 0x11);
      m.io.out(base + 1, 1, vec);
      m.io.out(base + 1, 1, cas);
      m.io.out(base + 1, 1, 0x01);
      m.io.out(base + 1, 1, 0x00);
    }
    const cpu = m.cpus[0]!;
    m.pc.pic.setIrq(14, true);
    // As under QEMU 7.2, LINT0 comes out of reset masked: the 8259 reaches the CPU once firmware
    // puts LINT0 in ExtINT mode.
    expect(cpu.intrLine).toBe(false);
    m.pc.apics.apic(0).write(APIC_LVT_LINT0, DM_EXTINT << 8, 0);
    expect(cpu.intrLine).toBe(true);
    expect(m.pc.pic.acknowledge()).toBe(0x76);
    m.pc.pic.setIrq(0, true);
    expect(m.pc.pic.acknowledge()).toBe(0x08); // IR0 outranks IR2 (the slave) in service
    m.io.out(0x20, 1, 0x20);
    m.io.out(0xa0, 1, 0x20);
    m.io.out(0x20, 1, 0x20);
    m.io.out(0x20, 1, 0x0b); // OCW3: read ISR
    expect(m.io.in(0x20, 1)).toBe(0);
  });

  it("PIT counter 2 in mode 0 raises OUT (port 0x61 bit 5) after its count", () => {
    const m = machine();
    m.io.out(0x61, 1, 0x01); // gate 2 on, speaker off
    m.io.out(0x43, 1, 0xb0); // counter 2, LSB/MSB, mode 0
    m.io.out(0x42, 1, 100);
    m.io.out(0x42, 1, 0);
    expect(m.io.in(0x61, 1) & 0x20).toBe(0);
    m.run(20_000); // 200 us at 100 M instructions/s: about 238 PIT ticks
    expect(m.io.in(0x61, 1) & 0x20).toBe(0x20);
  });

  it("CMOS holds QEMU's memory sizes, and register D says the RAM is valid", () => {
    const m = machine();
    const cmos = (i: number) => {
      m.io.out(0x70, 1, i);
      return m.io.in(0x71, 1);
    };
    expect(cmos(0x15) | (cmos(0x16) << 8)).toBe(640);
    expect(cmos(0x34) | (cmos(0x35) << 8)).toBe((32 - 16) * 16);
    expect(cmos(0x0d)).toBe(0x80);
    expect(cmos(0x0b) & 0x02).toBe(0x02);
  });

  it("fw_cfg gives the QEMU signature and an ID with the DMA bit; the 8042 self-test answers 0x55", () => {
    const m = machine();
    m.io.out(0x510, 2, 0x0000);
    const sig = [0, 1, 2, 3].map(() => String.fromCharCode(m.io.in(0x511, 1))).join("");
    expect(sig).toBe("QEMU");
    m.io.out(0x510, 2, 0x0001);
    expect(m.io.in(0x511, 1) & 0x02).toBe(0x02);
    m.io.out(0x64, 1, 0xaa);
    expect(m.io.in(0x64, 1) & 0x01).toBe(1);
    expect(m.io.in(0x60, 1)).toBe(0x55);
  });

  it("fw_cfg's file directory (key 0x19) lists each file with its current size, also after a replacement", () => {
    const m = machine();
    /** Reads the directory through the ports: a big-endian count, then 64-byte entries (size, key, name). */
    const directory = () => {
      m.io.out(0x510, 2, 0x0019);
      const byte = () => m.io.in(0x511, 1);
      const be = (n: number) => {
        let v = 0;
        for (let i = 0; i < n; i++) v = v * 256 + byte();
        return v;
      };
      const count = be(4);
      const files = new Map<string, number>();
      for (let i = 0; i < count; i++) {
        const size = be(4);
        be(4); // select key and reserved
        const name = String.fromCharCode(...Array.from({ length: 56 }, byte)).replace(/\0.*$/, "");
        files.set(name, size);
      }
      return files;
    };
    expect(directory().get("etc/e820")).toBe(20);
    m.pc.fwcfg.addFile("etc/e820", new Uint8Array(40)); // as board code replacing a file does
    expect(directory().get("etc/e820")).toBe(40);
  });

  it("IDENTIFY DEVICE by PIO on the primary master reports the model and the size", () => {
    const dir = mkdtempSync(join(tmpdir(), "pcscope-ide-"));
    const path = join(dir, "d.raw");
    writeFileSync(path, new Uint8Array(8 * 1024 * 1024));
    const aio = new AioContext("sync");
    const m = machine({
      drives: [{ index: 0, media: "disk", backend: openImage(path, { ctx: aio, readOnly: true }) }],
      aio,
    });
    expect(m.io.in(0x1f7, 1)).toBe(0x50); // DRDY | DSC
    m.io.out(0x1f6, 1, 0xa0);
    m.io.out(0x1f7, 1, 0xec);
    expect(m.io.in(0x1f7, 1) & 0x89).toBe(0x08); // DRQ, not BSY, no ERR
    const words = Array.from({ length: 256 }, () => m.io.in(0x1f0, 2));
    const model = words
      .slice(27, 47)
      .map((w) => String.fromCharCode(w >> 8, w & 0xff))
      .join("")
      .trim();
    expect(model).toBe("QEMU HARDDISK");
    expect(words[60]! | (words[61]! << 16)).toBe(16384);
    expect(m.io.in(0x1f7, 1) & 0x08).toBe(0);
    m.io.out(0x1f7, 1, 0x77); // no such command: ABRT
    expect(m.io.in(0x1f7, 1) & 0x01).toBe(1);
    expect(m.io.in(0x1f1, 1)).toBe(0x04);
    expect(m.log.entries.some((e) => e.kind === "unimp" && e.message.includes("0x77"))).toBe(true);
  });
});
