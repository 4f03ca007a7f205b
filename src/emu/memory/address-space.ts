// The guest-physical address space (4 GiB): regions with priorities flattened, as QEMU's memory API
// does, into a sorted list of flat ranges and into the 4 KiB page maps the CPU indexes directly. All
// RAM and ROM bytes live in one buffer (at most 4 GiB, Node 20's largest typed array), each region
// starting on a 4 KiB boundary in it; the page maps hold buffer page numbers (the page at buffer
// index n * 4096), so they reach past 2 GiB in an Int32Array. A page fully covered by RAM maps for
// reads and writes, by ROM (or a read-only alias) for reads only; anything else (MMIO, unmapped,
// pages shared by several ranges, an alias off the 4 KiB grid) takes the slow path here, which
// dispatches MMIO with width handling, reads unmapped bytes as all ones and ignores (and logs once
// per page) writes to ROM or to nothing.
import type { PhysicalMemory } from "../cpu/state.ts";
import type { GuestLog } from "../io/guest-log.ts";
import { mtree, mtreeFlat } from "./mtree.ts";
import { MemoryRegion, type MmioOps, type RegionOwner } from "./region.ts";

export const PAGE_SHIFT = 12;
export const PAGE_SIZE = 1 << PAGE_SHIFT;
const PAGE_COUNT = 1 << 20;
const SPACE_END = 2 ** 32;
const NO_PAGE = -1;
/** The largest buffer: Node 20's typed-array length limit (buffer.constants.MAX_LENGTH). */
export const BUFFER_MAX = 2 ** 32;

/** A piece of the flattened view: [start, end) shows `leaf` from `offset` on. */
export interface FlatRange {
  readonly start: number;
  readonly end: number;
  /** The RAM, ROM or MMIO region whose bytes appear here (aliases resolved). */
  readonly leaf: MemoryRegion;
  /** Offset in `leaf` of the byte at `start`. */
  readonly offset: number;
  /** The mapped region that won here (the alias itself when one is involved). */
  readonly via: MemoryRegion;
  /** Writes are ignored (ROM, or through a read-only alias). */
  readonly readonly: boolean;
}

/** Mapping options. */
export interface MapOptions {
  priority?: number;
  enabled?: boolean;
}

/** The address space. */
export class AddressSpace implements PhysicalMemory, RegionOwner {
  readonly buffer: Uint8Array;
  /** Per physical page: the buffer page number holding it for reads, or -1 (slow path). */
  readonly readPage = new Int32Array(PAGE_COUNT).fill(NO_PAGE);
  /** Per physical page: the buffer page number holding it for writes, or -1 (slow path). */
  readonly writePage = new Int32Array(PAGE_COUNT).fill(NO_PAGE);
  generation = 0;
  /** Called after every re-flatten (the machine makes its CPUs drop stale TLB entries at once). */
  onFlush: (() => void) | null = null;
  /** Told of every write made here into `buffer` (DMA, debugger, slow-path RAM): the CPU drops code translated there. */
  onBufferWrite: ((index: number, length: number) => void) | null = null;
  /** Every region created, in creation order. */
  readonly regions: MemoryRegion[] = [];
  /** The flattened view, sorted by start. */
  private flat: FlatRange[] = [];
  private bufferUsed = 0;
  private nextSeq = 1;
  private transactionDepth = 0;
  /** Pending dirty span [dirtyStart, dirtyEnd) of the open transaction. */
  private dirtyStart = SPACE_END;
  private dirtyEnd = 0;
  /** Pages whose ignored write was already logged. */
  private readonly loggedWrite = new Uint8Array(PAGE_COUNT);

  /**
   * Needs: `capacity` = the total bytes of RAM and ROM the machine will allocate, each region's size
   * rounded up to 4 KiB (one buffer, never reallocated, so the CPU may keep a reference to it), at
   * most BUFFER_MAX.
   */
  constructor(
    capacity: number,
    private readonly log: GuestLog,
  ) {
    if (capacity > BUFFER_MAX) throw new Error(`address space buffer of ${capacity} bytes: at most 4 GiB`);
    this.buffer = new Uint8Array(capacity);
  }

  /** Allocates RAM (zeroed) in the buffer; map() it, or alias it. */
  allocRam(name: string, size: number): MemoryRegion {
    return this.allocBacked(name, "ram", size);
  }

