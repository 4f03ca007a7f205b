// The i440fx/PIIX3 PC that QEMU's `-M pc` gives SeaBIOS, assembled in one place like pc_init1:
// memory map with PAM (pc-memory.ts), the host bridge and PCI bus, PIIX3 ISA bridge (ELCR, PIRQ),
// PIIX3 IDE with bus-master DMA, PIIX4 PM with the ACPI timer, the 8259 pair, 8254 PIT + port 0x61,
// MC146818 RTC/CMOS, i8042, port 0x92, reset control 0xcf9, POST port 0x80, fw_cfg, local APICs
// and the I/O APIC, optional COM1 and COM2, the debug consoles and isa-debug-exit. PAM and SMRAM state
// survive a system reset as in QEMU; everything else returns to its power-on state.

import { existsSync, readFileSync } from "node:fs";
import type { AcpiConfig } from "../acpi/config.ts";
import { CPUHP_IO_BASE, GPE0_IO_BASE, PCIHP_IO_BASE } from "../acpi/dsdt.ts";
import { installAcpi, pcAcpiConfig } from "../acpi/install.ts";
import { type NumaNodeSpec, resolveNuma } from "../acpi/numa.ts";
import type { AioContext, BlockBackend } from "../block/index.ts";
import { CPUID_APIC } from "../cpu/cpuid-models.ts";
import type { CpuidConfig } from "../cpu/state.ts";
import { cpuidSignature } from "../cpu/system/control.ts";
import { AcpiCpuHotplug } from "../devices/acpi-cpu-hotplug.ts";
import { AcpiGpe } from "../devices/acpi-gpe.ts";
import { AcpiPciHotplug } from "../devices/acpi-pcihp.ts";
import { DebugExit } from "../devices/debug-exit.ts";
import type { ByteSink } from "../devices/debugcon.ts";
import { DebugCon } from "../devices/debugcon.ts";
import {
  FW_CFG_ACPI_TABLES,
  FW_CFG_BOOT_MENU,
  FW_CFG_E820_TABLE,
  FW_CFG_IRQ0_OVERRIDE,
  FW_CFG_MAX_CPUS,
  FW_CFG_NB_CPUS,
  FW_CFG_NOGRAPHIC,
  FW_CFG_RAM_SIZE,
  FW_CFG_UUID,
  FwCfg,
  le16,
  le32,
  le64,
} from "../devices/fw-cfg.ts";
import { HPET_BASE, HPET_MMIO_SIZE, Hpet } from "../devices/hpet.ts";
import { I440fxFunction, PciHost } from "../devices/i440fx.ts";
import { I8042 } from "../devices/i8042.ts";
import { I8254 } from "../devices/i8254.ts";
import { I8259Pair } from "../devices/i8259.ts";
import { IdeController } from "../devices/ide/piix-ide.ts";
import { IOAPIC_BASE, IOAPIC_MMIO_SIZE, IOAPIC_RESET_ID, IoApic } from "../devices/ioapic.ts";
import type { DmaMemory, IrqLine } from "../devices/irq.ts";
import { AP_APIC_BASE, APIC_DEFAULT_BASE, APIC_MMIO_SIZE, type Ipi, LocalApics } from "../devices/lapic.ts";
import { DEFAULT_RTC_BASE, Mc146818 } from "../devices/mc146818.ts";
import { devfn, PciBus, type PciBusState } from "../devices/pci-bus.ts";
import { Piix3Isa } from "../devices/piix3-isa.ts";
import { APM_CNT_PORT, PIIX4_PMBA, Piix4Pm } from "../devices/piix4-pm.ts";
import { Port92 } from "../devices/port92.ts";
import { PostPort } from "../devices/post.ts";
import { ResetControl } from "../devices/reset-control.ts";
import { ISA_SERIAL_PORTS, Uart16550 } from "../devices/uart16550.ts";
import { buildSmbios, type SmbiosFiles } from "../smbios/tables.ts";
import { AioPump } from "./aio-pump.ts";
import { type Board, ConfigError, type MachineOptions } from "./config.ts";
import {
  apicIdLimit,
  apicIdOf,
  type CpuTopology,
  cpuidLogicalCount,
  logicalPerPackage,
  resolveTopology,
  type SmpConfig,
} from "./cpu-topology.ts";
import { biosSizeProblem, DEFAULT_MEM, memConfigProblem, memSizeProblem } from "./limits.ts";
import { installLinuxBoot, LINUXBOOT_BOOTORDER, type LinuxBootImage } from "./linux-boot.ts";
import { Machine } from "./machine.ts";
import { driveStateDevice } from "./machine-state.ts";
import { infoMptable } from "./mptable-info.ts";
import { installMultiboot, MULTIBOOT_BOOTORDER, type MultibootImage } from "./multiboot.ts";
import { infoNuma } from "./numa-info.ts";
import { guessGeometry, initCmos } from "./pc-cmos.ts";
import {
  buildPcMemory,
  e820File,
  e820RamAreas,
  type PcMemory,
  type PcMemoryLayout,
  pcBufferBytes,
  pcMemoryLayout,
  reservedMemoryEndFile,
} from "./pc-memory.ts";
import { SmpRunner, type SmpState } from "./smp.ts";

