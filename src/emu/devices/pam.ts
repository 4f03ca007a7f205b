// The i440FX Programmable Attribute Map (Intel 82441FX PMC datasheet, §3.2.18 PAM[6:0]): thirteen
// windows of 0xc0000-0xfffff, each switched between four views as QEMU's pam_update switches them:
//   0 = PCI (reads and writes go to the PCI side: the isa-bios alias of pc.bios, or pc.rom),
//   1 = read RAM / write PCI (a read-only alias of pc.ram: writes land on ROM and are dropped),
//   2 = read PCI / write RAM (MMIO: reads from the PCI side, writes into pc.ram),
//   3 = RAM read/write.
// Mode 2 is a deliberate difference: QEMU 7.2 maps it as plain pc.ram (its pam.c: "XXX: should
// distinguish read/write cases"), so reads there see DRAM, not the ROM. pcscope
// reads the PCI side, as the datasheet says and as firmware that shadows itself the classic way (copy
// the ROM onto itself in mode 2) needs; SeaBIOS and pcscope's BIOS never use mode 2.
// firmware/tests/pam/pam-remap.asm shows it.
import type { AddressSpace } from "../memory/address-space.ts";
import type { MemoryRegion } from "../memory/region.ts";

/** PAM register bits per window nibble. */
export const PAM_RE = 0x1;
export const PAM_WE = 0x2;
/** Where the windows are: index 0 is 0xf0000 (64 KiB), 1..12 are 16 KiB from 0xc0000. */
export const PAM_BIOS_BASE = 0xf0000;
export const PAM_BIOS_SIZE = 0x10000;
export const PAM_EXPAN_BASE = 0xc0000;
export const PAM_EXPAN_SIZE = 0x4000;
export const PAM_WINDOWS = 13;
const PAM_PRIORITY = 1;

/** The PCI side of the legacy area: which region shows at an address below 1 MiB (null: nothing). */
export type PciSide = (addr: number) => { region: MemoryRegion; offset: number } | null;

interface Window {
  readonly base: number;
  readonly size: number;
  /** Views indexed by attribute 0..3. */
  readonly views: MemoryRegion[];
  current: number;
}

/** The PAM windows of one host bridge. */
export class Pam {
  private readonly windows: Window[] = [];

  /** Creates the four views of every window (mode 0 enabled). Needs: `ram` covers the first MiB. */
  constructor(
    private readonly space: AddressSpace,
    ram: MemoryRegion,
    pciSide: PciSide,
  ) {
    space.begin();
    for (let i = 0; i < PAM_WINDOWS; i++) {
      const base = i === 0 ? PAM_BIOS_BASE : PAM_EXPAN_BASE + (i - 1) * PAM_EXPAN_SIZE;
      const size = i === 0 ? PAM_BIOS_SIZE : PAM_EXPAN_SIZE;
      const views = [
        this.pciView(base, size, pciSide),
        space.createAlias("pam-rom", ram, base, size),
        this.writeOnlyView(base, size, ram, pciSide),
        space.createAlias("pam-ram", ram, base, size),
      ];
      views[1]!.setReadonly(true);
      for (let mode = 0; mode < 4; mode++) {
        space.map(views[mode]!, base, { priority: PAM_PRIORITY, enabled: mode === 0 });
      }
      this.windows.push({ base, size, views, current: 0 });
    }
    space.commit();
  }

  /** Applies the PAM registers 0x59..0x5f (`regs[0]` = PAM0) to the windows, re-flattening once. */
  update(regs: ArrayLike<number>): void {
    this.space.begin();
    for (let i = 0; i < PAM_WINDOWS; i++) {
      const reg = regs[(i + 1) >> 1]!;
      const attr = (i & 1) === 0 ? (reg >> 4) & 3 : reg & 3;
      const w = this.windows[i]!;
      if (attr === w.current) continue;
      w.views[w.current]!.setEnabled(false);
      w.views[attr]!.setEnabled(true);
      w.current = attr;
    }
    this.space.commit();
  }

  /** The attribute (0..3) currently applied to the window containing `addr`. */
  attributeAt(addr: number): number {
    for (const w of this.windows) if (addr >= w.base && addr < w.base + w.size) return w.current;
    throw new RangeError(`0x${addr.toString(16)} is outside the PAM area`);
  }

  /** Mode 0: a read-only alias of the PCI side when one region covers the window, else all ones. */
  private pciView(base: number, size: number, pciSide: PciSide): MemoryRegion {
    const side = pciSide(base);
    const last = pciSide(base + size - 1);
    if (side !== null && last !== null && last.region === side.region) {
      const alias = this.space.createAlias("pam-pci", side.region, side.offset, size);
      alias.setReadonly(true);
      return alias;
    }
    return this.space.createMmio("pam-pci", size, {
      read: (offset, sz) => this.readPci(pciSide, base + offset, sz),
      write: () => {},
    });
  }

  /** Mode 2: reads from the PCI side, writes into RAM. */
  private writeOnlyView(base: number, size: number, ram: MemoryRegion, pciSide: PciSide): MemoryRegion {
    const bytes = () => this.space.bytes(ram);
    return this.space.createMmio("pam-wo", size, {
      read: (offset, sz) => this.readPci(pciSide, base + offset, sz),
      write: (offset, sz, value) => {
        const b = bytes();
        for (let i = 0; i < sz; i++) b[base + offset + i] = (value >>> (8 * i)) & 0xff;
      },
    });
  }

  private readPci(pciSide: PciSide, addr: number, size: number): number {
    let value = 0;
    for (let i = 0; i < size; i++) {
      const side = pciSide(addr + i);
      let byte = 0xff;
      if (side !== null) {
        let r = side.region;
        let off = side.offset;
        while (r.target !== null) {
          off += r.aliasOffset;
          r = r.target;
        }
        if (r.bufferOffset >= 0) byte = this.space.buffer[r.bufferOffset + off]!;
      }
      value |= byte << (8 * i);
    }
    return value >>> 0;
  }
}