  /** Allocates ROM in the buffer, filled with `data` (padded with zeroes). */
  allocRom(name: string, size: number, data?: Uint8Array): MemoryRegion {
    const region = this.allocBacked(name, "rom", size);
    if (data) this.buffer.set(data.subarray(0, size), region.bufferOffset);
    return region;
  }

  /** Creates an alias showing target[offset, offset+size). */
  createAlias(name: string, target: MemoryRegion, offset: number, size: number): MemoryRegion {
    if (offset < 0 || size <= 0 || offset + size > target.size) {
      throw new Error(
        `alias ${name}: [0x${offset.toString(16)}, +0x${size.toString(16)}) outside ${target.name}`,
      );
    }
    return this.remember(new MemoryRegion(this, name, "alias", size, -1, target, offset, null));
  }

  /** Creates an MMIO region of `size` bytes dispatching to `ops`. */
  createMmio(name: string, size: number, ops: MmioOps): MemoryRegion {
    this.checkSize(name, size);
    return this.remember(new MemoryRegion(this, name, "mmio", size, -1, null, 0, ops));
  }

  /** Maps `region` at `addr`; re-flattens its pages. Needs: not mapped yet, fits below 4 GiB. */
  map(region: MemoryRegion, addr: number, options: MapOptions = {}): MemoryRegion {
    if (region.mapped) throw new Error(`region ${region.name} is already mapped`);
    if (!Number.isInteger(addr) || addr < 0 || addr + region.size > SPACE_END) {
      throw new Error(`region ${region.name} at 0x${addr.toString(16)} does not fit in 4 GiB`);
    }
    region.addr = addr;
    region.priority = options.priority ?? 0;
    region.enabled = options.enabled ?? true;
    region.seq = this.nextSeq++;
    region.mapped = true;
    this.regionChanged(region, addr, addr);
    return region;
  }

  /** Removes a mapped region from the space. */
  unmap(region: MemoryRegion): void {
    if (!region.mapped) return;
    region.mapped = false;
    this.regionChanged(region, region.addr, region.end);
  }

  /** Convenience: allocate and map RAM. */
  addRam(name: string, addr: number, size: number, options?: MapOptions): MemoryRegion {
    return this.map(this.allocRam(name, size), addr, options);
  }

  /** Convenience: allocate and map ROM. */
  addRom(name: string, addr: number, size: number, data?: Uint8Array, options?: MapOptions): MemoryRegion {
    return this.map(this.allocRom(name, size, data), addr, options);
  }

  /** Convenience: create and map an alias. */
  addAlias(
    name: string,
    addr: number,
    target: MemoryRegion,
    offset: number,
    size: number,
    options?: MapOptions,
  ) {
    return this.map(this.createAlias(name, target, offset, size), addr, options);
  }

  /** Convenience: create and map MMIO. */
  addMmio(name: string, addr: number, size: number, ops: MmioOps, options?: MapOptions): MemoryRegion {
    return this.map(this.createMmio(name, size, ops), addr, options);
  }

  /** The bytes of a RAM or ROM region (a view into the buffer: writing it bypasses ROM protection). */
  bytes(region: MemoryRegion): Uint8Array {
    if (region.bufferOffset < 0) throw new Error(`region ${region.name} has no backing bytes`);
    return this.buffer.subarray(region.bufferOffset, region.bufferOffset + region.size);
  }

  /** Batches changes (several PAM registers): pages are re-flattened once, at the outer commit. */
  begin(): void {
    this.transactionDepth++;
  }

  /** Ends a batch opened by begin(). */
  commit(): void {
    if (this.transactionDepth === 0) throw new Error("AddressSpace.commit without begin");
    if (--this.transactionDepth === 0) this.flush();
  }

  /** RegionOwner: records what changed and re-flattens now unless a transaction is open. */
  regionChanged(region: MemoryRegion, oldStart: number, oldEnd: number): void {
    if (oldEnd > oldStart) this.widenDirty(oldStart, oldEnd);
    this.markShown(region);
    if (this.transactionDepth === 0) this.flush();
  }

