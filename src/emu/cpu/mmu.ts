// Linear memory: the two-level page walk (4 KiB pages, 4 MiB pages with CR4.PSE, PSE-36), the PAE
// walk (CR4.PAE: 64-bit entries, a 4-entry PDPT, 2 MiB pages; see walkPae), accessed/dirty bits, #PF
// with CR2 and error codes, and the linear->host TLB. A physical address is an int32 below 4 GiB
// (negative from 2 GiB on, as the bit operations leave it) and a plain number from 4 GiB on (PAE's
// 36 bits, PSE-36's 40): such pages never enter the TLB and every access to them takes the slow
// path (physRead/physWrite, the address space's readSlow/writeSlow). A TLB entry is ~n, the bitwise NOT of the
// buffer page number n (mem.buffer bytes n * 4096 on; the physical page maps hold it the same way) of a 4 KiB
// linear page, or 0 (not cached, or a page that must take the slow path: MMIO, ROM writes, watched
// bytes); readers take `n = ~entry`, test it for >= 0 and index the buffer at
// `((n << 12) | offset) >>> 0`, which stays exact for buffers up to 4 GiB.
// Empty being 0, a TLB's arrays start as one shared zero array and are allocated at their first
// fill. Supervisor and user accesses have separate arrays so the fast path is one array read plus
// one buffer access. A CPU fills its own TLB with paging on, and with paging off one TLB shared by
// the machine's CPUs (CpuShared in cpu.ts): 255 vCPUs running firmware fill one, not 255.

import type { Cpu } from "./cpu.ts";
import { CR0_WP, CR4_PAE, CR4_PSE, EXC_PF, PF_PRESENT, PF_RSVD, PF_USER, PF_WRITE } from "./state.ts";

/** Page-table entry bits. */
export const PTE_P = 1 << 0;
export const PTE_RW = 1 << 1;
export const PTE_US = 1 << 2;
export const PTE_A = 1 << 5;
export const PTE_D = 1 << 6;
export const PDE_PS = 1 << 7;

/**
 * PAE entries' reserved bits in their high dword (SDM Table 4-8, and QEMU 7.2's TCG, for a 36-bit
 * physical address space without NX): bits 36-62 and bit 63 (XD, reserved while EFER.NXE cannot be
 * set). Bits 52-62 are free for software only in IA-32e paging.
 */
const PAE_RSVD_HI = 0xfffffff0;
/**
 * The error code of a reserved-bit #PF: RSVD without P, as QEMU 7.2's TCG reports it (measured by
 * firmware/tests/pae). The SDM sets P too ("bit 3 ... can be set only if bit 0 is also set");
 * pcscope follows QEMU so that runs replay byte for byte.
 */
const PF_RSVD_QEMU = PF_RSVD;
/** A PAE 2 MiB page's reserved address bits 13-20 (bit 12 is its PAT bit). */
const PAE_LARGE_RSVD_LO = 0x001fe000;
/** PSE-36: a 4 MiB page's directory-entry bits 13-20 are physical-address bits 32-39... */
const PSE36_HI_SHIFT = 13;
const PSE36_HI_MASK = 0xff;
/** ...and bit 21 is reserved (QEMU 7.2's TCG, whatever CPUID.PSE36 says). */
const PSE36_RSVD = 1 << 21;
/** A PAE entry's physical-address bits 32-35 in its high dword. */
const PAE_ADDR_HI = 0xf;
const FOUR_GIB = 2 ** 32;

/** The physical address with bits 32 and up `hi` and low dword `lo` (an int32): `lo` itself when hi is 0. */
function physAt(hi: number, lo: number): number {
  return hi === 0 ? lo : hi * FOUR_GIB + (lo >>> 0);
}

/**
 * Pages remembered for a cheap flush; beyond this the whole TLB is cleared. Dropping 16384 listed
 * pages (~50-400 us here, sequential to scattered) costs no more than clearing the arrays (~300 us
 * for the supervisor pair, ~600 us with the user pair); twice as many would.
 */
