// PCI bus 0: functions addressed by device/function number, each with a 256-byte configuration space
// (PCI Local Bus Specification 3.0, chapter 6). The common header is handled here once: read-only
// fields, writable masks, write-1-to-clear status bits, the command register's I/O and memory enables,
// and I/O BARs that register/unregister their port range on the PortBus when moved or enabled.
// A function's own registers are reached through the configRead/configWrite hooks it overrides.
import type { GuestLog } from "../io/guest-log.ts";
import type { PortBus, PortHandler, PortRange } from "../io/port-bus.ts";

/** Configuration header offsets (PCI 3.0 §6.1). */
export const PCI_VENDOR_ID = 0x00;
export const PCI_DEVICE_ID = 0x02;
export const PCI_COMMAND = 0x04;
export const PCI_STATUS = 0x06;
export const PCI_REVISION_ID = 0x08;
export const PCI_CLASS_PROG = 0x09;
export const PCI_CLASS_DEVICE = 0x0a;
export const PCI_HEADER_TYPE = 0x0e;
export const PCI_BAR0 = 0x10;
export const PCI_SUBSYSTEM_VENDOR_ID = 0x2c;
export const PCI_SUBSYSTEM_ID = 0x2e;
export const PCI_SUBVENDOR_REDHAT = 0x1af4;
export const PCI_SUBDEVICE_QEMU = 0x1100;
export const PCI_INTERRUPT_LINE = 0x3c;
export const PCI_INTERRUPT_PIN = 0x3d;

/** Command register bits. */
export const PCI_COMMAND_IO = 0x1;
export const PCI_COMMAND_MEMORY = 0x2;
export const PCI_COMMAND_MASTER = 0x4;
/** Status register: the bits a write of 1 clears (PCI 3.0 §6.2.3). */
export const PCI_STATUS_W1C = 0xf900;
/** Status: DEVSEL medium timing (PIIX parts report it). */
export const PCI_STATUS_DEVSEL_MEDIUM = 0x0200;
/** Header type bit 7: a multi-function device. */
export const PCI_HEADER_MULTIFUNCTION = 0x80;
/** BAR bit 0: an I/O space BAR. */
export const PCI_BAR_IO = 0x1;

/** An I/O BAR: `size` ports (a power of two) served by `handler` while decoding is enabled. */
export interface IoBar {
  readonly index: number;
  readonly size: number;
  readonly handler: PortHandler;
}

/** Packs bus/device/function into the 16-bit BDF QEMU and SeaBIOS print (00:01.1 = 0x0009). */
export function devfn(device: number, fn: number): number {
  return (device << 3) | fn;
}

/** A PCI function's saved state (a subclass's carries more). */
export interface PciFunctionState {
  readonly config: Uint8Array;
}

/** PciFunction's own fields (saved by PciFunction.saveState; a subclass's savePlain skips them). */
export const PCI_FUNCTION_FIELDS = ["name", "config", "wmask", "w1cmask", "bars", "mapped", "io", "log"];

/** One PCI function. Subclasses set ids in their constructor and override the config hooks. */
export class PciFunction {
  readonly config = new Uint8Array(256);
  /** Bits a guest may write (1 = writable). */
  readonly wmask = new Uint8Array(256);
  /** Bits a guest write of 1 clears. */
  readonly w1cmask = new Uint8Array(256);
  private readonly bars: IoBar[] = [];
  private readonly mapped = new Map<number, { base: number; range: PortRange }>();
  protected io: PortBus | null = null;
  protected log: GuestLog | null = null;

  /** Needs: ids as in the datasheet; `classCode` = class<<8 | subclass, `progIf` the interface byte. */
  constructor(
    readonly name: string,
    vendor: number,
    device: number,
    classCode: number,
    progIf = 0,
    revision = 0,
  ) {
    this.set16(PCI_VENDOR_ID, vendor);
    this.set16(PCI_DEVICE_ID, device);
    this.set16(PCI_CLASS_DEVICE, classCode);
    this.config[PCI_CLASS_PROG] = progIf;
    this.config[PCI_REVISION_ID] = revision;
    this.set16(PCI_STATUS, PCI_STATUS_DEVSEL_MEDIUM);
    // QEMU gives every device Red Hat's subsystem ids; SeaBIOS detects QEMU by them on 00:00.0.
    this.set16(PCI_SUBSYSTEM_VENDOR_ID, PCI_SUBVENDOR_REDHAT);
    this.set16(PCI_SUBSYSTEM_ID, PCI_SUBDEVICE_QEMU);
    this.wmask[PCI_COMMAND] = PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER;
    this.wmask[PCI_COMMAND + 1] = 0x01; // INTx disable
    this.w1cmask[PCI_STATUS + 1] = PCI_STATUS_W1C >> 8;
    this.wmask[PCI_INTERRUPT_LINE] = 0xff;
  }

  /** Attaches the function to the port bus (called by the PciBus when plugged). */
  attachBus(io: PortBus, log: GuestLog): void {
    this.io = io;
    this.log = log;
  }

  /** Declares an I/O BAR of `size` ports (power of two, >= 4). */
  protected addIoBar(index: number, size: number, handler: PortHandler): void {
    this.bars.push({ index, size, handler });
    const at = PCI_BAR0 + 4 * index;
    this.set32(at, PCI_BAR_IO);
    // As QEMU: all 32 bits above the size are writable; a base beyond 0xffff does not decode.
    const mask = (~(size - 1) & ~3) >>> 0;
    for (let i = 0; i < 4; i++) this.wmask[at + i] = (mask >>> (8 * i)) & 0xff;
  }

  /** Current I/O base of BAR `index` while it decodes, else null. */
  ioBarBase(index: number): number | null {
    return this.mapped.get(index)?.base ?? null;
  }

