// Names for the PC's standard I/O ports and for the values written to them, so the I/O log reads
// `0x1f7 ATA command <- 0xe7 FLUSH CACHE`. Sources: the ATA/ATAPI-6 command set, the PIIX3/PIIX4
// datasheets (bus-master IDE, port 0x92, 0xcf9), the 8259A/8254/MC146818/8042 data sheets, the PCI
// Local Bus spec (0xcf8/0xcfc) and QEMU's fw_cfg documentation.

/** ATA command opcodes (ATA/ATAPI-6 and ATA8-ACS). */
export const ATA_COMMANDS: ReadonlyMap<number, string> = new Map([
  [0x00, "NOP"],
  [0x08, "DEVICE RESET"],
  [0x10, "RECALIBRATE"],
  [0x20, "READ SECTORS"],
  [0x21, "READ SECTORS (no retry)"],
  [0x24, "READ SECTORS EXT"],
  [0x25, "READ DMA EXT"],
  [0x29, "READ MULTIPLE EXT"],
  [0x30, "WRITE SECTORS"],
  [0x31, "WRITE SECTORS (no retry)"],
  [0x34, "WRITE SECTORS EXT"],
  [0x35, "WRITE DMA EXT"],
  [0x39, "WRITE MULTIPLE EXT"],
  [0x40, "READ VERIFY SECTORS"],
  [0x42, "READ VERIFY SECTORS EXT"],
  [0x70, "SEEK"],
  [0x90, "EXECUTE DEVICE DIAGNOSTIC"],
  [0x91, "INITIALIZE DEVICE PARAMETERS"],
  [0xa0, "PACKET"],
  [0xa1, "IDENTIFY PACKET DEVICE"],
  [0xb0, "SMART"],
  [0xc4, "READ MULTIPLE"],
  [0xc5, "WRITE MULTIPLE"],
  [0xc6, "SET MULTIPLE MODE"],
  [0xc8, "READ DMA"],
  [0xca, "WRITE DMA"],
  [0xe0, "STANDBY IMMEDIATE"],
  [0xe1, "IDLE IMMEDIATE"],
  [0xe5, "CHECK POWER MODE"],
  [0xe7, "FLUSH CACHE"],
  [0xea, "FLUSH CACHE EXT"],
  [0xec, "IDENTIFY DEVICE"],
  [0xef, "SET FEATURES"],
  [0xf8, "READ NATIVE MAX ADDRESS"],
  [0xf9, "SET MAX ADDRESS"],
]);

// ATA status register bits.
const ATA_STATUS_BITS: ReadonlyArray<readonly [number, string]> = [
  [0x80, "BSY"],
  [0x40, "DRDY"],
  [0x20, "DF"],
  [0x10, "DSC"],
  [0x08, "DRQ"],
  [0x04, "CORR"],
  [0x02, "IDX"],
  [0x01, "ERR"],
];
// ATA device control register bits.
const ATA_CONTROL_SRST = 0x04;
const ATA_CONTROL_NIEN = 0x02;
// Bus-master IDE command register bits (PIIX: bit 0 start/stop, bit 3 direction: 1 = write to memory).
const BM_CMD_START = 0x01;
const BM_CMD_TO_MEMORY = 0x08;
// Bus-master IDE status register bits.
const BM_STATUS_BITS: ReadonlyArray<readonly [number, string]> = [
  [0x01, "active"],
  [0x02, "error"],
  [0x04, "interrupt"],
  [0x20, "drive0 DMA"],
  [0x40, "drive1 DMA"],
];
// Port 0x92 bits.
const PORT92_RESET = 0x01;
const PORT92_A20 = 0x02;
// 0xcf9 reset control bits.
const RCR_SYS_RST = 0x02;
const RCR_RST_CPU = 0x04;
// CMOS index bit 7 masks NMI.
const CMOS_NMI_MASK = 0x80;
// PCI configuration address enable bit.
const PCI_CONFIG_ENABLE = 0x80000000;

/** 8042 controller commands (port 0x64 writes). */
const I8042_COMMANDS: ReadonlyMap<number, string> = new Map([
  [0x20, "read command byte"],
  [0x60, "write command byte"],
  [0xa7, "disable aux"],
  [0xa8, "enable aux"],
  [0xa9, "test aux"],
  [0xaa, "self test"],
  [0xab, "test keyboard"],
  [0xad, "disable keyboard"],
  [0xae, "enable keyboard"],
  [0xd0, "read output port"],
  [0xd1, "write output port"],
  [0xd4, "write to aux"],
  [0xdd, "A20 off"],
  [0xdf, "A20 on"],
  [0xfe, "pulse reset"],
]);