/** Where QEMU's kvmvapic option ROM lives on Debian. */
export const KVMVAPIC_ROM = "/usr/share/qemu/kvmvapic.bin";
/** The PM I/O base bits of PMBA (QEMU's pm_io_space_update). */
const PMBA_MASK = 0xffc0;

/** One IDE drive, already opened by the caller (the CLI owns opening and closing images). */
export interface PcDrive {
  /** 0 primary master, 1 primary slave, 2 secondary master, 3 secondary slave. */
  index: number;
  media: "disk" | "cdrom";
  /** null: an empty CD-ROM drive. */
  backend: BlockBackend | null;
}

/** PC options on top of the common machine options. */
export interface PcOptions extends MachineOptions {
  /** -m slots=N: DIMM hot-plug slots (default 0). */
  memSlots?: number;
  /** -m maxmem=SIZE: RAM plus hot-pluggable DIMMs (default memBytes: no device memory). */
  maxMemBytes?: number;
  /** -smp: a CPU count, or the topology QEMU's -smp takes (default 1 CPU). */
  cpus?: number | SmpConfig;
  /** QEMU's -boot order string, default "cad". */
  bootOrder?: string;
  drives?: PcDrive[];
  /** The AioContext the drives' backends use (polled between CPU slices). */
  aio?: AioContext;
  /**
   * The serial ports' outputs, COM1 first (QEMU's -serial, repeated); a null sink drops the bytes.
   * Empty or undefined: no serial port (QEMU's -nodefaults). At most ISA_SERIAL_PORTS.length.
   */
  serials?: (ByteSink | null)[];
  /** Option ROMs offered to the firmware as fw_cfg genroms/NAME files. */
  optionRoms?: { name: string; data: Uint8Array }[];
  /** fw_cfg `bootorder` contents (one OpenFirmware path a line), default empty. */
  bootorderFile?: string;
  /** A Multiboot kernel booted by the firmware through fw_cfg and an option ROM (-kernel). */
  multiboot?: MultibootImage;
  /** A Linux kernel (bzImage, initrd, command line) booted the same way (-kernel -initrd -append). */
  linux?: LinuxBootImage;
  /** NUMA nodes (-numa node,...). */
  numa?: NumaNodeSpec[];
  /** The RTC's date at virtual time 0 (QEMU's -rtc base=DATE); default DEFAULT_RTC_BASE (deterministic). */
  rtcBase?: Date;
}

/** The devices of a PC, for tests and the debugger. */
export interface PcDevices {
  memory: PcMemory;
  pci: PciBus;
  host: I440fxFunction;
  isa: Piix3Isa;
  pm: Piix4Pm;
  ide: IdeController;
  pic: I8259Pair;
  pit: I8254;
  rtc: Mc146818;
  kbd: I8042;
  port92: Port92;
  post: PostPort;
  fwcfg: FwCfg;
  apics: LocalApics;
  ioapic: IoApic;
  /** COM1, COM2 (as many as options.serials gave). */
  serials: Uart16550[];
  smp: SmpRunner;
  /** The CPU topology (-smp) the APIC IDs come from. */
  topology: CpuTopology;
  /** RAM below and above 4 GiB and the device-memory region (-m). */
  layout: PcMemoryLayout;
  /** What the ACPI tables describe: the possible CPUs, the NUMA nodes, the hot-plug memory. */
  acpi: AcpiConfig;
  aio: AioPump | null;
}

/** A Machine with its PC devices. */
export class PcMachine extends Machine {
  declare pc: PcDevices;

