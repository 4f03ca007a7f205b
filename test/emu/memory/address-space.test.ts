import { describe, expect, it } from "vitest";
import { GuestLog } from "../../../src/emu/io/guest-log.ts";
import { AddressSpace, PAGE_SIZE, PHYS_END } from "../../../src/emu/memory/address-space.ts";
import { HIGH_CHUNK } from "../../../src/emu/memory/high-ram.ts";
import type { MmioOps } from "../../../src/emu/memory/region.ts";

const KiB = 1024;
const MiB = 1024 * KiB;

/** Reads a byte the way the CPU does: page map (~buffer page number) first, slow path on 0. */
function cpuRead8(space: AddressSpace, addr: number): number {
  const base = ~space.readPage[addr >>> 12]!;
  return base >= 0 ? space.buffer[base * PAGE_SIZE + (addr & 0xfff)]! : space.readSlow(addr, 1);
}

/** Writes a byte the way the CPU does. */
function cpuWrite8(space: AddressSpace, addr: number, value: number): void {
  const base = ~space.writePage[addr >>> 12]!;
  if (base >= 0) space.buffer[base * PAGE_SIZE + (addr & 0xfff)] = value;
  else space.writeSlow(addr, 1, value);
}

/** An MMIO device recording its accesses, with a register file of bytes. */
function recorder(minSize: 1 | 2 | 4, maxSize: 1 | 2 | 4) {
  const calls: string[] = [];
  const regs = new Uint8Array(16);
  const ops: MmioOps = {
    minSize,
    maxSize,
    read(offset, size) {
      calls.push(`r${size}@${offset}`);
      let v = 0;
      for (let i = 0; i < size; i++) v |= regs[offset + i]! << (8 * i);
      return v >>> 0;
    },
    write(offset, size, value) {
      calls.push(`w${size}@${offset}=${value.toString(16)}`);
      for (let i = 0; i < size; i++) regs[offset + i] = value >>> (8 * i);
    },
  };
  return { ops, calls, regs };
}

