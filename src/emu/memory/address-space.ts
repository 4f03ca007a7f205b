// The guest-physical address space: regions with priorities flattened, as QEMU's memory API does,
// into a sorted list of flat ranges and, below 4 GiB, into the 4 KiB page maps the CPU indexes
// directly. RAM and ROM bytes live in one buffer (at most 4 GiB, Node 20's largest typed array),
// each region starting on a 4 KiB boundary in it; the page maps hold ~n, the bitwise NOT of a buffer
// page number n (the page at buffer index n * 4096), as the CPU's TLB entries do: 0 is the slow
// path, so new maps need no fill, and readers test `~entry >= 0`. A page below 4 GiB fully
// covered by RAM maps for reads and writes, by ROM (or a read-only alias) for reads only; anything
// else (MMIO, unmapped, pages shared by several ranges, an alias off the 4 KiB grid, and every
// address from 4 GiB on) takes the slow path here, which dispatches MMIO with width handling, reads
// unmapped bytes as all ones below 4 GiB and as zeros above (QEMU 7.2's unassigned memory there,
// measured by firmware/tests/highmem/above4g.asm), and ignores (and logs once per page) writes to
// ROM or to nothing.
// Addresses above 4 GiB (up to PHYS_END: PAE's 36 bits, PSE-36's 40) are plain numbers, not int32s.
// RAM that does not fit the buffer (the PC's RAM shown above 4 GiB) keeps its bytes in HighRam,
// reached only by the slow path: the CPU's fast paths and TLB see the buffer alone.
import type { PhysicalMemory } from "../cpu/state.ts";
import type { GuestLog } from "../io/guest-log.ts";
import { HighRam } from "./high-ram.ts";
import { mtree, mtreeFlat } from "./mtree.ts";
import { MemoryRegion, type MmioOps, type RegionOwner } from "./region.ts";