  /**
   * Builds the PC. What depends on the CPU model (set by Machine after the board) comes last: the
   * package's CPU count in CPUID, and the SMBIOS tables, which quote the boot CPU's CPUID.
   */
  constructor(options: PcOptions) {
    super(options, pcBoard);
    const logical = cpuidLogicalCount(this.pc.topology);
    for (const cpu of this.cpus) cpu.cpuid.logicalCount = logical;
    installSmbios(this.pc.fwcfg, this, options.memBytes ?? DEFAULT_MEM);
  }

  override run(budget: number) {
    if (this.pc.smp.active()) return this.pc.smp.run(budget, (b) => super.run(b));
    return super.run(budget);
  }

  override reset(): void {
    this.pc.smp.reset();
    super.reset();
  }

  /**
   * Adds the PC's topics: "fw_cfg" (the items and their sizes), "mptable" (decoded from guest
   * memory), "numa" (the nodes, as QEMU's `info numa`).
   */
  override monitorInfo(topic: string): string | null {
    if (topic === "fw_cfg") return infoFwCfg(this.pc.fwcfg);
    if (topic === "numa") return infoNuma(this.pc.acpi, this.pc.topology.cpus);
    if (topic === "mptable") return infoMptable((addr, length) => this.readPhysical(addr, length));
    return super.monitorInfo(topic);
  }
}