  /** Marks dirty wherever `region`'s bytes show: where it is mapped and where aliases of it are. */
  private markShown(region: MemoryRegion): void {
    if (region.mapped) this.widenDirty(region.addr, region.end);
    for (const alias of this.regions) if (alias.target === region) this.markShown(alias);
  }

  private widenDirty(start: number, end: number): void {
    this.dirtyStart = Math.min(this.dirtyStart, start);
    this.dirtyEnd = Math.max(this.dirtyEnd, end);
  }

  /** A dump like QEMU's `info mtree` (or `info mtree -f` with flat). */
  mtree(flat = false): string {
    return flat ? mtreeFlat(this) : mtree(this);
  }

  /** The flattened view (QEMU's `info mtree -f`), sorted by address. */
  flatView(): readonly FlatRange[] {
    return this.flat;
  }

  /** The flat range containing `addr`, or null when unmapped. */
  lookup(addr: number): FlatRange | null {
    const index = this.find(addr >>> 0);
    return index < 0 ? null : this.flat[index]!;
  }

  /** Slow-path read of `size` bytes at `addr` (any address; pieces straddling ranges are split). */
  readSlow(addr: number, size: 1 | 2 | 4): number {
    addr >>>= 0;
    const index = this.find(addr);
    if (index >= 0) {
      const range = this.flat[index]!;
      if (addr + size <= range.end) return this.readRange(range, addr, size);
    } else if (this.unmappedUpTo(addr) >= addr + size) {
      return size === 4 ? 0xffffffff : (1 << (size * 8)) - 1;
    }
    let value = 0;
    for (let i = 0; i < size; i++) value |= this.readSlow((addr + i) >>> 0, 1) << (8 * i);
    return value >>> 0;
  }

  /** Slow-path write of the low `size` bytes of `value` at `addr`. */
  writeSlow(addr: number, size: 1 | 2 | 4, value: number): void {
    addr >>>= 0;
    const index = this.find(addr);
    if (index >= 0) {
      const range = this.flat[index]!;
      if (addr + size <= range.end) {
        this.writeRange(range, addr, size, value);
        return;
      }
    } else if (this.unmappedUpTo(addr) >= addr + size) {
      this.logIgnoredWrite(addr, size, value, "unmapped memory");
      return;
    }
    for (let i = 0; i < size; i++) this.writeSlow((addr + i) >>> 0, 1, (value >>> (8 * i)) & 0xff);
  }

  /** Debugger read: RAM and ROM bytes as the bus shows them; unmapped and MMIO bytes read as 0xff. */
  readPhysical(addr: number, length: number): Uint8Array {
    const out = new Uint8Array(length).fill(0xff);
    for (let i = 0; i < length; ) {
      const a = (addr + i) >>> 0;
      const page = a >>> PAGE_SHIFT;
      const chunk = Math.min(length - i, PAGE_SIZE - (a & (PAGE_SIZE - 1)));
      const base = this.readPage[page]!;
      if (base !== NO_PAGE) {
        const from = base * PAGE_SIZE + (a & (PAGE_SIZE - 1));
        out.set(this.buffer.subarray(from, from + chunk), i);
      } else {
        for (let k = 0; k < chunk; k++) {
          const range = this.lookup((a + k) >>> 0);
          if (range !== null && range.leaf.bufferOffset >= 0) {
            out[i + k] = this.buffer[range.leaf.bufferOffset + range.offset + ((a + k) >>> 0) - range.start]!;
          }
        }
      }
      i += chunk;
    }
    return out;
  }

  /** A device's write (DMA, fw_cfg): only bytes that land in writable RAM are written; returns how many. */
  writePhysical(addr: number, data: Uint8Array): number {
    return this.writeBacked(addr, data, false);
  }

  /**
   * A debugger's write of `data` at physical `addr`, as QEMU's gdb stub writes (its
   * address_space_write_rom): RAM and ROM bytes are written, read-only aliases included, so gdb can
   * patch firmware; MMIO and unmapped bytes are skipped. Returns the bytes written.
   */
  writeDebug(addr: number, data: Uint8Array): number {
    return this.writeBacked(addr, data, true);
  }