/** MC146818 CMOS/RTC registers and the PC BIOS's NVRAM bytes (as QEMU fills them). */
const CMOS_REGISTERS: ReadonlyMap<number, string> = new Map([
  [0x00, "seconds"],
  [0x02, "minutes"],
  [0x04, "hours"],
  [0x06, "day of week"],
  [0x07, "day of month"],
  [0x08, "month"],
  [0x09, "year"],
  [0x0a, "status A"],
  [0x0b, "status B"],
  [0x0c, "status C"],
  [0x0d, "status D"],
  [0x0e, "diagnostic status"],
  [0x0f, "shutdown status"],
  [0x10, "floppy types"],
  [0x12, "disk types"],
  [0x14, "equipment"],
  [0x15, "base memory lo"],
  [0x16, "base memory hi"],
  [0x17, "extended memory lo"],
  [0x18, "extended memory hi"],
  [0x30, "extended memory lo (POST)"],
  [0x31, "extended memory hi (POST)"],
  [0x32, "century"],
  [0x34, "memory above 16M lo"],
  [0x35, "memory above 16M hi"],
  [0x38, "boot flags"],
  [0x3d, "boot devices"],
  [0x5b, "memory above 4G lo"],
  [0x5c, "memory above 4G mid"],
  [0x5d, "memory above 4G hi"],
  [0x5f, "CPU count - 1"],
]);

/** fw_cfg selector keys (QEMU docs/specs/fw_cfg.rst, hw/nvram/fw_cfg.h). */
const FW_CFG_KEYS: ReadonlyMap<number, string> = new Map([
  [0x0000, "signature"],
  [0x0001, "id"],
  [0x0002, "uuid"],
  [0x0003, "ram size"],
  [0x0004, "nographic"],
  [0x0005, "nb cpus"],
  [0x0006, "machine id"],
  [0x0007, "kernel addr"],
  [0x0008, "kernel size"],
  [0x0009, "kernel cmdline"],
  [0x000a, "initrd addr"],
  [0x000b, "initrd size"],
  [0x000c, "boot device"],
  [0x000d, "numa"],
  [0x000e, "boot menu"],
  [0x000f, "max cpus"],
  [0x0010, "kernel entry"],
  [0x0011, "kernel data"],
  [0x0012, "initrd data"],
  [0x0013, "cmdline addr"],
  [0x0014, "cmdline size"],
  [0x0015, "cmdline data"],
  [0x0016, "setup addr"],
  [0x0017, "setup size"],
  [0x0018, "setup data"],
  [0x0019, "file dir"],
  [0x8000, "acpi tables"],
  [0x8001, "smbios entries"],
  [0x8002, "irq0 override"],
  [0x8003, "e820 table"],
  [0x8004, "hpet"],
]);

/** A fixed port range and the name of each register in it. */
interface PortRange {
  readonly first: number;
  readonly last: number;
  /** Register name for `port` (within the range) and direction. */
  readonly name: (offset: number, write: boolean) => string;
}

const ATA_TASKFILE = [
  "data",
  "error/features",
  "sector count",
  "LBA low",
  "LBA mid",
  "LBA high",
  "drive/head",
  "status/command",
];
const COM_REGISTERS = ["data/DLL", "IER/DLM", "IIR/FCR", "LCR", "MCR", "LSR", "MSR", "scratch"];

/** Name of an ATA task-file register (`ATA command`, `ATA2 status`, ...). */
function ataName(prefix: string, offset: number, write: boolean): string {
  if (offset === 1) return `${prefix} ${write ? "features" : "error"}`;
  if (offset === 7) return `${prefix} ${write ? "command" : "status"}`;
  return `${prefix} ${ATA_TASKFILE[offset]}`;
}

