// Segment descriptors: fetching them from the GDT/LDT, decoding them into a reusable scratch object,
// loading them into the hidden segment caches, and the mode facts every system operation asks for.
// References: Intel SDM Vol. 3A §3.4 (segment selectors and descriptors), §3.5 (system descriptors),
// §5.8.3 (call gates), §6.11 (IDT descriptors), §7.2.2 (TSS descriptor).
import {
  ATTR_CODE,
  ATTR_DPL_SHIFT,
  ATTR_P,
  ATTR_RW,
  ATTR_S,
  type CpuCore,
  CR0_PE,
  FLAG_VM,
  LDTR,
} from "../state.ts";

/** Selector bits (SDM §3.4.2). */
export const SEL_RPL = 3;
export const SEL_TI = 4;
/** The selector with its RPL cleared: what error codes carry. */
export const SEL_INDEX = 0xfffc;

/** Attribute word of a real/v86-mode data segment: present, writable, accessed, S=1 (SDM §20.1.1). */
export const ATTR_V86_DATA = ATTR_P | ATTR_S | ATTR_RW | 1 | (3 << ATTR_DPL_SHIFT);

/**
 * One decoded 8-byte descriptor. Callers own module-level instances and refill them, so descriptor
 * handling allocates nothing. For gates, `gateSelector`/`gateOffset`/`gateParams` are meaningful;
 * for code/data/TSS/LDT descriptors, `base`/`limit`/`attr`.
 */
export class Descriptor {
  /** Linear address of the descriptor in its table (for accessed/busy bit updates). */
  addr = 0;
  /** The two raw dwords. */
  lo = 0;
  hi = 0;
  /** Segment base (unsigned). */
  base = 0;
  /** Segment limit in bytes with granularity applied (unsigned). */
  limit = 0;
  /** Attribute word in the segAttr layout (access byte in bits 0-7, flags nibble in bits 12-15). */
  attr = 0;
  /** Descriptor privilege level. */
  dpl = 0;
  /** Type nibble (bits 0-3 of the access byte). */
  type = 0;
  /** S bit: true for code/data, false for system descriptors. */
  isSegment = false;
  present = false;

  /** Decodes raw descriptor dwords (SDM Figure 3-8). */
  decode(lo: number, hi: number): void {
    this.lo = lo >>> 0;
    this.hi = hi >>> 0;
    this.base = ((lo >>> 16) | ((hi & 0xff) << 16) | (hi & 0xff000000)) >>> 0;
    let limit = (lo & 0xffff) | (hi & 0xf0000);
    if (hi & (1 << 23)) limit = ((limit << 12) | 0xfff) >>> 0;
    this.limit = limit;
    this.attr = (hi >>> 8) & 0xf0ff;
    this.dpl = (hi >>> 13) & 3;
    this.type = (hi >>> 8) & 0xf;
    this.isSegment = (hi & (1 << 12)) !== 0;
    this.present = (hi & (1 << 15)) !== 0;
  }

  /** Code segment (S=1, type bit 3). */
  get isCode(): boolean {
    return this.isSegment && (this.attr & ATTR_CODE) !== 0;
  }
  /** Data segment (S=1, type bit 3 clear). */
  get isData(): boolean {
    return this.isSegment && (this.attr & ATTR_CODE) === 0;
  }
  /** Conforming code segment. */
  get isConforming(): boolean {
    return this.isCode && (this.type & 4) !== 0;
  }
  /** Readable code segment or (always readable) data segment. */
  get isReadable(): boolean {
    return this.isSegment && ((this.attr & ATTR_CODE) === 0 || (this.attr & ATTR_RW) !== 0);
  }
  /** Writable data segment. */
  get isWritableData(): boolean {
    return this.isData && (this.attr & ATTR_RW) !== 0;
  }
  /** Gate target selector (call/interrupt/trap/task gates, SDM Figures 5-8 and 6-2). */
  get gateSelector(): number {
    return this.lo >>> 16;
  }
  /** Gate target offset; 16-bit gates (types 4, 6, 7) use only the low word. */
  get gateOffset(): number {
    return this.type & 8 ? ((this.lo & 0xffff) | (this.hi & 0xffff0000)) >>> 0 : this.lo & 0xffff;
  }
  /** Call gate parameter count (dwords or words to copy on a privilege change). */
  get gateParams(): number {
    return this.hi & 0x1f;
  }
}

