// QEMU's firmware configuration device (docs/specs/fw_cfg.rst) on the x86 I/O ports: selector 0x510
// (16-bit), data 0x511 (8-bit, auto-incrementing), and the DMA interface at 0x514 (big-endian
// address, high dword then low dword; writing the low dword runs the transfer). Items are the
// legacy keys (signature, ID, RAM size, CPU counts, NUMA, boot menu...) and named files listed in the
// file directory (key 0x19), e.g. `etc/e820` and `bootorder`. Every select and PIO read is traced
// with QEMU's event names.
import type { GuestLog } from "../io/guest-log.ts";
import { type PortBus, SIZE_8, SIZE_16, SIZES_ALL } from "../io/port-bus.ts";
import { shared } from "../snapshot/plain.ts";
import type { TraceBus, TracePoint } from "../trace/bus.ts";
import type { DmaMemory } from "./irq.ts";

export const FW_CFG_PORT_SEL = 0x510;
export const FW_CFG_PORT_DATA = 0x511;
export const FW_CFG_PORT_DMA = 0x514;
/** Legacy keys. */
export const FW_CFG_SIGNATURE = 0x00;
export const FW_CFG_ID = 0x01;
export const FW_CFG_UUID = 0x02;
export const FW_CFG_RAM_SIZE = 0x03;
export const FW_CFG_NOGRAPHIC = 0x04;
export const FW_CFG_NB_CPUS = 0x05;
export const FW_CFG_MACHINE_ID = 0x06;
export const FW_CFG_KERNEL_ADDR = 0x07;
export const FW_CFG_NUMA = 0x0d;
export const FW_CFG_BOOT_MENU = 0x0e;
export const FW_CFG_MAX_CPUS = 0x0f;
export const FW_CFG_FILE_DIR = 0x19;
export const FW_CFG_FILE_FIRST = 0x20;
export const FW_CFG_ACPI_TABLES = 0x8000;
export const FW_CFG_SMBIOS_ENTRIES = 0x8001;
export const FW_CFG_IRQ0_OVERRIDE = 0x8002;
/** The legacy e820 reservation table (a 32-bit count of entries; QEMU 7.2 gives none). */
export const FW_CFG_E820_TABLE = 0x8003;
export const FW_CFG_INVALID = 0xffff;
/** ID bits: traditional interface, DMA interface. */
export const FW_CFG_VERSION = 0x01;
export const FW_CFG_VERSION_DMA = 0x02;
/** DMA control bits. */
export const FW_CFG_DMA_ERROR = 0x01;
export const FW_CFG_DMA_READ = 0x02;
export const FW_CFG_DMA_SKIP = 0x04;
export const FW_CFG_DMA_SELECT = 0x08;
export const FW_CFG_DMA_WRITE = 0x10;
/** File directory entry: size(4) select(2) reserved(2) name(56). */
const FILE_NAME_MAX = 56;

/** One item. */
interface Item {
  name: string;
  data: Uint8Array;
  /** Called when the guest selects the item, before it reads (QEMU's select_cb). */
  onSelect?: () => void;
}

/** Little-endian encoders for item values. */
export function le16(v: number): Uint8Array {
  return Uint8Array.of(v & 0xff, (v >> 8) & 0xff);
}
export function le32(v: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v >>> 0, true);
  return b;
}
export function le64(v: number): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(v), true);
  return b;
}

/** The saved state. */
export interface FwCfgState {
  readonly current: number;
  readonly offset: number;
  readonly dmaHigh: number;
  readonly data: readonly (readonly [number, Uint8Array])[];
}

/** The device. */
export class FwCfg {
  readonly name = "fw_cfg";
  private readonly items = new Map<number, Item>();
  private readonly files: { name: string; key: number }[] = [];
  private current = FW_CFG_INVALID;
  private offset = 0;
  private dmaHigh = 0;
  private readonly selectPoint: TracePoint;
  private readonly readPoint: TracePoint;