const TLB_LIST_SIZE = 16384;
const PAGES = 1 << 20;
/** The arrays of a privilege with nothing cached yet: shared by every TLB, all zero, never written. */
const NO_ENTRIES = new Int32Array(PAGES);
/** The fill list of a TLB with nothing cached yet. */
const NO_LIST = new Int32Array(0);

/**
 * The TLB arrays of one CPU (4 MiB each). The supervisor pair is allocated at the first page
 * cached, the user pair at the first user-mode page, so a CPU that never ran, or firmware that
 * never enters ring 3, costs nothing for them.
 */
export class Tlb {
  readSup = NO_ENTRIES;
  writeSup = NO_ENTRIES;
  readUser = NO_ENTRIES;
  writeUser = NO_ENTRIES;
  /** Linear page numbers filled since the last flush (for a cheap flush; allocated with the arrays). */
  private filled = NO_LIST;
  count = 0;
  overflow = false;
  /** A 4 MiB page was cached: INVLPG drops the whole 4 MiB region. */
  largePages = false;

  /** The read array to cache a page of privilege `user` in (allocated on first use). */
  private readArray(user: boolean): Int32Array {
    if (this.filled === NO_LIST) this.filled = new Int32Array(TLB_LIST_SIZE);
    if (user) {
      if (this.readUser === NO_ENTRIES) this.readUser = new Int32Array(PAGES);
      return this.readUser;
    }
    if (this.readSup === NO_ENTRIES) this.readSup = new Int32Array(PAGES);
    return this.readSup;
  }

  /** The write array to cache a page of privilege `user` in (allocated on first use). */
  private writeArray(user: boolean): Int32Array {
    if (this.filled === NO_LIST) this.filled = new Int32Array(TLB_LIST_SIZE);
    if (user) {
      if (this.writeUser === NO_ENTRIES) this.writeUser = new Int32Array(PAGES);
      return this.writeUser;
    }
    if (this.writeSup === NO_ENTRIES) this.writeSup = new Int32Array(PAGES);
    return this.writeSup;
  }

  /** Drops every entry. */
  flush(): void {
    if (this.overflow) {
      clear(this.readSup);
      clear(this.writeSup);
      clear(this.readUser);
      clear(this.writeUser);
    } else {
      for (let i = 0; i < this.count; i++) this.drop(this.filled[i]);
    }
    this.count = 0;
    this.overflow = false;
    this.largePages = false;
  }

  /** Drops the entries of one linear page number. */
  drop(lpn: number): void {
    if (this.readSup[lpn] !== 0) this.readSup[lpn] = 0;
    if (this.writeSup[lpn] !== 0) this.writeSup[lpn] = 0;
    if (this.readUser[lpn] !== 0) this.readUser[lpn] = 0;
    if (this.writeUser[lpn] !== 0) this.writeUser[lpn] = 0;
  }

  /**
   * Drops the write entries whose buffer page overlaps buffer bytes [lo, hi) (translated code lives
   * there: stores must take the slow path). Scans the fill list, or everything after an overflow.
   */
  dropWritesInto(lo: number, hi: number): void {
    if (this.overflow) {
      for (let lpn = 0; lpn < PAGES; lpn++) this.dropWriteIfInto(lpn, lo, hi);
    } else {
      for (let i = 0; i < this.count; i++) this.dropWriteIfInto(this.filled[i], lo, hi);
    }
  }

  private dropWriteIfInto(lpn: number, lo: number, hi: number): void {
    const s = this.writeSup[lpn];
    if (s !== 0 && ~s * 0x1000 < hi && (~s + 1) * 0x1000 > lo) this.writeSup[lpn] = 0;
    const u = this.writeUser[lpn];
    if (u !== 0 && ~u * 0x1000 < hi && (~u + 1) * 0x1000 > lo) this.writeUser[lpn] = 0;
  }