const FIXED_PORTS: readonly PortRange[] = [
  {
    first: 0x00,
    last: 0x0f,
    name: (o) =>
      `DMA1 ${["addr0", "count0", "addr1", "count1", "addr2", "count2", "addr3", "count3", "status/command", "request", "mask", "mode", "flip-flop", "master clear", "clear mask", "write mask"][o]}`,
  },
  { first: 0x20, last: 0x21, name: (o) => (o === 0 ? "PIC1 command" : "PIC1 data/IMR") },
  { first: 0x40, last: 0x43, name: (o) => (o === 3 ? "PIT mode/command" : `PIT counter ${o}`) },
  { first: 0x60, last: 0x60, name: () => "i8042 data" },
  { first: 0x61, last: 0x61, name: () => "port B (speaker/PIT2 gate)" },
  { first: 0x64, last: 0x64, name: (_o, w) => (w ? "i8042 command" : "i8042 status") },
  { first: 0x70, last: 0x70, name: () => "CMOS index" },
  { first: 0x71, last: 0x71, name: () => "CMOS data" },
  { first: 0x80, last: 0x80, name: () => "POST code" },
  { first: 0x81, last: 0x8f, name: (o) => `DMA page ${o + 1}` },
  { first: 0x92, last: 0x92, name: () => "system control A (A20/reset)" },
  { first: 0xa0, last: 0xa1, name: (o) => (o === 0 ? "PIC2 command" : "PIC2 data/IMR") },
  { first: 0xc0, last: 0xdf, name: (o) => `DMA2 reg ${o >> 1}` },
  { first: 0xe9, last: 0xe9, name: () => "debugcon (0xe9)" },
  { first: 0x170, last: 0x177, name: (o, w) => ataName("ATA2", o, w) },
  { first: 0x1f0, last: 0x1f7, name: (o, w) => ataName("ATA", o, w) },
  { first: 0x376, last: 0x376, name: (_o, w) => (w ? "ATA2 device control" : "ATA2 alt status") },
  { first: 0x3f6, last: 0x3f6, name: (_o, w) => (w ? "ATA device control" : "ATA alt status") },
  { first: 0x3f8, last: 0x3ff, name: (o) => `COM1 ${COM_REGISTERS[o]}` },
  { first: 0x402, last: 0x402, name: () => "debugcon (firmware log)" },
  { first: 0x4d0, last: 0x4d1, name: (o) => `ELCR${o + 1}` },
  { first: 0x510, last: 0x510, name: () => "fw_cfg selector" },
  { first: 0x511, last: 0x511, name: () => "fw_cfg data" },
  { first: 0x514, last: 0x51b, name: () => "fw_cfg DMA address" },
  { first: 0xcf8, last: 0xcfb, name: () => "PCI config address" },
  { first: 0xcf9, last: 0xcf9, name: () => "reset control" },
  { first: 0xcfc, last: 0xcff, name: (o) => `PCI config data${o === 0 ? "" : ` +${o}`}` },
];

/** Space-separated names of the set bits among `bits`. */
function bitNames(value: number, bits: ReadonlyArray<readonly [number, string]>): string {
  return bits
    .filter(([mask]) => (value & mask) !== 0)
    .map(([, name]) => name)
    .join(" ");
}

/** `0x1f`-style hex. */
export function hx(value: number): string {
  return `0x${value.toString(16)}`;
}

/** `bb:dd.f` of a PCI configuration address. */
function pciBdf(address: number): string {
  const bus = (address >>> 16) & 0xff;
  const dev = (address >>> 11) & 0x1f;
  const fn = (address >>> 8) & 0x7;
  return `${bus.toString(16).padStart(2, "0")}:${dev.toString(16).padStart(2, "0")}.${fn}`;
}

// PIIX3 IDE is 00:01.1 on QEMU's `-M pc`; its BAR4 (config offset 0x20) holds the bus-master base.
const PIIX_IDE_BAR4_ADDRESS = PCI_CONFIG_ENABLE | (1 << 11) | (1 << 8) | 0x20;

/**
 * Names ports and decodes values. Stateful like the devices it describes: it remembers the CMOS
 * index, the PCI config address, the fw_cfg selector and the bus-master IDE base (learned from the
 * firmware's write to the PIIX IDE function's BAR4, or given).
 */
export class PortDecoder {
  private cmosIndex = -1;
  private pciAddress = 0;
  private fwCfgKey = -1;

  constructor(public bmdmaBase: number | null = null) {}

  /** The register name of `port` for a read or write, or null for a port we do not know. */
  registerName(port: number, write: boolean): string | null {
    if (this.bmdmaBase !== null && port >= this.bmdmaBase && port < this.bmdmaBase + 16) {
      const off = port - this.bmdmaBase;
      const channel = off >= 8 ? "BMDMA2" : "BMDMA";
      const reg = off & 7;
      return reg === 0
        ? `${channel} command`
        : reg === 2
          ? `${channel} status`
          : reg >= 4
            ? `${channel} PRD address`
            : `${channel} reg +${off}`;
    }
    for (const range of FIXED_PORTS)
      if (port >= range.first && port <= range.last) return range.name(port - range.first, write);
    return null;
  }