  /** Registers 0x510-0x511 and 0x514-0x51b; DMA reads and writes `memory`. */
  constructor(
    io: PortBus,
    private readonly memory: DmaMemory,
    trace: TraceBus,
    private readonly log: GuestLog,
  ) {
    this.selectPoint = trace.point("fw_cfg_select");
    this.readPoint = trace.point("fw_cfg_read");
    this.addBytes(FW_CFG_SIGNATURE, "signature", new TextEncoder().encode("QEMU"));
    this.addBytes(FW_CFG_ID, "id", le32(FW_CFG_VERSION | FW_CFG_VERSION_DMA));
    io.register(FW_CFG_PORT_SEL, 2, {
      name: "fwcfg",
      sizes: SIZE_8 | SIZE_16,
      // QEMU's fw_cfg_comb_valid: byte reads and writes at either port (a read is a data byte, even
      // at 0x510), a word write to 0x510 (the selector); anything else is refused.
      accepts: (offset, size, isWrite) => size === 1 || (isWrite && size === 2 && offset === 0),
      read: () => this.readByte(),
      write: (port, size, v) => {
        if (size === 2) this.select(v);
        else
          this.log.guestError(`fw_cfg: ${size}-byte write to port 0x${port.toString(16)} ignored`, "fwcfg-w");
      },
    });
    io.register(FW_CFG_PORT_DMA, 8, {
      name: "fwcfg.dma",
      sizes: SIZES_ALL,
      // QEMU's fw_cfg_dma_mem_valid: any read; dword writes of either half of the address.
      accepts: (offset, size, isWrite) => !isWrite || (size === 4 && (offset === 0 || offset === 4)),
      read: (port, size) => this.readDmaSignature(port - FW_CFG_PORT_DMA, size),
      write: (port, size, v) => this.writeDma(port - FW_CFG_PORT_DMA, size, v),
    });
  }

  /** Adds (or replaces) a legacy item. */
  addBytes(key: number, name: string, data: Uint8Array): void {
    this.items.set(key, { name, data });
  }

  /**
   * Adds a named file (listed in the directory, sorted by name as QEMU does), or replaces its
   * contents. `onSelect` runs whenever the guest selects it, before it reads (it may replace the
   * contents, as QEMU's ACPI build does on the first read).
   */
  addFile(name: string, data: Uint8Array, onSelect?: () => void): void {
    if (new TextEncoder().encode(name).length >= FILE_NAME_MAX)
      throw new Error(`fw_cfg file name too long: ${name}`);
    const existing = this.files.find((f) => f.name === name);
    if (existing !== undefined) {
      this.items.set(existing.key, { name, data, onSelect });
      this.rebuildDirectory(); // the directory entry carries the size
      return;
    }
    this.files.push({ name, key: 0 });
    this.files.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    // Keys follow directory order; re-key every file.
    const old = new Map(
      this.files.map((f) => [f.name, f.key === 0 ? { name, data, onSelect } : this.items.get(f.key)!]),
    );
    for (let k = FW_CFG_FILE_FIRST; k < FW_CFG_FILE_FIRST + this.files.length; k++) this.items.delete(k);
    this.files.forEach((f, i) => {
      f.key = FW_CFG_FILE_FIRST + i;
      this.items.set(f.key, old.get(f.name)!);
    });
    this.rebuildDirectory();
  }

  /** Every item (for `info fw_cfg`): legacy keys in key order, then the files in directory order. */
  listing(): { key: number; name: string; size: number; file: boolean }[] {
    const fileKeys = new Set(this.files.map((f) => f.key));
    const legacy = [...this.items.keys()].filter((k) => !fileKeys.has(k)).sort((a, b) => a - b);
    const entry = (key: number, file: boolean) => {
      const item = this.items.get(key)!;
      return { key, name: item.name, size: item.data.length, file };
    };
    return [...legacy.map((k) => entry(k, false)), ...this.files.map((f) => entry(f.key, true))];
  }

  /** The bytes of a file, or null. */
  file(name: string): Uint8Array | null {
    const f = this.files.find((x) => x.name === name);
    return f === undefined ? null : this.items.get(f.key)!.data;
  }

  /**
   * The selection, read offset and DMA address half, and every item's contents: items are replaced,
   * never changed in place (the ACPI build replaces its files on first read), so the saved arrays
   * are the items' own and stay as they were.
   */
  saveState(): FwCfgState {
    return {
      current: this.current,
      offset: this.offset,
      dmaHigh: this.dmaHigh,
      data: [...this.items].map(([key, item]) => [key, shared(item.data)] as const),
    };
  }