  /** Caches buffer page `n` for reads of linear page `lpn` at privilege `user`. */
  fillRead(lpn: number, user: boolean, n: number): void {
    const entries = this.readArray(user);
    this.note(lpn);
    entries[lpn] = ~n;
  }

  /** Caches buffer page `n` for writes to linear page `lpn` at privilege `user`. */
  fillWrite(lpn: number, user: boolean, n: number): void {
    const entries = this.writeArray(user);
    this.note(lpn);
    entries[lpn] = ~n;
  }

  /**
   * Before an entry of `lpn` is filled: lists `lpn` unless it has an entry already. Keeps the
   * invariant flush() relies on: every page with an entry is listed once (or `overflow` is set),
   * so a page read then written costs one slot, not two.
   */
  private note(lpn: number): void {
    if ((this.readSup[lpn] | this.writeSup[lpn] | this.readUser[lpn] | this.writeUser[lpn]) !== 0) return;
    if (this.count < TLB_LIST_SIZE) this.filled[this.count++] = lpn;
    else this.overflow = true;
  }
}

/** Zeroes a TLB array (the shared empty one is left untouched). */
function clear(entries: Int32Array): void {
  if (entries !== NO_ENTRIES) entries.fill(0);
}

/** Reads a physical dword for the page walk (A20 already applied; any physical address). */
function physRead32(c: Cpu, addr: number): number {
  if (addr >= FOUR_GIB) return c.mem.readSlow(addr, 4) | 0;
  const n = ~c.mem.readPage[addr >>> 12];
  if (n >= 0 && (addr & 0xfff) <= 0xffc) {
    const b = c.buf;
    const p = ((n << 12) | (addr & 0xfff)) >>> 0;
    return b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24);
  }
  return c.mem.readSlow(addr, 4) | 0;
}

/** Writes a physical dword for accessed/dirty updates (any physical address). */
function physWrite32(c: Cpu, addr: number, v: number): void {
  if (addr >= FOUR_GIB) {
    c.mem.writeSlow(addr, 4, v >>> 0);
    return;
  }
  const n = ~c.mem.writePage[addr >>> 12];
  if (n >= 0 && (addr & 0xfff) <= 0xffc) {
    const b = c.buf;
    const p = ((n << 12) | (addr & 0xfff)) >>> 0;
    b[p] = v;
    b[p + 1] = v >>> 8;
    b[p + 2] = v >>> 16;
    b[p + 3] = v >>> 24;
    codeWritten(c, p, 4);
    return;
  }
  c.mem.writeSlow(addr, 4, v >>> 0);
}

/** Raises #PF for `lin` with CR2 set. */
function pageFault(c: Cpu, lin: number, err: number): never {
  c.cr2 = lin >>> 0;
  return c.raise(EXC_PF, err);
}

/**
 * Translates a linear address to physical with paging on. `user`: a CPL-3 access (not a system
 * access); `write`: a write. With `probe` set nothing is faulted or updated: -1 means no mapping.
 * Otherwise raises #PF on a missing or forbidden page and sets accessed/dirty bits. The result is a
 * physical address as this file's header describes (from 4 GiB on only with PAE or PSE-36).
 */