  /**
   * Writes `data` at `addr` into writable RAM, or with `rom` into any RAM or ROM byte; the rest is
   * skipped. Translated code over the bytes is dropped (onBufferWrite). Returns the bytes written.
   */
  private writeBacked(addr: number, data: Uint8Array, rom: boolean): number {
    let written = 0;
    for (let i = 0; i < data.length; i++) {
      const a = (addr + i) >>> 0;
      const range = this.lookup(a);
      if (range === null || range.leaf.kind === "mmio") continue;
      if (!rom && (range.readonly || range.leaf.kind !== "ram")) continue;
      const at = range.leaf.bufferOffset + range.offset + a - range.start;
      this.buffer[at] = data[i]!;
      this.onBufferWrite?.(at, 1);
      written++;
    }
    return written;
  }

  /** A RAM or ROM region at the next 4 KiB boundary of the buffer. */
  private allocBacked(name: string, kind: "ram" | "rom", size: number): MemoryRegion {
    this.checkSize(name, size);
    const at = Math.ceil(this.bufferUsed / PAGE_SIZE) * PAGE_SIZE;
    if (at + size > this.buffer.length) {
      throw new Error(
        `address space buffer full: ${name} needs ${size} bytes, ${Math.max(0, this.buffer.length - at)} left`,
      );
    }
    const region = new MemoryRegion(this, name, kind, size, at, null, 0, null);
    this.bufferUsed = at + size;
    return this.remember(region);
  }

  private checkSize(name: string, size: number): void {
    if (!Number.isInteger(size) || size <= 0 || size > SPACE_END)
      throw new Error(`region ${name}: bad size ${size}`);
  }

  private remember(region: MemoryRegion): MemoryRegion {
    this.regions.push(region);
    return region;
  }

  /** Recomputes the flat view and rewrites the page maps of the dirty span. */
  private flush(): void {
    if (this.dirtyEnd <= this.dirtyStart) return;
    this.flat = flatten(this.regions);
    const firstPage = Math.floor(this.dirtyStart / PAGE_SIZE);
    const endPage = Math.ceil(this.dirtyEnd / PAGE_SIZE);
    this.readPage.fill(NO_PAGE, firstPage, endPage);
    this.writePage.fill(NO_PAGE, firstPage, endPage);
    for (const range of this.flat) {
      if (range.end <= firstPage * PAGE_SIZE || range.start >= endPage * PAGE_SIZE) continue;
      if (range.leaf.bufferOffset < 0) continue; // MMIO: slow path
      const lo = Math.max(firstPage, Math.ceil(range.start / PAGE_SIZE));
      const hi = Math.min(endPage, Math.floor(range.end / PAGE_SIZE));
      const writable = !range.readonly && range.leaf.kind === "ram";
      const first = range.leaf.bufferOffset + range.offset + lo * PAGE_SIZE - range.start;
      if (first % PAGE_SIZE !== 0) continue; // an alias off the page grid: slow path
      for (let page = lo; page < hi; page++) {
        const bufferPage = first / PAGE_SIZE + page - lo;
        this.readPage[page] = bufferPage;
        if (writable) this.writePage[page] = bufferPage;
      }
    }
    this.dirtyStart = SPACE_END;
    this.dirtyEnd = 0;
    this.generation++;
    this.onFlush?.();
  }

  /** Index of the flat range containing `addr`, or -1 (binary search). */
  private find(addr: number): number {
    const flat = this.flat;
    let lo = 0;
    let hi = flat.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const range = flat[mid]!;
      if (addr < range.start) hi = mid - 1;
      else if (addr >= range.end) lo = mid + 1;
      else return mid;
    }
    return -1;
  }

  /** For an unmapped `addr`: where the next mapped range starts (4 GiB if none). */
  private unmappedUpTo(addr: number): number {
    const flat = this.flat;
    let lo = 0;
    let hi = flat.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (flat[mid]!.start > addr) hi = mid;
      else lo = mid + 1;
    }
    return lo < flat.length ? flat[lo]!.start : SPACE_END;
  }

  private readRange(range: FlatRange, addr: number, size: 1 | 2 | 4): number {
    const leaf = range.leaf;
    const offset = range.offset + addr - range.start;
    if (leaf.ops === null) {
      const at = leaf.bufferOffset + offset;
      const b = this.buffer;
      if (size === 1) return b[at]!;
      if (size === 2) return b[at]! | (b[at + 1]! << 8);
      return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
    }
    return mmioRead(leaf.ops, offset, size);
  }

  private writeRange(range: FlatRange, addr: number, size: 1 | 2 | 4, value: number): void {
    const leaf = range.leaf;
    if (range.readonly) {
      this.logIgnoredWrite(addr, size, value, `read-only ${range.via.name}`);
      return;
    }
    const offset = range.offset + addr - range.start;
    if (leaf.ops === null) {
      const at = leaf.bufferOffset + offset;
      for (let i = 0; i < size; i++) this.buffer[at + i] = value >>> (8 * i);
      this.onBufferWrite?.(at, size);
      return;
    }
    mmioWrite(leaf.ops, offset, size, value);
  }

  private logIgnoredWrite(addr: number, size: number, value: number, what: string): void {
    const page = addr >>> PAGE_SHIFT;
    if (this.loggedWrite[page] !== 0) return;
    this.loggedWrite[page] = 1;
    this.log.guestError(
      `write to ${what} at 0x${addr.toString(16)} (size ${size}, value 0x${(value >>> 0).toString(16)}) ignored`,
    );
  }
}