  /** Puts back a saveState() copy (items added after it was taken keep their contents). */
  loadState(s: FwCfgState): void {
    this.current = s.current;
    this.offset = s.offset;
    this.dmaHigh = s.dmaHigh;
    for (const [key, data] of s.data) {
      const item = this.items.get(key);
      if (item !== undefined) this.items.set(key, { ...item, data });
    }
  }

  /** Resets the selection (QEMU's fw_cfg_reset). */
  reset(): void {
    this.select(FW_CFG_SIGNATURE);
  }

  private rebuildDirectory(): void {
    const dir = new Uint8Array(4 + 64 * this.files.length);
    const view = new DataView(dir.buffer);
    view.setUint32(0, this.files.length, false);
    this.files.forEach((f, i) => {
      const at = 4 + 64 * i;
      view.setUint32(at, this.items.get(f.key)!.data.length, false);
      view.setUint16(at + 4, f.key, false);
      dir.set(new TextEncoder().encode(f.name), at + 8);
    });
    this.items.set(FW_CFG_FILE_DIR, { name: "file_dir", data: dir });
  }

  private select(key: number): void {
    this.current = key & 0xffff;
    this.offset = 0;
    const item = this.items.get(this.current);
    if (this.selectPoint.on) this.selectPoint.emit({ key: this.current, name: item?.name ?? "unknown" });
    item?.onSelect?.();
  }

  private readByte(): number {
    const item = this.items.get(this.current);
    let v = 0;
    if (item !== undefined && this.offset < item.data.length) v = item.data[this.offset++]!;
    if (this.readPoint.on) this.readPoint.emit({ ret: v });
    return v;
  }

  /** The DMA register reads back the "QEMU CFG" signature (big-endian). */
  private readDmaSignature(offset: number, size: number): number {
    const sig = new TextEncoder().encode("QEMU CFG");
    let v = 0;
    // Big-endian register: the signature's bytes reach the guest in memory order.
    for (let i = 0; i < size; i++) v |= sig[offset + i]! << (8 * i);
    return v >>> 0;
  }

  private writeDma(offset: number, size: number, v: number): void {
    if (size !== 4) {
      this.log.unimplemented(`fw_cfg: ${size}-byte DMA register access`, "fwcfg-dma-size");
      return;
    }
    // The register is big-endian: the guest's outl of the high half is byte-swapped.
    const value = swap32(v);
    if (offset === 0) this.dmaHigh = value;
    else if (offset === 4) {
      const addr = this.dmaHigh * 2 ** 32 + value;
      this.dmaHigh = 0;
      this.runDma(addr);
    }
  }

  /** Runs one DMA descriptor at `addr` and writes its control word back. */
  private runDma(addr: number): void {
    const desc = new DataView(this.memory.readPhysical(addr, 16).buffer);
    let control = desc.getUint32(0, false);
    let length = desc.getUint32(4, false);
    let target = Number(desc.getBigUint64(8, false));
    if ((control & FW_CFG_DMA_SELECT) !== 0) this.select(control >>> 16);
    let error = false;
    const item = this.items.get(this.current);
    while (length > 0) {
      const avail = item === undefined ? 0 : Math.max(0, item.data.length - this.offset);
      const n = Math.min(length, avail);
      if ((control & FW_CFG_DMA_READ) !== 0) {
        const out = new Uint8Array(length);
        if (n > 0) out.set(item!.data.subarray(this.offset, this.offset + n));
        this.memory.writePhysical(target, out);
      } else if ((control & FW_CFG_DMA_WRITE) !== 0) {
        error = true; // no writable items
        this.log.guestError(`fw_cfg: DMA write to read-only item 0x${this.current.toString(16)}`);
      } else if ((control & FW_CFG_DMA_SKIP) === 0) {
        break;
      }
      this.offset += n;
      target += length;
      length = 0;
    }
    control = error ? FW_CFG_DMA_ERROR : 0;
    const back = new Uint8Array(4);
    new DataView(back.buffer).setUint32(0, control, false);
    this.memory.writePhysical(addr, back);
  }
}

function swap32(v: number): number {
  return (((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24)) >>> 0;
}