  /** Human detail for `value` written to / read from `port` ("" when there is nothing to add). */
  private detail(port: number, write: boolean, value: number, size: number): string {
    if (this.bmdmaBase !== null && port >= this.bmdmaBase && port < this.bmdmaBase + 16) {
      const reg = (port - this.bmdmaBase) & 7;
      if (reg === 0 && write)
        return `${value & BM_CMD_START ? "start" : "stop"}, ${value & BM_CMD_TO_MEMORY ? "read" : "write"}`;
      if (reg === 2) return bitNames(value, BM_STATUS_BITS);
      return "";
    }
    switch (port) {
      case 0x1f7:
      case 0x177:
        return write ? (ATA_COMMANDS.get(value) ?? "unknown command") : bitNames(value, ATA_STATUS_BITS);
      case 0x3f6:
      case 0x376:
        if (!write) return bitNames(value, ATA_STATUS_BITS);
        return [value & ATA_CONTROL_SRST ? "SRST" : "", value & ATA_CONTROL_NIEN ? "nIEN" : ""]
          .filter(Boolean)
          .join(" ");
      case 0x1f6:
      case 0x176:
        return `drive ${(value >> 4) & 1}${value & 0x40 ? ", LBA" : ""}`;
      case 0x64:
        return write ? (I8042_COMMANDS.get(value) ?? "") : "";
      case 0x70:
        return `${CMOS_REGISTERS.get(value & 0x7f) ?? `reg ${hx(value & 0x7f)}`}${value & CMOS_NMI_MASK ? ", NMI off" : ""}`;
      case 0x71:
        return this.cmosIndex >= 0
          ? `[${CMOS_REGISTERS.get(this.cmosIndex) ?? `reg ${hx(this.cmosIndex)}`}]`
          : "";
      case 0x92:
        return write
          ? [value & PORT92_A20 ? "A20 on" : "A20 off", value & PORT92_RESET ? "reset" : ""]
              .filter(Boolean)
              .join(", ")
          : "";
      case 0xcf9:
        if (size !== 1) break;
        return write
          ? [value & RCR_SYS_RST ? "system reset" : "", value & RCR_RST_CPU ? "reset CPU" : ""]
              .filter(Boolean)
              .join(" ")
          : "";
      case 0x510:
        return FW_CFG_KEYS.get(value & 0x3fff) ?? (value >= 0x20 && value < 0x8000 ? "file" : "");
      case 0x511:
        return this.fwCfgKey >= 0
          ? `[${FW_CFG_KEYS.get(this.fwCfgKey & 0x3fff) ?? `key ${hx(this.fwCfgKey)}`}]`
          : "";
      case 0x402:
      case 0xe9:
        return value >= 0x20 && value < 0x7f
          ? `'${String.fromCharCode(value)}'`
          : value === 10
            ? "'\\n'"
            : "";
    }
    if (port === 0xcf8 && size === 4 && write)
      return value & PCI_CONFIG_ENABLE ? `${pciBdf(value)} reg ${hx(value & 0xfc)}` : "disabled";
    if (port >= 0xcfc && port <= 0xcff && this.pciAddress & PCI_CONFIG_ENABLE)
      return `[${pciBdf(this.pciAddress)} reg ${hx((this.pciAddress & 0xfc) + (port - 0xcfc))}]`;
    return "";
  }

  /** Updates the remembered device state after an access (call after describe). */
  private track(port: number, write: boolean, value: number, size: number): void {
    if (!write) return;
    if (port === 0x70) this.cmosIndex = value & 0x7f;
    else if (port === 0x510) this.fwCfgKey = value;
    else if (port === 0xcf8 && size === 4) this.pciAddress = value >>> 0;
    else if (port === 0xcfc && size === 4 && this.pciAddress >>> 0 === PIIX_IDE_BAR4_ADDRESS >>> 0) {
      const base = value & 0xfffc;
      if (value >>> 0 !== 0xffffffff && base !== 0) this.bmdmaBase = base;
    }
  }

  /**
   * One log line for an access: `0x1f7 ATA command <- 0xe7 FLUSH CACHE`, `0x1f7 ATA status -> 0x50 DRDY DSC`.
   * Guarantees: unknown ports still get a line (`0x1234 <- 0x5`), never an exception.
   */
  describe(port: number, write: boolean, value: number, size: number): string {
    const name = this.registerName(port, write);
    const detail = this.detail(port, write, value, size);
    this.track(port, write, value, size);
    const arrow = write ? "<-" : "->";
    const shown = `0x${value.toString(16).padStart(Math.min(4, size) * 2, "0")}`;
    return `${hx(port)}${name ? ` ${name}` : ""} ${arrow} ${shown}${detail ? ` ${detail}` : ""}`;
  }
}
