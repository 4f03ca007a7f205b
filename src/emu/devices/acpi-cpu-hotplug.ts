// QEMU's ACPI CPU hot-plug block at 0xaf00 on the PIIX4 PM function, in both of QEMU 7.2's modes.
// At power-on it is the legacy interface (hw/acpi/cpu_hotplug.c): 32 bytes of present-CPU bitmap
// by APIC ID, accessed a byte at a time. Writing 0 to its first byte, as the DSDT's \_SB.PCI0.PRES._INI
// does (Store(Zero, CSEL)), switches to the modern interface for good, resets included
// (hw/acpi/cpu.c, 12 bytes): CSEL selects one of the possible CPUs, the flags byte says enabled /
// inserting / removing / firmware-remove, CCMD picks what CDAT returns (the next CPU with an event,
// or the APIC ID). No CPU is ever hot-plugged here, so there are no insert or remove events.

import type { GuestLog } from "../io/guest-log.ts";
import { type PortBus, type PortHandler, type PortRange, SIZES_ALL } from "../io/port-bus.ts";
import { loadPlain, type PlainRecord, savePlain } from "../snapshot/plain.ts";

/** Bytes of each interface. */
export const LEGACY_CPUHP_LEN = 32;
export const MODERN_CPUHP_LEN = 12;
// Modern register offsets (hw/acpi/cpu.c).
const SELECTOR = 0; // write: CSEL; read: command data 2 (high half of CDAT)
const FLAGS = 4;
const COMMAND = 5;
const DATA = 8;
// FLAGS bits.
const FLAG_ENABLED = 1;
const FLAG_INSERTING = 2;
const FLAG_REMOVING = 4;
const FLAG_EJECT = 8;
const FLAG_FW_REMOVE = 16;
// CCMD values.
const CMD_GET_NEXT_CPU_WITH_EVENT = 0;
const CMD_GET_CPU_ID = 3;
const CMD_COUNT = 4;

/** One possible CPU: its APIC ID and whether it exists (-smp N of maxcpus M). */
export interface PossibleCpu {
  readonly apicId: number;
  readonly present: boolean;
}

/** The CPU hot-plug block. */
export class AcpiCpuHotplug {
  readonly name = "acpi-cpu-hotplug";
  private legacy: boolean;
  private range: PortRange;
  /** Legacy: bit (APIC ID mod 8) of byte (APIC ID / 8) set for each present CPU. */
  private readonly bitmap = new Uint8Array(LEGACY_CPUHP_LEN);
  /** Modern: the selected CPU (an index into the possible CPUs), the command, firmware-remove marks. */
  private selector = 0;
  private command = CMD_GET_NEXT_CPU_WITH_EVENT;
  private readonly fwRemove: boolean[];

  constructor(
    private readonly io: PortBus,
    readonly base: number,
    private readonly cpus: readonly PossibleCpu[],
    private readonly log: GuestLog,
  ) {
    this.fwRemove = cpus.map(() => false);
    // A present CPU whose APIC ID the bitmap cannot hold switches QEMU to the modern interface at once.
    this.legacy = cpus.every((c) => !c.present || c.apicId < LEGACY_CPUHP_LEN * 8);
    for (const c of cpus) if (c.present && this.legacy) this.bitmap[c.apicId >> 3]! |= 1 << (c.apicId & 7);
    this.range = this.map();
  }

  /** Registers the current interface's ports. */
  private map(): PortRange {
    const handler: PortHandler = {
      name: this.name,
      sizes: SIZES_ALL,
      read: (port, size) => this.access(port - this.base, size, 0, false),
      write: (port, size, value) => {
        this.access(port - this.base, size, value, true);
      },
    };
    return this.io.register(this.base, this.legacy ? LEGACY_CPUHP_LEN : MODERN_CPUHP_LEN, handler);
  }

