// The x86 I/O port bus, dispatching as QEMU 7.2's memory API does for address_space_io (memory.c,
// memory_ldst.c.inc): an access goes whole to the range holding its first byte, even when it runs past
// that range's end (the handler then sees ports beyond its range, as a QEMU device sees offsets beyond
// its region); an access the range does not accept (a size outside `validSizes`, unaligned within the
// range unless `unaligned`, refused by `accepts`) reads 0 and writes nothing; an accepted access wider
// than the sizes the handler implements is split into the widest implemented size, a narrower one is
// widened. Ports owned by no range behave as QEMU's "io" root region: aligned accesses read all ones,
// unaligned ones read 0, writes are ignored (logged once per port). Handlers marked `portio` follow
// QEMU's portio lists instead (ioport.c): any alignment; a size the port lacks is two byte accesses for
// a word (the high byte 0xff past the range), all ones otherwise. Every access can be traced
// (portio_read / portio_write) and watched (a per-port bitmap checked only when any watch exists).
// Dispatch is one typed-array lookup per access and allocates nothing.
import type { PortIo } from "../cpu/state.ts";
import type { IoWatchDir } from "../debug-target.ts";
import type { TraceBus, TracePoint } from "../trace/bus.ts";
import type { GuestLog } from "./guest-log.ts";

/** Access-size bits a handler declares: a bitmask of the byte counts it implements. */
export const SIZE_8 = 1;
export const SIZE_16 = 2;
export const SIZE_32 = 4;
export const SIZES_ALL = SIZE_8 | SIZE_16 | SIZE_32;

/** A device's port handler. `port` is the absolute port number; values are unsigned. */
export interface PortHandler {
  /** Shown in `info ports`-style dumps and logs. */
  readonly name: string;
  /** Bitmask of SIZE_8 | SIZE_16 | SIZE_32 the handler implements (QEMU's .impl sizes). */
  readonly sizes: number;
  /**
   * Optional per-port override of `sizes`, indexed from the range's first port (QEMU's portio lists:
   * a data port taking 16/32-bit accesses beside byte registers). Only with `portio`.
   */
  readonly portSizes?: readonly number[];
  /** The access sizes the range accepts (QEMU's .valid sizes); all when absent. */
  readonly validSizes?: number;
  /** True when the range accepts accesses not aligned to their size (QEMU's .valid.unaligned). */
  readonly unaligned?: boolean;
  /** QEMU's .valid.accepts: `offset` from the range's region start; false refuses the access. */
  accepts?(offset: number, size: 1 | 2 | 4, isWrite: boolean): boolean;
  /** True for a QEMU portio list (see the header): `portSizes` name exact sizes per port. */
  readonly portio?: boolean;
  read(port: number, size: 1 | 2 | 4): number;
  write(port: number, size: 1 | 2 | 4, value: number): void;
}

/** A registered range. */
export interface PortRange {
  readonly first: number;
  readonly last: number;
  readonly handler: PortHandler;
  /** Where the handler's region starts: `first`, or earlier when another range cuts into it. */
  readonly regionFirst: number;
  /** True for a placeholder of a device we do not implement (accesses logged as `unimp`). */
  readonly unimplemented: boolean;
}

/** Direction of a completed access, as reported to the I/O watch hook. */
export type PortDir = "in" | "out";

/** Called after a watched access completed (the machine stops the CPU after the instruction). */
export type IoWatchHook = (port: number, dir: PortDir, size: 1 | 2 | 4, value: number) => void;

/** Ports 0..0xffff plus 3 so a 32-bit access at 0xffff indexes in bounds (those read unmapped). */
const PORT_SPACE = 0x10003;
const NONE = -1;

/** Mask of the low `size` bytes. */
export function sizeMask(size: number): number {
  return size === 4 ? 0xffffffff : (1 << (size * 8)) - 1;
}