export const PAGE_SHIFT = 12;
export const PAGE_SIZE = 1 << PAGE_SHIFT;
/** Pages below 4 GiB: the page maps' length. */
const PAGE_COUNT = 1 << 20;
const FOUR_GIB = 2 ** 32;
/** The end of the physical address space: 40 bits, the most a PSE-36 4 MiB page reaches (QEMU's TCG). */
export const PHYS_END = 2 ** 40;
/** A page-map entry for the slow path: entries hold ~n for buffer page n, so a new map is all slow. */
const NO_PAGE = 0;
/** Pages per chunk of the page maps whose entries flush() clears only if it ever filled one there. */
const CHUNK_SHIFT = 10;
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
  /**
   * Per physical page below 4 GiB: ~n for the buffer page n holding it for reads, or 0 (slow path).
   * Empty being 0, a new map costs no fill: its 4 MiB are touched only where something is mapped.
   */
  readonly readPage = new Int32Array(PAGE_COUNT);
  /** Per physical page: ~n for the buffer page n holding it for writes, or 0 (slow path). */
  readonly writePage = new Int32Array(PAGE_COUNT);
  /** Per chunk of 1 << CHUNK_SHIFT pages: 1 once flush() filled an entry there (else all are 0). */
  private readonly filledChunks = new Uint8Array(PAGE_COUNT >>> CHUNK_SHIFT);
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
  private dirtyStart = PHYS_END;
  private dirtyEnd = 0;
  /** Pages below 4 GiB whose ignored write was already logged... */
  private readonly loggedWrite = new Uint8Array(PAGE_COUNT);
  /** ...and such page numbers from 4 GiB on. */
  private readonly loggedWriteHigh = new Set<number>();

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

  /**
   * Allocates RAM (zeroed); map() it, or alias it. Its first `inBuffer` bytes (a multiple of 4 KiB;
   * default all) are in the buffer, the rest outside it (HighRam: the slow path's only).
   */
  allocRam(name: string, size: number, inBuffer = size): MemoryRegion {
    return this.allocBacked(name, "ram", size, inBuffer);
  }

  /** Allocates ROM in the buffer, filled with `data` (padded with zeroes). */
  allocRom(name: string, size: number, data?: Uint8Array): MemoryRegion {
    const region = this.allocBacked(name, "rom", size, size);
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

  /** Maps `region` at `addr`; re-flattens its pages. Needs: not mapped yet, ends by PHYS_END. */
  map(region: MemoryRegion, addr: number, options: MapOptions = {}): MemoryRegion {
    if (region.mapped) throw new Error(`region ${region.name} is already mapped`);
    if (!Number.isInteger(addr) || addr < 0 || addr + region.size > PHYS_END) {
      throw new Error(
        `region ${region.name} at 0x${addr.toString(16)} does not fit the physical address space`,
      );
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

  /**
   * The bytes of a RAM or ROM region in the buffer (a view: writing it bypasses ROM protection); for
   * a region with HighRam, its first bufferSize bytes.
   */
  bytes(region: MemoryRegion): Uint8Array {
    if (region.bufferOffset < 0) throw new Error(`region ${region.name} has no backing bytes`);
    return this.buffer.subarray(region.bufferOffset, region.bufferOffset + region.bufferSize);
  }

  /**
   * Every host array holding RAM, in a fixed order (per RAM region: its buffer bytes, then its
   * HighRam chunks), for snapshots: restoring them restores all the guest can write.
   */
  ramStores(): Uint8Array[] {
    const out: Uint8Array[] = [];
    for (const r of this.regions) {
      if (r.kind !== "ram") continue;
      out.push(this.bytes(r));
      if (r.high !== null) out.push(...r.high.chunks);
    }
    return out;
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

  /** The flat range containing `addr` (physical, or an int32 below 4 GiB), or null when unmapped. */
  lookup(addr: number): FlatRange | null {
    const index = this.find(physical(addr));
    return index < 0 ? null : this.flat[index]!;
  }

  /**
   * Slow-path read of `size` bytes at `addr`: any physical address, an int32 standing for one below
   * 4 GiB; pieces straddling ranges are split.
   */
  readSlow(addr: number, size: 1 | 2 | 4): number {
    addr = physical(addr);
    const index = this.find(addr);
    if (index >= 0) {
      const range = this.flat[index]!;
      if (addr + size <= range.end) return this.readRange(range, addr, size);
    } else if (this.unmappedUpTo(addr) >= addr + size) {
      if (addr >= FOUR_GIB) return 0;
      if (addr + size <= FOUR_GIB) return size === 4 ? 0xffffffff : (1 << (size * 8)) - 1;
    }
    let value = 0;
    for (let i = 0; i < size; i++) value |= this.readSlow(addr + i, 1) << (8 * i);
    return value >>> 0;
  }

  /** Slow-path write of the low `size` bytes of `value` at `addr`. */
  writeSlow(addr: number, size: 1 | 2 | 4, value: number): void {
    addr = physical(addr);
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
    for (let i = 0; i < size; i++) this.writeSlow(addr + i, 1, (value >>> (8 * i)) & 0xff);
  }

  /**
   * Debugger read at physical `addr` (any, not wrapping at 4 GiB): RAM and ROM bytes as the bus
   * shows them; MMIO bytes and unmapped ones below 4 GiB read as 0xff, unmapped ones above as 0.
   */
  readPhysical(addr: number, length: number): Uint8Array {
    const out = new Uint8Array(length).fill(0xff);
    addr = physical(addr);
    for (let i = 0; i < length; ) {
      const a = addr + i;
      const inPage = a % PAGE_SIZE;
      const chunk = Math.min(length - i, PAGE_SIZE - inPage);
      const base = a < FOUR_GIB ? ~this.readPage[a >>> PAGE_SHIFT]! : -1;
      if (base >= 0) {
        const from = base * PAGE_SIZE + inPage;
        out.set(this.buffer.subarray(from, from + chunk), i);
      } else {
        for (let k = 0; k < chunk; k++) {
          const range = this.lookup(a + k);
          if (range !== null && range.leaf.ops === null) {
            out[i + k] = this.backedRead(range.leaf, range.offset + a + k - range.start, 1);
          } else if (range === null && a + k >= FOUR_GIB) out[i + k] = 0;
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
    addr = physical(addr);
    for (let i = 0; i < data.length; i++) {
      const a = addr + i;
      const range = this.lookup(a);
      if (range === null || range.leaf.kind === "mmio") continue;
      if (!rom && (range.readonly || range.leaf.kind !== "ram")) continue;
      this.backedWrite(range.leaf, range.offset + a - range.start, 1, data[i]!);
      written++;
    }
    return written;
  }

  /**
   * A RAM or ROM region at the next 4 KiB boundary of the buffer, its first `inBuffer` bytes there
   * and (RAM only) the rest in HighRam.
   */
  private allocBacked(name: string, kind: "ram" | "rom", size: number, inBuffer: number): MemoryRegion {
    this.checkSize(name, size);
    if (
      !Number.isInteger(inBuffer) ||
      inBuffer <= 0 ||
      inBuffer > size ||
      (inBuffer < size && inBuffer % PAGE_SIZE !== 0)
    )
      throw new Error(`region ${name}: ${inBuffer} of its ${size} bytes cannot be in the buffer`);
    const at = Math.ceil(this.bufferUsed / PAGE_SIZE) * PAGE_SIZE;
    if (at + inBuffer > this.buffer.length) {
      throw new Error(
        `address space buffer full: ${name} needs ${inBuffer} bytes, ${Math.max(0, this.buffer.length - at)} left`,
      );
    }
    const high = inBuffer < size ? new HighRam(size - inBuffer) : null;
    const region = new MemoryRegion(this, name, kind, size, at, null, 0, null, inBuffer, high);
    this.bufferUsed = at + inBuffer;
    return this.remember(region);
  }

  private checkSize(name: string, size: number): void {
    if (!Number.isInteger(size) || size <= 0 || size > PHYS_END)
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
    // The page maps cover 4 GiB: pages above stay on the slow path.
    const firstPage = Math.min(PAGE_COUNT, Math.floor(this.dirtyStart / PAGE_SIZE));
    const endPage = Math.min(PAGE_COUNT, Math.ceil(this.dirtyEnd / PAGE_SIZE));
    this.clearPageMaps(firstPage, endPage);
    for (const range of this.flat) {
      if (range.end <= firstPage * PAGE_SIZE || range.start >= endPage * PAGE_SIZE) continue;
      if (range.leaf.bufferOffset < 0) continue; // MMIO: slow path
      const lo = Math.max(firstPage, Math.ceil(range.start / PAGE_SIZE));
      // Only pages whose bytes are in the buffer (not past the leaf's bufferSize, in HighRam).
      const inBuffer = range.start + range.leaf.bufferSize - range.offset;
      const hi = Math.min(endPage, Math.floor(Math.min(range.end, inBuffer) / PAGE_SIZE));
      const writable = !range.readonly && range.leaf.kind === "ram";
      const first = range.leaf.bufferOffset + range.offset + lo * PAGE_SIZE - range.start;
      if (first % PAGE_SIZE !== 0) continue; // an alias off the page grid: slow path
      for (let page = lo; page < hi; page++) {
        const bufferPage = first / PAGE_SIZE + page - lo;
        this.readPage[page] = ~bufferPage;
        if (writable) this.writePage[page] = ~bufferPage;
        this.filledChunks[page >>> CHUNK_SHIFT] = 1;
      }
    }
    this.dirtyStart = PHYS_END;
    this.dirtyEnd = 0;
    this.generation++;
    this.onFlush?.();
  }

  /**
   * Sets the page-map entries of pages [firstPage, endPage) to NO_PAGE, skipping the chunks no
   * entry was ever filled in (still all NO_PAGE): a machine's first flush covers the whole 4 GiB.
   */
  private clearPageMaps(firstPage: number, endPage: number): void {
    const chunk = 1 << CHUNK_SHIFT;
    for (let c = firstPage >>> CHUNK_SHIFT; c << CHUNK_SHIFT < endPage; c++) {
      if (this.filledChunks[c] === 0) continue;
      const from = Math.max(firstPage, c << CHUNK_SHIFT);
      const to = Math.min(endPage, (c << CHUNK_SHIFT) + chunk);
      this.readPage.fill(NO_PAGE, from, to);
      this.writePage.fill(NO_PAGE, from, to);
    }
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

  /** For an unmapped `addr`: where the next mapped range starts (PHYS_END if none). */
  private unmappedUpTo(addr: number): number {
    const flat = this.flat;
    let lo = 0;
    let hi = flat.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (flat[mid]!.start > addr) hi = mid;
      else lo = mid + 1;
    }
    return lo < flat.length ? flat[lo]!.start : PHYS_END;
  }

  private readRange(range: FlatRange, addr: number, size: 1 | 2 | 4): number {
    const leaf = range.leaf;
    const offset = range.offset + addr - range.start;
    if (leaf.ops === null) return this.backedRead(leaf, offset, size);
    return mmioRead(leaf.ops, offset, size);
  }

  /** The `size` bytes at `offset` of RAM/ROM region `leaf`, from the buffer or its HighRam. */
  private backedRead(leaf: MemoryRegion, offset: number, size: 1 | 2 | 4): number {
    const inBuffer = leaf.bufferSize;
    if (offset >= inBuffer) return leaf.high!.read(offset - inBuffer, size);
    if (offset + size > inBuffer) {
      let value = 0;
      for (let i = 0; i < size; i++) value |= this.backedRead(leaf, offset + i, 1) << (8 * i);
      return value >>> 0;
    }
    const at = leaf.bufferOffset + offset;
    const b = this.buffer;
    if (size === 1) return b[at]!;
    if (size === 2) return b[at]! | (b[at + 1]! << 8);
    return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
  }

  /**
   * Stores the low `size` bytes of `value` at `offset` of RAM/ROM region `leaf` (no protection
   * check); translated code over buffer bytes is dropped (onBufferWrite).
   */
  private backedWrite(leaf: MemoryRegion, offset: number, size: 1 | 2 | 4, value: number): void {
    const inBuffer = leaf.bufferSize;
    if (offset >= inBuffer) {
      leaf.high!.write(offset - inBuffer, size, value);
      return;
    }
    if (offset + size > inBuffer) {
      for (let i = 0; i < size; i++) this.backedWrite(leaf, offset + i, 1, value >>> (8 * i));
      return;
    }
    const at = leaf.bufferOffset + offset;
    for (let i = 0; i < size; i++) this.buffer[at + i] = value >>> (8 * i);
    this.onBufferWrite?.(at, size);
  }

  private writeRange(range: FlatRange, addr: number, size: 1 | 2 | 4, value: number): void {
    const leaf = range.leaf;
    if (range.readonly) {
      this.logIgnoredWrite(addr, size, value, `read-only ${range.via.name}`);
      return;
    }
    const offset = range.offset + addr - range.start;
    if (leaf.ops === null) this.backedWrite(leaf, offset, size, value);
    else mmioWrite(leaf.ops, offset, size, value);
  }

  private logIgnoredWrite(addr: number, size: number, value: number, what: string): void {
    const page = Math.floor(addr / PAGE_SIZE);
    if (page < PAGE_COUNT) {
      if (this.loggedWrite[page] !== 0) return;
      this.loggedWrite[page] = 1;
    } else {
      if (this.loggedWriteHigh.has(page)) return;
      this.loggedWriteHigh.add(page);
    }
    this.log.guestError(
      `write to ${what} at 0x${addr.toString(16)} (size ${size}, value 0x${(value >>> 0).toString(16)}) ignored`,
    );
  }
}

/** A physical address from a CPU int32 (negative: 2 GiB to 4 GiB) or an address of any size. */
function physical(addr: number): number {
  return addr < 0 ? addr + FOUR_GIB : addr;
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