/** The board. */
export const pcBoard: Board = {
  name: "pc",

  bufferBytes(options: MachineOptions): number {
    return pcBufferBytes(options.memBytes ?? DEFAULT_MEM, options.bios.length);
  },

  init(machine: Machine, opts: MachineOptions): void {
    const options = opts as PcOptions;
    const memBytes = options.memBytes ?? DEFAULT_MEM;
    const mem = {
      ramBytes: memBytes,
      slots: options.memSlots ?? 0,
      maxBytes: options.maxMemBytes ?? memBytes,
    };
    const problem = memSizeProblem(memBytes) ?? memConfigProblem(mem) ?? biosSizeProblem(options.bios.length);
    if (problem !== null) throw new ConfigError(problem);
    const layout = pcMemoryLayout(mem);
    const smpOption = options.cpus ?? 1;
    const topology = resolveTopology(typeof smpOption === "number" ? { cpus: smpOption } : smpOption);
    const cpus = topology.cpus;
    const apicIds = Array.from({ length: cpus }, (_, i) => apicIdOf(topology, i));
    if (!(machine instanceof PcMachine)) throw new Error("the pc board needs a PcMachine");
    const io = machine.io;
    const log = machine.log;
    const trace = machine.trace;
    const now = () => machine.clock.nowNs();
    const armed = (deadlineNs: number) => machine.clock.armed(deadlineNs);
    const space = machine.memory;
    const memory = buildPcMemory(space, layout, options.bios);
    const dma: DmaMemory = space;
    const host = {
      setA20: (on: boolean) => machine.setA20(on),
      requestReset: (why: string) => machine.requestReset(why),
    };

    // CPUs: the boot CPU exists; application processors wait for INIT/SIPI.
    const smp = new SmpRunner(machine, apicIds);
    // pcscope's own model reports the APIC the PC has (a --cpu model brings its own bits).
    for (const cpu of machine.cpus) cpu.cpuid.featuresEdx |= CPUID_APIC;

    // Interrupts: the 8259 pair's INTR and the I/O APIC both reach the CPUs through their local
    // APICs; each ISA IRQ drives the 8259 and the I/O APIC pin (QEMU's GSI wiring).
    const apics: LocalApics = new LocalApics(
      apicIds,
      {
        current: () => smp.currentCpu(),
        setIntr: (i, level) => {
          machine.cpus[i]!.intrLine = level;
        },
        apicBase: (i) => machine.cpus[i]!.apicBase,
        ipi: (ipi: Ipi) => smp.ipi(ipi),
        picAcknowledge: () => pic.acknowledge(),
        eoiBroadcast: (vector) => ioapic.eoiBroadcast(vector),
        now,
        timerArmed: armed,
      },
      trace,
      log,
    );
    const pic = new I8259Pair(io, { setLevel: (l) => apics.setPicLevel(l) }, trace, log);
    const ioapic: IoApic = new IoApic(log, IOAPIC_RESET_ID, {
      deliverIrq: (dest, logical, mode, vector, level) =>
        apics.deliverIrq(dest, logical, mode, vector, level),
      picAcknowledge: () => pic.acknowledge(),
    });
    machine.cpus.forEach((cpu, i) => {
      cpu.intc = apics.apic(i);
      if (i > 0) cpu.apicBase = AP_APIC_BASE;
    });
    const isaIrq = (n: number): IrqLine => ({
      setLevel: (level) => {
        pic.setIrq(n, level);
        ioapic.setIrq(n, level);
      },
    });
    const pci = new PciBus(io, log);
    const resetControl = new ResetControl((why) => machine.requestReset(why));
    machine.addDevice(new PciHost(io, pci, trace, log, resetControl));
    const hostBridge = new I440fxFunction(memory.pam, space);
    pci.plug(devfn(0, 0), hostBridge);
    const isa = new Piix3Isa(io, pic);
    pci.plug(devfn(1, 0), isa);
    const aio = options.aio !== undefined ? new AioPump(options.aio) : null;
    const ide = new IdeController(io, dma, [isaIrq(14), isaIrq(15)], trace, log, aio);
    pci.plug(devfn(1, 1), ide);
    const pm = new Piix4Pm({ now, powerOff: () => machine.requestPowerOff() }, log);
    pci.plug(devfn(1, 3), pm);
    io.register(APM_CNT_PORT, 2, pm.apmPorts());
    addAcpiHotplugBlocks(machine, pci, topology);

    // The PIT's and the RTC's outputs pass through the HPET (legacy replacement takes them over).
    const hpet = new Hpet(isaIrq, now, armed);
    space.addMmio("hpet", HPET_BASE, HPET_MMIO_SIZE, hpet.mmio());
    const pit = new I8254(io, hpet.pitInput(), now, armed, log);
    const rtc = new Mc146818(io, hpet.rtcInput(), now, armed, log, options.rtcBase ?? DEFAULT_RTC_BASE);
    const kbd = new I8042(io, isaIrq(1), isaIrq(12), host, log);
    const port92 = new Port92(io, host);
    const post = new PostPort(io, trace);
    const fwcfg = new FwCfg(io, dma, trace, log);
    space.addMmio("apic", APIC_DEFAULT_BASE, APIC_MMIO_SIZE, apics.mmio(), { priority: 1 });
    space.addMmio("ioapic", IOAPIC_BASE, IOAPIC_MMIO_SIZE, ioapic.mmio());
    const sinks = options.serials ?? [];
    if (sinks.length > ISA_SERIAL_PORTS.length)
      throw new ConfigError(
        `at most ${ISA_SERIAL_PORTS.length} serial ports (COM1, COM2), ${sinks.length} given`,
      );
    const serials = sinks.map((sink, i) => {
      const { port, irq } = ISA_SERIAL_PORTS[i]!;
      return new Uart16550(io, port, isaIrq(irq), machine.gatedSink(sink), trace, log);
    });

    for (const d of options.drives ?? []) ide.attach(d.index, d.media, d.backend);
    const geometries = [0, 1, 2, 3].map((i) => {
      const d = options.drives?.find((x) => x.index === i);
      return d !== undefined && d.media === "disk" && d.backend !== null
        ? guessGeometry(d.backend.size / 512)
        : null;
    });
    initCmos((i, v) => rtc.set(i, v), layout, cpus, options.bootOrder ?? "cad", geometries);
    fillFwCfg(fwcfg, memBytes, layout, topology, options);
    const acpiConfig = acpiInputs(options, memBytes, layout, topology, serials.length);
    machine.addDevice(
      installAcpi(fwcfg, acpiConfig, () => ({ pmBase: pm.configRead(PIIX4_PMBA, 4) & PMBA_MASK })),
    );
    if (options.multiboot !== undefined) installMultiboot(fwcfg, options.multiboot);
    if (options.linux !== undefined) installLinuxBoot(fwcfg, options.linux);

    machine.clock.add(pit);
    machine.clock.add(rtc);
    machine.clock.add(apics);
    machine.clock.add(hpet);
    if (aio !== null) machine.clock.add(aio);
    for (const d of [pic, pit, hpet, rtc, kbd, port92, fwcfg, apics, ioapic, resetControl])
      machine.addDevice(d);
    machine.addDevice({
      name: "pci",
      reset: () => pci.reset(),
      saveState: () => pci.saveState(),
      loadState: (s) => pci.loadState(s as PciBusState),
    });
    machine.addDevice(post);
    if (aio !== null) machine.addDevice(aio);
    machine.addDevice({
      name: "smp",
      saveState: () => smp.saveState(),
      loadState: (s) => smp.loadState(s as SmpState),
    });
    for (const d of options.drives ?? [])
      if (d.backend !== null) machine.addDevice(driveStateDevice(d.backend));
    for (const serial of serials) machine.addDevice(serial);
    addDebugDevices(machine, options);

    machine.pc = {
      memory,
      pci,
      host: hostBridge,
      isa,
      pm,
      ide,
      pic,
      pit,
      rtc,
      kbd,
      port92,
      post,
      fwcfg,
      apics,
      ioapic,
      serials,
      smp,
      topology,
      layout,
      acpi: acpiConfig,
      aio,
    };
  },
};