/** Reads through MMIO ops, splitting or widening to the sizes the device implements. */
function mmioRead(ops: MmioOps, offset: number, size: 1 | 2 | 4): number {
  const min = ops.minSize ?? 1;
  const max = ops.maxSize ?? 4;
  if (size >= min && size <= max) return ops.read(offset, size) >>> 0;
  if (size > max) {
    let value = 0;
    for (let i = 0; i < size; i += max) value |= (ops.read(offset + i, max) & lowMask(max)) << (8 * i);
    return value >>> 0;
  }
  return (ops.read(offset, min) & lowMask(size)) >>> 0;
}

/** Writes through MMIO ops; a narrower write than implemented becomes a wider one, zero-extended. */
function mmioWrite(ops: MmioOps, offset: number, size: 1 | 2 | 4, value: number): void {
  const min = ops.minSize ?? 1;
  const max = ops.maxSize ?? 4;
  value = (value & lowMask(size)) >>> 0;
  if (size >= min && size <= max) ops.write(offset, size, value);
  else if (size > max)
    for (let i = 0; i < size; i += max) ops.write(offset + i, max, (value >>> (8 * i)) & lowMask(max));
  else ops.write(offset, min, value);
}

function lowMask(size: number): number {
  return size === 4 ? 0xffffffff : (1 << (size * 8)) - 1;
}

/**
 * Flattens mapped, enabled regions: at every address the highest priority wins (later mapping on a
 * tie); aliases are resolved to their leaf; a disabled alias target hides the alias (QEMU).
 */
export function flatten(regions: readonly MemoryRegion[]): FlatRange[] {
  const live = regions.filter((r) => r.mapped && r.enabled && visibleTarget(r));
  const cuts = new Set<number>();
  for (const r of live) {
    cuts.add(r.addr);
    cuts.add(r.end);
  }
  const edges = [...cuts].sort((a, b) => a - b);
  const order = [...live].sort((a, b) => b.priority - a.priority || b.seq - a.seq);
  const out: FlatRange[] = [];
  for (let i = 0; i + 1 < edges.length; i++) {
    const start = edges[i]!;
    const end = edges[i + 1]!;
    const via = order.find((r) => r.addr <= start && r.end >= end);
    if (via === undefined) continue;
    let leaf = via;
    let offset = start - via.addr;
    let readonly = via.kind === "rom";
    while (leaf.target !== null) {
      readonly ||= leaf.readonly;
      offset += leaf.aliasOffset;
      leaf = leaf.target;
    }
    readonly ||= leaf.kind === "rom";
    const prev = out[out.length - 1];
    if (
      prev !== undefined &&
      prev.end === start &&
      prev.via === via &&
      prev.leaf === leaf &&
      prev.offset + (start - prev.start) === offset
    ) {
      out[out.length - 1] = { ...prev, end };
    } else {
      out.push({ start, end, leaf, offset, via, readonly });
    }
  }
  return out;
}

/** False when an alias chain reaches a disabled region. */
function visibleTarget(region: MemoryRegion): boolean {
  for (let r = region.target; r !== null; r = r.target) if (!r.enabled) return false;
  return true;
}