/** The port bus. */
export class PortBus implements PortIo {
  /** Range index per port, NONE when unmapped. */
  private readonly owner = new Int32Array(PORT_SPACE).fill(NONE);
  private readonly ranges: (PortRange | null)[] = [];
  /** Handler per range index (parallel to `ranges`, read on the hot path). */
  private readonly handlers: PortHandler[] = [];
  /** Implemented sizes per port (0 when unmapped). */
  private readonly sizesOf = new Uint8Array(PORT_SPACE);
  /**
   * Sizes an access at the port is handed straight to its handler with (accepted, aligned as the
   * range needs, implemented, no `accepts` hook), so the fast path tests one typed array.
   */
  private readonly directSizes = new Uint8Array(PORT_SPACE);
  /** Ports whose unmapped write was already logged. */
  private readonly loggedUnmapped = new Uint8Array(PORT_SPACE);
  /** Per-port watch reference counts by direction; `watchTotal` is their sum. */
  private readonly watchIn = new Uint16Array(PORT_SPACE);
  private readonly watchOut = new Uint16Array(PORT_SPACE);
  private watchTotal = 0;
  private readonly readPoint: TracePoint;
  private readonly writePoint: TracePoint;
  /** Installed by the machine: called when a watched port was accessed. */
  ioWatchHook: IoWatchHook | null = null;

  constructor(
    trace: TraceBus,
    private readonly log: GuestLog,
  ) {
    this.readPoint = trace.point("portio_read");
    this.writePoint = trace.point("portio_write");
  }

  /**
   * Registers `handler` for ports first..first+count-1. Needs: the ports are free and in 0..0xffff
   * (overlap is an emulator bug and throws). `regionFirst` (default `first`) is where the handler's
   * region starts when this range is a piece of it (another device's range cuts the region, as
   * QEMU's PIIX reset control at 0xcf9 cuts the host bridge's CONFADD dword): alignment and
   * `accepts` offsets count from it. Returns the range, for unregister().
   */
  register(
    first: number,
    count: number,
    handler: PortHandler,
    unimplemented = false,
    regionFirst = first,
  ): PortRange {
    const last = first + count - 1;
    if (!Number.isInteger(first) || count < 1 || first < 0 || last > 0xffff || regionFirst > first) {
      throw new Error(`port range ${first}+${count} for ${handler.name} is outside 0..0xffff`);
    }
    if ((handler.sizes & SIZES_ALL) === 0) throw new Error(`${handler.name} implements no access size`);
    for (let p = first; p <= last; p++) {
      const other = this.owner[p]!;
      if (other !== NONE) {
        throw new Error(
          `port 0x${p.toString(16)} of ${handler.name} already belongs to ${this.handlers[other]!.name}`,
        );
      }
    }
    const range: PortRange = { first, last, handler, regionFirst, unimplemented };
    let index = this.ranges.indexOf(null);
    if (index < 0) index = this.ranges.length;
    this.ranges[index] = range;
    this.handlers[index] = handler;
    this.owner.fill(index, first, last + 1);
    const valid = (handler.validSizes ?? SIZES_ALL) & SIZES_ALL;
    for (let p = first; p <= last; p++) {
      const sizes =
        (handler.portio ? (handler.portSizes?.[p - first] ?? handler.sizes) : handler.sizes) & SIZES_ALL;
      if (sizes === 0) throw new Error(`${handler.name} implements no access size at port ${p}`);
      this.sizesOf[p] = sizes;
      let direct = handler.accepts === undefined ? valid & sizes : 0;
      if (!handler.unaligned && !handler.portio) {
        for (const size of [2, 4]) if ((p - regionFirst) % size !== 0) direct &= ~size;
      }
      this.directSizes[p] = direct;
    }
    return range;
  }

  /**
   * Registers a placeholder for a device pcscope does not emulate: reads all ones, writes ignored,
   * each port's first access logged as `unimp` (QEMU's create_unimplemented_device).
   */
  registerUnimplemented(first: number, count: number, name: string): PortRange {
    const log = this.log;
    const logged = new Set<number>();
    const note = (port: number, what: string) => {
      if (logged.has(port)) return;
      logged.add(port);
      log.unimplemented(`${name}: ${what} port 0x${port.toString(16)} (device not implemented)`);
    };
    const handler: PortHandler = {
      name,
      sizes: SIZES_ALL,
      read(port, size) {
        note(port, "read of");
        return sizeMask(size);
      },
      write(port) {
        note(port, "write to");
      },
    };
    return this.register(first, count, handler, true);
  }