/**
 * The fw_cfg items QEMU 7.2 offers SeaBIOS on `-M pc` (ACPI, FW_CFG_NUMA, FW_CFG_HPET and
 * etc/system-states: src/emu/acpi/install.ts; SMBIOS: installSmbios, once the CPU model is known).
 */
function fillFwCfg(
  fw: FwCfg,
  memBytes: number,
  layout: PcMemoryLayout,
  topology: CpuTopology,
  options: PcOptions,
): void {
  const cpus = topology.cpus;
  const idLimit = apicIdLimit(topology);
  fw.addBytes(FW_CFG_UUID, "uuid", new Uint8Array(16));
  fw.addBytes(FW_CFG_NOGRAPHIC, "nographic", le16(0));
  fw.addBytes(FW_CFG_BOOT_MENU, "boot_menu", le16(0));
  fw.addBytes(FW_CFG_NB_CPUS, "nb_cpus", le16(cpus));
  fw.addBytes(FW_CFG_MAX_CPUS, "max_cpus", le16(idLimit));
  fw.addBytes(FW_CFG_RAM_SIZE, "ram_size", le64(memBytes));
  fw.addBytes(FW_CFG_ACPI_TABLES, "acpi_tables", new Uint8Array(0));
  fw.addBytes(FW_CFG_IRQ0_OVERRIDE, "irq0_override", le32(1));
  fw.addBytes(FW_CFG_E820_TABLE, "e820_table", le32(0));
  fw.addFile("etc/boot-fail-wait", le32(0xffffffff));
  fw.addFile("etc/e820", e820File(layout));
  const reservedEnd = reservedMemoryEndFile(layout);
  if (reservedEnd !== null) fw.addFile("etc/reserved-memory-end", reservedEnd);
  let bootorder = options.bootorderFile ?? "";
  if (options.multiboot !== undefined) bootorder = MULTIBOOT_BOOTORDER;
  if (options.linux !== undefined) bootorder = LINUXBOOT_BOOTORDER;
  fw.addFile("bootorder", new TextEncoder().encode(bootorder));
  fw.addFile("bios-geometry", new Uint8Array(0));
  for (const rom of options.optionRoms ?? []) fw.addFile(`genroms/${rom.name}`, rom.data);
}

/**
 * The ACPI build's inputs from the PC's topology (APIC IDs of every possible CPU), memory layout
 * (the hot-plug region), NUMA nodes and serial ports (COM1, COM2). With memory hot-plug and no nodes QEMU makes one implicit
 * node holding all RAM (auto_enable_numa_with_memhp). Throws ConfigError for bad nodes.
 */
function acpiInputs(
  options: PcOptions,
  memBytes: number,
  layout: PcMemoryLayout,
  topology: CpuTopology,
  serialPorts: number,
): AcpiConfig {
  const perSocket = logicalPerPackage(topology);
  const sockets = Array.from({ length: topology.maxCpus }, (_, i) => Math.floor(i / perSocket));
  let numa = resolveNuma(options.numa ?? [], topology.maxCpus, memBytes, sockets);
  if (typeof numa === "string") throw new ConfigError(numa);
  if (numa === null && layout.deviceMemory !== null)
    numa = { nodeMem: [memBytes], cpuNode: sockets.map(() => 0) };
  const config = pcAcpiConfig({
    memBytes,
    cpus: topology.cpus,
    maxCpus: topology.maxCpus,
    numa,
    com1: serialPorts >= 1,
    com2: serialPorts >= 2,
  });
  config.cpus.forEach((cpu, i) => {
    cpu.apicId = apicIdOf(topology, i);
  });
  const dm = layout.deviceMemory;
  config.hotplugMemory = dm === null ? null : { base: dm.base, size: dm.size, slots: options.memSlots ?? 0 };
  return config;
}

/**
 * Adds etc/smbios/smbios-tables and etc/smbios/smbios-anchor for the built machine, quoting its
 * boot CPU's CPUID.
 */