describe("AddressSpace", () => {
  it("maps RAM for reads and writes and ROM for reads only, in one buffer", () => {
    const log = new GuestLog();
    const space = new AddressSpace(2 * MiB, log);
    const ram = space.addRam("ram", 0, MiB);
    const rom = space.addRom("bios", 0xfff00000, MiB, new Uint8Array([1, 2, 3]));
    expect(space.readPage[0]).toBe(~(ram.bufferOffset / PAGE_SIZE));
    expect(space.writePage[0]).toBe(~(ram.bufferOffset / PAGE_SIZE));
    expect(space.readPage[0xfff00]).toBe(~(rom.bufferOffset / PAGE_SIZE));
    expect(space.writePage[0xfff00]).toBe(0);
    expect(space.readSlow(0xfff00000, 4)).toBe(0x030201);
    cpuWrite8(space, 0xfff00000, 0x99);
    expect(cpuRead8(space, 0xfff00000)).toBe(1);
    expect(log.entries).toHaveLength(1);
    expect(log.entries[0]!.kind).toBe("guest_errors");
    expect(log.entries[0]!.message).toContain("0xfff00000");
    // Logged once per page.
    cpuWrite8(space, 0xfff00001, 0x99);
    expect(log.entries).toHaveLength(1);
    cpuWrite8(space, 0xfff01000, 0x99);
    expect(log.entries).toHaveLength(2);
  });

  it("reads unmapped memory as all ones and ignores unmapped writes (logged)", () => {
    const log = new GuestLog();
    const space = new AddressSpace(MiB, log);
    space.addRam("ram", 0, MiB);
    expect(space.readPage[0x200]).toBe(0);
    expect(space.readSlow(0x200000, 1)).toBe(0xff);
    expect(space.readSlow(0x200000, 2)).toBe(0xffff);
    expect(space.readSlow(0x80000000, 4)).toBe(0xffffffff);
    space.writeSlow(0x200000, 4, 0x12345678);
    expect(log.entries.map((e) => e.message)).toEqual([
      "write to unmapped memory at 0x200000 (size 4, value 0x12345678) ignored",
    ]);
    // An access straddling RAM's end: the RAM byte is real, the rest all ones.
    space.buffer[MiB - 1] = 0x42;
    expect(space.readSlow(MiB - 1, 4)).toBe(0xffffff42);
  });

  it("lets the higher priority win where regions overlap, the later one on a tie", () => {
    const space = new AddressSpace(3 * MiB, new GuestLog());
    const low = space.addRam("low", 0, MiB);
    const high = space.addRam("high", 0x80000, 0x10000, { priority: 1 });
    const later = space.addRam("later", 0x90000, 0x10000);
    expect(space.readPage[0x7f]).toBe(~((low.bufferOffset + 0x7f000) / PAGE_SIZE));
    expect(space.readPage[0x80]).toBe(~(high.bufferOffset / PAGE_SIZE));
    expect(space.readPage[0x90]).toBe(~(later.bufferOffset / PAGE_SIZE));
    // Lowering `high` below `low` uncovers low's bytes.
    high.setPriority(-1);
    expect(space.readPage[0x80]).toBe(~((low.bufferOffset + 0x80000) / PAGE_SIZE));
    expect(space.flatView().map((r) => r.leaf.name)).toEqual(["low", "later", "low"]);
  });

  it("re-flattens when a region is disabled, enabled or moved, bumping the generation", () => {
    const space = new AddressSpace(2 * MiB, new GuestLog());
    const ram = space.addRam("ram", 0, MiB);
    const win = space.addRam("win", 0x40000, 0x2000, { priority: 2 });
    const gen = space.generation;
    win.setEnabled(false);
    expect(space.generation).toBe(gen + 1);
    expect(space.readPage[0x40]).toBe(~((ram.bufferOffset + 0x40000) / PAGE_SIZE));
    win.setEnabled(true);
    expect(space.readPage[0x40]).toBe(~(win.bufferOffset / PAGE_SIZE));
    win.moveTo(0x50000);
    expect(space.readPage[0x40]).toBe(~((ram.bufferOffset + 0x40000) / PAGE_SIZE));
    expect(space.readPage[0x51]).toBe(~((win.bufferOffset + PAGE_SIZE) / PAGE_SIZE));
    // A batch re-flattens once.
    const before = space.generation;
    space.begin();
    win.setEnabled(false);
    win.moveTo(0x60000);
    win.setEnabled(true);
    space.commit();
    expect(space.generation).toBe(before + 1);
    expect(space.readPage[0x50]).toBe(~((ram.bufferOffset + 0x50000) / PAGE_SIZE));
    expect(space.readPage[0x60]).toBe(~(win.bufferOffset / PAGE_SIZE));
  });

  it("shows an alias as a window into its target at an offset, read-only when asked", () => {
    const log = new GuestLog();
    const space = new AddressSpace(MiB + 128 * KiB, log);
    const ram = space.allocRam("pc.ram", MiB);
    space.addAlias("ram-below-4g", 0, ram, 0, MiB);
    const bios = space.addRom("pc.bios", 0xfffe0000, 128 * KiB);
    space.bytes(bios).set([0xea, 0x5b, 0xe0], 0x1fff0);
    const isa = space.addAlias("isa-bios", 0xe0000, bios, 0, 128 * KiB, { priority: 1 });
    expect(cpuRead8(space, 0xffff0)).toBe(0xea);
    expect(space.readPage[0xe0]).toBe(~(bios.bufferOffset / PAGE_SIZE));
    expect(space.writePage[0xe0]).toBe(0);
    // A PAM-like read-write alias of RAM over the BIOS window, then read-only.
    const pam = space.addAlias("pam-ram", 0xf0000, ram, 0xf0000, 0x10000, { priority: 2 });
    cpuWrite8(space, 0xffff0, 0x77);
    expect(space.bytes(ram)[0xffff0]).toBe(0x77);
    pam.setReadonly(true);
    cpuWrite8(space, 0xffff0, 0x55);
    expect(cpuRead8(space, 0xffff0)).toBe(0x77);
    expect(log.entries.at(-1)!.message).toContain("read-only pam-ram");
    pam.setEnabled(false);
    expect(cpuRead8(space, 0xffff0)).toBe(0xea);
    // Disabling the alias target hides every alias of it.
    isa.setEnabled(true);
    ram.setEnabled(false);
    expect(space.readPage[0]).toBe(0);
    expect(space.readSlow(0x1000, 1)).toBe(0xff);
  });

  it("clears every page map entry a region leaves, across 4 MiB chunks of the maps", () => {
    // The maps skip clearing chunks of 1024 pages never filled: a region straddling a chunk
    // boundary, then one far away, then both removed must leave no entry behind.
    const space = new AddressSpace(8 * MiB, new GuestLog());
    const near = space.allocRam("near", 4 * MiB);
    const far = space.allocRam("far", 4 * MiB);
    space.map(near, 2 * MiB);
    space.map(far, 0xf0000000);
    expect(space.readPage[0x3ff]).toBe(~((near.bufferOffset + 0x1ff000) / PAGE_SIZE));
    expect(space.writePage[0x400]).toBe(~((near.bufferOffset + 0x200000) / PAGE_SIZE));
    expect(space.readPage[0xf0000]).toBe(~(far.bufferOffset / PAGE_SIZE));
    space.unmap(near);
    space.unmap(far);
    for (let page = 0; page < 1 << 20; page++) {
      if (space.readPage[page] !== 0 || space.writePage[page] !== 0)
        throw new Error(`page 0x${page.toString(16)} still mapped`);
    }
    expect(cpuRead8(space, 0x3ff000)).toBe(0xff);
    space.map(near, 0);
    expect(space.readPage[0]).toBe(~(near.bufferOffset / PAGE_SIZE));
    expect(space.readPage[0x400]).toBe(0);
  });

  it("splits and widens MMIO accesses to the sizes the device implements", () => {
    const space = new AddressSpace(PAGE_SIZE, new GuestLog());
    const byteDev = recorder(1, 1);
    const wordDev = recorder(2, 2);
    space.addMmio("bytes", 0xfec00000, 16, byteDev.ops);
    space.addMmio("words", 0xfed00000, 16, wordDev.ops);
    space.writeSlow(0xfec00004, 4, 0x44332211);
    expect(byteDev.calls).toEqual(["w1@4=11", "w1@5=22", "w1@6=33", "w1@7=44"]);
    expect(space.readSlow(0xfec00004, 2)).toBe(0x2211);
    expect(byteDev.calls.slice(4)).toEqual(["r1@4", "r1@5"]);
    space.writeSlow(0xfed00002, 4, 0xddccbbaa);
    expect(wordDev.calls).toEqual(["w2@2=bbaa", "w2@4=ddcc"]);
    expect(space.readSlow(0xfed00002, 1)).toBe(0xaa);
    expect(wordDev.calls[2]).toBe("r2@2");
    // A byte write to a 16-bit-only device becomes a 16-bit write, upper byte zero (QEMU).
    space.writeSlow(0xfed00008, 1, 0x5a);
    expect(wordDev.calls[3]).toBe("w2@8=5a");
    // An access running off the end of the device: the rest reads as unmapped.
    expect(space.readSlow(0xfec0000e, 4)).toBe(0xffff0000);
  });

  it("serves a page shared by RAM and MMIO through the slow path, byte-exact", () => {
    const space = new AddressSpace(MiB, new GuestLog());
    space.addRam("ram", 0, MiB);
    const dev = recorder(1, 4);
    space.addMmio("dev", 0x3000, 16, dev.ops, { priority: 1 });
    expect(space.readPage[3]).toBe(0);
    expect(space.writePage[3]).toBe(0);
    space.writeSlow(0x3010, 4, 0xcafef00d); // just past the device: RAM
    expect(space.readSlow(0x3010, 4)).toBe(0xcafef00d);
    space.writeSlow(0x300e, 4, 0x04030201); // straddles device and RAM
    expect(dev.regs[14]).toBe(1);
    expect(dev.regs[15]).toBe(2);
    expect(space.readSlow(0x3010, 2)).toBe(0x0403);
  });

  it("dumps the regions like QEMU's info mtree", () => {
    const space = new AddressSpace(MiB + 64 * KiB, new GuestLog());
    const ram = space.allocRam("pc.ram", MiB);
    space.addAlias("ram-below-4g", 0, ram, 0, MiB);
    const bios = space.addRom("pc.bios", 0xffff0000, 64 * KiB);
    const isa = space.addAlias("isa-bios", 0xf0000, bios, 0, 64 * KiB, { priority: 1 });
    space.addMmio("ioapic", 0xfec00000, 0x1000, recorder(4, 4).ops);
    isa.setEnabled(false);
    expect(space.mtree()).toBe(
      [
        "address-space: memory",
        "  0000000000000000-ffffffffffffffff (prio 0, i/o): system",
        "    0000000000000000-00000000000fffff (prio 0, ram): alias ram-below-4g @pc.ram 0000000000000000-00000000000fffff",
        "    00000000000f0000-00000000000fffff (prio 1, rom [disabled]): alias isa-bios @pc.bios 0000000000000000-000000000000ffff",
        "    00000000fec00000-00000000fec00fff (prio 0, i/o): ioapic",
        "    00000000ffff0000-00000000ffffffff (prio 0, rom): pc.bios",
        "",
        "memory-region: pc.ram",
        "  0000000000000000-00000000000fffff (prio 0, ram): pc.ram",
        "",
      ].join("\n"),
    );
    isa.setEnabled(true);
    expect(space.mtree(true)).toContain(
      "  00000000000f0000-00000000000fffff (prio 0, rom): pc.bios", // QEMU names the region shown, not the alias
    );
  });

  it("rejects regions that do not fit", () => {
    const space = new AddressSpace(MiB, new GuestLog());
    expect(() => space.addRam("big", 0, 2 * MiB)).toThrow(/buffer full/);
    const rom = space.allocRom("rom", 64 * KiB);
    expect(() => space.map(rom, PHYS_END - 0x8000)).toThrow(/does not fit/);
    expect(() => space.createAlias("a", rom, 0x8000, 64 * KiB)).toThrow(/outside rom/);
  });

  it("enables a dozen PAM-like aliases one by one over RAM and the isa-bios window", () => {
    const space = new AddressSpace(32 * MiB + 128 * KiB, new GuestLog());
    const ram = space.allocRam("pc.ram", 32 * MiB);
    space.addAlias("ram-below-4g", 0, ram, 0, 32 * MiB);
    const bios = space.addRom("pc.bios", 0xfffe0000, 128 * KiB);
    space.addAlias("isa-bios", 0xe0000, bios, 0, 128 * KiB, { priority: 1 });
    const pams = [];
    for (let i = 0; i < 12; i++) {
      const addr = 0xc0000 + i * 0x4000;
      pams.push(space.addAlias(`pam-ram-${i}`, addr, ram, addr, 0x4000, { priority: 2, enabled: false }));
    }
    for (const pam of pams) pam.setEnabled(true);
    expect(space.readPage[0xc0]).toBe(~((ram.bufferOffset + 0xc0000) / PAGE_SIZE));
    expect(space.readPage[0xef]).toBe(~((ram.bufferOffset + 0xef000) / PAGE_SIZE));
    expect(space.writePage[0xef]).toBe(~((ram.bufferOffset + 0xef000) / PAGE_SIZE));
    expect(space.readPage[0xf0]).toBe(~((bios.bufferOffset + 0x10000) / PAGE_SIZE));
  });

  it("keeps RAM past the buffer's part outside it, shown above 4 GiB through the slow path only", () => {
    const log = new GuestLog();
    const FOUR_GIB = 2 ** 32;
    const space = new AddressSpace(MiB, log);
    // 1 MiB in the buffer, 1 MiB + 4 KiB outside, as the PC's ram-below-4g / ram-above-4g.
    const ram = space.allocRam("pc.ram", 2 * MiB + 4 * KiB, MiB);
    space.addAlias("ram-below-4g", 0, ram, 0, MiB);
    space.addAlias("ram-above-4g", FOUR_GIB, ram, MiB, MiB + 4 * KiB);
    expect(ram.bufferSize).toBe(MiB);
    expect(ram.high?.size).toBe(MiB + 4 * KiB);
    expect(space.bytes(ram).length).toBe(MiB);
    expect(space.readPage[0xff]).toBe(~0xff);
    // Nothing maps page 0 of the page maps for RAM at 4 GiB (it would alias address 0).
    space.writeSlow(FOUR_GIB, 4, 0x11223344);
    expect(space.buffer[0]).toBe(0);
    expect(space.readSlow(FOUR_GIB, 4)).toBe(0x11223344);
    expect(space.readSlow(FOUR_GIB + 1, 2)).toBe(0x2233);
    // The last dword, and one straddling RAM's end (its upper half unmapped: zeros above 4 GiB, as
    // QEMU's unassigned memory there).
    const end = FOUR_GIB + MiB + 4 * KiB;
    space.writeSlow(end - 4, 4, 0xcafef00d);
    expect(space.readSlow(end - 4, 4)).toBe(0xcafef00d);
    expect(space.readSlow(end - 2, 4)).toBe(0x0000cafe);
    expect(space.readSlow(end + 0x1000, 4)).toBe(0);
    expect(space.readSlow(FOUR_GIB - 2, 4)).toBe(0x3344ffff);
    // A write past RAM's end is ignored and logged once per page.
    space.writeSlow(end + 8, 4, 1);
    space.writeSlow(end + 12, 4, 1);
    expect(log.entries.map((e) => e.message)).toEqual([
      `write to unmapped memory at 0x${(end + 8).toString(16)} (size 4, value 0x1) ignored`,
    ]);
    // Debugger and device paths, across 4 GiB (below it: unmapped, all ones).
    expect([...space.readPhysical(FOUR_GIB - 2, 6)]).toEqual([0xff, 0xff, 0x44, 0x33, 0x22, 0x11]);
    expect([...space.readPhysical(end - 1, 2)]).toEqual([0xca, 0]);
    expect(space.writeDebug(FOUR_GIB - 2, new Uint8Array([1, 2, 3, 4]))).toBe(2);
    expect(space.writePhysical(FOUR_GIB + 0x10, new Uint8Array([9, 8]))).toBe(2);
    expect(space.readSlow(FOUR_GIB, 4)).toBe(0x11220403);
    expect(space.readSlow(FOUR_GIB + 0x10, 2)).toBe(0x0809);
    // int32 addresses from the CPU (2 GiB to 4 GiB) still mean addresses below 4 GiB.
    expect(space.lookup(-1)).toBeNull();
    // Snapshots see the buffer's RAM and the RAM outside it.
    const stores = space.ramStores();
    expect(stores.map((s) => s.length)).toEqual([MiB, MiB + 4 * KiB]);
    expect(stores[1]![0]).toBe(3);
    expect(space.mtree(true)).toContain(
      "  0000000100000000-0000000100100fff (prio 0, ram): pc.ram @0000000000100000",
    );
  });

  it("reads and writes a dword across two 1 GiB chunks of RAM outside the buffer", () => {
    const space = new AddressSpace(4 * KiB, new GuestLog());
    const ram = space.allocRam("pc.ram", HIGH_CHUNK + 8 * KiB, 4 * KiB);
    space.addAlias("ram-above-4g", 2 ** 32, ram, 4 * KiB, HIGH_CHUNK + 4 * KiB);
    const at = 2 ** 32 + HIGH_CHUNK - 2;
    space.writeSlow(at, 4, 0xa1b2c3d4);
    expect(space.readSlow(at, 4)).toBe(0xa1b2c3d4);
    expect(ram.high!.chunks.map((c) => c.length)).toEqual([HIGH_CHUNK, 4 * KiB]);
    expect(ram.high!.chunks[1]![0]).toBe(0xb2);
    expect([...space.readPhysical(at, 4)]).toEqual([0xd4, 0xc3, 0xb2, 0xa1]);
  });
});