  /** Removes a range registered earlier (a PCI BAR moving, a device unplugged). */
  unregister(range: PortRange): void {
    const index = this.ranges.indexOf(range);
    if (index < 0) return;
    this.owner.fill(NONE, range.first, range.last + 1);
    this.sizesOf.fill(0, range.first, range.last + 1);
    this.directSizes.fill(0, range.first, range.last + 1);
    this.ranges[index] = null;
  }

  /** The registered ranges sorted by first port (for dumps and the UI). */
  list(): PortRange[] {
    return this.ranges.filter((r) => r !== null).sort((a, b) => a.first - b.first);
  }

  /** The handler name owning `port`, or null. */
  ownerName(port: number): string | null {
    const index = this.owner[port & 0xffff]!;
    return index === NONE ? null : this.handlers[index]!.name;
  }

  /** A guest IN: returns the value read (unsigned, `size` bytes). */
  in(port: number, size: 1 | 2 | 4): number {
    port &= 0xffff;
    let value: number;
    if ((this.directSizes[port]! & size) !== 0) {
      value = this.handlers[this.owner[port]!]!.read(port, size);
      value = size === 4 ? value >>> 0 : value & ((1 << (size * 8)) - 1);
    } else {
      value = this.inSlow(port, size);
    }
    if (this.readPoint.on) this.readPoint.emit({ addr: port, size, val: value });
    if (this.watchTotal !== 0) this.checkWatch(this.watchIn, port, "in", size, value);
    return value;
  }

  /** A guest OUT of the low `size` bytes of `value`. */
  out(port: number, size: 1 | 2 | 4, value: number): void {
    port &= 0xffff;
    value = size === 4 ? value >>> 0 : value & ((1 << (size * 8)) - 1);
    if (this.writePoint.on) this.writePoint.emit({ addr: port, size, val: value });
    if ((this.directSizes[port]! & size) !== 0) {
      this.handlers[this.owner[port]!]!.write(port, size, value);
    } else {
      this.outSlow(port, size, value);
    }
    if (this.watchTotal !== 0) this.checkWatch(this.watchOut, port, "out", size, value);
  }

  /** Watches accesses to ports first..last in direction `dir` (reference counted). */
  addIoWatch(first: number, last: number, dir: IoWatchDir): void {
    this.adjustWatch(first, last, dir, 1);
  }

  /** Removes one watch added with the same arguments. */
  removeIoWatch(first: number, last: number, dir: IoWatchDir): void {
    this.adjustWatch(first, last, dir, -1);
  }

  private adjustWatch(first: number, last: number, dir: IoWatchDir, delta: 1 | -1): void {
    first = Math.max(0, first);
    last = Math.min(0xffff, last);
    for (let p = first; p <= last; p++) {
      if (dir !== "w") this.watchTotal += this.bump(this.watchIn, p, delta);
      if (dir !== "r") this.watchTotal += this.bump(this.watchOut, p, delta);
    }
  }

  /** Adds delta to a count unless it would go negative; returns the change applied. */
  private bump(counts: Uint16Array, port: number, delta: 1 | -1): number {
    const next = counts[port]! + delta;
    if (next < 0 || next > 0xffff) return 0;
    counts[port] = next;
    return delta;
  }

  /** Calls the hook when any byte of the access is watched. */
  private checkWatch(counts: Uint16Array, port: number, dir: PortDir, size: 1 | 2 | 4, value: number): void {
    for (let i = 0; i < size; i++) {
      if (counts[port + i] !== 0) {
        this.ioWatchHook?.(port, dir, size, value);
        return;
      }
    }
  }

  /** True when the range at `index` accepts an access of `size` at `port` (QEMU's memory_region_access_valid). */
  private accepted(index: number, port: number, size: 1 | 2 | 4, isWrite: boolean): boolean {
    const handler = this.handlers[index]!;
    const offset = port - this.ranges[index]!.regionFirst;
    if (handler.accepts !== undefined && !handler.accepts(offset, size, isWrite)) return false;
    if (!handler.unaligned && !handler.portio && offset % size !== 0) return false;
    return ((handler.validSizes ?? SIZES_ALL) & size) !== 0;
  }