export function walk(c: Cpu, lin: number, write: boolean, user: boolean, probe: boolean): number {
  if ((c.cr4 & CR4_PAE) !== 0) return walkPae(c, lin, write, user, probe);
  const a20 = c.a20Mask;
  const pdeAddr = ((c.cr3 & 0xfffff000) + ((lin >>> 22) << 2)) & a20;
  let pde = physRead32(c, pdeAddr);
  const errBase = (write ? PF_WRITE : 0) | (user ? PF_USER : 0);
  if ((pde & PTE_P) === 0) {
    if (probe) return -1;
    return pageFault(c, lin, errBase);
  }
  const wp = (c.cr0 & CR0_WP) !== 0;
  if ((pde & PDE_PS) !== 0 && (c.cr4 & CR4_PSE) !== 0) {
    if ((pde & PSE36_RSVD) !== 0) {
      if (probe) return -1;
      return pageFault(c, lin, errBase | PF_RSVD_QEMU);
    }
    if (!allowed(pde, write, user, wp)) {
      if (probe) return -1;
      return pageFault(c, lin, errBase | PF_PRESENT);
    }
    if (!probe) {
      const nv = pde | PTE_A | (write ? PTE_D : 0);
      if (nv !== pde) physWrite32(c, pdeAddr, nv);
      c.tlb.largePages = true;
    }
    return physAt((pde >>> PSE36_HI_SHIFT) & PSE36_HI_MASK, ((pde & 0xffc00000) | (lin & 0x3fffff)) & a20);
  }
  if (!probe && (pde & PTE_A) === 0) {
    pde |= PTE_A;
    physWrite32(c, pdeAddr, pde);
  }
  const pteAddr = ((pde & 0xfffff000) + (((lin >>> 12) & 0x3ff) << 2)) & a20;
  const pte = physRead32(c, pteAddr);
  if ((pte & PTE_P) === 0) {
    if (probe) return -1;
    return pageFault(c, lin, errBase);
  }
  if (!allowed(pde & pte, write, user, wp)) {
    if (probe) return -1;
    return pageFault(c, lin, errBase | PF_PRESENT);
  }
  if (!probe) {
    const nv = pte | PTE_A | (write ? PTE_D : 0);
    if (nv !== pte) physWrite32(c, pteAddr, nv);
  }
  return ((pte & 0xfffff000) | (lin & 0xfff)) & a20;
}

/**
 * The PAE walk (SDM Vol. 3A §4.4) as QEMU 7.2's TCG does it: the PDPT entry (CR3 bits 5-31, linear
 * bits 30-31) is read at every walk rather than cached at the CR3 load, and only its present bit
 * and reserved high bits are checked (QEMU treats bits 1, 2 and 5-8 as ignored, not reserved);
 * then the page directory (bits 21-29; PS: a 2 MiB page) and the page table (bits 12-20), 8-byte
 * entries. A reserved bit gives #PF with the RSVD and P bits. Entries carry 36-bit physical
 * addresses (bits 32-35 in their high dword): directories, tables and pages may lie above 4 GiB.
 */
function walkPae(c: Cpu, lin: number, write: boolean, user: boolean, probe: boolean): number {
  const a20 = c.a20Mask;
  const errBase = (write ? PF_WRITE : 0) | (user ? PF_USER : 0);
  const pdpteAddr = ((c.cr3 & 0xffffffe0) + ((lin >>> 30) << 3)) & a20;
  const pdpte = physRead32(c, pdpteAddr);
  if ((pdpte & PTE_P) === 0) return probe ? -1 : pageFault(c, lin, errBase);
  const pdpteHi = physRead32(c, pdpteAddr + 4);
  if ((pdpteHi & PAE_RSVD_HI) !== 0) {
    return probe ? -1 : pageFault(c, lin, errBase | PF_RSVD_QEMU);
  }
  const pdeAddr = physAt(pdpteHi & PAE_ADDR_HI, ((pdpte & 0xfffff000) + (((lin >>> 21) & 0x1ff) << 3)) & a20);
  let pde = physRead32(c, pdeAddr);
  if ((pde & PTE_P) === 0) return probe ? -1 : pageFault(c, lin, errBase);
  const pdeHi = physRead32(c, pdeAddr + 4);
  const large = (pde & PDE_PS) !== 0;
  if ((pdeHi & PAE_RSVD_HI) !== 0 || (large && (pde & PAE_LARGE_RSVD_LO) !== 0)) {
    return probe ? -1 : pageFault(c, lin, errBase | PF_RSVD_QEMU);
  }
  const wp = (c.cr0 & CR0_WP) !== 0;
  if (large) {
    if (!allowed(pde, write, user, wp)) return probe ? -1 : pageFault(c, lin, errBase | PF_PRESENT);
    if (!probe) {
      const nv = pde | PTE_A | (write ? PTE_D : 0);
      if (nv !== pde) physWrite32(c, pdeAddr, nv);
      c.tlb.largePages = true;
    }
    return physAt(pdeHi & PAE_ADDR_HI, ((pde & 0xffe00000) | (lin & 0x1fffff)) & a20);
  }
  // As in the two-level walk, the directory entry is marked accessed before the table is read.
  if (!probe && (pde & PTE_A) === 0) {
    pde |= PTE_A;
    physWrite32(c, pdeAddr, pde);
  }
  const pteAddr = physAt(pdeHi & PAE_ADDR_HI, ((pde & 0xfffff000) + (((lin >>> 12) & 0x1ff) << 3)) & a20);
  const pte = physRead32(c, pteAddr);
  if ((pte & PTE_P) === 0) return probe ? -1 : pageFault(c, lin, errBase);
  const pteHi = physRead32(c, pteAddr + 4);
  if ((pteHi & PAE_RSVD_HI) !== 0) return probe ? -1 : pageFault(c, lin, errBase | PF_RSVD_QEMU);
  if (!allowed(pde & pte, write, user, wp)) return probe ? -1 : pageFault(c, lin, errBase | PF_PRESENT);
  if (!probe) {
    const nv = pte | PTE_A | (write ? PTE_D : 0);
    if (nv !== pte) physWrite32(c, pteAddr, nv);
  }
  return physAt(pteHi & PAE_ADDR_HI, ((pte & 0xfffff000) | (lin & 0xfff)) & a20);
}