/** True in virtual-8086 mode (CR0.PE and EFLAGS.VM). */
export function isV86(cpu: CpuCore): boolean {
  return (cpu.cr0 & CR0_PE) !== 0 && (cpu.getEflags() & FLAG_VM) !== 0;
}

/**
 * Reads the descriptor named by `sel` from the GDT or the LDT into `d`. Returns false (and leaves `d`
 * untouched) when the selector's index lies beyond the table limit or names a null/invalid LDT.
 * Needs a non-null selector; may raise #PF through the supervisor reads.
 */
export function readDescriptor(cpu: CpuCore, sel: number, d: Descriptor): boolean {
  let base: number;
  let limit: number;
  if (sel & SEL_TI) {
    if ((cpu.segSel[LDTR] & SEL_INDEX) === 0 || (cpu.segAttr[LDTR] & ATTR_P) === 0) return false;
    base = cpu.segBase[LDTR] >>> 0;
    limit = cpu.segLimit[LDTR] >>> 0;
  } else {
    base = cpu.gdtrBase >>> 0;
    limit = cpu.gdtrLimit >>> 0;
  }
  const offset = sel & 0xfff8;
  if (offset + 7 > limit) return false;
  const addr = (base + offset) >>> 0;
  d.decode(cpu.readSys32(addr), cpu.readSys32((addr + 4) >>> 0));
  d.addr = addr;
  return true;
}

/** Like readDescriptor, but raises `vector` with error code (sel & 0xfffc) | ext when outside the table. */
export function fetchDescriptor(cpu: CpuCore, sel: number, d: Descriptor, vector: number, ext = 0): void {
  if (!readDescriptor(cpu, sel, d)) cpu.raise(vector, (sel & SEL_INDEX) | ext);
}

/** Reads an IDT gate for `vector` into `d`; false when the entry lies beyond the IDT limit. */
export function readIdtGate(cpu: CpuCore, vector: number, d: Descriptor): boolean {
  const offset = vector * 8;
  if (offset + 7 > cpu.idtrLimit >>> 0) return false;
  const addr = (cpu.idtrBase + offset) >>> 0;
  d.decode(cpu.readSys32(addr), cpu.readSys32((addr + 4) >>> 0));
  d.addr = addr;
  return true;
}

/** Sets the accessed bit of a code/data descriptor in memory if clear (SDM §3.4.5.1, type bit 0). */
export function markAccessed(cpu: CpuCore, d: Descriptor): void {
  if (d.isSegment && (d.hi & (1 << 8)) === 0) {
    d.hi = (d.hi | (1 << 8)) >>> 0;
    d.attr |= 1;
    cpu.writeSys8((d.addr + 5) >>> 0, (d.hi >>> 8) & 0xff);
  }
}

/** Loads a segment register's selector and hidden cache from a decoded descriptor. */
export function setSegmentCache(cpu: CpuCore, seg: number, sel: number, d: Descriptor): void {
  cpu.segSel[seg] = sel & 0xffff;
  cpu.segBase[seg] = d.base | 0;
  cpu.segLimit[seg] = d.limit | 0;
  cpu.segAttr[seg] = d.attr;
}

/** Loads a null selector: base 0, limit 0, attributes 0 (not present), so any access faults. */
export function setNullSegment(cpu: CpuCore, seg: number, sel: number): void {
  cpu.segSel[seg] = sel & 0xffff;
  cpu.segBase[seg] = 0;
  cpu.segLimit[seg] = 0;
  cpu.segAttr[seg] = 0;
}

/** Loads a segment the real-mode way: selector and base = sel << 4, limit and attributes kept (unreal mode). */
export function setRealSegment(cpu: CpuCore, seg: number, sel: number): void {
  sel &= 0xffff;
  cpu.segSel[seg] = sel;
  cpu.segBase[seg] = sel << 4;
}

/** Loads a segment the v86 way: base = sel << 4, limit 64 KiB, present writable data at DPL 3 (SDM §20.1.1). */
export function setV86Segment(cpu: CpuCore, seg: number, sel: number): void {
  sel &= 0xffff;
  cpu.segSel[seg] = sel;
  cpu.segBase[seg] = sel << 4;
  cpu.segLimit[seg] = 0xffff;
  cpu.segAttr[seg] = ATTR_V86_DATA;
}
