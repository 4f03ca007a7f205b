// A save/load round trip per PC device, qtest-style (only ports, MMIO and what the guest sees): save,
// change the device through its registers, check the guest sees the change, load, check it sees the
// saved values again, and that the machine saved again gives back the same plain-data state.
// Register numbers from the datasheets the device files cite (8259A, 82C54, MC146818A, IA-PC HPET,
// SDM local APIC, 82093AA I/O APIC, 16550A, 8042, QEMU's fw_cfg, 82441FX PAM, PIIX4 PM, ATA-7).
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { AioContext, openImage } from "../../../src/emu/block/index.ts";
import { createPcMachine, type PcMachine } from "../../../src/emu/machine/pc.ts";

const CONFADD = 0xcf8;
const CONFDATA = 0xcfc;
const HPET = 0xfed00000;
const APIC = 0xfee00000;
const IOAPIC = 0xfec00000;
const PM_BASE = 0xb000;

function machine(): PcMachine {
  const bios = new Uint8Array(0x10000).fill(0x90); // NOPs: time passes when the machine runs
  bios.set([0xeb, 0xfe], 0xfff0);
  const dir = mkdtempSync(join(tmpdir(), "pcscope-devstate-"));
  const disk = join(dir, "disk.img");
  writeFileSync(disk, new Uint8Array(1024 * 1024));
  const cd = join(dir, "cd.iso");
  writeFileSync(
    cd,
    Uint8Array.from({ length: 8 * 2048 }, (_, i) => (i * 7 + (i >> 11)) & 0xff),
  );
  const aio = new AioContext("sync");
  return createPcMachine({
    bios,
    aio,
    serials: [null],
    debugcons: [{ port: 0x402, sink: null }],
    drives: [
      { index: 0, media: "disk", backend: openImage(disk, { ctx: aio, lock: false }) },
      { index: 2, media: "cdrom", backend: openImage(cd, { ctx: aio, readOnly: true, lock: false }) },
    ],
  });
}

function cfgWrite(m: PcMachine, devfn: number, reg: number, size: 1 | 2 | 4, value: number): void {
  m.io.out(CONFADD, 4, (0x80000000 | (devfn << 8) | (reg & 0xfc)) >>> 0);
  m.io.out(CONFDATA + (reg & 3), size, value);
}
function cfgRead(m: PcMachine, devfn: number, reg: number, size: 1 | 2 | 4 = 4): number {
  m.io.out(CONFADD, 4, (0x80000000 | (devfn << 8) | (reg & 0xfc)) >>> 0);
  return m.io.in(CONFDATA + (reg & 3), size);
}
function cmos(m: PcMachine, i: number): number {
  m.io.out(0x70, 1, i);
  return m.io.in(0x71, 1);
}

/** ATAPI on the secondary channel (0x170): PACKET with byte count limit `limit`, then the packet. */
function packet(m: PcMachine, bytes: number[], limit: number, dma = false): void {
  m.io.out(0x176, 1, 0xa0);
  m.io.out(0x171, 1, dma ? 1 : 0);
  m.io.out(0x174, 1, limit & 0xff);
  m.io.out(0x175, 1, limit >> 8);
  m.io.out(0x177, 1, 0xa0);
  const p = new Uint8Array(12);
  p.set(bytes);
  for (let i = 0; i < 12; i += 2) m.io.out(0x170, 2, p[i]! | (p[i + 1]! << 8));
}

/** Reads up to `bytes` of an ATAPI PIO reply from the secondary channel, block by block. */
function atapiRead(m: PcMachine, bytes: number): number[] {
  const out: number[] = [];
  while (out.length < bytes && (m.io.in(0x376, 1) & 0x08) !== 0) out.push(m.io.in(0x170, 2));
  return out;
}

/** `v` with typed arrays as base64 strings: deep equality of big states stays fast. */
function canon(v: unknown): unknown {
  if (ArrayBuffer.isView(v)) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString("base64");
  if (v instanceof Map) return [...v].map(canon);
  if (Array.isArray(v)) return v.map(canon);
  if (v !== null && typeof v === "object")
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, canon(x)]));
  return v;
}

/** A device: `change` moves it away from the saved state; `look` is what the guest sees of it. */
interface Row {
  name: string;
  setup?(m: PcMachine): void;
  change(m: PcMachine): void;
  look(m: PcMachine): unknown;
}

