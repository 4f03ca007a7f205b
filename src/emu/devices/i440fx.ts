// The i440FX host bridge (Intel 82441FX PCI and Memory Controller datasheet): PCI configuration
// mechanism #1 on ports 0xcf8 (CONFADD, 32-bit only) and 0xcfc-0xcff (CONFDATA), the PAM registers
// 0x59-0x5f driving the legacy-area windows, and SMRAM (0x72) opening RAM at 0xa0000. As in QEMU,
// the PAM and SMRAM registers keep their values across a system reset. Port 0xcf9 is the PIIX3 reset
// control register, cutting the CONFADD dword (QEMU's overlapping region): a CONFADD read gives the
// register whatever its width and offset, a write takes a dword at 0xcf8 only. CONFDATA addresses
// CONFADD's register number ORed with the port's low bits, as QEMU's pci_host_data_read does.
import type { GuestLog } from "../io/guest-log.ts";
import { type PortBus, type PortHandler, SIZES_ALL } from "../io/port-bus.ts";
import type { AddressSpace } from "../memory/address-space.ts";
import type { MemoryRegion } from "../memory/region.ts";
import { loadPlain, type PlainRecord, savePlain } from "../snapshot/plain.ts";
import type { TraceBus, TracePoint } from "../trace/bus.ts";
import type { Pam } from "./pam.ts";
import type { PciFunctionState } from "./pci-bus.ts";
import { type PciBus, PciFunction } from "./pci-bus.ts";
import { RESET_CONTROL_PORT } from "./reset-control.ts";

export const PCI_CONFIG_ADDR_PORT = 0xcf8;
export const PCI_CONFIG_DATA_PORT = 0xcfc;
/** CONFADD bits (PCI 3.0 §3.2.2.3.2). */
export const CONFADD_ENABLE = 0x80000000;
/** Host bridge registers (82441FX datasheet §3.2). */
export const I440FX_PAM = 0x59;
export const I440FX_PAM_COUNT = 7;
export const I440FX_SMRAM = 0x72;
/** SMRAM bits: G_SMRAME, D_LCK, D_CLS, D_OPEN. */
export const SMRAM_G_SMRAME = 0x08;
export const SMRAM_D_LCK = 0x10;
export const SMRAM_D_CLS = 0x20;
export const SMRAM_D_OPEN = 0x40;
/** SMRAM power-on value: C_BASE_SEG = 010b (0xa0000). */
export const SMRAM_DEFAULT = 0x02;

/** The host bridge function 00:00.0 (8086:1237). */
export class I440fxFunction extends PciFunction {
  private readonly smramRegion: MemoryRegion;

  /** Needs: the PAM windows and the address space holding the SMRAM window. */
  constructor(
    private readonly pam: Pam,
    space: AddressSpace,
  ) {
    super("i440FX", 0x8086, 0x1237, 0x0600, 0, 0x02);
    this.wmask.fill(0xff, 0x40);
    this.config[I440FX_SMRAM] = SMRAM_DEFAULT;
    // With SMRAM closed, 0xa0000-0xbffff is the PCI/VGA window: no VGA here, so all ones.
    this.smramRegion = space.addMmio(
      "smram-region",
      0xa0000,
      0x20000,
      { read: (_o, size) => (size === 4 ? 0xffffffff : (1 << (8 * size)) - 1), write: () => {} },
      { priority: 1 },
    );
  }

  override configWrite(offset: number, size: 1 | 2 | 4, value: number): void {
    const locked = (this.config[I440FX_SMRAM]! & SMRAM_D_LCK) !== 0;
    const smramBefore = this.config[I440FX_SMRAM]!;
    super.configWrite(offset, size, value);
    if (offset <= I440FX_SMRAM && offset + size > I440FX_SMRAM) {
      if (locked) this.config[I440FX_SMRAM] = smramBefore;
      else this.config[I440FX_SMRAM] = (this.config[I440FX_SMRAM]! & 0x78) | SMRAM_DEFAULT;
    }
    if (offset < I440FX_SMRAM + 1 && offset + size > I440FX_PAM) this.updateMappings();
  }

  /** Config space; loading it re-applies the PAM and SMRAM windows it programs. */
  override loadState(s: PciFunctionState): void {
    super.loadState(s);
    this.updateMappings();
  }

  /** Re-applies PAM and SMRAM to the address space. */
  updateMappings(): void {
    this.pam.update(this.config.subarray(I440FX_PAM, I440FX_PAM + I440FX_PAM_COUNT));
    this.smramRegion.setEnabled((this.config[I440FX_SMRAM]! & SMRAM_D_OPEN) === 0);
  }