  /** Reads `size` bytes of config space at `offset` (aligned by the caller). */
  configRead(offset: number, size: 1 | 2 | 4): number {
    let value = 0;
    for (let i = 0; i < size; i++) value |= this.config[offset + i]! << (8 * i);
    return value >>> 0;
  }

  /** Writes config space honouring the writable and write-1-to-clear masks, then updates BARs. */
  configWrite(offset: number, size: 1 | 2 | 4, value: number): void {
    for (let i = 0; i < size; i++) {
      const at = offset + i;
      const byte = (value >>> (8 * i)) & 0xff;
      const w = this.wmask[at]!;
      const c = this.w1cmask[at]!;
      this.config[at] = ((this.config[at]! & ~w) | (byte & w)) & ~(byte & c);
    }
    if (offset < PCI_BAR0 + 24 && offset + size > PCI_COMMAND) this.updateBars();
  }

  /** Configuration space as plain data (subclasses add their own registers). */
  saveState(): PciFunctionState {
    return { config: this.config.slice() };
  }

  /** Puts back config space and maps the BARs it programs (subclasses re-apply their own windows). */
  loadState(s: PciFunctionState): void {
    this.config.set(s.config);
    this.updateBars();
  }

  /** System reset of the common header: command 0, BARs back to their type bits, decoding off. */
  reset(): void {
    this.set16(PCI_COMMAND, 0);
    this.config[PCI_STATUS + 1]! &= ~(PCI_STATUS_W1C >> 8);
    for (const bar of this.bars) this.set32(PCI_BAR0 + 4 * bar.index, PCI_BAR_IO);
    this.config[PCI_INTERRUPT_LINE] = 0;
    this.updateBars();
  }

  /** Maps or unmaps each I/O BAR per the command register and its base (QEMU's pci_update_mappings). */
  protected updateBars(): void {
    const ioOn = (this.config[PCI_COMMAND]! & PCI_COMMAND_IO) !== 0;
    for (const bar of this.bars) {
      const raw = this.get32(PCI_BAR0 + 4 * bar.index);
      const base = (raw & ~3) >>> 0;
      const want = ioOn && base !== 0 && base + bar.size <= 0x10000 ? base : null;
      const cur = this.mapped.get(bar.index);
      if (cur !== undefined && cur.base === want) continue;
      if (cur !== undefined) {
        this.io?.unregister(cur.range);
        this.mapped.delete(bar.index);
      }
      if (want !== null && this.io !== null) {
        try {
          const range = this.io.register(want, bar.size, bar.handler);
          this.mapped.set(bar.index, { base: want, range });
        } catch {
          this.log?.guestError(
            `${this.name}: BAR${bar.index} at 0x${want.toString(16)} overlaps another device; not decoded`,
          );
        }
      }
    }
  }

  protected set16(offset: number, value: number): void {
    this.config[offset] = value & 0xff;
    this.config[offset + 1] = (value >> 8) & 0xff;
  }

  protected set32(offset: number, value: number): void {
    for (let i = 0; i < 4; i++) this.config[offset + i] = (value >>> (8 * i)) & 0xff;
  }

  protected get32(offset: number): number {
    return (
      (this.config[offset]! |
        (this.config[offset + 1]! << 8) |
        (this.config[offset + 2]! << 16) |
        (this.config[offset + 3]! << 24)) >>>
      0
    );
  }
}

/** The bus's saved state: each devfn's function state (null: empty slot). */
export type PciBusState = readonly (PciFunctionState | null)[];

/** Bus 0 with up to 32 devices x 8 functions. */
export class PciBus {
  private readonly functions: (PciFunction | null)[] = new Array(256).fill(null);

  constructor(
    private readonly io: PortBus,
    private readonly log: GuestLog,
  ) {}

  /** Plugs `fn` at device/function `slot` (devfn). Needs: the slot is free. */
  plug(slot: number, fn: PciFunction): PciFunction {
    if (this.functions[slot] !== null) throw new Error(`PCI slot ${slot} is taken`);
    this.functions[slot] = fn;
    fn.attachBus(this.io, this.log);
    return fn;
  }

  /** The function at devfn `slot`, or null. */
  at(slot: number): PciFunction | null {
    return this.functions[slot & 0xff] ?? null;
  }

  /** Every plugged function with its devfn. */
  list(): { slot: number; fn: PciFunction }[] {
    const out: { slot: number; fn: PciFunction }[] = [];
    this.functions.forEach((fn, slot) => {
      if (fn !== null) out.push({ slot, fn });
    });
    return out;
  }

  /** A configuration read; an absent function reads all ones (master abort). */
  read(bus: number, slot: number, offset: number, size: 1 | 2 | 4): number {
    const fn = bus === 0 ? this.functions[slot] : null;
    if (fn === null || fn === undefined) return size === 4 ? 0xffffffff : (1 << (8 * size)) - 1;
    return fn.configRead(offset, size);
  }

  /** A configuration write; to an absent function it is dropped. */
  write(bus: number, slot: number, offset: number, size: 1 | 2 | 4, value: number): void {
    const fn = bus === 0 ? this.functions[slot] : null;
    if (fn === null || fn === undefined) return;
    fn.configWrite(offset, size, value);
  }

  /** Every plugged function's state, by devfn. */
  saveState(): PciBusState {
    return this.functions.map((fn) => fn?.saveState() ?? null);
  }

  /** Puts back a saveState() copy (the same functions are plugged). */
  loadState(s: PciBusState): void {
    this.functions.forEach((fn, slot) => {
      const st = s[slot];
      if (fn !== null && st !== null && st !== undefined) fn.loadState(st);
    });
  }

  /** System reset of every function. */
  reset(): void {
    for (const fn of this.functions) fn?.reset();
  }
}