const ROWS: Row[] = [
  {
    name: "i8259 (IMR, ICW state)",
    change: (m) => {
      m.io.out(0x21, 1, 0x5a);
      m.io.out(0x20, 1, 0x0b); // OCW3: read ISR
    },
    look: (m) => [m.io.in(0x21, 1), m.io.in(0xa1, 1), m.io.in(0x20, 1)],
  },
  {
    name: "i8254 (counter 2 and port 0x61, time included)",
    setup: (m) => {
      m.io.out(0x61, 1, 1); // gate 2 on
      m.io.out(0x43, 1, 0xb6);
      m.io.out(0x42, 1, 0x34);
      m.io.out(0x42, 1, 0x12);
      m.run(500);
    },
    change: (m) => {
      m.io.out(0x43, 1, 0xb0);
      m.io.out(0x42, 1, 0xff);
      m.io.out(0x42, 1, 0x00);
      m.run(777);
    },
    look: (m) => {
      m.io.out(0x43, 1, 0x80); // latch counter 2
      return [m.io.in(0x42, 1), m.io.in(0x42, 1), m.io.in(0x61, 1) & 0x23];
    },
  },
  {
    name: "mc146818 (CMOS RAM, index, registers)",
    change: (m) => {
      m.io.out(0x70, 1, 0x40);
      m.io.out(0x71, 1, 0x77);
      m.io.out(0x70, 1, 0x0b);
      m.io.out(0x71, 1, 0x42); // periodic interrupt on
    },
    look: (m) => [cmos(m, 0x40), cmos(m, 0x0b), cmos(m, 0x0a)],
  },
  {
    name: "hpet (enable and main counter)",
    change: (m) => {
      m.memory.writeSlow(HPET + 0x10, 4, 1);
      m.run(1000);
    },
    look: (m) => [m.memory.readSlow(HPET + 0x10, 4), m.memory.readSlow(HPET + 0xf0, 4)],
  },
  {
    name: "lapic (TPR, timer current count)",
    setup: (m) => {
      m.memory.writeSlow(APIC + 0x3e0, 4, 0xb); // divide by 1
      m.memory.writeSlow(APIC + 0x380, 4, 1_000_000);
    },
    change: (m) => {
      m.memory.writeSlow(APIC + 0x80, 4, 0x20);
      m.run(2000);
    },
    look: (m) => [m.memory.readSlow(APIC + 0x80, 4), m.memory.readSlow(APIC + 0x390, 4)],
  },
  {
    name: "ioapic (IOREGSEL, redirection entry)",
    change: (m) => {
      m.memory.writeSlow(IOAPIC, 4, 0x12);
      m.memory.writeSlow(IOAPIC + 0x10, 4, 0x1_0033);
    },
    look: (m) => {
      const sel = m.memory.readSlow(IOAPIC, 4);
      m.memory.writeSlow(IOAPIC, 4, 0x12);
      const low = m.memory.readSlow(IOAPIC + 0x10, 4);
      m.memory.writeSlow(IOAPIC, 4, sel);
      return [sel, low];
    },
  },
  {
    name: "uart16550 (LCR, scratch, IER)",
    change: (m) => {
      m.io.out(0x3fb, 1, 0x03);
      m.io.out(0x3ff, 1, 0xa5);
      m.io.out(0x3f9, 1, 0x02);
    },
    look: (m) => [m.io.in(0x3fb, 1), m.io.in(0x3ff, 1), m.io.in(0x3f9, 1)],
  },
  {
    name: "i8042 (command byte)",
    change: (m) => {
      m.io.out(0x64, 1, 0x60);
      m.io.out(0x60, 1, 0x45);
    },
    look: (m) => {
      m.io.out(0x64, 1, 0x20);
      return [m.io.in(0x64, 1) & 1, m.io.in(0x60, 1)];
    },
  },
  {
    name: "fw_cfg (selection and read cursor)",
    setup: (m) => {
      m.io.out(0x510, 2, 0x0000); // signature "QEMU"
      m.io.in(0x511, 1);
    },
    change: (m) => {
      m.io.in(0x511, 1);
      m.io.in(0x511, 1);
    },
    look: (m) => m.io.in(0x511, 1),
  },
  {
    name: "i440fx (PAM0: what 0xf0000 shows)",
    change: (m) => cfgWrite(m, 0, 0x59, 1, 0x30),
    look: (m) => [cfgRead(m, 0, 0x58), m.memory.readSlow(0xf0000, 4), m.pc.memory.pam.attributeAt(0xf0000)],
  },
  {
    name: "piix4-pm (PM base mapping, PM1_CNT)",
    setup: (m) => {
      cfgWrite(m, 0x0b, 0x40, 4, PM_BASE | 1);
      cfgWrite(m, 0x0b, 0x80, 1, 1);
    },
    change: (m) => {
      m.io.out(PM_BASE + 4, 2, 0x0001);
      cfgWrite(m, 0x0b, 0x40, 4, 0xb100 | 1);
    },
    look: (m) => [m.pc.pm.pmBase(), m.io.in(PM_BASE + 4, 2), cfgRead(m, 0x0b, 0x40)],
  },
  {
    name: "port92 (A20)",
    change: (m) => m.io.out(0x92, 1, 0x02),
    look: (m) => [m.io.in(0x92, 1), m.a20()],
  },
  {
    name: "reset control 0xcf9",
    change: (m) => m.io.out(0xcf9, 1, 0x02),
    look: (m) => m.io.in(0xcf9, 1),
  },
  {
    name: "POST port and debug console",
    change: (m) => {
      m.io.out(0x80, 1, 0x42);
      for (const c of "hi") m.io.out(0x402, 1, c.charCodeAt(0));
    },
    look: (m) => [m.pc.post.last, m.debugcons[0]!.text()],
  },
  {
    name: "ide (task file, IDENTIFY's PIO window half read)",
    setup: (m) => {
      m.io.out(0x1f6, 1, 0xa0);
      m.io.out(0x1f7, 1, 0xec); // IDENTIFY DEVICE
      for (let i = 0; i < 10; i++) m.io.in(0x1f0, 2);
    },
    change: (m) => {
      for (let i = 0; i < 200; i++) m.io.in(0x1f0, 2);
      m.io.out(0x1f2, 1, 0x33);
    },
    look: (m) => {
      const status = m.io.in(0x3f6, 1);
      const words: number[] = [];
      if (status & 0x08) for (let i = 0; i < 246; i++) words.push(m.io.in(0x1f0, 2));
      return [status, m.io.in(0x1f2, 1), words];
    },
  },
  {
    name: "ATAPI READ(10) by PIO, stopped inside a DRQ block (the reply's source is data)",
    setup: (m) => {
      packet(m, [0x28, 0, 0, 0, 0, 1, 0, 0, 3], 1000); // 3 sectors from LBA 1, 1000-byte blocks
      atapiRead(m, 350);
    },
    change: (m) => atapiRead(m, 1500),
    look: (m) => [m.io.in(0x376, 1), atapiRead(m, 4000), m.io.in(0x177, 1)],
  },
  {
    name: "ATAPI READ(10) by DMA, waiting for the bus master (the transfer is data)",
    setup: (m) => {
      cfgWrite(m, 0x09, 0x20, 4, 0xc001);
      cfgWrite(m, 0x09, 0x04, 2, 0x0005);
      m.writePhysical(0x1000, Uint8Array.of(0, 0, 0x01, 0, 0, 0x10, 0, 0x80)); // 4 KiB at 0x10000, EOT
      m.io.out(0xc00c, 4, 0x1000);
      packet(m, [0x28, 0, 0, 0, 0, 2, 0, 0, 2], 0xfffe, true);
    },
    change: (m) => m.io.out(0xc008, 1, 0x09), // start, to memory
    look: (m) => [m.io.in(0x376, 1), m.io.in(0xc00a, 1), [...m.readPhysical(0x10000, 4096)]],
  },
  {
    name: "bus-master IDE (BAR4, PRD address)",
    setup: (m) => {
      cfgWrite(m, 0x09, 0x20, 4, 0xc001);
      cfgWrite(m, 0x09, 0x04, 2, 0x0005);
    },
    change: (m) => {
      m.io.out(0xc004, 4, 0x9000);
      cfgWrite(m, 0x09, 0x20, 4, 0xc041);
    },
    look: (m) => [cfgRead(m, 0x09, 0x20), m.io.in(0xc004, 4), m.io.in(0xc044, 4)],
  },
];

describe("device snapshots", () => {
  for (const row of ROWS) {
    it(`${row.name}: load brings back what the guest saw; the state is plain and reusable`, () => {
      const m = machine();
      row.setup?.(m);
      const state = m.saveState();
      const seen = structuredClone(row.look(m));
      m.loadState(state); // looking may have side effects (a latch, a cursor): start again
      row.change(m);
      expect(row.look(m)).not.toEqual(seen);
      for (let i = 0; i < 2; i++) {
        m.loadState(state);
        const again = m.saveState();
        expect(canon(again.devices)).toEqual(canon(state.devices));
        expect(canon(again.cpus)).toEqual(canon(state.cpus));
        expect(structuredClone(row.look(m))).toEqual(seen);
        m.releaseState(again);
      }
    });
  }
});