/** Whether the combined U/S and R/W bits permit the access (CR0.WP protects supervisor writes). */
function allowed(bits: number, write: boolean, user: boolean, wp: boolean): boolean {
  if (user && (bits & PTE_US) === 0) return false;
  if (write && (bits & PTE_RW) === 0 && (user || wp)) return false;
  return true;
}

/**
 * Translates `lin` for an access (faulting as the guest sees it) and caches the page in the TLB
 * when it is plain RAM/ROM below 4 GiB and not watched. Returns the physical address.
 */
export function translate(c: Cpu, lin: number, write: boolean, user: boolean): number {
  const phys = c.paging ? walk(c, lin, write, user, false) : lin & c.a20Mask;
  if (phys >= FOUR_GIB) return phys; // never cached: the TLB holds buffer pages only
  const lpn = lin >>> 12;
  const ppn = phys >>> 12;
  const t = c.tlb;
  if (write) {
    const n = ~c.mem.writePage[ppn];
    // Pages holding translated code stay out of the write TLB: stores to them invalidate it.
    if (n >= 0 && c.debug.watchW[lpn] === 0 && c.jit.codePages[n] === 0) {
      t.fillWrite(lpn, user, n);
      c.selectTlb();
    }
  } else {
    const n = ~c.mem.readPage[ppn];
    if (n >= 0 && c.debug.watchR[lpn] === 0) {
      t.fillRead(lpn, user, n);
      c.selectTlb();
    }
  }
  return phys;
}

/**
 * Physical read of 1, 2 or 4 bytes within one page (RAM below 4 GiB fast, else the bus's slow path).
 * Above 4 GiB the PC has RAM only, and no translated code: no stop is needed there.
 */
export function physRead(c: Cpu, phys: number, size: 1 | 2 | 4): number {
  if (phys >= FOUR_GIB) return c.mem.readSlow(phys, size) >>> 0;
  const n = ~c.mem.readPage[phys >>> 12];
  if (n < 0) {
    // A device access may raise an interrupt or change memory: a translated block ends here.
    c.stopPending = true;
    return c.mem.readSlow(phys, size) >>> 0;
  }
  const b = c.buf;
  const p = ((n << 12) | (phys & 0xfff)) >>> 0;
  if (size === 1) return b[p];
  if (size === 2) return b[p] | (b[p + 1] << 8);
  return (b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24)) >>> 0;
}