  /**
   * One guest access as QEMU 7.2's port I/O makes it: a single access of its full width to the
   * register it starts at (the legacy interface then reads byte by byte); an unaligned one is
   * refused, reading 0 and writing nothing. Returns the value read (0 for a write).
   */
  private access(offset: number, size: number, value: number, write: boolean): number {
    if ((offset & (size - 1)) !== 0) return 0;
    if (!write) return this.readRegister(offset, size) >>> 0;
    this.writeRegister(offset, value >>> 0);
    return 0;
  }

  /** A read of `size` bytes at an aligned `offset`. */
  private readRegister(offset: number, size: number): number {
    if (this.legacy) {
      let v = 0;
      for (let i = 0; i < size; i++) v |= this.bitmap[offset + i]! << (8 * i);
      return v >>> 0;
    }
    const cpu = this.cpus[this.selector];
    if (cpu === undefined) return 0;
    switch (offset) {
      case FLAGS:
        return (cpu.present ? FLAG_ENABLED : 0) | (this.fwRemove[this.selector] ? FLAG_FW_REMOVE : 0);
      case DATA:
        if (this.command === CMD_GET_NEXT_CPU_WITH_EVENT) return this.selector;
        return this.command === CMD_GET_CPU_ID ? cpu.apicId : 0;
      default:
        // SELECTOR reads command data 2: the APIC ID's high half, 0 on this machine.
        return 0;
    }
  }

  /** A write at an aligned `offset` (of any width: QEMU's registers take the whole value). */
  private writeRegister(offset: number, value: number): void {
    if (this.legacy) {
      // The legacy bitmap is read-only; a 0 written to its first byte switches to the modern interface.
      if (offset === 0 && (value & 0xff) === 0) this.toModern();
      return;
    }
    if (offset !== SELECTOR && this.selector >= this.cpus.length) return;
    switch (offset) {
      case SELECTOR:
        this.selector = value >>> 0;
        break;
      case FLAGS:
        this.writeFlags(value);
        break;
      case COMMAND:
        if (value < CMD_COUNT) {
          this.command = value;
          if (value === CMD_GET_NEXT_CPU_WITH_EVENT) this.selectNextWithEvent();
        }
        break;
      default:
        // DATA takes _OST event and status codes, which nothing reads back.
        break;
    }
  }

  /** FLAGS write: clear insert/remove events (none here), eject, or mark for firmware removal. */
  private writeFlags(value: number): void {
    if ((value & (FLAG_INSERTING | FLAG_REMOVING)) !== 0) return;
    const cpu = this.cpus[this.selector]!;
    const removable = cpu.present && this.selector !== 0;
    if ((value & FLAG_EJECT) !== 0) {
      if (removable) this.log.unimplemented(`ACPI CPU hot-unplug of CPU ${this.selector} (ignored)`);
    } else if ((value & FLAG_FW_REMOVE) !== 0 && removable) this.fwRemove[this.selector] = true;
  }

  /** CCMD 0: from the selected CPU on, round the list, select the first with an event (if any). */
  private selectNextWithEvent(): void {
    const n = this.cpus.length;
    for (let k = 0; k < n; k++) {
      const i = (this.selector + k) % n;
      if (this.fwRemove[i]) {
        this.selector = i;
        return;
      }
    }
  }

  /** The interface in use, the legacy bitmap and the modern registers, for a machine snapshot. */
  saveState(): PlainRecord {
    return savePlain(this, ["range", "io", "base", "cpus", "log"]);
  }

  /** Puts back a saveState() copy, mapping the ports of the interface it was using. */
  loadState(s: PlainRecord): void {
    const wasLegacy = this.legacy;
    loadPlain(this, s);
    if (this.legacy !== wasLegacy) {
      this.io.unregister(this.range);
      this.range = this.map();
    }
  }

  /** Replaces the legacy ports with the modern interface (QEMU's cpu-hotplug-legacy=false). */
  private toModern(): void {
    if (!this.legacy) return;
    this.legacy = false;
    this.io.unregister(this.range);
    this.range = this.map();
  }
}
