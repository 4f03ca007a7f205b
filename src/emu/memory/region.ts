// A memory region, as in QEMU's memory API: RAM or ROM backed by bytes in the address space's one
// buffer (a RAM region too large for it keeps the rest outside, in HighRam), an alias (a window
// into another region at an offset), or MMIO (device callbacks). A region is mapped at an address
// with a priority (higher wins where regions overlap); changing whether it is enabled or where it
// sits makes the address space re-flatten the affected pages.

import type { HighRam } from "./high-ram.ts";

/** What a region is. */
export type RegionKind = "ram" | "rom" | "alias" | "mmio";

/** Device callbacks for an MMIO region. Offsets are relative to the region; values unsigned. */
export interface MmioOps {
  read(offset: number, size: 1 | 2 | 4): number;
  write(offset: number, size: 1 | 2 | 4, value: number): void;
  /** Narrowest access the device implements (default 1); narrower ones are widened by the bus. */
  minSize?: 1 | 2 | 4;
  /** Widest access the device implements (default 4); wider ones are split by the bus. */
  maxSize?: 1 | 2 | 4;
}

/** What the owning address space must hear about. */
export interface RegionOwner {
  /** A region changed; [oldStart, oldEnd) is where it was mapped before (empty if it was not). */
  regionChanged(region: MemoryRegion, oldStart: number, oldEnd: number): void;
}

/** A region. Created by AddressSpace (allocRam/allocRom/createAlias/createMmio), then mapped. */
export class MemoryRegion {
  /** Guest-physical address where it is mapped (meaningless while unmapped). */
  addr = 0;
  /** Higher wins where mapped regions overlap; among equals, the one mapped later wins. */
  priority = 0;
  /** Whether it takes part in the address space (QEMU's memory_region_set_enabled). */
  enabled = true;
  /** True once mapped into the address space (alias targets may stay unmapped, like pc.ram). */
  mapped = false;
  /** Order of mapping, breaking priority ties. */
  seq = 0;
  /** Alias only: accesses through the alias may not write (QEMU's set_readonly on PAM aliases). */
  readonly = false;

  constructor(
    private readonly owner: RegionOwner,
    readonly name: string,
    readonly kind: RegionKind,
    readonly size: number,
    /** RAM/ROM: offset of its bytes in the address space's buffer (-1 otherwise). */
    readonly bufferOffset: number,
    /** Alias: the region it shows. */
    readonly target: MemoryRegion | null,
    /** Alias: offset in the target of the alias's first byte. */
    readonly aliasOffset: number,
    /** MMIO: the device callbacks. */
    readonly ops: MmioOps | null,
    /** RAM/ROM: how many of its bytes, from offset 0, are in the buffer (size unless `high` holds the rest). */
    readonly bufferSize = bufferOffset >= 0 ? size : 0,
    /** RAM: its bytes from offset bufferSize on, outside the buffer (reached by the slow path only), or null. */
    readonly high: HighRam | null = null,
  ) {}

  /** End address (exclusive) where it is mapped. */
  get end(): number {
    return this.addr + this.size;
  }

  /** Shows or hides the region; re-flattens its pages. */
  setEnabled(enabled: boolean): void {
    if (this.enabled === enabled) return;
    this.enabled = enabled;
    // Unmapped regions matter too: aliases showing them appear or vanish (QEMU semantics).
    this.owner.regionChanged(this, this.addr, this.mapped ? this.end : this.addr);
  }

  /** Moves the region to `addr` (a PCI BAR being programmed); re-flattens old and new pages. */
  moveTo(addr: number): void {
    if (addr === this.addr) return;
    if (!Number.isInteger(addr) || addr < 0 || addr + this.size > 2 ** 32) {
      throw new Error(`region ${this.name} cannot move to ${addr}: outside the 4 GiB space`);
    }
    const oldStart = this.addr;
    const oldEnd = this.end;
    this.addr = addr;
    if (this.mapped) this.owner.regionChanged(this, oldStart, oldEnd);
  }

  /** Changes the priority; re-flattens its pages. */
  setPriority(priority: number): void {
    if (priority === this.priority) return;
    this.priority = priority;
    if (this.mapped) this.owner.regionChanged(this, this.addr, this.end);
  }

  /** Makes an alias read-only (writes through it ignored and logged) or writable again. */
  setReadonly(readonly: boolean): void {
    if (this.kind !== "alias")
      throw new Error(`setReadonly on ${this.kind} region ${this.name}: aliases only`);
    if (readonly === this.readonly) return;
    this.readonly = readonly;
    if (this.mapped) this.owner.regionChanged(this, this.addr, this.end);
  }
}