/** Physical write of 1, 2 or 4 bytes within one page (from 4 GiB on, through the slow path). */
export function physWrite(c: Cpu, phys: number, size: 1 | 2 | 4, v: number): void {
  if (phys >= FOUR_GIB) {
    c.mem.writeSlow(phys, size, size === 4 ? v >>> 0 : v & (size === 1 ? 0xff : 0xffff));
    return;
  }
  const n = ~c.mem.writePage[phys >>> 12];
  if (n < 0) {
    c.stopPending = true;
    c.mem.writeSlow(phys, size, size === 4 ? v >>> 0 : v & (size === 1 ? 0xff : 0xffff));
    c.checkMemGeneration();
    return;
  }
  const b = c.buf;
  const p = ((n << 12) | (phys & 0xfff)) >>> 0;
  codeWritten(c, p, size);
  b[p] = v;
  if (size === 1) return;
  b[p + 1] = v >>> 8;
  if (size === 2) return;
  b[p + 2] = v >>> 16;
  b[p + 3] = v >>> 24;
}

/**
 * Before a slow-path store to buffer bytes [p, p + size): if translated code lives there, drops it
 * and makes the running block end after this instruction (the next one is fetched afresh).
 */
function codeWritten(c: Cpu, p: number, size: number): void {
  const code = c.jit.codePages;
  if ((code[p >>> 12] | code[(p + size - 1) >>> 12]) !== 0 && c.jit.written(p, size)) c.stopPending = true;
}

/** Slow linear read (TLB miss, page crossing, MMIO, watched page). `user`: CPL-3 access. */
export function readSlow(c: Cpu, lin: number, size: 1 | 2 | 4, user: boolean): number {
  lin |= 0;
  const off = lin & 0xfff;
  if (off + size > 0x1000) {
    // Page crossing: translate both pages before reading anything.
    const lo = 0x1000 - off;
    const p1 = translate(c, lin, false, user);
    const p2 = translate(c, (lin + lo) | 0, false, user);
    if (c.debug.watchCount !== 0) c.checkWatch(lin, size, false);
    let v = 0;
    for (let i = 0; i < size; i++) {
      const byte = i < lo ? physRead(c, p1 + i, 1) : physRead(c, p2 + i - lo, 1);
      v += byte * 2 ** (8 * i);
    }
    return v;
  }
  const phys = translate(c, lin, false, user);
  if (c.debug.watchCount !== 0) c.checkWatch(lin, size, false);
  return physRead(c, phys, size);
}

/** Slow linear write; both pages of a crossing write are checked before any byte is written. */
export function writeSlow(c: Cpu, lin: number, size: 1 | 2 | 4, v: number, user: boolean): void {
  lin |= 0;
  const off = lin & 0xfff;
  if (off + size > 0x1000) {
    const lo = 0x1000 - off;
    const p1 = translate(c, lin, true, user);
    const p2 = translate(c, (lin + lo) | 0, true, user);
    if (c.debug.watchCount !== 0) c.checkWatch(lin, size, true);
    for (let i = 0; i < size; i++) {
      const byte = (v >>> (8 * i)) & 0xff;
      if (i < lo) physWrite(c, p1 + i, 1, byte);
      else physWrite(c, p2 + i - lo, 1, byte);
    }
    return;
  }
  const phys = translate(c, lin, true, user);
  if (c.debug.watchCount !== 0) c.checkWatch(lin, size, true);
  physWrite(c, phys, size, v);
}

/** Debug translation: physical address of `lin` (unsigned, up to 40 bits) or -1, without faults or A/D updates. */
export function translateDebug(c: Cpu, lin: number): number {
  if (!c.paging) return (lin & c.a20Mask) >>> 0;
  const phys = walk(c, lin | 0, false, false, true);
  return phys === -1 || phys >= FOUR_GIB ? phys : phys >>> 0;
}