  /** An access the fast path could not serve: unmapped, refused, a portio list, or an unimplemented width. */
  private inSlow(port: number, size: 1 | 2 | 4): number {
    const index = this.owner[port]!;
    if (index === NONE) return port % size === 0 ? sizeMask(size) : 0;
    if (!this.accepted(index, port, size, false)) return 0;
    const handler = this.handlers[index]!;
    const sizes = this.sizesOf[port]!;
    if (handler.portio) return this.portioRead(index, port, size);
    // QEMU's access_with_adjusted_size: pieces of the implemented size nearest `size`.
    const piece = (sizes & size) !== 0 ? size : narrowerSize(sizes, size) || widerSize(sizes, size);
    if (piece >= size) return (handler.read(port, piece) & sizeMask(size)) >>> 0;
    let value = 0;
    for (let i = 0; i < size; i += piece)
      value |= (handler.read(port + i, piece) & sizeMask(piece)) << (8 * i);
    return value >>> 0;
  }

  /** QEMU's portio_read: the exact size the port implements, or a word as two bytes, else all ones. */
  private portioRead(index: number, port: number, size: 1 | 2 | 4): number {
    const handler = this.handlers[index]!;
    if ((this.sizesOf[port]! & size) !== 0) return (handler.read(port, size) & sizeMask(size)) >>> 0;
    if (size !== 2 || (this.sizesOf[port]! & SIZE_8) === 0) return sizeMask(size);
    const high = this.portioByteAt(index, port + 1) ? handler.read(port + 1, 1) & 0xff : 0xff;
    return (handler.read(port, 1) & 0xff) | (high << 8);
  }

  /** True when `port` is a byte port of the same portio range. */
  private portioByteAt(index: number, port: number): boolean {
    return this.owner[port] === index && (this.sizesOf[port]! & SIZE_8) !== 0;
  }

  private outSlow(port: number, size: 1 | 2 | 4, value: number): void {
    const index = this.owner[port]!;
    if (index === NONE) {
      if (port <= 0xffff && this.loggedUnmapped[port] === 0) {
        this.loggedUnmapped[port] = 1;
        this.log.guestError(
          `write to unmapped port 0x${port.toString(16)} (size ${size}, value 0x${value.toString(16)})`,
        );
      }
      return;
    }
    const handler = this.handlers[index]!;
    if (!this.accepted(index, port, size, true)) {
      this.log.guestError(
        `${handler.name}: ${size}-byte write to port 0x${port.toString(16)} refused (QEMU's invalid access)`,
        `port-refused-${port}-${size}`,
      );
      return;
    }
    const sizes = this.sizesOf[port]!;
    if (handler.portio) {
      if ((sizes & size) !== 0) handler.write(port, size, value);
      else if (size === 2 && (sizes & SIZE_8) !== 0) {
        handler.write(port, 1, value & 0xff);
        if (this.portioByteAt(index, port + 1)) handler.write(port + 1, 1, value >>> 8);
      }
      return;
    }
    const piece = (sizes & size) !== 0 ? size : narrowerSize(sizes, size) || widerSize(sizes, size);
    // Narrower than anything implemented: a wider write with the upper bytes zero, as QEMU does.
    if (piece >= size) {
      handler.write(port, piece, value);
      return;
    }
    for (let i = 0; i < size; i += piece)
      handler.write(port + i, piece, (value >>> (8 * i)) & sizeMask(piece));
  }
}

/** The largest implemented size below `size`, or 0. */
function narrowerSize(sizes: number, size: number): 1 | 2 | 0 {
  if (size === 4 && (sizes & SIZE_16) !== 0) return 2;
  if (size >= 2 && (sizes & SIZE_8) !== 0) return 1;
  return 0;
}

/** The smallest implemented size above `size` (one exists when narrowerSize found none). */
function widerSize(sizes: number, size: number): 2 | 4 {
  if (size === 1 && (sizes & SIZE_16) !== 0) return 2;
  return 4;
}