function installSmbios(fw: FwCfg, machine: PcMachine, memBytes: number): void {
  const { topology, layout } = machine.pc;
  const smbios = pcSmbios(topology, layout, memBytes, machine.cpus[0]!.cpuid);
  fw.addFile("etc/smbios/smbios-tables", smbios.tables);
  fw.addFile("etc/smbios/smbios-anchor", smbios.anchor);
}

/**
 * The SMBIOS files QEMU 7.2 builds for pc-i440fx-7.2 with this topology, memory and CPU model
 * (no -smbios options: QEMU's default strings, no UUID).
 */
export function pcSmbios(
  topology: CpuTopology,
  layout: PcMemoryLayout,
  memBytes: number,
  cpuid: Readonly<CpuidConfig>,
): SmbiosFiles {
  return buildSmbios({
    system: {
      manufacturer: "QEMU",
      product: "Standard PC (i440FX + PIIX, 1996)",
      version: "pc-i440fx-7.2",
      uuid: new Uint8Array(16),
    },
    processors: {
      sockets: topology.sockets,
      coresPerSocket: topology.dies * topology.cores,
      threadsPerSocket: logicalPerPackage(topology),
      signature: cpuidSignature(cpuid),
      featuresEdx: cpuid.featuresEdx,
    },
    ramBytes: memBytes,
    ramAreas: e820RamAreas(layout),
  });
}

/** The text of `info fw_cfg`: each item's select key, size and name (files after the legacy keys). */
function infoFwCfg(fw: FwCfg): string {
  const lines = fw
    .listing()
    .map(
      (i) =>
        `${i.key.toString(16).padStart(4, "0")} ${String(i.size).padStart(8)} ${i.file ? "" : "(legacy) "}${i.name}`,
    );
  return `key      size name\n${lines.join("\n")}\n`;
}

/** The debug consoles and isa-debug-exit, as on the bare board. */
function addDebugDevices(machine: Machine, options: MachineOptions): void {
  for (const con of options.debugcons ?? []) {
    if (machine.io.ownerName(con.port) !== null) {
      throw new ConfigError(
        `port 0x${con.port.toString(16)} for a debug console is already used by ${machine.io.ownerName(con.port)}`,
      );
    }
    machine.addDevice(new DebugCon(machine.io, con.port, machine.gatedSink(con.sink)));
  }
  if (options.debugExit !== undefined) {
    const { port, size } = options.debugExit;
    for (let p = port; p < port + (size ?? 2); p++) {
      const owner = machine.io.ownerName(p);
      if (owner !== null)
        throw new ConfigError(`port 0x${p.toString(16)} for isa-debug-exit is already used by ${owner}`);
    }
    machine.addDevice(new DebugExit(machine.io, port, (status) => machine.requestExit(status), size));
  }
}

/** QEMU's kvmvapic.bin option ROM when installed (SeaBIOS runs it at c000:0003 under QEMU). */
export function hostVapicRom(): { name: string; data: Uint8Array } | null {
  return existsSync(KVMVAPIC_ROM) ? { name: "kvmvapic.bin", data: readFileSync(KVMVAPIC_ROM) } : null;
}

/** Builds the PC (throws ConfigError for bad options). */
export function createPcMachine(options: PcOptions): PcMachine {
  return new PcMachine(options);
}

/**
 * QEMU's paravirtual ACPI blocks on the PIIX4 PM function, which the DSDT's AML reads: PCI hot-plug
 * (0xae00; every function on bus 0 is a non-hot-pluggable chipset one), CPU hot-plug (0xaf00; the
 * possible CPUs of -smp) and GPE0 (0xafe0).
 */
function addAcpiHotplugBlocks(machine: PcMachine, pci: PciBus, topology: CpuTopology): void {
  const chipsetSlots = pci.list().reduce((mask, f) => mask | (1 << (f.slot >> 3)), 0);
  machine.addDevice(new AcpiPciHotplug(machine.io, PCIHP_IO_BASE, chipsetSlots));
  const possible = Array.from({ length: topology.maxCpus }, (_, i) => ({
    apicId: apicIdOf(topology, i),
    present: i < topology.cpus,
  }));
  machine.addDevice(new AcpiCpuHotplug(machine.io, CPUHP_IO_BASE, possible, machine.log));
  machine.addDevice(new AcpiGpe(machine.io, GPE0_IO_BASE));
}