  /** The PAM register values (0x59..0x5f). */
  pamRegisters(): number[] {
    return [...this.config.subarray(I440FX_PAM, I440FX_PAM + I440FX_PAM_COUNT)];
  }
}

/** The saved state. */
export type PciHostState = PlainRecord;

/** The configuration mechanism: owns 0xcf8-0xcff and decodes CONFADD for the bus. */
export class PciHost {
  readonly name = "pci-host";
  private confadd = 0;
  private readonly readPoint: TracePoint;
  private readonly writePoint: TracePoint;

  /** Registers the ports. `port0xcf9` (the PIIX reset control) owns port 0xcf9 when given. */
  constructor(
    io: PortBus,
    private readonly bus: PciBus,
    trace: TraceBus,
    private readonly log: GuestLog,
    private readonly port0xcf9: PortHandler | null,
  ) {
    this.readPoint = trace.point("pci_cfg_read");
    this.writePoint = trace.point("pci_cfg_write");
    const confIdx: PortHandler = {
      name: "pci-conf-idx",
      sizes: SIZES_ALL,
      read: () => this.confadd >>> 0,
      write: (port, size, value) => this.writeAddr(port, size, value),
    };
    if (this.port0xcf9 === null) io.register(PCI_CONFIG_ADDR_PORT, 4, confIdx);
    else {
      // The reset control cuts the CONFADD dword in two, as QEMU's overlapping region does.
      io.register(PCI_CONFIG_ADDR_PORT, 1, confIdx);
      io.register(RESET_CONTROL_PORT, 1, this.port0xcf9);
      io.register(RESET_CONTROL_PORT + 1, 2, confIdx, false, PCI_CONFIG_ADDR_PORT);
    }
    io.register(PCI_CONFIG_DATA_PORT, 4, {
      name: "pci-conf-data",
      sizes: SIZES_ALL,
      read: (port, size) => this.readData(port, size),
      write: (port, size, value) => this.writeData(port, size, value),
    });
  }

  /** System reset: CONFADD cleared (config cycles disabled until the firmware writes it). */
  /** CONFADD, as plain data. */
  saveState(): PciHostState {
    return savePlain(this, ["bus", "log", "port0xcf9", "readPoint", "writePoint"]);
  }

  /** Puts back a saveState() copy. */
  loadState(s: PciHostState): void {
    loadPlain(this, s);
  }

  reset(): void {
    this.confadd = 0;
  }

  private writeAddr(port: number, size: 1 | 2 | 4, value: number): void {
    if (size === 4 && port === PCI_CONFIG_ADDR_PORT) {
      this.confadd = value >>> 0;
      return;
    }
    this.log.guestError(
      `pci-conf-idx: ${size}-byte write of 0x${value.toString(16)} to port 0x${port.toString(16)} ignored`,
      `cf8-${port}-${size}`,
    );
  }

  private target(port: number): { bus: number; slot: number; offset: number } | null {
    const a = this.confadd;
    if ((a & CONFADD_ENABLE) === 0) return null;
    return { bus: (a >>> 16) & 0xff, slot: (a >>> 8) & 0xff, offset: (a | (port & 3)) & 0xff };
  }

  private readData(port: number, size: 1 | 2 | 4): number {
    const t = this.target(port);
    if (t === null) return size === 4 ? 0xffffffff : (1 << (8 * size)) - 1;
    const value = this.bus.read(t.bus, t.slot, t.offset, size);
    if (this.readPoint.on) this.readPoint.emit(traceFields(this.bus, t, size, value));
    return value;
  }

  private writeData(port: number, size: 1 | 2 | 4, value: number): void {
    const t = this.target(port);
    if (t === null) return;
    if (this.writePoint.on) this.writePoint.emit(traceFields(this.bus, t, size, value));
    this.bus.write(t.bus, t.slot, t.offset, size, value);
  }
}

/** QEMU's pci_cfg_read/pci_cfg_write fields. */
function traceFields(
  bus: PciBus,
  t: { bus: number; slot: number; offset: number },
  size: number,
  val: number,
): Record<string, string | number> {
  return {
    dev: bus.at(t.slot)?.name ?? "none",
    busnr: t.bus,
    devid: t.slot >> 3,
    fnid: t.slot & 7,
    offs: t.offset,
    size,
    val,
  };
}
